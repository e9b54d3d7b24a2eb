//! Login sessions: opening one (the login methods), checking the token every
//! access-token method receives, and releasing it.

use crate::api::params::Params;
use crate::app::state::AppState;
use crate::core::error::{ApiError, ApiResult};
use crate::core::jwt::{self, Claims};
use crate::core::release::{Behaviour, Release};
use crate::domain::tenant::{tenant_key, Tenant};
use std::sync::Arc;

/// How long a login token before R12 lives unused, in seconds.
pub const PRE_R12_IDLE_LIFETIME: i64 = 3600;

/// What the emulator remembers of a login token.
#[derive(Debug, Clone)]
pub struct Session {
    /// Lower-cased organisation (the tenant key).
    pub tenant: Arc<str>,
    pub user_id: Arc<str>,
    pub unit_id: Arc<str>,
    /// Epoch seconds on the emulator's clock.
    pub expires_at: i64,
    /// Tokens before R12 expire after this many seconds unused: each use
    /// moves `expires_at`. `None`: a fixed lifetime from issue.
    pub idle_lifetime: Option<i64>,
    /// Set on consumer-application logins: the session acts for this
    /// accounts receivable only.
    pub accounts_receivable_id: Option<String>,
    /// Set on consumer-application logins: the access token that logged in.
    pub access_token_id: Option<String>,
}

/// The caller of an access-token method, once its token checked out.
#[derive(Debug, Clone)]
pub struct Caller {
    pub tenant: Arc<Tenant>,
    /// The release the caller's organisation is answered as.
    pub release: Release,
    pub user_id: Arc<str>,
    pub unit_id: Arc<str>,
    /// A consumer session's accounts receivable: the only one it may touch.
    pub accounts_receivable_id: Option<String>,
    /// A consumer session's own access token.
    pub access_token_id: Option<String>,
}

/// Who is logging in, once credentials checked out.
#[derive(Debug, Clone)]
pub struct Login<'a> {
    pub organisation: &'a str,
    pub username: &'a str,
    pub user_id: &'a str,
    pub unit_id: &'a str,
    /// Consumer logins only: who the session acts for.
    pub consumer: Option<Consumer<'a>>,
}

/// The consumer a consumer-application login acts for.
#[derive(Debug, Clone, Copy)]
pub struct Consumer<'a> {
    pub accounts_receivable_id: &'a str,
    pub contact_id: &'a str,
    pub access_token_id: &'a str,
}

impl AppState {
    /// Opens a session and returns its signed token, unless
    /// `--max-sessions` are live (expired ones are forgotten first).
    pub fn open_session(&self, login: Login<'_>) -> ApiResult<String> {
        let tenant = self.tenant(login.organisation)?;
        // Held from the count to the insert, so the limit holds exactly.
        let _opening = self.opening.lock();
        self.room_for_session()?;
        let iat = tenant.clock.current().now_secs();
        let release = self.release_of(login.organisation);
        let (lifetime, idle_lifetime) = if release.has(Behaviour::JwtLoginTokens) {
            let lifetime = i64::try_from(self.config.token_lifetime).unwrap_or(i64::MAX);
            (lifetime, None)
        } else {
            (PRE_R12_IDLE_LIFETIME, Some(PRE_R12_IDLE_LIFETIME))
        };
        let exp = iat.saturating_add(lifetime);
        let claims = Claims {
            usr: login.username.to_string(),
            org: tenant.organisation.clone(),
            oun: login.unit_id.to_string(),
            ari: login.consumer.map(|c| c.accounts_receivable_id.to_string()),
            cii: login.consumer.map(|c| c.contact_id.to_string()),
            exp: exp.to_string(),
            iat: iat.to_string(),
            jti: tenant.generator.hex32(),
        };
        // Before R12 a login token is 32 upper-case hex characters, like
        // the session id a JWT carries as `jti`.
        let token = match idle_lifetime {
            None => jwt::encode(&claims, &self.signing_key),
            Some(_) => claims.jti.clone(),
        };
        self.sessions.insert(
            token.clone(),
            Session {
                tenant: Arc::from(tenant_key(login.organisation)),
                user_id: Arc::from(login.user_id),
                unit_id: Arc::from(login.unit_id),
                expires_at: exp,
                idle_lifetime,
                accounts_receivable_id: claims.ari.clone(),
                access_token_id: login.consumer.map(|c| c.access_token_id.to_string()),
            },
        );
        Ok(token)
    }

    fn room_for_session(&self) -> ApiResult<()> {
        let limit = usize::try_from(self.config.max_sessions).unwrap_or(usize::MAX);
        if self.sessions.len() < limit {
            return Ok(());
        }
        self.sessions.retain(|_, s| {
            self.tenants
                .get(&*s.tenant)
                .is_some_and(|t| t.clock.current().now_secs() < s.expires_at)
        });
        if self.sessions.len() < limit {
            return Ok(());
        }
        Err(ApiError::LimitReached {
            what: "live sessions",
            flag: "--max-sessions",
            limit,
        })
    }

    /// Checks the `token` parameter: signed here, not released, not expired,
    /// and its tenant still there.
    pub fn authenticate(&self, params: &Params) -> ApiResult<Caller> {
        let token = params
            .opt_str("token")
            .map_err(|_| ApiError::InvalidToken)?;
        let token = token.ok_or(ApiError::InvalidToken)?;
        // Only tokens this emulator issued are keys, so finding one proves
        // the token genuine without checking its signature again.
        let session = self
            .sessions
            .get(token)
            .map(|s| s.clone())
            .ok_or(ApiError::InvalidToken)?;
        let tenant = self
            .tenants
            .get(&*session.tenant)
            .map(|t| t.clone())
            .ok_or(ApiError::InvalidToken)?;
        let now = tenant.clock.current().now_secs();
        if now >= session.expires_at {
            return Err(ApiError::TokenExpired);
        }
        if let Some(idle) = session.idle_lifetime {
            // A use restarts the idle time (the lookup above let go of it).
            if let Some(mut live) = self.sessions.get_mut(token) {
                live.expires_at = now.saturating_add(idle);
            }
        }
        Ok(Caller {
            release: self.release_by_key(&session.tenant),
            tenant,
            user_id: session.user_id,
            unit_id: session.unit_id,
            accounts_receivable_id: session.accounts_receivable_id,
            access_token_id: session.access_token_id,
        })
    }

    /// Makes sessions expired now on their tenant's clock: the one of login
    /// token `token`, or every session of `tenant`. Returns how many.
    pub fn expire_sessions(&self, token: Option<&str>, tenant: Option<&str>) -> usize {
        let mut expired = 0;
        for mut entry in self.sessions.iter_mut() {
            let (id, session) = entry.pair_mut();
            let chosen = token.is_some_and(|t| t == id)
                || tenant.is_some_and(|t| *tenant_key(t) == *session.tenant);
            if !chosen {
                continue;
            }
            // A missing tenant makes the session invalid anyway.
            if let Some(t) = self.tenants.get(&*session.tenant) {
                session.expires_at = t.clock.current().now_secs();
                expired += 1;
            }
        }
        expired
    }

    /// Ends the session of the `token` parameter at once.
    pub fn release(&self, params: &Params) -> ApiResult<()> {
        self.authenticate(params)?;
        let token = params.opt_str("token").ok().flatten().unwrap_or_default();
        self.sessions
            .remove(token)
            .map(|_| ())
            .ok_or(ApiError::InvalidToken)
    }
}
