//! The application state every request shares: configuration, fixtures,
//! compiled schemas, the clock, the tenants, the login sessions, and the
//! test controls (seed, journal, faults, snapshots).

use crate::api::call::{Context, Written};
use crate::api::schemas::Schemas;
use crate::app::dataset::Dataset;
use crate::app::durable::{Change, Durable};
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

/// What new organisations are made from. `--watch` replaces it whole when
/// the `--fixtures` directory changes (`app::fixture_reload`).
#[derive(Debug)]
pub(crate) struct Origin {
    pub fixtures: Arc<Fixtures>,
    /// The `--dataset` made on `fixtures`, if any: what organisations start
    /// from instead.
    pub start: Option<Arc<Fixtures>>,
    /// Datasets made on `fixtures` so far, shared by the tenants seeded
    /// with them.
    pub datasets: crate::app::dataset::Made,
}

/// An organisation seeded with another dataset than `--dataset`: the
/// choice, and what it made.
#[derive(Debug, Clone)]
pub(crate) struct Seeded {
    pub dataset: Dataset,
    pub seed: u64,
    pub made: Arc<Fixtures>,
}

#[derive(Debug)]
pub struct AppState {
    pub config: Config,
    origin: RwLock<Arc<Origin>>,
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
    /// Organisations seeded with another dataset than `--dataset`, by
    /// tenant key: what they are created and reset from.
    pub(crate) seeded: RwLock<HashMap<String, Seeded>>,
    /// The last `--watch` reload of the fixtures, for `/__admin/health`.
    pub(crate) fixture_reloads: Mutex<crate::app::fixture_reloads::Reloads>,
    /// Organisations set to another release than `--release`, by tenant
    /// key. Kept apart from the tenants so a setting outlives resets and
    /// may come before the first login.
    releases: RwLock<HashMap<String, Release>>,
    /// Held while a tenant is created, replaced or deleted: `--max-tenants`
    /// holds exactly, and `--state-dir` records whole-tenant changes in the
    /// order the map saw them.
    pub(crate) creating: Mutex<()>,
    /// The database writer, with `--state-dir`.
    pub(crate) durable: Option<Durable>,
    /// Where calls made outside HTTP (the embedding handle, the admin API)
    /// leave their tickets; they wait with `flush_state_dir` instead.
    untracked: Written,
}

impl AppState {
    /// Loads fixtures and schemas; fails with a message naming the file at
    /// fault.
    pub fn new(config: Config) -> Result<AppState, String> {
        let generator = Generator::new(config.seed, "");
        let fixtures =
            Fixtures::load(config.fixtures.as_deref(), &generator).map_err(|e| e.to_string())?;
        let schemas = Schemas::load(&crate::api::methods::reply_schemas())?;
        // The database first: the key that signed its sessions is in it.
        let database = match &config.state_dir {
            Some(dir) => Some(crate::app::durable::database::open(dir)?),
            None => None,
        };
        let kept_key = match &database {
            Some(db) => crate::app::durable::read::signing_key(&db.connection)
                .map_err(|e| format!("{}: {e}", db.path.display()))?,
            None => None,
        };
        let mut state = AppState {
            sessions: Sessions::new(kept_key.unwrap_or_else(|| generator.bytes())),
            seed: Mutex::new(config.seed),
            journal: Journal::new(config.journal_size, config.journal_max_bytes),
            faults: Faults::new(config.seed),
            snapshots: Snapshots::default(),
            config,
            origin: RwLock::new(Arc::new(Origin {
                fixtures: Arc::new(fixtures),
                start: None,
                datasets: Default::default(),
            })),
            fixture_reloads: Mutex::default(),
            schemas,
            clock: Arc::new(Clock::default()),
            tenants: DashMap::new(),
            releases: RwLock::default(),
            seeded: RwLock::default(),
            creating: Mutex::new(()),
            durable: None,
            untracked: Written::default(),
        };
        let fixtures = state.fixtures();
        state
            .check_against_schemas(&fixtures.reference, &fixtures.access_tokens)
            .map_err(|e| format!("fixture {e}"))?;
        // With --dataset, the dataset is what every organisation starts from.
        let start = state.start_dataset(&state.origin())?;
        // No one else holds the origin yet.
        if let Some(origin) = Arc::get_mut(state.origin.get_mut()) {
            origin.start = start;
        }
        if let Some(mut database) = database {
            let path = database.path.display().to_string();
            let expired = state
                .load_database(&database)
                .map_err(|e| format!("{path}: {e}"))?;
            database.accept()?;
            state
                .start_writing(database, expired, kept_key.is_some())
                .map_err(|e| format!("{path}: {e}"))?;
        }
        Ok(state)
    }

    /// What the CRM.COM methods' handlers may reach; their changes leave
    /// their tickets in `written`.
    pub fn context_writing<'a>(&'a self, written: &'a Written) -> Context<'a> {
        Context {
            config: &self.config,
            schemas: &self.schemas,
            sessions: &self.sessions,
            organisations: self,
            changes: self,
            written,
        }
    }

    /// `context_writing` for calls that wait for their changes with
    /// `flush_state_dir` (or need not wait).
    pub fn context(&self) -> Context<'_> {
        self.context_writing(&self.untracked)
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
            Some(release) => releases.insert(key.clone(), release),
            None => releases.remove(&key),
        };
        self.settings_changed(&key, Some(release), None);
    }

    /// The fixtures new organisations are made from (with `--watch`, the
    /// last good load of the directory).
    pub fn fixtures(&self) -> Arc<Fixtures> {
        self.origin.read().fixtures.clone()
    }

    /// What new organisations are made from.
    pub(crate) fn origin(&self) -> Arc<Origin> {
        self.origin.read().clone()
    }

    /// Replaces what new organisations are made from (a fixtures reload).
    pub(crate) fn set_origin(&self, origin: Arc<Origin>) {
        *self.origin.write() = origin;
    }

    /// `--dataset` made on `origin`'s fixtures, if set.
    pub(crate) fn start_dataset(&self, origin: &Origin) -> Result<Option<Arc<Fixtures>>, String> {
        let Some(dataset) = self.config.dataset else {
            return Ok(None);
        };
        self.dataset_on(origin, dataset, self.config.seed.unwrap_or(0))
            .map(Some)
            .map_err(|e| format!("--dataset {}: {e}", dataset.name()))
    }

    /// Every access token, classification and consumer entity of a
    /// tenant's data must render to a schema-valid object (fixtures,
    /// datasets, imports); the problem names the fixture file and the
    /// entity.
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
        crate::api::consumer::checks::entities(&self.schemas, reference)
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
        self.create_tenant_locked(organisation, make)
    }

    /// `create_tenant`, for a caller that holds `creating`.
    pub(crate) fn create_tenant_locked(
        &self,
        organisation: &str,
        make: impl FnOnce(&str, Arc<TenantClock>) -> Tenant,
    ) -> ApiResult<Arc<Tenant>> {
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
        // Recorded before anyone can reach it, so nothing of it (a session)
        // is recorded before it.
        self.record(|| Change::Tenant(tenant.clone()));
        self.tenants
            .insert(tenant_key(organisation), tenant.clone());
        Ok(tenant)
    }

    /// A tenant holding the fixture data (or the dataset it is seeded
    /// with), reading `clock`.
    pub fn fresh_tenant(&self, organisation: &str, clock: Arc<TenantClock>) -> Tenant {
        let base = self.base_of(&tenant_key(organisation));
        Tenant::new(
            organisation,
            base.reference.clone(),
            base.access_tokens.clone(),
            *self.seed.lock(),
            clock,
        )
    }

    /// What the tenant of `key` is made from: its seeded dataset, else
    /// `--dataset`, else the fixtures.
    pub(crate) fn base_of(&self, key: &str) -> Arc<Fixtures> {
        if let Some(seeded) = self.seeded.read().get(key) {
            return seeded.made.clone();
        }
        let origin = self.origin.read();
        origin.start.as_ref().unwrap_or(&origin.fixtures).clone()
    }

    /// Dataset `dataset` of `seed` on top of the fixtures, checked against
    /// the schemas like them; made once, then shared.
    pub fn dataset(&self, dataset: Dataset, seed: u64) -> Result<Arc<Fixtures>, String> {
        self.dataset_on(&self.origin(), dataset, seed)
    }

    /// `dataset` made on `origin`'s fixtures.
    pub(crate) fn dataset_on(
        &self,
        origin: &Origin,
        dataset: Dataset,
        seed: u64,
    ) -> Result<Arc<Fixtures>, String> {
        origin
            .datasets
            .get(&origin.fixtures, dataset, seed, |made| {
                self.check_against_schemas(&made.reference, &made.access_tokens)
            })
    }

    /// Forgets what was set for the organisation: its release and dataset.
    pub(crate) fn forget_settings(&self, organisation: &str) {
        self.set_release(organisation, None);
        let key = tenant_key(organisation);
        let mut seeded = self.seeded.write();
        seeded.remove(&key);
        // Recorded under the same lock, so the database keeps the last.
        self.settings_changed(&key, None, Some(None));
    }

    /// Seeds the organisation with dataset `choice` of its seed (`None`:
    /// the emulator's own fixtures or `--dataset`) from now on, and resets
    /// it to it.
    pub fn seed_tenant(&self, organisation: &str, choice: Option<(Dataset, u64)>) -> ApiResult<()> {
        self.set_seeded(organisation, choice, true)?;
        self.reset_tenant(organisation)
    }

    /// What the organisation is created and reset from from now on: dataset
    /// `choice` of its seed, or (`None`) the emulator's own start data.
    /// `--max-access-tokens` is checked when `check_room` (not when the
    /// setting is read back at start: it was checked when it was made).
    pub(crate) fn set_seeded(
        &self,
        organisation: &str,
        choice: Option<(Dataset, u64)>,
        check_room: bool,
    ) -> ApiResult<()> {
        let base = choice
            .map(|(dataset, seed)| self.dataset(dataset, seed))
            .transpose()
            .map_err(ApiError::Internal)?;
        if let (Some(base), true) = (&base, check_room) {
            self.config.room_for_tokens(base.access_tokens.len())?;
        }
        let key = tenant_key(organisation);
        let mut seeded = self.seeded.write();
        match (base, choice) {
            (Some(made), Some((dataset, seed))) => {
                seeded.insert(
                    key.clone(),
                    Seeded {
                        dataset,
                        seed,
                        made,
                    },
                );
            }
            _ => {
                seeded.remove(&key);
            }
        };
        // Recorded under the same lock, so the database keeps the last.
        self.settings_changed(&key, None, Some(choice));
        Ok(())
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
