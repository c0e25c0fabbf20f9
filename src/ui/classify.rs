//! The Classify view: a photo with the square the model sees (movable and resizable), the 48x48
//! input exactly as the model gets it, and the probability of each class.

use eframe::egui;

use super::app::FacelabApp;
use crate::data::FACE_SIDE;
use crate::data::face_image::SquareCrop;

/// The largest side the photo is drawn at.
const PHOTO_VIEW: f32 = 420.0;

/// The side the 48x48 input is drawn at.
const INPUT_VIEW: f32 = 192.0;

/// Draws the view.
pub fn ui(app: &mut FacelabApp, ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        ui.heading("Classify a photo");
        if ui.button("Choose photo...").clicked() {
            app.open_dialog(ui.ctx(), super::dialogs::DialogKind::Photo);
        }
        if app.model_jobs.decoding_photo.is_some() {
            ui.spinner();
        }
    });
    let model = app.current_model();
    if model.is_none() {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            "No model yet: train one in the Training view, or open a saved one with \
             File > Open model... (a folder with model.safetensors and model.json).",
        );
    }
    let Some(photo) = &mut app.photo else {
        ui.label("Drop a photo (jpg, png, webp, bmp) on the window, or choose one.");
        return;
    };
    if let Some(model) = &model
        && let Err(error) = photo.classify(model)
    {
        ui.colored_label(ui.visuals().error_fg_color, error.to_string());
    }
    ui.label(photo.path.display().to_string());

    let (width, height) = (photo.image.width(), photo.image.height());
    let mut crop = photo.crop;
    let ctx = ui.ctx().clone();
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            let scale = PHOTO_VIEW / width.max(height) as f32;
            let size = egui::vec2(width as f32 * scale, height as f32 * scale);
            let texture = app.photo_textures.photo(&ctx, photo);
            let response = ui.add(
                egui::Image::from_texture(egui::load::SizedTexture::new(texture, size))
                    .sense(egui::Sense::drag()),
            );
            // Dragging on the photo moves the square.
            if response.dragged() {
                let delta = response.drag_delta() / scale;
                let left = (crop.left as f32 + delta.x).max(0.0) as u32;
                let top = (crop.top as f32 + delta.y).max(0.0) as u32;
                crop = SquareCrop { left, top, ..crop };
            }
            let square = egui::Rect::from_min_size(
                response.rect.min + egui::vec2(crop.left as f32, crop.top as f32) * scale,
                egui::vec2(crop.side as f32, crop.side as f32) * scale,
            );
            ui.painter().rect_stroke(
                square,
                0.0,
                egui::Stroke::new(2.0, egui::Color32::from_rgb(250, 200, 60)),
                egui::StrokeKind::Outside,
            );
            egui::Grid::new("crop").num_columns(2).show(ui, |ui| {
                let max_side = width.min(height);
                let label = ui.label("square side");
                ui.add(egui::Slider::new(
                    &mut crop.side,
                    8.min(max_side)..=max_side,
                ))
                .labelled_by(label.id);
                ui.end_row();
                let label = ui.label("left");
                ui.add(egui::Slider::new(
                    &mut crop.left,
                    0..=width - crop.side.min(width),
                ))
                .labelled_by(label.id);
                ui.end_row();
                let label = ui.label("top");
                ui.add(egui::Slider::new(
                    &mut crop.top,
                    0..=height - crop.side.min(height),
                ))
                .labelled_by(label.id);
                ui.end_row();
            });
            if ui.button("Centre the square").clicked() {
                crop = SquareCrop::centered(width, height);
            }
        });
        ui.vertical(|ui| {
            ui.strong(format!(
                "What the model sees ({FACE_SIDE}x{FACE_SIDE}, grayscale)"
            ));
            let texture = app.photo_textures.input(&ctx, photo);
            ui.add(egui::Image::from_texture(egui::load::SizedTexture::new(
                texture,
                [INPUT_VIEW, INPUT_VIEW],
            )));
            if let (Some(model), Some(probabilities)) = (&model, &photo.probabilities) {
                ui.add_space(8.0);
                ui.strong("Probabilities");
                for (class, p) in model.card.classes.iter().zip(probabilities) {
                    ui.horizontal(|ui| {
                        ui.label(format!("{class:<7}"));
                        ui.add(
                            egui::ProgressBar::new(*p)
                                .desired_width(220.0)
                                .text(format!("{:.1} %", 100.0 * p)),
                        );
                    });
                }
            }
        });
    });
    photo.set_crop(crop);
}
