//! Fault injection: rules that make chosen CRM.COM calls slow, fail with a
//! chosen code or HTTP 500, or lose their connection, with a probability and
//! an optional count, for one organisation or all.

pub use crate::app::fault_spec::{FaultSpec, Latency};
use crate::core::error::ApiError;
use crate::core::error_code as codes;
use crate::core::generator::Generator;
use parking_lot::RwLock;
use serde::Serialize;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A stored rule with its counters.
#[derive(Debug)]
struct Fault {
    id: u64,
    spec: FaultSpec,
    /// Hits left; `u64::MAX` when unlimited.
    remaining: AtomicU64,
    fired: AtomicU64,
}

/// A rule as `GET /__admin/faults` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct FaultView {
    pub id: u64,
    #[serde(flatten)]
    pub spec: FaultSpec,
    /// Hits left when a count was given.
    pub remaining: Option<u64>,
    pub fired: u64,
}

/// What a hit fault does to one call.
#[derive(Debug, Clone)]
pub struct Hit {
    pub fault: u64,
    pub latency: Option<Duration>,
    pub outcome: Outcome,
}

#[derive(Debug, Clone)]
pub enum Outcome {
    /// Only the latency: the call then runs as usual.
    Proceed,
    Fail(ApiError),
    Drop,
    /// The handler panics (inside the dispatcher's panic guard).
    Panic,
}

/// Every fault rule, tried in the order they were added.
#[derive(Debug)]
pub struct Faults {
    rules: RwLock<Vec<Arc<Fault>>>,
    /// Lets calls skip the lock when there is no rule, the usual case.
    count: AtomicUsize,
    next_id: AtomicU64,
    /// Draws probabilities and latencies; reseeded with the emulator.
    generator: Generator,
}

const SCOPE: &str = "faults";

impl Faults {
    pub fn new(seed: Option<u64>) -> Faults {
        Faults {
            rules: RwLock::new(Vec::new()),
            count: AtomicUsize::new(0),
            next_id: AtomicU64::new(1),
            generator: Generator::new(seed, SCOPE),
        }
    }

    pub fn reseed(&self, seed: Option<u64>) {
        self.generator.reseed(seed, SCOPE);
    }

    /// Adds a checked rule and answers it as stored.
    pub fn add(&self, spec: FaultSpec) -> Result<FaultView, ApiError> {
        spec.check()?;
        let fault = Arc::new(Fault {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            remaining: AtomicU64::new(spec.count.unwrap_or(u64::MAX)),
            fired: AtomicU64::new(0),
            spec,
        });
        let view = view(&fault);
        let mut rules = self.rules.write();
        rules.push(fault);
        self.count.store(rules.len(), Ordering::Release);
        Ok(view)
    }

    pub fn len(&self) -> usize {
        self.count.load(Ordering::Acquire)
    }

    pub fn list(&self) -> Vec<FaultView> {
        self.rules.read().iter().map(|f| view(f)).collect()
    }

    /// Removes one rule; false if there is none with that id.
    pub fn remove(&self, id: u64) -> bool {
        let mut rules = self.rules.write();
        let before = rules.len();
        rules.retain(|f| f.id != id);
        self.count.store(rules.len(), Ordering::Release);
        rules.len() != before
    }

    pub fn clear(&self) {
        let mut rules = self.rules.write();
        rules.clear();
        self.count.store(0, Ordering::Release);
    }

    /// The first rule that hits this call, if any. A rule's count is taken
    /// atomically, so a rule with count N hits exactly N calls.
    pub fn hit(&self, method: &str, organisation: Option<&str>) -> Option<Hit> {
        if self.count.load(Ordering::Acquire) == 0 {
            return None;
        }
        let rules = self.rules.read();
        for fault in rules.iter() {
            if !fault.spec.applies_to(method, organisation) {
                continue;
            }
            let probability = fault.spec.probability.unwrap_or(1.0);
            if probability < 1.0 && self.generator.unit_f64() >= probability {
                continue;
            }
            let claimed = fault
                .remaining
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| match left {
                    0 => None,
                    u64::MAX => Some(u64::MAX),
                    n => Some(n - 1),
                })
                .is_ok();
            if !claimed {
                continue;
            }
            fault.fired.fetch_add(1, Ordering::AcqRel);
            return Some(self.effect(fault));
        }
        None
    }

    fn effect(&self, fault: &Fault) -> Hit {
        let spec = &fault.spec;
        let latency = spec.latency_ms.map(|l| {
            Duration::from_millis(match l {
                Latency::Fixed(ms) => ms,
                Latency::Range { min, max } => self.generator.between(min, max),
            })
        });
        let outcome = if spec.drop_connection {
            Outcome::Drop
        } else if spec.panic {
            Outcome::Panic
        } else if spec.error_code.is_some() || spec.http_status.is_some() {
            Outcome::Fail(ApiError::InjectedFault {
                code: spec
                    .error_code
                    .clone()
                    .unwrap_or_else(|| codes::INTERNAL_ERROR.code.to_string()),
                message: spec
                    .message
                    .clone()
                    .unwrap_or_else(|| "A fault injected in the emulator answered".into()),
                http_status: spec.http_status.unwrap_or(200),
                fault: fault.id,
            })
        } else {
            Outcome::Proceed
        };
        Hit {
            fault: fault.id,
            latency,
            outcome,
        }
    }
}

fn view(fault: &Fault) -> FaultView {
    FaultView {
        id: fault.id,
        spec: fault.spec.clone(),
        remaining: fault
            .spec
            .count
            .map(|_| fault.remaining.load(Ordering::Acquire)),
        fired: fault.fired.load(Ordering::Acquire),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(json: serde_json::Value) -> FaultSpec {
        serde_json::from_value(json).expect("spec")
    }

    #[test]
    fn a_counted_fault_hits_exactly_that_many_calls() {
        let faults = Faults::new(Some(1));
        faults
            .add(spec(
                serde_json::json!({"method": "access_tokens/show", "http_status": 500, "count": 2}),
            ))
            .expect("add");
        let hits = (0..5)
            .filter(|_| faults.hit("access_tokens/show", None).is_some())
            .count();
        assert_eq!(hits, 2);
        assert!(faults.hit("access_tokens/list", None).is_none());
        assert_eq!(faults.list()[0].remaining, Some(0));
        assert_eq!(faults.list()[0].fired, 2);
    }

    #[test]
    fn probabilities_and_latency_ranges_are_drawn_from_the_seed() {
        let draws = |seed| {
            let faults = Faults::new(Some(seed));
            faults
                .add(spec(
                    serde_json::json!({"probability": 0.5, "latency_ms": {"min": 10, "max": 20}}),
                ))
                .expect("add");
            (0..1000)
                .map(|_| faults.hit("access_tokens/show", None).map(|h| h.latency))
                .collect::<Vec<_>>()
        };
        let first = draws(3);
        assert_eq!(first, draws(3), "the same seed, the same draws");
        let hits: Vec<Duration> = first.iter().flatten().flatten().copied().collect();
        assert!((400..=600).contains(&hits.len()), "{} hits", hits.len());
        assert!(hits
            .iter()
            .all(|l| (Duration::from_millis(10)..=Duration::from_millis(20)).contains(l)));
        assert!(hits.iter().any(|l| *l != hits[0]), "a range, not one value");
    }

    #[test]
    fn rules_that_cannot_act_are_refused() {
        for bad in [
            serde_json::json!({"method": "nope", "http_status": 500}),
            serde_json::json!({"http_status": 404}),
            serde_json::json!({"probability": 2, "http_status": 500}),
            serde_json::json!({"method": "*"}),
            serde_json::json!({"drop_connection": true, "error_code": "X"}),
            serde_json::json!({"latency_ms": {"min": 5, "max": 1}}),
        ] {
            assert!(spec(bad.clone()).check().is_err(), "{bad}");
        }
    }

    #[test]
    fn an_organisation_scoped_fault_spares_the_others() {
        let faults = Faults::new(None);
        faults
            .add(spec(
                serde_json::json!({"organisation": "Acme", "drop_connection": true}),
            ))
            .expect("add");
        assert!(faults.hit("access_tokens/show", Some("other")).is_none());
        assert!(faults.hit("access_tokens/show", None).is_none());
        assert!(faults.hit("access_tokens/show", Some("ACME")).is_some());
    }
}
