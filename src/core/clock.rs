//! The emulator's clock: system time plus an offset, or frozen at an instant.
//! Token expiry, OTP expiry and every date in a reply read this clock, so a
//! test can move time instead of waiting for it.

use chrono::{DateTime, NaiveDateTime, Utc};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;

/// The instants the clock may be moved to when the emulator writes dates
/// up to `horizon_secs` ahead of it: every date it writes then stays within
/// the years 0001 to 9999, which CRM.COM's `YYYY-MM-DDTHH:MM:SS` can hold.
pub fn settable_range(horizon_secs: i64) -> (NaiveDateTime, NaiveDateTime) {
    let first = chrono::NaiveDate::from_ymd_opt(1, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or(NaiveDateTime::MIN);
    let last = chrono::NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .unwrap_or(NaiveDateTime::MAX);
    let last = last - chrono::TimeDelta::seconds(horizon_secs.clamp(0, 86_400 * 366 * 100));
    (first, last)
}

/// `at` within the years 0001 to 9999, the dates CRM.COM's
/// `YYYY-MM-DDTHH:MM:SS` can hold: every date the emulator writes passes
/// through this, so no clock setting (the embedding's, a restored one, a
/// clock left running) can make it write `+10000-01-01`.
pub fn writable(at: NaiveDateTime) -> NaiveDateTime {
    let (first, last) = settable_range(0);
    at.clamp(first, last)
}

/// Marks "not frozen" in `frozen_ms`.
const RUNNING: i64 = i64::MIN;

/// A clock that tests can freeze, set and advance (seconds). Lock-free to
/// read. An embedded emulator's is `Emulator::clock`:
///
/// ```
/// let emulator = crmcom_emulator::Emulator::builder().start().expect("start");
/// let clock = emulator.clock();
/// clock.freeze();
/// let now = clock.now();
/// clock.advance(60);
/// assert_eq!(clock.now(), now + chrono::Duration::seconds(60));
/// clock.unfreeze();
/// ```
#[derive(Debug)]
pub struct Clock {
    offset_ms: AtomicI64,
    frozen_ms: AtomicI64,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            offset_ms: AtomicI64::new(0),
            frozen_ms: AtomicI64::new(RUNNING),
        }
    }
}

fn system_ms() -> i64 {
    Utc::now().timestamp_millis()
}

impl Clock {
    /// Milliseconds since the epoch on this clock.
    pub fn now_ms(&self) -> i64 {
        match self.frozen_ms.load(Ordering::Acquire) {
            RUNNING => system_ms() + self.offset_ms.load(Ordering::Acquire),
            frozen => frozen,
        }
    }

    /// Whole seconds since the epoch on this clock.
    pub fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// The current instant, UTC, to the second (CRM.COM dates have no fraction).
    pub fn now(&self) -> NaiveDateTime {
        DateTime::from_timestamp(self.now_secs(), 0)
            .unwrap_or_default()
            .naive_utc()
    }

    /// Stops the clock at the current instant.
    pub fn freeze(&self) {
        let now = self.now_ms();
        self.frozen_ms.store(now, Ordering::Release);
    }

    /// Lets a frozen clock run again from where it stands.
    pub fn unfreeze(&self) {
        let frozen = self.frozen_ms.swap(RUNNING, Ordering::AcqRel);
        if frozen != RUNNING {
            self.offset_ms
                .store(frozen - system_ms(), Ordering::Release);
        }
    }

    /// Whether the clock is frozen.
    pub fn is_frozen(&self) -> bool {
        self.frozen_ms.load(Ordering::Acquire) != RUNNING
    }

    /// Moves the clock to `at`, frozen or running as it was.
    pub fn set(&self, at: NaiveDateTime) {
        let target = at.and_utc().timestamp_millis();
        if self.is_frozen() {
            self.frozen_ms.store(target, Ordering::Release);
        } else {
            self.offset_ms
                .store(target - system_ms(), Ordering::Release);
        }
    }

    /// Moves the clock forward (or back, if negative) by `seconds`.
    pub fn advance(&self, seconds: i64) {
        let delta = seconds.saturating_mul(1000);
        if self.is_frozen() {
            self.frozen_ms.fetch_add(delta, Ordering::AcqRel);
        } else {
            self.offset_ms.fetch_add(delta, Ordering::AcqRel);
        }
    }
}

/// A tenant's view of time: the emulator's clock, until the admin API gives
/// the tenant a clock of its own (`POST /__admin/clock` with an
/// `organisation`). Lock-free, like `Clock`.
#[derive(Debug)]
pub struct TenantClock {
    global: Arc<Clock>,
    own: Clock,
    scoped: AtomicBool,
}

impl TenantClock {
    /// A view that follows `global`.
    pub fn following(global: Arc<Clock>) -> Self {
        TenantClock {
            global,
            own: Clock::default(),
            scoped: AtomicBool::new(false),
        }
    }

    /// The clock this tenant reads now.
    pub fn current(&self) -> &Clock {
        if self.scoped.load(Ordering::Acquire) {
            &self.own
        } else {
            &self.global
        }
    }

    /// The tenant's own clock, created on first use as a copy of the
    /// emulator's clock (same instant, frozen or running as it is).
    pub fn own(&self) -> &Clock {
        if !self.scoped.load(Ordering::Acquire) {
            self.own.copy_from(&self.global);
            self.scoped.store(true, Ordering::Release);
        }
        &self.own
    }

    /// Whether the tenant has a clock of its own.
    pub fn is_scoped(&self) -> bool {
        self.scoped.load(Ordering::Acquire)
    }

    /// Follows the emulator's clock again.
    pub fn follow_global(&self) {
        self.scoped.store(false, Ordering::Release);
    }
}

impl Clock {
    /// Takes `other`'s offset and frozen instant.
    fn copy_from(&self, other: &Clock) {
        self.offset_ms
            .store(other.offset_ms.load(Ordering::Acquire), Ordering::Release);
        self.frozen_ms
            .store(other.frozen_ms.load(Ordering::Acquire), Ordering::Release);
    }

    /// Back to system time, running.
    pub fn reset(&self) {
        self.frozen_ms.store(RUNNING, Ordering::Release);
        self.offset_ms.store(0, Ordering::Release);
    }

    /// What `--state-dir` keeps of this clock.
    pub fn setting(&self) -> ClockSetting {
        let frozen = self.frozen_ms.load(Ordering::Acquire);
        ClockSetting {
            offset_ms: self.offset_ms.load(Ordering::Acquire),
            frozen_ms: (frozen != RUNNING).then_some(frozen),
        }
    }

    /// Takes a kept setting back: a running clock keeps its offset from
    /// system time, a frozen one its instant.
    pub fn restore(&self, setting: ClockSetting) {
        self.offset_ms.store(setting.offset_ms, Ordering::Release);
        self.frozen_ms
            .store(setting.frozen_ms.unwrap_or(RUNNING), Ordering::Release);
    }
}

/// A clock as `--state-dir` keeps it: its offset from system time and, when
/// frozen, the instant it stands at (both in milliseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClockSetting {
    pub offset_ms: i64,
    pub frozen_ms: Option<i64>,
}

impl TenantClock {
    /// The tenant's own clock's setting; `None` while it follows the
    /// emulator's.
    pub fn setting(&self) -> Option<ClockSetting> {
        self.is_scoped().then(|| self.own.setting())
    }

    /// Takes a kept setting back (`None`: follow the emulator's clock).
    pub fn restore(&self, setting: Option<ClockSetting>) {
        match setting {
            Some(setting) => {
                self.own.restore(setting);
                self.scoped.store(true, Ordering::Release);
            }
            None => self.follow_global(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frozen_clock_stands_still_and_advances_on_request() {
        let clock = Clock::default();
        clock.freeze();
        let t0 = clock.now_secs();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert_eq!(clock.now_secs(), t0);
        clock.advance(3600);
        assert_eq!(clock.now_secs(), t0 + 3600);
    }

    #[test]
    fn set_moves_a_running_clock_to_the_given_instant() {
        let clock = Clock::default();
        let at = NaiveDateTime::parse_from_str("2016-01-01T00:00:00", "%Y-%m-%dT%H:%M:%S")
            .expect("date");
        clock.set(at);
        let diff = clock.now().and_utc().timestamp() - at.and_utc().timestamp();
        assert!((0..=2).contains(&diff), "diff {diff}");
    }

    #[test]
    fn a_tenant_clock_follows_the_global_one_until_it_has_its_own() {
        let global = Arc::new(Clock::default());
        global.freeze();
        let tenant = TenantClock::following(global.clone());
        global.advance(60);
        assert_eq!(tenant.current().now_secs(), global.now_secs());
        tenant.own().advance(3600);
        assert_eq!(tenant.current().now_secs(), global.now_secs() + 3600);
        global.advance(10);
        assert_eq!(tenant.current().now_secs(), global.now_secs() + 3590);
        tenant.follow_global();
        assert_eq!(tenant.current().now_secs(), global.now_secs());
    }
}
