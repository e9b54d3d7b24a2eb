//! A tenant's access tokens behind its lock, shared with every tenant that
//! starts from the same data until one of them changes its own: copy on
//! write. A thousand organisations on `--dataset large` then hold one copy
//! of its twenty thousand tokens, not a thousand (issue 19: 20 MB each).

use crate::domain::access_token::store::AccessTokenStore;
use parking_lot::{MappedRwLockReadGuard, MappedRwLockWriteGuard, RwLock};
use parking_lot::{RwLockReadGuard, RwLockWriteGuard};
use std::sync::Arc;

/// The lock over a tenant's store. `read` shares; `write` copies the store
/// first if another tenant still shares it (once: the copy is then this
/// tenant's own), then every change is a single atomic step as before.
#[derive(Debug, Default)]
pub struct SharedStore(RwLock<Arc<AccessTokenStore>>);

impl SharedStore {
    /// A lock over `store`, which other tenants may hold too.
    pub fn new(store: Arc<AccessTokenStore>) -> SharedStore {
        SharedStore(RwLock::new(store))
    }

    /// The store, for reading.
    pub fn read(&self) -> MappedRwLockReadGuard<'_, AccessTokenStore> {
        RwLockReadGuard::map(self.0.read(), |store| &**store)
    }

    /// The store, for changing: this tenant's own (copied on first write).
    pub fn write(&self) -> MappedRwLockWriteGuard<'_, AccessTokenStore> {
        RwLockWriteGuard::map(self.0.write(), Arc::make_mut)
    }

    /// Whether this tenant still shares its store with another.
    pub fn is_shared(&self) -> bool {
        Arc::strong_count(&self.0.read()) > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_is_copied_on_its_first_write_only() {
        let base = Arc::new(AccessTokenStore::default());
        let a = SharedStore::new(base.clone());
        let b = SharedStore::new(base.clone());
        assert!(a.is_shared() && b.is_shared());
        drop(a.write());
        assert!(!a.is_shared());
        // b and `base` still share theirs.
        assert!(b.is_shared());
    }
}
