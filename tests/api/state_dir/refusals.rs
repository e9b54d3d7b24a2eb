//! A state directory the emulator cannot use stops the start with exit code
//! 2, the file and the reason named, and the file left as it was.

use super::{refused, start, StateDir};

fn assert_refused_untouched(dir: &StateDir, reason: &str) {
    let file = dir.database();
    let before = std::fs::read(&file).unwrap();
    let (status, stderr) = refused(&dir.0);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&file.display().to_string()), "{stderr}");
    assert!(stderr.contains(reason), "{reason:?} in {stderr}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "the file is left untouched"
    );
    // Reading a database in WAL mode may leave an empty log beside it,
    // never one with pages in it.
    let wal = dir.0.join("crmcom-emulator.sqlite3-wal");
    assert!(
        std::fs::metadata(&wal).map_or(true, |m| m.len() == 0),
        "{wal:?}"
    );
}

#[test]
fn a_file_that_is_not_a_database_is_refused() {
    let dir = StateDir::new("garbage");
    std::fs::create_dir_all(&dir.0).unwrap();
    std::fs::write(dir.database(), b"{\"tenants\": [] } and some more bytes").unwrap();
    assert_refused_untouched(&dir, "not a crmcom-emulator state database");
}

#[test]
fn an_sqlite_database_of_another_program_is_refused() {
    let dir = StateDir::new("foreign");
    std::fs::create_dir_all(&dir.0).unwrap();
    let other = rusqlite::Connection::open(dir.database()).unwrap();
    other
        .execute_batch("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('x');")
        .unwrap();
    drop(other);
    assert_refused_untouched(&dir, "not a crmcom-emulator state database");
}

#[test]
fn a_database_of_a_newer_version_is_refused() {
    let dir = StateDir::new("newer");
    start(&dir.0, &[]).stop();
    let db = rusqlite::Connection::open(dir.database()).unwrap();
    db.pragma_update(None, "user_version", 99).unwrap();
    drop(db);
    assert_refused_untouched(&dir, "newer crmcom-emulator");
}

/// Fills a database with tokens and stops it cleanly (the tables are in
/// the file), changes it again and stops it with `signal` (KILL leaves
/// those changes in the write-ahead log), then overwrites every page of the
/// file after the first.
fn damaged(name: &str, signal: &str) -> StateDir {
    let dir = StateDir::new(name);
    let fill = |running: &super::Running, from: usize, to: usize| {
        let token = running.login("acme");
        for i in from..to {
            running.call(
                "POST",
                &format!("{}/access_tokens/create", super::API),
                &serde_json::json!({"token": token, "authentication_code": format!("DAMAGE-{i}")}),
            );
        }
    };
    let running = start(&dir.0, &[]);
    fill(&running, 0, 200);
    running.stop();
    let running = start(&dir.0, &[]);
    fill(&running, 200, 250);
    let _ = running.signal(signal);
    let mut bytes = std::fs::read(dir.database()).unwrap();
    for b in &mut bytes[4096..] {
        *b = 0xA5;
    }
    std::fs::write(dir.database(), &bytes).unwrap();
    dir
}

#[test]
fn a_damaged_database_is_refused() {
    let dir = damaged("damaged", "TERM");
    let before = std::fs::read(dir.database()).unwrap();
    let (status, stderr) = refused(&dir.0);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&dir.database().display().to_string()),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(dir.database()).unwrap(),
        before,
        "left untouched"
    );
}

#[test]
fn a_damaged_database_with_a_log_after_a_crash_keeps_both_untouched() {
    let dir = damaged("damaged-log", "KILL");
    let wal = dir.0.join("crmcom-emulator.sqlite3-wal");
    let (database, log) = (
        std::fs::read(dir.database()).unwrap(),
        std::fs::read(&wal).unwrap(),
    );
    assert!(!log.is_empty(), "the crash left the changes in the log");
    let (status, stderr) = refused(&dir.0);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert_eq!(
        std::fs::read(dir.database()).unwrap(),
        database,
        "database untouched"
    );
    assert_eq!(std::fs::read(&wal).unwrap(), log, "log untouched");
}

#[test]
fn a_second_emulator_on_the_same_state_dir_is_refused() {
    let dir = StateDir::new("twice");
    let first = start(&dir.0, &[]);
    let (status, stderr) = refused(&dir.0);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("another crmcom-emulator"), "{stderr}");
    first.stop();
    // Released at the stop.
    start(&dir.0, &[]).stop();
}
