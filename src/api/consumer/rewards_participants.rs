//! `rewards_participants/show` (POST from R5; deprecated R17, when the
//! participant folds into the accounts receivable): one participant by
//! `rewards_participant_identifier` (`id`, `number`, or an access token).
//! Source: `CONF/pages/diffpages.action?originalId=514759&pageId=514762`,
//! `CONF/pages/diffpagesbyversion.action?originalVersion=4&pageId=489928&revisedVersion=5`.

use super::owners::identified;
use super::scope::reach;
use super::wallets::render_currency;
use super::{kept, udf};
use crate::api::call::{Context, Reply, Request};
use crate::api::schemas::ReplySchema;
use crate::core::error::{ApiError, ApiResult, Entity};
use crate::domain::reference::{Kind, Reference, RewardsParticipant};
use crate::domain::session::Caller;
use serde_json::{json, Value};

/// The parameter that names the rewards participant.
pub const IDENTIFIER: &str = "rewards_participant_identifier";

/// `rewards_participants/show`.
pub fn show(cx: &Context, caller: &Caller, req: &Request) -> ApiResult<Reply> {
    let reference = &caller.tenant.reference;
    let at = identified(
        cx,
        caller,
        &req.params,
        IDENTIFIER,
        Kind::RewardsParticipant,
    )?
    .ok_or_else(|| ApiError::MandatoryParameter(IDENTIFIER.into()))?;
    let participant = &reference.rewards_participants[at];
    reach(
        caller,
        Some(&participant.accounts_receivable_id),
        Entity::RewardsParticipant,
    )?;
    let key = ("rewards_participants/show", at, 0);
    kept::reply(cx, reference, ReplySchema::REWARDS_PARTICIPANT, key, || {
        render(reference, participant)
    })
}

/// The participant as `show` answers it: the `reward_participant` object of
/// an access token's reply (same `accounts_receivable`), with its sign-up,
/// state, currency (its wallet's) and user fields. Tiers, schemes and spend
/// settings are not emulated: null or empty.
pub fn render(reference: &Reference, p: &RewardsParticipant) -> Value {
    let currency = reference
        .wallet_of(&p.accounts_receivable_id)
        .map_or(Value::Null, |w| render_currency(reference, &w.currency_id));
    let mut object = json!({
        "id": p.id,
        "number": p.number,
        "sign_up_on": p.sign_up_on,
        "life_cycle_state": p.life_cycle_state,
        "log_information": p.log_information.as_ref().map(|log| reference.render_log(log)),
        "accounts_receivable": reference.render_accounts_receivable(&p.accounts_receivable_id),
        "sign_up_by_unit": p.sign_up_by_unit_id.as_deref().map_or(Value::Null, |u| reference.render_unit(u)),
        "currency": currency,
        "auto_spend_authorisation": null,
        "spend_blocking_state": null,
        "termination_information": null,
        "reward_tier": null,
        "participating_schemes_set": [],
    });
    if let Some(map) = object.as_object_mut() {
        udf::add(map, RewardsParticipant::UDF, &p.udf);
    }
    object
}
