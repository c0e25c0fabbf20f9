//! The side panel: filters by gender, ethnicity and age, and how many faces pass.

use eframe::egui;

use super::app::FacelabApp;
use crate::data::labels::MAX_AGE;
use crate::data::{Ethnicity, Gender};

/// Draws the filters; a change recomputes the counts, the charts and the grid.
pub fn ui(app: &mut FacelabApp, ui: &mut egui::Ui) {
    let mut filter = app.explorer.filter;
    ui.heading("Filter");

    ui.label("Gender");
    ui.horizontal_wrapped(|ui| {
        ui.selectable_value(&mut filter.gender, None, "Any gender");
        for gender in Gender::ALL {
            ui.selectable_value(&mut filter.gender, Some(gender), gender.name());
        }
    });

    ui.label("Ethnicity");
    ui.horizontal_wrapped(|ui| {
        ui.selectable_value(&mut filter.ethnicity, None, "Any ethnicity");
        for ethnicity in Ethnicity::ALL {
            ui.selectable_value(&mut filter.ethnicity, Some(ethnicity), ethnicity.name());
        }
    });

    ui.label("Age");
    ui.horizontal(|ui| {
        ui.add(
            egui::DragValue::new(&mut filter.min_age)
                .range(0..=MAX_AGE)
                .prefix("from "),
        );
        ui.add(
            egui::DragValue::new(&mut filter.max_age)
                .range(0..=MAX_AGE)
                .prefix("to "),
        );
    });
    if filter.min_age > filter.max_age {
        std::mem::swap(&mut filter.min_age, &mut filter.max_age);
    }
    if ui
        .add_enabled(!filter.is_everything(), egui::Button::new("Show all"))
        .clicked()
    {
        filter = crate::data::FaceFilter::default();
    }

    if filter != app.explorer.filter {
        app.set_filter(filter);
    }
    ui.separator();
    ui.label(format!(
        "{} of {} faces match",
        app.explorer.matching.len(),
        app.open.dataset.len()
    ));
    ui.separator();
    super::corrections::summary(app, ui);
}
