//! The fixture data every new tenant starts from: embedded in the binary,
//! overridable file by file with `--fixtures DIR`, and checked at start-up so
//! a broken file stops the emulator with a message naming it.

pub use crate::app::fixture_checks::FixtureError;
use crate::app::fixture_checks::{check_references, check_token, fail};
use crate::core::generator::Generator;
use crate::domain::access_token::entity::{AccessToken, AccessTokenFixture};
use crate::domain::access_token::store::AccessTokenStore;
use crate::domain::reference::Reference;
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
    "currencies.json",
    "wallets.json",
    "communications.json",
);

/// Whether a file of a `--fixtures` directory is meant as a fixture: a
/// `.json` file, not a hidden one (an editor's lock file `.#units.json`,
/// macOS's `._units.json` on a shared volume).
pub fn is_fixture_name(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.ends_with(".json") && !name.starts_with('.')
}

/// A `--fixtures` directory must exist, and every JSON file in it must be
/// one of `FILES`: a mistyped name would otherwise leave the embedded file
/// in use without a word.
fn check_directory(dir: &Path) -> Result<(), FixtureError> {
    let shown = dir.display().to_string();
    let entries = std::fs::read_dir(dir).map_err(|e| {
        fail(
            &shown,
            if dir.exists() {
                format!("cannot read the --fixtures directory: {e}")
            } else {
                "no such --fixtures directory".into()
            },
        )
    })?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_fixture_name(&entry.file_name()) && !FILES.iter().any(|(known, _)| *known == name) {
            return Err(fail(
                &entry.path().display().to_string(),
                format!(
                    "not a fixture file; the fixture files are {}",
                    FILES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// The loaded fixtures: shared reference data and the access tokens a new
/// tenant starts with.
#[derive(Debug)]
pub struct Fixtures {
    pub reference: Arc<Reference>,
    /// Shared by every tenant that starts from these fixtures until it
    /// changes a token.
    pub access_tokens: Arc<AccessTokenStore>,
}

impl Fixtures {
    /// Loads the embedded fixtures, or each file found in `dir` instead.
    pub fn load(dir: Option<&Path>, generator: &Generator) -> Result<Fixtures, FixtureError> {
        if let Some(dir) = dir {
            check_directory(dir)?;
        }
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
        // The embedded wallets and communications name the embedded accounts
        // and contacts: a directory that brings its own accounts (or
        // contacts) but not these files starts with none, rather than
        // failing on references it never made (a directory written before
        // these files existed keeps working).
        let read_beside = |name: &str, owners: &str| -> Result<(String, String), FixtureError> {
            let brought = |file: &str| dir.is_some_and(|d| d.join(file).exists());
            if brought(owners) && !brought(name) {
                return Ok((label(name), "[]".into()));
            }
            read(name)
        };
        fn parse<T: DeserializeOwned>(
            (file, text): (String, String),
        ) -> Result<(String, T), FixtureError> {
            // Editors on Windows save a byte-order mark; JSON parsers in
            // Java and .NET accept it, and so does this one.
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            serde_json::from_str(text)
                .map(|value| (file.clone(), value))
                .map_err(|e| fail(&file, e.to_string()))
        }

        let mut reference = Reference {
            embedded: Default::default(),
            replies: Default::default(),
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
            currencies: parse(read("currencies.json")?)?.1,
            wallets: parse(read_beside("wallets.json", "accounts_receivable.json")?)?.1,
            communications: parse(read_beside(
                "communications.json",
                "contact_information.json",
            )?)?
            .1,
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
            access_tokens: Arc::new(access_tokens),
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
    fn a_directory_of_its_own_accounts_needs_no_wallets_or_communications() {
        let dir = std::env::temp_dir().join(format!("crmcom-own-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let contact = r#"[{"id":"C1","type":"PERSON","life_cycle_state":"FINANCIAL","name":"A","title":null,"first_name":"A","middle_name":null,"last_name":null,"company_name":null,"demographics":null,"company_profile":null}]"#;
        let account = r#"[{"id":"A1","number":"ACR1","name":"A","life_cycle_state":"ACTIVE","account_owner_id":"C1"}]"#;
        std::fs::write(dir.join("contact_information.json"), contact).expect("write");
        std::fs::write(dir.join("accounts_receivable.json"), account).expect("write");
        for (name, text) in [
            ("rewards_participants.json", "[]"),
            ("access_tokens.json", "[]"),
        ] {
            std::fs::write(dir.join(name), text).expect("write");
        }
        let loaded = Fixtures::load(Some(&dir), &Generator::new(Some(1), "")).expect("loads");
        assert!(loaded.reference.wallets.is_empty());
        assert!(loaded.reference.communications.is_empty());
        assert_eq!(loaded.reference.accounts_receivable[0].kind, "CUSTOMER");
        std::fs::remove_dir_all(&dir).ok();
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
