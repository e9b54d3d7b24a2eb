//! The application: the state every request shares (the composition root),
//! the tenants' registry, fixtures, datasets, snapshots, persistence, the
//! journal and fault injection. Imports `api`, `domain` and `core`.

pub mod dataset;
pub mod faults;
pub mod fixtures;
pub mod journal;
pub mod persistence;
pub mod registry;
pub mod snapshot;
pub mod state;
