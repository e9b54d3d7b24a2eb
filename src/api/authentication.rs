//! The CRM.COM login methods: `authentication/token` (user name and
//! password), `authentication/web_api_key/token` (HTTP Basic key),
//! `authentication/consumer_application_key/token` (key plus an access
//! token: a consumer's session) and `authentication/token/release`.

use crate::api::access_tokens;
use crate::api::call::Context;
use crate::api::call::{Reply, Request};
use crate::api::identifiers::access_token_identifier_otp;
use crate::api::params::Params;
use crate::core::error::{ApiError, ApiResult, Entity};
use crate::core::secret::secrets_equal;
use crate::domain::access_token::entity::LifeCycleState;
use crate::domain::reference::{ApplicationKey, Reference, User};
use crate::domain::session::{Consumer, Login};
use base64::{engine::general_purpose::STANDARD, Engine};
use serde_json::json;

/// Opens a session for `user` in `organisation`, in the unit the request
/// names (a unit id) or else `default_unit`, and answers its token.
fn user_session(
    cx: &Context,
    req: &Request,
    organisation: &str,
    user: &User,
    default_unit: &str,
    consumer: Option<Consumer<'_>>,
) -> ApiResult<Reply> {
    let logins = cx.organisations.logins();
    let unit_id = match req.params.opt_str("unit")? {
        None => default_unit,
        Some(unit) => logins
            .unit(unit)
            .map(|u| u.id.as_str())
            .ok_or(ApiError::NotFound(Entity::Unit))?,
    };
    let token = cx.open_session(Login {
        organisation,
        username: &user.username,
        user_id: &user.id,
        unit_id,
        consumer,
    })?;
    Ok(Reply::Data(json!({ "token": token })))
}

/// The organisation named in the body: `organisation`, or the spelling
/// `organization` of earlier CRM.COM releases.
pub fn organisation_param(params: &Params) -> ApiResult<Option<&str>> {
    for name in ["organisation", "organization"] {
        if let Some(org) = params.opt_str(name)? {
            if !org.trim().is_empty() {
                return Ok(Some(org));
            }
        }
    }
    Ok(None)
}

/// The organisation a login or release is for, before it runs (for the
/// journal and the release): the body's, else the released token's, else
/// the one of the key in the `Authorization` header.
pub fn login_organisation(cx: &Context, req: &Request) -> Option<String> {
    if let Ok(Some(org)) = organisation_param(&req.params) {
        return Some(org.trim().to_string());
    }
    // authentication/token/release names its session's.
    if let Ok(Some(token)) = req.params.opt_str("token") {
        let tenant = cx.sessions.get(token).map(|s| s.tenant.clone());
        if let Some(tenant) = tenant.and_then(|key| cx.organisations.tenant_by_key(&key)) {
            return Some(tenant.organisation.clone());
        }
    }
    let reference = cx.organisations.logins();
    let organisation = [
        &reference.web_api_keys,
        &reference.consumer_application_keys,
    ]
    .into_iter()
    .find_map(|keys| application_key(&reference, keys, req).ok())
    .map(|(entry, _)| entry.organisation.clone());
    organisation
}

/// `POST authentication/token`: username (any case), password,
/// `organisation` (or the older `organization`), optional `unit`.
pub fn token(cx: &Context, req: &Request) -> ApiResult<Reply> {
    let username = req.params.req_str("username")?;
    let password = req.params.req_str("password")?;
    let organisation = organisation_param(&req.params)?
        .ok_or_else(|| ApiError::MandatoryParameter("organisation".into()))?;
    let logins = cx.organisations.logins();
    let user = logins
        .user_by_name(username)
        .ok_or(ApiError::InvalidCredentials)?;
    match &user.password {
        Some(known) if secrets_equal(known, password) => {
            user_session(cx, req, organisation, user, &user.default_unit_id, None)
        }
        _ => Err(ApiError::InvalidCredentials),
    }
}

/// The key from `Authorization: Basic base64(KEY[:])`, any case of `Basic`.
fn basic_key(authorization: Option<&str>) -> Option<String> {
    let (scheme, encoded) = authorization?.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let key = text.split(':').next().unwrap_or_default().trim();
    (!key.is_empty()).then(|| key.to_string())
}

/// The application key of the `Authorization` header among `keys`, with its
/// user.
fn application_key<'r>(
    reference: &'r Reference,
    keys: &'r [ApplicationKey],
    req: &Request,
) -> ApiResult<(&'r ApplicationKey, &'r User)> {
    let key = basic_key(req.authorization).ok_or(ApiError::InvalidCredentials)?;
    let entry = keys
        .iter()
        .find(|k| secrets_equal(&k.key.to_ascii_uppercase(), &key.to_ascii_uppercase()))
        .ok_or(ApiError::InvalidCredentials)?;
    let user = reference
        .user(&entry.user_id)
        .ok_or(ApiError::InvalidCredentials)?;
    Ok((entry, user))
}

/// `POST authentication/web_api_key/token`: the key as the Basic user name,
/// optional `unit`; `organisation` in the body (an emulator extension) picks
/// another tenant than the key's own.
pub fn web_api_key_token(cx: &Context, req: &Request) -> ApiResult<Reply> {
    let reference = cx.organisations.logins();
    let (entry, user) = application_key(&reference, &reference.web_api_keys, req)?;
    let organisation = organisation_param(&req.params)?.unwrap_or(&entry.organisation);
    user_session(cx, req, organisation, user, &entry.unit_id, None)
}

/// `POST authentication/consumer_application_key/token` (R15): the key as
/// the Basic user name plus an `access_token_identifier` of an effective
/// token. The session acts for that token's accounts receivable only.
pub fn consumer_application_key_token(cx: &Context, req: &Request) -> ApiResult<Reply> {
    let reference = cx.organisations.logins();
    let (entry, user) = application_key(&reference, &reference.consumer_application_keys, req)?;
    // An access token's identifier, or (R13's OTP variant) the one-time
    // password that forgot_pass_code e-mailed.
    const PARAM: &str = "access_token_identifier";
    let object = req
        .params
        .opt_object(PARAM)?
        .ok_or_else(|| ApiError::MandatoryParameter(PARAM.into()))?;
    let key = access_token_identifier_otp(PARAM, object)?;
    let organisation = organisation_param(&req.params)?.unwrap_or(&entry.organisation);
    let tenant = cx.organisations.tenant(organisation)?;
    let (token_id, accounts_receivable) = {
        let store = tenant.access_tokens.read();
        let token = access_tokens::lookup(cx, &tenant, &store, &key, |_| true)?;
        token.require(LifeCycleState::Effective, "used to log in")?;
        let accounts_receivable =
            access_tokens::owner_accounts_receivable(&tenant.reference, token)
                .and_then(|ar| tenant.reference.accounts_receivable(ar))
                .ok_or(ApiError::NotFound(Entity::AccountsReceivable))?;
        (token.id.clone(), accounts_receivable)
    };
    let consumer = Consumer {
        accounts_receivable_id: &accounts_receivable.id,
        contact_id: &accounts_receivable.account_owner_id,
        access_token_id: &token_id,
    };
    user_session(cx, req, organisation, user, &entry.unit_id, Some(consumer))
}

/// `POST authentication/token/release`: the token dies at once.
pub fn release(cx: &Context, req: &Request) -> ApiResult<Reply> {
    cx.release(&req.params)?;
    Ok(Reply::Data(json!({})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_keys_are_read_leniently() {
        let with_colon = format!(
            "Basic {}",
            STANDARD.encode("EE73C0AE64524371B5DDEFF5F7BB2192:")
        );
        let without = format!(
            "basic {}",
            STANDARD.encode("EE73C0AE64524371B5DDEFF5F7BB2192")
        );
        for header in [with_colon, without] {
            assert_eq!(
                basic_key(Some(&header)).as_deref(),
                Some("EE73C0AE64524371B5DDEFF5F7BB2192")
            );
        }
        assert_eq!(basic_key(Some("Bearer abc")), None);
        assert_eq!(basic_key(Some("Basic !!!")), None);
        assert_eq!(basic_key(None), None);
    }
}
