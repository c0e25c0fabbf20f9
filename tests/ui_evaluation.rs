//! The Evaluation and Classify views through egui_kittest: a trained model is evaluated, a
//! likely label error is fixed in one click, and a dropped photo is classified with its 48x48
//! input shown.

mod common;

use common::window::{DroppedPath, harness_on, small_net_app, step_until};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use facelab::data::FACE_SIDE;
use facelab::ui::{FacelabApp, View};
use image::{DynamicImage, GrayImage, imageops::FilterType};

/// Trains the small model from the Training view and waits for it.
fn train(harness: &mut Harness<'_, FacelabApp>) {
    harness.run();
    harness.get_by_label("Training").click();
    harness.run();
    harness.get_by_label("Train").click();
    step_until(harness, |app| app.current_model().is_some());
    harness.run();
}

#[test]
fn evaluation_shows_the_numbers_and_fixes_a_label_in_one_click() {
    let mut harness = harness_on(small_net_app(1));
    harness.run();
    harness.get_by_label("Evaluation").click();
    harness.run();
    harness.get_by_label_contains("No model yet");

    train(&mut harness);
    harness.get_by_label("Evaluation").click();
    harness.run();
    harness.get_by_label("Evaluate").click();
    step_until(&mut harness, |app| app.evaluation.is_some());
    harness.run();

    let shown = harness.state().evaluation.as_ref().unwrap();
    assert_eq!(shown.scope, "the test split (seed 42)");
    // About a tenth of the 2,000 demo faces (each stratum's share is rounded).
    assert!(
        (190..=210).contains(&shown.evaluation.faces),
        "{}",
        shown.evaluation.faces
    );
    let confusion: usize = shown.evaluation.confusion.iter().flatten().sum();
    assert_eq!(confusion, shown.evaluation.faces);
    harness.get_by_label_contains("balanced accuracy");
    harness.get_by_label_contains("Confusion matrix");

    let first = shown.evaluation.disagreements[0];
    let fix = format!("Make {}", shown.evaluation.classes[first.predicted]);
    harness.get_all_by_label(&fix).next().unwrap().click();
    harness.run();
    assert_eq!(harness.state().corrections.len(), 1);
    let gender = harness.state().open.dataset.labels(first.row).gender;
    assert_eq!(gender.code() as usize, first.predicted);
}

#[test]
fn a_dropped_photo_is_classified_and_its_input_shown() {
    let folder = tempfile::tempdir().unwrap();
    let mut harness = harness_on(small_net_app(1));
    harness.run();
    harness.get_by_label("Classify").click();
    harness.run();
    harness.get_by_label_contains("No model yet");

    // Face 3 of the demo data as a 200x200 colour photo.
    let dataset = facelab::data::demo_dataset();
    let face = GrayImage::from_raw(
        FACE_SIDE as u32,
        FACE_SIDE as u32,
        dataset.face_pixels(3).to_vec(),
    )
    .unwrap();
    let photo = folder.path().join("face.png");
    DynamicImage::ImageLuma8(face)
        .resize_exact(200, 200, FilterType::Lanczos3)
        .to_rgb8()
        .save(&photo)
        .unwrap();

    train(&mut harness);
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(DroppedPath(photo)));
    harness.step();
    step_until(&mut harness, |app| {
        app.photo
            .as_ref()
            .is_some_and(|p| p.probabilities.is_some())
    });
    harness.run();
    assert_eq!(harness.state().view, View::Classify);
    harness.get_by_label_contains("What the model sees");
    harness.get_by_label_contains("Probabilities");

    let app = harness.state();
    let photo = app.photo.as_ref().unwrap();
    let from_photo = photo.probabilities.clone().unwrap();
    let from_row = app
        .current_model()
        .unwrap()
        .probabilities(dataset.face_pixels(3))
        .unwrap();
    for (a, b) in from_photo.iter().zip(&from_row) {
        assert!((a - b).abs() < 0.05, "{from_photo:?} vs {from_row:?}");
    }

    // A file that is not a photo gives a message naming it.
    let bad = folder.path().join("broken.jpg");
    std::fs::write(&bad, b"not a jpeg").unwrap();
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(DroppedPath(bad)));
    harness.step();
    step_until(&mut harness, |app| {
        app.model_jobs.decoding_photo.is_none() && !app.messages.is_empty()
    });
    harness.run();
    harness.get_by_label_contains("broken.jpg");
}
