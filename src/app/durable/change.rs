//! What the application hands the database writer: one change to the kept
//! state. Changes carry the in-memory values (shared, not copied where they
//! are big); the writer turns them into rows, off the request's thread.

use crate::app::snapshot::Snapshot;
use crate::core::clock::ClockSetting;
use crate::core::config::Dataset;
use crate::core::release::Release;
use crate::domain::access_token::entity::AccessToken;
use crate::domain::reference::Communication;
use crate::domain::session::Session;
use crate::domain::tenant::Tenant;
use std::sync::Arc;

pub enum Change {
    /// A tenant was created or replaced (reset, import, restore, seed):
    /// its row, and all its access tokens as they stand when the writer
    /// reaches the change.
    Tenant(Arc<Tenant>),
    /// The tenant of this key was deleted, with its sessions.
    TenantDeleted(String),
    /// One access token as it now stands in the tenant of `key`, made in
    /// the tenant instance `incarnation` (kept only if the database holds
    /// that instance).
    AccessToken {
        key: String,
        incarnation: u64,
        token: Box<AccessToken>,
    },
    /// A communication the tenant of `key` sent (kept as `AccessToken` is),
    /// and the number of the oldest one it pushed out of a full outbox.
    Communication {
        key: String,
        incarnation: u64,
        communication: Box<Communication>,
        dropped: Option<String>,
    },
    /// A wallet balance the admin API set in the tenant of `key`.
    WalletBalance {
        key: String,
        incarnation: u64,
        wallet_id: String,
        balance: f64,
    },
    /// A login session opened or changed (`Some`), or ended.
    Session {
        token: String,
        session: Option<Session>,
    },
    /// The organisation's release (`None`: `--release`).
    Release {
        key: String,
        release: Option<Release>,
    },
    /// The dataset and seed the organisation is created and reset from
    /// (`None`: the emulator's own start data).
    Dataset {
        key: String,
        dataset: Option<(Dataset, u64)>,
    },
    /// A tenant's own clock (`None`: it follows the emulator's).
    TenantClock {
        key: String,
        setting: Option<ClockSetting>,
    },
    /// The emulator's clock.
    Clock(ClockSetting),
    /// A snapshot saved (replacing one of that name).
    Snapshot {
        key: String,
        snapshot: Arc<Snapshot>,
    },
    /// A snapshot deleted.
    SnapshotDeleted { key: String, name: String },
    /// The key that signs login tokens (written once, when a database is
    /// new).
    SigningKey([u8; 32]),
}

/// Names the change and its organisation only: changes carry login tokens,
/// verification codes and the signing key.
impl std::fmt::Debug for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            Change::Tenant(_) => "Tenant",
            Change::TenantDeleted(_) => "TenantDeleted",
            Change::AccessToken { .. } => "AccessToken",
            Change::Communication { .. } => "Communication",
            Change::WalletBalance { .. } => "WalletBalance",
            Change::Session { .. } => "Session",
            Change::Release { .. } => "Release",
            Change::Dataset { .. } => "Dataset",
            Change::TenantClock { .. } => "TenantClock",
            Change::Clock(_) => "Clock",
            Change::Snapshot { .. } => "Snapshot",
            Change::SnapshotDeleted { .. } => "SnapshotDeleted",
            Change::SigningKey(_) => "SigningKey",
        };
        write!(f, "{kind}({:?})", self.organisation().unwrap_or("-"))
    }
}

impl Change {
    /// The organisation (tenant key) a failure of this change is reported
    /// under.
    pub fn organisation(&self) -> Option<&str> {
        match self {
            Change::Tenant(tenant) => Some(&tenant.organisation),
            Change::TenantDeleted(key)
            | Change::AccessToken { key, .. }
            | Change::Communication { key, .. }
            | Change::WalletBalance { key, .. }
            | Change::Release { key, .. }
            | Change::Dataset { key, .. }
            | Change::TenantClock { key, .. }
            | Change::Snapshot { key, .. }
            | Change::SnapshotDeleted { key, .. } => Some(key),
            Change::Session { session, .. } => session.as_ref().map(|s| &*s.tenant),
            Change::Clock(_) | Change::SigningKey(_) => None,
        }
    }
}
