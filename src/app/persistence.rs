//! `--state-dir`: snapshots are written when saved, every tenant when the
//! emulator stops, and all of it is loaded again at start, so a demo survives
//! a restart. Every file is written to a temporary name and renamed, so a
//! crash leaves the old file or the new one, never half of one.
//!
//! Layout: `tenants/<tenant>.json` (a `TenantState`) and
//! `snapshots/<tenant>/<name>.json` (a `Snapshot`); `<tenant>` is the
//! lower-cased organisation, percent-encoded to a safe file name.

use crate::app::snapshot::{Snapshot, TenantState};
use crate::domain::tenant::tenant_key;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Everything but letters, digits, `-` and `_` is encoded (dots too, so no
/// name can be `.` or `..`).
const FILE_SAFE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_');

fn file_stem(tenant_key: &str) -> String {
    utf8_percent_encode(tenant_key, FILE_SAFE).to_string()
}

fn tenants_dir(dir: &Path) -> PathBuf {
    dir.join("tenants")
}

fn snapshots_dir(dir: &Path, tenant_key: &str) -> PathBuf {
    dir.join("snapshots").join(file_stem(tenant_key))
}

/// Writes `bytes` to `path` through a temporary file and a rename.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp-{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

fn to_json<T: serde::Serialize>(value: &T) -> std::io::Result<Vec<u8>> {
    serde_json::to_vec_pretty(value).map_err(std::io::Error::other)
}

pub fn write_snapshot(dir: &Path, tenant_key: &str, snapshot: &Snapshot) -> std::io::Result<()> {
    let path = snapshots_dir(dir, tenant_key).join(format!("{}.json", snapshot.name));
    write_atomically(&path, &to_json(snapshot)?)
}

pub fn remove_snapshot(dir: &Path, tenant_key: &str, name: &str) -> std::io::Result<()> {
    match std::fs::remove_file(snapshots_dir(dir, tenant_key).join(format!("{name}.json"))) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Writes every tenant, and removes the files of tenants deleted since.
/// Returns how many tenants were written.
/// Writes every tenant's document (`docs`, made one at a time, so only one
/// is in memory) and removes the files of tenants not among them; answers
/// how many were written.
pub fn save_tenants(dir: &Path, docs: impl Iterator<Item = TenantState>) -> std::io::Result<usize> {
    let mut kept = std::collections::HashSet::new();
    for doc in docs {
        let stem = file_stem(&tenant_key(&doc.organisation));
        write_atomically(
            &tenants_dir(dir).join(format!("{stem}.json")),
            &to_json(&doc)?,
        )?;
        kept.insert(format!("{stem}.json"));
    }
    if let Ok(entries) = std::fs::read_dir(tenants_dir(dir)) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if name.ends_with(".json") && !kept.contains(&name) {
                std::fs::remove_file(entry.path())?;
            }
        }
    }
    Ok(kept.len())
}

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

/// Loads every tenant and snapshot found in `dir`. A file that cannot be
/// read or does not check out stops the start, naming the file: silently
/// dropping a demo's data would be worse.
/// Reads the state directory `dir`, handing each tenant's document to
/// `tenant` (with its file) and each snapshot to `snapshot` (with its
/// tenant key) as it is read, so one document at a time is in memory. A
/// file that does not read or parse is an error naming it.
pub fn load(
    dir: &Path,
    mut tenant: impl FnMut(&Path, TenantState) -> Result<(), String>,
    mut snapshot: impl FnMut(&str, Snapshot),
) -> Result<(), String> {
    for path in json_files(&tenants_dir(dir)) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_file_names_cannot_escape_the_directory() {
        assert_eq!(file_stem("acme"), "acme");
        assert_eq!(file_stem("../etc"), "%2E%2E%2Fetc");
        assert_eq!(file_stem("a b"), "a%20b");
    }
}
