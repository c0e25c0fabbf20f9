//! A seeded, stratified train/validation/test split.
//!
//! Faces are grouped by gender and ethnicity; each group is shuffled with the seed and cut in
//! the requested shares, so every part has the label mix of the whole. The same seed and the
//! same file always give the same split.

use super::dataset::FaceDataset;
use super::labels::{Ethnicity, Gender};
use crate::rng::SeededRng;

/// A purpose tag so the split draws differ from other uses of the same seed.
const SPLIT_PURPOSE: u64 = 0x5B11;

/// The shares and seed of a split.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SplitConfig {
    /// Share of faces for validation, 0 to 1.
    pub validation: f64,
    /// Share of faces for the final test, 0 to 1.
    pub test: f64,
    /// Seed of the shuffle.
    pub seed: u64,
}

impl Default for SplitConfig {
    /// 80 % train, 10 % validation, 10 % test, seed 42.
    fn default() -> Self {
        Self {
            validation: 0.1,
            test: 0.1,
            seed: 42,
        }
    }
}

/// Why a split configuration cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SplitError {
    /// A share is negative or not a number, or the shares leave nothing to train on.
    #[error(
        "validation share {validation} and test share {test} must each be 0 or more and add up to less than 1"
    )]
    BadShares {
        /// The validation share given.
        validation: f64,
        /// The test share given.
        test: f64,
    },
}

/// Face indices of each part of a split, each part in ascending order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DatasetSplit {
    /// Faces to train on.
    pub train: Vec<u32>,
    /// Faces to choose the model by.
    pub validation: Vec<u32>,
    /// Faces held back for the final score.
    pub test: Vec<u32>,
}

impl DatasetSplit {
    /// Splits `dataset` as `config` asks.
    pub fn new(dataset: &FaceDataset, config: SplitConfig) -> Result<Self, SplitError> {
        let SplitConfig {
            validation, test, ..
        } = config;
        let valid_share = |s: f64| s.is_finite() && s >= 0.0;
        if !valid_share(validation) || !valid_share(test) || validation + test >= 1.0 {
            return Err(SplitError::BadShares { validation, test });
        }

        let mut strata: Vec<Vec<u32>> = vec![Vec::new(); Gender::ALL.len() * Ethnicity::ALL.len()];
        for (index, (gender, ethnicity)) in dataset
            .genders()
            .iter()
            .zip(dataset.ethnicities())
            .enumerate()
        {
            strata[*gender as usize * Ethnicity::ALL.len() + *ethnicity as usize]
                .push(index as u32);
        }

        let mut rng = SeededRng::for_purpose(config.seed, SPLIT_PURPOSE);
        let mut split = Self::default();
        for mut members in strata {
            rng.shuffle(&mut members);
            let n = members.len() as f64;
            let n_test = (n * test).round() as usize;
            let n_validation = ((n * validation).round() as usize).min(members.len() - n_test);
            split.test.extend_from_slice(&members[..n_test]);
            split
                .validation
                .extend_from_slice(&members[n_test..n_test + n_validation]);
            split
                .train
                .extend_from_slice(&members[n_test + n_validation..]);
        }
        split.train.sort_unstable();
        split.validation.sort_unstable();
        split.test.sort_unstable();
        Ok(split)
    }
}
