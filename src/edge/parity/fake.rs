//! Plausible fake personal data for `capture`, the same for the same input
//! (SHA-256 of the field and the real value picks it), so references stay
//! consistent: a contact scrubbed in two replies gets one fake name. The
//! word lists are the harness's own, apart from the datasets' and the
//! fixtures', so a fake can never be mistaken for a real one of those.

use sha2::{Digest, Sha256};

const FIRST: &[&str] = &[
    "Aster", "Briar", "Caspian", "Delphine", "Ember", "Fennel", "Galen", "Hazel", "Indigo",
    "Juniper", "Kestrel", "Linden", "Marlow", "Nerys", "Orrin", "Perrin", "Quill", "Rowan",
    "Sable", "Tamsin",
];
const LAST: &[&str] = &[
    "Ashdown",
    "Brackwater",
    "Coldharbour",
    "Dunmore",
    "Elderfield",
    "Foxley",
    "Greywell",
    "Hollins",
    "Ivybridge",
    "Kettleby",
    "Larkspur",
    "Millbrook",
    "Northcote",
    "Oakhurst",
    "Pennywhistle",
    "Quarrington",
    "Redmarsh",
    "Stonebury",
    "Thornfield",
    "Wyndham",
];

/// A number drawn from `field` and `value`.
fn draw(field: &str, value: &str) -> u64 {
    let digest = Sha256::digest(format!("crmcom-emulator capture\0{field}\0{value}"));
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(bytes)
}

fn pick(list: &[&'static str], field: &str, value: &str) -> &'static str {
    let index = usize::try_from(draw(field, value) % list.len() as u64).unwrap_or(0);
    list[index]
}

/// A first name standing for `real`.
pub fn first_name(real: &str) -> String {
    pick(FIRST, "first", real).to_string()
}

/// A last name standing for `real`, with a number so that few collide.
pub fn last_name(real: &str) -> String {
    format!(
        "{}-{}",
        pick(LAST, "last", real),
        draw("last#", real) % 1000
    )
}

/// A name of anything (a person, an account) standing for `real`.
pub fn name(real: &str) -> String {
    format!("{} {}", first_name(real), last_name(real))
}

/// An e-mail address standing for `real`, at a domain that cannot
/// deliver (RFC 2606).
pub fn email(real: &str) -> String {
    format!(
        "{}.{}@example.invalid",
        first_name(real).to_lowercase(),
        draw("email", real) % 100_000
    )
}

/// `n` digits standing for `real`.
pub fn digits(real: &str, n: usize) -> String {
    let mut out = String::new();
    let mut round = 0;
    while out.len() < n {
        out.push_str(&format!("{:019}", draw(&format!("digits{round}"), real)));
        round += 1;
    }
    out.truncate(n);
    out
}

/// A phone number standing for `real`: `+` and as many digits.
pub fn phone(real: &str) -> String {
    let count = real
        .chars()
        .filter(char::is_ascii_digit)
        .count()
        .clamp(8, 15);
    format!("+{}", digits(real, count))
}

/// A day and month (and year, if `real` has one) standing for those of
/// `person`: a date of birth or name day, absent parts kept absent.
pub fn day_month(real: Option<&serde_json::Value>, person: &str) -> serde_json::Value {
    let part = |key: &str| real.and_then(|r| r.get(key)).filter(|v| !v.is_null());
    let mut out = serde_json::json!({"month": null, "day": null});
    if part("month").is_some() {
        out["month"] = (1 + draw("month", person) % 12).into();
    }
    if part("day").is_some() {
        out["day"] = (1 + draw("day", person) % 28).into();
    }
    if real.is_some_and(|r| r.get("year").is_some()) {
        out["year"] = serde_json::Value::Null;
        if part("year").is_some() {
            out["year"] = (1940 + draw("year", person) % 66).into();
        }
    }
    out
}

/// A gender standing for `person`'s, when one is given.
pub fn gender(real: Option<&serde_json::Value>, person: &str) -> serde_json::Value {
    match real.and_then(serde_json::Value::as_str) {
        Some(_) => ["MALE", "FEMALE"][usize::from(draw("gender", person) % 2 == 1)].into(),
        None => serde_json::Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_input_gives_the_same_fake_and_others_differ() {
        assert_eq!(name("Kathy Clark"), name("Kathy Clark"));
        assert_ne!(email("kathy@example.com"), email("louis@example.com"));
        assert_eq!(digits("88996633", 8).len(), 8);
        assert!(phone("+357 99 100418").starts_with('+'));
        assert!(email("x@y.z").ends_with("@example.invalid"));
    }
}
