//! Opening a data set from a path: a CSV file (plain or gzip) or a UTKFace image folder.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use super::csv_reader::read_csv_file;
use super::dataset::FaceDataset;
use super::error::DataError;
use super::folder::read_utkface_folder;
use super::report::LoadReport;

/// How far a load has got.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadProgress {
    /// Share of the input done, 0 to 1.
    pub fraction: f32,
    /// Faces kept so far.
    pub faces: usize,
}

/// Hooks a caller can give a load: a progress callback and a cancel flag.
#[derive(Clone, Copy, Default)]
pub struct LoadOptions<'a> {
    /// Called from the loading thread every few megabytes.
    pub progress: Option<&'a (dyn Fn(LoadProgress) + Sync)>,
    /// When set, the load stops soon and returns [`DataError::Cancelled`].
    pub cancel: Option<&'a AtomicBool>,
}

impl LoadOptions<'_> {
    /// Whether the caller has asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_some_and(|flag| flag.load(Ordering::Relaxed))
    }

    /// Reports progress, if anyone listens.
    pub fn report(&self, fraction: f32, faces: usize) {
        if let Some(progress) = self.progress {
            progress(LoadProgress { fraction, faces });
        }
    }
}

/// A loaded data set and the account of what was skipped.
#[derive(Debug, Clone)]
pub struct LoadedDataset {
    /// The faces.
    pub dataset: FaceDataset,
    /// Rows read, kept and skipped.
    pub report: LoadReport,
}

/// Loads `path`: a folder is read as UTKFace images, anything else as `age_gender.csv` text
/// (gzip-compressed or not, recognised by content).
pub fn load_path(path: &Path, options: LoadOptions<'_>) -> Result<LoadedDataset, DataError> {
    let metadata = std::fs::metadata(path).map_err(|e| DataError::io(path, e))?;
    let loaded = if metadata.is_dir() {
        read_utkface_folder(path, options)?
    } else {
        read_csv_file(path, options)?
    };
    log::info!(
        "opened {}: {} faces, {} rows skipped",
        path.display(),
        loaded.report.rows_kept,
        loaded.report.skipped.len()
    );
    Ok(loaded)
}
