//! A tenant: one organisation's isolated copy of the fixture data, with its
//! own generator. Reference data is shared (it never changes); access tokens
//! are shared with tenants that start alike until the tenant changes one
//! (copy on write), behind one lock so every change to a token and its
//! indexes is a single atomic step.

use crate::core::clock::TenantClock;
use crate::core::generator::Generator;
use crate::core::secret::PassCodeHash;
use crate::domain::access_token::attempts::{OtpGuesses, SecretAttempts};
use crate::domain::access_token::shared_store::SharedStore;
use crate::domain::access_token::store::AccessTokenStore;
use crate::domain::outbox::Outbox;
use crate::domain::reference::Reference;
use crate::domain::wallet_balances::WalletBalances;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The last incarnation handed out (see `Tenant::incarnation`).
static INCARNATIONS: AtomicU64 = AtomicU64::new(0);

/// Makes every later incarnation greater than `used` (one read back from
/// `--state-dir`), so a number is never handed out twice.
pub fn reserve_incarnations(used: u64) {
    INCARNATIONS.fetch_max(used, Ordering::AcqRel);
}

#[derive(Debug)]
pub struct Tenant {
    /// The organisation name as first used at login.
    pub organisation: String,
    pub generator: Generator,
    pub reference: Arc<Reference>,
    /// Shared with the tenants that start from the same data until this
    /// one changes a token (copy on write).
    pub access_tokens: SharedStore,
    /// Wrong secrets in a row per access token, outside the tokens' lock.
    pub secret_attempts: SecretAttempts,
    /// Wrong one-time passwords of the whole tenant.
    pub otp_guesses: OtpGuesses,
    /// The communications this tenant's CRM.COM sent.
    pub outbox: Outbox,
    /// Wallet balances set through the admin API.
    pub wallet_balances: WalletBalances,
    /// Shared with the tenant that replaces this one on a reset or an
    /// import, so a tenant's own clock outlives its data.
    pub clock: Arc<TenantClock>,
    /// Which instance of the organisation's tenant this is: a reset, an
    /// import or a restore makes a new one. `--state-dir` keeps a change
    /// only if it was made to the instance it holds, so a write that races
    /// a reset cannot reach the reset's data.
    pub incarnation: u64,
}

impl Tenant {
    /// A tenant holding `reference` and `access_tokens` (its own, or
    /// shared until its first change), with a generator derived from
    /// `seed` and the organisation.
    pub fn new(
        organisation: &str,
        reference: Arc<Reference>,
        access_tokens: impl Into<Arc<AccessTokenStore>>,
        seed: Option<u64>,
        clock: Arc<TenantClock>,
    ) -> Tenant {
        Tenant {
            organisation: organisation.to_string(),
            generator: Generator::new(seed, &tenant_key(organisation)),
            reference: reference.clone(),
            access_tokens: SharedStore::new(access_tokens.into()),
            secret_attempts: SecretAttempts::default(),
            otp_guesses: OtpGuesses::default(),
            outbox: Outbox::new(Vec::new(), &reference.communications),
            wallet_balances: WalletBalances::default(),
            clock,
            incarnation: INCARNATIONS.fetch_add(1, Ordering::AcqRel) + 1,
        }
    }

    /// The tenant holding what an export, a snapshot or the database kept
    /// of its outbox and wallet balances.
    pub fn with_activity(
        mut self,
        sent: Vec<crate::domain::reference::Communication>,
        balances: std::collections::BTreeMap<String, f64>,
    ) -> Tenant {
        self.outbox = Outbox::new(sent, &self.reference.communications);
        self.wallet_balances = WalletBalances::new(balances);
        self
    }

    /// Whether this tenant still holds exactly the data it was made from,
    /// `reference` and `access_tokens`: no token changed, no message sent,
    /// no balance set, no wrong secret counted (what `--watch` may move to
    /// new fixtures without losing anything).
    pub fn unchanged_from(
        &self,
        reference: &Arc<Reference>,
        access_tokens: &Arc<AccessTokenStore>,
    ) -> bool {
        Arc::ptr_eq(&self.reference, reference)
            && self.access_tokens.is(access_tokens)
            && self.outbox.is_empty()
            && self.wallet_balances.is_empty()
            && self.secret_attempts.is_empty()
            && self.otp_guesses.is_empty()
    }

    /// The tenant key: the organisation, lower-cased.
    pub fn key(&self) -> String {
        tenant_key(&self.organisation)
    }

    /// Now, on this tenant's clock, to the second, within the years 0001
    /// to 9999 (`core::clock::writable`).
    pub fn now(&self) -> chrono::NaiveDateTime {
        crate::core::clock::writable(self.clock.current().now())
    }
}

impl Tenant {
    /// A wallet's balance: the one set through the admin API, else the
    /// reference's.
    pub fn wallet_balance(&self, wallet: &crate::domain::reference::Wallet) -> f64 {
        self.wallet_balances
            .get(&wallet.id)
            .unwrap_or(wallet.balance)
    }

    /// Hashes a pass code or one-time password with a fresh salt from this
    /// tenant's generator (reproducible under `--seed`).
    pub fn hash_secret(&self, secret: &str) -> PassCodeHash {
        PassCodeHash::new(secret, self.generator.bytes())
    }
}

/// Organisation names match case-insensitively, as CRM.COM user names do.
pub fn tenant_key(organisation: &str) -> String {
    organisation.trim().to_lowercase()
}
