//! The Evaluation view: accuracy, the confusion matrix as a heat map, accuracy per ethnicity
//! and age group, and the faces the model most confidently disagrees with, each fixable in one
//! click.

use eframe::egui;
use egui_plot::{Bar, BarChart, Plot};

use super::app::FacelabApp;
use super::faces::label_text;
use crate::data::{FaceLabels, Gender};
use crate::eval::GroupScore;

/// How many disagreements are shown as faces.
const FACES_SHOWN: usize = 12;

/// Colour of the accuracy bars.
const BAR_COLOR: egui::Color32 = egui::Color32::from_rgb(90, 140, 200);

/// Side of a disagreement face.
const FACE_SIDE: f32 = 96.0;

/// Draws the view.
pub fn ui(app: &mut FacelabApp, ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        ui.heading("Evaluation");
        let model = app.current_model_name();
        match &model {
            Some(name) => {
                ui.label(format!("model: {name}"));
                let busy = app.model_jobs.evaluating.is_some();
                if ui
                    .add_enabled(!busy, egui::Button::new("Evaluate"))
                    .clicked()
                {
                    app.start_evaluation(ui.ctx());
                }
                if busy {
                    ui.spinner();
                }
            }
            None => {
                ui.label(
                    "No model yet: train one in the Training view, or open one with \
                     File > Open model...",
                );
            }
        }
    });
    let Some(shown) = &app.evaluation else {
        if app.current_model_name().is_some() {
            ui.label("Press Evaluate to score the model on the open data set.");
        }
        return;
    };
    let e = &shown.evaluation;
    ui.label(format!(
        "{} on {} of {}: {} faces. Accuracy {:.3}, balanced accuracy {:.3}.",
        shown.model_name,
        shown.scope,
        app.open.name(),
        e.faces,
        e.accuracy,
        e.balanced_accuracy
    ));
    ui.separator();

    let height = 220.0;
    ui.columns(3, |columns| {
        confusion_heat_map(&mut columns[0], &e.classes, &e.confusion);
        let ethnicities: Vec<(String, GroupScore)> = e
            .per_ethnicity
            .iter()
            .map(|(g, s)| (g.name().to_string(), *s))
            .collect();
        group_bars(
            &mut columns[1],
            "ethnicity_accuracy",
            "Accuracy per ethnicity",
            &ethnicities,
            height,
        );
        let ages: Vec<(String, GroupScore)> = e
            .per_age_group
            .iter()
            .map(|(g, s)| (g.name().to_string(), *s))
            .collect();
        group_bars(
            &mut columns[2],
            "age_accuracy",
            "Accuracy per age group",
            &ages,
            height,
        );
    });
    ui.separator();
    disagreements(app, ui);
}

/// The confusion matrix: rows are labels, columns predictions, cells shaded by their share of
/// the row.
fn confusion_heat_map(ui: &mut egui::Ui, classes: &[String], confusion: &[Vec<usize>]) {
    ui.strong("Confusion (rows: label, columns: predicted)");
    let cell = egui::vec2(90.0, 44.0);
    let label_width = 70.0;
    let (rect, response) = ui.allocate_exact_size(
        egui::vec2(
            label_width + cell.x * classes.len() as f32,
            cell.y * (classes.len() + 1) as f32,
        ),
        egui::Sense::hover(),
    );
    let painter = ui.painter_at(rect);
    let text_color = ui.visuals().text_color();
    let font = egui::FontId::proportional(14.0);
    for (c, name) in classes.iter().enumerate() {
        let at = rect.min + egui::vec2(label_width + cell.x * (c as f32 + 0.5), cell.y * 0.5);
        painter.text(
            at,
            egui::Align2::CENTER_CENTER,
            name,
            font.clone(),
            text_color,
        );
    }
    for (r, row) in confusion.iter().enumerate() {
        let total = row.iter().sum::<usize>().max(1) as f32;
        let y = cell.y * (r as f32 + 1.0);
        painter.text(
            rect.min + egui::vec2(0.0, y + cell.y * 0.5),
            egui::Align2::LEFT_CENTER,
            &classes[r],
            font.clone(),
            text_color,
        );
        for (c, count) in row.iter().enumerate() {
            let share = *count as f32 / total;
            let min = rect.min + egui::vec2(label_width + cell.x * c as f32, y);
            let cell_rect = egui::Rect::from_min_size(min, cell).shrink(2.0);
            let base = if r == c {
                egui::Color32::from_rgb(60, 140, 90)
            } else {
                egui::Color32::from_rgb(190, 80, 70)
            };
            painter.rect_filled(cell_rect, 3.0, base.gamma_multiply(0.15 + 0.85 * share));
            painter.text(
                cell_rect.center(),
                egui::Align2::CENTER_CENTER,
                format!("{count}\n{:.1} %", 100.0 * share),
                font.clone(),
                egui::Color32::WHITE,
            );
        }
    }
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Image,
            true,
            format!("Confusion matrix {confusion:?}"),
        )
    });
}

/// Accuracy bars of some groups, with the number of faces on hover.
fn group_bars(
    ui: &mut egui::Ui,
    id: &str,
    title: &str,
    groups: &[(String, GroupScore)],
    height: f32,
) {
    ui.strong(title);
    let bars: Vec<Bar> = groups
        .iter()
        .enumerate()
        .map(|(i, (name, score))| {
            Bar::new(i as f64, score.accuracy)
                .name(format!(
                    "{name}: {:.3} of {} faces",
                    score.accuracy, score.n
                ))
                .width(0.7)
        })
        .collect();
    let names: Vec<String> = groups.iter().map(|(n, _)| n.clone()).collect();
    Plot::new(id)
        .height(height)
        .include_y(0.0)
        .include_y(1.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new(title, bars).color(BAR_COLOR))
        });
}

/// The most confident disagreements as faces, each with a button that gives it the model's
/// label.
fn disagreements(app: &mut FacelabApp, ui: &mut egui::Ui) {
    let Some(shown) = &app.evaluation else {
        return;
    };
    let list: Vec<_> = shown
        .evaluation
        .disagreements
        .iter()
        .take(FACES_SHOWN)
        .copied()
        .collect();
    let classes = shown.evaluation.classes.clone();
    ui.strong(format!(
        "The {} faces the model most confidently disagrees with (likely label errors)",
        list.len()
    ));
    let ctx = ui.ctx().clone();
    let mut fix = None;
    let tile_width = FACE_SIDE + 34.0;
    let per_row = ((ui.available_width() / tile_width).floor() as usize).max(1);
    egui::ScrollArea::vertical().show(ui, |ui| {
        for line in list.chunks(per_row) {
            ui.horizontal(|ui| {
                for d in line {
                    ui.vertical(|ui| {
                        ui.set_width(tile_width - 8.0);
                        let texture = app.face_texture(&ctx, d.row);
                        let image = egui::Image::from_texture(egui::load::SizedTexture::new(
                            texture,
                            [FACE_SIDE, FACE_SIDE],
                        ));
                        ui.add(image);
                        let corrected = app.corrections.is_corrected(d.row);
                        ui.label(label_text(&app.open.dataset, d.row));
                        ui.label(format!(
                            "model: {} {:.2}",
                            classes[d.predicted], d.confidence
                        ));
                        let current = app.open.dataset.labels(d.row).gender.code() as usize;
                        if current != d.predicted {
                            let text = format!("Make {}", classes[d.predicted]);
                            if ui.button(text).clicked() {
                                fix = Some((d.row, d.predicted));
                            }
                        } else if corrected {
                            ui.colored_label(ui.visuals().warn_fg_color, "corrected");
                        }
                    });
                }
            });
            ui.add_space(6.0);
        }
    });
    if let Some((row, class)) = fix {
        let labels = app.open.dataset.labels(row);
        let gender = Gender::from_code(class as u8).unwrap_or(labels.gender);
        app.correct(row, FaceLabels { gender, ..labels });
    }
}
