//! Honest evaluation of a gender model on labelled faces: accuracy, balanced accuracy, the
//! confusion matrix, accuracy per ethnicity and per age group, and the faces the model most
//! confidently disagrees with (the likeliest label errors).

use serde::Serialize;

use crate::data::{AgeGroup, DatasetSplit, Ethnicity, FaceDataset, SplitConfig, SplitError};
use crate::model::{FaceModel, ModelError};
use crate::train::argmax;
use crate::train::batches::{gather_pixels, gender_classes};

/// How many faces are scored at once.
const CHUNK: usize = 1024;

/// How many disagreements an evaluation keeps.
pub const DISAGREEMENTS_KEPT: usize = 200;

/// The score of one group of faces.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GroupScore {
    /// Faces in the group.
    pub n: usize,
    /// Share of them classified right (0 where the group is empty).
    pub accuracy: f64,
}

/// A face whose label the model contradicts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Disagreement {
    /// The face's row in the data set.
    pub row: usize,
    /// Its labelled class.
    pub label: usize,
    /// The class the model gives it.
    pub predicted: usize,
    /// The model's probability of the predicted class.
    pub confidence: f32,
}

/// The full evaluation of a model on some faces.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The class names, in class order.
    pub classes: Vec<String>,
    /// Faces evaluated.
    pub faces: usize,
    /// Share classified right.
    pub accuracy: f64,
    /// Mean over classes of the share of that class classified right.
    pub balanced_accuracy: f64,
    /// `confusion[true][predicted]` counts.
    pub confusion: Vec<Vec<usize>>,
    /// Score per ethnicity, in code order.
    pub per_ethnicity: Vec<(Ethnicity, GroupScore)>,
    /// Score per age group, youngest first.
    pub per_age_group: Vec<(AgeGroup, GroupScore)>,
    /// The most confident disagreements first, at most [`DISAGREEMENTS_KEPT`].
    pub disagreements: Vec<Disagreement>,
}

/// Evaluates `model` on the faces `rows` of `dataset`.
pub fn evaluate(
    model: &FaceModel,
    dataset: &FaceDataset,
    rows: &[u32],
) -> Result<Evaluation, ModelError> {
    let classes = model.card.classes.len();
    let mut confusion = vec![vec![0usize; classes]; classes];
    let mut ethnicity = vec![(0usize, 0usize); Ethnicity::ALL.len()];
    let mut age = vec![(0usize, 0usize); AgeGroup::ALL.len()];
    let mut disagreements = Vec::new();

    for chunk in rows.chunks(CHUNK) {
        let probabilities = model.probabilities(&gather_pixels(dataset, chunk))?;
        let labels = gender_classes(dataset, chunk);
        for ((p, &label), &row) in probabilities.chunks_exact(classes).zip(&labels).zip(chunk) {
            let (label, predicted) = (label as usize, argmax(p));
            let right = usize::from(label == predicted);
            confusion[label][predicted] += 1;
            let face = dataset.labels(row as usize);
            let e = &mut ethnicity[face.ethnicity as usize];
            *e = (e.0 + 1, e.1 + right);
            let a = &mut age[AgeGroup::of_age(face.age).index()];
            *a = (a.0 + 1, a.1 + right);
            if right == 0 {
                disagreements.push(Disagreement {
                    row: row as usize,
                    label,
                    predicted,
                    confidence: p[predicted],
                });
            }
        }
    }
    disagreements.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(a.row.cmp(&b.row))
    });
    disagreements.truncate(DISAGREEMENTS_KEPT);

    let right: usize = (0..classes).map(|c| confusion[c][c]).sum();
    let recalls: Vec<f64> = confusion
        .iter()
        .enumerate()
        .filter(|(_, row)| row.iter().sum::<usize>() > 0)
        .map(|(c, row)| row[c] as f64 / row.iter().sum::<usize>() as f64)
        .collect();
    let score = |(n, right): (usize, usize)| GroupScore {
        n,
        accuracy: if n == 0 { 0.0 } else { right as f64 / n as f64 },
    };
    Ok(Evaluation {
        classes: model.card.classes.clone(),
        faces: rows.len(),
        accuracy: if rows.is_empty() {
            0.0
        } else {
            right as f64 / rows.len() as f64
        },
        balanced_accuracy: if recalls.is_empty() {
            0.0
        } else {
            recalls.iter().sum::<f64>() / recalls.len() as f64
        },
        confusion,
        per_ethnicity: Ethnicity::ALL
            .iter()
            .map(|&e| (e, score(ethnicity[e as usize])))
            .collect(),
        per_age_group: AgeGroup::ALL
            .iter()
            .map(|&g| (g, score(age[g.index()])))
            .collect(),
        disagreements,
    })
}

/// The faces to evaluate `model` on: its test split where `dataset` is the data it was trained
/// on (recognised by its fingerprint), every face otherwise or when `all` is set. Also says
/// which, in words.
pub fn rows_to_evaluate(
    model: &FaceModel,
    dataset: &FaceDataset,
    all: bool,
) -> Result<(Vec<u32>, String), SplitError> {
    let every = || ((0..dataset.len() as u32).collect(), "all faces".to_string());
    let Some(record) = model.card.training.as_ref().filter(|_| !all) else {
        return Ok(every());
    };
    if record.data_fingerprint != format!("{:016x}", dataset.fingerprint()) {
        return Ok(every());
    }
    let split = DatasetSplit::new(
        dataset,
        SplitConfig {
            validation: record.validation_share,
            test: record.test_share,
            seed: record.split_seed,
        },
    )?;
    Ok((
        split.test,
        format!("the test split (seed {})", record.split_seed),
    ))
}
