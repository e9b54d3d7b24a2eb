//! Sample-account datasets for demos (`--dataset small|large`, or per
//! organisation through the admin API): the documented fixtures plus
//! generated, believable accounts receivable with person and company
//! owners, rewards participants, and one to three access tokens each across
//! every life-cycle state and classification. The same seed gives the same
//! data; the result passes the same checks as the fixtures and an import.

use crate::app::fixtures::{assemble_reference, token_store, Fixtures};
pub use crate::core::config::Dataset;
use crate::core::generator::Generator;
use crate::core::secret::PassCodeHash;
use crate::domain::access_token::entity::{AccessToken, LifeCycleState, Udfs};
use crate::domain::reference::{
    AccountsReceivable, CompanyProfile, Contact, Country, DateOfBirth, Demographics, Industry,
    LogRefs, NameDay, ReferenceData, RewardsParticipant,
};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use std::collections::HashMap;
use std::sync::Arc;

/// The pass code of every generated access token, so a demo can log in as
/// one of them (documented; the fixtures' tokens keep theirs).
pub const DEMO_PASS_CODE: &str = "demo1234";

/// How many accounts receivable a dataset has.
fn accounts(dataset: Dataset) -> usize {
    match dataset {
        Dataset::Small => 50,
        Dataset::Large => 10_000,
    }
}

/// Datasets already made, by name and seed: tenants seeded alike share one.
#[derive(Debug, Default)]
pub struct Made {
    made: parking_lot::Mutex<HashMap<(Dataset, u64), Arc<Fixtures>>>,
}

impl Made {
    /// The dataset on top of `fixtures`, made and passed through `check`
    /// on first use.
    pub fn get(
        &self,
        fixtures: &Fixtures,
        dataset: Dataset,
        seed: u64,
        check: impl FnOnce(&Fixtures) -> Result<(), String>,
    ) -> Result<Arc<Fixtures>, String> {
        if let Some(made) = self.made.lock().get(&(dataset, seed)) {
            return Ok(made.clone());
        }
        // Made outside the lock: a large one takes a while.
        let made = build(fixtures, dataset, seed)?;
        check(&made)?;
        Ok(self
            .made
            .lock()
            .entry((dataset, seed))
            .or_insert_with(|| Arc::new(made))
            .clone())
    }
}

const MALE: &[&str] = &[
    "James", "Andreas", "Lucas", "Noah", "Oliver", "Mateo", "Elias", "Nikos", "Daniel", "Samuel",
    "Leon", "Hugo", "Marco", "Thomas", "Liam", "Adam", "Felix", "Jonas", "Ethan", "David",
];
const FEMALE: &[&str] = &[
    "Emma", "Sofia", "Maria", "Olivia", "Eleni", "Mia", "Chloe", "Anna", "Laura", "Clara",
    "Isabella", "Zoe", "Hannah", "Lea", "Julia", "Amelia", "Nora", "Alice", "Elena", "Grace",
];
const LAST: &[&str] = &[
    "Smith",
    "Papadopoulos",
    "Müller",
    "Rossi",
    "García",
    "Martin",
    "Johnson",
    "Georgiou",
    "Schmidt",
    "Bianchi",
    "López",
    "Bernard",
    "Brown",
    "Nikolaou",
    "Fischer",
    "Romano",
    "Fernández",
    "Dubois",
    "Taylor",
    "Constantinou",
    "Weber",
    "Ricci",
    "Jansen",
    "Andersson",
    "Wilson",
    "Ioannou",
    "Wagner",
    "Moreau",
    "de Vries",
    "Lindqvist",
];
const COMPANY_FIRST: &[&str] = &[
    "Blue Harbour",
    "Northwind",
    "Olive Grove",
    "Silverline",
    "Red Cedar",
    "Brightpath",
    "Aegean",
    "Summit",
    "Golden Field",
    "Evergreen",
    "Urban Bean",
    "Harbour Light",
    "Stonebridge",
    "Sunrise",
    "Meridian",
];
const COMPANY_SECOND: &[&str] = &[
    "Coffee",
    "Bakery",
    "Outfitters",
    "Pharmacy",
    "Fitness",
    "Books",
    "Market",
    "Travel",
    "Electronics",
    "Garden Centre",
    "Cinemas",
    "Florists",
];
const COMPANY_SUFFIX: &[&str] = &["Ltd", "LLC", "GmbH", "S.A.", "Inc.", "B.V."];
const TIERS: &[&str] = &["Bronze", "Silver", "Gold", "Platinum"];

/// Countries the generated owners live in, besides the fixtures' four.
const COUNTRIES: &[(&str, &str, &str, &str)] = &[
    ("201", "UNITED KINGDOM", "GB", "GBR"),
    ("202", "GERMANY", "DE", "DEU"),
    ("203", "FRANCE", "FR", "FRA"),
    ("204", "GREECE", "GR", "GRC"),
    ("205", "ITALY", "IT", "ITA"),
    ("206", "SPAIN", "ES", "ESP"),
    ("207", "NETHERLANDS", "NL", "NLD"),
    ("208", "SWEDEN", "SE", "SWE"),
];
const INDUSTRIES: &[(&str, &str)] = &[
    ("Retail", "RT"),
    ("Hospitality", "HS"),
    ("Health and Fitness", "HF"),
    ("Travel", "TR"),
];

/// Random choices, each from the dataset's own generator.
struct Pick<'g>(&'g Generator);

impl Pick<'_> {
    fn index(&self, len: usize) -> usize {
        usize::try_from(self.0.between(0, len.saturating_sub(1) as u64)).unwrap_or(0)
    }

    fn one<'a, T>(&self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// True `percent` times in a hundred.
    fn chance(&self, percent: u64) -> bool {
        self.0.between(0, 99) < percent
    }

    fn between(&self, min: u64, max: u64) -> u64 {
        self.0.between(min, max)
    }

    /// A time in the three years before the dataset's "today".
    fn recent(&self) -> NaiveDateTime {
        let start = NaiveDate::from_ymd_opt(2023, 1, 1)
            .and_then(|d| d.and_hms_opt(8, 0, 0))
            .unwrap_or_default();
        let seconds = i64::try_from(self.between(0, 3 * 365 * 86_400)).unwrap_or(0);
        start + Duration::seconds(seconds)
    }
}

/// Lower-case ASCII for an e-mail address: letters and digits kept,
/// accented letters reduced, the rest dropped.
fn mailbox(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            'á' => Some('a'),
            'é' => Some('e'),
            'í' => Some('i'),
            'ó' => Some('o'),
            'ü' => Some('u'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// The fixtures plus the generated accounts of `dataset`.
pub fn build(fixtures: &Fixtures, dataset: Dataset, seed: u64) -> Result<Fixtures, String> {
    let generator = Generator::new(Some(seed), &format!("dataset:{}", dataset.name()));
    let pick = Pick(&generator);
    let mut data: ReferenceData = fixtures.reference.data();
    for (id, name, two, three) in COUNTRIES {
        data.countries.push(Country {
            id: (*id).into(),
            name: (*name).into(),
            two_character_code: (*two).into(),
            three_character_code: (*three).into(),
            alternative_code: None,
        });
    }
    for (name, code) in INDUSTRIES {
        data.industries.push(Industry {
            id: generator.hex32(),
            name: (*name).into(),
            code: Some((*code).into()),
        });
    }
    let countries: Vec<String> = data.countries.iter().map(|c| c.id.clone()).collect();
    let industries: Vec<String> = data.industries.iter().map(|i| i.id.clone()).collect();
    let classifications: Vec<String> = data.classifications.iter().map(|c| c.id.clone()).collect();
    let users: Vec<String> = fixtures
        .reference
        .users
        .iter()
        .map(|u| u.id.clone())
        .collect();
    let unit: Arc<str> = fixtures
        .reference
        .units
        .first()
        .map(|u| Arc::from(u.id.as_str()))
        .ok_or("the fixtures have no unit")?;

    let mut tokens: Vec<AccessToken> = fixtures.access_tokens.iter().cloned().collect();
    let mut serial = 0u64;
    for n in 0..accounts(dataset) {
        let contact = if pick.chance(70) {
            person(&generator, &pick, &countries)
        } else {
            company(&generator, &pick, &countries, &industries)
        };
        let display = contact
            .name
            .clone()
            .or_else(|| contact.company_name.clone())
            .unwrap_or_default();
        let state = match pick.between(0, 99) {
            0..=89 => "ACTIVE",
            90..=94 => "SUSPENDED",
            _ => "TERMINATED",
        };
        let ar = AccountsReceivable {
            id: generator.hex32(),
            number: format!("ACR{:06}", 5000 + n),
            name: display.clone(),
            life_cycle_state: state.into(),
            account_owner_id: contact.id.clone(),
        };
        let participant = pick.chance(65).then(|| RewardsParticipant {
            id: generator.hex32(),
            number: (20_000 + n).to_string(),
            accounts_receivable_id: ar.id.clone(),
        });
        for _ in 0..pick.between(1, 3) {
            serial += 1;
            let owner = Owner {
                accounts_receivable: &ar,
                participant: participant.as_ref(),
                mailbox: &mailbox(&display),
            };
            tokens.push(token(
                &generator,
                &pick,
                &owner,
                serial,
                &classifications,
                &users,
                &unit,
            ));
        }
        data.contacts.push(contact);
        data.accounts_receivable.push(ar);
        data.rewards_participants.extend(participant);
    }
    let reference = assemble_reference(data, &fixtures.reference).map_err(|e| e.to_string())?;
    let access_tokens = token_store(&reference, tokens)?;
    Ok(Fixtures {
        reference: Arc::new(reference),
        access_tokens,
    })
}

fn person(generator: &Generator, pick: &Pick<'_>, countries: &[String]) -> Contact {
    let female = pick.chance(50);
    let first = *pick.one(if female { FEMALE } else { MALE });
    let last = *pick.one(LAST);
    let born = pick.between(1950, 2004);
    Contact {
        id: generator.hex32(),
        kind: "PERSON".into(),
        life_cycle_state: if pick.chance(85) {
            "FINANCIAL"
        } else {
            "MARKETING"
        }
        .into(),
        name: Some(format!("{first} {last}")),
        title: Some(if female { "Ms" } else { "Mr" }.into()),
        first_name: Some(first.into()),
        middle_name: None,
        last_name: Some(last.into()),
        company_name: None,
        demographics: Some(Demographics {
            gender: Some(if female { "FEMALE" } else { "MALE" }.into()),
            passport_issued_by_country: None,
            social_security_number: None,
            passport_number: None,
            industry_sector: None,
            country_of_residence: Some(pick.one(countries).clone()),
            name_day: NameDay {
                month: None,
                day: None,
            },
            date_of_birth: DateOfBirth {
                month: u8::try_from(pick.between(1, 12)).ok(),
                day: u8::try_from(pick.between(1, 28)).ok(),
                year: u16::try_from(born).ok(),
            },
            id_number: Some(generator.digits(8)),
            industry: None,
            id_issued_by_country: None,
        }),
        company_profile: None,
    }
}

fn company(
    generator: &Generator,
    pick: &Pick<'_>,
    countries: &[String],
    industries: &[String],
) -> Contact {
    let name = format!(
        "{} {} {}",
        pick.one(COMPANY_FIRST),
        pick.one(COMPANY_SECOND),
        pick.one(COMPANY_SUFFIX)
    );
    let year = pick.between(1985, 2022);
    let established = NaiveDate::from_ymd_opt(
        i32::try_from(year).unwrap_or(2000),
        u32::try_from(pick.between(1, 12)).unwrap_or(1),
        u32::try_from(pick.between(1, 28)).unwrap_or(1),
    )
    .and_then(|d| d.and_hms_opt(0, 0, 0));
    Contact {
        id: generator.hex32(),
        kind: "COMPANY".into(),
        life_cycle_state: "FINANCIAL".into(),
        name: None,
        title: None,
        first_name: None,
        middle_name: None,
        last_name: None,
        company_name: Some(name),
        demographics: None,
        company_profile: Some(CompanyProfile {
            annual_turnover: None,
            tax_reference_number: None,
            profile_year: i32::try_from(year).ok(),
            number_of_employees: i64::try_from(pick.between(3, 2500)).ok(),
            established_date: established,
            industry_sector: None,
            vat_registration_number: Some(generator.digits(8)),
            registered_in_country: Some(pick.one(countries).clone()),
            vat_registered_by: None,
            vat_registration_date: None,
            industry: Some(pick.one(industries).clone()),
            registration_number: Some(generator.digits(9)),
        }),
    }
}

/// Whom a generated token belongs to.
struct Owner<'a> {
    accounts_receivable: &'a AccountsReceivable,
    participant: Option<&'a RewardsParticipant>,
    /// The owner's name as an e-mail mailbox.
    mailbox: &'a str,
}

fn token(
    generator: &Generator,
    pick: &Pick<'_>,
    owner: &Owner<'_>,
    serial: u64,
    classifications: &[String],
    users: &[String],
    unit: &Arc<str>,
) -> AccessToken {
    let created = pick.recent();
    let updated = created + Duration::days(i64::try_from(pick.between(0, 60)).unwrap_or(0));
    let user: Arc<str> = Arc::from(pick.one(users).as_str());
    let state = match pick.between(0, 99) {
        0..=69 => LifeCycleState::Effective,
        70..=84 => LifeCycleState::NotEffective,
        _ => LifeCycleState::PendingVerification,
    };
    let pending = state == LifeCycleState::PendingVerification;
    let verified = state == LifeCycleState::Effective && pick.chance(50);
    // Through the participant only, now and then, as CRM.COM allows.
    let by_participant_only = owner.participant.is_some() && pick.chance(25);
    let mut udf = Udfs::default();
    if pick.chance(40) {
        udf.udf_string_1 = Some((*pick.one(TIERS)).into());
    }
    AccessToken {
        id: generator.hex32(),
        number: format!("ACT{:010}", 100_000 + serial),
        life_cycle_state: state,
        authentication_code: generator.hex32(),
        identifier: Some(format!("{}{serial}@example.com", owner.mailbox)),
        pass_code_hash: Some(PassCodeHash::new(DEMO_PASS_CODE, generator.bytes())),
        verification_code: pending.then(|| generator.digits(6)),
        verified_date: verified.then(|| created + Duration::hours(2)),
        verified_by_user_id: verified.then(|| "1".to_string()),
        accounts_receivable_id: (!by_participant_only)
            .then(|| owner.accounts_receivable.id.clone()),
        rewards_participant_id: owner.participant.map(|p| p.id.clone()),
        classification_id: (!classifications.is_empty() && pick.chance(70))
            .then(|| pick.one(classifications).clone()),
        udf: udf.into(),
        one_time_password: None,
        cached: Default::default(),
        log_information: LogRefs {
            created_date: created,
            updated_date: updated,
            created_by_unit_id: unit.clone(),
            updated_by_unit_id: unit.clone(),
            created_by_user_id: user.clone(),
            updated_by_user_id: user,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::state::AppState;
    use crate::core::config::Config;

    #[test]
    fn every_accented_surname_keeps_its_letters_in_a_mailbox() {
        for last in LAST {
            let letters = last.chars().filter(|c| c.is_alphabetic()).count();
            assert_eq!(mailbox(last).len(), letters, "{last}");
        }
        assert_eq!(mailbox("Fernández de Vries"), "fernandezdevries");
    }

    #[test]
    fn a_seed_gives_the_same_dataset_and_another_seed_another() {
        let state = AppState::new(Config::default()).expect("state");
        let numbers = |seed| {
            let made = build(&state.fixtures, Dataset::Small, seed).expect("dataset");
            made.access_tokens
                .iter()
                .map(|t| (t.number.clone(), t.authentication_code.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(numbers(7), numbers(7));
        assert_ne!(numbers(7), numbers(8));
    }

    #[test]
    fn the_small_dataset_is_believable_and_passes_the_schemas() {
        let state = AppState::new(Config::default()).expect("state");
        let made = build(&state.fixtures, Dataset::Small, 1).expect("dataset");
        let reference = &made.reference;
        let generated = reference.accounts_receivable.len()
            - state.fixtures.reference.accounts_receivable.len();
        assert_eq!(generated, 50);
        let tokens: Vec<&AccessToken> = made.access_tokens.iter().collect();
        for state_seen in [
            LifeCycleState::Effective,
            LifeCycleState::NotEffective,
            LifeCycleState::PendingVerification,
        ] {
            assert!(tokens.iter().any(|t| t.life_cycle_state == state_seen));
        }
        for c in &reference.classifications {
            assert!(tokens
                .iter()
                .any(|t| t.classification_id.as_deref() == Some(&c.id)));
        }
        let kinds: Vec<&str> = reference.contacts.iter().map(|c| c.kind.as_str()).collect();
        assert!(kinds.contains(&"PERSON") && kinds.contains(&"COMPANY"));
        // Every generated account has one to three tokens.
        for ar in &reference.accounts_receivable[reference.accounts_receivable.len() - 50..] {
            let participants: Vec<&str> = reference
                .participants_of(&ar.id)
                .map(|p| p.id.as_str())
                .collect();
            let count = made
                .access_tokens
                .of_accounts_receivable(&ar.id, participants.into_iter())
                .len();
            assert!((1..=3).contains(&count), "{} has {count}", ar.number);
        }
        state
            .check_against_schemas(reference, &made.access_tokens)
            .expect("schema-valid");
    }
}
