//! The journal stays bounded however large the calls it records (issue 19,
//! row 1): it is read a page at a time, keeps redacted text, and holds at
//! most `--journal-max-bytes`.

use crate::helpers::{spawn_with, TestApp};
use crmcom_emulator::Config;
use serde_json::Value;

/// The body: a 16,301-byte JSON array of zeros.
fn zeros_body() -> Vec<u8> {
    let mut body = b"[0".to_vec();
    while body.len() < 16_299 {
        body.extend_from_slice(b",0");
    }
    body.push(b']');
    body
}

fn post_raw(app: &TestApp, body: &[u8]) {
    let reply = app.request(
        "POST",
        "/crmapi/rest/v2/access_tokens/show",
        &[("Content-Type", "application/json")],
        body,
    );
    assert_eq!(reply.status, 200);
}

fn page(app: &TestApp, query: &str) -> (Value, usize) {
    let reply = app.request("GET", &format!("/__admin/journal?{query}"), &[], b"");
    assert_eq!(reply.status, 200);
    let size = reply.body.len();
    (reply.json()["data"].clone(), size)
}

fn ids(page: &Value) -> Vec<u64> {
    page["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["id"].as_u64().expect("id"))
        .collect()
}

#[test]
fn a_journal_of_large_bodies_is_read_a_page_at_a_time() {
    let app = spawn_with(Config {
        journal_size: 1000,
        ..Config::default()
    });
    let body = zeros_body();
    assert_eq!(body.len(), 16_301);
    for _ in 0..300 {
        post_raw(&app, &body);
    }
    // The default page is the newest 100, each request kept as it came.
    let (newest, size) = page(&app, "");
    assert_eq!(ids(&newest), (201..=300).collect::<Vec<u64>>());
    assert_eq!(newest["remaining"], 200);
    assert_eq!(newest["newest_id"], 300);
    assert_eq!(
        newest["entries"][0]["request"].as_array().map(Vec::len),
        Some(8_150)
    );
    assert!(
        size < 100 * 17_500,
        "a page is about its entries' bytes: {size}"
    );
    // Paging forward from an id gives the first entries after it.
    let (first, _) = page(&app, "after_id=0&limit=10");
    assert_eq!(ids(&first), (1..=10).collect::<Vec<u64>>());
    assert_eq!(first["remaining"], 290);
    let (next, _) = page(&app, "after_id=10&limit=3");
    assert_eq!(ids(&next), [11, 12, 13]);
    let (last, _) = page(&app, "after_id=299&limit=10");
    assert_eq!(ids(&last), [300]);
    assert_eq!(last["remaining"], 0);
}

#[test]
fn the_journal_is_bounded_in_bytes_as_well_as_entries() {
    let app = spawn_with(Config {
        journal_size: 1000,
        journal_max_bytes: 200_000,
        ..Config::default()
    });
    let body = zeros_body();
    for _ in 0..50 {
        post_raw(&app, &body);
    }
    let (all, _) = page(&app, "limit=1000");
    let kept = ids(&all);
    // About 200,000 / 16,500 entries: the newest, the oldest gone.
    assert!((10..=12).contains(&kept.len()), "{kept:?}");
    assert_eq!(kept.last(), Some(&50));
    assert!(
        all["bytes"].as_u64().expect("bytes") <= 200_000,
        "{}",
        all["bytes"]
    );
}
