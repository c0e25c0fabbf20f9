//! [`TrainingRun`]: the training loop on a worker thread, talking over a channel.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use super::events::TrainEvent;
use super::settings::TrainSettings;
use super::trainer::{RunPaths, train};
use crate::data::FaceDataset;
use crate::model::FaceModel;

/// A training run on its own thread. Events arrive through [`TrainingRun::poll`]; the trained
/// model through [`TrainingRun::take_model`] once the run has finished.
pub struct TrainingRun {
    events: Receiver<TrainEvent>,
    stop: Arc<AtomicBool>,
    worker: Option<JoinHandle<()>>,
    model: Arc<Mutex<Option<FaceModel>>>,
}

impl TrainingRun {
    /// Starts training on a worker thread. `wake` is called after every event, so a window
    /// can ask for a repaint.
    pub fn spawn(
        dataset: Arc<FaceDataset>,
        settings: TrainSettings,
        paths: RunPaths,
        wake: impl Fn() + Send + 'static,
    ) -> Self {
        let (sender, events) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let worker_stop = Arc::clone(&stop);
        let model = Arc::new(Mutex::new(None));
        let worker_model = Arc::clone(&model);
        let worker = std::thread::Builder::new()
            .name("facelab-training".into())
            .spawn(move || {
                // `Finished` is held back until the model is stored, so that whoever sees it
                // can take the model at once.
                let mut finished = None;
                let mut emit = |event: TrainEvent| {
                    if matches!(event, TrainEvent::Finished(_)) {
                        finished = Some(event);
                    } else {
                        let _ = sender.send(event);
                        wake();
                    }
                };
                let outcome = train(&dataset, &settings, &paths, &worker_stop, &mut emit);
                let last = match outcome {
                    Ok((trained, summary)) => {
                        if let Ok(mut slot) = worker_model.lock() {
                            *slot = Some(trained);
                        }
                        finished.unwrap_or(TrainEvent::Finished(summary))
                    }
                    Err(error) => {
                        log::error!("training failed: {error}");
                        TrainEvent::Failed(error.to_string())
                    }
                };
                let _ = sender.send(last);
                wake();
            })
            .map_err(|e| log::error!("cannot start the training thread: {e}"))
            .ok();
        Self {
            events,
            stop,
            worker,
            model,
        }
    }

    /// Asks the run to stop; it finishes its batch, keeps the best weights and reports
    /// [`TrainEvent::Finished`].
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// The events that arrived since the last call, without waiting.
    pub fn poll(&mut self) -> Vec<TrainEvent> {
        let mut out = Vec::new();
        while let Ok(event) = self.events.try_recv() {
            out.push(event);
        }
        out
    }

    /// Whether the worker thread has ended.
    pub fn is_done(&self) -> bool {
        self.worker.as_ref().is_none_or(|w| w.is_finished())
    }

    /// The trained model, once [`TrainEvent::Finished`] has arrived (only once).
    pub fn take_model(&mut self) -> Option<FaceModel> {
        self.model.lock().ok()?.take()
    }
}

impl Drop for TrainingRun {
    /// A run that is dropped (the window closes) is told to stop; its thread ends after the
    /// batch it is on.
    fn drop(&mut self) {
        self.stop();
    }
}
