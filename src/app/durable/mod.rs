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
                .spawn(move || writer::run(connection, receiver, progress))
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
    /// order is memory's.
    pub fn record(&self, change: Change) -> u64 {
        let mut queue = self.queue.lock();
        let ticket = queue.last + 1;
        match &queue.sender {
            Some(sender) if sender.send((ticket, change)).is_ok() => {
                queue.last = ticket;
                ticket
            }
            _ => 0,
        }
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
