//! The state database's schema, one migration per version. The version is
//! SQLite's `user_version` (kept by `rusqlite_migration`): a database of an
//! older version is brought forward at start; a newer one is refused. Add a
//! migration at the end for every change; never edit a released one.

use rusqlite_migration::{Migrations, M};

/// `PRAGMA application_id` of a crmcom-emulator database ("CRMe"), so a
/// foreign SQLite file is told apart from ours.
pub const APPLICATION_ID: i32 = 0x4352_4D65;

const MIGRATIONS: &[M<'static>] = &[
    M::up(
        "PRAGMA application_id = 1129467237;
    -- Values with no row of their own: the signing key, the emulator's clock.
    CREATE TABLE meta (
        name TEXT PRIMARY KEY,
        value BLOB NOT NULL
    ) STRICT;
    -- What the admin API set for an organisation, tenant or not.
    CREATE TABLE organisation_settings (
        key TEXT PRIMARY KEY,
        release TEXT,
        dataset TEXT,
        dataset_seed INTEGER
    ) STRICT;
    -- Reference data (accounts, contacts, units...) as JSON, shared by the
    -- tenants made from the same fixtures or dataset.
    CREATE TABLE reference_data (
        hash TEXT PRIMARY KEY,
        body TEXT NOT NULL
    ) STRICT;
    CREATE TABLE tenants (
        key TEXT PRIMARY KEY,
        organisation TEXT NOT NULL,
        incarnation INTEGER NOT NULL,
        reference TEXT NOT NULL REFERENCES reference_data (hash),
        clock TEXT
    ) STRICT;
    -- One row per access token, as JSON; rowid keeps the creation order.
    -- Keyed by number, which never changes and grows with each create, so
    -- a create adds to the right edge of the index instead of dirtying a
    -- random page of it (random ids made creates slow as the file grew).
    CREATE TABLE access_tokens (
        tenant TEXT NOT NULL,
        number TEXT NOT NULL,
        id TEXT NOT NULL,
        body TEXT NOT NULL,
        UNIQUE (tenant, number)
    ) STRICT;
    CREATE TABLE snapshots (
        tenant TEXT NOT NULL,
        name TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (tenant, name)
    ) STRICT;
    CREATE TABLE sessions (
        token TEXT PRIMARY KEY,
        tenant TEXT NOT NULL,
        user_id TEXT NOT NULL,
        unit_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        idle_lifetime INTEGER,
        accounts_receivable_id TEXT,
        access_token_id TEXT
    ) STRICT;",
    ),
    M::up(
        "-- What a tenant sent (its outbox) and the wallet balances the admin API
    -- set, one row each, as access tokens are kept.
    CREATE TABLE communications (
        tenant TEXT NOT NULL,
        number TEXT NOT NULL,
        body TEXT NOT NULL,
        UNIQUE (tenant, number)
    ) STRICT;
    CREATE TABLE wallet_balances (
        tenant TEXT NOT NULL,
        wallet_id TEXT NOT NULL,
        balance REAL NOT NULL,
        PRIMARY KEY (tenant, wallet_id)
    ) STRICT;",
    ),
];

/// Every version of the schema, oldest first.
pub fn migrations() -> Migrations<'static> {
    Migrations::from_slice(MIGRATIONS)
}

/// The version this emulator writes.
pub fn latest_version() -> i32 {
    i32::try_from(MIGRATIONS.len()).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_to_an_empty_database() {
        assert!(migrations().validate().is_ok());
    }

    #[test]
    fn the_application_id_in_the_schema_is_the_constant() {
        assert_eq!(APPLICATION_ID, 1_129_467_237);
    }
}
