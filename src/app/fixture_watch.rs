//! `--watch`: the `--fixtures` directory watched with `notify`, its events
//! debounced (an editor's save is several), each settled change of a
//! `.json` file reloading the fixtures (`AppState::reload_fixtures`).

use crate::app::state::AppState;
use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode, DebouncedEvent};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// How long the directory must be quiet before a reload: an editor's save
/// (a temporary file, a rename) and a `cp` of several files settle well
/// within it.
pub const SETTLE: Duration = Duration::from_millis(250);

/// Watches while it lives; dropping it stops the watching.
pub struct FixtureWatcher {
    _debouncer: notify_debouncer_mini::Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>,
}

impl std::fmt::Debug for FixtureWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FixtureWatcher")
    }
}

/// Starts watching `state`'s `--fixtures` directory; the error says why it
/// cannot be watched.
pub fn watch(state: Arc<AppState>) -> Result<FixtureWatcher, String> {
    let dir = state
        .config
        .fixtures
        .clone()
        .ok_or("--watch needs --fixtures DIR")?;
    let shown = dir.display().to_string();
    let watched = dir.clone();
    let mut last = fingerprint(&dir);
    let handler = move |events: Result<Vec<DebouncedEvent>, _>| {
        let events = match events {
            Ok(events) => events,
            Err(e) => {
                tracing::error!("--watch {shown}: {e}");
                return;
            }
        };
        if !events.iter().any(|e| is_fixture_file(&e.path)) {
            return;
        }
        // Reading a file is an event too (inotify's open and close): only
        // a file written, added or removed since the last look reloads,
        // else every reload would set off the next.
        let now = fingerprint(&watched);
        if now == last {
            return;
        }
        last = now;
        match state.reload_fixtures() {
            Ok(done) => tracing::info!(
                "fixtures reloaded: {} organisations moved to them, {} keep their data until their next reset",
                done.moved,
                done.waiting
            ),
            Err(problem) => {
                tracing::error!("fixtures not reloaded, the running ones stay: {problem}")
            }
        }
    };
    let mut debouncer =
        new_debouncer(SETTLE, handler).map_err(|e| format!("--watch {}: {e}", dir.display()))?;
    debouncer
        .watcher()
        .watch(&dir, RecursiveMode::NonRecursive)
        .map_err(|e| format!("--watch {}: {e}", dir.display()))?;
    Ok(FixtureWatcher {
        _debouncer: debouncer,
    })
}

/// The `.json` files of `dir` with their sizes and modification times,
/// read from their metadata (which opens no file).
fn fingerprint(dir: &Path) -> Vec<(std::ffi::OsString, u64, Option<std::time::SystemTime>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| is_fixture_file(&entry.path()))
        .map(|entry| {
            let meta = entry.metadata().ok();
            (
                entry.file_name(),
                meta.as_ref().map_or(0, std::fs::Metadata::len),
                meta.and_then(|m| m.modified().ok()),
            )
        })
        .collect();
    files.sort();
    files
}

/// A `.json` file (editors' temporary and backup files are not).
fn is_fixture_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}
