//! Counts consecutive wrong secrets (pass codes, verification codes) per
//! access token, and wrong one-time passwords per tenant (`OtpGuesses`). At the limit, that token refuses every secret check, right or
//! wrong, until one of its codes is reset; other tokens are not touched, and a
//! check never takes the tenant's write lock.

use crate::core::error::{ApiError, ApiResult};
use dashmap::{mapref::entry::Entry, DashMap};

#[derive(Debug, Default)]
pub struct SecretAttempts {
    /// Wrong secrets in a row, by access-token id. Absent means none.
    failures: DashMap<String, u32>,
}

impl SecretAttempts {
    /// Whether no token has a wrong secret counted.
    pub fn is_empty(&self) -> bool {
        self.failures.is_empty()
    }

    /// A right secret or a reset: the count starts again.
    pub fn clear(&self, token_id: &str) {
        self.failures.remove(token_id);
    }

    /// Runs a secret comparison under the limit: refuses when locked, counts a
    /// mismatch, clears the count on a match. The entry's shard lock is held
    /// for the comparison, so concurrent wrong guesses cannot slip past the
    /// limit; a token with no failures stays absent when the secret is right.
    pub fn verify(
        &self,
        token_id: &str,
        limit: u32,
        matches: impl FnOnce() -> bool,
    ) -> ApiResult<bool> {
        match self.failures.entry(token_id.to_string()) {
            Entry::Occupied(mut failures) => {
                if *failures.get() >= limit {
                    return Err(ApiError::TooManyAttempts);
                }
                let ok = matches();
                if ok {
                    failures.remove();
                } else {
                    *failures.get_mut() += 1;
                }
                Ok(ok)
            }
            Entry::Vacant(none) => {
                let ok = matches();
                if !ok {
                    none.insert(1);
                }
                Ok(ok)
            }
        }
    }
}

/// Wrong one-time passwords of one tenant. An OTP names no token, so a
/// wrong one counts against none: the tenant counts them. At the limit,
/// every OTP lookup of the tenant answers `TOOMANYATTEMPTSEXCEPTION` until
/// `lock_secs` (the OTP validity) have passed on its clock; generating an
/// OTP does not lift it, so guessing stays at `limit` tries per validity.
#[derive(Debug, Default)]
pub struct OtpGuesses {
    state: parking_lot::Mutex<Guesses>,
}

#[derive(Debug, Default)]
struct Guesses {
    wrong: u32,
    locked_until: Option<i64>,
}

impl OtpGuesses {
    /// Whether no wrong one-time password is counted.
    pub fn is_empty(&self) -> bool {
        let guesses = self.state.lock();
        guesses.wrong == 0 && guesses.locked_until.is_none()
    }

    /// Runs an OTP lookup under the limit at `now` (seconds on the tenant's
    /// clock): refused while locked, a miss counted, a hit clearing the
    /// count. The lock is held for the lookup, so concurrent guesses cannot
    /// slip past the limit.
    pub fn verify(
        &self,
        limit: u32,
        now: i64,
        lock_secs: i64,
        matches: impl FnOnce() -> bool,
    ) -> ApiResult<bool> {
        let mut state = self.state.lock();
        match state.locked_until {
            Some(until) if now < until => return Err(ApiError::TooManyAttempts),
            Some(_) => *state = Guesses::default(),
            None => {}
        }
        let ok = matches();
        if ok {
            state.wrong = 0;
        } else {
            state.wrong += 1;
            if state.wrong >= limit {
                state.locked_until = Some(now.saturating_add(lock_secs));
            }
        }
        Ok(ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn otp_guesses_lock_the_tenant_for_the_window_then_count_again() {
        let guesses = OtpGuesses::default();
        for _ in 0..3 {
            assert_eq!(guesses.verify(3, 100, 600, || false), Ok(false));
        }
        assert_eq!(
            guesses.verify(3, 699, 600, || true),
            Err(ApiError::TooManyAttempts)
        );
        assert_eq!(guesses.verify(3, 700, 600, || true), Ok(true));
        assert_eq!(guesses.verify(3, 701, 600, || false), Ok(false));
    }

    #[test]
    fn locks_one_token_after_the_limit_until_cleared() {
        let attempts = SecretAttempts::default();
        for _ in 0..3 {
            assert_eq!(attempts.verify("a", 3, || false), Ok(false));
        }
        assert_eq!(
            attempts.verify("a", 3, || true),
            Err(ApiError::TooManyAttempts)
        );
        assert_eq!(
            attempts.verify("b", 3, || true),
            Ok(true),
            "other tokens unaffected"
        );
        attempts.clear("a");
        assert_eq!(attempts.verify("a", 3, || true), Ok(true));
    }

    #[test]
    fn a_right_secret_resets_the_count() {
        let attempts = SecretAttempts::default();
        for _ in 0..2 {
            assert_eq!(attempts.verify("a", 3, || false), Ok(false));
        }
        assert_eq!(attempts.verify("a", 3, || true), Ok(true));
        for _ in 0..2 {
            assert_eq!(attempts.verify("a", 3, || false), Ok(false));
        }
        assert_eq!(
            attempts.verify("a", 3, || true),
            Ok(true),
            "consecutive failures only"
        );
    }
}
