//! The faces view: a 4 x 5 grid of random faces with their labels, reshuffled by button or
//! the R key, and one face shown large on a click.

use eframe::egui;

use super::app::FacelabApp;
use super::grid::{GRID_COLUMNS, GRID_ROWS};
use crate::data::FaceDataset;

/// Height of the label line under each face.
const LABEL_HEIGHT: f32 = 18.0;

/// Spacing between faces.
const GAP: f32 = 8.0;

/// The words for a face's labels: "34, Female, Asian".
pub fn label_text(dataset: &FaceDataset, row: usize) -> String {
    let labels = dataset.labels(row);
    format!(
        "{}, {}, {}",
        labels.age,
        labels.gender.name(),
        labels.ethnicity.name()
    )
}

/// Draws the grid and its controls.
pub fn ui(app: &mut FacelabApp, ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        if ui
            .button("Reshuffle")
            .on_hover_text("Show 20 other faces (R)")
            .clicked()
        {
            app.reshuffle();
        }
        let mut seed = app.explorer.grid.seed;
        let label = ui.label("seed");
        if ui
            .add(egui::DragValue::new(&mut seed))
            .labelled_by(label.id)
            .changed()
        {
            app.show_grid_for_seed(seed);
        }
        ui.label(format!(
            "{} faces match the filter",
            app.explorer.matching.len()
        ));
    });
    if app.explorer.grid.rows.is_empty() {
        ui.label("No face matches the filter.");
        return;
    }

    let available = ui.available_size();
    let cell_width = (available.x - GAP * GRID_COLUMNS as f32) / GRID_COLUMNS as f32;
    let cell_height = (available.y - GAP * GRID_ROWS as f32) / GRID_ROWS as f32 - LABEL_HEIGHT;
    let side = cell_width.min(cell_height).max(48.0);

    let rows = app.explorer.grid.rows.clone();
    let ctx = ui.ctx().clone();
    egui::Grid::new("faces_grid")
        .spacing([GAP, GAP])
        .show(ui, |ui| {
            for (index, row) in rows.iter().enumerate() {
                let row = *row as usize;
                ui.vertical(|ui| {
                    let texture = app.face_texture(&ctx, row);
                    let label = label_text(&app.open.dataset, row);
                    let corrected = app.corrections.is_corrected(row);
                    let image = egui::Image::from_texture(egui::load::SizedTexture::new(
                        texture,
                        [side, side],
                    ))
                    .sense(egui::Sense::click());
                    let response = ui.add(image);
                    let description = format!("Face {}: {label}", row + 1);
                    response.widget_info(|| {
                        egui::WidgetInfo::labeled(egui::Role::Button, true, &description)
                    });
                    if corrected {
                        let stroke = egui::Stroke::new(3.0, ui.visuals().warn_fg_color);
                        ui.painter().rect_stroke(
                            response.rect,
                            0.0,
                            stroke,
                            egui::StrokeKind::Inside,
                        );
                    }
                    response.context_menu(|ui| super::corrections::quick_menu(app, ui, row));
                    if response
                        .on_hover_text(
                            "Click to see it large and fix its labels; right-click for a quick fix",
                        )
                        .clicked()
                    {
                        app.explorer.large_face = Some(row);
                    }
                    if corrected {
                        ui.colored_label(
                            ui.visuals().warn_fg_color,
                            format!("{label} (corrected)"),
                        );
                    } else {
                        ui.label(label);
                    }
                });
                if (index + 1) % GRID_COLUMNS == 0 {
                    ui.end_row();
                }
            }
        });
}

/// The large view of one face, with its row number and image name.
pub fn large_face_window(app: &mut FacelabApp, ctx: &egui::Context) {
    let Some(row) = app.explorer.large_face else {
        return;
    };
    if row >= app.open.dataset.len() {
        app.explorer.large_face = None;
        return;
    }
    let mut open = true;
    egui::Window::new("Face")
        .open(&mut open)
        .resizable(false)
        .show(ctx, |ui| {
            let texture = app.face_texture(ctx, row);
            ui.add(egui::Image::from_texture(egui::load::SizedTexture::new(
                texture,
                [384.0, 384.0],
            )));
            ui.label(egui::RichText::new(label_text(&app.open.dataset, row)).heading());
            let line = app.open.dataset.source_line(row);
            ui.label(format!("row {} of the data set", row + 1));
            if line > 0 {
                ui.label(format!("line {line} of the file"));
            }
            let name = app.open.dataset.image_name(row);
            if !name.is_empty() {
                ui.label(format!("image {name}"));
            }
            ui.separator();
            super::corrections::label_editor(app, ui, row);
        });
    if !open {
        app.explorer.large_face = None;
    }
}
