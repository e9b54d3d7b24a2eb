//! The fixture data every new tenant starts from: embedded in the binary,
//! overridable file by file with `--fixtures DIR`, and checked at start-up so
//! a broken file stops the emulator with a message naming it.

use crate::core::generator::Generator;
use crate::domain::access_token::entity::{AccessToken, AccessTokenFixture};
use crate::domain::access_token::store::AccessTokenStore;
use crate::domain::reference::{LogRefs, Reference};
use serde::de::DeserializeOwned;
use std::path::Path;
use std::sync::Arc;

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../fixtures/", $name)))),*]
    };
}

/// Every fixture file, by name, with its embedded content.
pub const FILES: &[(&str, &str)] = embedded!(
    "units.json",
    "users.json",
    "web_api_keys.json",
    "consumer_application_keys.json",
    "countries.json",
    "industries.json",
    "contact_information.json",
    "accounts_receivable.json",
    "rewards_participants.json",
    "access_token_classifications.json",
    "access_token_definition.json",
    "access_tokens.json",
);

/// A fixture problem: the file and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureError {
    pub file: String,
    pub problem: String,
}

impl std::fmt::Display for FixtureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "fixture {}: {}", self.file, self.problem)
    }
}

impl std::error::Error for FixtureError {}

fn fail(file: &str, problem: impl Into<String>) -> FixtureError {
    FixtureError {
        file: file.to_string(),
        problem: problem.into(),
    }
}

/// The loaded fixtures: shared reference data and the access tokens a new
/// tenant starts with.
#[derive(Debug)]
pub struct Fixtures {
    pub reference: Arc<Reference>,
    pub access_tokens: AccessTokenStore,
}

impl Fixtures {
    /// Loads the embedded fixtures, or each file found in `dir` instead.
    pub fn load(dir: Option<&Path>, generator: &Generator) -> Result<Fixtures, FixtureError> {
        // Problems name the file a user can open: the override, or the
        // embedded file's place in the repository.
        let label = |name: &str| match dir.map(|d| d.join(name)) {
            Some(path) if path.exists() => path.display().to_string(),
            _ => format!("fixtures/{name}"),
        };
        let read = |name: &str| -> Result<(String, String), FixtureError> {
            let file = label(name);
            match dir.map(|d| d.join(name)).filter(|p| p.exists()) {
                Some(path) => match std::fs::read_to_string(&path) {
                    Ok(text) => Ok((file, text)),
                    Err(e) => Err(fail(&file, e.to_string())),
                },
                None => {
                    let embedded = FILES.iter().find(|(n, _)| *n == name);
                    Ok((
                        file,
                        embedded.map(|(_, c)| c.to_string()).unwrap_or_default(),
                    ))
                }
            }
        };
        fn parse<T: DeserializeOwned>(
            (file, text): (String, String),
        ) -> Result<(String, T), FixtureError> {
            serde_json::from_str(&text)
                .map(|value| (file.clone(), value))
                .map_err(|e| fail(&file, e.to_string()))
        }

        let mut reference = Reference {
            embedded: Default::default(),
            units: parse(read("units.json")?)?.1,
            users: parse(read("users.json")?)?.1,
            web_api_keys: parse(read("web_api_keys.json")?)?.1,
            consumer_application_keys: parse(read("consumer_application_keys.json")?)?.1,
            countries: parse(read("countries.json")?)?.1,
            industries: parse(read("industries.json")?)?.1,
            contacts: parse(read("contact_information.json")?)?.1,
            accounts_receivable: parse(read("accounts_receivable.json")?)?.1,
            rewards_participants: parse(read("rewards_participants.json")?)?.1,
            classifications: parse(read("access_token_classifications.json")?)?.1,
            definition: Some(parse(read("access_token_definition.json")?)?.1),
            ..Reference::default()
        };
        reference
            .index()
            .map_err(|(kind, problem)| fail(&label(kind.fixture_file()), problem))?;
        check_references(&reference).map_err(|e| fail(&label(&e.file), e.problem))?;

        let (tokens_file, tokens): (String, Vec<AccessTokenFixture>) =
            parse(read("access_tokens.json")?)?;
        let tokens = tokens.into_iter().map(|t| t.into_token(generator.bytes()));
        let access_tokens = token_store(&reference, tokens).map_err(|p| fail(&tokens_file, p))?;
        Ok(Fixtures {
            reference: Arc::new(reference),
            access_tokens,
        })
    }
}

/// A reference built from `data` and the logins of `logins`, indexed and
/// checked as the fixtures are (an imported tenant state).
pub fn assemble_reference(
    data: crate::domain::reference::ReferenceData,
    logins: &Reference,
) -> Result<Reference, FixtureError> {
    let mut reference = Reference::with_logins(data, logins);
    reference
        .index()
        .map_err(|(kind, problem)| fail(kind.fixture_file(), problem))?;
    check_references(&reference)?;
    Ok(reference)
}

/// A store of `tokens`, each checked against `reference`; the problem names
/// the token at fault.
pub fn token_store(
    reference: &Reference,
    tokens: impl IntoIterator<Item = AccessToken>,
) -> Result<AccessTokenStore, String> {
    let mut store = AccessTokenStore::default();
    for token in tokens {
        check_token(reference, &token)?;
        let id = token.id.clone();
        store
            .insert(token)
            .map_err(|e| format!("access token {id}: {}", e.description()))?;
    }
    Ok(store)
}

fn missing(file: &str, what: &str, owner: &str, id: &str) -> FixtureError {
    fail(
        file,
        format!("{owner} refers to {what} '{id}', which does not exist"),
    )
}

/// Every id a reference entity mentions must exist.
fn check_references(r: &Reference) -> Result<(), FixtureError> {
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
    for a in &r.accounts_receivable {
        if r.contact(&a.account_owner_id).is_none() {
            return Err(missing(
                "accounts_receivable.json",
                "contact",
                &a.id,
                &a.account_owner_id,
            ));
        }
    }
    for p in &r.rewards_participants {
        if r.accounts_receivable(&p.accounts_receivable_id).is_none() {
            return Err(missing(
                "rewards_participants.json",
                "accounts receivable",
                &p.id,
                &p.accounts_receivable_id,
            ));
        }
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
fn check_token(r: &Reference, t: &AccessToken) -> Result<(), String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_fixtures_load() {
        let f = Fixtures::load(None, &Generator::new(Some(1), "")).expect("fixtures");
        assert!(f.access_tokens.len() >= 11);
        assert!(f.access_tokens.by_authentication_code("7").is_some());
    }

    #[test]
    fn a_broken_file_is_named_with_its_problem() {
        let dir = std::env::temp_dir().join(format!("crmcom-fixtures-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(
            dir.join("rewards_participants.json"),
            r#"[{"id":"X","number":"1","accounts_receivable_id":"NOPE"}]"#,
        )
        .expect("write");
        let err = Fixtures::load(Some(&dir), &Generator::new(None, "")).expect_err("must fail");
        assert!(err.file.ends_with("rewards_participants.json"), "{err}");
        assert!(
            err.file.starts_with(dir.to_str().unwrap_or_default()),
            "{err}"
        );
        assert!(err.problem.contains("NOPE"), "{err}");
        std::fs::write(dir.join("rewards_participants.json"), "[{").expect("write");
        let err = Fixtures::load(Some(&dir), &Generator::new(None, "")).expect_err("must fail");
        assert!(err.file.ends_with("rewards_participants.json"), "{err}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
