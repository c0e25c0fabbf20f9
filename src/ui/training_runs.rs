//! The training runs of the window: the one running on its worker and the finished ones, with
//! the curves they drew.

use std::sync::Arc;

use crate::data::FaceDataset;
use crate::model::{EpochRecord, FaceModel};
use crate::train::{RunPaths, RunSummary, TrainEvent, TrainSettings, TrainingRun};

/// Where a run is.
#[derive(Debug, Clone, PartialEq)]
pub enum RunState {
    /// Building the network.
    Starting,
    /// Training.
    Running,
    /// Stop was pressed; the batch in progress is finishing.
    Stopping,
    /// Ended with a result.
    Finished(RunSummary),
    /// Ended with an error.
    Failed(String),
}

/// One run's settings, curves and outcome.
pub struct RunRecord {
    /// "Run 2: classic".
    pub name: String,
    /// The settings it ran with.
    pub settings: TrainSettings,
    /// The data set's name.
    pub data_name: String,
    /// Where it is.
    pub state: RunState,
    /// The device, in words, once started.
    pub device: String,
    /// Why the device is not the one asked for, if it is not.
    pub device_note: Option<String>,
    /// Steps in an epoch, once started.
    pub steps_per_epoch: usize,
    /// `[step, loss]` of every step.
    pub step_loss: Vec<[f64; 2]>,
    /// `[step, accuracy]` of every step.
    pub step_accuracy: Vec<[f64; 2]>,
    /// Faces per second at the last step.
    pub images_per_second: f64,
    /// The finished epochs.
    pub epochs: Vec<EpochRecord>,
    /// Whether its curves are drawn.
    pub shown: bool,
    /// The trained model, once finished.
    pub model: Option<Arc<FaceModel>>,
    worker: Option<TrainingRun>,
}

impl RunRecord {
    /// Starts a run on a worker; `wake` asks the window for a repaint.
    pub fn start(
        number: usize,
        dataset: Arc<FaceDataset>,
        data_name: String,
        settings: TrainSettings,
        wake: impl Fn() + Send + 'static,
    ) -> Self {
        let paths = RunPaths {
            data_name: data_name.clone(),
            out_dir: None,
            resume_from: None,
        };
        let worker = TrainingRun::spawn(dataset, settings.clone(), paths, wake);
        Self {
            name: format!("Run {number}: {}", settings.preset),
            settings,
            data_name,
            state: RunState::Starting,
            device: String::new(),
            device_note: None,
            steps_per_epoch: 0,
            step_loss: Vec::new(),
            step_accuracy: Vec::new(),
            images_per_second: 0.0,
            epochs: Vec::new(),
            shown: true,
            model: None,
            worker: Some(worker),
        }
    }

    /// Whether the run is still on its worker.
    pub fn is_active(&self) -> bool {
        matches!(
            self.state,
            RunState::Starting | RunState::Running | RunState::Stopping
        )
    }

    /// Asks the run to stop after its current batch.
    pub fn stop(&mut self) {
        if let Some(worker) = &self.worker {
            worker.stop();
            if self.is_active() {
                self.state = RunState::Stopping;
            }
        }
    }

    /// Takes the events that arrived; returns whether anything changed.
    pub fn poll(&mut self) -> bool {
        let Some(events) = self.worker.as_mut().map(TrainingRun::poll) else {
            return false;
        };
        let changed = !events.is_empty();
        for event in events {
            self.apply(event);
        }
        if !self.is_active() {
            self.model = self
                .worker
                .take()
                .and_then(|mut w| w.take_model())
                .map(Arc::new);
        }
        changed
    }

    fn apply(&mut self, event: TrainEvent) {
        match event {
            TrainEvent::Started {
                device,
                device_note,
                steps_per_epoch,
                ..
            } => {
                self.device = device;
                self.device_note = device_note;
                self.steps_per_epoch = steps_per_epoch;
                if self.state == RunState::Starting {
                    self.state = RunState::Running;
                }
            }
            TrainEvent::Step(step) => {
                self.step_loss.push([step.step as f64, step.loss]);
                self.step_accuracy.push([step.step as f64, step.accuracy]);
                self.images_per_second = step.images_per_second;
            }
            TrainEvent::Epoch(record) => self.epochs.push(record),
            TrainEvent::Finished(summary) => self.state = RunState::Finished(summary),
            TrainEvent::Failed(message) => self.state = RunState::Failed(message),
        }
    }

    /// Steps done, and steps in the whole run.
    pub fn progress_steps(&self) -> (usize, usize) {
        (
            self.step_loss.len(),
            self.steps_per_epoch * self.settings.epochs,
        )
    }

    /// Seconds left at the present speed, once it is known.
    pub fn seconds_left(&self) -> Option<f64> {
        let (done, total) = self.progress_steps();
        (self.images_per_second > 0.0 && total > done).then(|| {
            (total - done) as f64 * self.settings.batch_size as f64 / self.images_per_second
        })
    }

    /// The epoch in progress (counting from 1).
    pub fn current_epoch(&self) -> usize {
        let (done, _) = self.progress_steps();
        done.checked_div(self.steps_per_epoch)
            .map_or(1, |epochs| (epochs + 1).min(self.settings.epochs))
    }
}

/// Exponential smoothing of a curve as TensorBoard draws it: a running mean with weight
/// `smoothing` (0 to just under 1) on the past, corrected for its start at zero.
pub fn smoothed(points: &[[f64; 2]], smoothing: f64) -> Vec<[f64; 2]> {
    let mut mean = 0.0;
    let mut weight = 0.0;
    points
        .iter()
        .map(|&[x, y]| {
            mean = mean * smoothing + (1.0 - smoothing) * y;
            weight = weight * smoothing + (1.0 - smoothing);
            [x, if weight > 0.0 { mean / weight } else { y }]
        })
        .collect()
}

/// The Training view's state: the settings for the next run and every run so far.
pub struct TrainingPanel {
    /// Settings of the next run.
    pub settings: TrainSettings,
    /// Every run, oldest first.
    pub runs: Vec<RunRecord>,
    /// Smoothing of the step curves, 0 to 0.99.
    pub smoothing: f64,
    models_seen: usize,
}

impl Default for TrainingPanel {
    fn default() -> Self {
        Self {
            settings: TrainSettings::default(),
            runs: Vec::new(),
            smoothing: 0.8,
            models_seen: 0,
        }
    }
}

impl TrainingPanel {
    /// The run in progress, if any.
    pub fn active(&self) -> Option<&RunRecord> {
        self.runs.iter().find(|r| r.is_active())
    }

    /// Stops the run in progress.
    pub fn stop(&mut self) {
        for run in self.runs.iter_mut().filter(|r| r.is_active()) {
            run.stop();
        }
    }

    /// Takes the news of every run.
    pub fn poll(&mut self) {
        for run in &mut self.runs {
            run.poll();
        }
    }

    /// The name and model of the latest run that handed over a model, if any.
    pub fn latest_model(&self) -> Option<(&str, &Arc<FaceModel>)> {
        self.runs
            .iter()
            .rev()
            .find_map(|r| r.model.as_ref().map(|m| (r.name.as_str(), m)))
    }

    /// Whether [`TrainingPanel::latest_model`] arrived since the last call.
    pub fn latest_model_is_new(&mut self) -> bool {
        let count = self.runs.iter().filter(|r| r.model.is_some()).count();
        let new = count > self.models_seen;
        self.models_seen = count;
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoothing_zero_keeps_the_curve_and_more_flattens_it() {
        let points = [[1.0, 1.0], [2.0, 0.0], [3.0, 1.0], [4.0, 0.0]];
        assert_eq!(smoothed(&points, 0.0), points.to_vec());
        let flat = smoothed(&points, 0.9);
        assert_eq!(flat[0], [1.0, 1.0]);
        let spread = |c: &[[f64; 2]]| {
            c[1..].iter().map(|p| p[1]).fold(0.0f64, f64::max)
                - c[1..].iter().map(|p| p[1]).fold(1.0f64, f64::min)
        };
        assert!(spread(&flat) < spread(&points));
    }
}
