//! How reference entities render as the nested objects of CRM.COM replies
//! (an access token's accounts receivable, participant, classification,
//! users and units).

use crate::domain::reference::{Classification, LogRefs, Reference};
use serde_json::{json, Value};

impl Reference {
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

    /// A contact as an access token's reply embeds it (`account_owner`).
    pub fn render_contact(&self, id: &str) -> Value {
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
