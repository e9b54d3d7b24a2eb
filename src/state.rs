//! The application state every request shares: configuration, fixtures,
//! compiled schemas, the clock, the tenants and the login sessions.

use crate::clock::{Clock, TenantClock};
use crate::config::Config;
use crate::fixtures::Fixtures;
use crate::generator::Generator;
use crate::schemas::Schemas;
use crate::session::Session;
use crate::tenant::{tenant_key, Tenant};
use dashmap::DashMap;
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
    /// Live login sessions by their token's `jti`.
    pub sessions: DashMap<String, Session>,
    /// Signs login tokens; derived from the seed when there is one.
    pub(crate) signing_key: [u8; 32],
}

impl AppState {
    /// Loads fixtures and schemas; fails with a message naming the file at
    /// fault.
    pub fn new(config: Config) -> Result<AppState, String> {
        let generator = Generator::new(config.seed, "");
        let fixtures =
            Fixtures::load(config.fixtures.as_deref(), &generator).map_err(|e| e.to_string())?;
        let schemas = Schemas::load()?;
        let state = AppState {
            signing_key: generator.bytes(),
            config,
            fixtures,
            schemas,
            clock: Arc::new(Clock::default()),
            tenants: DashMap::new(),
            sessions: DashMap::new(),
        };
        state.check_fixtures_against_schemas()?;
        Ok(state)
    }

    /// Every fixture access token must render to a schema-valid object.
    fn check_fixtures_against_schemas(&self) -> Result<(), String> {
        let reference = &self.fixtures.reference;
        for token in self.fixtures.access_tokens.iter() {
            let rendered = crate::access_tokens::render::render(reference, token);
            self.schemas.check_access_token(&rendered).map_err(|e| {
                format!("fixture access_tokens.json: access token {}: {e}", token.id)
            })?;
        }
        for classification in &reference.classifications {
            let rendered = reference.render_classification(classification);
            let list = serde_json::Value::Array(vec![rendered]);
            self.schemas
                .check_data(crate::schemas::ReplySchema::ClassificationList, &list)
                .map_err(|e| {
                    format!(
                        "fixture access_token_classifications.json: {}: {e}",
                        classification.id
                    )
                })?;
        }
        Ok(())
    }

    /// The organisation's tenant, created from the fixtures on first use.
    pub fn tenant(&self, organisation: &str) -> Arc<Tenant> {
        let key = tenant_key(organisation);
        if let Some(tenant) = self.tenants.get(&key) {
            return tenant.clone();
        }
        self.tenants
            .entry(key)
            .or_insert_with(|| Arc::new(self.fresh_tenant(organisation, None)))
            .clone()
    }

    /// A tenant holding the fixture data, keeping `clock` if it replaces one.
    pub fn fresh_tenant(&self, organisation: &str, clock: Option<Arc<TenantClock>>) -> Tenant {
        Tenant::new(
            organisation,
            self.fixtures.reference.clone(),
            self.fixtures.access_tokens.clone(),
            self.config.seed,
            clock.unwrap_or_else(|| Arc::new(TenantClock::following(self.clock.clone()))),
        )
    }

    /// The organisation's tenant if it exists.
    pub fn existing_tenant(&self, organisation: &str) -> Option<Arc<Tenant>> {
        self.tenants
            .get(&tenant_key(organisation))
            .map(|t| t.clone())
    }
}
