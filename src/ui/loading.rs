//! Loading a data set on a worker thread, with progress and cancel, so the window never waits.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, mpsc};

use crate::data::{DataError, LoadOptions, LoadedDataset, load_path};

/// A load running in the background.
pub struct LoadJob {
    path: PathBuf,
    progress: Arc<AtomicU32>,
    cancel: Arc<AtomicBool>,
    result: mpsc::Receiver<Result<LoadedDataset, DataError>>,
}

impl LoadJob {
    /// Starts loading `path`; `repaint` is called whenever there is news for the window.
    pub fn start(path: PathBuf, repaint: impl Fn() + Send + Sync + 'static) -> Self {
        let progress = Arc::new(AtomicU32::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let (sender, result) = mpsc::channel();
        let (worker_path, worker_progress, worker_cancel) =
            (path.clone(), Arc::clone(&progress), Arc::clone(&cancel));
        let spawned = std::thread::Builder::new()
            .name("facelab-load".into())
            .spawn(move || {
                let report = |p: crate::data::LoadProgress| {
                    worker_progress.store(p.fraction.to_bits(), Ordering::Relaxed);
                    repaint();
                };
                let options = LoadOptions {
                    progress: Some(&report),
                    cancel: Some(&worker_cancel),
                };
                let outcome = load_path(&worker_path, options);
                // The window may have gone; then nobody needs the result.
                let _ = sender.send(outcome);
                repaint();
            });
        if let Err(error) = spawned {
            log::error!("cannot start a loading thread: {error}");
        }
        Self {
            path,
            progress,
            cancel,
            result,
        }
    }

    /// The file or folder being loaded.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The share done, 0 to 1.
    pub fn progress(&self) -> f32 {
        f32::from_bits(self.progress.load(Ordering::Relaxed))
    }

    /// Asks the worker to stop; [`LoadJob::poll`] then reports [`DataError::Cancelled`].
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The outcome once the worker is done, without waiting.
    pub fn poll(&self) -> Option<Result<LoadedDataset, DataError>> {
        match self.result.try_recv() {
            Ok(outcome) => Some(outcome),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => Some(Err(DataError::Io {
                path: self.path.clone(),
                source: std::io::Error::other("the loading thread stopped without a result"),
            })),
        }
    }
}
