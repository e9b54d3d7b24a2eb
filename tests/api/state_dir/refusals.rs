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

#[test]
fn a_damaged_database_is_refused() {
    let dir = StateDir::new("damaged");
    let running = start(&dir.0, &[]);
    let token = running.login("acme");
    for i in 0..200 {
        running.call(
            "POST",
            &format!("{}/access_tokens/create", super::API),
            &serde_json::json!({"token": token, "authentication_code": format!("DAMAGE-{i}")}),
        );
    }
    running.stop();
    // Overwrite the middle of the file, where the tables' pages are.
    let mut bytes = std::fs::read(dir.database()).unwrap();
    let middle = bytes.len() / 2;
    let end = (middle + 4096).min(bytes.len());
    for b in &mut bytes[middle..end] {
        *b = 0xA5;
    }
    std::fs::write(dir.database(), &bytes).unwrap();
    let (status, stderr) = refused(&dir.0);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&dir.database().display().to_string()),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(dir.database()).unwrap(),
        bytes,
        "left untouched"
    );
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
