//! Training: a run over a seeded, stratified split on a worker thread or in the caller,
//! batches with augmentation, evaluation, checkpoints. No window types here: the CLI and the
//! window drive the same code through [`train`] and [`TrainingRun`].

pub mod batches;
pub mod error;
pub mod evaluate;
pub mod events;
pub mod metrics_file;
pub mod run;
pub mod settings;
pub mod step;
pub mod trainer;

pub use error::TrainError;
pub use evaluate::{Score, argmax, score};
pub use events::{FinishReason, RunSummary, StepMetrics, TrainEvent};
pub use run::TrainingRun;
pub use settings::{AugmentConfig, DEFAULT_PRESET, PRESETS, TrainSettings};
pub use step::{StepOutcome, train_step};
pub use trainer::{RunPaths, train};
