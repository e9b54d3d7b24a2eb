//! What the store's hand-written indexes save, measured: the resident
//! memory that the plain std collections would add for a tenant of a
//! million access tokens, against the hash tables of positions the store
//! keeps (`domain/access_token/unique.rs`, `number_order.rs`).
//!
//! `cargo run --release --example index_memory [TOKENS]` prints, in MiB,
//! the growth of the process for each way of indexing TOKENS tokens
//! (default 1,000,000) by id, authentication code and identifier (three
//! unique indexes) and by number (ordered), as the store needs them. The
//! tokens' own strings are made first and not counted: both ways keep them.

use std::collections::{BTreeMap, HashMap};

/// The resident set of this process, in KiB.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0)
}

/// One token's indexed fields, as the bench's creates make them.
struct Fields {
    id: String,
    authentication_code: String,
    identifier: String,
    number: String,
}

fn hex32(n: u64, salt: u64) -> String {
    format!(
        "{:016X}{:016X}",
        n.wrapping_mul(0x9E37_79B9_7F4A_7C15),
        n ^ salt
    )
}

fn main() {
    let count: u64 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let tokens: Vec<Fields> = (0..count)
        .map(|n| Fields {
            id: hex32(n, 1),
            authentication_code: hex32(n, 2),
            identifier: format!("stock-{n}"),
            number: format!("ACT{:010}", n + 1),
        })
        .collect();
    let base = rss_kib();

    // The store's way, first (so neither measure reuses what the other
    // freed): positions with 32 bits of hash, no key copied, and number
    // order as a vector of positions.
    let mut unique: Vec<hashbrown::HashTable<(u32, u32)>> =
        (0..3).map(|_| hashbrown::HashTable::new()).collect();
    let mut in_order: Vec<u32> = Vec::new();
    for at in 0..count as u32 {
        for (i, table) in unique.iter_mut().enumerate() {
            let hash = u64::from(at).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ i as u64;
            table.insert_unique(hash, (at, hash as u32), |e| u64::from(e.1));
        }
        in_order.push(at);
    }
    let positions_kib = rss_kib().saturating_sub(base);
    std::hint::black_box((&unique, &in_order, &tokens));

    // std: a copy of each key in each index, numbers ordered as (prefix,
    // value, text) like the store's comparison (measured on top).
    let again = rss_kib();
    let mut by_id: HashMap<String, u32> = HashMap::new();
    let mut by_code: HashMap<String, u32> = HashMap::new();
    let mut by_identifier: HashMap<String, u32> = HashMap::new();
    let mut by_number: BTreeMap<(String, u64, String), u32> = BTreeMap::new();
    for (at, t) in tokens.iter().enumerate() {
        let at = at as u32;
        by_id.insert(t.id.clone(), at);
        by_code.insert(t.authentication_code.clone(), at);
        by_identifier.insert(t.identifier.clone(), at);
        let digits = t
            .number
            .trim_start_matches(|c: char| c.is_ascii_alphabetic());
        let prefix = t.number[..t.number.len() - digits.len()].to_string();
        by_number.insert((prefix, digits.parse().unwrap_or(0), t.number.clone()), at);
    }
    let std_kib = rss_kib().saturating_sub(again);
    std::hint::black_box((&by_id, &by_code, &by_identifier, &by_number));
    println!(
        "{count} tokens: std collections {:.1} MiB, positions {:.1} MiB",
        std_kib as f64 / 1024.0,
        positions_kib as f64 / 1024.0
    );
}
