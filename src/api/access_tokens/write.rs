//! `access_tokens/create` and `access_tokens/update`.

use super::input::{text, Change, UdfChanges};
use super::render::render;
use super::reply::render_reply;
use super::{fresh_authentication_code, modify_found};
use crate::api::call::Context;
use crate::api::call::{Reply, Request};
use crate::api::consumer::messages::{self, Message};
use crate::api::consumer::owners::identified;
use crate::api::identifiers::{required_access_token, resolve};
use crate::core::error::{ApiError, ApiResult, Entity};
use crate::core::release_facts::Behaviour;
use crate::domain::access_token::entity::{AccessToken, LifeCycleState, Udfs};
use crate::domain::access_token::entity::{SECRET_DIGITS, VERIFICATION_CODE_DIGITS};
use crate::domain::reference::{Definition, Kind, LogRefs, Reference};
use crate::domain::session::Caller;

fn definition(reference: &Reference) -> ApiResult<&Definition> {
    reference
        .definition
        .as_ref()
        .ok_or_else(|| ApiError::Internal("no access-token definition".into()))
}

/// The definition's rules on the token as it will be stored: identifier and
/// pass code are mandatory unless tokens without them are allowed, and a
/// pass code is always mandatory with an identifier.
fn check_identity(definition: &Definition, identifier: bool, pass_code: bool) -> ApiResult<()> {
    let optional = definition.allow_without_identifier_and_pass_code;
    if !identifier && !optional {
        return Err(ApiError::MandatoryParameter("identifier".into()));
    }
    if !pass_code && (identifier || !optional) {
        return Err(ApiError::MandatoryParameter("pass_code".into()));
    }
    Ok(())
}

/// The accounts receivable and rewards participant a new token links to
/// (ids). A participant given with an accounts receivable must be its own; a
/// consumer session links to its own accounts receivable only.
fn owners(
    cx: &Context,
    caller: &Caller,
    req: &Request,
) -> ApiResult<(Option<String>, Option<String>)> {
    let reference = &caller.tenant.reference;
    let p = &req.params;
    let ar = identified(
        cx,
        caller,
        p,
        "accounts_receivable_identifier",
        Kind::AccountsReceivable,
    )?
    .map(|i| &reference.accounts_receivable[i]);
    let rp = resolve(
        reference,
        p,
        "rewards_participant_identifier",
        Kind::RewardsParticipant,
    )?
    .map(|i| &reference.rewards_participants[i]);
    if let (Some(ar), Some(rp)) = (ar, rp) {
        if rp.accounts_receivable_id != ar.id {
            return Err(ApiError::RewardsParticipantNotOwned);
        }
    }
    if let Some(own) = caller.accounts_receivable_id.as_deref() {
        if ar.is_some_and(|a| a.id != own) {
            return Err(ApiError::NotFound(Entity::AccountsReceivable));
        }
        if rp.is_some_and(|r| r.accounts_receivable_id != own) {
            return Err(ApiError::NotFound(Entity::RewardsParticipant));
        }
        if ar.is_none() && rp.is_none() {
            return Ok((Some(own.to_string()), None));
        }
    }
    Ok((ar.map(|a| a.id.clone()), rp.map(|r| r.id.clone())))
}

/// `POST access_tokens/create`.
pub fn create(cx: &Context, caller: &Caller, req: &Request) -> ApiResult<Reply> {
    let tenant = &caller.tenant;
    let reference = &tenant.reference;
    let p = &req.params;
    let authentication_code = text(p, "authentication_code")?.value();
    let identifier = text(p, "identifier")?.value();
    let definition = definition(reference)?;
    let sent_pass_code = text(p, "pass_code")?.value();
    let generated = sent_pass_code.is_none() && definition.generate_pass_code;
    let pass_code = match sent_pass_code {
        None if generated => Some(tenant.generator.digits(SECRET_DIGITS)),
        sent => sent,
    };
    check_identity(definition, identifier.is_some(), pass_code.is_some())?;
    let (accounts_receivable_id, rewards_participant_id) = owners(cx, caller, req)?;
    // From R14 a generated pass code needs an owner to be told it.
    if generated
        && caller
            .release
            .has(Behaviour::OwnerNeededForGeneratedPassCode)
        && accounts_receivable_id.is_none()
        && rewards_participant_id.is_none()
    {
        return Err(ApiError::AtLeastOneSemiOptional(vec![
            "accounts_receivable_identifier",
            "rewards_participant_identifier",
        ]));
    }
    let classification = resolve(
        reference,
        p,
        "classification_identifier",
        Kind::Classification,
    )?
    .map(|i| &reference.classifications[i]);
    let mut udf = Udfs::default();
    UdfChanges::read(p)?.apply(&mut udf);
    // PENDING_VERIFICATION came with verify (R9).
    let requires_verification = caller.release.has(Behaviour::PendingVerification)
        && classification
            .and_then(|c| c.requires_verification)
            .unwrap_or(definition.requires_verification);
    let (life_cycle_state, verification_code) = if requires_verification {
        let code = tenant.generator.digits(VERIFICATION_CODE_DIGITS);
        (LifeCycleState::PendingVerification, Some(code))
    } else {
        (LifeCycleState::Effective, None)
    };
    let now = tenant.now();
    let mut token = AccessToken {
        id: String::new(),
        number: String::new(),
        life_cycle_state,
        authentication_code: authentication_code.unwrap_or_default(),
        identifier,
        pass_code_hash: pass_code.map(|pc| tenant.hash_secret(&pc)),
        verification_code,
        verified_date: None,
        verified_by_user_id: None,
        accounts_receivable_id,
        rewards_participant_id,
        classification_id: classification.map(|c| c.id.clone()),
        udf: udf.into(),
        one_time_password: None,
        cached: Default::default(),
        log_information: LogRefs::created(now, &caller.user_id, &caller.unit_id),
    };
    {
        // Number, id and a generated code are taken inside the insert, so
        // concurrent creates never share one.
        let mut store = tenant.access_tokens.write();
        cx.config.room_for_tokens(store.len() + 1)?;
        token.number = store.next_number();
        token.id = loop {
            let id = tenant.generator.hex32();
            if store.by_id(&id).is_none() {
                break id;
            }
        };
        if token.authentication_code.is_empty() {
            token.authentication_code = fresh_authentication_code(tenant, &store);
        }
        super::reply::check_before_storing(cx, &token)?;
        store.insert(token.clone())?;
        cx.stored(tenant, &token);
    }
    // CRM.COM sends a pending token's verification code to its consumer.
    if let Some(code) = token.verification_code.as_deref() {
        messages::send(cx, caller, &token, Message::VerificationCode(code));
    }
    // Rendered outside the lock, from the token as inserted.
    Ok(Reply::Checked(render_reply(cx, reference, &token)?))
}

/// `POST access_tokens/update`: fields not sent stay, fields sent as null
/// become null, and an authentication code sent as null is regenerated.
pub fn update(cx: &Context, caller: &Caller, req: &Request) -> ApiResult<Reply> {
    let tenant = &caller.tenant;
    let p = &req.params;
    let key = required_access_token(p)?;
    let authentication_code = text(p, "authentication_code")?;
    let identifier = text(p, "identifier")?;
    let pass_code = text(p, "pass_code")?;
    if identifier.is_set() && !pass_code.is_set() {
        return Err(ApiError::MandatoryParameter("pass_code".into()));
    }
    let pass_code = pass_code.map(|pc| tenant.hash_secret(&pc));
    let new_pass_code = pass_code.is_set();
    let udf = UdfChanges::read(p)?;
    let definition = definition(&tenant.reference)?;
    let token = modify_found(cx, caller, &key, |token, store| {
        match authentication_code {
            Change::Keep => {}
            Change::Clear => token.authentication_code = fresh_authentication_code(tenant, store),
            Change::Set(code) => token.authentication_code = code,
        }
        match identifier {
            Change::Keep => {}
            Change::Clear => token.identifier = None,
            Change::Set(identifier) => token.identifier = Some(identifier),
        }
        match pass_code {
            Change::Keep => {}
            Change::Clear => token.pass_code_hash = None,
            Change::Set(hash) => token.pass_code_hash = Some(hash),
        }
        check_identity(
            definition,
            token.identifier.is_some(),
            token.pass_code_hash.is_some(),
        )?;
        token.udf.change(|fields| udf.apply(fields));
        Ok(())
    })?;
    if new_pass_code {
        tenant.secret_attempts.clear(&token.id);
    }
    Ok(Reply::Data(render(&tenant.reference, &token)))
}
