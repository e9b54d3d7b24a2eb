//! The communications a tenant's CRM.COM sent: verification codes and
//! forgotten-pass-code e-mails, numbered after the fixtures' communications
//! (`CM000681` follows `CM000680`). Shown by `communications/list` and
//! `show` and by the admin outbox.

use crate::domain::reference::Communication;
use parking_lot::RwLock;
use std::sync::Arc;

/// What the outbox holds: the sent communications in the order they were
/// sent, and the next number.
#[derive(Debug, Default)]
struct Sent {
    communications: Vec<Arc<Communication>>,
    next_number: u64,
}

/// A tenant's sent communications, behind one lock: a send allocates its
/// number and appends in one step.
#[derive(Debug, Default)]
pub struct Outbox {
    sent: RwLock<Sent>,
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
        Outbox {
            sent: RwLock::new(Sent {
                communications: sent.into_iter().map(Arc::new).collect(),
                next_number: highest + 1,
            }),
        }
    }

    /// Sends one communication: `make` receives its number and builds it;
    /// `record` sees it in the same step (the `--state-dir` change, so the
    /// database sees sends in the order memory does).
    pub fn send(
        &self,
        make: impl FnOnce(String) -> Communication,
        record: impl FnOnce(&Communication),
    ) -> Arc<Communication> {
        let mut sent = self.sent.write();
        let communication = Arc::new(make(number_text(sent.next_number)));
        sent.next_number += 1;
        sent.communications.push(communication.clone());
        record(&communication);
        communication
    }

    /// Every sent communication, oldest first.
    pub fn all(&self) -> Vec<Arc<Communication>> {
        self.sent.read().communications.clone()
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
        let first = outbox.send(communication, |c| seen.push(c.number.clone()));
        let second = outbox.send(communication, |_| {});
        assert_eq!(first.number, "CM000681");
        assert_eq!(second.number, "CM000682");
        assert_eq!(seen, ["CM000681"]);
        let restored = Outbox::new(vec![communication("CM000700".into())], [&fixture]);
        assert_eq!(restored.send(communication, |_| {}).number, "CM000701");
        assert_eq!(restored.all().len(), 2);
    }
}
