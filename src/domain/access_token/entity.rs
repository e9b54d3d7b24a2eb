//! The access-token entity as the emulator keeps it, and its life-cycle states.

use crate::core::error::{ApiError, ApiResult};
use crate::core::secret::PassCodeHash;
use crate::domain::reference::LogRefs;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// Digits of generated pass codes and one-time passwords.
pub const SECRET_DIGITS: usize = 6;

/// Digits of generated verification codes.
pub const VERIFICATION_CODE_DIGITS: usize = 6;

/// CRM.COM's access-token life-cycle states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LifeCycleState {
    Effective,
    NotEffective,
    PendingVerification,
}

impl LifeCycleState {
    pub fn as_str(self) -> &'static str {
        match self {
            LifeCycleState::Effective => "EFFECTIVE",
            LifeCycleState::NotEffective => "NOT_EFFECTIVE",
            LifeCycleState::PendingVerification => "PENDING_VERIFICATION",
        }
    }

    /// Parses the value a client sends (exact, as CRM.COM's enums are).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "EFFECTIVE" => Some(LifeCycleState::Effective),
            "NOT_EFFECTIVE" => Some(LifeCycleState::NotEffective),
            "PENDING_VERIFICATION" => Some(LifeCycleState::PendingVerification),
            _ => None,
        }
    }
}

/// The sixteen user-defined fields (R10.1): 8 strings, 4 floats, 4 dates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Udfs {
    pub udf_string_1: Option<String>,
    pub udf_string_2: Option<String>,
    pub udf_string_3: Option<String>,
    pub udf_string_4: Option<String>,
    pub udf_string_5: Option<String>,
    pub udf_string_6: Option<String>,
    pub udf_string_7: Option<String>,
    pub udf_string_8: Option<String>,
    pub udf_float_1: Option<f64>,
    pub udf_float_2: Option<f64>,
    pub udf_float_3: Option<f64>,
    pub udf_float_4: Option<f64>,
    pub udf_date_1: Option<NaiveDateTime>,
    pub udf_date_2: Option<NaiveDateTime>,
    pub udf_date_3: Option<NaiveDateTime>,
    pub udf_date_4: Option<NaiveDateTime>,
}

/// A token's user-defined fields, boxed only while one is set: most tokens
/// have none, and a million tokens should not carry 320 empty bytes each.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UdfSlot(Option<Box<Udfs>>);

static NO_UDFS: std::sync::OnceLock<Udfs> = std::sync::OnceLock::new();

impl UdfSlot {
    /// Whether no field is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    pub fn get(&self) -> &Udfs {
        self.0
            .as_deref()
            .unwrap_or_else(|| NO_UDFS.get_or_init(Udfs::default))
    }

    /// Changes the fields; the box goes when the last one is cleared.
    pub fn change(&mut self, change: impl FnOnce(&mut Udfs)) {
        let mut udfs = self.0.take().unwrap_or_default();
        change(&mut udfs);
        *self = UdfSlot::from(*udfs);
    }
}

impl From<Udfs> for UdfSlot {
    fn from(udfs: Udfs) -> Self {
        if udfs == Udfs::default() {
            UdfSlot(None)
        } else {
            UdfSlot(Some(Box::new(udfs)))
        }
    }
}

impl Serialize for UdfSlot {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for UdfSlot {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Udfs::deserialize(deserializer).map(UdfSlot::from)
    }
}

/// The type of a user-defined field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UdfType {
    Text,
    Float,
    Date,
}

/// Every user-defined field, by name, with its type.
pub const UDF_FIELDS: [(&str, UdfType); 16] = [
    ("udf_string_1", UdfType::Text),
    ("udf_string_2", UdfType::Text),
    ("udf_string_3", UdfType::Text),
    ("udf_string_4", UdfType::Text),
    ("udf_string_5", UdfType::Text),
    ("udf_string_6", UdfType::Text),
    ("udf_string_7", UdfType::Text),
    ("udf_string_8", UdfType::Text),
    ("udf_float_1", UdfType::Float),
    ("udf_float_2", UdfType::Float),
    ("udf_float_3", UdfType::Float),
    ("udf_float_4", UdfType::Float),
    ("udf_date_1", UdfType::Date),
    ("udf_date_2", UdfType::Date),
    ("udf_date_3", UdfType::Date),
    ("udf_date_4", UdfType::Date),
];

/// A value for one user-defined field (`None` clears it).
#[derive(Debug, Clone, PartialEq)]
pub enum UdfValue {
    Text(Option<String>),
    Float(Option<f64>),
    Date(Option<NaiveDateTime>),
}

impl Udfs {
    /// Sets the field `name` (one of `UDF_FIELDS`) to `value`; a value of
    /// another type than the field's is ignored (the parser never makes one).
    pub fn set(&mut self, name: &str, value: UdfValue) {
        match (name, value) {
            ("udf_string_1", UdfValue::Text(v)) => self.udf_string_1 = v,
            ("udf_string_2", UdfValue::Text(v)) => self.udf_string_2 = v,
            ("udf_string_3", UdfValue::Text(v)) => self.udf_string_3 = v,
            ("udf_string_4", UdfValue::Text(v)) => self.udf_string_4 = v,
            ("udf_string_5", UdfValue::Text(v)) => self.udf_string_5 = v,
            ("udf_string_6", UdfValue::Text(v)) => self.udf_string_6 = v,
            ("udf_string_7", UdfValue::Text(v)) => self.udf_string_7 = v,
            ("udf_string_8", UdfValue::Text(v)) => self.udf_string_8 = v,
            ("udf_float_1", UdfValue::Float(v)) => self.udf_float_1 = v,
            ("udf_float_2", UdfValue::Float(v)) => self.udf_float_2 = v,
            ("udf_float_3", UdfValue::Float(v)) => self.udf_float_3 = v,
            ("udf_float_4", UdfValue::Float(v)) => self.udf_float_4 = v,
            ("udf_date_1", UdfValue::Date(v)) => self.udf_date_1 = v,
            ("udf_date_2", UdfValue::Date(v)) => self.udf_date_2 = v,
            ("udf_date_3", UdfValue::Date(v)) => self.udf_date_3 = v,
            ("udf_date_4", UdfValue::Date(v)) => self.udf_date_4 = v,
            _ => {}
        }
    }
}

/// An access token. References to other entities are ids into the tenant's
/// reference data; the pass code is only a salted hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
///
/// As JSON (state exports, snapshots, `--state-dir`) a field that is not set
/// is left out rather than written as `null` (read back as not set either
/// way): it halves what a million tokens take on disk and to read back.
pub struct AccessToken {
    pub id: String,
    pub number: String,
    pub life_cycle_state: LifeCycleState,
    pub authentication_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_code_hash: Option<PassCodeHash>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_date: Option<NaiveDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_by_user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounts_receivable_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rewards_participant_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification_id: Option<String>,
    #[serde(default, skip_serializing_if = "UdfSlot::is_empty")]
    pub udf: UdfSlot,
    /// The live one-time password from generate_otp, hashed; never rendered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_time_password: Option<Box<OneTimePassword>>,
    pub log_information: LogRefs,
    /// The reply object, serialised once it is read (never stored).
    #[serde(skip)]
    pub cached: super::cached::CachedReply,
}

impl AccessToken {
    /// Refuses `action` (a past participle: "verified") unless the token is
    /// in `state`.
    pub fn require(&self, state: LifeCycleState, action: &'static str) -> ApiResult<()> {
        if self.life_cycle_state == state {
            Ok(())
        } else {
            Err(ApiError::InvalidLifeCycleState {
                action,
                state: self.life_cycle_state.as_str(),
            })
        }
    }
}

/// A one-time password: only its hash and when it stops being valid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneTimePassword {
    pub hash: PassCodeHash,
    pub expires_at: NaiveDateTime,
}

/// An access token as written in `fixtures/access_tokens.json`: the same,
/// but with the pass code in clear so fixture authors can document it. No
/// `Debug`, so the clear pass code cannot reach a log line.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessTokenFixture {
    pub id: String,
    pub number: String,
    pub life_cycle_state: LifeCycleState,
    pub authentication_code: String,
    pub identifier: Option<String>,
    pub pass_code: Option<String>,
    pub verification_code: Option<String>,
    pub verified_date: Option<NaiveDateTime>,
    pub verified_by_user_id: Option<String>,
    pub accounts_receivable_id: Option<String>,
    pub rewards_participant_id: Option<String>,
    pub classification_id: Option<String>,
    #[serde(default)]
    pub udf: Udfs,
    pub log_information: LogRefs,
}

impl AccessTokenFixture {
    /// The stored form, hashing the pass code with `salt`.
    pub fn into_token(self, salt: [u8; 16]) -> AccessToken {
        AccessToken {
            pass_code_hash: self.pass_code.map(|p| PassCodeHash::new(&p, salt)),
            id: self.id,
            number: self.number,
            life_cycle_state: self.life_cycle_state,
            authentication_code: self.authentication_code,
            identifier: self.identifier,
            verification_code: self.verification_code,
            verified_date: self.verified_date,
            verified_by_user_id: self.verified_by_user_id,
            accounts_receivable_id: self.accounts_receivable_id,
            rewards_participant_id: self.rewards_participant_id,
            classification_id: self.classification_id,
            udf: UdfSlot::from(self.udf),
            one_time_password: None,
            log_information: self.log_information,
            cached: Default::default(),
        }
    }
}
