//! Login sessions as the methods use them: opening one (the login methods),
//! checking the token every access-token method receives, and releasing it.

use crate::api::call::Context;
use crate::api::params::Params;
use crate::core::error::{ApiError, ApiResult};
use crate::core::jwt::{self, Claims};
use crate::core::release_facts::Behaviour;
use crate::domain::session::{Caller, Login, Session, PRE_R12_IDLE_LIFETIME};
use crate::domain::tenant::tenant_key;
use std::sync::Arc;

impl Context<'_> {
    /// The time on the clock of tenant key `key`, if the tenant exists.
    pub fn now_of(&self, key: &str) -> Option<i64> {
        self.organisations
            .tenant_by_key(key)
            .map(|t| t.clock.current().now_secs())
    }

    /// Opens a session and returns its signed token, unless
    /// `--max-sessions` are live (expired ones are forgotten first).
    pub fn open_session(&self, login: Login<'_>) -> ApiResult<String> {
        let tenant = self.organisations.tenant(login.organisation)?;
        let key = tenant_key(login.organisation);
        let iat = tenant.clock.current().now_secs();
        let release = self.organisations.release_by_key(&key);
        let (lifetime, idle_lifetime) = if release.has(Behaviour::JwtLoginTokens) {
            let lifetime = i64::try_from(self.config.token_lifetime).unwrap_or(i64::MAX);
            (lifetime, None)
        } else {
            (PRE_R12_IDLE_LIFETIME, Some(PRE_R12_IDLE_LIFETIME))
        };
        let exp = iat.saturating_add(lifetime);
        let limit = usize::try_from(self.config.max_sessions).unwrap_or(usize::MAX);
        let token = self.sessions.open(
            limit,
            |key| self.now_of(key),
            || {
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
                    None => jwt::encode(&claims, self.sessions.signing_key()),
                    Some(_) => claims.jti.clone(),
                };
                let session = Session {
                    tenant: Arc::from(key.as_str()),
                    user_id: Arc::from(login.user_id),
                    unit_id: Arc::from(login.unit_id),
                    expires_at: exp,
                    idle_lifetime,
                    accounts_receivable_id: claims.ari,
                    access_token_id: login.consumer.map(|c| c.access_token_id.to_string()),
                };
                (token, session)
            },
        )?;
        // No one else knows the token yet, so nothing changed it meanwhile.
        self.session_changed(&token, self.sessions.get(&token).as_ref());
        Ok(token)
    }

    /// Checks the `token` parameter: signed here, not released, not expired,
    /// and its tenant still there. `authorization` (the header) only
    /// explains a token sent there instead.
    pub fn authenticate(&self, params: &Params, authorization: Option<&str>) -> ApiResult<Caller> {
        let token = params
            .opt_str("token")
            .map_err(|_| ApiError::InvalidToken("the token parameter must be a string"))?;
        let bearer = authorization.is_some_and(|a| {
            a.trim_start()
                .get(..7)
                .is_some_and(|s| s.eq_ignore_ascii_case("bearer "))
        });
        let token = token.ok_or(ApiError::InvalidToken(if bearer {
            "no token parameter: CRM.COM takes the login token as the token parameter of the body (POST) or the query (GET), not as an Authorization: Bearer header"
        } else {
            "no token parameter: log in with an authentication method and send its token"
        }))?;
        // Only tokens this emulator issued are keys, so finding one proves
        // the token genuine without checking its signature again.
        let session = self.sessions.get(token).ok_or_else(|| {
            ApiError::InvalidToken(
                if crate::core::jwt::decode(token, self.sessions.signing_key()).is_some() {
                    "the token was released, or its session ended (a reset, or a restart without --state-dir)"
                } else {
                    "the token was not issued by this emulator"
                },
            )
        })?;
        let tenant =
            self.organisations
                .tenant_by_key(&session.tenant)
                .ok_or(ApiError::InvalidToken(
                    "the token's organisation was deleted",
                ))?;
        let now = tenant.clock.current().now_secs();
        if now >= session.expires_at {
            return Err(ApiError::TokenExpired);
        }
        if let Some(idle) = session.idle_lifetime {
            // A use restarts the idle time.
            self.sessions.extend(token, now.saturating_add(idle));
        }
        Ok(Caller {
            release: self.organisations.release_by_key(&session.tenant),
            tenant,
            user_id: session.user_id,
            unit_id: session.unit_id,
            accounts_receivable_id: session.accounts_receivable_id,
            access_token_id: session.access_token_id,
        })
    }

    /// Ends the session of the `token` parameter at once.
    pub fn release(&self, params: &Params) -> ApiResult<()> {
        self.authenticate(params, None)?;
        let token = params.opt_str("token").ok().flatten().unwrap_or_default();
        if self.sessions.remove(token) {
            self.session_changed(token, None);
            Ok(())
        } else {
            Err(ApiError::InvalidToken("the token was released"))
        }
    }

    /// Makes sessions expired now on their tenant's clock: the one of login
    /// token `token`, or every session of `organisation`. Returns how many.
    pub fn expire_sessions(&self, token: Option<&str>, organisation: Option<&str>) -> usize {
        let key = organisation.map(tenant_key);
        let expired = self
            .sessions
            .expire(token, key.as_deref(), |key| self.now_of(key));
        let changed = match (token, &key) {
            (Some(token), _) => self
                .sessions
                .get(token)
                .map(|s| vec![(token.to_string(), s)])
                .unwrap_or_default(),
            (None, key) => self.sessions.copies(key.as_deref()),
        };
        for (token, session) in &changed {
            self.session_changed(token, Some(session));
        }
        expired
    }
}
