//! The application state every request shares: configuration, fixtures,
//! compiled schemas, the clock, the tenants, the login sessions, and the
//! test controls (seed, journal, faults, snapshots).

use crate::api::schemas::Schemas;
use crate::app::dataset::Dataset;
use crate::app::faults::Faults;
use crate::app::fixtures::Fixtures;
use crate::app::journal::Journal;
use crate::app::snapshot::Snapshots;
use crate::core::clock::{Clock, TenantClock};
use crate::core::config::Config;
use crate::core::error::{ApiError, ApiResult};
use crate::core::generator::Generator;
use crate::core::release::Release;
use crate::domain::session::Sessions;
use crate::domain::tenant::{tenant_key, Tenant};
use dashmap::DashMap;
use parking_lot::{Mutex, RwLock};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug)]
pub struct AppState {
    pub config: Config,
    pub fixtures: Fixtures,
    pub schemas: Schemas,
    /// The emulator's clock; a tenant may have its own (see `TenantClock`).
    pub clock: Arc<Clock>,
    /// Tenants by lower-cased organisation name.
    pub tenants: DashMap<String, Arc<Tenant>>,
    /// Live login sessions by their login token, and the key that signs
    /// them (derived from the seed when there is one).
    pub sessions: Sessions,
    /// The seed new and reset tenants derive their generators from; starts
    /// as `--seed`, changed by `POST /__admin/seed`.
    pub seed: Mutex<Option<u64>>,
    pub journal: Journal,
    pub faults: Faults,
    pub snapshots: Snapshots,
    /// Datasets made so far, shared by the tenants seeded with them.
    datasets: crate::app::dataset::Made,
    /// What organisations start from: `--dataset`, else the fixtures
    /// (which stay as loaded: every dataset is made on top of them).
    start: Option<Arc<Fixtures>>,
    /// Organisations seeded with another dataset than `--dataset`, by
    /// tenant key: what they are created and reset from.
    seeded: RwLock<HashMap<String, Arc<Fixtures>>>,
    /// Organisations set to another release than `--release`, by tenant
    /// key. Kept apart from the tenants so a setting outlives resets and
    /// may come before the first login.
    releases: RwLock<HashMap<String, Release>>,
    /// Held while a tenant is created, so `--max-tenants` holds exactly.
    creating: Mutex<()>,
}

impl AppState {
    /// Loads fixtures and schemas; fails with a message naming the file at
    /// fault.
    pub fn new(config: Config) -> Result<AppState, String> {
        let generator = Generator::new(config.seed, "");
        let fixtures =
            Fixtures::load(config.fixtures.as_deref(), &generator).map_err(|e| e.to_string())?;
        let schemas = Schemas::load(&crate::api::methods::reply_schemas())?;
        let mut state = AppState {
            sessions: Sessions::new(generator.bytes()),
            seed: Mutex::new(config.seed),
            journal: Journal::new(config.journal_size),
            faults: Faults::new(config.seed),
            snapshots: Snapshots::default(),
            config,
            fixtures,
            schemas,
            clock: Arc::new(Clock::default()),
            tenants: DashMap::new(),
            releases: RwLock::default(),
            seeded: RwLock::default(),
            datasets: Default::default(),
            start: None,
            creating: Mutex::new(()),
        };
        state.check_fixtures_against_schemas()?;
        // With --dataset, the dataset is what every organisation starts from.
        if let Some(dataset) = state.config.dataset {
            let made = state
                .dataset(dataset, state.config.seed.unwrap_or(0))
                .map_err(|e| format!("--dataset {}: {e}", dataset.name()))?;
            state.start = Some(made);
        }
        if let Some(dir) = state.config.state_dir.clone() {
            state
                .load_saved(&dir)
                .map_err(|e| format!("--state-dir: {e}"))?;
        }
        Ok(state)
    }

    /// The release organisation `organisation` (any case) is answered as.
    pub fn release_of(&self, organisation: &str) -> Release {
        if self.releases.read().is_empty() {
            return self.config.release;
        }
        self.release_by_key(&tenant_key(organisation))
    }

    /// `release_of` a tenant key (already lower-cased, as sessions hold it).
    pub(crate) fn release_by_key(&self, key: &str) -> Release {
        self.releases
            .read()
            .get(key)
            .copied()
            .unwrap_or(self.config.release)
    }

    /// Sets the release of one organisation; `None` returns it to
    /// `--release`.
    pub fn set_release(&self, organisation: &str, release: Option<Release>) {
        let key = tenant_key(organisation);
        let mut releases = self.releases.write();
        match release {
            Some(release) => releases.insert(key, release),
            None => releases.remove(&key),
        };
    }

    /// What the emulator does when it stops: with `--state-dir`, write every
    /// tenant. Returns how many were written.
    pub fn persist(&self) -> Result<usize, String> {
        let Some(dir) = &self.config.state_dir else {
            return Ok(0);
        };
        // The tenants are collected first, so no map guard is held while
        // each is exported and written.
        let tenants: Vec<Arc<Tenant>> = self.tenants.iter().map(|t| t.value().clone()).collect();
        let docs = tenants.iter().map(|tenant| self.export_tenant(tenant));
        crate::app::persistence::save_tenants(dir, docs)
            .map_err(|e| format!("--state-dir {}: {e}", dir.display()))
    }

    /// Imports what the state directory `dir` holds: its tenants, then its
    /// snapshots.
    fn load_saved(&self, dir: &std::path::Path) -> Result<(), String> {
        crate::app::persistence::load(
            dir,
            |path, doc| {
                let organisation = doc.organisation.clone();
                self.import_tenant(&organisation, doc)
                    .map(|_| ())
                    .map_err(|e| format!("{}: {}", path.display(), e.description()))
            },
            |key, snapshot| self.snapshots.put(key, snapshot),
        )
    }

    /// Every fixture access token and classification must render to a
    /// schema-valid object.
    fn check_fixtures_against_schemas(&self) -> Result<(), String> {
        self.check_against_schemas(&self.fixtures.reference, &self.fixtures.access_tokens)
            .map_err(|e| format!("fixture {e}"))
    }

    /// Every access token and classification of a tenant's data must render
    /// to a schema-valid object (fixtures, imports); the problem names the
    /// fixture file and the entity.
    pub fn check_against_schemas(
        &self,
        reference: &crate::domain::reference::Reference,
        tokens: &crate::domain::access_token::store::AccessTokenStore,
    ) -> Result<(), String> {
        for token in tokens.iter() {
            let rendered = crate::api::access_tokens::render::render(reference, token);
            self.schemas
                .check_access_token(&rendered)
                .map_err(|e| format!("access_tokens.json: access token {}: {e}", token.id))?;
        }
        for classification in &reference.classifications {
            let rendered = reference.render_classification(classification);
            let list = serde_json::Value::Array(vec![rendered]);
            self.schemas
                .check_data(crate::api::schemas::ReplySchema::CLASSIFICATION_LIST, &list)
                .map_err(|e| {
                    format!(
                        "access_token_classifications.json: {}: {e}",
                        classification.id
                    )
                })?;
        }
        Ok(())
    }

    /// The organisation's tenant, created from the fixtures on first use
    /// unless `--max-tenants` are already held.
    pub fn tenant(&self, organisation: &str) -> ApiResult<Arc<Tenant>> {
        if let Some(tenant) = self.existing_tenant(organisation) {
            return Ok(tenant);
        }
        self.create_tenant(organisation, |name, clock| self.fresh_tenant(name, clock))
    }

    /// Creates the organisation's tenant with `make` (given the name and a
    /// clock following the emulator's) unless `--max-tenants` are held; a
    /// tenant created meanwhile by another request is returned as it is.
    pub(crate) fn create_tenant(
        &self,
        organisation: &str,
        make: impl FnOnce(&str, Arc<TenantClock>) -> Tenant,
    ) -> ApiResult<Arc<Tenant>> {
        let _creating = self.creating.lock();
        if let Some(tenant) = self.existing_tenant(organisation) {
            return Ok(tenant);
        }
        let limit = self.config.max_tenants;
        if u64::try_from(self.tenants.len()).unwrap_or(u64::MAX) >= limit {
            return Err(ApiError::LimitReached {
                what: "tenants",
                flag: "--max-tenants",
                limit: usize::try_from(limit).unwrap_or(usize::MAX),
            });
        }
        let tenant = Arc::new(make(organisation.trim(), self.following_clock()));
        self.tenants
            .insert(tenant_key(organisation), tenant.clone());
        Ok(tenant)
    }

    /// A tenant holding the fixture data (or the dataset it is seeded
    /// with), reading `clock`.
    pub fn fresh_tenant(&self, organisation: &str, clock: Arc<TenantClock>) -> Tenant {
        let seeded = self.seeded.read().get(&tenant_key(organisation)).cloned();
        let base = seeded
            .as_deref()
            .or(self.start.as_deref())
            .unwrap_or(&self.fixtures);
        Tenant::new(
            organisation,
            base.reference.clone(),
            base.access_tokens.clone(),
            *self.seed.lock(),
            clock,
        )
    }

    /// Dataset `dataset` of `seed` on top of the fixtures, checked against
    /// the schemas like them; made once, then shared.
    pub fn dataset(&self, dataset: Dataset, seed: u64) -> Result<Arc<Fixtures>, String> {
        self.datasets.get(&self.fixtures, dataset, seed, |made| {
            self.check_against_schemas(&made.reference, &made.access_tokens)
        })
    }

    /// Forgets what was set for the organisation: its release and dataset.
    pub(crate) fn forget_settings(&self, organisation: &str) {
        self.set_release(organisation, None);
        self.seeded.write().remove(&tenant_key(organisation));
    }

    /// Seeds the organisation with `base` (`None`: the emulator's own
    /// fixtures or `--dataset`) from now on, and resets it to it.
    pub fn seed_tenant(&self, organisation: &str, base: Option<Arc<Fixtures>>) -> ApiResult<()> {
        if let Some(base) = &base {
            self.config.room_for_tokens(base.access_tokens.len())?;
        }
        let key = tenant_key(organisation);
        match base {
            Some(base) => self.seeded.write().insert(key, base),
            None => self.seeded.write().remove(&key),
        };
        self.reset_tenant(organisation)
    }

    /// A tenant clock that follows the emulator's clock.
    pub fn following_clock(&self) -> Arc<TenantClock> {
        Arc::new(TenantClock::following(self.clock.clone()))
    }

    /// The organisation's tenant if it exists.
    pub fn existing_tenant(&self, organisation: &str) -> Option<Arc<Tenant>> {
        self.tenants
            .get(&tenant_key(organisation))
            .map(|t| t.clone())
    }
}

/// For unit tests: a default state, one of its tenants, and a copy of the
/// tenant's first fixture token.
#[cfg(test)]
pub fn with_first_token(
    organisation: &str,
) -> (
    AppState,
    Arc<Tenant>,
    crate::domain::access_token::entity::AccessToken,
) {
    let state = AppState::new(Config::default()).expect("state");
    let tenant = state.tenant(organisation).expect("tenant");
    let token = tenant
        .access_tokens
        .read()
        .iter()
        .next()
        .cloned()
        .expect("a fixture token");
    (state, tenant, token)
}
