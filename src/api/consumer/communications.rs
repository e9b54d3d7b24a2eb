//! `communications/list` and `communications/show` (R4): the messages
//! CRM.COM sent to (or received from) a contact: the fixtures' example and
//! what the tenant sent (`domain::outbox`).
//! Source: `CONF/pages/diffpages.action?originalId=498643&pageId=492134`
//! (list and show parameters), `…originalId=510762&pageId=513070` (the
//! `CM000680` example).

use super::contact_information;
use super::scope::reach_contact;
use super::udf;
use crate::api::call::{Context, Reply, Request};
use crate::api::identifiers::{one_field, COMMUNICATION_CATEGORY_FIELDS};
use crate::core::error::{ApiError, ApiResult, Entity};
use crate::domain::reference::{Communication, Reference};
use crate::domain::session::Caller;
use crate::domain::tenant::Tenant;
use serde_json::{json, Value};
use std::sync::Arc;

/// Whose communications `list` answers: exactly one is given.
pub const LIST_BY: &[&str] = &["contact_information_identifier", "category_identifier"];

const DIRECTIONS: &[&str] = &["INCOMING", "OUTGOING"];
const MEDIA: &[&str] = &["EMAIL", "SMS", "PHONE", "LETTER", "FACE_TO_FACE"];

/// The tenant's communications, newest first (by date, then number): the
/// fixtures' and `sent` (its outbox's, `Outbox::all`), borrowed, not
/// copied.
pub fn newest_first<'a>(
    tenant: &'a Tenant,
    sent: &'a [Arc<Communication>],
) -> Vec<&'a Communication> {
    let mut all: Vec<&Communication> = tenant
        .reference
        .communications
        .iter()
        .chain(sent.iter().map(|c| &**c))
        .collect();
    all.sort_by(|a, b| {
        (b.log_information.created_date, &b.number)
            .cmp(&(a.log_information.created_date, &a.number))
    });
    all
}

/// An optional filter whose value must be one of `allowed`.
fn one_of(req: &Request, name: &str, allowed: &[&str]) -> ApiResult<Option<String>> {
    match req.params.opt_str(name)? {
        None => Ok(None),
        Some(value) if allowed.contains(&value) => Ok(Some(value.to_string())),
        Some(_) => Err(ApiError::invalid(
            name,
            format!("one of {} is expected", allowed.join(", ")),
        )),
    }
}

/// `communications/list`: a contact's communications, newest first,
/// optionally by direction and media, paged (R13).
pub fn list(_cx: &Context, caller: &Caller, req: &Request) -> ApiResult<Reply> {
    let by = req.params.exactly_one(LIST_BY)?;
    let direction = one_of(req, "direction", DIRECTIONS)?;
    let media = one_of(req, "media", MEDIA)?;
    let limit = req.params.opt_count("number_of_results")?;
    let offset = req.params.opt_count("offset")?.unwrap_or(0);
    if by == "category_identifier" {
        // The emulator has no communication categories: every one named is
        // unknown (after the identifier itself is checked).
        let object = req
            .params
            .opt_object(by)?
            .ok_or_else(|| ApiError::MandatoryParameter(by.into()))?;
        one_field(by, object, COMMUNICATION_CATEGORY_FIELDS)?;
        return Err(ApiError::NotFound(Entity::CommunicationCategory));
    }
    let (_, contact) = contact_information::required(caller, req)?;
    let tenant = &caller.tenant;
    let sent = tenant.outbox.all();
    let items: Vec<Value> = newest_first(tenant, &sent)
        .iter()
        .filter(|c| c.contact_id.as_deref() == Some(contact.id.as_str()))
        .filter(|c| direction.as_deref().is_none_or(|d| c.direction == d))
        .filter(|c| media.as_deref().is_none_or(|m| c.media == m))
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(limit.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX)))
        .map(|c| render(&tenant.reference, c))
        .collect();
    Ok(Reply::Data(Value::Array(items)))
}

/// `communications/show`: one by `communication_identifier` (`id`,
/// `number`).
pub fn show(_cx: &Context, caller: &Caller, req: &Request) -> ApiResult<Reply> {
    const PARAM: &str = "communication_identifier";
    let object = req
        .params
        .opt_object(PARAM)?
        .ok_or_else(|| ApiError::MandatoryParameter(PARAM.into()))?;
    let key = one_field(PARAM, object, crate::api::identifiers::COMMUNICATION_FIELDS)?;
    let tenant = &caller.tenant;
    let matches = |c: &Communication| match key.field {
        "id" => c.id == key.value,
        _ => c.number == key.value,
    };
    let sent;
    let communication = match tenant.reference.communications.iter().find(|c| matches(c)) {
        Some(fixture) => fixture,
        None => {
            sent = tenant
                .outbox
                .find(matches)
                .ok_or(ApiError::NotFound(Entity::Communication))?;
            &*sent
        }
    };
    reach_contact(caller, communication.contact_id.as_deref())
        .map_err(|_| ApiError::NotFound(Entity::Communication))?;
    Ok(Reply::Data(render(&tenant.reference, communication)))
}

/// A communication as `show` answers it. Follow-ups, queues and privacy
/// levels are not emulated: empty or null.
pub fn render(reference: &Reference, c: &Communication) -> Value {
    let contact = c
        .contact_id
        .as_deref()
        .map_or(Value::Null, |id| reference.render_contact(id));
    let mut object = json!({
        "id": c.id,
        "number": c.number,
        "direction": c.direction,
        "media": c.media,
        "recipient": c.recipient,
        "subject": c.subject,
        "content": c.content,
        "life_cycle_state": c.life_cycle_state,
        "viewed": c.viewed,
        "viewed_on": c.viewed_on,
        "notes": c.notes,
        "follow_up_set": [],
        "communication_queue_external_system": null,
        "privacy_level": null,
        "contact_information": contact,
        "log_information": reference.render_log(&c.log_information),
    });
    if let Some(map) = object.as_object_mut() {
        udf::add(map, Communication::UDF, &c.udf);
    }
    object
}
