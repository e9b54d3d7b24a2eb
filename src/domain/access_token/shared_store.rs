//! A tenant's access tokens behind its lock, shared with every tenant that
//! starts from the same data until one of them changes its own: copy on
//! write. A thousand organisations on `--dataset large` then hold one copy
//! of its twenty thousand tokens, not a thousand (issue 19: 20 MB each).

use crate::core::error::ApiResult;
use crate::domain::access_token::entity::AccessToken;
use crate::domain::access_token::store::AccessTokenStore;
use parking_lot::{MappedRwLockReadGuard, RwLock};
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

    /// The store, exclusively: read through it to locate and check, then
    /// change it through `StoreWriter::own`, which copies it first if it is
    /// still shared. A write that fails its checks copies nothing.
    pub fn write(&self) -> StoreWriter<'_> {
        StoreWriter(self.0.write())
    }

    /// Whether the store is still `store` itself, unchanged since this
    /// tenant started from it (`--watch` moves such tenants to new
    /// fixtures).
    pub fn is(&self, store: &Arc<AccessTokenStore>) -> bool {
        Arc::ptr_eq(&self.0.read(), store)
    }

    /// Whether this tenant still shares its store with another.
    pub fn is_shared(&self) -> bool {
        Arc::strong_count(&self.0.read()) > 1
    }
}

/// The tenant's store under its write lock (see `SharedStore::write`).
pub struct StoreWriter<'a>(RwLockWriteGuard<'a, Arc<AccessTokenStore>>);

impl StoreWriter<'_> {
    /// This tenant's own store, to change: copied now if another tenant
    /// still shares it.
    pub fn own(&mut self) -> &mut AccessTokenStore {
        Arc::make_mut(&mut self.0)
    }

    /// `AccessTokenStore::insert`, checked before the store is copied, so
    /// a refused insert copies nothing (and nothing is checked twice).
    pub fn insert(&mut self, token: AccessToken) -> ApiResult<()> {
        let checked = self.check_insert(&token)?;
        self.own().apply(checked, token);
        Ok(())
    }

    /// `AccessTokenStore::replace`, checked before the store is copied.
    pub fn replace(&mut self, token: AccessToken) -> ApiResult<()> {
        let checked = self.check_replace(&token)?;
        self.own().apply(checked, token);
        Ok(())
    }
}

impl std::ops::Deref for StoreWriter<'_> {
    type Target = AccessTokenStore;
    fn deref(&self) -> &AccessTokenStore {
        &self.0
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
        // Reading under the write lock copies nothing; changing does.
        assert_eq!(a.write().len(), 0);
        assert!(a.is_shared());
        a.write().own();
        assert!(!a.is_shared());
        // b and `base` still share theirs.
        assert!(b.is_shared());
    }
}
