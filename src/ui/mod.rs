//! The eframe window: the explorer of a face data set, training, evaluation and classifying
//! photos. Long work (loading, dialogs) runs on
//! worker threads that ask for a repaint when they have news; the UI thread never waits.

mod app;
mod classify;
mod corrections;
mod dialogs;
mod evaluation;
mod faces;
mod filters;
mod grid;
mod job;
mod loading;
mod model_state;
mod overview;
mod photo_textures;
mod saving;
mod status;
mod textures;
mod training;
mod training_runs;

use std::path::PathBuf;

pub use app::{DatasetSource, FacelabApp, MessageLevel, UserMessage, View};
pub use faces::label_text;
pub use grid::{FaceGrid, GRID_FACES};
pub use model_state::{PhotoToClassify, ShownEvaluation};
pub use training_runs::{RunRecord, RunState, TrainingPanel, smoothed};

/// Opens the window: on `path` if given (loaded in the background), on the demo faces first.
pub fn run_window(path: Option<PathBuf>) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default()
            .with_title("facelab")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([800.0, 560.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "facelab",
        options,
        Box::new(move |creation| {
            let mut app = FacelabApp::with_demo_data();
            if let Some(path) = path {
                app.open_path(&creation.egui_ctx, path);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|error| {
        anyhow::anyhow!(
            "cannot open the window ({error}); without a display, use the subcommands (facelab --help)"
        )
    })
}
