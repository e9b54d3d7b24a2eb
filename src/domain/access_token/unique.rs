//! The store's unique indexes (id, authentication code, identifier): hash
//! tables of token positions that hash the token's own field, not a copy of
//! it. Kept by hand for the memory figure (a tenant of a million tokens
//! ≤ 1 GiB; 687 MiB measured): for a million tokens, `HashMap<String, u32>`
//! indexes and a `BTreeMap` number order take 492.7 MiB against 57.8 MiB
//! for these positions (`cargo run --release --example index_memory`),
//! which would put the tenant at about 1,120 MiB.

use super::chunked::ChunkedVec;
use super::entity::AccessToken;
use hashbrown::HashTable;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

/// A unique index: positions of tokens, found by hashing one of their
/// fields.
#[derive(Clone, Default)]
pub struct Unique {
    table: HashTable<Entry>,
}

/// An index entry: a token's position and 32 bits of its field's hash, so
/// growing the table rehashes from the entries alone. Hashing every token's
/// string again paused creates for tens of milliseconds a table at half a
/// million tokens.
#[derive(Clone, Copy)]
struct Entry {
    at: u32,
    hash: u32,
}

/// The table's 64-bit hash of a kept 32-bit one: the multiplication spreads
/// it into the top bits, which the table uses too.
fn spread(hash: u32) -> u64 {
    u64::from(hash).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

fn hash32(hasher: &RandomState, value: &str) -> u32 {
    // Truncation on purpose: the low 32 bits of a SipHash.
    hasher.hash_one(value) as u32
}

/// Which field a unique index hashes.
#[derive(Clone, Copy)]
pub enum Field {
    Id,
    AuthenticationCode,
    Identifier,
}

impl Field {
    pub fn of(self, token: &AccessToken) -> Option<&str> {
        match self {
            Field::Id => Some(&token.id),
            Field::AuthenticationCode => Some(&token.authentication_code),
            Field::Identifier => token.identifier.as_deref(),
        }
    }
}

impl Unique {
    pub fn find(
        &self,
        tokens: &ChunkedVec<AccessToken>,
        hasher: &RandomState,
        field: Field,
        value: &str,
    ) -> Option<u32> {
        let hash = hash32(hasher, value);
        self.table
            .find(spread(hash), |e| {
                e.hash == hash && field.of(&tokens[e.at as usize]) == Some(value)
            })
            .map(|e| e.at)
    }

    pub fn insert(
        &mut self,
        tokens: &ChunkedVec<AccessToken>,
        hasher: &RandomState,
        field: Field,
        at: u32,
    ) {
        if let Some(value) = field.of(&tokens[at as usize]) {
            let hash = hash32(hasher, value);
            self.table
                .insert_unique(spread(hash), Entry { at, hash }, |e| spread(e.hash));
        }
    }

    pub fn remove(&mut self, hasher: &RandomState, value: &str, at: u32) {
        if let Ok(entry) = self
            .table
            .find_entry(spread(hash32(hasher, value)), |e| e.at == at)
        {
            entry.remove();
        }
    }
}
