//! Helpers for the window's egui_kittest tests.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use eframe::egui;
use egui_kittest::Harness;
use facelab::ui::FacelabApp;

/// The window, 1280 x 800, on `app`.
pub fn harness_on(app: FacelabApp) -> Harness<'static, FacelabApp> {
    Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(|ui, app: &mut FacelabApp| app.ui(ui), app)
}

/// The window on the demo faces, set to train a small network (see [`super::small_net`]) for
/// `epochs` epochs, so that tests that train stay quick; the presets are tested elsewhere.
pub fn small_net_app(epochs: usize) -> FacelabApp {
    let mut app = FacelabApp::with_demo_data();
    app.training.settings.net = super::small_net(&[8]);
    app.training.settings.epochs = epochs;
    app
}

/// Steps the harness, as a running app would draw frames, until `done` holds (two minutes at
/// most).
pub fn step_until(harness: &mut Harness<'_, FacelabApp>, done: impl Fn(&FacelabApp) -> bool) {
    let started = Instant::now();
    while !done(harness.state()) {
        assert!(started.elapsed() < Duration::from_secs(120), "timed out");
        std::thread::sleep(Duration::from_millis(10));
        harness.step();
    }
}

/// A file "dropped" on the window in a test.
#[derive(Debug)]
pub struct DroppedPath(pub PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}
