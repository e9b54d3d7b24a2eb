//! The CRM.COM access-token entity: its data, indexes, rendering and methods.

pub mod cached;
pub mod input;
pub mod lifecycle;
pub mod pass_code;
pub mod read;
pub mod render;
pub mod reply;
pub mod write;

use crate::api::call::Context;
use crate::api::identifiers::AccessTokenKey;
use crate::core::error::{ApiError, ApiResult, Entity};
use crate::domain::access_token::entity::AccessToken;
use crate::domain::access_token::store::AccessTokenStore;
use crate::domain::reference::Reference;
use crate::domain::session::Caller;
use crate::domain::tenant::Tenant;

/// The accounts receivable a token belongs to: its own, or its rewards
/// participant's.
pub fn owner_accounts_receivable<'a>(
    reference: &'a Reference,
    token: &'a AccessToken,
) -> Option<&'a str> {
    token.accounts_receivable_id.as_deref().or_else(|| {
        token
            .rewards_participant_id
            .as_deref()
            .and_then(|p| reference.rewards_participant(p))
            .map(|p| p.accounts_receivable_id.as_str())
    })
}

/// Whether the caller may see or change the token: any token for a user
/// session, only its own accounts receivable's for a consumer session.
pub fn in_scope(caller: &Caller, token: &AccessToken) -> bool {
    match caller.accounts_receivable_id.as_deref() {
        None => true,
        Some(own) => owner_accounts_receivable(&caller.tenant.reference, token) == Some(own),
    }
}

/// Finds the token a client names, anywhere in the tenant. An identifier
/// given with a pass code must match it; a mismatch answers "not found", as
/// CRM.COM does, so a client cannot tell a wrong pass code from a wrong
/// identifier. Wrong pass codes count towards the token's lock.
pub fn lookup<'s>(
    cx: &Context,
    tenant: &Tenant,
    store: &'s AccessTokenStore,
    key: &AccessTokenKey,
    visible: impl Fn(&AccessToken) -> bool,
) -> ApiResult<&'s AccessToken> {
    let not_found = ApiError::NotFound(Entity::AccessToken);
    let token = match key {
        AccessTokenKey::AuthenticationCode(code) => store.by_authentication_code(code),
        AccessTokenKey::Identifier { identifier, .. } => store.by_identifier(identifier),
        AccessTokenKey::OneTimePassword(otp) => {
            // Wrong guesses count towards the tenant's OTP lock; an expired
            // password was a right one.
            let mut found = Err(not_found);
            tenant.otp_guesses.verify(
                cx.config.max_secret_attempts,
                tenant.clock.current().now_secs(),
                i64::try_from(cx.config.otp_validity).unwrap_or(i64::MAX),
                || {
                    found = by_one_time_password(tenant, store, otp, visible);
                    !matches!(found, Err(ApiError::NotFound(_)))
                },
            )?;
            return found;
        }
    }
    .filter(|t| visible(t))
    .ok_or(not_found.clone())?;
    if let AccessTokenKey::Identifier {
        pass_code: Some(pass_code),
        ..
    } = key
    {
        let limit = cx.config.max_secret_attempts;
        let matches = tenant.secret_attempts.verify(&token.id, limit, || {
            token
                .pass_code_hash
                .as_ref()
                .is_some_and(|hash| hash.matches(pass_code))
        })?;
        if !matches {
            return Err(not_found);
        }
    }
    Ok(token)
}

/// The token whose one-time password is `otp`; an expired one answers the
/// expiry error, so a client can tell it from a mistyped one.
fn by_one_time_password<'s>(
    tenant: &Tenant,
    store: &'s AccessTokenStore,
    otp: &str,
    visible: impl Fn(&AccessToken) -> bool,
) -> ApiResult<&'s AccessToken> {
    let token = store
        .with_one_time_password()
        .filter(|t| visible(t))
        .find(|t| {
            t.one_time_password
                .as_ref()
                .is_some_and(|o| o.hash.matches(otp))
        })
        .ok_or(ApiError::NotFound(Entity::AccessToken))?;
    match &token.one_time_password {
        Some(o) if o.expires_at > tenant.now() => Ok(token),
        _ => Err(ApiError::OneTimePasswordExpired),
    }
}

/// `lookup` limited to what the caller may see.
pub fn find<'s>(
    cx: &Context,
    caller: &Caller,
    store: &'s AccessTokenStore,
    key: &AccessTokenKey,
) -> ApiResult<&'s AccessToken> {
    lookup(cx, &caller.tenant, store, key, |t| in_scope(caller, t))
}

/// Changes one token in one atomic step: under the tenant's write lock,
/// `locate` finds it, `change` edits a copy (or refuses, changing nothing),
/// the log records the caller, and the copy replaces the token with its
/// indexes. Returns the token as stored.
pub fn modify(
    cx: &Context,
    caller: &Caller,
    locate: impl FnOnce(&AccessTokenStore) -> ApiResult<&AccessToken>,
    change: impl FnOnce(&mut AccessToken, &AccessTokenStore) -> ApiResult<()>,
) -> ApiResult<AccessToken> {
    let mut store = caller.tenant.access_tokens.write();
    let mut token = locate(&store)?.clone();
    change(&mut token, &store)?;
    token
        .log_information
        .touch(caller.tenant.now(), &caller.user_id, &caller.unit_id);
    reply::check_before_storing(cx, &token)?;
    store.replace(token.clone())?;
    cx.stored(&caller.tenant, &token);
    Ok(token)
}

/// `modify` of the token the client names with `key`, among those the
/// caller may see.
pub fn modify_found(
    cx: &Context,
    caller: &Caller,
    key: &AccessTokenKey,
    change: impl FnOnce(&mut AccessToken, &AccessTokenStore) -> ApiResult<()>,
) -> ApiResult<AccessToken> {
    modify(cx, caller, |store| find(cx, caller, store, key), change)
}

/// A fresh authentication code no token of the store has (32 hex).
pub fn fresh_authentication_code(tenant: &Tenant, store: &AccessTokenStore) -> String {
    loop {
        let code = tenant.generator.hex32();
        if store.by_authentication_code(&code).is_none() {
            return code;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::state::AppState;
    use crate::core::config::Config;
    use crate::core::error::ApiError;
    use crate::domain::session::Caller;

    /// Issue 19, row 18: a change whose token would break its schema (here
    /// an id no schema allows) answers the violation and stores nothing,
    /// and a tenant that still shares its tokens keeps sharing them.
    #[test]
    fn a_change_that_breaks_the_schema_is_refused_before_it_is_stored() {
        let state = AppState::new(Config::default()).expect("state");
        assert!(state.config.strict_schemas);
        let tenant = state.tenant("strict").expect("tenant");
        let caller = Caller {
            tenant: tenant.clone(),
            release: state.config.release,
            user_id: "1".into(),
            unit_id: "1".into(),
            accounts_receivable_id: None,
            access_token_id: None,
        };
        let tokens = || -> Vec<String> {
            let store = tenant.access_tokens.read();
            store.iter().map(|t| format!("{t:?}")).collect()
        };
        let before = tokens();
        let cx = state.context();
        let result = modify(
            &cx,
            &caller,
            |store| {
                store
                    .iter()
                    .next()
                    .ok_or(ApiError::NotFound(crate::core::error::Entity::AccessToken))
            },
            |token, _| {
                token.identifier = Some("changed".into());
                token.id = "not an id".into();
                Ok(())
            },
        );
        assert!(
            matches!(result, Err(ApiError::SchemaViolation(_))),
            "{result:?}"
        );
        assert_eq!(before, tokens());
        assert!(tenant.access_tokens.is_shared());
    }
}
