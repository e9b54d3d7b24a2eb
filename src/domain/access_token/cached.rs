//! An opaque slot where the API layer keeps a token's serialised reply, and
//! the store's count of filled slots. The domain never reads the bytes: a
//! changed token is a new value (`modify` edits a clone and replaces), and a
//! clone starts with an empty slot, so stale bytes cannot be served.

use bytes::Bytes;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Most serialised replies a tenant keeps (about 1.3 KB each): bounds the
/// memory the slots take in a tenant of a million tokens.
pub const BUDGET: usize = 65_536;

/// One token's kept reply bytes, once made.
#[derive(Default)]
pub struct CachedReply(OnceLock<Bytes>);

impl CachedReply {
    pub fn is_filled(&self) -> bool {
        self.0.get().is_some()
    }

    /// The kept bytes, if any.
    pub fn get(&self) -> Option<&Bytes> {
        self.0.get()
    }

    /// Keeps `bytes` while the store's `filled` count is under `BUDGET`;
    /// a place is claimed first, so concurrent readers never pass it.
    pub fn keep(&self, filled: &Filled, bytes: Bytes) {
        if filled.0.fetch_add(1, Ordering::Relaxed) < BUDGET {
            if self.0.set(bytes).is_err() {
                // Another reader filled it first and counted itself.
                filled.0.fetch_sub(1, Ordering::Relaxed);
            }
        } else {
            filled.0.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// A copy is a token about to change: it starts without bytes.
impl Clone for CachedReply {
    fn clone(&self) -> Self {
        CachedReply::default()
    }
}

/// The cache is not part of a token's value.
impl PartialEq for CachedReply {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for CachedReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.is_filled() {
            "CachedReply(filled)"
        } else {
            "CachedReply(empty)"
        })
    }
}

/// How many of a store's tokens hold their bytes. A cloned store holds
/// clones of tokens, which hold none.
#[derive(Debug, Default)]
pub struct Filled(AtomicUsize);

impl Clone for Filled {
    fn clone(&self) -> Self {
        Filled::default()
    }
}

impl Filled {
    /// Counts out a token leaving the store.
    pub fn forget(&self, cached: &CachedReply) {
        if cached.is_filled() {
            self.0.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// How many are filled (tests of the budget).
    #[cfg(any(test, feature = "testing"))]
    pub fn count(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}
