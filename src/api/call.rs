//! What a CRM.COM method's handler takes and answers: the narrow context it
//! may reach (not the application state), the request, and the reply.

use crate::api::envelope::Framed;
use crate::api::params::Params;
use crate::api::schemas::Schemas;
use crate::core::config::Config;
use crate::core::error::ApiResult;
use crate::core::release::Release;
use crate::domain::access_token::entity::AccessToken;
use crate::domain::reference::{Communication, Reference};
use crate::domain::session::{Caller, Session, Sessions};
use crate::domain::tenant::Tenant;
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
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
    /// against (the fixtures', as last loaded).
    fn logins(&self) -> Arc<Reference>;
}

/// Where handlers report the changes they make, so that with `--state-dir`
/// the reply waits until they are committed (`app::durable`). Each answers
/// the change's ticket, 0 when nothing is kept.
pub trait Changes: Send + Sync {
    /// `token` was just stored in `tenant`. Called under the tenant's write
    /// lock, so changes reach the database in the order memory saw them.
    fn access_token_stored(&self, tenant: &Tenant, token: &AccessToken) -> u64;
    /// The session of login token `token` opened or changed (`Some`), or
    /// ended (`None`).
    fn session_changed(&self, token: &str, session: Option<&Session>) -> u64;
    /// `communication` was just sent by `tenant`, pushing `dropped` (its
    /// oldest) out of a full outbox (called under the outbox's lock, as
    /// `access_token_stored` is under the tokens').
    fn communication_sent(
        &self,
        tenant: &Tenant,
        communication: &Communication,
        dropped: Option<&Communication>,
    ) -> u64;
}

/// The ticket of the last change a call made, for its reply to wait on.
#[derive(Debug, Default)]
pub struct Written(AtomicU64);

impl Written {
    pub fn note(&self, ticket: u64) {
        self.0.fetch_max(ticket, Ordering::AcqRel);
    }

    /// 0 when the call changed nothing that is kept.
    pub fn ticket(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }
}

/// What a handler may reach.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub config: &'a Config,
    pub schemas: &'a Schemas,
    pub sessions: &'a Sessions,
    pub organisations: &'a dyn Organisations,
    pub changes: &'a dyn Changes,
    /// Where this call's changes leave their tickets.
    pub written: &'a Written,
}

impl Context<'_> {
    /// Reports that `token` was stored in `tenant` (see
    /// `Changes::access_token_stored`).
    pub fn stored(&self, tenant: &Tenant, token: &AccessToken) {
        self.written
            .note(self.changes.access_token_stored(tenant, token));
    }

    /// Reports a sent communication (see `Changes::communication_sent`).
    pub fn communication_sent(
        &self,
        tenant: &Tenant,
        communication: &Communication,
        dropped: Option<&Communication>,
    ) {
        let ticket = self
            .changes
            .communication_sent(tenant, communication, dropped);
        self.written.note(ticket);
    }

    /// Reports a session's change (see `Changes::session_changed`).
    pub fn session_changed(&self, token: &str, session: Option<&Session>) {
        self.written
            .note(self.changes.session_changed(token, session));
    }
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
