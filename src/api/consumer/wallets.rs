//! `wallets/show` (R10.1, deprecated R17): the effective wallet of an
//! accounts receivable or rewards participant; `wallets/get_balance`
//! (R12): a wallet's balance, by the wallet, its accounts receivable or
//! its participant (that form deprecated from R17).
//! Source: `CONF/pages/diffpagesbyversion.action?originalVersion=3&pageId=490494&revisedVersion=5`,
//! `CONF/spaces/V4/pages/953367` (the short wallet and currency),
//! `CONF/pages/viewpage.action?pageId=490490` and
//! `CONF/pages/diffpages.action?originalId=512302&pageId=520105` (get_balance).

use super::owners::identified;
use super::scope::reach;
use super::{kept, udf};
use crate::api::access_tokens::input::parse_date;
use crate::api::call::{Context, Reply, Request};
use crate::api::identifiers::resolve;
use crate::api::schemas::ReplySchema;
use crate::core::error::{ApiError, ApiResult, Entity};
use crate::domain::reference::{Kind, Reference, Wallet};
use crate::domain::session::Caller;
use serde_json::{json, Value};

/// Whose wallet `show` answers: exactly one is given.
pub const SHOW_OWNERS: &[&str] = &[
    "accounts_receivable_identifier",
    "rewards_participant_identifier",
];

/// Which wallet `get_balance` answers: exactly one is given.
pub const BALANCE_OWNERS: &[&str] = &[
    "wallet_identifier",
    "accounts_receivable_identifier",
    "rewards_participant_identifier",
];

/// The wallet the request names through `group`, if the caller may see
/// it, with its position in the reference.
fn named<'r>(
    cx: &Context,
    caller: &'r Caller,
    req: &Request,
    group: &'static [&'static str],
) -> ApiResult<(usize, &'r Wallet)> {
    let reference = &caller.tenant.reference;
    let by = req.params.exactly_one(group)?;
    let at = match by {
        "wallet_identifier" => resolve(reference, &req.params, by, Kind::Wallet)?
            .ok_or_else(|| ApiError::MandatoryParameter(by.into()))?,
        _ => {
            let kind = if by == "accounts_receivable_identifier" {
                Kind::AccountsReceivable
            } else {
                Kind::RewardsParticipant
            };
            let at = identified(cx, caller, &req.params, by, kind)?
                .ok_or_else(|| ApiError::MandatoryParameter(by.into()))?;
            let (ar, entity) = match kind {
                Kind::AccountsReceivable => (
                    &reference.accounts_receivable[at].id,
                    Entity::AccountsReceivable,
                ),
                _ => (
                    &reference.rewards_participants[at].accounts_receivable_id,
                    Entity::RewardsParticipant,
                ),
            };
            reach(caller, Some(ar), entity)?;
            reference
                .find(Kind::Wallet, "accounts_receivable_id", ar)
                .ok_or(ApiError::NotFound(Entity::Wallet))?
        }
    };
    let wallet = &reference.wallets[at];
    reach(caller, Some(&wallet.accounts_receivable_id), Entity::Wallet)?;
    Ok((at, wallet))
}

/// `wallets/show`.
pub fn show(cx: &Context, caller: &Caller, req: &Request) -> ApiResult<Reply> {
    let (at, wallet) = named(cx, caller, req, SHOW_OWNERS)?;
    let reference = &caller.tenant.reference;
    let balance = caller.tenant.wallet_balance(wallet);
    let key = ("wallets/show", at, balance.to_bits());
    kept::reply(cx, reference, ReplySchema::WALLET, key, || {
        render(reference, wallet, balance)
    })
}

/// `wallets/get_balance`. `as_of_date` may not be in the past (the docs:
/// "must be in the future; default today"); balances do not move with time
/// in the emulator, so any later date answers today's balance.
pub fn get_balance(cx: &Context, caller: &Caller, req: &Request) -> ApiResult<Reply> {
    if let Some(value) = req.params.get("as_of_date") {
        let date = value
            .as_str()
            .and_then(parse_date)
            .ok_or_else(|| ApiError::invalid("as_of_date", "a date is expected"))?;
        if date.date() < caller.tenant.now().date() {
            return Err(ApiError::invalid("as_of_date", "must be today or later"));
        }
    }
    req.params.opt_bool("no_allotments_included")?;
    let (at, wallet) = named(cx, caller, req, BALANCE_OWNERS)?;
    let tenant = &caller.tenant;
    let balance = tenant.wallet_balance(wallet);
    let key = ("wallets/get_balance", at, balance.to_bits());
    kept::reply(
        cx,
        &tenant.reference,
        ReplySchema::WALLET_BALANCE,
        key,
        || {
            json!({
                "id": wallet.id,
                "number": wallet.number,
                "balance": balance,
                "alternative_balance": null,
                "conditional_balance": 0.0,
                "currency": render_currency(&tenant.reference, &wallet.currency_id),
            })
        },
    )
}

/// A currency object (`wallet_info_short`'s).
pub fn render_currency(reference: &Reference, id: &str) -> Value {
    reference.currency(id).map_or(Value::Null, |c| {
        json!({
            "id": c.id, "code": c.code,
            "prefix_symbol": c.prefix_symbol, "suffix_symbol": c.suffix_symbol,
            "life_cycle_state": "ACTIVE",
            "integer_part_name": c.integer_part_name,
            "decimal_part_name": c.decimal_part_name,
        })
    })
}

/// The wallet as `show` answers it, with `balance` (the tenant's, read
/// once by the caller so a kept reply's key and content agree). No
/// alternative currency and no consumption estimates are emulated: null.
pub fn render(reference: &Reference, w: &Wallet, balance: f64) -> Value {
    let mut object = json!({
        "id": w.id,
        "number": w.number,
        "life_cycle_state": w.life_cycle_state,
        "balance": balance,
        "alternative_balance": null,
        "opening_balance": w.opening_balance,
        "opening_alternative_balance": null,
        "opening_balance_date": w.opening_balance_date,
        "estimated_consumption_days": null,
        "estimated_consumption_date": null,
        "estimated_consumption_as_of_date": null,
        "accounts_receivable": reference.render_accounts_receivable(&w.accounts_receivable_id),
        "currency": render_currency(reference, &w.currency_id),
        "log_information": w.log_information.as_ref().map(|log| reference.render_log(log)),
        "product_consumption_set": [],
    });
    if let Some(map) = object.as_object_mut() {
        udf::add(map, Wallet::UDF, &w.udf);
    }
    object
}
