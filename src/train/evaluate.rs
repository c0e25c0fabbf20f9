//! Loss and accuracy of a model on a set of faces.

use super::batches::{gather_pixels, gender_classes};
use crate::data::FaceDataset;
use crate::model::{FaceModel, ModelError};

/// How many faces are scored at once, bounding the memory of evaluating a large split.
const EVAL_CHUNK: usize = 1024;

/// Loss and accuracy over some faces.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Mean cross-entropy of the true class.
    pub loss: f64,
    /// Share of faces whose most probable class is the true one.
    pub accuracy: f64,
}

/// The model's score on the faces `indices` of `dataset` (inference mode, with mirror
/// averaging where the model's card asks for it).
pub fn score(
    model: &FaceModel,
    dataset: &FaceDataset,
    indices: &[u32],
) -> Result<Score, ModelError> {
    if indices.is_empty() {
        return Ok(Score {
            loss: 0.0,
            accuracy: 0.0,
        });
    }
    let classes = model.card.classes.len();
    let (mut loss, mut right) = (0.0f64, 0usize);
    for chunk in indices.chunks(EVAL_CHUNK) {
        let probabilities = model.probabilities(&gather_pixels(dataset, chunk))?;
        for (p, &truth) in probabilities
            .chunks_exact(classes)
            .zip(&gender_classes(dataset, chunk))
        {
            let truth = truth as usize;
            loss -= f64::from(p[truth].max(1e-12)).ln();
            if argmax(p) == truth {
                right += 1;
            }
        }
    }
    Ok(Score {
        loss: loss / indices.len() as f64,
        accuracy: right as f64 / indices.len() as f64,
    })
}

/// The index of the largest value (the first of equals).
pub fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (i, v) in values.iter().enumerate() {
        if *v > values[best] {
            best = i;
        }
    }
    best
}
