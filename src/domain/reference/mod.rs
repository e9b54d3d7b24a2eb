//! A tenant's reference data: the entities access tokens point at (see
//! `entities`), indexed for lookups by every identifier field CRM.COM
//! accepts. How each renders inside a reply is the API layer's
//! (`api::reference_json`).

mod consumer;
mod entities;

pub use consumer::*;
pub use entities::*;

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

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
    #[serde(default)]
    pub currencies: Vec<Currency>,
    #[serde(default)]
    pub wallets: Vec<Wallet>,
    /// The communications the organisation starts with (the documented
    /// example); those sent later are the tenant's (`Tenant::outbox`).
    #[serde(default)]
    pub communications: Vec<Communication>,
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
    pub currencies: Vec<Currency>,
    pub wallets: Vec<Wallet>,
    pub communications: Vec<Communication>,
    pub(crate) index: HashMap<(Kind, &'static str, String), usize>,
    /// The later holders of a key that need not be unique (a name shared
    /// by two accounts), after the first in `index`.
    pub(crate) more: HashMap<(Kind, &'static str, String), Vec<usize>>,
    /// The API layer's serialised embedded objects of token replies, made
    /// once per reference (see `api::access_tokens::reply`).
    pub(crate) embedded: crate::core::slot::Slot,
    /// The API layer's kept replies of the consumer read methods (see
    /// `api::consumer::kept`).
    pub(crate) replies: crate::core::slot::Slot,
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
    Currency,
    Wallet,
    Communication,
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
            Kind::Currency => "currencies.json",
            Kind::Wallet => "wallets.json",
            Kind::Communication => "communications.json",
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
            currencies: self.currencies.clone(),
            wallets: self.wallets.clone(),
            communications: self.communications.clone(),
        }
    }

    /// `data` with the users and keys of `logins`; not yet indexed.
    pub fn with_logins(data: ReferenceData, logins: &Reference) -> Reference {
        Reference {
            embedded: Default::default(),
            replies: Default::default(),
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
            currencies: data.currencies,
            wallets: data.wallets,
            communications: data.communications,
            index: HashMap::new(),
            more: HashMap::new(),
        }
    }

    /// Builds the lookup index; returns the first duplicate key found, with
    /// its kind. Names need not be unique in CRM.COM: the first one wins.
    pub fn index(&mut self) -> Result<(), (Kind, String)> {
        type Key = (Kind, &'static str, String);
        struct Index {
            first: HashMap<Key, usize>,
            more: HashMap<Key, Vec<usize>>,
        }
        fn add(
            index: &mut Index,
            key: (Kind, &'static str, &str),
            pos: usize,
            unique: bool,
        ) -> Result<(), (Kind, String)> {
            let (kind, field, value) = key;
            let key = (kind, field, value.to_string());
            match index.first.entry(key) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(pos);
                    Ok(())
                }
                std::collections::hash_map::Entry::Occupied(_) if unique => {
                    Err((kind, format!("{field} '{value}' appears twice")))
                }
                std::collections::hash_map::Entry::Occupied(o) => {
                    let key = o.key().clone();
                    index.more.entry(key).or_default().push(pos);
                    Ok(())
                }
            }
        }
        let mut index = Index {
            first: HashMap::new(),
            more: HashMap::new(),
        };
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
            if let Some(number) = &e.number {
                add(i, (Kind::Contact, "number", number), n, true)?;
            }
            if let Some(name) = &e.name {
                add(i, (Kind::Contact, "name", name), n, false)?;
            }
            // The identity numbers CRM.COM's contact identifier accepts.
            let mut numbers: Vec<(&'static str, &Option<String>)> = Vec::new();
            if let Some(d) = &e.demographics {
                numbers.push(("id_number", &d.id_number));
                numbers.push(("passport_number", &d.passport_number));
                numbers.push(("social_security_number", &d.social_security_number));
            }
            if let Some(p) = &e.company_profile {
                numbers.push(("vat_registration_number", &p.vat_registration_number));
                numbers.push(("registration_number", &p.registration_number));
            }
            for (field, value) in numbers {
                if let Some(value) = value {
                    add(i, (Kind::Contact, field, value), n, false)?;
                }
            }
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
        for (n, e) in self.currencies.iter().enumerate() {
            add(i, (Kind::Currency, "id", &e.id), n, true)?;
        }
        for (n, e) in self.wallets.iter().enumerate() {
            add(i, (Kind::Wallet, "id", &e.id), n, true)?;
            add(i, (Kind::Wallet, "number", &e.number), n, true)?;
            // An accounts receivable's effective wallet: its first one.
            let owner = &e.accounts_receivable_id;
            if e.life_cycle_state == "EFFECTIVE" {
                add(i, (Kind::Wallet, "accounts_receivable_id", owner), n, false)?;
            }
        }
        for (n, e) in self.communications.iter().enumerate() {
            add(i, (Kind::Communication, "id", &e.id), n, true)?;
            add(i, (Kind::Communication, "number", &e.number), n, true)?;
        }
        self.index = index.first;
        self.more = index.more;
        Ok(())
    }

    /// Position of the entity of `kind` whose `field` equals `value` (the
    /// first, where the field need not be unique).
    pub fn find(&self, kind: Kind, field: &'static str, value: &str) -> Option<usize> {
        self.index.get(&(kind, field, value.to_string())).copied()
    }

    /// `find`, preferring the first holder for which `prefer` is true (a
    /// consumer's own account among accounts sharing its name).
    pub fn find_preferring(
        &self,
        kind: Kind,
        field: &'static str,
        value: &str,
        prefer: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        let key = (kind, field, value.to_string());
        let first = self.index.get(&key).copied()?;
        let later = self.more.get(&key).into_iter().flatten().copied();
        std::iter::once(first)
            .chain(later)
            .find(|&at| prefer(at))
            .or(Some(first))
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

    pub fn currency(&self, id: &str) -> Option<&Currency> {
        self.find(Kind::Currency, "id", id)
            .map(|i| &self.currencies[i])
    }

    pub fn wallet(&self, id: &str) -> Option<&Wallet> {
        self.find(Kind::Wallet, "id", id).map(|i| &self.wallets[i])
    }

    /// The effective wallet of an accounts receivable (CRM.COM keeps one).
    pub fn wallet_of(&self, ar_id: &str) -> Option<&Wallet> {
        self.find(Kind::Wallet, "accounts_receivable_id", ar_id)
            .map(|i| &self.wallets[i])
    }

    /// Rewards participants owned by an accounts receivable.
    pub fn participants_of(&self, ar_id: &str) -> impl Iterator<Item = &RewardsParticipant> {
        let ar_id = ar_id.to_string();
        self.rewards_participants
            .iter()
            .filter(move |p| p.accounts_receivable_id == ar_id)
    }
}
