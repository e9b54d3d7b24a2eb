//! The database writer: one thread that owns the connection and commits
//! changes in groups. It takes every change that arrived while the last
//! commit ran into the next transaction, so concurrent writers share one
//! commit (and one sync to disk) instead of queueing for one each.
//!
//! A group runs in one transaction. If a change fails, the group runs again
//! with each change in a savepoint: the one that fails is rolled back
//! alone, reported once for its organisation, and the rest commits.
//! A commit that fails is reported to its waiters and retried with the next
//! group, so what memory holds still reaches the disk when it can.

use super::change::Change;
use super::progress::Progress;
use crate::core::clock::ClockSetting;
use crate::domain::access_token::entity::AccessToken;
use crate::domain::reference::{Communication, Reference};
use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// At most this many changes share a commit, so one commit's time stays
/// short when a flood arrives.
const MOST_PER_COMMIT: usize = 4096;

/// How long to wait before trying a failed commit again.
const RETRY_AFTER: Duration = Duration::from_millis(200);

/// Runs the writer until every sender is gone and the queue is empty, then
/// folds the write-ahead log into the database file.
pub fn run(mut connection: Connection, queue: Receiver<(u64, Change)>, progress: &Progress) {
    let mut known = Known::default();
    let mut reported = HashSet::new();
    let mut group: Vec<(u64, Change)> = Vec::new();
    loop {
        if group.is_empty() {
            match queue.recv() {
                Ok(change) => group.push(change),
                Err(_) => break,
            }
        }
        while group.len() < MOST_PER_COMMIT {
            match queue.try_recv() {
                Ok(change) => group.push(change),
                Err(_) => break,
            }
        }
        let last = group.last().map_or(0, |(ticket, _)| *ticket);
        match commit(&mut connection, &group, &mut known) {
            Ok(failures) => {
                for (ticket, organisation, problem) in failures {
                    let problem = format!("not kept in --state-dir: {problem}");
                    if reported.insert(organisation.clone()) {
                        tracing::error!(organisation = %organisation, "{problem}");
                    }
                    progress.fail(ticket, problem);
                }
                group.clear();
                progress.settle(last);
            }
            Err(e) => {
                // What the writer knew may have been rolled back with it.
                known.forget();
                let problem = format!("--state-dir commit failed (retried): {e}");
                if reported.insert(problem.clone()) {
                    tracing::error!("{problem}");
                }
                for (ticket, _) in &group {
                    progress.fail(*ticket, problem.clone());
                }
                progress.settle(last);
                std::thread::sleep(RETRY_AFTER);
            }
        }
    }
    if let Err(e) = connection.pragma_update(None, "wal_checkpoint", "TRUNCATE") {
        tracing::warn!("--state-dir: the final checkpoint failed: {e}");
    }
}

/// One transaction for `group`; answers the changes that failed alone, with
/// their organisation.
fn commit(
    connection: &mut Connection,
    group: &[(u64, Change)],
    known: &mut Known,
) -> rusqlite::Result<Vec<(u64, String, String)>> {
    known.load(connection)?;
    let transaction = connection.transaction()?;
    if group
        .iter()
        .try_for_each(|(_, change)| apply(&transaction, change, known))
        .is_ok()
    {
        transaction.commit()?;
        return Ok(Vec::new());
    }
    drop(transaction); // rolled back: run it again, one savepoint a change
    known.forget();
    known.load(connection)?;
    let mut failures = Vec::new();
    let mut transaction = connection.transaction()?;
    for (ticket, change) in group {
        let savepoint = transaction.savepoint()?;
        match apply(&savepoint, change, known) {
            Ok(()) => savepoint.commit()?,
            Err(e) if transient(&e) => return Err(e),
            Err(e) => {
                drop(savepoint); // rolls the change back
                known.forget();
                known.load(&transaction)?;
                let organisation = change.organisation().unwrap_or("(emulator)").to_string();
                failures.push((*ticket, organisation, e.to_string()));
            }
        }
    }
    transaction.commit()?;
    Ok(failures)
}

/// A failure of the disk or of the database as a whole, not of the change:
/// the group is retried rather than the change dropped.
fn transient(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::*;
    matches!(
        e.sqlite_error_code(),
        Some(
            DiskFull
                | SystemIoFailure
                | DatabaseBusy
                | DatabaseLocked
                | OutOfMemory
                | CannotOpen
                | ReadOnly
        )
    )
}

fn to_json<T: serde::Serialize>(value: &T) -> rusqlite::Result<String> {
    serde_json::to_string(value).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

fn clock_json(setting: Option<ClockSetting>) -> rusqlite::Result<Option<String>> {
    setting.as_ref().map(to_json).transpose()
}

fn put_token(db: &Connection, key: &str, token: &AccessToken) -> rusqlite::Result<()> {
    db.prepare_cached(
        "INSERT INTO access_tokens (tenant, number, id, body) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (tenant, number) DO UPDATE SET body = excluded.body",
    )?
    .execute(params![key, token.number, token.id, to_json(token)?])?;
    Ok(())
}

fn put_communication(db: &Connection, key: &str, c: &Communication) -> rusqlite::Result<()> {
    db.prepare_cached(
        "INSERT INTO communications (tenant, number, body) VALUES (?1, ?2, ?3) \
         ON CONFLICT (tenant, number) DO UPDATE SET body = excluded.body",
    )?
    .execute(params![key, c.number, to_json(c)?])?;
    Ok(())
}

fn put_balance(db: &Connection, key: &str, wallet_id: &str, balance: f64) -> rusqlite::Result<()> {
    db.prepare_cached(
        "INSERT INTO wallet_balances (tenant, wallet_id, balance) VALUES (?1, ?2, ?3) \
         ON CONFLICT (tenant, wallet_id) DO UPDATE SET balance = excluded.balance",
    )?
    .execute(params![key, wallet_id, balance])?;
    Ok(())
}

fn apply(db: &Connection, change: &Change, known: &mut Known) -> rusqlite::Result<()> {
    match change {
        Change::Tenant(tenant) => {
            let key = &tenant.key();
            let hash = known.reference_row(db, &tenant.reference)?;
            db.prepare_cached(
                "INSERT INTO tenants (key, organisation, incarnation, reference, clock) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (key) DO UPDATE SET \
                 organisation = excluded.organisation, incarnation = excluded.incarnation, \
                 reference = excluded.reference, clock = excluded.clock",
            )?
            .execute(params![
                key,
                tenant.organisation,
                tenant.incarnation as i64,
                hash,
                clock_json(tenant.clock.setting())?
            ])?;
            known.incarnations.insert(key.clone(), tenant.incarnation);
            db.prepare_cached("DELETE FROM access_tokens WHERE tenant = ?1")?
                .execute([key])?;
            // Copied under the tenant's read lock, written without it.
            let tokens: Vec<AccessToken> = tenant.access_tokens.read().iter().cloned().collect();
            for token in &tokens {
                put_token(db, key, token)?;
            }
            for table in ["communications", "wallet_balances"] {
                db.prepare_cached(&format!("DELETE FROM {table} WHERE tenant = ?1"))?
                    .execute([key])?;
            }
            for sent in tenant.outbox.all() {
                put_communication(db, key, &sent)?;
            }
            for (wallet_id, balance) in tenant.wallet_balances.all() {
                put_balance(db, key, &wallet_id, balance)?;
            }
        }
        Change::TenantDeleted(key) => {
            known.incarnations.remove(key);
            for table in [
                "tenants WHERE key",
                "access_tokens WHERE tenant",
                "communications WHERE tenant",
                "wallet_balances WHERE tenant",
                "sessions WHERE tenant",
            ] {
                db.prepare_cached(&format!("DELETE FROM {table} = ?1"))?
                    .execute([key])?;
            }
        }
        Change::AccessToken {
            key,
            incarnation,
            token,
        } => {
            // Kept only if the database holds the tenant instance it was
            // made in (a write racing a reset, or made after a delete, is not).
            if known.incarnations.get(key) == Some(incarnation) {
                put_token(db, key, token)?;
            }
        }
        Change::Communication {
            key,
            incarnation,
            communication,
            dropped,
        } => {
            if known.incarnations.get(key) == Some(incarnation) {
                put_communication(db, key, communication)?;
                if let Some(number) = dropped {
                    db.prepare_cached(
                        "DELETE FROM communications WHERE tenant = ?1 AND number = ?2",
                    )?
                    .execute(params![key, number])?;
                }
            }
        }
        Change::WalletBalance {
            key,
            incarnation,
            wallet_id,
            balance,
        } => {
            if known.incarnations.get(key) == Some(incarnation) {
                put_balance(db, key, wallet_id, *balance)?;
            }
        }
        Change::Session { token, session } => match session {
            Some(s) => {
                db.prepare_cached(
                    "INSERT OR REPLACE INTO sessions (token, tenant, user_id, unit_id, expires_at, \
                     idle_lifetime, accounts_receivable_id, access_token_id) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    token,
                    &*s.tenant,
                    &*s.user_id,
                    &*s.unit_id,
                    s.expires_at,
                    s.idle_lifetime,
                    s.accounts_receivable_id,
                    s.access_token_id
                ])?;
            }
            None => {
                db.prepare_cached("DELETE FROM sessions WHERE token = ?1")?
                    .execute([token])?;
            }
        },
        Change::Release { key, release } => {
            db.prepare_cached(
                "INSERT INTO organisation_settings (key, release) VALUES (?1, ?2) \
                 ON CONFLICT (key) DO UPDATE SET release = excluded.release",
            )?
            .execute(params![key, release.map(|r| r.to_string())])?;
            forget_empty_settings(db)?;
        }
        Change::Dataset { key, dataset } => {
            db.prepare_cached(
                "INSERT INTO organisation_settings (key, dataset, dataset_seed) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (key) DO UPDATE SET dataset = excluded.dataset, \
                 dataset_seed = excluded.dataset_seed",
            )?
            .execute(params![
                key,
                dataset.map(|(d, _)| d.name()),
                dataset.map(|(_, seed)| seed as i64)
            ])?;
            forget_empty_settings(db)?;
        }
        Change::TenantClock { key, setting } => {
            db.prepare_cached("UPDATE tenants SET clock = ?2 WHERE key = ?1")?
                .execute(params![key, clock_json(*setting)?])?;
        }
        Change::Clock(setting) => put_meta(db, "clock", to_json(setting)?.as_bytes())?,
        Change::Snapshot { key, snapshot } => {
            db.prepare_cached(
                "INSERT OR REPLACE INTO snapshots (tenant, name, saved_at, body) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                key,
                snapshot.name,
                snapshot.saved_at,
                to_json(&snapshot.state)?
            ])?;
        }
        Change::SnapshotDeleted { key, name } => {
            db.prepare_cached("DELETE FROM snapshots WHERE tenant = ?1 AND name = ?2")?
                .execute([key, name])?;
        }
        Change::SigningKey(key) => put_meta(db, "signing_key", key)?,
    }
    Ok(())
}

fn put_meta(db: &Connection, name: &str, value: &[u8]) -> rusqlite::Result<()> {
    db.prepare_cached("INSERT OR REPLACE INTO meta (name, value) VALUES (?1, ?2)")?
        .execute(params![name, value])?;
    Ok(())
}

fn forget_empty_settings(db: &Connection) -> rusqlite::Result<()> {
    db.prepare_cached(
        "DELETE FROM organisation_settings WHERE release IS NULL AND dataset IS NULL",
    )?
    .execute([])?;
    Ok(())
}

/// What the writer knows of the database, so a change need not read it:
/// the incarnation of each tenant it holds, and the hashes of reference
/// data already written by the `Reference` they were made from (tenants
/// made from the same fixtures or dataset share one `Reference`, so it is
/// serialised and hashed once, not once a tenant). Forgotten whenever a
/// change is rolled back.
#[derive(Default)]
struct Known {
    loaded: bool,
    incarnations: HashMap<String, u64>,
    references: HashMap<usize, (Weak<Reference>, String)>,
}

impl Known {
    fn forget(&mut self) {
        *self = Known::default();
    }

    /// Reads the tenants' incarnations, once after each `forget`.
    fn load(&mut self, db: &Connection) -> rusqlite::Result<()> {
        if self.loaded {
            return Ok(());
        }
        let mut statement = db.prepare("SELECT key, incarnation FROM tenants")?;
        let rows = statement.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (key, incarnation) = row?;
            self.incarnations.insert(key, incarnation as u64);
        }
        self.loaded = true;
        Ok(())
    }

    /// The hash of `reference`'s row, written if the table lacks it.
    fn reference_row(
        &mut self,
        db: &Connection,
        reference: &Arc<Reference>,
    ) -> rusqlite::Result<String> {
        self.references
            .retain(|_, (weak, _)| weak.strong_count() > 0);
        let address = Arc::as_ptr(reference) as usize;
        if let Some((_, hash)) = self.references.get(&address) {
            return Ok(hash.clone());
        }
        let body = to_json(&reference.data())?;
        let hash = format!("{:x}", Sha256::digest(body.as_bytes()));
        db.prepare_cached("INSERT OR IGNORE INTO reference_data (hash, body) VALUES (?1, ?2)")?
            .execute([&hash, &body])?;
        self.references
            .insert(address, (Arc::downgrade(reference), hash.clone()));
        Ok(hash)
    }
}
