//! The CRM.COM login methods: `authentication/token` (user name and
//! password), `authentication/web_api_key/token` (HTTP Basic key) and
//! `authentication/token/release`.

use crate::error::{ApiError, ApiResult, Entity};
use crate::routes::{Reply, Request};
use crate::secret::secrets_equal;
use crate::session::Login;
use crate::state::AppState;
use base64::{engine::general_purpose::STANDARD, Engine};
use serde_json::json;

fn token_reply(token: String) -> Reply {
    Reply::Data(json!({ "token": token }))
}

/// The optional `unit` parameter (a unit id), or the default unit.
fn unit_of<'a>(state: &'a AppState, req: &'a Request, default: &'a str) -> ApiResult<&'a str> {
    match req.params.opt_str("unit")? {
        None => Ok(default),
        Some(unit) => state
            .fixtures
            .reference
            .unit(unit)
            .map(|u| u.id.as_str())
            .ok_or(ApiError::NotFound(Entity::Unit)),
    }
}

/// `POST authentication/token`: username (any case), password,
/// `organisation` (or the older `organization`), optional `unit`.
pub fn token(state: &AppState, req: &Request) -> ApiResult<Reply> {
    let p = &req.params;
    let username = p.req_str("username")?;
    let password = p.req_str("password")?;
    let organisation = match p.opt_str("organisation")? {
        Some(org) if !org.trim().is_empty() => org,
        _ => match p.opt_str("organization")? {
            Some(org) if !org.trim().is_empty() => org,
            _ => return Err(ApiError::MandatoryParameter("organisation".into())),
        },
    };
    let user = state
        .fixtures
        .reference
        .user_by_name(username)
        .ok_or(ApiError::InvalidCredentials)?;
    let known = user.password.as_deref().unwrap_or_default();
    if user.password.is_none() || !secrets_equal(known, password) {
        return Err(ApiError::InvalidCredentials);
    }
    let unit_id = unit_of(state, req, &user.default_unit_id)?;
    Ok(token_reply(state.open_session(Login {
        organisation,
        username: &user.username,
        user_id: &user.id,
        unit_id,
        accounts_receivable_id: None,
    })))
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

/// `POST authentication/web_api_key/token`: the key as the Basic user name,
/// optional `unit`; `organisation` in the body (an emulator extension) picks
/// another tenant than the key's own.
pub fn web_api_key_token(state: &AppState, req: &Request) -> ApiResult<Reply> {
    let key = basic_key(req.authorization).ok_or(ApiError::InvalidCredentials)?;
    let reference = &state.fixtures.reference;
    let entry = reference
        .web_api_keys
        .iter()
        .find(|k| secrets_equal(&k.key.to_ascii_uppercase(), &key.to_ascii_uppercase()))
        .ok_or(ApiError::InvalidCredentials)?;
    let user = reference
        .user(&entry.user_id)
        .ok_or(ApiError::InvalidCredentials)?;
    let organisation = match req.params.opt_str("organisation")? {
        Some(org) if !org.trim().is_empty() => org,
        _ => entry.organisation.as_str(),
    };
    let unit_id = unit_of(state, req, &entry.unit_id)?;
    Ok(token_reply(state.open_session(Login {
        organisation,
        username: &user.username,
        user_id: &user.id,
        unit_id,
        accounts_receivable_id: None,
    })))
}

/// `POST authentication/token/release`: the token dies at once.
pub fn release(state: &AppState, req: &Request) -> ApiResult<Reply> {
    state.release(&req.params)?;
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
