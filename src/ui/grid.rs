//! Which 20 faces the grid shows: a seeded random draw from the faces that pass the filter.

use crate::rng::SeededRng;

/// Faces per grid row.
pub const GRID_COLUMNS: usize = 5;

/// Grid rows.
pub const GRID_ROWS: usize = 4;

/// Faces in a grid.
pub const GRID_FACES: usize = GRID_COLUMNS * GRID_ROWS;

/// A purpose tag so grid draws differ from other uses of the same seed.
const GRID_PURPOSE: u64 = 0x6121;

/// The seed and the faces it chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaceGrid {
    /// The seed shown to the user; the same seed and filter give the same grid.
    pub seed: u64,
    /// The rows shown, at most [`GRID_FACES`].
    pub rows: Vec<u32>,
}

impl FaceGrid {
    /// Draws up to 20 distinct faces from `candidates` with `seed`.
    pub fn draw(seed: u64, candidates: &[u32]) -> Self {
        let mut rng = SeededRng::for_purpose(seed, GRID_PURPOSE);
        let mut pool = candidates.to_vec();
        let take = GRID_FACES.min(pool.len());
        // A partial Fisher-Yates shuffle: the first `take` places get a uniform random choice.
        for i in 0..take {
            let j = i + rng.below((pool.len() - i) as u64) as usize;
            pool.swap(i, j);
        }
        pool.truncate(take);
        Self { seed, rows: pool }
    }

    /// A new seed for the next reshuffle, derived from this one so a session can be replayed.
    pub fn next_seed(&self) -> u64 {
        SeededRng::new(self.seed).next_u64() % 1_000_000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_twenty_distinct_reproducibly() {
        let candidates: Vec<u32> = (0..1000).collect();
        let grid = FaceGrid::draw(5, &candidates);
        assert_eq!(grid.rows.len(), GRID_FACES);
        let mut sorted = grid.rows.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), GRID_FACES);
        assert_eq!(grid, FaceGrid::draw(5, &candidates));
        assert_ne!(
            grid.rows,
            FaceGrid::draw(grid.next_seed(), &candidates).rows
        );
    }

    #[test]
    fn fewer_candidates_than_places() {
        assert_eq!(FaceGrid::draw(1, &[3, 9]).rows.len(), 2);
        assert!(FaceGrid::draw(1, &[]).rows.is_empty());
    }
}
