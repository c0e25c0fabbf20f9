//! The training layer's errors.

use crate::data::SplitError;
use crate::model::ModelError;

/// Why a training run could not start or had to end.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// The split settings are impossible.
    #[error("{0}")]
    Split(#[from] SplitError),
    /// Building, running or saving the model failed.
    #[error("{0}")]
    Model(#[from] ModelError),
    /// The data set is too small to train on.
    #[error("the training split has {0} faces; at least 2 of each gender are needed")]
    TooFewFaces(usize),
    /// A setting is out of range.
    #[error("{0}")]
    BadSetting(String),
    /// The loss became NaN or infinite.
    #[error(
        "training diverged at step {step} (epoch {epoch}): the loss is {loss}; \
         try a lower learning rate"
    )]
    Diverged {
        /// The step, counting from 1.
        step: usize,
        /// The epoch, counting from 1.
        epoch: usize,
        /// The loss value.
        loss: f64,
    },
    /// A checkpoint to resume from does not match this run.
    #[error("cannot resume: {0}")]
    ResumeMismatch(String),
    /// The metrics file could not be written.
    #[error("{path}: {message}")]
    Write {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl From<candle_core::Error> for TrainError {
    fn from(error: candle_core::Error) -> Self {
        TrainError::Model(ModelError::Candle(error))
    }
}
