//! The model layer's errors.

use std::path::PathBuf;

use super::config::NetConfigError;

/// What can go wrong building, running, saving or loading a model.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The network description is impossible.
    #[error("invalid network: {0}")]
    Config(#[from] NetConfigError),
    /// A tensor operation failed (a shape mismatch, a device error).
    #[error("tensor operation failed: {0}")]
    Candle(#[from] candle_core::Error),
    /// A file of a model could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A model directory lacks one of its files.
    #[error("{dir} is not a facelab model: {file} is missing")]
    MissingFile {
        /// The directory.
        dir: PathBuf,
        /// The missing file's name.
        file: &'static str,
    },
    /// `model.json` could not be parsed.
    #[error("{path}: not a valid model description: {message}")]
    BadCard {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// `model.safetensors` does not hold the weights `model.json` describes.
    #[error("{path}: the weights do not fit the network in model.json: {message}")]
    WeightsMismatch {
        /// The weights file.
        path: PathBuf,
        /// What does not fit.
        message: String,
    },
    /// A lock was poisoned by a panic on another thread.
    #[error("the model's parameters were left inconsistent by a failed thread")]
    Poisoned,
    /// The requested device cannot be used.
    #[error("{0}")]
    Device(String),
}
