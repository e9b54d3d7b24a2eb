//! Admin handlers for consumer demos: the accounts of an organisation
//! (search, and one with everything hanging from it, each as the CRM.COM
//! API answers it), the outbox of what its CRM.COM sent, a wallet's
//! balance ("you have 120 points"), and one access token's JSON.

use super::call::{query_number, AdminCall, TenantPath};
use crate::api::access_tokens::render::render as render_token;
use crate::api::consumer::{
    accounts_receivable, communications, contact_information, rewards_participants, wallets,
};
use crate::app::snapshot::valid_balance;
use crate::app::state::AppState;
use crate::core::error::{ApiError, ApiResult};
use crate::domain::reference::{AccountsReceivable, Reference};
use crate::domain::tenant::Tenant;
use serde::Deserialize;
use serde_json::{json, Value};

/// Default and largest number of rows one call answers.
const ROWS: usize = 100;
const MOST_ROWS: usize = 1000;

/// `{organisation}` and `{number}` of an account's, a wallet's or a
/// token's route.
#[derive(Deserialize)]
pub struct NumberPath {
    pub organisation: String,
    pub number: String,
}

fn limit(query: &serde_json::Map<String, Value>) -> ApiResult<usize> {
    Ok(query_number(query, "limit")?.map_or(ROWS, |n| {
        usize::try_from(n).unwrap_or(MOST_ROWS).min(MOST_ROWS)
    }))
}

/// The lower-cased `name` of the query, or "".
fn needle(query: &serde_json::Map<String, Value>, name: &str) -> String {
    query
        .get(name)
        .and_then(Value::as_str)
        .map(|q| q.trim().to_lowercase())
        .unwrap_or_default()
}

fn owner_email(reference: &Reference, ar: &AccountsReceivable) -> Option<String> {
    reference
        .contact(&ar.account_owner_id)
        .and_then(|c| c.emails.first())
        .map(|e| e.email_address.clone())
}

/// The tenant's accounts receivable whose number, name or owner's e-mail
/// contains `q` (any case), `limit` at most; `total` counts every match.
pub fn list(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let TenantPath { organisation } = call.path()?;
    let tenant = state.known_tenant(&organisation)?;
    let query = call.query()?;
    let (q, limit) = (needle(&query, "q"), limit(&query)?);
    let reference = &tenant.reference;
    let mut total = 0;
    let mut rows = Vec::new();
    for ar in &reference.accounts_receivable {
        let email = owner_email(reference, ar);
        let has = |text: &str| text.to_lowercase().contains(&q);
        if !(q.is_empty() || has(&ar.number) || has(&ar.name) || email.as_deref().is_some_and(has))
        {
            continue;
        }
        total += 1;
        if rows.len() < limit {
            let wallet = reference.wallet_of(&ar.id);
            rows.push(json!({
                "number": ar.number,
                "name": ar.name,
                "life_cycle_state": ar.life_cycle_state,
                "contact_name": reference.contact(&ar.account_owner_id).and_then(|c| c.name.clone().or_else(|| c.company_name.clone())),
                "email": email,
                "wallet_number": wallet.map(|w| w.number.clone()),
                "wallet_balance": wallet.map(|w| tenant.wallet_balance(w)),
                "currency": wallet.and_then(|w| reference.currency(&w.currency_id)).map(|c| c.code.clone()),
            }));
        }
    }
    Ok(json!({ "organisation": tenant.organisation, "total": total, "accounts": rows }))
}

fn account<'t>(tenant: &'t Tenant, number: &str) -> ApiResult<&'t AccountsReceivable> {
    let reference = &tenant.reference;
    reference
        .find(
            crate::domain::reference::Kind::AccountsReceivable,
            "number",
            number,
        )
        .map(|at| &reference.accounts_receivable[at])
        .ok_or_else(|| ApiError::AdminNotFound(format!("no accounts receivable {number}")))
}

/// One accounts receivable with its contact, participants, wallet and
/// access tokens, each as the CRM.COM API answers it.
pub fn show(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let NumberPath {
        organisation,
        number,
    } = call.path()?;
    let tenant = state.known_tenant(&organisation)?;
    let reference = &tenant.reference;
    let ar = account(&tenant, &number)?;
    let participants: Vec<_> = reference.participants_of(&ar.id).collect();
    let tokens: Vec<Value> = {
        let store = tenant.access_tokens.read();
        let ids = participants.iter().map(|p| p.id.as_str());
        store
            .of_accounts_receivable(&ar.id, ids)
            .into_iter()
            .map(|t| render_token(reference, t))
            .collect()
    };
    Ok(json!({
        "accounts_receivable": accounts_receivable::render(reference, ar),
        "contact_information": reference.contact(&ar.account_owner_id).map(|c| contact_information::render(reference, c)),
        "rewards_participants": participants.iter().map(|p| rewards_participants::render(reference, p)).collect::<Vec<_>>(),
        "wallet": reference.wallet_of(&ar.id).map(|w| wallets::render(reference, w, tenant.wallet_balance(w))),
        "access_tokens": tokens,
    }))
}

/// What the organisation's CRM.COM sent, newest first; `recipient` keeps
/// those whose recipient contains it (any case).
pub fn outbox(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let TenantPath { organisation } = call.path()?;
    let tenant = state.known_tenant(&organisation)?;
    let query = call.query()?;
    let (recipient, limit) = (needle(&query, "recipient"), limit(&query)?);
    let sent = tenant.outbox.all();
    let matching: Vec<_> = communications::newest_first(&tenant, &sent)
        .into_iter()
        .filter(|c| {
            recipient.is_empty()
                || c.recipient
                    .as_deref()
                    .is_some_and(|r| r.to_lowercase().contains(&recipient))
        })
        .collect();
    let shown: Vec<Value> = matching
        .iter()
        .take(limit)
        .map(|c| communications::render(&tenant.reference, c))
        .collect();
    Ok(json!({
        "organisation": tenant.organisation,
        "total": matching.len(),
        "communications": shown,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BalanceChange {
    balance: f64,
}

/// Sets a wallet's balance; answers the wallet as `wallets/show` would.
pub fn set_balance(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let NumberPath {
        organisation,
        number,
    } = call.path()?;
    let BalanceChange { balance } = call.json()?;
    if !valid_balance(balance) {
        return Err(ApiError::admin("balance: a number up to 10^12 is expected"));
    }
    // -0 is 0.
    let balance = balance + 0.0;
    let tenant = state.known_tenant(&organisation)?;
    let reference = &tenant.reference;
    let wallet = reference
        .find(crate::domain::reference::Kind::Wallet, "number", &number)
        .map(|at| &reference.wallets[at])
        .ok_or_else(|| ApiError::AdminNotFound(format!("no wallet {number}")))?;
    state.set_wallet_balance(&tenant, &wallet.id, balance);
    Ok(wallets::render(reference, wallet, balance))
}

/// One access token as `access_tokens/show` answers it.
pub fn access_token(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let NumberPath {
        organisation,
        number,
    } = call.path()?;
    let tenant = state.known_tenant(&organisation)?;
    let store = tenant.access_tokens.read();
    let token = store
        .iter()
        .find(|t| t.number == number)
        .ok_or_else(|| ApiError::AdminNotFound(format!("no access token {number}")))?;
    Ok(render_token(&tenant.reference, token))
}
