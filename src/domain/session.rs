//! Login sessions: what the emulator remembers of a login token, the caller
//! a checked token stands for, and the table of live sessions.

use crate::core::error::{ApiError, ApiResult};
use crate::core::release::Release;
use crate::domain::tenant::Tenant;
use dashmap::DashMap;
use parking_lot::Mutex;
use std::collections::HashMap;
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

/// The live login sessions of every tenant, by login token, and the key
/// that signs them. `open` holds a lock from the count to the insert, so
/// `--max-sessions` holds exactly.
pub struct Sessions {
    live: DashMap<String, Session>,
    opening: Mutex<()>,
    signing_key: [u8; 32],
}

/// Shows how many sessions are live, never a login token or the key.
impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sessions({} live)", self.live.len())
    }
}

impl Sessions {
    pub fn new(signing_key: [u8; 32]) -> Sessions {
        Sessions {
            live: DashMap::new(),
            opening: Mutex::new(()),
            signing_key,
        }
    }

    /// The key login tokens are signed with.
    pub fn signing_key(&self) -> &[u8; 32] {
        &self.signing_key
    }

    pub fn len(&self) -> usize {
        self.live.len()
    }

    /// A copy of the session of `token`.
    pub fn get(&self, token: &str) -> Option<Session> {
        self.live.get(token).map(|s| s.clone())
    }

    /// Live sessions by tenant key.
    pub fn count_by_tenant(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for session in self.live.iter() {
            *counts.entry(session.tenant.to_string()).or_default() += 1;
        }
        counts
    }

    /// Inserts the session `make` gives, by its token, unless `limit`
    /// sessions are live; expired ones are forgotten first (`now_of` gives a
    /// tenant key's time, `None` for a tenant that is gone). `make` runs
    /// only when there is room, so a refused login draws no random value,
    /// and again if it makes a token that is live (a seeded generator
    /// replays its values after a restart that kept the sessions).
    pub fn open(
        &self,
        limit: usize,
        now_of: impl Fn(&str) -> Option<i64>,
        mut make: impl FnMut() -> (String, Session),
    ) -> ApiResult<String> {
        let _opening = self.opening.lock();
        if self.live.len() >= limit {
            self.live
                .retain(|_, s| now_of(&s.tenant).is_some_and(|now| now < s.expires_at));
        }
        if self.live.len() >= limit {
            return Err(ApiError::LimitReached {
                what: "live sessions",
                flag: "--max-sessions",
                limit,
            });
        }
        let (token, session) = loop {
            let (token, session) = make();
            if !self.live.contains_key(&token) {
                break (token, session);
            }
        };
        self.live.insert(token.clone(), session);
        Ok(token)
    }

    /// Moves the expiry of `token`'s session (an idle lifetime restarting).
    pub fn extend(&self, token: &str, expires_at: i64) {
        if let Some(mut live) = self.live.get_mut(token) {
            live.expires_at = expires_at;
        }
    }

    /// Puts back a session kept by `--state-dir` (no limit applies: it was
    /// counted when it opened).
    pub fn restore(&self, token: String, session: Session) {
        self.live.insert(token, session);
    }

    /// Copies of the live sessions, with their tokens; only those of tenant
    /// key `key` when given.
    pub fn copies(&self, key: Option<&str>) -> Vec<(String, Session)> {
        self.live
            .iter()
            .filter(|s| key.is_none_or(|k| *s.tenant == *k))
            .map(|s| (s.key().clone(), s.value().clone()))
            .collect()
    }

    /// Ends the session of `token`; whether there was one.
    pub fn remove(&self, token: &str) -> bool {
        self.live.remove(token).is_some()
    }

    /// Ends every session of the tenant key `key`.
    pub fn remove_tenant(&self, key: &str) {
        self.live.retain(|_, s| *s.tenant != *key);
    }

    /// Makes sessions expired now on their tenant's clock (`now_of`): the
    /// one of login token `token`, or every session of tenant key `key`.
    /// Returns how many.
    pub fn expire(
        &self,
        token: Option<&str>,
        key: Option<&str>,
        now_of: impl Fn(&str) -> Option<i64>,
    ) -> usize {
        let mut expired = 0;
        for mut entry in self.live.iter_mut() {
            let (id, session) = entry.pair_mut();
            let chosen =
                token.is_some_and(|t| t == id) || key.is_some_and(|k| k == &*session.tenant);
            if !chosen {
                continue;
            }
            // A missing tenant makes the session invalid anyway.
            if let Some(now) = now_of(&session.tenant) {
                session.expires_at = now;
                expired += 1;
            }
        }
        expired
    }
}
