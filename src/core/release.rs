//! A CRM.COM release, `R<major>.<minor>.<patch>`: parsed, ordered and
//! written as CRM.COM writes it. What differs between releases is in
//! `core::release_facts` and in each method's declaration.

use std::fmt;

/// A CRM.COM release, `R<major>.<minor>.<patch>`.
///
/// ```
/// use crmcom_emulator::Release;
///
/// let r10_1 = Release::parse("R10.1").expect("a release");
/// assert_eq!(r10_1.to_string(), "R10.1");
/// assert!(Release::parse("R4").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Release {
    pub(crate) major: u8,
    pub(crate) minor: u8,
    pub(crate) patch: u8,
}

pub(crate) const fn r(major: u8, minor: u8) -> Release {
    Release {
        major,
        minor,
        patch: 0,
    }
}

impl Release {
    /// The oldest release the emulator knows: the access-token API's first.
    pub const OLDEST: Release = r(5, 0);
    /// The newest release in which every access-token method exists (R18
    /// deprecates them all).
    pub const DEFAULT: Release = r(17, 10);
    /// The newest release the emulator knows.
    pub const NEWEST: Release = r(18, 0);

    /// Reads `R8`, `R10.1`, `r17.10`, `R16.12.0` or `10.1`.
    pub fn parse(text: &str) -> Result<Release, String> {
        let bad = || {
            format!(
                "'{text}' is not a CRM.COM release between {} and {} (for example R8, R10.1, R17.10)",
                Release::OLDEST,
                Release::NEWEST
            )
        };
        let digits = text.trim();
        let digits = digits
            .strip_prefix(['R', 'r'])
            .unwrap_or(digits)
            .trim_start();
        let mut parts = [0u8; 3];
        for (n, part) in digits.split('.').enumerate() {
            let slot = parts.get_mut(n).ok_or_else(bad)?;
            *slot = part.parse().map_err(|_| bad())?;
        }
        let release = Release {
            major: parts[0],
            minor: parts[1],
            patch: parts[2],
        };
        if !(Release::OLDEST..=Release::NEWEST).contains(&release) {
            return Err(bad());
        }
        Ok(release)
    }
}

/// `R8`, `R10.1`, `R16.12`: trailing zero parts left out.
impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "R{}", self.major)?;
        if self.minor != 0 || self.patch != 0 {
            write!(f, ".{}", self.minor)?;
        }
        if self.patch != 0 {
            write!(f, ".{}", self.patch)?;
        }
        Ok(())
    }
}

impl serde::Serialize for Release {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(text: &str) -> Release {
        Release::parse(text).expect(text)
    }

    #[test]
    fn releases_parse_and_print_as_crmcom_writes_them() {
        assert_eq!(rel("R8").to_string(), "R8");
        assert_eq!(rel("r10.1").to_string(), "R10.1");
        assert_eq!(rel("R16.12.0").to_string(), "R16.12");
        assert_eq!(rel("17.10").to_string(), "R17.10");
        assert!(rel("R10") < rel("R10.1") && rel("R9.9") < rel("R10"));
        for bad in ["R4", "R19", "R8.x", "", "R1.2.3.4", "R300"] {
            assert!(Release::parse(bad).is_err(), "{bad}");
        }
    }
}
