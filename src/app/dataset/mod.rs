//! Sample-account datasets for demos (`--dataset small|large`, or per
//! organisation through the admin API): the documented fixtures plus
//! generated, believable accounts receivable with person and company
//! owners, rewards participants, and one to three access tokens each across
//! every life-cycle state and classification. The same seed gives the same
//! data; the result passes the same checks as the fixtures and an import.

use crate::api::consumer::messages::verification_sent;
use crate::app::fixtures::{assemble_reference, token_store, Fixtures};
pub use crate::core::config::Dataset;
use crate::core::generator::Generator;
use crate::domain::access_token::entity::AccessToken;
use crate::domain::reference::{
    AccountsReceivable, Communication, Country, Industry, ReferenceData, RewardsParticipant,
};
use std::collections::HashMap;
use std::sync::Arc;

mod consumer_extras;
mod sample;
use consumer_extras::Extras;
use sample::*;

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

    let currency = data
        .currencies
        .first()
        .map(|c| c.id.clone())
        .ok_or("the fixtures have no currency for the wallets")?;
    let extras_generator = Generator::new(Some(seed), &format!("extras:{}", dataset.name()));
    let extras = Extras::new(&extras_generator);

    let mut tokens: Vec<AccessToken> = fixtures.access_tokens.iter().cloned().collect();
    let mut serial = 0u64;
    for n in 0..accounts(dataset) {
        let mut contact = if pick.chance(70) {
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
        let mut ar = AccountsReceivable::customer(
            generator.hex32(),
            format!("ACR{:06}", 5000 + n),
            display.clone(),
            state,
            contact.id.clone(),
        );
        let mut participant = pick.chance(65).then(|| {
            RewardsParticipant::effective(
                generator.hex32(),
                (20_000 + n).to_string(),
                ar.id.clone(),
            )
        });
        extras.reach(&mut contact, &mailbox(&display), n);
        extras.money(&mut ar);
        if let Some(participant) = participant.as_mut() {
            extras.sign_up(participant, &unit);
        }
        data.wallets.push(extras.wallet(&ar, &currency, n));
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
    let generated = &tokens[fixtures.access_tokens.len()..];
    let scope = format!("dataset:{}:{seed}", dataset.name());
    let sent = verification_messages(fixtures, &data, generated, &scope)?;
    data.communications.extend(sent);
    let reference = assemble_reference(data, &fixtures.reference).map_err(|e| e.to_string())?;
    let access_tokens = token_store(&reference, tokens)?;
    Ok(Fixtures {
        reference: Arc::new(reference),
        access_tokens: Arc::new(access_tokens),
    })
}

/// The verification message each pending generated token was sent,
/// numbered after the fixtures' communications (`scope` names the dataset
/// in their ids). Needs the accounts indexed to find each token's contact.
fn verification_messages(
    fixtures: &Fixtures,
    data: &ReferenceData,
    generated: &[AccessToken],
    scope: &str,
) -> Result<Vec<Communication>, String> {
    let indexed =
        assemble_reference(data.clone(), &fixtures.reference).map_err(|e| e.to_string())?;
    let mut next = indexed
        .communications
        .iter()
        .filter_map(|c| c.number.trim_start_matches("CM").parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    let mut sent = Vec::new();
    for token in generated {
        let number = format!("CM{:06}", next + 1);
        if let Some(message) = verification_sent(&indexed, token, scope, number) {
            next += 1;
            sent.push(message);
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::state::AppState;
    use crate::core::config::Config;
    use crate::domain::access_token::entity::LifeCycleState;

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
            let made = build(&state.fixtures(), Dataset::Small, seed).expect("dataset");
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
        let made = build(&state.fixtures(), Dataset::Small, 1).expect("dataset");
        let reference = &made.reference;
        let generated = reference.accounts_receivable.len()
            - state.fixtures().reference.accounts_receivable.len();
        assert_eq!(generated, 50);
        // Each generated account has one wallet with a believable balance,
        // cancelled with a terminated account; contacts' e-mails differ.
        for ar in &reference.accounts_receivable[reference.accounts_receivable.len() - 50..] {
            let wallets: Vec<_> = reference
                .wallets
                .iter()
                .filter(|w| w.accounts_receivable_id == ar.id)
                .collect();
            assert_eq!(wallets.len(), 1, "{}", ar.number);
            assert!((0.0..=480.0).contains(&wallets[0].balance), "{}", ar.number);
            let cancelled = wallets[0].life_cycle_state == "CANCELLED";
            assert_eq!(
                cancelled,
                ar.life_cycle_state == "TERMINATED",
                "{}",
                ar.number
            );
        }
        let mut emails: Vec<&str> = reference
            .contacts
            .iter()
            .flat_map(|c| c.emails.iter().map(|e| e.email_address.as_str()))
            .collect();
        let count = emails.len();
        emails.sort_unstable();
        emails.dedup();
        assert_eq!(emails.len(), count, "two contacts share an e-mail");
        // Each pending token came with its verification message.
        let pending = made
            .access_tokens
            .iter()
            .filter(|t| t.verification_code.is_some())
            .count();
        let sent = reference.communications.len() - state.fixtures().reference.communications.len();
        assert!(sent > 0 && sent <= pending, "{sent} of {pending}");
        for c in &reference.communications[1..] {
            assert!(made.access_tokens.iter().any(|t| t
                .verification_code
                .as_deref()
                .is_some_and(|code| c.content.as_deref().unwrap_or_default().contains(code))));
        }
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
