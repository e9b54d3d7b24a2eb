//! Every random value the emulator makes (ids, codes, session ids) comes from
//! a `Generator`. With a seed, each tenant's generator is derived from the seed
//! and the organisation name, so a tenant's codes do not depend on what other
//! tenants do in parallel.

use parking_lot::Mutex;
use rand::{rngs::StdRng, Rng, SeedableRng};
use sha2::{Digest, Sha256};

/// A seeded or entropy-seeded source of ids and codes.
#[derive(Debug)]
pub struct Generator {
    rng: Mutex<StdRng>,
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

impl Generator {
    /// A generator for `scope` (an organisation, or "" for process-wide
    /// values), reproducible when `seed` is given.
    pub fn new(seed: Option<u64>, scope: &str) -> Self {
        let rng = match seed {
            Some(seed) => StdRng::from_seed(derive_seed(seed, scope)),
            None => StdRng::from_entropy(),
        };
        Generator {
            rng: Mutex::new(rng),
        }
    }

    /// Replaces the state with a fresh one, as `new` would make it.
    pub fn reseed(&self, seed: Option<u64>, scope: &str) {
        *self.rng.lock() = Generator::new(seed, scope).rng.into_inner();
    }

    /// 32 upper-case hex characters: CRM.COM ids and generated codes.
    pub fn hex32(&self) -> String {
        let bytes: [u8; 16] = self.rng.lock().gen();
        let mut out = String::with_capacity(32);
        for b in bytes {
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
        out
    }

    /// `len` decimal digits, leading zeros kept (verification codes, OTPs).
    pub fn digits(&self, len: usize) -> String {
        let mut rng = self.rng.lock();
        (0..len)
            .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
            .collect()
    }

    /// A number in `[0, 1)` (fault probabilities).
    pub fn unit_f64(&self) -> f64 {
        self.rng.lock().gen::<f64>()
    }

    /// A number in `[min, max]` (fault latencies).
    pub fn between(&self, min: u64, max: u64) -> u64 {
        self.rng.lock().gen_range(min..=max.max(min))
    }

    /// Raw random bytes (salts, signing keys).
    pub fn bytes<const N: usize>(&self) -> [u8; N] {
        let mut out = [0u8; N];
        self.rng.lock().fill(&mut out[..]);
        out
    }
}

/// A stable derivation (SHA-256 of seed and scope), unlike `DefaultHasher`
/// whose algorithm may change between Rust releases.
fn derive_seed(seed: u64, scope: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(seed.to_be_bytes());
    hasher.update(scope.as_bytes());
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_and_scope_give_the_same_values() {
        let a = Generator::new(Some(7), "org");
        let b = Generator::new(Some(7), "org");
        assert_eq!(a.hex32(), b.hex32());
        assert_eq!(a.digits(6), b.digits(6));
        let c = Generator::new(Some(7), "other");
        assert_ne!(Generator::new(Some(7), "org").hex32(), c.hex32());
    }

    #[test]
    fn formats_are_as_crm_com_shows_them() {
        let g = Generator::new(None, "");
        let id = g.hex32();
        assert_eq!(id.len(), 32);
        assert!(id
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()));
        let code = g.digits(6);
        assert_eq!(code.len(), 6);
        assert!(code.chars().all(|c| c.is_ascii_digit()));
    }
}
