//! The messages CRM.COM sends in the access-token flows, kept as
//! communications of the contact (`Tenant::outbox`): the verification code
//! of a token that needs verification (create, reset_verification_code) and
//! the one-time password of forgot_pass_code. The emulator delivers
//! nothing; the message is visible through `communications/list` and
//! `show` and the admin outbox, the one place besides the documented
//! replies where such a code appears.

use crate::api::access_tokens::owner_accounts_receivable;
use crate::api::call::Context;
use crate::domain::access_token::entity::AccessToken;
use crate::domain::reference::{Communication, LogRefs};
use crate::domain::session::Caller;
use chrono::NaiveDateTime;

/// What a message says.
pub enum Message<'a> {
    /// A new token's (or a reset) verification code.
    VerificationCode(&'a str),
    /// forgot_pass_code's one-time password, which logs the consumer in
    /// (`consumer_application_key/token`) to set a new pass code.
    OneTimePassword {
        otp: &'a str,
        expires_at: NaiveDateTime,
    },
}

/// A phone number as an identifier: `+` and 7 to 15 digits, with spaces or
/// dashes between them.
fn is_phone(text: &str) -> bool {
    let digits = text.trim_start_matches('+');
    let count = digits.chars().filter(char::is_ascii_digit).count();
    (7..=15).contains(&count)
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
}

/// Where the message goes: the token's identifier when it is an e-mail
/// address or a phone number, else the contact's first e-mail, else its
/// first phone. `(media, recipient)`.
fn destination(
    identifier: Option<&str>,
    contact: Option<&crate::domain::reference::Contact>,
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

/// Sends `message` about `token` to its consumer, if CRM.COM would know
/// where (else nothing is kept: no address, no message). Call it after the
/// token's change is stored.
pub fn send(cx: &Context, caller: &Caller, token: &AccessToken, message: Message<'_>) {
    let tenant = &caller.tenant;
    let reference = &tenant.reference;
    let contact = owner_accounts_receivable(reference, token)
        .and_then(|ar| reference.accounts_receivable(ar))
        .and_then(|ar| reference.contact(&ar.account_owner_id));
    let Some((media, recipient)) = destination(token.identifier.as_deref(), contact) else {
        tracing::info!(
            "access token {}: no e-mail or phone to send its message to",
            token.number
        );
        return;
    };
    let (subject, content) = match message {
        Message::VerificationCode(code) => (
            "Your verification code",
            format!("Your verification code is {code}. Enter it to start using your card or app."),
        ),
        Message::OneTimePassword { otp, expires_at } => (
            "Your one-time password",
            format!(
                "You asked to reset your pass code. Log in with the one-time password {otp} (valid until {}), then choose a new pass code.",
                expires_at.format("%Y-%m-%dT%H:%M:%S")
            ),
        ),
    };
    let now = tenant.now();
    tenant.outbox.send(
        |number| Communication {
            id: communication_id(&tenant.key(), &number),
            number,
            contact_id: contact.map(|c| c.id.clone()),
            direction: "OUTGOING".into(),
            media: media.into(),
            recipient: Some(recipient),
            subject: Some(subject.into()),
            content: Some(content),
            life_cycle_state: "COMPLETE".into(),
            viewed: false,
            viewed_on: None,
            notes: None,
            udf: Default::default(),
            log_information: LogRefs::created(now, &caller.user_id, &caller.unit_id),
        },
        |sent| cx.communication_sent(tenant, sent),
    );
}

/// A sent communication's id: 32 hex digits derived from the organisation
/// and the number, so sending draws nothing from the tenant's generator
/// and a seed gives the same tokens and codes as before messages existed.
fn communication_id(tenant_key: &str, number: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("communication:{tenant_key}:{number}"));
    digest[..16].iter().map(|b| format!("{b:02X}")).collect()
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
    }
}
