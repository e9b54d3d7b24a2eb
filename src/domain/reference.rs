//! Reference entities the access tokens point at (units, users, countries,
//! industries, contacts, accounts receivable, rewards participants,
//! classifications, the access-token definition), as loaded from the fixtures,
//! and how each renders inside an access-token reply.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;
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

/// All reference data of a tenant, indexed for lookups by every identifier
/// field CRM.COM accepts. Immutable and shared by every tenant made from the
/// same fixtures.
#[derive(Debug, Default)]
pub struct Reference {
    pub units: Vec<Unit>,
    pub users: Vec<User>,
    pub web_api_keys: Vec<ApplicationKey>,
    pub consumer_application_keys: Vec<ApplicationKey>,
    pub countries: Vec<Country>,
    pub industries: Vec<Industry>,
    pub contacts: Vec<Contact>,
    pub accounts_receivable: Vec<AccountsReceivable>,
    pub rewards_participants: Vec<RewardsParticipant>,
    pub classifications: Vec<Classification>,
    pub definition: Option<Definition>,
    pub(crate) index: HashMap<(Kind, &'static str, String), usize>,
    /// The API layer's serialised embedded objects of token replies, made
    /// once per reference (see `api::access_tokens::reply`).
    pub(crate) embedded: crate::core::slot::Slot,
}

/// The reference entity kinds, for the lookup index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Unit,
    User,
    Country,
    Industry,
    Contact,
    AccountsReceivable,
    RewardsParticipant,
    Classification,
}

impl Kind {
    /// The fixture file holding entities of this kind.
    pub fn fixture_file(self) -> &'static str {
        match self {
            Kind::Unit => "units.json",
            Kind::User => "users.json",
            Kind::Country => "countries.json",
            Kind::Industry => "industries.json",
            Kind::Contact => "contact_information.json",
            Kind::AccountsReceivable => "accounts_receivable.json",
            Kind::RewardsParticipant => "rewards_participants.json",
            Kind::Classification => "access_token_classifications.json",
        }
    }
}

impl Reference {
    /// A copy of the business entities.
    pub fn data(&self) -> ReferenceData {
        ReferenceData {
            units: self.units.clone(),
            countries: self.countries.clone(),
            industries: self.industries.clone(),
            contacts: self.contacts.clone(),
            accounts_receivable: self.accounts_receivable.clone(),
            rewards_participants: self.rewards_participants.clone(),
            classifications: self.classifications.clone(),
            definition: self.definition.clone().unwrap_or(Definition {
                allow_without_identifier_and_pass_code: false,
                requires_verification: false,
                generate_pass_code: false,
            }),
        }
    }

    /// `data` with the users and keys of `logins`; not yet indexed.
    pub fn with_logins(data: ReferenceData, logins: &Reference) -> Reference {
        Reference {
            embedded: Default::default(),
            units: data.units,
            users: logins.users.clone(),
            web_api_keys: logins.web_api_keys.clone(),
            consumer_application_keys: logins.consumer_application_keys.clone(),
            countries: data.countries,
            industries: data.industries,
            contacts: data.contacts,
            accounts_receivable: data.accounts_receivable,
            rewards_participants: data.rewards_participants,
            classifications: data.classifications,
            definition: Some(data.definition),
            index: HashMap::new(),
        }
    }

    /// Builds the lookup index; returns the first duplicate key found, with
    /// its kind. Names need not be unique in CRM.COM: the first one wins.
    pub fn index(&mut self) -> Result<(), (Kind, String)> {
        type Index = HashMap<(Kind, &'static str, String), usize>;
        fn add(
            index: &mut Index,
            key: (Kind, &'static str, &str),
            pos: usize,
            unique: bool,
        ) -> Result<(), (Kind, String)> {
            let (kind, field, value) = key;
            let entry = index.entry((kind, field, value.to_string()));
            match entry {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(pos);
                    Ok(())
                }
                std::collections::hash_map::Entry::Occupied(_) if unique => {
                    Err((kind, format!("{field} '{value}' appears twice")))
                }
                std::collections::hash_map::Entry::Occupied(_) => Ok(()),
            }
        }
        let mut index = Index::new();
        let i = &mut index;
        for (n, e) in self.units.iter().enumerate() {
            add(i, (Kind::Unit, "id", &e.id), n, true)?;
        }
        for (n, e) in self.users.iter().enumerate() {
            add(i, (Kind::User, "id", &e.id), n, true)?;
            add(
                i,
                (Kind::User, "username", &e.username.to_lowercase()),
                n,
                true,
            )?;
        }
        for (n, e) in self.countries.iter().enumerate() {
            add(i, (Kind::Country, "id", &e.id), n, true)?;
        }
        for (n, e) in self.industries.iter().enumerate() {
            add(i, (Kind::Industry, "id", &e.id), n, true)?;
        }
        for (n, e) in self.contacts.iter().enumerate() {
            add(i, (Kind::Contact, "id", &e.id), n, true)?;
        }
        for (n, e) in self.accounts_receivable.iter().enumerate() {
            add(i, (Kind::AccountsReceivable, "id", &e.id), n, true)?;
            add(i, (Kind::AccountsReceivable, "number", &e.number), n, true)?;
            add(i, (Kind::AccountsReceivable, "name", &e.name), n, false)?;
        }
        for (n, e) in self.rewards_participants.iter().enumerate() {
            add(i, (Kind::RewardsParticipant, "id", &e.id), n, true)?;
            add(i, (Kind::RewardsParticipant, "number", &e.number), n, true)?;
        }
        for (n, e) in self.classifications.iter().enumerate() {
            add(i, (Kind::Classification, "id", &e.id), n, true)?;
            add(i, (Kind::Classification, "name", &e.name), n, false)?;
            if let Some(code) = &e.alternative_code {
                add(
                    i,
                    (Kind::Classification, "alternative_code", code),
                    n,
                    false,
                )?;
            }
        }
        self.index = index;
        Ok(())
    }

    /// Position of the entity of `kind` whose `field` equals `value`.
    pub fn find(&self, kind: Kind, field: &'static str, value: &str) -> Option<usize> {
        self.index.get(&(kind, field, value.to_string())).copied()
    }

    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.find(Kind::Unit, "id", id).map(|i| &self.units[i])
    }

    pub fn user(&self, id: &str) -> Option<&User> {
        self.find(Kind::User, "id", id).map(|i| &self.users[i])
    }

    /// Users log in case-insensitively.
    pub fn user_by_name(&self, username: &str) -> Option<&User> {
        self.find(Kind::User, "username", &username.to_lowercase())
            .map(|i| &self.users[i])
    }

    pub fn country(&self, id: &str) -> Option<&Country> {
        self.find(Kind::Country, "id", id)
            .map(|i| &self.countries[i])
    }

    pub fn industry(&self, id: &str) -> Option<&Industry> {
        self.find(Kind::Industry, "id", id)
            .map(|i| &self.industries[i])
    }

    pub fn contact(&self, id: &str) -> Option<&Contact> {
        self.find(Kind::Contact, "id", id)
            .map(|i| &self.contacts[i])
    }

    pub fn accounts_receivable(&self, id: &str) -> Option<&AccountsReceivable> {
        self.find(Kind::AccountsReceivable, "id", id)
            .map(|i| &self.accounts_receivable[i])
    }

    pub fn rewards_participant(&self, id: &str) -> Option<&RewardsParticipant> {
        self.find(Kind::RewardsParticipant, "id", id)
            .map(|i| &self.rewards_participants[i])
    }

    pub fn classification(&self, id: &str) -> Option<&Classification> {
        self.find(Kind::Classification, "id", id)
            .map(|i| &self.classifications[i])
    }

    /// Rewards participants owned by an accounts receivable.
    pub fn participants_of(&self, ar_id: &str) -> impl Iterator<Item = &RewardsParticipant> {
        let ar_id = ar_id.to_string();
        self.rewards_participants
            .iter()
            .filter(move |p| p.accounts_receivable_id == ar_id)
    }

    // ---- rendering, as the nested objects appear in CRM.COM replies ----

    pub fn render_unit(&self, id: &str) -> Value {
        self.unit(id).map_or(Value::Null, |u| {
            json!({
                "id": u.id, "name": u.name, "group_name": u.group_name,
                "community_name": u.community_name,
                "alternative_code": u.alternative_code, "description": u.description,
            })
        })
    }

    pub fn render_user(&self, id: &str) -> Value {
        self.user(id).map_or(Value::Null, |u| {
            json!({
                "id": u.id, "username": u.username,
                "person_name": u.person_name, "email": u.email,
            })
        })
    }

    fn render_country(&self, id: Option<&String>) -> Value {
        id.and_then(|id| self.country(id))
            .map_or(Value::Null, |c| json!(c))
    }

    fn render_industry(&self, id: Option<&String>) -> Value {
        id.and_then(|id| self.industry(id))
            .map_or(Value::Null, |i| json!(i))
    }

    fn render_contact(&self, id: &str) -> Value {
        let Some(c) = self.contact(id) else {
            return Value::Null;
        };
        let demographics = c.demographics.as_ref().map_or(Value::Null, |d| {
            json!({
                "gender": d.gender,
                "passport_issued_by_country": self.render_country(d.passport_issued_by_country.as_ref()),
                "social_security_number": d.social_security_number,
                "passport_number": d.passport_number,
                "industry_sector": d.industry_sector,
                "country_of_residence": self.render_country(d.country_of_residence.as_ref()),
                "name_day": d.name_day,
                "date_of_birth": d.date_of_birth,
                "id_number": d.id_number,
                "industry": self.render_industry(d.industry.as_ref()),
                "id_issued_by_country": self.render_country(d.id_issued_by_country.as_ref()),
            })
        });
        let company_profile = c.company_profile.as_ref().map_or(Value::Null, |p| {
            json!({
                "annual_turnover": p.annual_turnover,
                "tax_reference_number": p.tax_reference_number,
                "profile_year": p.profile_year,
                "number_of_employees": p.number_of_employees,
                "established_date": p.established_date,
                "industry_sector": p.industry_sector,
                "vat_registration_number": p.vat_registration_number,
                "registered_in_country": self.render_country(p.registered_in_country.as_ref()),
                "vat_registered_by": p.vat_registered_by,
                "vat_registration_date": p.vat_registration_date,
                "industry": self.render_industry(p.industry.as_ref()),
                "registration_number": p.registration_number,
            })
        });
        json!({
            "id": c.id, "type": c.kind, "life_cycle_state": c.life_cycle_state,
            "name": c.name, "title": c.title, "first_name": c.first_name,
            "middle_name": c.middle_name, "last_name": c.last_name,
            "company_name": c.company_name,
            "demographics": demographics, "company_profile": company_profile,
        })
    }

    pub fn render_accounts_receivable(&self, id: &str) -> Value {
        self.accounts_receivable(id).map_or(Value::Null, |a| {
            json!({
                "id": a.id, "number": a.number, "name": a.name,
                "life_cycle_state": a.life_cycle_state,
                "account_owner": self.render_contact(&a.account_owner_id),
            })
        })
    }

    pub fn render_rewards_participant(&self, id: &str) -> Value {
        self.rewards_participant(id).map_or(Value::Null, |p| {
            json!({
                "id": p.id, "number": p.number,
                "accounts_receivable": self.render_accounts_receivable(&p.accounts_receivable_id),
            })
        })
    }

    pub fn render_classification_short(&self, id: &str) -> Value {
        self.classification(id).map_or(
            Value::Null,
            |c| json!({ "id": c.id, "name": c.name, "alternative_code": c.alternative_code }),
        )
    }

    pub fn render_log(&self, log: &LogRefs) -> Value {
        json!({
            "created_date": log.created_date,
            "updated_date": log.updated_date,
            "created_by_unit": self.render_unit(&log.created_by_unit_id),
            "updated_by_unit": self.render_unit(&log.updated_by_unit_id),
            "created_by_user": self.render_user(&log.created_by_user_id),
            "updated_by_user": self.render_user(&log.updated_by_user_id),
        })
    }

    /// A classification as `configuration/classifications/list` returns it.
    pub fn render_classification(&self, c: &Classification) -> Value {
        json!({
            "id": c.id, "name": c.name, "alternative_code": c.alternative_code,
            "description": c.description,
            "log_information": self.render_log(&c.log_information),
        })
    }
}
