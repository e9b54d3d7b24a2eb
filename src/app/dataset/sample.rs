//! What a generated account is made of: the word lists, the seeded picks,
//! and the makers of a person, a company and an access token.

use super::DEMO_PASS_CODE;
use crate::core::generator::Generator;
use crate::core::secret::PassCodeHash;
use crate::domain::access_token::entity::{AccessToken, LifeCycleState, Udfs};
use crate::domain::reference::{
    AccountsReceivable, CompanyProfile, Contact, DateOfBirth, Demographics, LogRefs, NameDay,
    RewardsParticipant,
};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use std::sync::Arc;

pub(super) const MALE: &[&str] = &[
    "James", "Andreas", "Lucas", "Noah", "Oliver", "Mateo", "Elias", "Nikos", "Daniel", "Samuel",
    "Leon", "Hugo", "Marco", "Thomas", "Liam", "Adam", "Felix", "Jonas", "Ethan", "David",
];
pub(super) const FEMALE: &[&str] = &[
    "Emma", "Sofia", "Maria", "Olivia", "Eleni", "Mia", "Chloe", "Anna", "Laura", "Clara",
    "Isabella", "Zoe", "Hannah", "Lea", "Julia", "Amelia", "Nora", "Alice", "Elena", "Grace",
];
pub(super) const LAST: &[&str] = &[
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
pub(super) const COMPANY_FIRST: &[&str] = &[
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
pub(super) const COMPANY_SECOND: &[&str] = &[
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
pub(super) const COMPANY_SUFFIX: &[&str] = &["Ltd", "LLC", "GmbH", "S.A.", "Inc.", "B.V."];
pub(super) const TIERS: &[&str] = &["Bronze", "Silver", "Gold", "Platinum"];

/// Countries the generated owners live in, besides the fixtures' four.
pub(super) const COUNTRIES: &[(&str, &str, &str, &str)] = &[
    ("201", "UNITED KINGDOM", "GB", "GBR"),
    ("202", "GERMANY", "DE", "DEU"),
    ("203", "FRANCE", "FR", "FRA"),
    ("204", "GREECE", "GR", "GRC"),
    ("205", "ITALY", "IT", "ITA"),
    ("206", "SPAIN", "ES", "ESP"),
    ("207", "NETHERLANDS", "NL", "NLD"),
    ("208", "SWEDEN", "SE", "SWE"),
];
pub(super) const INDUSTRIES: &[(&str, &str)] = &[
    ("Retail", "RT"),
    ("Hospitality", "HS"),
    ("Health and Fitness", "HF"),
    ("Travel", "TR"),
];

/// Random choices, each from the dataset's own generator.
pub(super) struct Pick<'g>(pub(super) &'g Generator);

impl Pick<'_> {
    pub(super) fn index(&self, len: usize) -> usize {
        usize::try_from(self.0.between(0, len.saturating_sub(1) as u64)).unwrap_or(0)
    }

    pub(super) fn one<'a, T>(&self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// True `percent` times in a hundred.
    pub(super) fn chance(&self, percent: u64) -> bool {
        self.0.between(0, 99) < percent
    }

    pub(super) fn between(&self, min: u64, max: u64) -> u64 {
        self.0.between(min, max)
    }

    /// A time in the three years before the dataset's "today".
    pub(super) fn recent(&self) -> NaiveDateTime {
        let start = NaiveDate::from_ymd_opt(2023, 1, 1)
            .and_then(|d| d.and_hms_opt(8, 0, 0))
            .unwrap_or_default();
        let seconds = i64::try_from(self.between(0, 3 * 365 * 86_400)).unwrap_or(0);
        start + Duration::seconds(seconds)
    }
}

/// Lower-case ASCII for an e-mail address: letters and digits kept,
/// accented letters reduced, the rest dropped.
pub(super) fn mailbox(text: &str) -> String {
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

pub(super) fn person(generator: &Generator, pick: &Pick<'_>, countries: &[String]) -> Contact {
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
        ..Contact::default()
    }
}

pub(super) fn company(
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
        ..Contact::default()
    }
}

/// Whom a generated token belongs to.
pub(super) struct Owner<'a> {
    pub(super) accounts_receivable: &'a AccountsReceivable,
    pub(super) participant: Option<&'a RewardsParticipant>,
    /// The owner's name as an e-mail mailbox.
    pub(super) mailbox: &'a str,
}

pub(super) fn token(
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
