//! What a generated account holds for a consumer app: the contact's e-mail
//! and phone (where CRM.COM's messages go), the account's balances, the
//! participant's sign-up, and a wallet with a plausible balance. Drawn from
//! a generator of their own, so the accounts and tokens a seed gave before
//! these existed stay the same.

use super::sample::Pick;
use crate::core::generator::Generator;
use crate::domain::reference::{
    AccountsReceivable, Contact, ContactEmail, ContactPhone, RewardsParticipant, Wallet,
};
use chrono::{Duration, NaiveDate, NaiveDateTime};

/// The extras' own generator and picks.
pub(super) struct Extras<'g> {
    pub(super) generator: &'g Generator,
    pub(super) pick: Pick<'g>,
}

impl<'g> Extras<'g> {
    pub(super) fn new(generator: &'g Generator) -> Extras<'g> {
        Extras {
            generator,
            pick: Pick(generator),
        }
    }

    /// An amount with cents in `min..=max` units.
    fn amount(&self, min: u64, max: u64) -> f64 {
        self.pick.between(min * 100, max * 100) as f64 / 100.0
    }

    /// A day between 2015 and 2025, at a working hour.
    fn day(&self) -> Option<NaiveDateTime> {
        let start = NaiveDate::from_ymd_opt(2015, 1, 1)?.and_hms_opt(9, 0, 0)?;
        let days = i64::try_from(self.pick.between(0, 3_990)).ok()?;
        let minutes = i64::try_from(self.pick.between(0, 8 * 60)).ok()?;
        Some(start + Duration::days(days) + Duration::minutes(minutes))
    }

    /// The contact's number, e-mail (`mailbox.5009@example.com`) and mobile.
    pub(super) fn reach(&self, contact: &mut Contact, mailbox: &str, n: usize) {
        contact.number = Some(format!("CI{:06}", 5000 + n));
        contact.preferred_language = Some("ENG".into());
        contact.emails.push(ContactEmail {
            id: self.generator.hex32(),
            kind: if contact.kind == "COMPANY" {
                "BUSINESS"
            } else {
                "PERSONAL"
            }
            .into(),
            // The number keeps two people of one name apart.
            email_address: format!("{mailbox}.{}@example.com", 5000 + n),
        });
        if self.pick.chance(80) {
            contact.phones.push(ContactPhone {
                id: self.generator.hex32(),
                kind: "MOBILE".into(),
                number: format!("+3579{}", self.generator.digits(7)),
                country_code: Some("CY".into()),
            });
        }
    }

    /// Balances: most accounts owe nothing, some owe a little; a few
    /// have a credit limit they passed.
    pub(super) fn money(&self, ar: &mut AccountsReceivable) {
        let owes = self.pick.chance(25);
        ar.outstanding_amount = if owes { self.amount(5, 400) } else { 0.0 };
        ar.balance = if owes {
            -ar.outstanding_amount
        } else {
            self.amount(0, 250)
        };
        ar.credit_limit = self.pick.chance(40).then(|| self.amount(100, 300).round());
        ar.credit_period = ar.credit_limit.map(|_| 30);
        ar.opening_balance_date = self.day();
    }

    pub(super) fn sign_up(&self, participant: &mut RewardsParticipant, unit_id: &str) {
        participant.sign_up_on = self.day();
        participant.sign_up_by_unit_id = Some(unit_id.into());
    }

    /// The account's wallet: reward points worth a few euros to a few
    /// hundred, cancelled with a terminated account.
    pub(super) fn wallet(&self, ar: &AccountsReceivable, currency_id: &str, n: usize) -> Wallet {
        Wallet {
            id: self.generator.hex32(),
            number: format!("W{:010}", 5000 + n),
            accounts_receivable_id: ar.id.clone(),
            currency_id: currency_id.into(),
            life_cycle_state: if ar.life_cycle_state == "TERMINATED" {
                "CANCELLED"
            } else {
                "EFFECTIVE"
            }
            .into(),
            balance: self.amount(0, 480),
            opening_balance: 0.0,
            opening_balance_date: ar.opening_balance_date,
            udf: Default::default(),
            log_information: None,
        }
    }
}
