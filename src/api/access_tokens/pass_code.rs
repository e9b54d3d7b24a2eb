//! The consumer's pass-code self-service: forgot_pass_code and
//! change_pass_code (R16.12 / R17.10). Both answer `status` only.

use super::input::required_text;
use super::{find, modify};
use crate::api::call::Context;
use crate::api::call::{Reply, Request};
use crate::api::identifiers::AccessTokenKey;
use crate::core::error::{ApiError, ApiResult, Entity};
use crate::domain::access_token::entity::LifeCycleState;
use crate::domain::session::Caller;

/// `POST access_tokens/forgot_pass_code`: CRM.COM e-mails the consumer of
/// the effective token with this `identifier`. The emulator sends no mail
/// and changes nothing; it answers as CRM.COM would.
pub fn forgot_pass_code(cx: &Context, caller: &Caller, req: &Request) -> ApiResult<Reply> {
    let key = AccessTokenKey::Identifier {
        identifier: required_text(&req.params, "identifier")?,
        pass_code: None,
    };
    let store = caller.tenant.access_tokens.read();
    find(cx, caller, &store, &key)?.require(LifeCycleState::Effective, "sent a pass code")?;
    Ok(Reply::StatusOnly)
}

/// `POST access_tokens/change_pass_code`: the consumer logged in with its
/// access token (consumer application login) sets a new `pass_code`.
pub fn change_pass_code(cx: &Context, caller: &Caller, req: &Request) -> ApiResult<Reply> {
    let tenant = &caller.tenant;
    let own = caller
        .access_token_id
        .as_deref()
        .ok_or(ApiError::ConsumerSessionRequired)?;
    let pass_code = required_text(&req.params, "pass_code")?;
    let hash = tenant.hash_secret(&pass_code);
    modify(
        cx,
        caller,
        |store| {
            store
                .by_id(own)
                .ok_or(ApiError::NotFound(Entity::AccessToken))
        },
        |token, _| {
            token.require(LifeCycleState::Effective, "given a new pass code")?;
            token.pass_code_hash = Some(hash);
            Ok(())
        },
    )?;
    tenant.secret_attempts.clear(own);
    Ok(Reply::StatusOnly)
}
