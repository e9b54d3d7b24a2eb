//! `accounts_receivable/show`: GET by `accounts_receivable_identifier`, or
//! POST (R8) with the identifier's `access_token_identifier` form, so an
//! app can find its account from the access token it holds.
//! Source: `CONF/pages/diffpages.action?originalId=510561&pageId=512933`
//! (show), `…originalId=972673&pageId=973813` (reply data),
//! `…originalId=972566&pageId=974164` (identifier).

use super::owners::identified;
use super::scope::reach;
use super::{kept, udf};
use crate::api::call::{Context, Reply, Request};
use crate::api::schemas::ReplySchema;
use crate::core::error::{ApiError, ApiResult, Entity};
use crate::domain::reference::{AccountsReceivable, Kind, Reference};
use crate::domain::session::Caller;
use serde_json::{json, Value};

/// The parameter that names the accounts receivable.
pub const IDENTIFIER: &str = "accounts_receivable_identifier";

/// `accounts_receivable/show`.
pub fn show(cx: &Context, caller: &Caller, req: &Request) -> ApiResult<Reply> {
    let reference = &caller.tenant.reference;
    let at = identified(
        cx,
        caller,
        &req.params,
        IDENTIFIER,
        Kind::AccountsReceivable,
    )?
    .ok_or_else(|| ApiError::MandatoryParameter(IDENTIFIER.into()))?;
    let ar = &reference.accounts_receivable[at];
    reach(caller, Some(&ar.id), Entity::AccountsReceivable)?;
    let key = ("accounts_receivable/show", at, 0);
    kept::reply(cx, reference, ReplySchema::ACCOUNTS_RECEIVABLE, key, || {
        render(reference, ar)
    })
}

/// The accounts receivable as `show` answers it: the embedded object of an
/// access token's reply (same `account_owner`), with its balances, user
/// fields and log.
pub fn render(reference: &Reference, ar: &AccountsReceivable) -> Value {
    let mut object = json!({
        "id": ar.id,
        "type": ar.kind,
        "number": ar.number,
        "name": ar.name,
        "description": ar.description,
        "notes": ar.notes,
        "balance": ar.balance,
        "opening_balance": ar.opening_balance,
        "opening_balance_date": ar.opening_balance_date,
        "outstanding_amount": ar.outstanding_amount,
        "credit_limit": ar.credit_limit,
        "credit_limit_status": ar.credit_limit_status(),
        "credit_period": ar.credit_period,
        "life_cycle_state": ar.life_cycle_state,
        "account_owner": reference.render_contact(&ar.account_owner_id),
        "log_information": ar.log_information.as_ref().map(|log| reference.render_log(log)),
    });
    if let Some(map) = object.as_object_mut() {
        udf::add(map, AccountsReceivable::UDF, &ar.udf);
    }
    object
}
