//! The state directory as versions before the database wrote it: one JSON
//! file per tenant (`tenants/<tenant>.json`, a `TenantState`) and per
//! snapshot (`snapshots/<tenant>/<name>.json`, a `Snapshot`), `<tenant>`
//! being the percent-encoded tenant key. A new database imports them once;
//! the files are left where they are.

use crate::app::snapshot::{Snapshot, TenantState};
use percent_encoding::percent_decode_str;
use std::path::{Path, PathBuf};

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, String> {
    let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// Whether `dir` holds files of the older layout.
pub fn present(dir: &Path) -> bool {
    dir.join("tenants").is_dir() || dir.join("snapshots").is_dir()
}

/// Reads the older layout in `dir`, handing each tenant's document to
/// `tenant` (with its file) and each snapshot to `snapshot` (with its
/// tenant key), one document at a time. A file that does not read or parse
/// is an error naming it.
pub fn load(
    dir: &Path,
    mut tenant: impl FnMut(&Path, TenantState) -> Result<(), String>,
    mut snapshot: impl FnMut(&str, Snapshot),
) -> Result<(), String> {
    for path in json_files(&dir.join("tenants")) {
        let doc: TenantState = read_json(&path)?;
        tenant(&path, doc)?;
    }
    for tenant_dir in std::fs::read_dir(dir.join("snapshots"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let stem = tenant_dir.file_name().to_string_lossy().to_string();
        let key = percent_decode_str(&stem).decode_utf8_lossy().to_string();
        for path in json_files(&tenant_dir.path()) {
            let loaded: Snapshot = read_json(&path)?;
            if !crate::app::snapshot::valid_name(&loaded.name) {
                return Err(format!(
                    "{}: the snapshot name is not valid",
                    path.display()
                ));
            }
            snapshot(&key, loaded);
        }
    }
    Ok(())
}
