//! Pass codes are kept only as salted SHA-256 hashes and compared in constant
//! time. `Debug` never prints them, so they cannot leak through a log line.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A salted hash of a pass code, serialised as `sha256$<salt hex>$<hash hex>`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PassCodeHash {
    salt: [u8; 16],
    hash: [u8; 32],
}

impl std::fmt::Debug for PassCodeHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PassCodeHash(..)")
    }
}

fn digest(salt: &[u8; 16], pass_code: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(pass_code.as_bytes());
    hasher.finalize().into()
}

impl PassCodeHash {
    /// Hashes `pass_code` with `salt`.
    pub fn new(pass_code: &str, salt: [u8; 16]) -> Self {
        PassCodeHash {
            salt,
            hash: digest(&salt, pass_code),
        }
    }

    /// Whether `pass_code` is the one hashed, in time independent of where
    /// the two differ.
    pub fn matches(&self, pass_code: &str) -> bool {
        digest(&self.salt, pass_code).ct_eq(&self.hash).into()
    }
}

/// Constant-time equality of two short secrets (verification codes, OTPs).
pub fn secrets_equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}

impl From<PassCodeHash> for String {
    fn from(h: PassCodeHash) -> String {
        format!("sha256${}${}", hex(&h.salt), hex(&h.hash))
    }
}

impl TryFrom<String> for PassCodeHash {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        let mut parts = text.split('$');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("sha256"), Some(salt), Some(hash), None) => Ok(PassCodeHash {
                salt: unhex(salt).ok_or("bad salt")?,
                hash: unhex(hash).ok_or("bad hash")?,
            }),
            _ => Err("a pass code hash is written sha256$<salt>$<hash>".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_matches_only_its_pass_code_and_never_shows_it() {
        let h = PassCodeHash::new("ap!n3w$", [7; 16]);
        assert!(h.matches("ap!n3w$"));
        assert!(!h.matches("ap!n3w"));
        let text = String::from(h.clone());
        assert!(!text.contains("ap!n3w"));
        assert!(!format!("{h:?}").contains("ap!n3w"));
        assert_eq!(PassCodeHash::try_from(text), Ok(h));
    }

    #[test]
    fn short_secrets_compare_exactly() {
        assert!(secrets_equal("273562", "273562"));
        assert!(!secrets_equal("273562", "273563"));
        assert!(!secrets_equal("273562", "2735620"));
    }
}
