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
use crate::domain::message_address::destination;
use crate::domain::reference::{Communication, Contact, LogRefs, Reference};
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

/// The contact behind a token: its accounts receivable's owner.
fn contact_of<'r>(reference: &'r Reference, token: &AccessToken) -> Option<&'r Contact> {
    owner_accounts_receivable(reference, token)
        .and_then(|ar| reference.accounts_receivable(ar))
        .and_then(|ar| reference.contact(&ar.account_owner_id))
}

/// Where a message about `token` would go, `(media, address)`; `None`
/// when CRM.COM would know no address.
pub fn recipient(reference: &Reference, token: &AccessToken) -> Option<(&'static str, String)> {
    destination(token.identifier.as_deref(), contact_of(reference, token))
}

/// The subject and content of `message`.
fn words(message: Message<'_>) -> (&'static str, String) {
    match message {
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
    }
}

/// What is known of a message before its number: whom it goes to and what
/// it says.
struct Draft {
    contact_id: Option<String>,
    media: &'static str,
    recipient: String,
    subject: &'static str,
    content: String,
}

impl Draft {
    /// `None` when CRM.COM would know no address for `token`.
    fn of(reference: &Reference, token: &AccessToken, message: Message<'_>) -> Option<Draft> {
        let contact = contact_of(reference, token);
        let (media, recipient) = destination(token.identifier.as_deref(), contact)?;
        let (subject, content) = words(message);
        Some(Draft {
            contact_id: contact.map(|c| c.id.clone()),
            media,
            recipient,
            subject,
            content,
        })
    }

    fn sent(self, id: String, number: String, log_information: LogRefs) -> Communication {
        Communication {
            id,
            number,
            contact_id: self.contact_id,
            direction: "OUTGOING".into(),
            media: self.media.into(),
            recipient: Some(self.recipient),
            subject: Some(self.subject.into()),
            content: Some(self.content),
            life_cycle_state: "COMPLETE".into(),
            viewed: false,
            viewed_on: None,
            notes: None,
            udf: Default::default(),
            log_information,
        }
    }
}

/// Sends `message` about `token` to its consumer, if CRM.COM would know
/// where (else nothing is kept: no address, no message). Call it after the
/// token's change is stored.
pub fn send(cx: &Context, caller: &Caller, token: &AccessToken, message: Message<'_>) {
    let tenant = &caller.tenant;
    let Some(draft) = Draft::of(&tenant.reference, token, message) else {
        tracing::info!(
            "access token {}: no e-mail or phone to send its message to",
            token.number
        );
        return;
    };
    let log = LogRefs::created(tenant.now(), &caller.user_id, &caller.unit_id);
    tenant.outbox.send(
        |number| draft.sent(communication_id(&tenant.key(), &number), number, log),
        |sent, dropped| cx.communication_sent(tenant, sent, dropped),
    );
}

/// The verification message CRM.COM sent when `token` was created pending,
/// numbered `number` (a dataset's generated tokens: `scope` names the
/// dataset for the id); `None` when it is not pending or has no address.
pub fn verification_sent(
    reference: &Reference,
    token: &AccessToken,
    scope: &str,
    number: String,
) -> Option<Communication> {
    let code = token.verification_code.as_deref()?;
    let draft = Draft::of(reference, token, Message::VerificationCode(code))?;
    let log = token.log_information.clone();
    let log = LogRefs {
        updated_date: log.created_date,
        updated_by_unit_id: log.created_by_unit_id.clone(),
        updated_by_user_id: log.created_by_user_id.clone(),
        ..log
    };
    Some(draft.sent(communication_id(scope, &number), number, log))
}

/// A sent communication's id: 32 hex digits derived from the organisation
/// (or dataset) and the number, so sending draws nothing from the tenant's
/// generator and a seed gives the same tokens and codes as before messages
/// existed.
fn communication_id(tenant_key: &str, number: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("communication:{tenant_key}:{number}"));
    digest[..16].iter().map(|b| format!("{b:02X}")).collect()
}
