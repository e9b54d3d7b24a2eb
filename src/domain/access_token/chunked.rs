//! A growable vector kept in fixed-size chunks.
//!
//! A `Vec` of half a million tokens doubles by copying 100 MB under the
//! tenant's write lock, and every show of the tenant waits meanwhile (the
//! create benchmark's p99 reached 600 ms). Chunks never move once
//! allocated, so a push costs at most one chunk's allocation.

use std::ops::{Index, IndexMut};

/// Elements per chunk.
const CHUNK: usize = 4096;

#[derive(Clone, Debug)]
pub struct ChunkedVec<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for ChunkedVec<T> {
    fn default() -> Self {
        ChunkedVec {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> ChunkedVec<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn push(&mut self, value: T) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < CHUNK => chunk.push(value),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(value);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }
}

impl<T> Index<usize> for ChunkedVec<T> {
    type Output = T;
    fn index(&self, at: usize) -> &T {
        &self.chunks[at / CHUNK][at % CHUNK]
    }
}

impl<T> IndexMut<usize> for ChunkedVec<T> {
    fn index_mut(&mut self, at: usize) -> &mut T {
        &mut self.chunks[at / CHUNK][at % CHUNK]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_across_chunks() {
        let mut v = ChunkedVec::default();
        for i in 0..(2 * CHUNK + 5) {
            v.push(i);
        }
        assert_eq!(v.len(), 2 * CHUNK + 5);
        assert_eq!(v.chunks.len(), 3);
        for i in [0, CHUNK - 1, CHUNK, 2 * CHUNK + 4] {
            assert_eq!(v[i], i);
        }
        v[CHUNK] = 7;
        assert_eq!(v[CHUNK], 7);
    }
}
