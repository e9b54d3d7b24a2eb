//! The consumer's pass-code self-service: forgot_pass_code and
//! change_pass_code (R16.12 / R17.10). Both answer `status` only.

use super::input::required_text;
use super::lifecycle::new_one_time_password;
use super::{find, modify, modify_found};
use crate::api::call::Context;
use crate::api::call::{Reply, Request};
use crate::api::consumer::messages::{self, Message};
use crate::api::identifiers::AccessTokenKey;
use crate::core::error::{ApiError, ApiResult, Entity};
use crate::domain::access_token::entity::LifeCycleState;
use crate::domain::session::Caller;

/// `POST access_tokens/forgot_pass_code`: CRM.COM e-mails the consumer of
/// the effective token with this `identifier`. The emulator's e-mail (a
/// communication in the outbox, see `api::consumer::messages`) carries a
/// one-time password, as `generate_otp` makes, which logs the consumer in
/// (`consumer_application_key/token`) to `change_pass_code`; the old pass
/// code keeps working until then (a decision: the docs do not say what the
/// e-mail holds).
pub fn forgot_pass_code(cx: &Context, caller: &Caller, req: &Request) -> ApiResult<Reply> {
    let key = AccessTokenKey::Identifier {
        identifier: required_text(&req.params, "identifier")?,
        pass_code: None,
    };
    // With no address to send it to, CRM.COM cannot send the e-mail: the
    // call answers as it would, and nothing is issued or kept.
    let reachable = {
        let store = caller.tenant.access_tokens.read();
        let token = find(cx, caller, &store, &key)?;
        token.require(LifeCycleState::Effective, "sent a pass code")?;
        messages::recipient(&caller.tenant.reference, token).is_some()
    };
    if !reachable {
        tracing::info!("forgot_pass_code: the token has no e-mail or phone to send to");
        return Ok(Reply::StatusOnly);
    }
    let mut issued = None;
    let token = modify_found(cx, caller, &key, |token, store| {
        token.require(LifeCycleState::Effective, "sent a pass code")?;
        let (otp, stored) = new_one_time_password(cx, &caller.tenant, store, &token.id);
        issued = Some((otp, stored.expires_at));
        token.one_time_password = Some(Box::new(stored));
        Ok(())
    })?;
    if let Some((otp, expires_at)) = issued {
        let message = Message::OneTimePassword {
            otp: &otp,
            expires_at,
        };
        messages::send(cx, caller, &token, message);
    }
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
            // The one-time password that let the consumer in has done its
            // work: it logs in no more.
            token.one_time_password = None;
            Ok(())
        },
    )?;
    tenant.secret_attempts.clear(own);
    Ok(Reply::StatusOnly)
}
