//! The model the Evaluation and Classify views use, its evaluation, and the photo being
//! classified.

use std::path::PathBuf;
use std::sync::Arc;

use image::DynamicImage;

use super::job::Job;
use crate::data::face_image::{SquareCrop, face_from_image};
use crate::eval::Evaluation;
use crate::model::{FaceModel, ModelError};

/// A model the user opened from disk.
pub struct OpenedModel {
    /// The model.
    pub model: Arc<FaceModel>,
    /// Its folder.
    pub folder: PathBuf,
}

/// An evaluation shown in the Evaluation view.
pub struct ShownEvaluation {
    /// The model's name ("Run 2: classic" or its folder).
    pub model_name: String,
    /// "the test split (seed 42)" or "all faces".
    pub scope: String,
    /// The numbers.
    pub evaluation: Evaluation,
}

/// The longest side a photo is worked on at.
pub const WORKING_SIDE: u32 = 1024;

/// A photo being classified.
pub struct PhotoToClassify {
    /// Where it came from.
    pub path: PathBuf,
    /// The decoded photo.
    pub image: Arc<DynamicImage>,
    /// The square the model sees, in photo pixels.
    pub crop: SquareCrop,
    /// The 48x48 grayscale input made from the crop.
    pub input: Vec<u8>,
    /// The class probabilities of `input`, once a model ran on it.
    pub probabilities: Option<Vec<f32>>,
    /// Bumped whenever `input` changes, so its texture is uploaded again.
    pub version: u64,
}

impl PhotoToClassify {
    /// A photo with the centred square chosen. Photos larger than [`WORKING_SIDE`] are first
    /// scaled down to it, so that moving the crop stays instant; the input shown is exactly the
    /// one the model gets.
    pub fn new(path: PathBuf, image: DynamicImage) -> Self {
        let image = if image.width().max(image.height()) > WORKING_SIDE {
            image.resize(
                WORKING_SIDE,
                WORKING_SIDE,
                image::imageops::FilterType::Lanczos3,
            )
        } else {
            image
        };
        let image = Arc::new(image);
        let crop = SquareCrop::centered(image.width(), image.height());
        let input = face_from_image(&image, crop);
        Self {
            path,
            image,
            crop,
            input,
            probabilities: None,
            version: 0,
        }
    }

    /// Moves or resizes the crop (kept inside the photo) and remakes the input.
    pub fn set_crop(&mut self, crop: SquareCrop) {
        let crop = crop.clamped_to(self.image.width(), self.image.height());
        if crop != self.crop {
            self.crop = crop;
            self.input = face_from_image(&self.image, crop);
            self.probabilities = None;
            self.version += 1;
        }
    }

    /// Runs `model` on the input if it has not run on it yet.
    pub fn classify(&mut self, model: &FaceModel) -> Result<(), ModelError> {
        if self.probabilities.is_none() {
            self.probabilities = Some(model.probabilities(&self.input)?);
        }
        Ok(())
    }
}

/// Background work of the Evaluation and Classify views.
#[derive(Default)]
pub struct ModelJobs {
    /// A model being loaded from a folder.
    pub loading_model: Option<Job<Result<OpenedModel, String>>>,
    /// An evaluation being computed.
    pub evaluating: Option<Job<Result<ShownEvaluation, String>>>,
    /// A photo being decoded.
    pub decoding_photo: Option<Job<Result<PhotoToClassify, String>>>,
    /// A trained model being written to a folder.
    pub saving_model: Option<Job<Result<PathBuf, String>>>,
}
