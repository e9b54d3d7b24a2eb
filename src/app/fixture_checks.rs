//! What a fixture file (or an imported tenant) must satisfy beyond its
//! shape: every id an entity mentions exists, and each access token is
//! consistent with its state and its references.

use crate::domain::access_token::entity::AccessToken;
use crate::domain::reference::{
    AccountsReceivable, Communication, Contact, LogRefs, Reference, RewardsParticipant, UdfSet,
    UdfValues, Wallet,
};

/// A fixture problem: the file and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("fixture {file}: {problem}")]
pub struct FixtureError {
    pub file: String,
    pub problem: String,
}

/// A problem of fixture `file`, never quoting the value it refused
/// (`without_values`): every fixture error, at start, in a reload, in an
/// embedding's error, goes through here.
pub(crate) fn fail(file: &str, problem: impl Into<String>) -> FixtureError {
    FixtureError {
        file: file.to_string(),
        problem: without_values(&problem.into()),
    }
}

fn missing(file: &str, what: &str, owner: &str, id: &str) -> FixtureError {
    fail(
        file,
        format!("{owner} refers to {what} '{id}', which does not exist"),
    )
}

/// Every id a reference entity mentions must exist.
pub(crate) fn check_references(r: &Reference) -> Result<(), FixtureError> {
    for u in &r.users {
        if r.unit(&u.default_unit_id).is_none() {
            return Err(missing("users.json", "unit", &u.id, &u.default_unit_id));
        }
    }
    let keys = [
        ("web_api_keys.json", &r.web_api_keys),
        (
            "consumer_application_keys.json",
            &r.consumer_application_keys,
        ),
    ];
    for (file, keys) in keys {
        for k in keys {
            // Only the key's first characters: the key is a credential.
            let owner = &k.key[..4.min(k.key.len())];
            if r.user(&k.user_id).is_none() {
                return Err(missing(file, "user", owner, &k.user_id));
            }
            if r.unit(&k.unit_id).is_none() {
                return Err(missing(file, "unit", owner, &k.unit_id));
            }
        }
    }
    for c in &r.contacts {
        let mut countries = vec![];
        let mut industries = vec![];
        if let Some(d) = &c.demographics {
            countries.extend([
                &d.passport_issued_by_country,
                &d.country_of_residence,
                &d.id_issued_by_country,
            ]);
            industries.push(&d.industry);
        }
        if let Some(p) = &c.company_profile {
            countries.push(&p.registered_in_country);
            industries.push(&p.industry);
        }
        for id in countries.into_iter().flatten() {
            if r.country(id).is_none() {
                return Err(missing("contact_information.json", "country", &c.id, id));
            }
        }
        for id in industries.into_iter().flatten() {
            if r.industry(id).is_none() {
                return Err(missing("contact_information.json", "industry", &c.id, id));
            }
        }
    }
    for c in &r.contacts {
        check_udf("contact_information.json", &c.id, Contact::UDF, &c.udf)?;
    }
    for a in &r.accounts_receivable {
        const FILE: &str = "accounts_receivable.json";
        if r.contact(&a.account_owner_id).is_none() {
            return Err(missing(FILE, "contact", &a.id, &a.account_owner_id));
        }
        check_udf(FILE, &a.id, AccountsReceivable::UDF, &a.udf)?;
        check_optional_log(r, FILE, &a.id, a.log_information.as_ref())?;
    }
    for p in &r.rewards_participants {
        const FILE: &str = "rewards_participants.json";
        if r.accounts_receivable(&p.accounts_receivable_id).is_none() {
            return Err(missing(
                FILE,
                "accounts receivable",
                &p.id,
                &p.accounts_receivable_id,
            ));
        }
        if let Some(unit) = p.sign_up_by_unit_id.as_ref() {
            if r.unit(unit).is_none() {
                return Err(missing(FILE, "unit", &p.id, unit));
            }
        }
        check_udf(FILE, &p.id, RewardsParticipant::UDF, &p.udf)?;
        check_optional_log(r, FILE, &p.id, p.log_information.as_ref())?;
    }
    for w in &r.wallets {
        const FILE: &str = "wallets.json";
        if r.accounts_receivable(&w.accounts_receivable_id).is_none() {
            return Err(missing(
                FILE,
                "accounts receivable",
                &w.id,
                &w.accounts_receivable_id,
            ));
        }
        if r.currency(&w.currency_id).is_none() {
            return Err(missing(FILE, "currency", &w.id, &w.currency_id));
        }
        if !w.balance.is_finite() {
            return Err(fail(FILE, format!("{}: the balance is not a number", w.id)));
        }
        check_udf(FILE, &w.id, Wallet::UDF, &w.udf)?;
        check_optional_log(r, FILE, &w.id, w.log_information.as_ref())?;
    }
    for c in &r.communications {
        check_communication(r, c)?;
    }
    for c in &r.classifications {
        check_log(r, &c.log_information).map_err(|p| {
            fail(
                "access_token_classifications.json",
                format!("{}: {p}", c.id),
            )
        })?;
    }
    Ok(())
}

/// A communication's contact and log must exist, its user fields be its
/// own (a fixture's, or one a state document says was sent).
pub(crate) fn check_communication(r: &Reference, c: &Communication) -> Result<(), FixtureError> {
    const FILE: &str = "communications.json";
    if let Some(contact) = c.contact_id.as_ref() {
        if r.contact(contact).is_none() {
            return Err(missing(FILE, "contact", &c.id, contact));
        }
    }
    check_udf(FILE, &c.id, Communication::UDF, &c.udf)?;
    check_optional_log(r, FILE, &c.id, Some(&c.log_information))
}

/// An entity's user-defined fields must be its own, each of its type.
fn check_udf(file: &str, id: &str, set: UdfSet, values: &UdfValues) -> Result<(), FixtureError> {
    match set.stranger(values) {
        Some(name) => Err(fail(
            file,
            format!("{id}: {name} is not one of its user-defined fields, or has the wrong type"),
        )),
        None => Ok(()),
    }
}

fn check_optional_log(
    r: &Reference,
    file: &str,
    id: &str,
    log: Option<&LogRefs>,
) -> Result<(), FixtureError> {
    match log.map(|log| check_log(r, log)) {
        Some(Err(p)) => Err(fail(file, format!("{id}: {p}"))),
        _ => Ok(()),
    }
}

fn check_log(r: &Reference, log: &LogRefs) -> Result<(), String> {
    for unit in [&log.created_by_unit_id, &log.updated_by_unit_id] {
        if r.unit(unit).is_none() {
            return Err(format!("unknown unit '{unit}'"));
        }
    }
    for user in [&log.created_by_user_id, &log.updated_by_user_id] {
        if r.user(user).is_none() {
            return Err(format!("unknown user '{user}'"));
        }
    }
    if log.updated_date < log.created_date {
        return Err("updated_date is before created_date".into());
    }
    Ok(())
}

/// An access token must point at existing entities and obey CRM.COM's rules.
pub(crate) fn check_token(r: &Reference, t: &AccessToken) -> Result<(), String> {
    let at = |p: String| format!("access token {}: {p}", t.id);
    check_log(r, &t.log_information).map_err(at)?;
    if let Some(ar) = &t.accounts_receivable_id {
        r.accounts_receivable(ar)
            .ok_or_else(|| at(format!("unknown accounts receivable '{ar}'")))?;
    }
    if let Some(rp) = &t.rewards_participant_id {
        let participant = r
            .rewards_participant(rp)
            .ok_or_else(|| at(format!("unknown rewards participant '{rp}'")))?;
        if let Some(ar) = &t.accounts_receivable_id {
            if &participant.accounts_receivable_id != ar {
                return Err(at(format!(
                    "rewards participant '{rp}' is not owned by '{ar}'"
                )));
            }
        }
    }
    if let Some(c) = &t.classification_id {
        r.classification(c)
            .ok_or_else(|| at(format!("unknown classification '{c}'")))?;
    }
    if let Some(u) = &t.verified_by_user_id {
        r.user(u).ok_or_else(|| at(format!("unknown user '{u}'")))?;
    }
    if t.identifier.is_some() && t.pass_code_hash.is_none() {
        return Err(at("an identifier needs a pass_code".into()));
    }
    if t.life_cycle_state
        == crate::domain::access_token::entity::LifeCycleState::PendingVerification
        && t.verification_code.is_none()
    {
        return Err(at(
            "a PENDING_VERIFICATION token needs a verification_code".into()
        ));
    }
    Ok(())
}

/// A fixture problem without the values it quotes: serde's messages name
/// the value they refused (``invalid type: integer `98765` ``), and a
/// fixture file holds passwords and pass codes, which no log or health
/// answer may show.
pub fn without_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        match (c, quoted) {
            ('`', false) => {
                quoted = true;
                out.push_str("`…");
            }
            ('`', true) => {
                quoted = false;
                out.push('`');
            }
            (_, true) => {}
            (c, false) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_problem_never_quotes_the_value_it_refused() {
        let shown = super::without_values(
            "users.json: invalid type: integer `98765`, expected a string at line 7 column 32",
        );
        assert!(!shown.contains("98765"), "{shown}");
        assert!(shown.contains("line 7 column 32"), "{shown}");
    }
}
