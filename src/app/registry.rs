//! Whole-tenant operations for the admin API and the embedding handle: reset,
//! delete, export, import, snapshots and reseeding. A tenant is replaced as
//! a whole (one map insert), so a reader sees the old state or the new one,
//! never a mix; its clock carries over.

use crate::app::durable::Change;
use crate::app::fixtures::{assemble_reference, token_store};
use crate::app::snapshot::{valid_name, Snapshot, SnapshotInfo, TenantState, STATE_FORMAT};
use crate::app::state::AppState;
use crate::core::clock::TenantClock;
use crate::core::error::{ApiError, ApiResult};
use crate::domain::reference::{Communication, Reference};
use crate::domain::tenant::{tenant_key, Tenant};
use chrono::{SecondsFormat, Utc};
use std::sync::Arc;

impl AppState {
    /// The organisation's tenant, or the admin not-found error.
    pub fn known_tenant(&self, organisation: &str) -> ApiResult<Arc<Tenant>> {
        self.existing_tenant(organisation)
            .ok_or_else(|| ApiError::AdminNotFound(format!("no tenant {organisation:?}")))
    }

    /// Replaces (or creates) the organisation's tenant by the one `make`
    /// builds from the name and clock of the tenant it replaces (for a new
    /// tenant: the organisation as given, and the emulator's clock). A new
    /// tenant counts against `--max-tenants`.
    fn install(
        &self,
        organisation: &str,
        make: impl FnOnce(&str, Arc<TenantClock>) -> Tenant,
    ) -> ApiResult<()> {
        let _replacing = self.creating.lock();
        match self.existing_tenant(organisation) {
            Some(t) => {
                let tenant = Arc::new(make(&t.organisation, t.clock.clone()));
                self.record(|| Change::Tenant(tenant.clone()));
                self.tenants.insert(tenant_key(organisation), tenant);
            }
            None => {
                self.create_tenant_locked(organisation, make)?;
            }
        }
        Ok(())
    }

    /// Back to the fixtures: data, generator and secret-attempt locks. Login
    /// sessions stay valid, so a test suite can reset between tests without
    /// logging in again. Creates the tenant if it does not exist.
    pub fn reset_tenant(&self, organisation: &str) -> ApiResult<()> {
        self.install(organisation, |name, clock| self.fresh_tenant(name, clock))
    }

    /// Resets every existing tenant.
    pub fn reset_all(&self) -> usize {
        let names: Vec<String> = self
            .tenants
            .iter()
            .map(|t| t.organisation.clone())
            .collect();
        for name in &names {
            // Each exists, so no limit applies; one deleted meanwhile is
            // created again, which the limit may refuse.
            let _ = self.reset_tenant(name);
        }
        names.len()
    }

    /// Removes the tenant and ends its sessions; its snapshots stay.
    pub fn delete_tenant(&self, organisation: &str) -> ApiResult<()> {
        let key = tenant_key(organisation);
        {
            let _replacing = self.creating.lock();
            self.tenants
                .remove(&key)
                .ok_or_else(|| ApiError::AdminNotFound(format!("no tenant {organisation:?}")))?;
            self.record(|| Change::TenantDeleted(key.clone()));
            // Under the same lock: a login that creates the tenant again
            // after it keeps its session.
            self.sessions.remove_tenant(&key);
        }
        self.forget_settings(organisation);
        Ok(())
    }

    /// The tenant's whole state as one document.
    pub fn export_tenant(&self, tenant: &Tenant) -> TenantState {
        TenantState {
            format: STATE_FORMAT,
            organisation: tenant.organisation.clone(),
            reference: tenant.reference.data(),
            access_tokens: tenant.access_tokens.read().iter().cloned().collect(),
            communications: tenant
                .outbox
                .all()
                .iter()
                .map(|c| Communication::clone(c))
                .collect(),
            wallet_balances: tenant.wallet_balances.all(),
        }
    }

    /// Replaces (or creates) the organisation's tenant with `doc`, checked as
    /// the fixtures are: every reference resolves, no duplicate, every token
    /// renders to a schema-valid reply. Nothing changes when it refuses. The
    /// organisation named in the path wins over the document's, so one
    /// tenant's export can seed another.
    pub fn import_tenant(&self, organisation: &str, doc: TenantState) -> ApiResult<()> {
        if doc.format != STATE_FORMAT {
            return Err(ApiError::admin(format!(
                "format: {} is not supported, {STATE_FORMAT} is",
                doc.format
            )));
        }
        let reference = assemble_reference(doc.reference, &self.fixtures().reference)
            .map_err(|e| ApiError::admin(format!("reference ({}): {}", e.file, e.problem)))?;
        let store = token_store(&reference, doc.access_tokens)
            .map_err(|p| ApiError::admin(format!("access_tokens: {p}")))?;
        self.config.room_for_tokens(store.len())?;
        self.check_against_schemas(&reference, &store)
            .map_err(ApiError::admin)?;
        check_activity(&reference, &doc.communications, &doc.wallet_balances)
            .and_then(|()| {
                crate::api::consumer::checks::sent(&self.schemas, &reference, &doc.communications)
                    .map_err(|e| format!("communications: {e}"))
            })
            .map_err(ApiError::admin)?;
        let reference = Arc::new(reference);
        let seed = *self.seed.lock();
        let (sent, balances) = (doc.communications, doc.wallet_balances);
        self.install(organisation, |name, clock| {
            Tenant::new(name, reference, store, seed, clock).with_activity(sent, balances)
        })
    }

    /// Saves the tenant's state under `name` (replacing a snapshot of that
    /// name).
    pub fn save_snapshot(&self, organisation: &str, name: &str) -> ApiResult<SnapshotInfo> {
        check_name(name)?;
        let tenant = self.known_tenant(organisation)?;
        let snapshot = Snapshot {
            name: name.to_string(),
            saved_at: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
            state: self.export_tenant(&tenant),
        };
        let key = tenant_key(organisation);
        let info = snapshot.info();
        let snapshot = Arc::new(snapshot);
        // Saves of one name replace each other whole, in memory as in the
        // database, in the same order.
        self.snapshots.put_recorded(&key, snapshot, |snapshot| {
            self.record(|| Change::Snapshot {
                key: key.clone(),
                snapshot,
            })
        });
        Ok(info)
    }

    /// Replaces the tenant's state by the snapshot's (creating the tenant if
    /// it was deleted).
    pub fn restore_snapshot(&self, organisation: &str, name: &str) -> ApiResult<SnapshotInfo> {
        check_name(name)?;
        let snapshot = self
            .snapshots
            .get(&tenant_key(organisation), name)
            .ok_or_else(|| ApiError::AdminNotFound(format!("no snapshot {name:?}")))?;
        self.import_tenant(organisation, snapshot.state.clone())?;
        Ok(snapshot.info())
    }

    /// Deletes a snapshot.
    pub fn delete_snapshot(&self, organisation: &str, name: &str) -> ApiResult<()> {
        check_name(name)?;
        let key = tenant_key(organisation);
        let removed = self.snapshots.remove_recorded(&key, name, || {
            self.record(|| Change::SnapshotDeleted {
                key: key.clone(),
                name: name.to_string(),
            })
        });
        if !removed {
            return Err(ApiError::AdminNotFound(format!("no snapshot {name:?}")));
        }
        Ok(())
    }

    /// Reseeds the generators: one tenant's, or (without an organisation)
    /// every tenant's, those created later and the fault rules'.
    pub fn reseed(&self, seed: Option<u64>, organisation: Option<&str>) -> ApiResult<()> {
        match organisation {
            Some(org) => {
                let tenant = self.known_tenant(org)?;
                tenant.generator.reseed(seed, &tenant_key(org));
            }
            None => {
                *self.seed.lock() = seed;
                self.faults.reseed(seed);
                for tenant in self.tenants.iter() {
                    tenant.generator.reseed(seed, tenant.key());
                }
            }
        }
        Ok(())
    }
}

fn check_name(name: &str) -> ApiResult<()> {
    if valid_name(name) {
        Ok(())
    } else {
        Err(ApiError::admin(
            "snapshot name: 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'",
        ))
    }
}

/// What a state document says the tenant sent and set must fit its
/// reference as fixtures do: a sent communication's contact, log user and
/// unit exist, its user fields are its own, its number is neither a
/// fixture's nor another's; a balance names an existing wallet and is a
/// number. (Its values are checked against the schema after this.)
fn check_activity(
    reference: &Reference,
    sent: &[Communication],
    balances: &std::collections::BTreeMap<String, f64>,
) -> Result<(), String> {
    let mut numbers: std::collections::HashSet<&str> = reference
        .communications
        .iter()
        .map(|c| c.number.as_str())
        .collect();
    for c in sent {
        let digits = c.number.strip_prefix("CM").unwrap_or_default();
        if !(6..=12).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "communications: {:?} is not a number such as CM000681",
                c.number
            ));
        }
        if !numbers.insert(&c.number) {
            return Err(format!("communications: {} appears twice", c.number));
        }
        crate::app::fixture_checks::check_communication(reference, c)
            .map_err(|e| format!("communications: {}", e.problem))?;
    }
    for (wallet, balance) in balances {
        if reference.wallet(wallet).is_none() {
            return Err(format!("wallet_balances: no wallet of id '{wallet}'"));
        }
        if !crate::app::snapshot::valid_balance(*balance) {
            return Err(format!(
                "wallet_balances: {wallet}: a number up to 10^12 is expected"
            ));
        }
    }
    Ok(())
}
