//! How far the writer has come: the last ticket it settled (committed, or
//! failed and reported), for replies to wait on, and the tickets that
//! failed, for those replies to report.

use parking_lot::{Condvar, Mutex};
use std::collections::BTreeMap;
use tokio::sync::watch;

/// Failures kept for waiters to find; older ones are dropped (a barrier
/// wait may never look for its own).
const KEPT_FAILURES: usize = 1024;

#[derive(Debug)]
pub struct Progress {
    /// For async waiters (the HTTP calls).
    settled: watch::Sender<u64>,
    /// For blocking waiters (the embedding handle, shutdown).
    blocking: (Mutex<u64>, Condvar),
    failed: Mutex<BTreeMap<u64, String>>,
    /// Why the writer stopped before being closed (a panic), with the last
    /// ticket it had settled: every later ticket fails with it instead of
    /// waiting forever.
    stopped: Mutex<Option<(u64, String)>>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            settled: watch::Sender::new(0),
            blocking: (Mutex::new(0), Condvar::new()),
            failed: Mutex::default(),
            stopped: Mutex::default(),
        }
    }
}

impl Progress {
    /// Every ticket up to `ticket` is settled.
    pub fn settle(&self, ticket: u64) {
        self.settled.send_replace(ticket);
        let (settled, changed) = &self.blocking;
        *settled.lock() = ticket;
        changed.notify_all();
    }

    /// The writer is gone (`problem` says why): every ticket, past and to
    /// come, is settled, those not committed as failures.
    pub fn stop(&self, problem: String) {
        let settled = *self.blocking.0.lock();
        *self.stopped.lock() = Some((settled, problem));
        self.settle(u64::MAX);
    }

    /// The stop's problem if `ticket` came after it.
    fn lost_in_stop(&self, ticket: u64) -> Option<String> {
        match &*self.stopped.lock() {
            Some((settled, problem)) if ticket > *settled => Some(problem.clone()),
            _ => None,
        }
    }

    /// The change of `ticket` was not kept, for `problem`.
    pub fn fail(&self, ticket: u64, problem: String) {
        let mut failed = self.failed.lock();
        failed.insert(ticket, problem);
        while failed.len() > KEPT_FAILURES {
            failed.pop_first();
        }
    }

    /// Waits until `ticket` is settled; its failure, if it failed.
    pub async fn settled(&self, ticket: u64) -> Result<(), String> {
        let mut settled = self.settled.subscribe();
        // The sender lives as long as `self`, so the wait cannot end early.
        let _ = settled.wait_for(|&done| done >= ticket).await;
        self.outcome(ticket)
    }

    /// `settled`, for callers outside the async runtime.
    pub fn settled_blocking(&self, ticket: u64) -> Result<(), String> {
        let (settled, changed) = &self.blocking;
        let mut done = settled.lock();
        while *done < ticket {
            changed.wait(&mut done);
        }
        drop(done);
        self.outcome(ticket)
    }

    /// Waits until every ticket up to `to` is settled; the first failure
    /// among the tickets after `from` (a barrier for calls that do not know
    /// their own tickets, such as admin calls).
    pub async fn settled_after(&self, from: u64, to: u64) -> Result<(), String> {
        let mut settled = self.settled.subscribe();
        let _ = settled.wait_for(|&done| done >= to).await;
        if let Some(problem) = self.lost_in_stop(to) {
            return Err(problem);
        }
        self.failed
            .lock()
            .range(from.saturating_add(1)..=to)
            .next()
            .map_or(Ok(()), |(_, problem)| Err(problem.clone()))
    }

    fn outcome(&self, ticket: u64) -> Result<(), String> {
        if let Some(problem) = self.failed.lock().remove(&ticket) {
            return Err(problem);
        }
        self.lost_in_stop(ticket).map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_ticket_reports_its_problem_once_settled() {
        let progress = Progress::default();
        progress.fail(2, "disk full".into());
        progress.settle(3);
        assert_eq!(progress.settled_blocking(1), Ok(()));
        assert_eq!(progress.settled_blocking(2), Err("disk full".into()));
        assert_eq!(progress.settled_blocking(3), Ok(()));
    }

    #[test]
    fn a_stopped_writer_fails_every_ticket_it_did_not_settle() {
        let progress = Progress::default();
        progress.settle(4);
        progress.stop("the writer stopped".into());
        assert_eq!(progress.settled_blocking(4), Ok(()));
        // Waits that would never end answer at once.
        assert_eq!(
            progress.settled_blocking(5),
            Err("the writer stopped".into())
        );
        assert_eq!(
            progress.settled_blocking(1_000),
            Err("the writer stopped".into())
        );
    }
}
