//! Opening the state database: one SQLite file in `--state-dir`, private to
//! its owner, used by one emulator at a time, and checked before anything is
//! written to it, so a foreign, damaged or newer file is refused and left as
//! it was.

use super::schema::{self, APPLICATION_ID};
use rusqlite::{Connection, OpenFlags};
use std::fs::File;
use std::path::{Path, PathBuf};

/// The database's name inside `--state-dir`.
pub const FILE_NAME: &str = "crmcom-emulator.sqlite3";

/// An open state database.
#[derive(Debug)]
pub struct Database {
    pub connection: Connection,
    pub path: PathBuf,
    /// Held open, locked, for as long as the emulator uses the file, so a
    /// second emulator on the same directory is refused.
    pub lock: File,
    /// The check of every page, running beside the start's reading (see
    /// `verified`).
    integrity: Option<std::thread::JoinHandle<Result<(), String>>>,
}

impl Database {
    /// Waits for the check of every page that `open` started, then (the
    /// file whole and read) lets the database be written on close again and
    /// makes the file private if it was not. Call it before writing
    /// anything. The error names the file.
    pub fn accept(&mut self) -> Result<(), String> {
        self.verified()?;
        let named = |e: &dyn std::fmt::Display| format!("{}: {e}", self.path.display());
        self.connection
            .set_db_config(
                rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
                false,
            )
            .map_err(|e| named(&e))?;
        restrict(&self.path).map_err(|e| named(&e))
    }

    /// Waits for the check of every page that `open` started.
    fn verified(&mut self) -> Result<(), String> {
        match self.integrity.take().map(std::thread::JoinHandle::join) {
            None | Some(Ok(Ok(()))) => Ok(()),
            Some(Ok(Err(reason))) => Err(format!("{}: {reason}", self.path.display())),
            Some(Err(_)) => Err(format!(
                "{}: the check of its pages failed",
                self.path.display()
            )),
        }
    }
}

/// Opens (creating if needed) the database of state directory `dir`. The
/// error names the file and the reason.
pub fn open(dir: &Path) -> Result<Database, String> {
    private_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join(FILE_NAME);
    let named = |reason: String| format!("{}: {reason}", path.display());
    let lock = private_file(&path).map_err(|e| named(e.to_string()))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(named(
                "another crmcom-emulator is using this state directory".into(),
            ))
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(named(format!("cannot lock: {e}"))),
    }
    let created = lock.metadata().map_err(|e| named(e.to_string()))?.len() == 0;
    let mut integrity = None;
    if !created {
        check(&path).map_err(named)?;
        // Reading every page takes a second a million tokens: it runs on a
        // core of its own while the start reads the rows.
        let path = path.clone();
        integrity = Some(
            std::thread::Builder::new()
                .name("state-dir check".into())
                .spawn(move || check_pages(&path))
                .map_err(|e| named(e.to_string()))?,
        );
    }
    let connection = Connection::open(&path).map_err(|e| named(e.to_string()))?;
    configure(&connection).map_err(|e| named(e.to_string()))?;
    let mut database = Database {
        connection,
        path: path.clone(),
        lock,
        integrity,
    };
    let migrations = schema::migrations();
    let pending = migrations
        .pending_migrations(&database.connection)
        .map_err(|e| named(e.to_string()))?;
    if pending > 0 {
        // Migrating writes: only to a file known to be whole.
        database.verified()?;
        migrations
            .to_latest(&mut database.connection)
            .map_err(|e| named(format!("cannot bring the schema up to date: {e}")))?;
    }
    Ok(database)
}

/// Reads every page of the tables and indexes (not their cross-checks), so
/// a damaged file is refused before anything is written to it.
fn check_pages(path: &Path) -> Result<(), String> {
    let connection = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| format!("cannot be opened: {e}"))?;
    let verdict: String = connection
        .query_row("PRAGMA quick_check(1)", [], |row| row.get(0))
        .map_err(|e| format!("damaged: {e}"))?;
    if verdict == "ok" {
        Ok(())
    } else {
        Err(format!("damaged: {verdict}"))
    }
}

/// Reads, without writing, whether the file at `path` is a state database
/// this emulator can use: its application id and schema version.
fn check(path: &Path) -> Result<(), String> {
    let connection = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| format!("cannot be opened: {e}"))?;
    let pragma = |name: &str| -> Result<i32, String> {
        connection
            .pragma_query_value(None, name, |row| row.get(0))
            .map_err(|e| format!("not a crmcom-emulator state database ({e})"))
    };
    let application_id = pragma("application_id")?;
    let version = pragma("user_version")?;
    if application_id != APPLICATION_ID {
        let tables: i64 = connection
            .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
            .map_err(|e| format!("not a crmcom-emulator state database ({e})"))?;
        // An SQLite file with nothing in it may become ours.
        if application_id != 0 || version != 0 || tables != 0 {
            return Err(format!(
                "not a crmcom-emulator state database (application_id {application_id}, {tables} tables)"
            ));
        }
    }
    if version > schema::latest_version() {
        return Err(format!(
            "written by a newer crmcom-emulator (schema version {version}; this one reads up to {})",
            schema::latest_version()
        ));
    }
    Ok(())
}

/// Write-ahead logging, so readers (a `sqlite3` shell looking at a demo)
/// never block the emulator; a commit is synced to disk before it is
/// acknowledged (`synchronous = FULL`), so power loss keeps it too.
fn configure(connection: &Connection) -> rusqlite::Result<()> {
    let mode: String =
        connection.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::InvalidParameterName(format!(
            "journal_mode stayed {mode}"
        )));
    }
    connection.pragma_update(None, "synchronous", "FULL")?;
    // Pages stay in the process instead of being read back from the OS on
    // every write (measured: with SQLite's default 2 MiB cache a third of
    // the writer's time went to reading pages). In KiB.
    connection.pragma_update(None, "cache_size", -65_536)?;
    // Reads at start map the file instead of copying every page through
    // read(2) (measured: a tenth of a million-token start). In bytes.
    connection.pragma_update(None, "mmap_size", 1i64 << 32)?;
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    connection.pragma_update(None, "foreign_keys", true)?;
    // Closing must not write until the start has read the file and found
    // it whole: a refused file is left as it was (`Database::accept`).
    connection.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
        true,
    )?;
    Ok(())
}

#[cfg(unix)]
fn private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// Opens the database file, creating it (empty, owner-only) if missing.
/// SQLite gives its `-wal` and `-shm` files the database's permissions.
fn private_file(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

#[cfg(unix)]
fn restrict(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn restrict(_path: &Path) -> std::io::Result<()> {
    Ok(())
}
