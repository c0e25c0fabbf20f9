//! The overview: an age histogram and gender and ethnicity bar charts, over the faces that pass
//! the filter, with counts and percentages on hover.

use eframe::egui;
use egui_plot::{Bar, BarChart, Plot};

use super::app::FacelabApp;
use crate::data::{AgeGroup, Ethnicity, Gender, LabelStats};

/// Colours of the bars: one for ages, one per gender, one for ethnicities.
const AGE_COLOR: egui::Color32 = egui::Color32::from_rgb(90, 140, 200);
const GENDER_COLORS: [egui::Color32; 2] = [
    egui::Color32::from_rgb(70, 130, 180),
    egui::Color32::from_rgb(205, 110, 120),
];
const ETHNICITY_COLOR: egui::Color32 = egui::Color32::from_rgb(120, 170, 110);

/// Draws the three charts.
pub fn ui(app: &mut FacelabApp, ui: &mut egui::Ui) {
    let stats = &app.explorer.stats;
    ui.horizontal(|ui| {
        ui.heading(format!("{} faces", stats.faces));
        ui.separator();
        ui.label("Age histogram:");
        ui.selectable_value(&mut app.explorer.age_groups, false, "single years");
        ui.selectable_value(&mut app.explorer.age_groups, true, "age groups");
    });
    let stats = &app.explorer.stats;
    let height = ((ui.available_height() - 40.0) / 2.0).max(120.0);
    age_chart(ui, stats, app.explorer.age_groups, height);
    ui.columns(2, |columns| {
        let genders: Vec<(String, usize)> = Gender::ALL
            .iter()
            .map(|g| (g.name().to_string(), stats.gender_count(*g)))
            .collect();
        let ethnicities: Vec<(String, usize)> = Ethnicity::ALL
            .iter()
            .map(|e| (e.name().to_string(), stats.ethnicity_count(*e)))
            .collect();
        named_bar_chart(
            &mut columns[0],
            "gender_chart",
            "Gender",
            &genders,
            stats.faces,
            &GENDER_COLORS,
            height,
        );
        named_bar_chart(
            &mut columns[1],
            "ethnicity_chart",
            "Ethnicity",
            &ethnicities,
            stats.faces,
            &[ETHNICITY_COLOR],
            height,
        );
    });
}

/// The hover text of a bar: its name, count and share of all faces counted.
fn hover_text(name: &str, count: f64, total: usize) -> String {
    let percent = if total == 0 {
        0.0
    } else {
        100.0 * count / total as f64
    };
    format!("{name}\n{count} faces, {percent:.1} %")
}

/// Faces per year of age, or per age group.
fn age_chart(ui: &mut egui::Ui, stats: &LabelStats, groups: bool, height: f32) {
    if groups {
        let named: Vec<(String, usize)> = AgeGroup::ALL
            .iter()
            .map(|g| (g.name().to_string(), stats.age_group_count(*g)))
            .collect();
        named_bar_chart(
            ui,
            "age_group_chart",
            "Age group",
            &named,
            stats.faces,
            &[AGE_COLOR],
            height,
        );
        return;
    }
    let oldest = stats
        .age_histogram
        .iter()
        .rposition(|c| *c > 0)
        .unwrap_or(0);
    let total = stats.faces;
    let bars: Vec<Bar> = stats.age_histogram[..=oldest]
        .iter()
        .enumerate()
        .map(|(age, count)| {
            Bar::new(age as f64, *count as f64)
                .width(1.0)
                .name(format!("age {age}"))
                .fill(AGE_COLOR)
        })
        .collect();
    let chart =
        BarChart::new("Faces per year of age", bars).element_formatter(Box::new(move |bar, _| {
            hover_text(&bar.name, bar.value, total)
        }));
    Plot::new("age_chart")
        .height(height)
        .x_axis_label("age (years)")
        .y_axis_label("faces")
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .include_y(0.0)
        .show(ui, |plot| plot.bar_chart(chart));
}

/// A bar per name, with the names under the bars.
fn named_bar_chart(
    ui: &mut egui::Ui,
    id: &str,
    title: &str,
    counts: &[(String, usize)],
    total: usize,
    colors: &[egui::Color32],
    height: f32,
) {
    let bars: Vec<Bar> = counts
        .iter()
        .enumerate()
        .map(|(i, (name, count))| {
            Bar::new(i as f64, *count as f64)
                .width(0.7)
                .name(name)
                .fill(colors[i % colors.len()])
        })
        .collect();
    let names: Vec<String> = counts.iter().map(|(name, _)| name.clone()).collect();
    let chart = BarChart::new(title, bars).element_formatter(Box::new(move |bar, _| {
        hover_text(&bar.name, bar.value, total)
    }));
    ui.label(title);
    Plot::new(id)
        .height(height - 20.0)
        .y_axis_label("faces")
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .include_y(0.0)
        .x_axis_formatter(move |mark, _| {
            let index = mark.value.round();
            if (mark.value - index).abs() < 1e-6 && index >= 0.0 {
                names.get(index as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| plot.bar_chart(chart));
}
