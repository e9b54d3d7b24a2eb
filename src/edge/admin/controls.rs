//! Admin handlers for what tests steer: the clock, the seed, session expiry,
//! the journal and fault rules.

use super::call::{query_number, AdminCall, FaultPath};
use crate::app::faults::FaultSpec;
use crate::app::journal::JournalFilter;
use crate::app::state::AppState;
use crate::core::clock::{settable_range, Clock};
use crate::core::error::{ApiError, ApiResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

const DATE_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

fn clock_view(clock: &Clock, organisation: Option<&str>, own: bool) -> Value {
    json!({
        "now": clock.now().format(DATE_FORMAT).to_string(),
        "frozen": clock.is_frozen(),
        "organisation": organisation,
        "own_clock": own,
    })
}

/// `GET /__admin/clock[?organisation=…]`.
pub fn clock_show(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let query = call.query()?;
    match query.get("organisation").and_then(Value::as_str) {
        None => Ok(clock_view(&state.clock, None, false)),
        Some(org) => {
            let tenant = state.known_tenant(org)?;
            let clock = &tenant.clock;
            Ok(clock_view(clock.current(), Some(org), clock.is_scoped()))
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockChange {
    organisation: Option<String>,
    /// Back to system time (or, for a tenant, to the emulator's clock).
    #[serde(default)]
    reset: bool,
    freeze: Option<bool>,
    set: Option<String>,
    advance_seconds: Option<i64>,
}

/// `POST /__admin/clock`: applied in the order reset, freeze, set, advance.
pub fn clock_change(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let change: ClockChange = call.json()?;
    let set = change
        .set
        .as_deref()
        .map(|text| {
            NaiveDateTime::parse_from_str(text, DATE_FORMAT)
                .map_err(|_| ApiError::admin("set: a date YYYY-MM-DDTHH:MM:SS is expected"))
        })
        .transpose()?;
    if change
        .advance_seconds
        .is_some_and(|s| s.unsigned_abs() > 100 * 366 * 86_400)
    {
        return Err(ApiError::admin("advance_seconds: at most 100 years"));
    }
    let (first, last) = settable_range(state.config.date_horizon_secs());
    // Where the change leaves a clock that now reads `now`.
    let lands_in_range = |now: NaiveDateTime| {
        let base = set.unwrap_or(now);
        let target = change
            .advance_seconds
            .and_then(|s| base.checked_add_signed(chrono::TimeDelta::seconds(s)))
            .unwrap_or(base);
        if target < first || target > last {
            return Err(ApiError::admin(format!(
                "the clock must stay from {} to {}: the emulator writes dates up to {} seconds ahead of it (--token-lifetime, --otp-validity and a day), and CRM.COM dates hold the years 0001 to 9999",
                first.format(DATE_FORMAT),
                last.format(DATE_FORMAT),
                state.config.date_horizon_secs()
            )));
        }
        Ok(())
    };
    let apply = |clock: &Clock| {
        match change.freeze {
            Some(true) => clock.freeze(),
            Some(false) => clock.unfreeze(),
            None => {}
        }
        if let Some(at) = set {
            clock.set(at);
        }
        if let Some(seconds) = change.advance_seconds {
            clock.advance(seconds);
        }
    };
    match change.organisation.as_deref() {
        None => {
            lands_in_range(if change.reset {
                chrono::Utc::now().naive_utc()
            } else {
                state.clock.now()
            })?;
            if change.reset {
                state.clock.reset();
            }
            apply(&state.clock);
            state.clock_changed(None);
            Ok(clock_view(&state.clock, None, false))
        }
        Some(org) => {
            // A test may set a tenant's clock before its first login.
            let tenant = state.tenant(org)?;
            let clock = &tenant.clock;
            // Not `own()`, which would give the tenant its clock already.
            lands_in_range(if change.reset {
                state.clock.now()
            } else {
                clock.current().now()
            })?;
            if change.reset {
                clock.follow_global();
            }
            let touches =
                change.freeze.is_some() || set.is_some() || change.advance_seconds.is_some();
            if touches {
                apply(clock.own());
            }
            state.clock_changed(Some(org));
            Ok(clock_view(clock.current(), Some(org), clock.is_scoped()))
        }
    }
}

pub fn seed_show(state: &AppState, _: &AdminCall) -> ApiResult<Value> {
    Ok(json!({ "seed": *state.seed.lock() }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedChange {
    seed: Option<u64>,
    organisation: Option<String>,
}

/// `POST /__admin/seed`: `{"seed": N}` (or `null` for entropy).
pub fn seed_change(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let change: SeedChange = call.json()?;
    state.reseed(change.seed, change.organisation.as_deref())?;
    Ok(json!({ "seed": change.seed, "organisation": change.organisation }))
}

/// `POST /__admin/tokens/expire`: `{"token": "<login token>"}` or
/// `{"organisation": "…"}`. Read without serde's messages, which could echo
/// the token.
pub fn expire_tokens(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let body: Value = serde_json::from_slice(if call.body.is_empty() {
        b"{}"
    } else {
        call.body
    })
    .map_err(|_| ApiError::admin("body: a JSON object is expected"))?;
    let text = |name: &str| -> ApiResult<Option<String>> {
        match body.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ApiError::admin(format!("{name}: a string is expected"))),
        }
    };
    let expired = match (text("token")?, text("organisation")?) {
        (Some(token), None) => {
            crate::core::jwt::decode(&token, state.sessions.signing_key())
                .ok_or_else(|| ApiError::admin("token: not a login token of this emulator"))?;
            state.context().expire_sessions(Some(&token), None)
        }
        (None, Some(org)) => {
            state.known_tenant(&org)?;
            state.context().expire_sessions(None, Some(&org))
        }
        _ => return Err(ApiError::admin("name exactly one of token, organisation")),
    };
    Ok(json!({ "expired": expired }))
}

fn parse_since(text: &str) -> ApiResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|d| d.with_timezone(&Utc))
        .or_else(|_| NaiveDateTime::parse_from_str(text, DATE_FORMAT).map(|d| d.and_utc()))
        .map_err(|_| {
            ApiError::admin("since: an RFC 3339 date or YYYY-MM-DDTHH:MM:SS (UTC) is expected")
        })
}

/// Entries a journal page holds when the reader names no `limit`.
const JOURNAL_PAGE: usize = 100;

/// `GET /__admin/journal?organisation=&method=&status=&since=&after_id=&limit=`:
/// one page (`limit`, default 100), written from the journal's kept text.
pub fn journal_show(state: &AppState, call: &AdminCall) -> ApiResult<Vec<u8>> {
    let query = call.query()?;
    let text = |name: &str| query.get(name).and_then(Value::as_str).map(str::to_string);
    let filter = JournalFilter {
        organisation: text("organisation"),
        method: text("method"),
        status: text("status"),
        since: text("since").map(|t| parse_since(&t)).transpose()?,
        after_id: query_number(&query, "after_id")?,
        limit: Some(
            query_number(&query, "limit")?
                .map_or(JOURNAL_PAGE, |n| usize::try_from(n).unwrap_or(usize::MAX)),
        ),
    };
    Ok(state.journal.page_json(&filter))
}

pub fn journal_clear(state: &AppState, _: &AdminCall) -> ApiResult<Value> {
    state.journal.clear();
    Ok(json!({ "cleared": true }))
}

pub fn faults_show(state: &AppState, _: &AdminCall) -> ApiResult<Value> {
    serde_json::to_value(state.faults.list()).map_err(|e| ApiError::Internal(e.to_string()))
}

pub fn fault_add(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let spec: FaultSpec = call.json()?;
    let view = state.faults.add(spec)?;
    serde_json::to_value(view).map_err(|e| ApiError::Internal(e.to_string()))
}

pub fn faults_clear(state: &AppState, _: &AdminCall) -> ApiResult<Value> {
    state.faults.clear();
    Ok(json!({ "cleared": true }))
}

pub fn fault_remove(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let FaultPath { id } = call
        .path()
        .map_err(|_| ApiError::admin("id: a fault id (a number) is expected"))?;
    if state.faults.remove(id) {
        Ok(json!({ "id": id, "deleted": true }))
    } else {
        Err(ApiError::AdminNotFound(format!("no fault {id}")))
    }
}
