//! The wallet balances a tenant has set through the admin API ("you have
//! 120 points"), over the balances its reference data starts with.

use parking_lot::RwLock;
use std::collections::{BTreeMap, HashMap};

/// Balances by wallet id; a wallet not here has its reference balance.
#[derive(Debug, Default)]
pub struct WalletBalances {
    set: RwLock<HashMap<String, f64>>,
}

impl WalletBalances {
    pub fn new(set: BTreeMap<String, f64>) -> WalletBalances {
        WalletBalances {
            set: RwLock::new(set.into_iter().collect()),
        }
    }

    /// Whether no balance was set.
    pub fn is_empty(&self) -> bool {
        self.set.read().is_empty()
    }

    /// The balance set for `wallet_id`, if any.
    pub fn get(&self, wallet_id: &str) -> Option<f64> {
        self.set.read().get(wallet_id).copied()
    }

    /// Sets the balance; `record` runs in the same step (see
    /// `Outbox::send`).
    pub fn set(&self, wallet_id: &str, balance: f64, record: impl FnOnce()) {
        let mut set = self.set.write();
        set.insert(wallet_id.to_string(), balance);
        record();
    }

    /// Every balance set, by wallet id (for exports and snapshots).
    pub fn all(&self) -> BTreeMap<String, f64> {
        self.set
            .read()
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect()
    }
}
