//! File dialogs run on their own thread, so that the window keeps drawing while one is open.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A dialog that closes faster than this without an answer was most likely never shown (no
/// desktop portal to show it); a person takes longer to cancel one.
const TOO_FAST_TO_BE_SEEN: Duration = Duration::from_millis(300);

/// What the user is choosing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialogKind {
    /// An `age_gender.csv` (or `.csv.gz`) file to open.
    DataFile,
    /// A UTKFace image folder to open.
    ImageFolder,
    /// A model folder (model.safetensors and model.json) to open.
    ModelFolder,
    /// A photo to classify.
    Photo,
    /// A folder to save the model of a training run in.
    SaveModel {
        /// The run's position in the list of runs.
        run: usize,
    },
    /// Where to save the corrected CSV: proposed folder and file name.
    SaveCorrected {
        /// The folder first shown.
        folder: Option<PathBuf>,
        /// The file name proposed.
        file_name: String,
    },
}

/// A dialog that is open.
pub struct PendingDialog {
    kind: DialogKind,
    opened: Instant,
    answer: mpsc::Receiver<Option<PathBuf>>,
}

impl PendingDialog {
    /// Opens the dialog; `repaint` is called once the user has answered.
    pub fn open(kind: DialogKind, repaint: impl Fn() + Send + 'static) -> Self {
        let (sender, answer) = mpsc::channel();
        let asked = kind.clone();
        let spawned = std::thread::Builder::new()
            .name("facelab-dialog".into())
            .spawn(move || {
                let chosen = match asked {
                    DialogKind::DataFile => rfd::FileDialog::new()
                        .set_title("Open a face data set")
                        .add_filter("age_gender.csv", &["csv", "gz"])
                        .pick_file(),
                    DialogKind::ImageFolder => rfd::FileDialog::new()
                        .set_title("Open a UTKFace image folder")
                        .pick_folder(),
                    DialogKind::ModelFolder => rfd::FileDialog::new()
                        .set_title("Open a model folder (model.safetensors, model.json)")
                        .pick_folder(),
                    DialogKind::SaveModel { .. } => rfd::FileDialog::new()
                        .set_title("Choose a folder for the model")
                        .pick_folder(),
                    DialogKind::Photo => rfd::FileDialog::new()
                        .set_title("Classify a photo")
                        .add_filter("Images", &["jpg", "jpeg", "png", "webp", "bmp"])
                        .pick_file(),
                    DialogKind::SaveCorrected { folder, file_name } => {
                        let mut dialog = rfd::FileDialog::new()
                            .set_title("Save the corrected data set")
                            .add_filter("CSV", &["csv"])
                            .set_file_name(file_name);
                        if let Some(folder) = folder {
                            dialog = dialog.set_directory(folder);
                        }
                        dialog.save_file()
                    }
                };
                let _ = sender.send(chosen);
                repaint();
            });
        if let Err(error) = spawned {
            log::error!("cannot start the file dialog: {error}");
        }
        Self {
            kind,
            opened: Instant::now(),
            answer,
        }
    }

    /// What is being chosen.
    pub fn kind(&self) -> &DialogKind {
        &self.kind
    }

    /// Whether the dialog closed so soon after opening that it was probably never shown.
    pub fn closed_unseen(&self) -> bool {
        self.opened.elapsed() < TOO_FAST_TO_BE_SEEN
    }

    /// `Some(answer)` once the dialog has closed (`None` inside when cancelled or when no
    /// dialog could be shown).
    pub fn poll(&self) -> Option<Option<PathBuf>> {
        match self.answer.try_recv() {
            Ok(answer) => Some(answer),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => Some(None),
        }
    }
}
