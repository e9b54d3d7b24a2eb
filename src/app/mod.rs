//! The application: the state every request shares (the composition root),
//! the tenants' registry, fixtures (and their reload under `--watch`), datasets, snapshots, `--state-dir`
//! (the database and its writer), the journal and fault injection. Imports `api`, `domain` and `core`.

pub mod dataset;
pub mod durable;
pub mod fault_spec;
pub mod faults;
pub mod fixture_checks;
pub mod fixture_reload;
pub mod fixture_reloads;
pub mod fixture_watch;
pub mod fixtures;
pub mod journal;
pub mod journal_entry;
pub mod journal_text;
pub mod legacy_state_files;
pub mod organisations;
pub mod redacted_json;
pub mod redaction;
pub mod registry;
pub mod snapshot;
pub mod state;
pub mod state_dir;
