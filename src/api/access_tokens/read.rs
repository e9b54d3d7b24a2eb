//! The read methods: show, list, get_not_associated and
//! configuration/classifications/list.

use super::cached::{array, reply_bytes};
use crate::api::call::Context;
use crate::api::call::{Reply, Request};
use crate::api::identifiers::{required_access_token, resolve};
use crate::core::error::{ApiError, ApiResult, Entity};
use crate::domain::access_token::entity::{AccessToken, LifeCycleState};
use crate::domain::reference::{Kind, Reference};
use crate::domain::session::Caller;
use serde_json::Value;

/// `POST access_tokens/show`: one token by `access_token_identifier`.
pub fn show(cx: &Context, caller: &Caller, req: &Request) -> ApiResult<Reply> {
    let key = required_access_token(&req.params)?;
    let tokens = caller.tenant.access_tokens.read();
    let token = super::find(cx, caller, &tokens, &key)?;
    let bytes = reply_bytes(cx, &caller.tenant.reference, tokens.filled(), token)?;
    Ok(Reply::Checked(bytes))
}

/// Whose tokens `list` shows: exactly one is given.
pub const LIST_OWNERS: &[&str] = &[
    "accounts_receivable_identifier",
    "rewards_participant_identifier",
];

/// `GET access_tokens/list`: the tokens of an accounts receivable (directly
/// or through its rewards participants) or of a rewards participant, in
/// number order, optionally by classification and paged.
pub fn list(cx: &Context, caller: &Caller, req: &Request) -> ApiResult<Reply> {
    let reference = &caller.tenant.reference;
    let by = req.params.exactly_one(LIST_OWNERS)?;
    let kind = if by == "accounts_receivable_identifier" {
        Kind::AccountsReceivable
    } else {
        Kind::RewardsParticipant
    };
    let owner = resolve(reference, &req.params, by, kind)?
        .ok_or_else(|| ApiError::MandatoryParameter(by.into()))?;
    let classification = resolve(
        reference,
        &req.params,
        "classification_identifier",
        Kind::Classification,
    )?
    .map(|i| reference.classifications[i].id.as_str());
    let limit = req.params.opt_count("number_of_results")?;
    let offset = req.params.opt_count("offset")?.unwrap_or(0);

    // A consumer session lists its own accounts receivable only.
    let owner_ar = match kind {
        Kind::AccountsReceivable => &reference.accounts_receivable[owner].id,
        _ => &reference.rewards_participants[owner].accounts_receivable_id,
    };
    if caller
        .accounts_receivable_id
        .as_ref()
        .is_some_and(|own| own != owner_ar)
    {
        return Err(ApiError::NotFound(match kind {
            Kind::AccountsReceivable => Entity::AccountsReceivable,
            _ => Entity::RewardsParticipant,
        }));
    }
    let tokens = caller.tenant.access_tokens.read();
    let matches = match kind {
        Kind::AccountsReceivable => {
            let ar = &reference.accounts_receivable[owner];
            tokens.of_accounts_receivable(
                &ar.id,
                reference.participants_of(&ar.id).map(|p| p.id.as_str()),
            )
        }
        _ => tokens.of_rewards_participant(&reference.rewards_participants[owner].id),
    };
    let data = matches
        .into_iter()
        .filter(|t| classification.is_none() || t.classification_id.as_deref() == classification)
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(limit.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX)))
        .map(|t| reply_bytes(cx, reference, tokens.filled(), t));
    Ok(Reply::Checked(array(data)?))
}

/// A token is associated while it has an accounts receivable or rewards
/// participant whose accounts receivable is not terminated.
fn is_associated(reference: &Reference, token: &AccessToken) -> bool {
    super::owner_accounts_receivable(reference, token)
        .and_then(|a| reference.accounts_receivable(a))
        .is_some_and(|a| a.life_cycle_state != "TERMINATED")
}

/// `GET access_tokens/get_not_associated`: up to `number` tokens that are not
/// associated, optionally in one life-cycle state, in number order.
pub fn get_not_associated(cx: &Context, caller: &Caller, req: &Request) -> ApiResult<Reply> {
    let reference = &caller.tenant.reference;
    let number = req
        .params
        .opt_count("number")?
        .ok_or_else(|| ApiError::MandatoryParameter("number".into()))?;
    let wanted = match req.params.opt_str("life_cycle_state")? {
        None => None,
        Some(text) => Some(LifeCycleState::parse(text).ok_or_else(|| {
            ApiError::invalid(
                "life_cycle_state",
                "EFFECTIVE, NOT_EFFECTIVE or PENDING_VERIFICATION is expected",
            )
        })?),
    };
    let tokens = caller.tenant.access_tokens.read();
    let data = tokens
        .iter()
        .filter(|t| wanted.is_none_or(|s| t.life_cycle_state == s))
        .filter(|t| !is_associated(reference, t) && super::in_scope(caller, t))
        .take(usize::try_from(number).unwrap_or(usize::MAX))
        .map(|t| reply_bytes(cx, reference, tokens.filled(), t));
    Ok(Reply::Checked(array(data)?))
}

/// `GET access_tokens/configuration/classifications/list`.
pub fn classifications_list(_cx: &Context, caller: &Caller, _req: &Request) -> ApiResult<Reply> {
    let reference = &caller.tenant.reference;
    let data = reference
        .classifications
        .iter()
        .map(|c| reference.render_classification(c))
        .collect();
    Ok(Reply::Data(Value::Array(data)))
}
