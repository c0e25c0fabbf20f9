//! `model.json`: everything about a model but its weights: the network, the classes, the input
//! normalisation and how it was trained.

use serde::{Deserialize, Serialize};

use super::config::NetConfig;

/// The version of the `model.json` layout this build writes and reads.
pub const CARD_FORMAT: u32 = 1;

/// What the model predicts; the only task so far.
pub const GENDER_TASK: &str = "gender";

/// How raw pixels (0-255) become network inputs: `(pixel - mean) / std`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Normalization {
    /// Subtracted from each pixel.
    pub mean: f32,
    /// Each pixel is divided by this after the subtraction.
    pub std: f32,
}

impl Normalization {
    /// Pixels scaled to 0-1, as the Keras notebooks do.
    pub const UNIT_SCALE: Normalization = Normalization {
        mean: 0.0,
        std: 255.0,
    };

    /// Zero mean and unit variance over the pixels of `faces`.
    pub fn standardizing<'a>(faces: impl IntoIterator<Item = &'a [u8]>) -> Self {
        let mut histogram = [0u64; 256];
        for face in faces {
            for &p in face {
                histogram[usize::from(p)] += 1;
            }
        }
        let n = histogram.iter().sum::<u64>() as f64;
        if n == 0.0 {
            return Self::UNIT_SCALE;
        }
        let weighted = |f: &dyn Fn(f64) -> f64| {
            histogram
                .iter()
                .enumerate()
                .map(|(v, &c)| f(v as f64) * c as f64)
                .sum::<f64>()
                / n
        };
        let mean = weighted(&|v| v);
        let variance = weighted(&|v| (v - mean).powi(2));
        Self {
            mean: mean as f32,
            std: variance.sqrt().max(1.0) as f32,
        }
    }

    /// The network input for one pixel value.
    pub fn apply(&self, pixel: f32) -> f32 {
        (pixel - self.mean) / self.std
    }
}

/// The metrics of one finished epoch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// The epoch, counting from 1.
    pub epoch: usize,
    /// Mean training loss over the epoch's batches.
    pub train_loss: f64,
    /// Training accuracy over the epoch's batches (augmented, dropout on).
    pub train_accuracy: f64,
    /// Loss on the validation faces.
    pub validation_loss: f64,
    /// Accuracy on the validation faces.
    pub validation_accuracy: f64,
    /// The learning rate at the end of the epoch.
    pub learning_rate: f64,
    /// Wall time of the epoch, validation included.
    pub seconds: f64,
}

/// Where and how a model was trained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingRecord {
    /// The data file's name (no folders), or "demo faces".
    pub data_name: String,
    /// A hash of the faces and labels trained on, as 16 hex digits (see
    /// [`crate::data::FaceDataset::fingerprint`]).
    pub data_fingerprint: String,
    /// Number of faces in the data set.
    pub faces: usize,
    /// The seed of the train/validation/test split.
    pub split_seed: u64,
    /// The validation share of the split.
    pub validation_share: f64,
    /// The test share of the split.
    pub test_share: f64,
    /// The settings of the run, as the trainer describes them.
    pub settings: serde_json::Value,
    /// Metrics of every epoch so far.
    pub epochs: Vec<EpochRecord>,
    /// The epoch whose weights were saved (the best by validation accuracy).
    pub best_epoch: usize,
    /// Accuracy on the test faces, once measured.
    pub test_accuracy: Option<f64>,
}

/// The contents of `model.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCard {
    /// Layout version, [`CARD_FORMAT`].
    pub format: u32,
    /// What is predicted, [`GENDER_TASK`].
    pub task: String,
    /// Class names, in output order.
    pub classes: Vec<String>,
    /// Side of the square grayscale input, 48.
    pub input_side: usize,
    /// The preset the network came from, or "custom".
    pub preset: String,
    /// The network.
    pub net: NetConfig,
    /// How pixels are normalised.
    pub normalization: Normalization,
    /// Whether predictions average the face and its mirror image.
    pub mirror_average: bool,
    /// How the model was trained.
    pub training: Option<TrainingRecord>,
}
