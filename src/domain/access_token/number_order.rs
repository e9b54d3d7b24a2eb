//! Token positions in number order, kept in chunks.
//!
//! One sorted vector made every create before its end move the whole
//! tenant's positions: fixture numbers such as "AT…" sort after the
//! emulator's own "ACT…", so every new token went in just before them, and a
//! tenant of 100,000 tokens moved 400 KB per create. In chunks of at most
//! `2 × CHUNK` positions an insert moves one chunk, and the memory is the
//! same as one vector's.

use std::cmp::Ordering;

/// Chunks split in two when they reach twice this length.
const CHUNK: usize = 1024;

#[derive(Clone, Default)]
pub struct NumberOrder {
    chunks: Vec<Vec<u32>>,
    /// Just after the last insert: where the next number usually goes
    /// (creates count up), checked with two comparisons instead of a
    /// search of twenty, each a cache miss in a large tenant.
    hint: Option<Slot>,
}

/// Where a number goes: its chunk and its place in that chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    chunk: usize,
    at: usize,
}

impl NumberOrder {
    /// `Ok` when a position compares equal, else where one would go.
    /// `compare(p)` orders the token at `p` against the number sought.
    pub fn find(&self, compare: impl Fn(u32) -> Ordering) -> Result<(), Slot> {
        let Some(last) = self.chunks.last() else {
            return Err(Slot { chunk: 0, at: 0 });
        };
        // Creates count up, so a new number is usually after every other.
        if last.last().is_some_and(|&p| compare(p) == Ordering::Less) {
            let chunk = self.chunks.len() - 1;
            return Err(Slot {
                chunk,
                at: last.len(),
            });
        }
        if let Some(hint) = self.hint {
            if let Some(chunk) = self.chunks.get(hint.chunk) {
                let before = hint.at.checked_sub(1).map(|i| chunk[i]);
                let after = chunk.get(hint.at).copied();
                if before.is_some_and(|p| compare(p) == Ordering::Less)
                    && after.is_some_and(|p| compare(p) == Ordering::Greater)
                {
                    return Err(hint);
                }
            }
        }
        let chunk = self
            .chunks
            .partition_point(|c| c.last().is_some_and(|&p| compare(p) == Ordering::Less));
        match self.chunks[chunk].binary_search_by(|&p| compare(p)) {
            Ok(_) => Ok(()),
            Err(at) => Err(Slot { chunk, at }),
        }
    }

    /// Inserts `position` where `find` said it goes.
    pub fn insert(&mut self, slot: Slot, position: u32) {
        if self.chunks.is_empty() {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        let chunk = &mut self.chunks[slot.chunk];
        chunk.insert(slot.at, position);
        let mut next = Slot {
            chunk: slot.chunk,
            at: slot.at + 1,
        };
        if chunk.len() >= 2 * CHUNK {
            let tail = chunk.split_off(CHUNK);
            self.chunks.insert(slot.chunk + 1, tail);
            if next.at > CHUNK {
                next = Slot {
                    chunk: slot.chunk + 1,
                    at: next.at - CHUNK,
                };
            }
        }
        self.hint = Some(next);
    }

    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.chunks.iter().flatten().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// Inserts `values` (each standing for a number, its own position) in
    /// turn, checks they end sorted, and returns the order and how many
    /// comparisons the inserts made.
    fn insert_all(values: &[u32]) -> (NumberOrder, usize) {
        let mut order = NumberOrder::default();
        let comparisons = Cell::new(0);
        for &v in values {
            let compare = |p: u32| {
                comparisons.set(comparisons.get() + 1);
                p.cmp(&v)
            };
            let slot = order.find(compare).expect_err("new value");
            order.insert(slot, v);
        }
        let mut sorted = values.to_vec();
        sorted.sort_unstable();
        assert_eq!(order.iter().collect::<Vec<_>>(), sorted);
        assert!(order.chunks.len() > 2, "splits happened");
        assert!(order.chunks.iter().all(|c| c.len() < 2 * CHUNK));
        (order, comparisons.get())
    }

    #[test]
    fn stays_sorted_across_splits_whatever_the_insert_order() {
        let values: Vec<u32> = (0..5000u32).map(|i| (i * 7919) % 5003).collect();
        let (order, _) = insert_all(&values);
        for &v in &values {
            assert_eq!(order.find(|p| p.cmp(&v)), Ok(()));
        }
    }

    #[test]
    fn ascending_runs_before_a_larger_tail_use_the_hint() {
        // As in a tenant: fixture numbers above, creates counting up below.
        let mut values: Vec<u32> = (1_000_000..1_000_010).collect();
        values.extend(0..5000);
        values.extend(500_000..500_100);
        let (_, comparisons) = insert_all(&values);
        // Two comparisons an insert, beside the searches after each split
        // and the first of each run; a search costs about twenty.
        assert!(comparisons < 3 * values.len(), "{comparisons} comparisons");
    }
}
