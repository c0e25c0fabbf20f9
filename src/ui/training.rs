//! The Training view: the settings of a run, Train and Stop, progress, the list of runs and
//! live loss and accuracy curves.

use eframe::egui;
use egui_plot::{Legend, Line, Plot, PlotUi, Points};

use super::app::FacelabApp;
use super::dialogs::DialogKind;
use super::training_runs::{RunRecord, RunState, smoothed};
use crate::model::device::cuda_built_in;
use crate::model::{DeviceRequest, OptimizerKind};
use crate::train::{FinishReason, PRESETS, TrainSettings};

/// Colours of the runs' curves, by run number.
const RUN_COLORS: [egui::Color32; 6] = [
    egui::Color32::from_rgb(70, 130, 200),
    egui::Color32::from_rgb(220, 120, 60),
    egui::Color32::from_rgb(90, 170, 90),
    egui::Color32::from_rgb(180, 90, 180),
    egui::Color32::from_rgb(200, 170, 50),
    egui::Color32::from_rgb(80, 180, 190),
];

/// The training settings, Train and Stop, and the runs, left; the curves, right.
pub fn ui(app: &mut FacelabApp, ui: &mut egui::Ui) {
    egui::Panel::left("training_settings")
        .resizable(false)
        .exact_size(270.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                settings_form(app, ui);
                ui.separator();
                train_and_stop(app, ui);
                ui.separator();
                runs_list(app, ui);
            });
        });
    curves(app, ui);
}

/// The preset and the main parameters.
fn settings_form(app: &mut FacelabApp, ui: &mut egui::Ui) {
    ui.heading("Training");
    ui.label(format!(
        "Learn gender from {} faces.",
        app.open.dataset.len()
    ));
    let locked = app.training.active().is_some();
    ui.add_enabled_ui(!locked, |ui| {
        let settings = &mut app.training.settings;
        egui::Grid::new("training_form")
            .num_columns(2)
            .show(ui, |ui| {
                let label = ui.label("preset");
                let mut preset = settings.preset.clone();
                egui::ComboBox::from_id_salt("preset")
                    .selected_text(&preset)
                    .show_ui(ui, |ui| {
                        for name in PRESETS {
                            ui.selectable_value(&mut preset, name.to_string(), name);
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if preset != settings.preset
                    && let Some(chosen) = TrainSettings::preset(&preset)
                {
                    *settings = TrainSettings {
                        device: settings.device,
                        ..chosen
                    };
                }
                ui.end_row();

                let label = ui.label("epochs");
                ui.add(egui::DragValue::new(&mut settings.epochs).range(1..=500))
                    .labelled_by(label.id);
                ui.end_row();
                let label = ui.label("batch size");
                ui.add(egui::DragValue::new(&mut settings.batch_size).range(1..=1024))
                    .labelled_by(label.id);
                ui.end_row();
                let label = ui.label("learning rate");
                ui.add(
                    egui::DragValue::new(&mut settings.learning_rate)
                        .range(1e-6..=1.0)
                        .speed(1e-4)
                        .max_decimals(5),
                )
                .labelled_by(label.id);
                ui.end_row();

                let label = ui.label("optimizer");
                egui::ComboBox::from_id_salt("optimizer")
                    .selected_text(settings.optimizer.name())
                    .show_ui(ui, |ui| {
                        for kind in OptimizerKind::ALL {
                            ui.selectable_value(&mut settings.optimizer, kind, kind.name());
                        }
                    })
                    .response
                    .labelled_by(label.id);
                ui.end_row();

                let label = ui.label("validation share");
                ui.add(
                    egui::DragValue::new(&mut settings.split.validation)
                        .range(0.02..=0.4)
                        .speed(0.01)
                        .max_decimals(2),
                )
                .labelled_by(label.id);
                ui.end_row();
                let label = ui.label("seed");
                let mut seed = settings.seed;
                ui.add(egui::DragValue::new(&mut seed))
                    .labelled_by(label.id);
                if seed != settings.seed {
                    settings.seed = seed;
                    settings.split.seed = seed;
                }
                ui.end_row();

                let label = ui.label("device");
                egui::ComboBox::from_id_salt("device")
                    .selected_text(device_name(settings.device))
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut settings.device, DeviceRequest::Cpu, "CPU");
                        ui.add_enabled_ui(cuda_built_in(), |ui| {
                            ui.selectable_value(
                                &mut settings.device,
                                DeviceRequest::Cuda,
                                "CUDA GPU",
                            )
                            .on_disabled_hover_text(
                                "This facelab was built without CUDA: \
                                     scripts/build-cuda.sh builds it with CUDA",
                            );
                        });
                    })
                    .response
                    .labelled_by(label.id);
                ui.end_row();
            });
    });
}

fn device_name(device: DeviceRequest) -> &'static str {
    match device {
        DeviceRequest::Cpu => "CPU",
        DeviceRequest::Cuda => "CUDA GPU",
    }
}

/// Train, Stop, and the progress of the active run.
fn train_and_stop(app: &mut FacelabApp, ui: &mut egui::Ui) {
    let active = app.training.active().is_some();
    ui.horizontal(|ui| {
        if ui
            .add_enabled(!active, egui::Button::new("Train"))
            .clicked()
        {
            app.start_training(ui.ctx());
        }
        if ui.add_enabled(active, egui::Button::new("Stop")).clicked() {
            app.training.stop();
        }
    });
    let Some(run) = app.training.active() else {
        return;
    };
    let (done, total) = run.progress_steps();
    let fraction = if total == 0 {
        0.0
    } else {
        done as f32 / total as f32
    };
    let text = match &run.state {
        RunState::Starting => "starting...".to_string(),
        RunState::Stopping => "stopping after this batch...".to_string(),
        _ => format!(
            "epoch {}/{}  {:.0} faces/s  {} left",
            run.current_epoch(),
            run.settings.epochs,
            run.images_per_second,
            run.seconds_left().map_or("-".into(), minutes)
        ),
    };
    ui.add(egui::ProgressBar::new(fraction).text(text));
    if !run.device.is_empty() {
        ui.label(format!("device: {}", run.device));
    }
    if let Some(note) = &run.device_note {
        ui.colored_label(ui.visuals().warn_fg_color, note);
    }
}

/// Every run, with a box to show or hide its curves and its outcome.
fn runs_list(app: &mut FacelabApp, ui: &mut egui::Ui) {
    ui.strong("Runs");
    if app.training.runs.is_empty() {
        ui.label("None yet: choose a preset and press Train.");
    }
    let mut save = None;
    for (index, run) in app.training.runs.iter_mut().enumerate().rev() {
        ui.horizontal(|ui| {
            let color = RUN_COLORS[index % RUN_COLORS.len()];
            let (swatch, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
            ui.painter().rect_filled(swatch, 2.0, color);
            ui.checkbox(&mut run.shown, &run.name);
        });
        ui.indent(("run", index), |ui| {
            ui.label(outcome_text(run));
            if let RunState::Failed(message) = &run.state {
                ui.colored_label(ui.visuals().error_fg_color, message);
            }
            if run.model.is_some()
                && ui
                    .button("Save model...")
                    .on_hover_text(
                        "Write model.safetensors, model.json and metrics.csv to a folder",
                    )
                    .clicked()
            {
                save = Some(index);
            }
        });
    }
    if let Some(run) = save {
        app.open_dialog(ui.ctx(), DialogKind::SaveModel { run });
    }
}

/// A run's state in a few words.
fn outcome_text(run: &RunRecord) -> String {
    match &run.state {
        RunState::Starting => "starting".into(),
        RunState::Running => format!("running, epoch {}", run.current_epoch()),
        RunState::Stopping => "stopping".into(),
        RunState::Failed(_) => "failed".into(),
        RunState::Finished(summary) => {
            let how = match summary.reason {
                FinishReason::Completed => "finished",
                FinishReason::Stopped => "stopped",
                FinishReason::EarlyStopped => "stopped early",
            };
            format!(
                "{how} after {} epochs; test accuracy {:.3} (epoch {}); {} on {}",
                summary.epochs_done,
                summary.test_accuracy,
                summary.best_epoch,
                minutes(summary.seconds),
                run.device
            )
        }
    }
}

/// Loss and accuracy curves of the shown runs.
fn curves(app: &mut FacelabApp, ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        let label = ui.label("smoothing");
        ui.add(egui::Slider::new(&mut app.training.smoothing, 0.0..=0.99))
            .labelled_by(label.id);
        ui.label(
            "Faint: every step. Solid: smoothed. Squares: training, dots: validation, per epoch.",
        );
    });
    let height = ((ui.available_height() - 20.0) / 2.0).max(120.0);
    let smoothing = app.training.smoothing;
    let shown: Vec<(usize, &RunRecord)> = app
        .training
        .runs
        .iter()
        .enumerate()
        .filter(|(_, r)| r.shown)
        .collect();

    Plot::new("loss_curve")
        .height(height)
        .legend(Legend::default())
        .x_axis_label("step")
        .y_axis_label("loss")
        .include_y(0.0)
        .show(ui, |plot| {
            for &(index, run) in &shown {
                let color = RUN_COLORS[index % RUN_COLORS.len()];
                step_curves(plot, run, &run.step_loss, smoothing, color, "loss");
                let validation = epoch_points(run, |r| r.validation_loss);
                let color = validation_color(color);
                plot.line(
                    Line::new(format!("{} validation loss", run.name), validation.clone())
                        .color(color)
                        .style(egui_plot::LineStyle::dashed_loose()),
                );
                plot.points(
                    Points::new(format!("{} validation loss", run.name), validation)
                        .color(color)
                        .radius(3.0),
                );
            }
        });
    Plot::new("accuracy_curve")
        .height(height)
        .legend(Legend::default())
        .x_axis_label("step")
        .y_axis_label("accuracy")
        .include_y(0.5)
        .include_y(1.0)
        .show(ui, |plot| {
            for &(index, run) in &shown {
                let color = RUN_COLORS[index % RUN_COLORS.len()];
                step_curves(
                    plot,
                    run,
                    &run.step_accuracy,
                    smoothing,
                    color,
                    "train accuracy",
                );
                plot.points(
                    Points::new(
                        format!("{} train accuracy", run.name),
                        epoch_points(run, |r| r.train_accuracy),
                    )
                    .color(color)
                    .shape(egui_plot::MarkerShape::Square)
                    .radius(3.0),
                );
                let validation = epoch_points(run, |r| r.validation_accuracy);
                let color = validation_color(color);
                plot.line(
                    Line::new(
                        format!("{} validation accuracy", run.name),
                        validation.clone(),
                    )
                    .color(color)
                    .style(egui_plot::LineStyle::dashed_loose()),
                );
                plot.points(
                    Points::new(format!("{} validation accuracy", run.name), validation)
                        .color(color)
                        .radius(3.0),
                );
            }
        });
}

/// The raw per-step curve, faint, and its smoothed line.
fn step_curves(
    plot: &mut PlotUi,
    run: &RunRecord,
    points: &[[f64; 2]],
    smoothing: f64,
    color: egui::Color32,
    what: &str,
) {
    let name = format!("{} {what}", run.name);
    plot.line(Line::new(name.clone(), points.to_vec()).color(color.gamma_multiply(0.25)));
    plot.line(
        Line::new(name, smoothed(points, smoothing))
            .color(color)
            .width(2.0),
    );
}

/// The run's colour lightened, for its validation curve.
fn validation_color(color: egui::Color32) -> egui::Color32 {
    color.lerp_to_gamma(egui::Color32::WHITE, 0.55)
}

/// One point per finished epoch, at the step that ended it.
fn epoch_points(
    run: &RunRecord,
    value: impl Fn(&crate::model::EpochRecord) -> f64,
) -> Vec<[f64; 2]> {
    run.epochs
        .iter()
        .map(|r| [(r.epoch * run.steps_per_epoch) as f64, value(r)])
        .collect()
}

/// Seconds as `m:ss`.
fn minutes(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}
