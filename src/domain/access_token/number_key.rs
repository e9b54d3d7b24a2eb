//! Token numbers as CRM.COM installs write them ("35", "ACT0000000142"),
//! split once for ordering, and where a number goes in one owner's list.
//! Kept by hand for the create figure (≥ 0.5× the ceiling): parsing a
//! number on every comparison was a tenth of a create, and a binary search
//! over an owner of 100,000 tokens cost 17 cache-missing comparisons per
//! create where the gallop from the end costs one or two.

use super::chunked::ChunkedVec;
use super::entity::AccessToken;
use std::cmp::Ordering;

/// A number split once for ordering: its letter prefix's length and its
/// numeric value (`u64::MAX` when the rest is not a number).
#[derive(Debug, Clone, Copy)]
pub struct NumberKey {
    prefix: usize,
    value: u64,
}

impl NumberKey {
    pub fn of(number: &str) -> Self {
        let prefix = number
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(number.len());
        NumberKey {
            prefix,
            value: number[prefix..].parse().unwrap_or(u64::MAX),
        }
    }
}

/// Orders numbers as CRM.COM installs write them ("35", "ACT0000000142"):
/// by letter prefix, then by numeric value, then by the text itself.
pub fn compare_keyed(a: &str, ka: NumberKey, b: &str, kb: NumberKey) -> Ordering {
    a[..ka.prefix]
        .cmp(&b[..kb.prefix])
        .then(ka.value.cmp(&kb.value))
        .then_with(|| a.cmp(b))
}

/// Where `number` is, or would go, in `positions` (one owner's tokens, in
/// number order). A new number goes last, or just before the few numbers
/// of another form (the fixtures' `AT…` sort after the emulator's `ACT…`),
/// so the search gallops back from the end: a binary search of an owner of
/// 100,000 tokens cost 17 cache-missing comparisons per create.
pub fn slot_in(
    positions: &[u32],
    tokens: &ChunkedVec<AccessToken>,
    keys: &ChunkedVec<NumberKey>,
    number: &str,
) -> Result<usize, usize> {
    let key = NumberKey::of(number);
    let compare =
        |at: u32| compare_keyed(&tokens[at as usize].number, keys[at as usize], number, key);
    // The slot is in lo..=hi.
    let (mut lo, mut hi) = (0, positions.len());
    let mut step = 1;
    while hi > 0 {
        let probe = positions.len().saturating_sub(step);
        match compare(positions[probe]) {
            Ordering::Less => {
                lo = probe + 1;
                break;
            }
            Ordering::Equal => return Ok(probe),
            Ordering::Greater => hi = probe,
        }
        if probe == 0 {
            break;
        }
        step *= 2;
    }
    positions[lo..hi]
        .binary_search_by(|&at| compare(at))
        .map(|i| lo + i)
        .map_err(|i| lo + i)
}
