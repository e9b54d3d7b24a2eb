//! Admin handlers for demos: seeding an organisation with a dataset, and the
//! searchable view of its accounts and access tokens the dashboard shows
//! (never a pass code, OTP or verification code).

use super::call::{query_number, AdminCall, TenantPath};
use crate::app::dataset::Dataset;
use crate::app::state::AppState;
use crate::core::error::{ApiError, ApiResult};
use crate::domain::access_token::entity::AccessToken;
use crate::domain::reference::Reference;
use serde_json::{json, Value};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DatasetChange {
    /// `small`, `large`, or null for the emulator's own start data.
    dataset: Option<String>,
    /// Defaults to `--seed`, else 0.
    seed: Option<u64>,
}

/// Seeds the organisation with a dataset from now on (resets included) and
/// resets it to it; creates the tenant if new.
pub fn set_dataset(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let change: DatasetChange = call.json()?;
    let TenantPath { organisation } = call.path()?;
    let organisation = &organisation;
    let dataset = change
        .dataset
        .as_deref()
        .map(Dataset::parse)
        .transpose()
        .map_err(ApiError::admin)?;
    let seed = change.seed.or(state.config.seed).unwrap_or(0);
    state.seed_tenant(organisation, dataset.map(|d| (d, seed)))?;
    let tenant = state.known_tenant(organisation)?;
    let access_tokens = tenant.access_tokens.read().len();
    Ok(json!({
        "organisation": tenant.organisation,
        "dataset": dataset.map(Dataset::name),
        "seed": dataset.map(|_| seed),
        "accounts_receivable": tenant.reference.accounts_receivable.len(),
        "access_tokens": access_tokens,
    }))
}

/// Default and largest number of rows one call answers.
const ROWS: usize = 100;
const MOST_ROWS: usize = 1000;

/// The tenant's access tokens with their accounts receivable, in number
/// order (`order=newest`: newest first, by creation date); `q` keeps those
/// whose number, authentication code or identifier, or whose accounts
/// receivable's number or name, contains it (any case); `limit` rows at
/// most. `total` counts every match.
pub fn access_tokens(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let TenantPath { organisation } = call.path()?;
    let tenant = state.known_tenant(&organisation)?;
    let query = call.query()?;
    let needle = query
        .get("q")
        .and_then(Value::as_str)
        .map(|q| q.trim().to_lowercase())
        .unwrap_or_default();
    let limit = query_number(&query, "limit")?.map_or(ROWS, |n| {
        usize::try_from(n).unwrap_or(MOST_ROWS).min(MOST_ROWS)
    });
    let newest = match query.get("order").and_then(Value::as_str) {
        None | Some("number") => false,
        Some("newest") => true,
        Some(other) => {
            return Err(ApiError::admin(format!(
                "order: '{other}' is not number or newest"
            )))
        }
    };
    let reference = &tenant.reference;
    let store = tenant.access_tokens.read();
    // Matches with their place in number order; one pass under the read
    // lock, and newest first selects the `limit` newest before sorting
    // them (the dashboard polls this: no full sort of a million tokens).
    let mut found: Vec<(usize, &AccessToken)> = store
        .iter()
        .enumerate()
        .filter(|(_, token)| needle.is_empty() || matches(reference, token, &needle))
        .collect();
    let total = found.len();
    if newest {
        // By date, then by the later number.
        let newer = |a: &(usize, &AccessToken), b: &(usize, &AccessToken)| {
            (b.1.log_information.created_date, b.0).cmp(&(a.1.log_information.created_date, a.0))
        };
        if limit < found.len() {
            if limit > 0 {
                found.select_nth_unstable_by(limit - 1, newer);
            }
            found.truncate(limit);
        }
        found.sort_unstable_by(newer);
    }
    let rows: Vec<Value> = found
        .into_iter()
        .take(limit)
        .map(|(_, token)| row(reference, token))
        .collect();
    Ok(json!({
        "organisation": tenant.organisation,
        "total": total,
        "access_tokens": rows,
    }))
}

/// The accounts receivable a token belongs to: its own or its participant's.
fn owner<'r>(
    reference: &'r Reference,
    token: &AccessToken,
) -> Option<&'r crate::domain::reference::AccountsReceivable> {
    crate::api::access_tokens::owner_accounts_receivable(reference, token)
        .and_then(|id| reference.accounts_receivable(id))
}

fn matches(reference: &Reference, token: &AccessToken, needle: &str) -> bool {
    let has = |text: &str| text.to_lowercase().contains(needle);
    has(&token.number)
        || has(&token.authentication_code)
        || token.identifier.as_deref().is_some_and(has)
        || owner(reference, token).is_some_and(|ar| has(&ar.number) || has(&ar.name))
}

fn row(reference: &Reference, token: &AccessToken) -> Value {
    let ar = owner(reference, token);
    json!({
        "number": token.number,
        "life_cycle_state": token.life_cycle_state.as_str(),
        "authentication_code": token.authentication_code,
        "identifier": token.identifier,
        "accounts_receivable": ar.map(|a| json!({
            "number": a.number,
            "name": a.name,
            "life_cycle_state": a.life_cycle_state,
        })),
        "rewards_participant": token
            .rewards_participant_id
            .as_deref()
            .and_then(|id| reference.rewards_participant(id))
            .map(|p| p.number.clone()),
        "classification": token
            .classification_id
            .as_deref()
            .and_then(|id| reference.classification(id))
            .map(|c| c.name.clone()),
        "created_date": token.log_information.created_date,
    })
}
