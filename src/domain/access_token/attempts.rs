//! Counts consecutive wrong secrets (pass codes, verification codes) per
//! access token, and wrong one-time passwords per tenant. At the limit, that token refuses every secret check, right or
//! wrong, until one of its codes is reset; other tokens are not touched, and a
//! check never takes the tenant's write lock.

use crate::core::error::{ApiError, ApiResult};
use dashmap::{mapref::entry::Entry, DashMap};

/// The count of wrong one-time passwords, which the tenant keeps as a whole:
/// an OTP names no token, so a wrong one counts against none (token ids are
/// 32 hex digits, so this key is no token's). A new OTP starts it again.
pub const ONE_TIME_PASSWORDS: &str = "one_time_password";

#[derive(Debug, Default)]
pub struct SecretAttempts {
    /// Wrong secrets in a row, by access-token id. Absent means none.
    failures: DashMap<String, u32>,
}

impl SecretAttempts {
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

#[cfg(test)]
mod tests {
    use super::*;

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
