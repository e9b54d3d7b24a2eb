//! `--state-dir`: the emulator's state kept in an SQLite database, written
//! through as it changes. A change is handed to the writer thread when it is
//! made in memory (under the same lock, so the database sees changes in the
//! order memory did) and answers a ticket; the reply to the client waits
//! until the writer has committed that ticket. Reads never touch the
//! database.
//!
//! Files: `database` opens and checks the file, `schema` holds its
//! versions, `writer` commits, `read` reads it back at start, `change` is
//! what travels between them.

pub mod change;
pub mod database;
mod progress;
pub mod read;
mod schema;
mod writer;

pub use change::Change;
pub use database::Database;

use parking_lot::Mutex;
use progress::Progress;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;

/// The writer's queue and the number of the last change put in it.
#[derive(Debug)]
struct Queue {
    last: u64,
    sender: Option<Sender<(u64, Change)>>,
}

/// Dropped only when the writer thread unwinds: settles every ticket as
/// failed, so no reply waits forever for a commit that cannot come.
struct Stopped<'a>(&'a Progress);

impl Drop for Stopped<'_> {
    fn drop(&mut self) {
        tracing::error!("--state-dir: the database writer stopped; changes are no longer kept");
        self.0
            .stop("--state-dir: the database writer stopped; the change is not kept".into());
    }
}

/// The handle on the database writer.
#[derive(Debug)]
pub struct Durable {
    queue: Mutex<Queue>,
    progress: Arc<Progress>,
    writer: Mutex<Option<JoinHandle<()>>>,
    /// Released once the writer has finished.
    lock: Mutex<Option<File>>,
    path: PathBuf,
}

impl Durable {
    /// Starts the writer on `database` (already read at start).
    pub fn start(database: Database) -> Result<Durable, String> {
        let (sender, receiver) = channel();
        let progress = Arc::new(Progress::default());
        let writer = {
            let progress = progress.clone();
            let connection = database.connection;
            std::thread::Builder::new()
                .name("state-dir writer".into())
                .spawn(move || {
                    let stopped = Stopped(&progress);
                    writer::run(connection, receiver, &progress);
                    std::mem::forget(stopped);
                })
                .map_err(|e| format!("cannot start the writer thread: {e}"))?
        };
        Ok(Durable {
            queue: Mutex::new(Queue {
                last: 0,
                sender: Some(sender),
            }),
            progress,
            writer: Mutex::new(Some(writer)),
            lock: Mutex::new(Some(database.lock)),
            path: database.path,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Hands `change` to the writer; answers its ticket (0 once closed).
    /// Call it in the same step as the change in memory, so the queue's
    /// order is memory's. If the writer is gone, the ticket's wait answers
    /// why.
    pub fn record(&self, change: Change) -> u64 {
        let mut queue = self.queue.lock();
        let Some(sender) = &queue.sender else {
            return 0;
        };
        let ticket = queue.last + 1;
        let _ = sender.send((ticket, change));
        queue.last = ticket;
        ticket
    }

    /// The ticket of the last change recorded.
    pub fn last(&self) -> u64 {
        self.queue.lock().last
    }

    /// Waits until `ticket` is committed; why it was not kept, if not.
    pub async fn committed(&self, ticket: u64) -> Result<(), String> {
        self.progress.settled(ticket).await
    }

    /// Waits until every change up to `to` is committed; the first failure
    /// among those after `from`.
    pub async fn committed_after(&self, from: u64, to: u64) -> Result<(), String> {
        self.progress.settled_after(from, to).await
    }

    /// `committed` of everything recorded so far, blocking the thread.
    pub fn flush_blocking(&self) -> Result<(), String> {
        self.progress.settled_blocking(self.last())
    }

    /// Lets the writer commit what is queued, waits for it to finish (it
    /// folds the write-ahead log into the file) and releases the file.
    /// Later changes are not kept. Idempotent.
    pub fn close(&self) {
        self.queue.lock().sender = None;
        if let Some(writer) = self.writer.lock().take() {
            let _ = writer.join();
        }
        self.lock.lock().take();
    }
}
