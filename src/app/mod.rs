//! The application: the state every request shares (the composition root),
//! the tenants' registry, fixtures, datasets, snapshots, persistence, the
//! journal and fault injection. Imports `api`, `domain` and `core`.

pub mod dataset;
pub mod fault_spec;
pub mod faults;
pub mod fixture_checks;
pub mod fixtures;
pub mod journal;
pub mod journal_entry;
pub mod organisations;
pub mod persistence;
pub mod redaction;
pub mod registry;
pub mod snapshot;
pub mod state;
