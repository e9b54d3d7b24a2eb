//! How an access token looks in a CRM.COM reply.

use crate::domain::access_token::entity::AccessToken;
use crate::domain::reference::Reference;
use chrono::NaiveDateTime;
use serde_json::{json, Map, Value};

/// `verified_date` as the documented verify example shows it: Java's
/// `Date.toString()` (`Fri Nov 27 16:08:55 EET 2015`), in UTC here.
pub fn java_date(date: &NaiveDateTime) -> String {
    date.format("%a %b %d %H:%M:%S UTC %Y").to_string()
}

fn opt_str(value: &Option<String>) -> Value {
    value
        .as_ref()
        .map_or(Value::Null, |s| Value::String(s.clone()))
}

/// The full reply object of one access token. Never includes the pass code.
pub fn render(reference: &Reference, token: &AccessToken) -> Value {
    let mut out = render_own(token);
    if token.udf.is_empty() {
        for (name, _) in crate::domain::access_token::entity::UDF_FIELDS {
            out[name] = Value::Null;
        }
    }
    out["log_information"] = reference.render_log(&token.log_information);
    out["verified_by_user"] = token
        .verified_by_user_id
        .as_deref()
        .map_or(Value::Null, |u| reference.render_user(u));
    out["accounts_receivable"] = token
        .accounts_receivable_id
        .as_deref()
        .map_or(Value::Null, |a| reference.render_accounts_receivable(a));
    out["reward_participant"] = token
        .rewards_participant_id
        .as_deref()
        .map_or(Value::Null, |p| reference.render_rewards_participant(p));
    out["classification"] = token
        .classification_id
        .as_deref()
        .map_or(Value::Null, |c| reference.render_classification_short(c));
    out
}

/// The token's own fields: the reply object without the reference objects
/// it embeds (`schemas::Embedded`, also the units and users of its log) and
/// without its user-defined fields while none is set. What it leaves out is
/// null or checked on its own (`reply::render_reply` writes it in), so the
/// per-render schema check sees 10 keys rather than 40.
pub fn render_own(token: &AccessToken) -> Value {
    let mut out = Map::new();
    out.insert("id".into(), token.id.clone().into());
    out.insert("number".into(), token.number.clone().into());
    out.insert(
        "life_cycle_state".into(),
        token.life_cycle_state.as_str().into(),
    );
    out.insert(
        "authentication_code".into(),
        token.authentication_code.clone().into(),
    );
    out.insert("identifier".into(), opt_str(&token.identifier));
    out.insert(
        "verification_code".into(),
        opt_str(&token.verification_code),
    );
    out.insert(
        "verified_date".into(),
        token
            .verified_date
            .as_ref()
            .map_or(Value::Null, |d| java_date(d).into()),
    );
    if !token.udf.is_empty() {
        if let Ok(Value::Object(udf)) = serde_json::to_value(token.udf.get()) {
            out.extend(udf);
        }
    }
    let log = &token.log_information;
    let mut log_own = Map::new();
    // A new token's dates are one instant: formatted once.
    let created = json!(log.created_date);
    let updated = if log.updated_date == log.created_date {
        created.clone()
    } else {
        json!(log.updated_date)
    };
    log_own.insert("created_date".into(), created);
    log_own.insert("updated_date".into(), updated);
    out.insert("log_information".into(), Value::Object(log_own));
    Value::Object(out)
}
