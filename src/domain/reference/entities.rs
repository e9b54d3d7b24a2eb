//! The reference entities access tokens point at, as the fixtures hold
//! them: units, users, application keys, countries, industries, contacts,
//! accounts receivable, rewards participants, classifications and the
//! access-token definition.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// User-defined fields an entity holds, by name (`udf_string_1`,
/// `udf_float_2`, `udf_date_3`, …); each entity's reply shows its own
/// documented set, `null` where unset (see `api::reference_json`).
pub type UdfValues = BTreeMap<String, serde_json::Value>;

/// How many user-defined fields of each type an entity has: its reply
/// shows each one (`udf_string_1..strings`, then floats, then dates).
#[derive(Debug, Clone, Copy)]
pub struct UdfSet {
    pub strings: u8,
    pub floats: u8,
    pub dates: u8,
}

impl UdfSet {
    /// The CRM.COM pages' usual set: 8 strings, 4 floats, 4 dates.
    pub const USUAL: UdfSet = UdfSet {
        strings: 8,
        floats: 4,
        dates: 4,
    };

    /// Every field name, in the order above.
    pub fn names(self) -> impl Iterator<Item = String> {
        let of =
            |kind: &'static str, count: u8| (1..=count).map(move |n| format!("udf_{kind}_{n}"));
        of("string", self.strings)
            .chain(of("float", self.floats))
            .chain(of("date", self.dates))
    }

    /// The first name in `values` that is not one of this set, or whose
    /// value has the wrong type (strings and dates are text, floats numbers).
    pub fn stranger(self, values: &UdfValues) -> Option<String> {
        values
            .iter()
            .find(|(name, value)| {
                let known = self.names().any(|n| &n == *name);
                let typed = value.is_null()
                    || if name.starts_with("udf_float_") {
                        value.is_number()
                    } else {
                        value.is_string()
                    };
                !(known && typed)
            })
            .map(|(name, _)| name.clone())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub id: String,
    pub name: String,
    pub group_name: Option<String>,
    pub community_name: Option<String>,
    pub alternative_code: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub id: String,
    pub username: String,
    pub person_name: Option<String>,
    pub email: Option<String>,
    /// Login password; `null` for users who cannot log in.
    pub password: Option<String>,
    pub default_unit_id: String,
}

/// A web API key or a consumer application key: sent as the HTTP Basic user
/// name, it logs in as `user_id` in `unit_id`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationKey {
    pub key: String,
    /// The organisation a login with this key opens, unless the body names one.
    pub organisation: String,
    pub user_id: String,
    pub unit_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Country {
    pub id: String,
    pub name: String,
    pub two_character_code: String,
    pub three_character_code: String,
    pub alternative_code: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Industry {
    pub id: String,
    pub name: String,
    pub code: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameDay {
    pub month: Option<u8>,
    pub day: Option<u8>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateOfBirth {
    pub month: Option<u8>,
    pub day: Option<u8>,
    pub year: Option<u16>,
}

/// Person details; country and industry fields hold ids.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Demographics {
    pub gender: Option<String>,
    pub passport_issued_by_country: Option<String>,
    pub social_security_number: Option<String>,
    pub passport_number: Option<String>,
    pub industry_sector: Option<String>,
    pub country_of_residence: Option<String>,
    pub name_day: NameDay,
    pub date_of_birth: DateOfBirth,
    pub id_number: Option<String>,
    pub industry: Option<String>,
    pub id_issued_by_country: Option<String>,
}

/// Company details; country and industry fields hold ids.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompanyProfile {
    pub annual_turnover: Option<f64>,
    pub tax_reference_number: Option<String>,
    pub profile_year: Option<i32>,
    pub number_of_employees: Option<i64>,
    pub established_date: Option<NaiveDateTime>,
    pub industry_sector: Option<String>,
    pub vat_registration_number: Option<String>,
    pub registered_in_country: Option<String>,
    pub vat_registered_by: Option<String>,
    pub vat_registration_date: Option<NaiveDateTime>,
    pub industry: Option<String>,
    pub registration_number: Option<String>,
}

/// A contact information record, the owner of an accounts receivable.
/// The fields after `company_profile` came with `contact_information/show`
/// (issue 20); older fixture files and state documents leave them out.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub life_cycle_state: String,
    pub name: Option<String>,
    pub title: Option<String>,
    pub first_name: Option<String>,
    pub middle_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub demographics: Option<Demographics>,
    pub company_profile: Option<CompanyProfile>,
    /// The contact's number (`CI000111`), one of its identifier fields.
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// A three-letter language code (`ENG`); shown from R12.
    #[serde(default)]
    pub preferred_language: Option<String>,
    #[serde(default)]
    pub organizational_unit: Option<i64>,
    #[serde(default)]
    pub privacy_level: Option<PrivacyLevel>,
    /// Where CRM.COM's messages to the contact go: the first e-mail, else
    /// the first phone (see `api::consumer::messages`).
    #[serde(default)]
    pub emails: Vec<ContactEmail>,
    #[serde(default)]
    pub phones: Vec<ContactPhone>,
    #[serde(default)]
    pub udf: UdfValues,
}

impl Contact {
    /// The documented example shows `udf_string_16` and `udf_float_7`: 16
    /// strings and 8 floats are the emulator's decision.
    pub const UDF: UdfSet = UdfSet {
        strings: 16,
        floats: 8,
        dates: 0,
    };
}

/// A contact's privacy level: what CRM.COM may do with its data.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacyLevel {
    pub id: String,
    pub name: String,
}

/// One e-mail address of a contact; `type` is PERSONAL, BUSINESS or
/// CUSTOM1..5.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactEmail {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub email_address: String,
}

/// One phone number of a contact; `type` is LANDLINE, MOBILE, FAX or
/// CUSTOM1..5.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactPhone {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub number: String,
    pub country_code: Option<String>,
}

fn customer() -> String {
    "CUSTOMER".into()
}

fn effective() -> String {
    "EFFECTIVE".into()
}

/// An accounts receivable: the customer's financial account. The fields
/// after `account_owner_id` came with `accounts_receivable/show`; older
/// fixture files and state documents leave them out (CUSTOMER, balances 0).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountsReceivable {
    pub id: String,
    pub number: String,
    pub name: String,
    pub life_cycle_state: String,
    pub account_owner_id: String,
    /// CUSTOMER, SYSTEM, or ORGANISATIONAL (from R15).
    #[serde(rename = "type", default = "customer")]
    pub kind: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// In the organisation's currency.
    #[serde(default)]
    pub balance: f64,
    #[serde(default)]
    pub opening_balance: f64,
    #[serde(default)]
    pub opening_balance_date: Option<NaiveDateTime>,
    #[serde(default)]
    pub outstanding_amount: f64,
    /// `None`: no credit limit (never EXCEEDED).
    #[serde(default)]
    pub credit_limit: Option<f64>,
    /// Days.
    #[serde(default)]
    pub credit_period: Option<i64>,
    #[serde(default)]
    pub udf: UdfValues,
    /// `None`: created with the organisation (its start date, Admin Unit).
    #[serde(default)]
    pub log_information: Option<LogRefs>,
}

impl AccountsReceivable {
    pub const UDF: UdfSet = UdfSet::USUAL;

    /// A CUSTOMER account with no balance, credit, user fields or log:
    /// what a fixture file that leaves those out reads as.
    pub fn customer(
        id: String,
        number: String,
        name: String,
        life_cycle_state: &str,
        account_owner_id: String,
    ) -> AccountsReceivable {
        AccountsReceivable {
            id,
            number,
            name,
            life_cycle_state: life_cycle_state.into(),
            account_owner_id,
            kind: customer(),
            description: None,
            notes: None,
            balance: 0.0,
            opening_balance: 0.0,
            opening_balance_date: None,
            outstanding_amount: 0.0,
            credit_limit: None,
            credit_period: None,
            udf: UdfValues::new(),
            log_information: None,
        }
    }

    /// EXCEEDED when the outstanding amount passes the credit limit.
    pub fn credit_limit_status(&self) -> &'static str {
        match self.credit_limit {
            Some(limit) if self.outstanding_amount > limit => "EXCEEDED",
            _ => "NOT_EXCEEDED",
        }
    }
}

/// A rewards participant: the accounts receivable's membership of the
/// rewards schemes. The fields after `accounts_receivable_id` came with
/// `rewards_participants/show`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewardsParticipant {
    pub id: String,
    pub number: String,
    pub accounts_receivable_id: String,
    #[serde(default)]
    pub sign_up_on: Option<NaiveDateTime>,
    /// EFFECTIVE or TERMINATED.
    #[serde(default = "effective")]
    pub life_cycle_state: String,
    #[serde(default)]
    pub sign_up_by_unit_id: Option<String>,
    #[serde(default)]
    pub udf: UdfValues,
    #[serde(default)]
    pub log_information: Option<LogRefs>,
}

impl RewardsParticipant {
    pub const UDF: UdfSet = UdfSet::USUAL;

    /// An EFFECTIVE participant of `accounts_receivable_id`, with no
    /// sign-up, user fields or log yet.
    pub fn effective(id: String, number: String, accounts_receivable_id: String) -> Self {
        RewardsParticipant {
            id,
            number,
            accounts_receivable_id,
            sign_up_on: None,
            life_cycle_state: effective(),
            sign_up_by_unit_id: None,
            udf: UdfValues::new(),
            log_information: None,
        }
    }
}

/// Who created and last changed an entity, and when (ids, not objects).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogRefs {
    pub created_date: NaiveDateTime,
    pub updated_date: NaiveDateTime,
    // Shared with the session that made the change (a million tokens
    // created by one user hold one copy of its ids).
    pub created_by_unit_id: Arc<str>,
    pub updated_by_unit_id: Arc<str>,
    pub created_by_user_id: Arc<str>,
    pub updated_by_user_id: Arc<str>,
}

impl LogRefs {
    /// The log of an entity created now by `user_id` in `unit_id`.
    pub fn created(now: NaiveDateTime, user_id: &Arc<str>, unit_id: &Arc<str>) -> LogRefs {
        LogRefs {
            created_date: now,
            updated_date: now,
            created_by_unit_id: unit_id.clone(),
            updated_by_unit_id: unit_id.clone(),
            created_by_user_id: user_id.clone(),
            updated_by_user_id: user_id.clone(),
        }
    }

    /// Records a change made now by `user_id` in `unit_id`.
    pub fn touch(&mut self, now: NaiveDateTime, user_id: &Arc<str>, unit_id: &Arc<str>) {
        self.updated_date = now;
        self.updated_by_user_id = user_id.clone();
        self.updated_by_unit_id = unit_id.clone();
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Classification {
    pub id: String,
    pub name: String,
    pub alternative_code: Option<String>,
    pub description: Option<String>,
    /// Overrides the definition's `requires_verification` when not null.
    pub requires_verification: Option<bool>,
    pub log_information: LogRefs,
}

/// The tenant's access-token definition settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    pub allow_without_identifier_and_pass_code: bool,
    pub requires_verification: bool,
    /// The pass code's "automatic creation method" is a generated number:
    /// create makes one when none is sent (the owner learns it through
    /// CRM.COM's notifications, never in the reply; reset_pass_code tells a
    /// test).
    #[serde(default)]
    pub generate_pass_code: bool,
}
