//! Where CRM.COM sends a message about an access token: the rules that
//! pick the medium and the address (decisions.md §7).

use crate::domain::reference::Contact;

/// A phone number as an identifier: `+` and 7 to 15 digits, with spaces or
/// dashes between them (a card number is no phone).
fn is_phone(text: &str) -> bool {
    let Some(digits) = text.strip_prefix('+') else {
        return false;
    };
    let count = digits.chars().filter(char::is_ascii_digit).count();
    (7..=15).contains(&count)
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
}

/// Where a message goes: the identifier when it is an e-mail address or a
/// phone number, else the contact's first e-mail, else its first phone.
/// `(media, address)`.
pub fn destination(
    identifier: Option<&str>,
    contact: Option<&Contact>,
) -> Option<(&'static str, String)> {
    if let Some(identifier) = identifier {
        if identifier.contains('@') {
            return Some(("EMAIL", identifier.to_string()));
        }
        if is_phone(identifier) {
            return Some(("SMS", identifier.to_string()));
        }
    }
    let contact = contact?;
    if let Some(email) = contact.emails.first() {
        return Some(("EMAIL", email.email_address.clone()));
    }
    contact
        .phones
        .first()
        .map(|phone| ("SMS", phone.number.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_that_are_addresses_receive_the_message() {
        assert_eq!(
            destination(Some("a@example.com"), None),
            Some(("EMAIL", "a@example.com".to_string()))
        );
        assert_eq!(
            destination(Some("+357 99 123456"), None),
            Some(("SMS", "+357 99 123456".to_string()))
        );
        assert_eq!(destination(Some("card-36"), None), None);
        assert_eq!(destination(Some("12"), None), None);
        // A card number is no phone, however many digits it has.
        assert_eq!(destination(Some("88005551"), None), None);
    }
}
