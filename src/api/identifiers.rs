//! Identifier objects: `{"number": "ACR000418"}` and friends. Each must name
//! exactly one of its allowed fields; the access-token identifier also needs
//! the pass code whenever it names the `identifier`.

use crate::api::params::Params;
use crate::core::error::{ApiError, ApiResult, Entity};
use crate::domain::access_token::entity::SECRET_DIGITS;
use crate::domain::reference::{Kind, Reference};
use serde_json::{Map, Value};

/// How a client names one access token.
#[derive(Clone, PartialEq, Eq)]
pub enum AccessTokenKey {
    AuthenticationCode(String),
    /// Identifier with the pass code that must match it (`None` only where a
    /// method takes a bare identifier, such as reset_verification_code).
    Identifier {
        identifier: String,
        pass_code: Option<String>,
    },
    /// A live one-time password from generate_otp (the OTP variant of the
    /// identifier, inside `accounts_receivable_identifier`).
    OneTimePassword(String),
}

impl std::fmt::Debug for AccessTokenKey {
    // Never prints the pass code.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AccessTokenKey::AuthenticationCode(c) => write!(f, "AuthenticationCode({c})"),
            AccessTokenKey::Identifier { identifier, .. } => write!(f, "Identifier({identifier})"),
            AccessTokenKey::OneTimePassword(_) => f.write_str("OneTimePassword(..)"),
        }
    }
}

/// One field of an identifier object and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldKey {
    pub field: &'static str,
    pub value: String,
}

/// Identifier values are strings; numbers are taken as their text, since
/// numbers such as `"162"` are often sent unquoted.
fn scalar(param: &str, field: &str, value: &Value) -> ApiResult<Option<String>> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Number(n) => Ok(Some(n.to_string())),
        _ => Err(ApiError::invalid(
            format!("{param}.{field}"),
            "a string is expected",
        )),
    }
}

/// The single field of `object` among `allowed` (a semi-optional group).
pub fn one_field(
    param: &str,
    object: &Map<String, Value>,
    allowed: &'static [&'static str],
) -> ApiResult<FieldKey> {
    let mut found = None;
    for field in allowed {
        if let Some(value) = object.get(*field) {
            if let Some(value) = scalar(param, field, value)? {
                if found.is_some() {
                    return Err(ApiError::OnlyOneSemiOptional(allowed.to_vec()));
                }
                found = Some(FieldKey { field, value });
            }
        }
    }
    found.ok_or_else(|| ApiError::AtLeastOneSemiOptional(allowed.to_vec()))
}

/// Reads an `access_token_identifier` object.
pub fn access_token_identifier(
    param: &str,
    object: &Map<String, Value>,
) -> ApiResult<AccessTokenKey> {
    let key = one_field(param, object, &["authentication_code", "identifier"])?;
    if key.field == "authentication_code" {
        return Ok(AccessTokenKey::AuthenticationCode(key.value));
    }
    let pass_code = match object.get("pass_code") {
        Some(value) => scalar(param, "pass_code", value)?,
        None => None,
    };
    match pass_code {
        Some(pass_code) if !pass_code.is_empty() => Ok(AccessTokenKey::Identifier {
            identifier: key.value,
            pass_code: Some(pass_code),
        }),
        _ => Err(ApiError::MandatoryParameter(format!("{param}.pass_code"))),
    }
}

/// Reads the OTP variant of `access_token_identifier` (R13): the three usual
/// fields or `one_time_password`.
pub fn access_token_identifier_otp(
    param: &str,
    object: &Map<String, Value>,
) -> ApiResult<AccessTokenKey> {
    const FIELDS: &[&str] = &["authentication_code", "identifier", "one_time_password"];
    let key = one_field(param, object, FIELDS)?;
    if key.field == "one_time_password" {
        // The docs type it as an Integer: 36246 is the password 036246.
        let otp = match object.get("one_time_password").and_then(Value::as_u64) {
            Some(n) => format!("{n:0SECRET_DIGITS$}"),
            None => key.value,
        };
        return Ok(AccessTokenKey::OneTimePassword(otp));
    }
    access_token_identifier(param, object)
}

/// Reads the mandatory `access_token_identifier` parameter.
pub fn required_access_token(params: &Params) -> ApiResult<AccessTokenKey> {
    const PARAM: &str = "access_token_identifier";
    let object = params
        .opt_object(PARAM)?
        .ok_or_else(|| ApiError::MandatoryParameter(PARAM.into()))?;
    access_token_identifier(PARAM, object)
}

/// The top-level pair reset_pass_code and reset_verification_code take
/// instead of an `access_token_identifier` object: exactly one is given.
pub const TOP_LEVEL_ACCESS_TOKEN: &[&str] = &["authentication_code", "identifier"];

/// Reads the `TOP_LEVEL_ACCESS_TOKEN` pair.
pub fn top_level_access_token(params: &Params) -> ApiResult<AccessTokenKey> {
    let key = one_field("", params.as_map(), TOP_LEVEL_ACCESS_TOKEN)?;
    Ok(match key.field {
        "authentication_code" => AccessTokenKey::AuthenticationCode(key.value),
        _ => AccessTokenKey::Identifier {
            identifier: key.value,
            pass_code: None,
        },
    })
}

/// The identifier fields CRM.COM accepts for each referenced entity.
pub const ACCOUNTS_RECEIVABLE_FIELDS: &[&str] = &["id", "number", "name"];
pub const REWARDS_PARTICIPANT_FIELDS: &[&str] = &["id", "number"];
pub const CLASSIFICATION_FIELDS: &[&str] = &["id", "name", "alternative_code"];
/// The contact identifier: its id or number, or a person's or company's
/// identity number (`V4:contact_information_identifier`).
pub const CONTACT_FIELDS: &[&str] = &[
    "id",
    "number",
    "id_number",
    "passport_number",
    "social_security_number",
    "vat_registration_number",
    "registration_number",
];
pub const WALLET_FIELDS: &[&str] = &["id", "number"];
pub const COMMUNICATION_FIELDS: &[&str] = &["id", "number"];
pub const COMMUNICATION_CATEGORY_FIELDS: &[&str] = &["id", "name", "alternative_code"];

/// Resolves an optional identifier parameter to the entity's position in the
/// reference data, or the entity's not-found error.
pub fn resolve(
    reference: &Reference,
    params: &Params,
    param: &str,
    kind: Kind,
) -> ApiResult<Option<usize>> {
    resolve_preferring(reference, params, param, kind, |_| true)
}

/// `resolve`, preferring among entities that share the value (a name, an
/// identity number) the first for which `prefer` is true.
pub fn resolve_preferring(
    reference: &Reference,
    params: &Params,
    param: &str,
    kind: Kind,
    prefer: impl Fn(usize) -> bool,
) -> ApiResult<Option<usize>> {
    let (allowed, entity) = match kind {
        Kind::AccountsReceivable => (ACCOUNTS_RECEIVABLE_FIELDS, Entity::AccountsReceivable),
        Kind::RewardsParticipant => (REWARDS_PARTICIPANT_FIELDS, Entity::RewardsParticipant),
        Kind::Classification => (CLASSIFICATION_FIELDS, Entity::AccessTokenClassification),
        Kind::Contact => (CONTACT_FIELDS, Entity::ContactInformation),
        Kind::Wallet => (WALLET_FIELDS, Entity::Wallet),
        _ => return Err(ApiError::Internal(format!("{kind:?} has no identifier"))),
    };
    let Some(object) = params.opt_object(param)? else {
        return Ok(None);
    };
    let key = one_field(param, object, allowed)?;
    reference
        .find_preferring(kind, key.field, &key.value, prefer)
        .map(Some)
        .ok_or(ApiError::NotFound(entity))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn exactly_one_field_is_allowed() {
        let allowed = ACCOUNTS_RECEIVABLE_FIELDS;
        assert_eq!(
            one_field("ar", &obj(json!({"number": 162})), allowed),
            Ok(FieldKey {
                field: "number",
                value: "162".into()
            })
        );
        assert!(matches!(
            one_field("ar", &obj(json!({"id": "a", "number": "b"})), allowed),
            Err(ApiError::OnlyOneSemiOptional(_))
        ));
        assert!(matches!(
            one_field("ar", &obj(json!({"code": "a"})), allowed),
            Err(ApiError::AtLeastOneSemiOptional(_))
        ));
        assert!(matches!(
            one_field("ar", &obj(json!({"id": ["a"]})), allowed),
            Err(ApiError::InvalidParameterValue { .. })
        ));
    }

    #[test]
    fn an_identifier_needs_its_pass_code() {
        assert!(matches!(
            access_token_identifier("x", &obj(json!({"identifier": "36"}))),
            Err(ApiError::MandatoryParameter(p)) if p == "x.pass_code"
        ));
        let key = access_token_identifier(
            "x",
            &obj(json!({"identifier": "36", "pass_code": "secret"})),
        )
        .expect("key");
        assert!(!format!("{key:?}").contains("secret"));
    }

    #[test]
    fn the_otp_variant_takes_exactly_one_way_to_name_the_token() {
        let key = access_token_identifier_otp("x", &obj(json!({"one_time_password": 73482})))
            .expect("key");
        // An Integer, as the docs type it: six digits with leading zeros.
        assert_eq!(key, AccessTokenKey::OneTimePassword("073482".into()));
        assert!(!format!("{key:?}").contains("73482"));
        assert!(matches!(
            access_token_identifier_otp(
                "x",
                &obj(json!({"one_time_password": "1", "authentication_code": "2"}))
            ),
            Err(ApiError::OnlyOneSemiOptional(_))
        ));
    }
}
