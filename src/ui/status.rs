//! The menu and view bar at the top, the status and messages at the bottom, and the window
//! listing skipped rows.

use eframe::egui;

use super::app::{DatasetSource, FacelabApp, MessageLevel, View};
use super::dialogs::DialogKind;

/// Skipped rows listed in the window before the rest is only counted.
const SKIPPED_SHOWN: usize = 1_000;

/// The menu, the view switch and, for the demo data, the note that it is synthetic.
pub fn top_bar(app: &mut FacelabApp, ui: &mut egui::Ui) {
    egui::Panel::top("menu").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.menu_button("File", |ui| {
                if ui.button("Open data set...").clicked() {
                    app.open_dialog(ui.ctx(), DialogKind::DataFile);
                }
                if ui.button("Open UTKFace folder...").clicked() {
                    app.open_dialog(ui.ctx(), DialogKind::ImageFolder);
                }
                let any = !app.corrections.is_empty() && app.saving().is_none();
                if ui
                    .add_enabled(any, egui::Button::new("Save corrected CSV..."))
                    .clicked()
                {
                    app.ask_where_to_save(ui.ctx());
                }
                ui.separator();
                if ui.button("Open model...").clicked() {
                    app.open_dialog(ui.ctx(), DialogKind::ModelFolder);
                }
                if ui.button("Classify photo...").clicked() {
                    app.open_dialog(ui.ctx(), DialogKind::Photo);
                }
                ui.separator();
                if ui.button("Quit").clicked() {
                    ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.separator();
            ui.selectable_value(&mut app.view, View::Overview, "Overview");
            ui.selectable_value(&mut app.view, View::Faces, "Faces");
            ui.selectable_value(&mut app.view, View::Training, "Training");
            ui.selectable_value(&mut app.view, View::Evaluation, "Evaluation");
            ui.selectable_value(&mut app.view, View::Classify, "Classify");
            ui.separator();
            ui.strong(app.open.name());
        });
        if app.open.source == DatasetSource::Demo {
            ui.label(
                egui::RichText::new(
                    "These are synthetic demo faces. Open a real age_gender.csv with File > Open, \
                     by dropping it on this window, or with `facelab FILE`.",
                )
                .color(ui.visuals().warn_fg_color),
            );
        }
    });
}

/// Loading progress with Cancel, the size of the data set, and the messages.
pub fn bottom_bar(app: &mut FacelabApp, ui: &mut egui::Ui) {
    egui::Panel::bottom("status").show(ui, |ui| {
        let mut cancel = false;
        if let Some(job) = app.loading() {
            ui.horizontal(|ui| {
                ui.label(format!("Loading {}", job.path().display()));
                ui.add(
                    egui::ProgressBar::new(job.progress())
                        .show_percentage()
                        .desired_width(240.0),
                );
                cancel = ui.button("Cancel").clicked();
            });
        }
        if cancel {
            app.cancel_loading();
        }

        let mut dismissed = None;
        for (index, message) in app.messages.iter().enumerate() {
            ui.horizontal(|ui| {
                let color = match message.level {
                    MessageLevel::Error => ui.visuals().error_fg_color,
                    MessageLevel::Warning => ui.visuals().warn_fg_color,
                    MessageLevel::Info => ui.visuals().text_color(),
                };
                if ui.small_button("x").on_hover_text("Dismiss").clicked() {
                    dismissed = Some(index);
                }
                ui.label(egui::RichText::new(&message.text).color(color));
            });
        }
        if let Some(index) = dismissed {
            app.messages.remove(index);
        }

        ui.horizontal(|ui| {
            let report = &app.open.report;
            ui.label(format!("{} faces", app.open.dataset.len()));
            if !report.skipped.is_empty()
                && ui
                    .link(format!("{} skipped rows", report.skipped.len()))
                    .clicked()
            {
                app.show_skipped = true;
            }
        });
    });
}

/// The list of rows the load skipped, with line numbers and reasons.
pub fn skipped_rows_window(app: &mut FacelabApp, ctx: &egui::Context) {
    if !app.show_skipped {
        return;
    }
    let mut open = true;
    egui::Window::new("Skipped rows")
        .open(&mut open)
        .default_width(640.0)
        .show(ctx, |ui| {
            let report = &app.open.report;
            ui.label(format!(
                "{} of {} rows were skipped in {}; every other row was kept.",
                report.skipped.len(),
                report.rows_read,
                app.open.name()
            ));
            if let Some(reason) = &report.ended_early {
                ui.colored_label(ui.visuals().warn_fg_color, reason);
            }
            egui::ScrollArea::vertical()
                .max_height(400.0)
                .show(ui, |ui| {
                    for row in report.skipped.iter().take(SKIPPED_SHOWN) {
                        ui.label(row.to_string());
                    }
                    if report.skipped.len() > SKIPPED_SHOWN {
                        ui.label(format!(
                            "... and {} more",
                            report.skipped.len() - SKIPPED_SHOWN
                        ));
                    }
                });
        });
    app.show_skipped = open;
}
