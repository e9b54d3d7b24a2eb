//! `--watch`: the `--fixtures` directory watched with `notify`, its events
//! gathered for a moment (an editor's save is several), each batch that
//! changed a fixture file reloading the fixtures
//! (`AppState::reload_fixtures`).

use crate::app::state::AppState;
use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode, DebouncedEvent};
use parking_lot::Mutex;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// How long events are gathered before the directory is looked at: an
/// editor's save (a temporary file, a rename) and a `cp` of several files
/// fall in one batch.
pub const SETTLE: Duration = Duration::from_millis(250);

/// Watches while it lives. Dropping it waits for a reload under way, then
/// stops: none runs after the state directory closes.
pub struct FixtureWatcher {
    debouncer:
        Option<notify_debouncer_mini::Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>>,
    /// Held by a reload from start to end; `true` once stopping.
    stopped: Arc<Mutex<bool>>,
}

impl std::fmt::Debug for FixtureWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FixtureWatcher")
    }
}

impl Drop for FixtureWatcher {
    fn drop(&mut self) {
        *self.stopped.lock() = true;
        drop(self.debouncer.take());
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
    let stopped = Arc::new(Mutex::new(false));
    let stopping = stopped.clone();
    let handler = move |events: Result<Vec<DebouncedEvent>, _>| {
        if let Err(e) = events {
            tracing::error!("--watch {shown}: {e}");
            return;
        }
        let stopped = stopping.lock();
        if *stopped {
            return;
        }
        // Reading a file is an event too (inotify's open and close), and
        // a ConfigMap swaps a `..data` link, not the files: the files'
        // metadata decides, so that only a change reloads.
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
        .watch(&dir, RecursiveMode::Recursive)
        .map_err(|e| format!("--watch {}: {e}", dir.display()))?;
    Ok(FixtureWatcher {
        debouncer: Some(debouncer),
        stopped,
    })
}

/// The fixture files of `dir` as their metadata says (through symbolic
/// links, so a ConfigMap's swapped `..data` shows): size, modification time
/// to the nanosecond and, on Unix, the inode a save by rename replaces.
/// Reading the files themselves would be an event of its own, and a loop.
fn fingerprint(dir: &Path) -> Vec<(std::ffi::OsString, u64, Option<std::time::SystemTime>, u64)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| crate::app::fixtures::is_fixture_name(&entry.file_name()))
        .map(|entry| {
            let meta = std::fs::metadata(entry.path()).ok();
            #[cfg(unix)]
            let inode = meta.as_ref().map_or(0, std::os::unix::fs::MetadataExt::ino);
            #[cfg(not(unix))]
            let inode = 0;
            (
                entry.file_name(),
                meta.as_ref().map_or(0, std::fs::Metadata::len),
                meta.and_then(|m| m.modified().ok()),
                inode,
            )
        })
        .collect();
    files.sort();
    files
}
