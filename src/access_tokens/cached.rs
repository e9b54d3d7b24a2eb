//! Each token's reply object, checked against its schema and serialised once,
//! then kept until the token changes. Reads (show, list, get_not_associated)
//! answer from these bytes, so a reply costs neither a `Value`, nor a schema
//! check, nor serialisation.
//!
//! A changed token is a new value (`modify` edits a clone and replaces), and
//! a clone starts with an empty cache, so stale bytes cannot be served. The
//! store counts filled caches and stops filling at `BUDGET`, which bounds the
//! memory they take in a tenant of a million tokens.

use super::entity::AccessToken;
use super::reply::render_reply;
use crate::envelope::Framed;
use crate::error::ApiResult;
use crate::reference::Reference;
use crate::state::AppState;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Most serialised replies a tenant keeps (about 1.3 KB each).
pub const BUDGET: usize = 65_536;

/// One token's serialised reply object, once made.
#[derive(Default)]
pub struct CachedReply(OnceLock<Framed>);

impl CachedReply {
    pub fn is_filled(&self) -> bool {
        self.0.get().is_some()
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
    pub fn forget(&self, token: &AccessToken) {
        if token.cached.is_filled() {
            self.0.fetch_sub(1, Ordering::Relaxed);
        }
    }

    pub fn count(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

/// The token's reply object as checked JSON bytes in a success envelope:
/// kept ones, or made now (and kept while the budget allows).
pub fn reply_bytes(
    state: &AppState,
    reference: &Reference,
    filled: &Filled,
    token: &AccessToken,
) -> ApiResult<Framed> {
    if let Some(bytes) = token.cached.0.get() {
        return Ok(bytes.clone());
    }
    let bytes = render_reply(state, reference, token)?;
    // Claim a place first, so concurrent readers never pass the budget.
    if filled.0.fetch_add(1, Ordering::Relaxed) < BUDGET {
        if token.cached.0.set(bytes.clone()).is_err() {
            // Another reader filled it first and counted itself.
            filled.0.fetch_sub(1, Ordering::Relaxed);
        }
    } else {
        filled.0.fetch_sub(1, Ordering::Relaxed);
    }
    Ok(bytes)
}

/// A JSON array of reply objects, in a success envelope, written into
/// one allocation of its exact size (growing it copied a list's replies
/// twice).
pub fn array(items: impl IntoIterator<Item = ApiResult<Framed>>) -> ApiResult<Framed> {
    let items = items
        .into_iter()
        .map(|item| item.map(|framed| framed.data()))
        .collect::<ApiResult<Vec<_>>>()?;
    let size = items.iter().map(|data| data.len() + 1).sum::<usize>() + 2;
    Framed::write(size, |out| {
        out.push(b'[');
        for (i, data) in items.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(data);
        }
        out.push(b']');
        Ok(())
    })
}
