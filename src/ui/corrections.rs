//! Correcting labels: the editor in the large view, the quick menu on a face, and the list of
//! corrections with undo and save.

use eframe::egui;

use super::app::FacelabApp;
use crate::data::labels::MAX_AGE;
use crate::data::{Ethnicity, FaceLabels, Gender};

/// Controls that change the labels of face `row`: gender, ethnicity, age, and undo.
pub fn label_editor(app: &mut FacelabApp, ui: &mut egui::Ui, row: usize) {
    let current = app.open.dataset.labels(row);
    let mut labels = current;
    egui::Grid::new("label_editor")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label("gender");
            ui.horizontal(|ui| {
                for gender in Gender::ALL {
                    ui.radio_value(&mut labels.gender, gender, gender.name());
                }
            });
            ui.end_row();
            let label = ui.label("ethnicity");
            egui::ComboBox::from_id_salt("edit_ethnicity")
                .selected_text(labels.ethnicity.name())
                .show_ui(ui, |ui| {
                    for ethnicity in Ethnicity::ALL {
                        ui.selectable_value(&mut labels.ethnicity, ethnicity, ethnicity.name());
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label("age");
            ui.add(egui::DragValue::new(&mut labels.age).range(0..=MAX_AGE))
                .labelled_by(label.id);
            ui.end_row();
        });
    if labels != current {
        app.correct(row, labels);
    }
    let correction = app.corrections.iter().find(|c| c.row == row).copied();
    if let Some(correction) = correction {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!("corrected; the file says {}", describe(correction.original)),
        );
        if ui.button("Undo correction").clicked() {
            app.undo_correction(row);
        }
    }
}

/// The quick menu on a face of the grid: flip the gender, pick another ethnicity.
pub fn quick_menu(app: &mut FacelabApp, ui: &mut egui::Ui, row: usize) {
    let labels = app.open.dataset.labels(row);
    for gender in Gender::ALL.into_iter().filter(|g| *g != labels.gender) {
        if ui.button(format!("Gender: {}", gender.name())).clicked() {
            app.correct(row, FaceLabels { gender, ..labels });
            ui.close();
        }
    }
    ui.menu_button("Ethnicity", |ui| {
        for ethnicity in Ethnicity::ALL
            .into_iter()
            .filter(|e| *e != labels.ethnicity)
        {
            if ui.button(ethnicity.name()).clicked() {
                app.correct(
                    row,
                    FaceLabels {
                        ethnicity,
                        ..labels
                    },
                );
                ui.close();
            }
        }
    });
    if app.corrections.is_corrected(row) && ui.button("Undo correction").clicked() {
        app.undo_correction(row);
        ui.close();
    }
    if ui.button("Show large").clicked() {
        app.explorer.large_face = Some(row);
        ui.close();
    }
}

/// Labels in words: "34, Female, Asian".
pub fn describe(labels: FaceLabels) -> String {
    format!(
        "{}, {}, {}",
        labels.age,
        labels.gender.name(),
        labels.ethnicity.name()
    )
}

/// The side panel's corrections section: how many, and the buttons to list and save them.
pub fn summary(app: &mut FacelabApp, ui: &mut egui::Ui) {
    ui.heading("Corrections");
    if app.corrections.is_empty() {
        ui.label("None yet. Click a face, or right-click it, to fix a wrong label.");
        return;
    }
    ui.label(format!("{} faces corrected", app.corrections.len()));
    if ui.button("List corrections").clicked() {
        app.show_corrections = true;
    }
    let saving = app.saving().is_some();
    if ui
        .add_enabled(!saving, egui::Button::new("Save corrected CSV..."))
        .clicked()
    {
        app.ask_where_to_save(ui.ctx());
    }
    if let Some(job) = app.saving() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(format!("saving {}", job.path().display()));
        });
    }
}

/// The list of corrections, each with its undo.
pub fn corrections_window(app: &mut FacelabApp, ctx: &egui::Context) {
    if !app.show_corrections {
        return;
    }
    let mut open = true;
    let mut undo = None;
    let mut show = None;
    egui::Window::new("Corrections")
        .open(&mut open)
        .default_width(520.0)
        .show(ctx, |ui| {
            if app.corrections.is_empty() {
                ui.label("No corrections.");
            }
            egui::ScrollArea::vertical()
                .max_height(400.0)
                .show(ui, |ui| {
                    for correction in app.corrections.iter() {
                        ui.horizontal(|ui| {
                            if ui.small_button("Undo").clicked() {
                                undo = Some(correction.row);
                            }
                            if ui.small_button("Show").clicked() {
                                show = Some(correction.row);
                            }
                            ui.label(format!(
                                "row {}: {} -> {}",
                                correction.row + 1,
                                describe(correction.original),
                                describe(correction.corrected)
                            ));
                        });
                    }
                });
        });
    if let Some(row) = undo {
        app.undo_correction(row);
    }
    if show.is_some() {
        app.explorer.large_face = show;
    }
    app.show_corrections = open;
}
