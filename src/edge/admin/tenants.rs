//! Admin handlers for the emulator as a whole and its tenants: health, the
//! tenant list, reset, delete, state export and import, and snapshots.

use super::call::{AdminCall, SnapshotPath, TenantPath};
use crate::app::snapshot::TenantState;
use crate::app::state::AppState;
use crate::core::error::{ApiError, ApiResult};
use crate::core::release::Release;
use crate::domain::tenant::tenant_key;
use serde_json::{json, Value};

fn to_value<T: serde::Serialize>(value: &T) -> ApiResult<Value> {
    serde_json::to_value(value).map_err(|e| ApiError::Internal(e.to_string()))
}

pub fn health(state: &AppState, _: &AdminCall) -> ApiResult<Value> {
    let mut health = json!({
        "ready": true,
        "version": env!("CARGO_PKG_VERSION"),
        "release": state.config.release,
        "tenants": state.tenants.len(),
        "sessions": state.sessions.len(),
        "journal_entries": state.journal.len(),
        "faults": state.faults.len(),
    });
    // With --watch: the reloads of the --fixtures directory, and the error
    // of the last one while no good one followed it.
    if state.config.watch {
        health["fixtures"] = json!(*state.fixture_reloads.lock());
    }
    Ok(health)
}

pub fn list(state: &AppState, _: &AdminCall) -> ApiResult<Value> {
    let sessions = state.sessions.count_by_tenant();
    let mut tenants: Vec<Value> = state
        .tenants
        .iter()
        .map(|t| {
            json!({
                "organisation": t.organisation,
                "access_tokens": t.access_tokens.read().len(),
                // Still the fixtures' or dataset's tokens, shared with the
                // tenants that started alike (copy on write).
                "shared_access_tokens": t.access_tokens.is_shared(),
                "accounts_receivable": t.reference.accounts_receivable.len(),
                "sessions": sessions.get(t.key()).copied().unwrap_or(0),
                "snapshots": state.snapshots.count(t.key()),
                "own_clock": t.clock.is_scoped(),
                "release": state.release_of(&t.organisation),
            })
        })
        .collect();
    tenants.sort_by_key(|t| t["organisation"].as_str().map(tenant_key));
    Ok(Value::Array(tenants))
}

pub fn reset_all(state: &AppState, _: &AdminCall) -> ApiResult<Value> {
    Ok(json!({ "reset": state.reset_all() }))
}

pub fn reset(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let TenantPath { organisation } = call.path()?;
    state.reset_tenant(&organisation)?;
    Ok(json!({ "organisation": organisation, "reset": true }))
}

pub fn delete(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let TenantPath { organisation } = call.path()?;
    state.delete_tenant(&organisation)?;
    Ok(json!({ "organisation": organisation, "deleted": true }))
}

pub fn export(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let TenantPath { organisation } = call.path()?;
    let tenant = state.known_tenant(&organisation)?;
    to_value(&state.export_tenant(&tenant))
}

pub fn import(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let doc: TenantState = call.json()?;
    let count = doc.access_tokens.len();
    let TenantPath { organisation } = call.path()?;
    state.import_tenant(&organisation, doc)?;
    Ok(json!({ "organisation": organisation, "access_tokens": count }))
}

fn release_reply(state: &AppState, organisation: &str) -> Value {
    let release = state.release_of(organisation);
    json!({
        "organisation": organisation,
        "release": release,
        "default": release == state.config.release,
    })
}

pub fn release(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let TenantPath { organisation } = call.path()?;
    Ok(release_reply(state, &organisation))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ReleaseChange {
    release: Option<String>,
}

/// Sets a tenant's release; the tenant need not exist yet, so a test can
/// choose the release before its first login. Sessions keep the token form
/// they were issued with.
pub fn set_release(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let change: ReleaseChange = call.json()?;
    let release = change
        .release
        .as_deref()
        .map(Release::parse)
        .transpose()
        .map_err(ApiError::admin)?;
    let TenantPath { organisation } = call.path()?;
    state.set_release(&organisation, release);
    Ok(release_reply(state, &organisation))
}

pub fn snapshots(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let TenantPath { organisation } = call.path()?;
    to_value(&state.snapshots.list(&tenant_key(&organisation)))
}

pub fn save_snapshot(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let SnapshotPath { organisation, name } = call.path()?;
    to_value(&state.save_snapshot(&organisation, &name)?)
}

pub fn restore_snapshot(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let SnapshotPath { organisation, name } = call.path()?;
    to_value(&state.restore_snapshot(&organisation, &name)?)
}

pub fn delete_snapshot(state: &AppState, call: &AdminCall) -> ApiResult<Value> {
    let SnapshotPath { organisation, name } = call.path()?;
    state.delete_snapshot(&organisation, &name)?;
    Ok(json!({ "name": name, "deleted": true }))
}
