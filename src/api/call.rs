//! What a CRM.COM method's handler takes and answers: the narrow context it
//! may reach (not the application state), the request, and the reply.

use crate::api::envelope::Framed;
use crate::api::params::Params;
use crate::api::schemas::Schemas;
use crate::core::config::Config;
use crate::core::error::ApiResult;
use crate::core::release::Release;
use crate::domain::reference::Reference;
use crate::domain::session::{Caller, Sessions};
use crate::domain::tenant::Tenant;
use serde_json::Value;
use std::sync::Arc;

/// The organisations as the API layer sees them: the application layer
/// decides how a tenant is made (fixtures, dataset, snapshot) and which
/// release it answers as.
pub trait Organisations: Send + Sync {
    /// The organisation's tenant (any case), created on first use unless
    /// `--max-tenants` are held (`LIMITREACHEDEXCEPTION`).
    fn tenant(&self, organisation: &str) -> ApiResult<Arc<Tenant>>;
    /// The tenant of a tenant key (the lower-cased name), if it exists.
    fn tenant_by_key(&self, key: &str) -> Option<Arc<Tenant>>;
    /// The release the tenant key's organisation is answered as.
    fn release_by_key(&self, key: &str) -> Release;
    /// The users, units and application keys every login is checked
    /// against (the fixtures').
    fn logins(&self) -> &Reference;
}

/// What a handler may reach.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub config: &'a Config,
    pub schemas: &'a Schemas,
    pub sessions: &'a Sessions,
    pub organisations: &'a dyn Organisations,
}

/// What a handler receives. Its `Debug` shows no secret (see `Params`).
pub struct Request<'a> {
    pub params: Params,
    /// The `Authorization` header, for the key-based logins.
    pub authorization: Option<&'a str>,
}

impl std::fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("params", &self.params)
            .field("authorization", &self.authorization.map(|_| "<redacted>"))
            .finish()
    }
}

/// What a handler answers on success.
#[derive(Debug)]
pub enum Reply {
    /// `data` holds this value.
    Data(Value),
    /// `data` is written in this envelope, already checked against the
    /// method's schema (kept replies of access tokens).
    Checked(Framed),
    /// Only `status`, no `data` key (forgot/change pass code).
    StatusOnly,
}

/// A method's handler. Access-token methods take the checked caller: the
/// dispatcher checks the token before anything else, so none can forget to.
#[derive(Clone, Copy)]
pub enum Handler {
    /// The login methods, which issue or release tokens themselves.
    Public(fn(&Context, &Request) -> ApiResult<Reply>),
    /// Every method that needs a valid login token.
    Session(fn(&Context, &Caller, &Request) -> ApiResult<Reply>),
}

impl std::fmt::Debug for Handler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Handler::Public(_) => "Public",
            Handler::Session(_) => "Session",
        })
    }
}
