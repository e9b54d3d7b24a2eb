//! The life-cycle methods: verify, reset_pass_code, reset_verification_code,
//! generate_otp, set_as_effective and set_as_not_effective. Each checks the
//! token's state and changes it in one atomic step (`modify`).

use super::input::{required_text, text};
use super::modify_found;
use super::render::render;
use crate::api::call::Context;
use crate::api::call::{Reply, Request};
use crate::api::consumer::messages::{self, Message};
use crate::api::identifiers::{required_access_token, top_level_access_token};
use crate::core::error::{ApiError, ApiResult};
use crate::core::secret::secrets_equal;
use crate::domain::access_token::entity::{LifeCycleState, OneTimePassword};
use crate::domain::access_token::entity::{SECRET_DIGITS, VERIFICATION_CODE_DIGITS};
use crate::domain::access_token::store::AccessTokenStore;
use crate::domain::session::Caller;
use crate::domain::tenant::Tenant;
use chrono::TimeDelta;
use serde_json::{json, Value};

/// Moves the token of `access_token_identifier` from `from` to `to`;
/// `action` names what is refused in any other cx.
fn transition(
    cx: &Context,
    caller: &Caller,
    req: &Request,
    from: LifeCycleState,
    to: LifeCycleState,
    action: &'static str,
) -> ApiResult<Reply> {
    let key = required_access_token(&req.params)?;
    let token = modify_found(cx, caller, &key, |token, _| {
        token.require(from, action)?;
        token.life_cycle_state = to;
        Ok(())
    })?;
    Ok(Reply::Data(render(&caller.tenant.reference, &token)))
}

/// `POST access_tokens/verify`: pending → effective, with the verification
/// code; an optional `pass_code` becomes the token's pass code. Of many
/// concurrent verifies of one token, exactly one succeeds.
pub fn verify(cx: &Context, caller: &Caller, req: &Request) -> ApiResult<Reply> {
    let tenant = &caller.tenant;
    let key = required_access_token(&req.params)?;
    let code = required_text(&req.params, "verification_code")?;
    // Sent as a JSON number, 36246 is the code 036246.
    let code = match req
        .params
        .get("verification_code")
        .and_then(serde_json::Value::as_u64)
    {
        Some(n) => format!("{n:0VERIFICATION_CODE_DIGITS$}"),
        None => code,
    };
    let new_pass_code = text(&req.params, "pass_code")?
        .value()
        .map(|pc| tenant.hash_secret(&pc));
    let now = tenant.now();
    let token = modify_found(cx, caller, &key, |token, _| {
        token.require(LifeCycleState::PendingVerification, "verified")?;
        let limit = cx.config.max_secret_attempts;
        let right = tenant.secret_attempts.verify(&token.id, limit, || {
            token
                .verification_code
                .as_deref()
                .is_some_and(|known| secrets_equal(known, &code))
        })?;
        if !right {
            return Err(ApiError::InvalidVerificationCode);
        }
        token.life_cycle_state = LifeCycleState::Effective;
        token.verified_date = Some(now);
        token.verified_by_user_id = Some(caller.user_id.to_string());
        if let Some(hash) = new_pass_code {
            token.pass_code_hash = Some(hash);
        }
        Ok(())
    })?;
    Ok(Reply::Data(render(&tenant.reference, &token)))
}

/// `POST access_tokens/reset_pass_code`: an effective token gets a random
/// 6-digit pass code, shown once in `random_pass_code`.
pub fn reset_pass_code(cx: &Context, caller: &Caller, req: &Request) -> ApiResult<Reply> {
    let tenant = &caller.tenant;
    let key = top_level_access_token(&req.params)?;
    let pass_code = tenant.generator.digits(SECRET_DIGITS);
    let hash = tenant.hash_secret(&pass_code);
    let token = modify_found(cx, caller, &key, |token, _| {
        token.require(LifeCycleState::Effective, "given a new pass code")?;
        token.pass_code_hash = Some(hash);
        Ok(())
    })?;
    tenant.secret_attempts.clear(&token.id);
    let mut data = render(&tenant.reference, &token);
    data["random_pass_code"] = Value::String(pass_code);
    Ok(Reply::Data(data))
}

/// `POST access_tokens/reset_verification_code`: a pending token gets a new
/// verification code.
pub fn reset_verification_code(cx: &Context, caller: &Caller, req: &Request) -> ApiResult<Reply> {
    let tenant = &caller.tenant;
    let key = top_level_access_token(&req.params)?;
    let token = modify_found(cx, caller, &key, |token, _| {
        token.require(
            LifeCycleState::PendingVerification,
            "given a new verification code",
        )?;
        // Never the same code again: the old one must stop working.
        let code = loop {
            let code = tenant.generator.digits(VERIFICATION_CODE_DIGITS);
            if token.verification_code.as_deref() != Some(code.as_str()) {
                break code;
            }
        };
        token.verification_code = Some(code);
        Ok(())
    })?;
    tenant.secret_attempts.clear(&token.id);
    if let Some(code) = token.verification_code.as_deref() {
        messages::send(cx, caller, &token, Message::VerificationCode(code));
    }
    Ok(Reply::Data(render(&tenant.reference, &token)))
}

/// `POST access_tokens/generate_otp`: a new one-time password for an
/// effective token, replacing any live one.
pub fn generate_otp(cx: &Context, caller: &Caller, req: &Request) -> ApiResult<Reply> {
    let key = required_access_token(&req.params)?;
    let mut issued = None;
    let token = modify_found(cx, caller, &key, |token, store| {
        token.require(LifeCycleState::Effective, "given a one-time password")?;
        let (otp, stored) = new_one_time_password(cx, &caller.tenant, store, &token.id);
        issued = Some((otp, stored.expires_at));
        token.one_time_password = Some(Box::new(stored));
        Ok(())
    })?;
    let (otp, expires_at) =
        issued.ok_or_else(|| ApiError::Internal("no one-time password was issued".into()))?;
    Ok(Reply::Data(json!({
        "id": token.id,
        "number": token.number,
        "one_time_password": otp,
        "expiration_date": expires_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
    })))
}

/// A new one-time password for token `own_id` and what the token keeps of
/// it (its hash and expiry, `--otp-validity` from now on the tenant's
/// clock). Called under the tokens' write lock with `store`: the password
/// is drawn again while another token of the tenant holds it (live or
/// expired), since an OTP alone names the token it logs in as.
pub fn new_one_time_password(
    cx: &Context,
    tenant: &Tenant,
    store: &AccessTokenStore,
    own_id: &str,
) -> (String, OneTimePassword) {
    let taken = |otp: &str| {
        store.with_one_time_password().any(|t| {
            t.id != own_id
                && t.one_time_password
                    .as_ref()
                    .is_some_and(|o| o.hash.matches(otp))
        })
    };
    let otp = loop {
        let otp = tenant.generator.digits(SECRET_DIGITS);
        if !taken(&otp) {
            break otp;
        }
    };
    // The flag is bounded (at most a year), so this cannot overflow.
    let validity = i64::try_from(cx.config.otp_validity).unwrap_or(0);
    let expires_at = crate::core::clock::writable(
        tenant
            .now()
            .checked_add_signed(TimeDelta::seconds(validity))
            .unwrap_or(chrono::NaiveDateTime::MAX),
    );
    let stored = OneTimePassword {
        hash: tenant.hash_secret(&otp),
        expires_at,
    };
    (otp, stored)
}

/// `POST access_tokens/set_as_effective`: not effective → effective.
pub fn set_as_effective(cx: &Context, caller: &Caller, req: &Request) -> ApiResult<Reply> {
    use LifeCycleState::{Effective, NotEffective};
    transition(cx, caller, req, NotEffective, Effective, "set as effective")
}

/// `POST access_tokens/set_as_not_effective`: effective → not effective.
pub fn set_as_not_effective(cx: &Context, caller: &Caller, req: &Request) -> ApiResult<Reply> {
    use LifeCycleState::{Effective, NotEffective};
    transition(
        cx,
        caller,
        req,
        Effective,
        NotEffective,
        "set as not effective",
    )
}
