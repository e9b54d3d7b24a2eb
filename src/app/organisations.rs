//! The application state as the API layer's handlers see it: a narrow
//! `Context`, whose organisations are the state's tenants.

use crate::api::call::Organisations;
use crate::app::state::AppState;
use crate::core::error::ApiResult;
use crate::core::release::Release;
use crate::domain::reference::Reference;
use crate::domain::tenant::Tenant;
use std::sync::Arc;

impl Organisations for AppState {
    fn tenant(&self, organisation: &str) -> ApiResult<Arc<Tenant>> {
        AppState::tenant(self, organisation)
    }

    fn tenant_by_key(&self, key: &str) -> Option<Arc<Tenant>> {
        self.tenants.get(key).map(|t| t.clone())
    }

    fn release_by_key(&self, key: &str) -> Release {
        AppState::release_by_key(self, key)
    }

    fn logins(&self) -> Arc<Reference> {
        self.fixtures().reference.clone()
    }
}
