//! A tenant's state as one JSON document (export, import, snapshots and the
//! files of `--state-dir`), and the named snapshots kept per tenant.

use crate::domain::access_token::entity::AccessToken;
use crate::domain::reference::{Communication, ReferenceData};
use dashmap::DashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The document's format; raised when its shape changes incompatibly.
pub const STATE_FORMAT: u32 = 1;

/// Everything a tenant holds. Pass codes and one-time passwords appear only
/// as salted hashes (`sha256$salt$hash`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantState {
    pub format: u32,
    /// The organisation as first used at login.
    pub organisation: String,
    pub reference: ReferenceData,
    pub access_tokens: Vec<AccessToken>,
    /// The communications the tenant sent (`Tenant::outbox`), oldest first.
    #[serde(default)]
    pub communications: Vec<Communication>,
    /// Wallet balances set through the admin API, by wallet id.
    #[serde(default)]
    pub wallet_balances: BTreeMap<String, f64>,
}

/// A named, saved copy of a tenant's state.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub name: String,
    /// Wall-clock time of the save, RFC 3339.
    pub saved_at: String,
    pub state: TenantState,
}

/// What `GET …/snapshots` lists of one snapshot.
#[derive(Debug, Clone, Serialize)]
pub struct SnapshotInfo {
    pub name: String,
    pub saved_at: String,
    pub access_tokens: usize,
}

impl Snapshot {
    pub fn info(&self) -> SnapshotInfo {
        SnapshotInfo {
            name: self.name.clone(),
            saved_at: self.saved_at.clone(),
            access_tokens: self.state.access_tokens.len(),
        }
    }
}

/// A wallet balance the admin API or a state document may set: a number
/// within ±10^12.
pub fn valid_balance(balance: f64) -> bool {
    balance.is_finite() && balance.abs() <= 1e12
}

/// Snapshot names become file names: letters, digits, `.`, `_`, `-`, at most
/// 64, not starting with a dot.
pub fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Snapshots by tenant key, then by name. They outlive a tenant's reset and
/// deletion, so a demo can be restored into a fresh tenant.
#[derive(Debug, Default)]
pub struct Snapshots {
    by_tenant: DashMap<String, BTreeMap<String, Arc<Snapshot>>>,
}

impl Snapshots {
    pub fn put(&self, tenant_key: &str, snapshot: Snapshot) {
        self.put_shared(tenant_key, Arc::new(snapshot));
    }

    pub fn put_shared(&self, tenant_key: &str, snapshot: Arc<Snapshot>) {
        self.by_tenant
            .entry(tenant_key.to_string())
            .or_default()
            .insert(snapshot.name.clone(), snapshot);
    }

    /// `put_shared`, calling `record` with the snapshot in the same step
    /// (under the map's lock for the tenant), so the order of saves of one
    /// name is the same wherever it is recorded.
    pub fn put_recorded(
        &self,
        tenant_key: &str,
        snapshot: Arc<Snapshot>,
        record: impl FnOnce(Arc<Snapshot>) -> u64,
    ) {
        let mut kept = self.by_tenant.entry(tenant_key.to_string()).or_default();
        kept.insert(snapshot.name.clone(), snapshot.clone());
        record(snapshot);
    }

    /// `remove`, calling `record` in the same step when there was one.
    pub fn remove_recorded(
        &self,
        tenant_key: &str,
        name: &str,
        record: impl FnOnce() -> u64,
    ) -> bool {
        let Some(mut kept) = self.by_tenant.get_mut(tenant_key) else {
            return false;
        };
        let removed = kept.remove(name).is_some();
        if removed {
            record();
        }
        removed
    }

    pub fn get(&self, tenant_key: &str, name: &str) -> Option<Arc<Snapshot>> {
        self.by_tenant
            .get(tenant_key)
            .and_then(|m| m.get(name).cloned())
    }

    /// The tenant's snapshots, by name.
    pub fn list(&self, tenant_key: &str) -> Vec<SnapshotInfo> {
        self.by_tenant
            .get(tenant_key)
            .map(|m| m.values().map(|s| s.info()).collect())
            .unwrap_or_default()
    }

    pub fn count(&self, tenant_key: &str) -> usize {
        self.by_tenant.get(tenant_key).map_or(0, |m| m.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_names_are_safe_file_names() {
        for good in ["demo", "before-checkout", "v1.2_final"] {
            assert!(valid_name(good), "{good}");
        }
        for bad in ["", ".hidden", "../x", "a/b", "naïve", &"x".repeat(65)] {
            assert!(!valid_name(bad), "{bad}");
        }
    }
}
