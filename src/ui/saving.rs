//! Saving the corrected data set on a worker thread: the text of 20k faces is 167 MB.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use crate::data::{Corrections, DataError, FaceDataset, save_corrected};

/// A save running in the background.
pub struct SaveJob {
    path: PathBuf,
    corrections: usize,
    result: mpsc::Receiver<Result<(), DataError>>,
}

impl SaveJob {
    /// Starts writing `dataset` (corrections applied) and its change log to `path`; refuses
    /// `source`, the file the data set came from.
    pub fn start(
        dataset: FaceDataset,
        corrections: Corrections,
        path: PathBuf,
        source: Option<PathBuf>,
        repaint: impl Fn() + Send + 'static,
    ) -> Self {
        let (sender, result) = mpsc::channel();
        let target = path.clone();
        let count = corrections.len();
        let spawned = std::thread::Builder::new()
            .name("facelab-save".into())
            .spawn(move || {
                let outcome = save_corrected(&dataset, &corrections, &target, source.as_deref());
                let _ = sender.send(outcome);
                repaint();
            });
        if let Err(error) = spawned {
            log::error!("cannot start a saving thread: {error}");
        }
        Self {
            path,
            corrections: count,
            result,
        }
    }

    /// The file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many corrected faces the file carries.
    pub fn corrections(&self) -> usize {
        self.corrections
    }

    /// The outcome once written, without waiting.
    pub fn poll(&self) -> Option<Result<(), DataError>> {
        match self.result.try_recv() {
            Ok(outcome) => Some(outcome),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => Some(Err(DataError::io(
                &self.path,
                std::io::Error::other("the saving thread stopped without a result"),
            ))),
        }
    }
}
