//! `facelab bench ui [FILE]`: the CPU cost of one frame of the faces view (20 faces), measured
//! headless: egui's layout of the whole window plus tessellation into triangles, everything the
//! UI thread does for a frame except handing the triangles to the GPU.

use std::path::Path;
use std::time::Instant;

use eframe::egui;
use serde_json::json;

use crate::cpu_time::thread_cpu_nanos;
use crate::data::{LoadOptions, demo_dataset, load_path};
use crate::data::{LoadReport, LoadedDataset};
use crate::ui::{DatasetSource, FacelabApp, View};

/// Frames drawn before measuring (fonts and textures are prepared in the first).
const WARM_UP_FRAMES: usize = 5;

/// Timings of one scenario.
struct FrameTimes {
    name: &'static str,
    millis: Vec<f64>,
    /// CPU time of the UI thread over all measured frames, divided by their number.
    cpu_millis_per_frame: Option<f64>,
    vertices: usize,
}

impl FrameTimes {
    fn percentile(&self, share: f64) -> f64 {
        let mut sorted = self.millis.clone();
        sorted.sort_by(f64::total_cmp);
        sorted[((sorted.len() - 1) as f64 * share).round() as usize]
    }
}

/// Measures `frames` frames of the faces view on `file` (or the demo faces).
pub fn run(file: Option<&Path>, frames: usize, json: bool) -> anyhow::Result<()> {
    anyhow::ensure!(frames > 0, "--frames must be at least 1");
    let (source, loaded) = match file {
        Some(path) => (
            DatasetSource::Path(path.to_path_buf()),
            load_path(path, LoadOptions::default())?,
        ),
        None => {
            let dataset = demo_dataset();
            let report = LoadReport {
                rows_read: dataset.len(),
                rows_kept: dataset.len(),
                ..LoadReport::default()
            };
            (DatasetSource::Demo, LoadedDataset { dataset, report })
        }
    };
    let faces = loaded.dataset.len();
    let mut app = FacelabApp::with_dataset(source, loaded);
    app.view = View::Faces;
    let ctx = egui::Context::default();

    let steady = measure(&ctx, &mut app, frames, "same 20 faces", |_| {});
    let reshuffled = measure(
        &ctx,
        &mut app,
        frames,
        "new 20 faces every frame",
        FacelabApp::reshuffle,
    );
    let results = [steady, reshuffled];

    if json {
        let scenarios: Vec<_> = results
            .iter()
            .map(|r| {
                json!({
                    "scenario": r.name,
                    "median_ms": r.percentile(0.5),
                    "p95_ms": r.percentile(0.95),
                    "max_ms": r.percentile(1.0),
                    "cpu_ms_per_frame": r.cpu_millis_per_frame,
                    "vertices": r.vertices,
                })
            })
            .collect();
        let document = json!({ "faces": faces, "frames": frames, "window": [1280, 800], "scenarios": scenarios });
        println!("{}", serde_json::to_string_pretty(&document)?);
        return Ok(());
    }
    println!("faces view, 1280 x 800, {faces} faces in the data set, {frames} frames each");
    for r in &results {
        println!(
            "  {:<26} CPU {} ms per frame; wall median {:.2} ms, p95 {:.2} ms, max {:.2} ms ({} vertices)",
            r.name,
            r.cpu_millis_per_frame
                .map_or("?".to_string(), |c| format!("{c:.2}")),
            r.percentile(0.5),
            r.percentile(0.95),
            r.percentile(1.0),
            r.vertices
        );
    }
    Ok(())
}

/// Draws `frames` frames, calling `before` ahead of each, and times each one.
fn measure(
    ctx: &egui::Context,
    app: &mut FacelabApp,
    frames: usize,
    name: &'static str,
    before: impl Fn(&mut FacelabApp),
) -> FrameTimes {
    let mut millis = Vec::with_capacity(frames);
    let mut vertices = 0;
    let mut cpu_start = None;
    for frame in 0..WARM_UP_FRAMES + frames {
        if frame == WARM_UP_FRAMES {
            cpu_start = thread_cpu_nanos();
        }
        before(app);
        let started = Instant::now();
        vertices = draw_frame(ctx, app);
        if frame >= WARM_UP_FRAMES {
            millis.push(started.elapsed().as_secs_f64() * 1e3);
        }
    }
    let cpu_millis_per_frame = cpu_start
        .zip(thread_cpu_nanos())
        .map(|(start, end)| end.saturating_sub(start) as f64 / 1e6 / frames as f64);
    FrameTimes {
        name,
        millis,
        cpu_millis_per_frame,
        vertices,
    }
}

/// One frame: layout, then tessellation. Returns the number of triangle vertices, so that a
/// frame that drew nothing would show.
fn draw_frame(ctx: &egui::Context, app: &mut FacelabApp) -> usize {
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    };
    let output = ctx.run_ui(input, |ui| app.ui(ui));
    let triangles = ctx.tessellate(output.shapes, output.pixels_per_point);
    triangles
        .iter()
        .map(|p| match &p.primitive {
            egui::epaint::Primitive::Mesh(mesh) => mesh.vertices.len(),
            egui::epaint::Primitive::Callback(_) => 0,
        })
        .sum()
}
