//! The application state and `--state-dir`: reading the database into the
//! state at start, recording every change of kept state as it is made, and
//! closing the database when the emulator stops.
//!
//! What is kept: tenants (organisation, reference data, access tokens, own
//! clock), organisation settings (release, dataset), snapshots, login
//! sessions and their signing key, and the emulator's clock. What is not:
//! the journal, fault rules, wrong-secret counters, and an idle session's
//! extension between its last change and a crash (a clean stop keeps it).

use crate::api::call::Changes;
use crate::app::durable::{read, Change, Database, Durable};
use crate::app::fixtures::{assemble_reference, token_store};
use crate::app::state::AppState;
use crate::core::config::Dataset;
use crate::core::release::Release;
use crate::domain::access_token::entity::AccessToken;
use crate::domain::reference::{Communication, Reference};
use crate::domain::session::Session;
use crate::domain::tenant::{reserve_incarnations, Tenant};
use std::collections::HashMap;
use std::sync::Arc;

impl Changes for AppState {
    fn access_token_stored(&self, tenant: &Tenant, token: &AccessToken) -> u64 {
        self.record(|| Change::AccessToken {
            key: tenant.key(),
            incarnation: tenant.incarnation,
            token: Box::new(token.clone()),
        })
    }

    fn communication_sent(
        &self,
        tenant: &Tenant,
        communication: &Communication,
        dropped: Option<&Communication>,
    ) -> u64 {
        self.record(|| Change::Communication {
            key: tenant.key(),
            incarnation: tenant.incarnation,
            communication: Box::new(communication.clone()),
            dropped: dropped.map(|c| c.number.clone()),
        })
    }

    fn session_changed(&self, token: &str, session: Option<&Session>) -> u64 {
        self.record(|| Change::Session {
            token: token.to_string(),
            session: session.cloned(),
        })
    }
}

impl AppState {
    /// Sets a wallet's balance in `tenant` and records it in the same step.
    pub fn set_wallet_balance(&self, tenant: &Tenant, wallet_id: &str, balance: f64) {
        tenant.wallet_balances.set(wallet_id, balance, || {
            self.record(|| Change::WalletBalance {
                key: tenant.key(),
                incarnation: tenant.incarnation,
                wallet_id: wallet_id.to_string(),
                balance,
            });
        });
    }

    /// Hands the change `make` gives to the database writer; its ticket, or
    /// 0 without `--state-dir` (then `make` is not called).
    pub fn record(&self, make: impl FnOnce() -> Change) -> u64 {
        match &self.durable {
            Some(durable) => durable.record(make()),
            None => 0,
        }
    }

    /// Records the emulator's clock (`None`) or the clock of the
    /// organisation's tenant, after the admin API changed it.
    pub fn clock_changed(&self, organisation: Option<&str>) {
        match organisation.and_then(|o| self.existing_tenant(o)) {
            Some(tenant) => self.record(|| Change::TenantClock {
                key: tenant.key(),
                setting: tenant.clock.setting(),
            }),
            None => self.record(|| Change::Clock(self.clock.setting())),
        };
    }

    /// Records the organisation's settings after they changed.
    pub(crate) fn settings_changed(
        &self,
        key: &str,
        release: Option<Option<Release>>,
        dataset: Option<Option<(Dataset, u64)>>,
    ) {
        if let Some(release) = release {
            self.record(|| Change::Release {
                key: key.to_string(),
                release,
            });
        }
        if let Some(dataset) = dataset {
            self.record(|| Change::Dataset {
                key: key.to_string(),
                dataset,
            });
        }
    }

    /// Reads what the database holds into this (new) state: the emulator's
    /// clock, settings, tenants, snapshots and unexpired sessions; answers
    /// the tokens of sessions that expired meanwhile, for the database to
    /// forget. A row that does not read, parse or check out is an error
    /// naming it.
    pub(crate) fn load_database(&self, database: &Database) -> Result<Vec<String>, String> {
        let connection = &database.connection;
        if let Some(setting) = read::clock(connection)? {
            self.clock.restore(setting);
        }
        for setting in read::settings(connection)? {
            if let Some(release) = &setting.release {
                let release = Release::parse(release)
                    .map_err(|e| format!("organisation_settings {:?}: {e}", setting.key))?;
                self.set_release(&setting.key, Some(release));
            }
            if let Some((name, seed)) = &setting.dataset {
                let dataset = Dataset::parse(name)
                    .map_err(|e| format!("organisation_settings {:?}: {e}", setting.key))?;
                self.set_seeded(&setting.key, Some((dataset, *seed)), false)
                    .map_err(|e| format!("organisation_settings {:?}: {e}", setting.key))?;
            }
        }
        let started = std::time::Instant::now();
        let stored = read::tenants(connection)?;
        let mut tokens: HashMap<String, Vec<AccessToken>> =
            stored.iter().map(|t| (t.key.clone(), Vec::new())).collect();
        read::access_tokens(connection, |key, token| {
            tokens
                .get_mut(key)
                .ok_or_else(|| format!("access_tokens: no tenant {key:?}"))?
                .push(token);
            Ok(())
        })?;
        let mut communications = read::communications(connection)?;
        let mut balances = read::wallet_balances(connection)?;
        let read_in = started.elapsed();
        let mut references: HashMap<String, Arc<Reference>> = HashMap::new();
        let seed = *self.seed.lock();
        let mut most = 0;
        for stored in stored {
            let place = format!("tenants {:?}", stored.key);
            let reference = match references.get(&stored.reference) {
                Some(reference) => reference.clone(),
                None => {
                    let data = read::reference(connection, &stored.reference)?;
                    let reference = assemble_reference(data, &self.fixtures().reference)
                        .map_err(|e| format!("{place}: reference ({}): {}", e.file, e.problem))?;
                    let reference = Arc::new(reference);
                    references.insert(stored.reference.clone(), reference.clone());
                    reference
                }
            };
            let tokens = tokens.remove(&stored.key).unwrap_or_default();
            let store = token_store(&reference, tokens).map_err(|e| format!("{place}: {e}"))?;
            let clock = self.following_clock();
            clock.restore(stored.clock);
            let sent = communications.remove(&stored.key).unwrap_or_default();
            let balances = balances.remove(&stored.key).unwrap_or_default();
            let mut tenant = Tenant::new(&stored.organisation, reference, store, seed, clock)
                .with_activity(sent, balances);
            tenant.incarnation = stored.incarnation;
            most = most.max(stored.incarnation);
            self.tenants.insert(stored.key, Arc::new(tenant));
        }
        reserve_incarnations(most);
        tracing::info!(
            "{}: {} tenants read in {} ms, made in {} ms",
            database.path.display(),
            self.tenants.len(),
            read_in.as_millis(),
            (started.elapsed() - read_in).as_millis()
        );
        for (key, snapshot) in read::snapshots(connection)? {
            self.snapshots.put(&key, snapshot);
        }
        let mut expired = Vec::new();
        for (token, session) in read::sessions(connection)? {
            let live = self
                .existing_tenant(&session.tenant)
                .is_some_and(|t| t.clock.current().now_secs() < session.expires_at);
            if live {
                self.sessions.restore(token, session);
            } else {
                expired.push(token);
            }
        }
        Ok(expired)
    }

    /// Starts writing to `database` once the state holds what it read: the
    /// signing key of a database that has none yet (new, or never started
    /// to the end), sessions that expired while the emulator was stopped,
    /// and what older versions' files held.
    pub(crate) fn start_writing(
        &mut self,
        database: Database,
        expired_sessions: Vec<String>,
        key_kept: bool,
    ) -> Result<(), String> {
        let dir = database.path.parent().map(|p| p.to_path_buf());
        self.durable = Some(Durable::start(database)?);
        if !key_kept {
            let key = *self.sessions.signing_key();
            self.record(|| Change::SigningKey(key));
            if let Some(dir) = dir.filter(|d| crate::app::legacy_state_files::present(d)) {
                self.import_legacy_files(&dir)?;
            }
        }
        for token in expired_sessions {
            self.record(|| Change::Session {
                token,
                session: None,
            });
        }
        self.flush_state_dir()
    }

    /// Imports the JSON files of versions before the database (they stay).
    fn import_legacy_files(&self, dir: &std::path::Path) -> Result<(), String> {
        let mut tenants = 0;
        crate::app::legacy_state_files::load(
            dir,
            |path, doc| {
                let organisation = doc.organisation.clone();
                tenants += 1;
                self.import_tenant(&organisation, doc)
                    .map_err(|e| format!("{}: {}", path.display(), e.description()))
            },
            |key, snapshot| {
                let snapshot = Arc::new(snapshot);
                self.record(|| Change::Snapshot {
                    key: key.to_string(),
                    snapshot: snapshot.clone(),
                });
                self.snapshots.put_shared(key, snapshot);
            },
        )?;
        tracing::info!(
            "--state-dir: imported {tenants} tenants from the files of an older version into the database (the files are left as they were)"
        );
        Ok(())
    }

    /// The ticket of the last change recorded (0 without `--state-dir`).
    pub fn last_recorded(&self) -> u64 {
        self.durable.as_ref().map_or(0, Durable::last)
    }

    /// Waits until change `ticket` is committed; why it was not kept, if
    /// not (at once without `--state-dir`).
    pub async fn committed(&self, ticket: u64) -> Result<(), String> {
        match &self.durable {
            Some(durable) if ticket > 0 => durable.committed(ticket).await,
            _ => Ok(()),
        }
    }

    /// Waits until every change recorded so far is committed; the first
    /// that was not kept among those after ticket `from`.
    pub async fn committed_since(&self, from: u64) -> Result<(), String> {
        match &self.durable {
            Some(durable) => durable.committed_after(from, durable.last()).await,
            None => Ok(()),
        }
    }

    /// Waits, blocking, until every change recorded so far is committed.
    pub fn flush_state_dir(&self) -> Result<(), String> {
        match &self.durable {
            Some(durable) => durable.flush_blocking(),
            None => Ok(()),
        }
    }

    /// What the emulator does when it stops: with `--state-dir`, keeps the
    /// sessions as they stand (an idle session's last use moved its
    /// expiry), commits everything and closes the database. Answers the
    /// first change that could not be kept.
    pub fn close_state_dir(&self) -> Result<(), String> {
        let Some(durable) = &self.durable else {
            return Ok(());
        };
        // The embedding handle moves the emulator's clock without a record.
        durable.record(Change::Clock(self.clock.setting()));
        for (token, session) in self.sessions.copies(None) {
            durable.record(Change::Session {
                token,
                session: Some(session),
            });
        }
        let flushed = durable.flush_blocking();
        durable.close();
        flushed.map_err(|e| format!("--state-dir {}: {e}", durable.path().display()))
    }
}
