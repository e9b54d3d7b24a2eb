//! The reference entities access tokens point at, as the fixtures hold
//! them: units, users, application keys, countries, industries, contacts,
//! accounts receivable, rewards participants, classifications and the
//! access-token definition.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

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

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameDay {
    pub month: Option<u8>,
    pub day: Option<u8>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
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
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountsReceivable {
    pub id: String,
    pub number: String,
    pub name: String,
    pub life_cycle_state: String,
    pub account_owner_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewardsParticipant {
    pub id: String,
    pub number: String,
    pub accounts_receivable_id: String,
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

/// A tenant's business reference entities as the state document carries
/// them. Users and keys are left out: they are the process's logins, used
/// before any tenant is chosen, and they hold passwords.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceData {
    pub units: Vec<Unit>,
    pub countries: Vec<Country>,
    pub industries: Vec<Industry>,
    pub contacts: Vec<Contact>,
    pub accounts_receivable: Vec<AccountsReceivable>,
    pub rewards_participants: Vec<RewardsParticipant>,
    pub classifications: Vec<Classification>,
    pub definition: Definition,
}
