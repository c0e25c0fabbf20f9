//! Label distributions of a data set, or of a subset of its faces.

use super::dataset::FaceDataset;
use super::labels::{AgeGroup, Ethnicity, Gender, MAX_AGE};

/// Counts of each label over a set of faces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelStats {
    /// Faces counted.
    pub faces: usize,
    /// Faces per gender, in [`Gender::ALL`] order.
    pub gender: [usize; 2],
    /// Faces per ethnicity, in [`Ethnicity::ALL`] order.
    pub ethnicity: [usize; 5],
    /// Faces per age group, in [`AgeGroup::ALL`] order.
    pub age_groups: [usize; 5],
    /// Faces per year of age, index = age (0 to [`MAX_AGE`]).
    pub age_histogram: Vec<usize>,
}

/// The youngest, middle and oldest age of a set of faces.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AgeSummary {
    /// Youngest age.
    pub min: u8,
    /// Median age (the mean of the two middle ages for an even count).
    pub median: f32,
    /// Oldest age.
    pub max: u8,
}

impl LabelStats {
    /// The counts over every face of `dataset`.
    pub fn of(dataset: &FaceDataset) -> Self {
        Self::of_rows(dataset, 0..dataset.len())
    }

    /// The counts over the faces with the given indices.
    pub fn of_rows(dataset: &FaceDataset, rows: impl IntoIterator<Item = usize>) -> Self {
        let mut stats = Self {
            faces: 0,
            gender: [0; 2],
            ethnicity: [0; 5],
            age_groups: [0; 5],
            age_histogram: vec![0; usize::from(MAX_AGE) + 1],
        };
        let (ages, genders, ethnicities) =
            (dataset.ages(), dataset.genders(), dataset.ethnicities());
        for row in rows {
            stats.faces += 1;
            stats.gender[genders[row] as usize] += 1;
            stats.ethnicity[ethnicities[row] as usize] += 1;
            stats.age_groups[AgeGroup::of_age(ages[row]).index()] += 1;
            stats.age_histogram[usize::from(ages[row].min(MAX_AGE))] += 1;
        }
        stats
    }

    /// Count of one gender.
    pub fn gender_count(&self, gender: Gender) -> usize {
        self.gender[gender as usize]
    }

    /// Count of one ethnicity.
    pub fn ethnicity_count(&self, ethnicity: Ethnicity) -> usize {
        self.ethnicity[ethnicity as usize]
    }

    /// Count of one age group.
    pub fn age_group_count(&self, group: AgeGroup) -> usize {
        self.age_groups[group.index()]
    }

    /// Youngest, median and oldest age, or `None` for no faces.
    pub fn age_summary(&self) -> Option<AgeSummary> {
        if self.faces == 0 {
            return None;
        }
        let min = self.age_histogram.iter().position(|c| *c > 0)?;
        let max = self.age_histogram.iter().rposition(|c| *c > 0)?;
        let lower = self.age_at_rank((self.faces - 1) / 2);
        let upper = self.age_at_rank(self.faces / 2);
        Some(AgeSummary {
            min: min as u8,
            median: (f32::from(lower) + f32::from(upper)) / 2.0,
            max: max as u8,
        })
    }

    /// The age of the face at `rank` (from 0) when faces are ordered by age.
    fn age_at_rank(&self, rank: usize) -> u8 {
        let mut seen = 0;
        for (age, count) in self.age_histogram.iter().enumerate() {
            seen += count;
            if seen > rank {
                return age as u8;
            }
        }
        MAX_AGE
    }

    /// `count` as a percentage of all faces counted.
    pub fn percent(&self, count: usize) -> f64 {
        if self.faces == 0 {
            0.0
        } else {
            100.0 * count as f64 / self.faces as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::dataset::{FACE_PIXELS, FaceLabels};

    fn dataset_with_ages(ages: &[u8]) -> FaceDataset {
        let mut set = FaceDataset::new();
        for (i, age) in ages.iter().enumerate() {
            let gender = if i % 2 == 0 {
                Gender::Male
            } else {
                Gender::Female
            };
            let labels = FaceLabels {
                age: *age,
                gender,
                ethnicity: Ethnicity::Indian,
            };
            set.push(labels, String::new(), 0, &[0; FACE_PIXELS]);
        }
        set
    }

    #[test]
    fn counts_and_median() {
        let stats = LabelStats::of(&dataset_with_ages(&[1, 30, 70, 15]));
        assert_eq!(stats.gender, [2, 2]);
        assert_eq!(stats.ethnicity_count(Ethnicity::Indian), 4);
        assert_eq!(stats.age_groups, [1, 1, 1, 0, 1]);
        let ages = stats.age_summary().unwrap();
        assert_eq!((ages.min, ages.median, ages.max), (1, 22.5, 70));
        assert_eq!(stats.percent(1), 25.0);
    }

    #[test]
    fn subset_and_empty() {
        let set = dataset_with_ages(&[5, 6, 7]);
        let stats = LabelStats::of_rows(&set, [2]);
        assert_eq!(stats.age_summary().unwrap().median, 7.0);
        assert_eq!(LabelStats::of_rows(&set, []).age_summary(), None);
    }
}
