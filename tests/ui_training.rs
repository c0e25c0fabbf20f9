//! The Training view, driven through egui_kittest: Train starts a run whose curves fill in,
//! Stop ends it, and the finished run stays listed with its model.

mod common;

use common::window::{harness_on, small_net_app, step_until};
use egui_kittest::kittest::Queryable;
use facelab::ui::{RunState, View};

#[test]
fn train_fills_the_curves_and_stop_ends_the_run() {
    let mut app = small_net_app(40);
    app.training.settings.batch_size = 32;
    let mut harness = harness_on(app);
    harness.run();
    harness.get_by_label("Training").click();
    harness.run();
    assert_eq!(harness.state().view, View::Training);
    harness.get_by_label_contains("None yet");

    harness.get_by_label("Train").click();
    harness.step();
    assert_eq!(harness.state().training.runs.len(), 1);
    step_until(&mut harness, |app| {
        !app.training.runs[0].epochs.is_empty() && app.training.runs[0].step_loss.len() >= 5
    });
    let run = &harness.state().training.runs[0];
    assert!(run.device.starts_with("CPU"), "{}", run.device);
    assert!(run.step_loss.iter().all(|p| p[1].is_finite()));
    assert!(run.images_per_second > 0.0);
    harness.get_by_label_contains("faces/s");

    harness.get_by_label("Stop").click();
    step_until(&mut harness, |app| !app.training.runs[0].is_active());
    harness.run();
    let run = &harness.state().training.runs[0];
    match &run.state {
        RunState::Finished(summary) => assert!(summary.epochs_done < 40),
        other => panic!("the run ended as {other:?}"),
    }
    assert!(run.model.is_some(), "the finished run keeps its model");
    harness.get_by_label_contains("test accuracy");

    // A second run can start, and both are listed.
    harness.get_by_label("Train").click();
    harness.step();
    assert_eq!(harness.state().training.runs.len(), 2);
    harness.get_by_label("Stop").click();
    step_until(&mut harness, |app| !app.training.runs[1].is_active());
    harness.run();
    harness.get_by_label("Run 1: modern-small");
    harness.get_by_label("Run 2: modern-small");

    // A finished run's model can be saved (the folder comes from a dialog in the window).
    assert!(harness.get_all_by_label("Save model...").count() >= 1);
    let folder = tempfile::tempdir().unwrap();
    let target = folder.path().join("saved");
    let ctx = harness.ctx.clone();
    harness.state_mut().save_run_model(&ctx, 0, target.clone());
    step_until(&mut harness, |app| app.model_jobs.saving_model.is_none());
    harness.run();
    harness.get_by_label_contains("Saved the model");
    let loaded = facelab::model::FaceModel::load(&target, &candle_core::Device::Cpu).unwrap();
    assert!(loaded.card.training.is_some());
    assert!(target.join("metrics.csv").is_file());
}
