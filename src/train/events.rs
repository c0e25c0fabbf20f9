//! What a training run reports while it runs.

use crate::model::EpochRecord;

/// The metrics of one training step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepMetrics {
    /// The step, counting from 1 over the whole run.
    pub step: usize,
    /// The epoch it belongs to, counting from 1.
    pub epoch: usize,
    /// Steps in an epoch.
    pub steps_per_epoch: usize,
    /// The batch's loss.
    pub loss: f64,
    /// The share of the batch classified right.
    pub accuracy: f64,
    /// The learning rate of the step.
    pub learning_rate: f64,
    /// Training speed over the last steps, faces per second.
    pub images_per_second: f64,
}

/// Why a run ended without an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinishReason {
    /// Every epoch ran.
    Completed,
    /// The user stopped it.
    Stopped,
    /// Validation accuracy stopped improving.
    EarlyStopped,
}

/// The result of a run: the best epoch's numbers and the test-split accuracy.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    /// Why the run ended.
    pub reason: FinishReason,
    /// Epochs that ran to their end.
    pub epochs_done: usize,
    /// The epoch whose weights were kept (best validation accuracy), 0 when none finished.
    pub best_epoch: usize,
    /// Validation accuracy of the kept weights.
    pub best_validation_accuracy: f64,
    /// Accuracy of the kept weights on the test faces.
    pub test_accuracy: f64,
    /// Faces in the test split.
    pub test_faces: usize,
    /// Wall time of the whole run.
    pub seconds: f64,
}

/// A message from a training run.
#[derive(Debug, Clone, PartialEq)]
pub enum TrainEvent {
    /// The run has built its network and starts training.
    Started {
        /// The device, in words.
        device: String,
        /// A note when the device is not the one asked for.
        device_note: Option<String>,
        /// Trainable values in the network.
        parameters: usize,
        /// Faces in the training, validation and test splits.
        split_sizes: [usize; 3],
        /// Steps in an epoch.
        steps_per_epoch: usize,
        /// The epoch the run starts at (above 1 when resuming).
        first_epoch: usize,
    },
    /// One step finished.
    Step(StepMetrics),
    /// One epoch finished.
    Epoch(EpochRecord),
    /// The run ended; the best weights are in the model (and on disk where asked).
    Finished(RunSummary),
    /// The run failed.
    Failed(String),
}
