//! `contact_information/show`: one contact by `contact_information_identifier`.
//! Source: `CONF/pages/viewpage.action?pageId=500027`,
//! `CONF/pages/diffpagesbyversion.action?originalVersion=88&pageId=491415&revisedVersion=90`,
//! and the Introduction's example (`number=CI000111`).

use super::scope::{reach_contact, within};
use super::{kept, udf};
use crate::api::call::{Context, Reply, Request};
use crate::api::identifiers::resolve_preferring;
use crate::api::schemas::ReplySchema;
use crate::core::error::{ApiError, ApiResult};
use crate::domain::reference::{Contact, Kind, Reference};
use crate::domain::session::Caller;
use serde_json::{json, Value};

/// The parameter that names the contact.
pub const IDENTIFIER: &str = "contact_information_identifier";

/// `contact_information/show`.
pub fn show(cx: &Context, caller: &Caller, req: &Request) -> ApiResult<Reply> {
    let reference = &caller.tenant.reference;
    let (at, contact) = required(caller, req)?;
    let key = ("contact_information/show", at, 0);
    kept::reply(cx, reference, ReplySchema::CONTACT_INFORMATION, key, || {
        render(reference, contact)
    })
}

/// The contact `contact_information_identifier` names, with its position,
/// if the caller may see it.
pub fn required<'r>(caller: &'r Caller, req: &Request) -> ApiResult<(usize, &'r Contact)> {
    let reference = &caller.tenant.reference;
    let prefer = |at| within(caller, Kind::Contact, at);
    let at = resolve_preferring(reference, &req.params, IDENTIFIER, Kind::Contact, prefer)?
        .ok_or_else(|| ApiError::MandatoryParameter(IDENTIFIER.into()))?;
    let contact = &reference.contacts[at];
    reach_contact(caller, Some(&contact.id))?;
    Ok((at, contact))
}

/// The contact as `show` answers it: the `account_owner` object of an
/// access token's reply, with its number, language, e-mails, phones and
/// user fields.
pub fn render(reference: &Reference, contact: &Contact) -> Value {
    let mut object = reference.render_contact(&contact.id);
    let emails: Vec<Value> = contact
        .emails
        .iter()
        .map(|e| json!({"id": e.id, "type": e.kind, "email_address": e.email_address}))
        .collect();
    let phones: Vec<Value> = contact
        .phones
        .iter()
        .map(|p| json!({"id": p.id, "type": p.kind, "number": p.number, "country_code": p.country_code}))
        .collect();
    if let Some(map) = object.as_object_mut() {
        map.insert("number".into(), json!(contact.number));
        map.insert("notes".into(), json!(contact.notes));
        map.insert(
            "organizational_unit".into(),
            json!(contact.organizational_unit),
        );
        map.insert(
            "preferred_language".into(),
            json!(contact.preferred_language),
        );
        map.insert(
            "privacy_level".into(),
            json!(contact
                .privacy_level
                .as_ref()
                .map(|p| json!({"id": p.id, "name": p.name}))),
        );
        map.insert("emails_set".into(), Value::Array(emails));
        map.insert("phones_set".into(), Value::Array(phones));
        udf::add(map, Contact::UDF, &contact.udf);
    }
    object
}
