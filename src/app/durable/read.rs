//! Reading the state database at start: every row, parsed into the types
//! the application builds its state from. A row that does not parse is an
//! error naming its table and key.

use crate::app::snapshot::{Snapshot, TenantState};
use crate::core::clock::ClockSetting;
use crate::domain::access_token::entity::AccessToken;
use crate::domain::reference::{Communication, ReferenceData};
use crate::domain::session::Session;
use rusqlite::Connection;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// An organisation's settings: its release and the dataset it starts from.
#[derive(Debug)]
pub struct StoredSetting {
    pub key: String,
    pub release: Option<String>,
    pub dataset: Option<(String, u64)>,
}

/// A tenant's row (its tokens are read apart, one tenant at a time).
#[derive(Debug)]
pub struct StoredTenant {
    pub key: String,
    pub organisation: String,
    pub incarnation: u64,
    /// The hash of its reference data.
    pub reference: String,
    pub clock: Option<ClockSetting>,
}

fn broken(place: impl std::fmt::Display, e: impl std::fmt::Display) -> String {
    format!("{place}: {e}")
}

fn json<T: serde::de::DeserializeOwned>(
    place: impl std::fmt::Display,
    text: &str,
) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| broken(place, e))
}

/// The value of `meta` row `name`.
pub fn meta(connection: &Connection, name: &str) -> Result<Option<Vec<u8>>, String> {
    let mut statement = connection
        .prepare("SELECT value FROM meta WHERE name = ?1")
        .map_err(|e| broken("meta", e))?;
    let mut rows = statement.query([name]).map_err(|e| broken("meta", e))?;
    match rows.next().map_err(|e| broken("meta", e))? {
        Some(row) => Ok(Some(
            row.get(0).map_err(|e| broken(format!("meta {name}"), e))?,
        )),
        None => Ok(None),
    }
}

/// The key login tokens were signed with, if one was kept.
pub fn signing_key(connection: &Connection) -> Result<Option<[u8; 32]>, String> {
    meta(connection, "signing_key")?
        .map(|bytes| {
            <[u8; 32]>::try_from(bytes.as_slice())
                .map_err(|_| "meta signing_key: not 32 bytes".to_string())
        })
        .transpose()
}

/// The emulator's clock, if it was set.
pub fn clock(connection: &Connection) -> Result<Option<ClockSetting>, String> {
    meta(connection, "clock")?
        .map(|bytes| {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            json("meta clock", &text)
        })
        .transpose()
}

pub fn settings(connection: &Connection) -> Result<Vec<StoredSetting>, String> {
    let mut statement = connection
        .prepare(
            "SELECT key, release, dataset, dataset_seed FROM organisation_settings ORDER BY key",
        )
        .map_err(|e| broken("organisation_settings", e))?;
    let rows = statement
        .query_map([], |row| {
            let dataset: Option<String> = row.get(2)?;
            let seed: Option<i64> = row.get(3)?;
            Ok(StoredSetting {
                key: row.get(0)?,
                release: row.get(1)?,
                dataset: dataset.map(|d| (d, seed.unwrap_or(0) as u64)),
            })
        })
        .map_err(|e| broken("organisation_settings", e))?;
    rows.map(|r| r.map_err(|e| broken("organisation_settings", e)))
        .collect()
}

pub fn tenants(connection: &Connection) -> Result<Vec<StoredTenant>, String> {
    let mut statement = connection
        .prepare(
            "SELECT key, organisation, incarnation, reference, clock FROM tenants ORDER BY key",
        )
        .map_err(|e| broken("tenants", e))?;
    let rows = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, Option<String>>(4)?,
            ))
        })
        .map_err(|e| broken("tenants", e))?;
    let mut tenants = Vec::new();
    for row in rows {
        let (key, organisation, incarnation, reference, clock) =
            row.map_err(|e| broken("tenants", e))?;
        let clock = clock
            .map(|text| json(format!("tenants {key:?} clock"), &text))
            .transpose()?;
        tenants.push(StoredTenant {
            incarnation: u64::try_from(incarnation).unwrap_or(0),
            key,
            organisation,
            reference,
            clock,
        });
    }
    Ok(tenants)
}

/// The reference data of hash `hash`.
pub fn reference(connection: &Connection, hash: &str) -> Result<ReferenceData, String> {
    let place = format!("reference_data {hash:?}");
    let body: String = connection
        .query_row(
            "SELECT body FROM reference_data WHERE hash = ?1",
            [hash],
            |row| row.get(0),
        )
        .map_err(|e| broken(&place, e))?;
    json(place, &body)
}

/// Every access token, with its tenant key, in the order they were
/// created: one scan of the table in rowid order (reading them tenant by
/// tenant through the index made SQLite sort a million rows).
pub fn access_tokens(
    connection: &Connection,
    mut each: impl FnMut(&str, AccessToken) -> Result<(), String>,
) -> Result<(), String> {
    let mut statement = connection
        .prepare("SELECT tenant, body, id FROM access_tokens ORDER BY rowid")
        .map_err(|e| broken("access_tokens", e))?;
    let mut rows = statement
        .query([])
        .map_err(|e| broken("access_tokens", e))?;
    while let Some(row) = rows.next().map_err(|e| broken("access_tokens", e))? {
        let text = |i| -> Result<&str, String> {
            row.get_ref(i)
                .and_then(|v| v.as_str().map_err(Into::into))
                .map_err(|e| broken("access_tokens", e))
        };
        let (key, body) = (text(0)?, text(1)?);
        // The row is named only when it does not parse.
        let token = serde_json::from_str(body).map_err(|e| {
            broken(
                format!("access_tokens {key:?} {:?}", text(2).unwrap_or_default()),
                e,
            )
        })?;
        each(key, token)?;
    }
    Ok(())
}

/// The rows of `sql` (tenant key first, then two values), grouped by
/// tenant key into `C` in the table's order; `table` names the table in
/// errors, `make` each row's value.
fn by_tenant<A, B, T, C>(
    connection: &Connection,
    table: &str,
    sql: &str,
    make: impl Fn(&str, A, B) -> Result<T, String>,
) -> Result<HashMap<String, C>, String>
where
    A: rusqlite::types::FromSql,
    B: rusqlite::types::FromSql,
    C: Default + Extend<T>,
{
    let mut statement = connection.prepare(sql).map_err(|e| broken(table, e))?;
    let rows = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, A>(1)?,
                row.get::<_, B>(2)?,
            ))
        })
        .map_err(|e| broken(table, e))?;
    let mut grouped: HashMap<String, C> = HashMap::new();
    for row in rows {
        let (key, a, b) = row.map_err(|e| broken(table, e))?;
        let value = make(&key, a, b)?;
        grouped.entry(key).or_default().extend([value]);
    }
    Ok(grouped)
}

/// Every sent communication, by tenant key, oldest first.
pub fn communications(
    connection: &Connection,
) -> Result<HashMap<String, Vec<Communication>>, String> {
    by_tenant(
        connection,
        "communications",
        "SELECT tenant, number, body FROM communications ORDER BY rowid",
        |key, number: String, body: String| {
            json(format!("communications {key:?} {number:?}"), &body)
        },
    )
}

/// Every wallet balance the admin API set, by tenant key.
pub fn wallet_balances(
    connection: &Connection,
) -> Result<HashMap<String, BTreeMap<String, f64>>, String> {
    by_tenant(
        connection,
        "wallet_balances",
        "SELECT tenant, wallet_id, balance FROM wallet_balances",
        |_, wallet_id: String, balance: f64| Ok((wallet_id, balance)),
    )
}

/// Every snapshot, with its tenant key.
pub fn snapshots(connection: &Connection) -> Result<Vec<(String, Snapshot)>, String> {
    let mut statement = connection
        .prepare("SELECT tenant, name, saved_at, body FROM snapshots ORDER BY tenant, name")
        .map_err(|e| broken("snapshots", e))?;
    let rows = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
            ))
        })
        .map_err(|e| broken("snapshots", e))?;
    let mut snapshots = Vec::new();
    for row in rows {
        let (key, name, saved_at, body) = row.map_err(|e| broken("snapshots", e))?;
        let state: TenantState = json(format!("snapshots {key:?} {name:?}"), &body)?;
        snapshots.push((
            key,
            Snapshot {
                name,
                saved_at,
                state,
            },
        ));
    }
    Ok(snapshots)
}

/// Every kept login session, with its token.
pub fn sessions(connection: &Connection) -> Result<Vec<(String, Session)>, String> {
    let mut statement = connection
        .prepare(
            "SELECT token, tenant, user_id, unit_id, expires_at, idle_lifetime, \
             accounts_receivable_id, access_token_id FROM sessions",
        )
        .map_err(|e| broken("sessions", e))?;
    let rows = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                Session {
                    tenant: Arc::from(row.get::<_, String>(1)?),
                    user_id: Arc::from(row.get::<_, String>(2)?),
                    unit_id: Arc::from(row.get::<_, String>(3)?),
                    expires_at: row.get(4)?,
                    idle_lifetime: row.get(5)?,
                    accounts_receivable_id: row.get(6)?,
                    access_token_id: row.get(7)?,
                },
            ))
        })
        .map_err(|e| broken("sessions", e))?;
    rows.map(|r| r.map_err(|e| broken("sessions", e))).collect()
}
