//! The communications a tenant's CRM.COM sent: verification codes and
//! forgotten-pass-code e-mails, numbered after the fixtures' communications
//! (`CM000681` follows `CM000680`). Shown by `communications/list` and
//! `show` and by the admin outbox. An organisation keeps the newest
//! `KEPT` (a client that creates pending tokens in a loop would otherwise
//! grow it without end); numbers are never reused.

use crate::domain::reference::Communication;
use parking_lot::RwLock;
use std::collections::VecDeque;
use std::sync::Arc;

/// How many sent communications an organisation keeps: the oldest goes
/// when a send would pass it.
pub const KEPT: usize = 10_000;

/// What the outbox holds: the sent communications in the order they were
/// sent, and the next number.
#[derive(Default)]
struct Sent {
    communications: VecDeque<Arc<Communication>>,
    next_number: u64,
}

/// A tenant's sent communications, behind one lock: a send allocates its
/// number and appends in one step.
#[derive(Default)]
pub struct Outbox {
    sent: RwLock<Sent>,
}

/// Counts only: communications carry verification codes and one-time
/// passwords.
impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sent = self.sent.read();
        f.debug_struct("Outbox")
            .field("sent", &sent.communications.len())
            .field("next_number", &sent.next_number)
            .finish()
    }
}

/// The numeric part of a communication number (`CM000680` → 680).
fn number_value(number: &str) -> u64 {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    digits.parse().unwrap_or(0)
}

/// A communication number: `CM` and six digits or more.
fn number_text(value: u64) -> String {
    format!("CM{value:06}")
}

impl Outbox {
    /// An outbox holding `sent` (from a snapshot, an import or the
    /// database), numbering after every number in `sent` and `fixtures`.
    pub fn new<'a>(
        sent: Vec<Communication>,
        fixtures: impl IntoIterator<Item = &'a Communication>,
    ) -> Outbox {
        let highest_sent = sent.iter().map(|c| number_value(&c.number)).max();
        let highest = fixtures
            .into_iter()
            .map(|c| number_value(&c.number))
            .chain(highest_sent)
            .max()
            .unwrap_or(0);
        let skip = sent.len().saturating_sub(KEPT);
        Outbox {
            sent: RwLock::new(Sent {
                communications: sent.into_iter().skip(skip).map(Arc::new).collect(),
                next_number: highest + 1,
            }),
        }
    }

    /// Sends one communication: `make` receives its number and builds it;
    /// `record` sees it, and the oldest one it pushed out when the outbox
    /// was full, in the same step (the `--state-dir` change, so the
    /// database sees sends in the order memory does).
    pub fn send(
        &self,
        make: impl FnOnce(String) -> Communication,
        record: impl FnOnce(&Communication, Option<&Communication>),
    ) -> Arc<Communication> {
        let mut sent = self.sent.write();
        let communication = Arc::new(make(number_text(sent.next_number)));
        sent.next_number += 1;
        let dropped = if sent.communications.len() >= KEPT {
            sent.communications.pop_front()
        } else {
            None
        };
        sent.communications.push_back(communication.clone());
        record(&communication, dropped.as_deref());
        communication
    }

    /// Whether nothing was sent yet.
    pub fn is_empty(&self) -> bool {
        self.sent.read().communications.is_empty()
    }

    /// Every sent communication, oldest first.
    pub fn all(&self) -> Vec<Arc<Communication>> {
        self.sent.read().communications.iter().cloned().collect()
    }

    /// The sent communication `matches` picks, if any.
    pub fn find(&self, matches: impl Fn(&Communication) -> bool) -> Option<Arc<Communication>> {
        let sent = self.sent.read();
        sent.communications.iter().find(|c| matches(c)).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reference::LogRefs;

    fn communication(number: String) -> Communication {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("date");
        let one: Arc<str> = "1".into();
        Communication {
            id: format!("id-{number}"),
            number,
            contact_id: None,
            direction: "OUTGOING".into(),
            media: "EMAIL".into(),
            recipient: Some("a@example.com".into()),
            subject: None,
            content: None,
            life_cycle_state: "COMPLETE".into(),
            viewed: false,
            viewed_on: None,
            notes: None,
            udf: Default::default(),
            log_information: LogRefs::created(at, &one, &one),
        }
    }

    #[test]
    fn numbers_follow_the_highest_one_known() {
        let fixture = communication("CM000680".into());
        let outbox = Outbox::new(Vec::new(), [&fixture]);
        let mut seen = Vec::new();
        let first = outbox.send(communication, |c, _| seen.push(c.number.clone()));
        let second = outbox.send(communication, |_, _| {});
        assert_eq!(first.number, "CM000681");
        assert_eq!(second.number, "CM000682");
        assert_eq!(seen, ["CM000681"]);
        let restored = Outbox::new(vec![communication("CM000700".into())], [&fixture]);
        assert_eq!(restored.send(communication, |_, _| {}).number, "CM000701");
        assert_eq!(restored.all().len(), 2);
    }

    #[test]
    fn a_full_outbox_lets_its_oldest_go_and_never_reuses_a_number() {
        let outbox = Outbox::new(Vec::new(), []);
        for _ in 0..KEPT {
            outbox.send(communication, |_, dropped| assert!(dropped.is_none()));
        }
        let mut gone = None;
        let next = outbox.send(communication, |_, dropped| {
            gone = dropped.map(|c| c.number.clone());
        });
        assert_eq!(gone.as_deref(), Some("CM000001"));
        assert_eq!(next.number, format!("CM{:06}", KEPT + 1));
        assert_eq!(outbox.all().len(), KEPT);
        assert!(outbox.find(|c| c.number == "CM000001").is_none());
        assert!(outbox.find(|c| c.number == "CM000002").is_some());
    }
}
