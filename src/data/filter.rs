//! Choosing faces by their labels, as the explorer's filters do.

use super::dataset::{FaceDataset, FaceLabels};
use super::labels::{Ethnicity, Gender, MAX_AGE};

/// Which faces to show: any gender or one, any ethnicity or one, and an age range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaceFilter {
    /// Only this gender, or all.
    pub gender: Option<Gender>,
    /// Only this ethnicity, or all.
    pub ethnicity: Option<Ethnicity>,
    /// Youngest age shown.
    pub min_age: u8,
    /// Oldest age shown.
    pub max_age: u8,
}

impl Default for FaceFilter {
    /// Every face.
    fn default() -> Self {
        Self {
            gender: None,
            ethnicity: None,
            min_age: 0,
            max_age: MAX_AGE,
        }
    }
}

impl FaceFilter {
    /// Whether a face with `labels` passes.
    pub fn matches(&self, labels: FaceLabels) -> bool {
        self.gender.is_none_or(|g| g == labels.gender)
            && self.ethnicity.is_none_or(|e| e == labels.ethnicity)
            && (self.min_age..=self.max_age).contains(&labels.age)
    }

    /// Whether the filter lets every face through.
    pub fn is_everything(&self) -> bool {
        *self == Self::default()
    }

    /// The indices of the faces of `dataset` that pass, in order.
    pub fn matching_rows(&self, dataset: &FaceDataset) -> Vec<u32> {
        (0..dataset.len())
            .filter(|i| self.matches(dataset.labels(*i)))
            .map(|i| i as u32)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_by_each_label() {
        let labels = FaceLabels {
            age: 30,
            gender: Gender::Female,
            ethnicity: Ethnicity::Black,
        };
        assert!(FaceFilter::default().matches(labels));
        assert!(
            FaceFilter {
                gender: Some(Gender::Female),
                ..FaceFilter::default()
            }
            .matches(labels)
        );
        assert!(
            !FaceFilter {
                gender: Some(Gender::Male),
                ..FaceFilter::default()
            }
            .matches(labels)
        );
        assert!(
            !FaceFilter {
                ethnicity: Some(Ethnicity::Asian),
                ..FaceFilter::default()
            }
            .matches(labels)
        );
        assert!(
            !FaceFilter {
                min_age: 31,
                ..FaceFilter::default()
            }
            .matches(labels)
        );
        assert!(
            FaceFilter {
                min_age: 30,
                max_age: 30,
                ..FaceFilter::default()
            }
            .matches(labels)
        );
    }
}
