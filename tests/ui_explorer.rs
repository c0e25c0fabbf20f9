//! The explorer window, driven through egui_kittest: no display or GPU needed.

mod common;

use std::time::{Duration, Instant};

use common::window::{DroppedPath, harness_on};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use facelab::data::{Gender, LabelStats};
use facelab::ui::{DatasetSource, FacelabApp, GRID_FACES, MessageLevel, View};

fn harness() -> Harness<'static, FacelabApp> {
    harness_on(FacelabApp::with_demo_data())
}

/// The labels of the face tiles shown ("Face 12: 34, Female, Asian").
fn shown_faces(harness: &Harness<'_, FacelabApp>) -> Vec<String> {
    harness
        .query_all_by_label_contains("Face ")
        .filter_map(|node| node.accesskit_node().label())
        .filter(|label| label.starts_with("Face ") && label.contains(':'))
        .collect()
}

/// Steps the harness until the background load is done.
fn wait_for_load(harness: &mut Harness<'_, FacelabApp>) {
    let started = Instant::now();
    while harness.state().loading().is_some() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the load did not finish"
        );
        std::thread::sleep(Duration::from_millis(5));
        harness.step();
    }
    harness.run();
}

#[test]
fn starts_on_the_demo_data_with_twenty_faces() {
    let mut harness = harness();
    harness.run();
    assert_eq!(harness.state().open.source, DatasetSource::Demo);
    assert_eq!(shown_faces(&harness).len(), GRID_FACES);
    harness.get_by_label_contains("synthetic demo faces");
}

#[test]
fn reshuffle_changes_the_faces_and_keeps_twenty() {
    let mut harness = harness();
    harness.run();
    let before = shown_faces(&harness);
    harness.get_by_label("Reshuffle").click();
    harness.run();
    let after = shown_faces(&harness);
    assert_eq!(after.len(), GRID_FACES);
    assert_ne!(before, after);

    // The R key reshuffles too.
    harness.key_press(egui::Key::R);
    harness.run();
    let again = shown_faces(&harness);
    assert_eq!(again.len(), GRID_FACES);
    assert_ne!(after, again);
}

#[test]
fn female_filter_shows_only_female_faces_and_changes_the_charts() {
    let mut harness = harness();
    harness.run();
    let all_stats: LabelStats = harness.state().explorer.stats.clone();
    harness.get_by_label("Female").click();
    harness.run();

    let faces = shown_faces(&harness);
    assert_eq!(faces.len(), GRID_FACES);
    assert!(faces.iter().all(|f| f.contains("Female")), "{faces:?}");
    let stats = harness.state().explorer.stats.clone();
    assert_eq!(stats.gender_count(Gender::Male), 0);
    assert_eq!(
        stats.gender_count(Gender::Female),
        all_stats.gender_count(Gender::Female)
    );
    assert!(stats.faces < all_stats.faces);

    // The overview draws from the same counts.
    harness.get_by_label("Overview").click();
    harness.run();
    assert_eq!(harness.state().view, View::Overview);
    harness.get_by_label(&format!("{} faces", stats.faces));
}

#[test]
fn clicking_a_face_shows_it_large_with_its_row() {
    let mut harness = harness();
    harness.run();
    let first = shown_faces(&harness)[0].clone();
    harness.get_by_label(&first).click();
    harness.run();
    let row = harness
        .state()
        .explorer
        .large_face
        .expect("a face is shown large");
    harness.get_by_label(&format!("row {} of the data set", row + 1));
}

#[test]
fn opening_a_bad_file_shows_an_error_and_keeps_the_data_set() {
    let folder = tempfile::tempdir().unwrap();
    let bad = folder.path().join("broken.csv");
    std::fs::write(&bad, "name,score\nx,1\n").unwrap();

    let mut harness = harness();
    harness.run();
    let ctx = harness.ctx.clone();
    harness.state_mut().open_path(&ctx, bad);
    wait_for_load(&mut harness);

    let app = harness.state();
    assert_eq!(
        app.open.source,
        DatasetSource::Demo,
        "the previous data set stays"
    );
    let error = app
        .messages
        .iter()
        .find(|m| m.level == MessageLevel::Error)
        .expect("an error is shown");
    assert!(
        error.text.contains("broken.csv") && error.text.contains("\"pixels\""),
        "{}",
        error.text
    );
    harness.get_by_label_contains("broken.csv");
    assert_eq!(shown_faces(&harness).len(), GRID_FACES);
}

#[test]
fn opening_a_good_file_shows_its_faces_and_skipped_rows() {
    let folder = tempfile::tempdir().unwrap();
    let csv = folder.path().join("small.csv");
    let set = facelab::data::generate_demo_faces(30, 3);
    let mut text = Vec::new();
    facelab::data::write_csv(&set, &mut text).unwrap();
    text.extend_from_slice(b"20,0,0,bad.jpg,1 2 3\n");
    std::fs::write(&csv, &text).unwrap();

    let mut harness = harness();
    harness.run();
    let ctx = harness.ctx.clone();
    harness.state_mut().open_path(&ctx, csv.clone());
    wait_for_load(&mut harness);

    let app = harness.state();
    assert_eq!(app.open.source, DatasetSource::Path(csv));
    assert_eq!(app.open.dataset.len(), 30);
    assert_eq!(app.open.report.skipped[0].line(), Some(32));
    assert_eq!(shown_faces(&harness).len(), GRID_FACES);
    harness.get_by_label("1 skipped rows").click();
    harness.run();
    harness.get_by_label_contains("line 32: pixels has 3 values");
}

/// A small CSV of demo faces in a temporary folder.
fn small_csv(folder: &std::path::Path, faces: usize) -> std::path::PathBuf {
    let csv = folder.join("faces.csv");
    facelab::data::write_csv_file(&facelab::data::generate_demo_faces(faces, 11), &csv).unwrap();
    csv
}

#[test]
fn dropping_a_csv_opens_it() {
    let folder = tempfile::tempdir().unwrap();
    let csv = small_csv(folder.path(), 40);
    let mut harness = harness();
    harness.run();
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(DroppedPath(csv.clone())));
    harness.step();
    wait_for_load(&mut harness);
    assert_eq!(harness.state().open.source, DatasetSource::Path(csv));
    assert_eq!(harness.state().open.dataset.len(), 40);
}

#[test]
fn corrected_label_is_saved_and_loads_back_and_the_source_is_unchanged() {
    let folder = tempfile::tempdir().unwrap();
    let csv = small_csv(folder.path(), 60);
    let source_bytes = std::fs::read(&csv).unwrap();

    let mut harness = harness();
    harness.run();
    let ctx = harness.ctx.clone();
    harness.state_mut().open_path(&ctx, csv.clone());
    wait_for_load(&mut harness);

    // Open the first face large and flip its gender with the editor's radio button.
    let first = shown_faces(&harness)[0].clone();
    harness.get_by_label(&first).click();
    harness.run();
    let row = harness.state().explorer.large_face.unwrap();
    let before = harness.state().open.dataset.labels(row);
    let other = if before.gender == Gender::Male {
        Gender::Female
    } else {
        Gender::Male
    };
    harness
        .get_by_role_and_label(egui::accesskit::Role::RadioButton, other.name())
        .click();
    harness.run();
    assert_eq!(harness.state().open.dataset.labels(row).gender, other);
    assert!(harness.state().corrections.is_corrected(row));
    harness.get_by_label_contains("1 faces corrected");
    harness.get_by_label_contains("(corrected)");

    // Save (the dialog's answer is a path) and wait for the worker.
    let out = folder.path().join("faces_corrected.csv");
    harness.state_mut().save_corrected_to(&ctx, out.clone());
    let started = Instant::now();
    while harness.state().saving().is_some() {
        assert!(started.elapsed() < Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(5));
        harness.step();
    }
    harness.run();
    assert!(
        harness
            .state()
            .messages
            .iter()
            .any(|m| m.text.contains("Saved")),
        "{:?}",
        harness.state().messages
    );

    let reloaded = facelab::data::read_csv_file(&out, Default::default())
        .unwrap()
        .dataset;
    assert_eq!(reloaded.len(), 60);
    assert_eq!(reloaded.labels(row).gender, other);
    assert_eq!(
        reloaded.face_pixels(row),
        harness.state().open.dataset.face_pixels(row)
    );
    assert_eq!(
        std::fs::read(&csv).unwrap(),
        source_bytes,
        "the opened file is untouched"
    );
    let log = std::fs::read_to_string(folder.path().join("faces_corrected_changes.csv")).unwrap();
    assert!(
        log.contains(&format!("{},", row + 1)) && log.contains("gender"),
        "{log}"
    );

    // Undo gives the file's label back.
    harness.get_by_label("Undo correction").click();
    harness.run();
    assert_eq!(harness.state().open.dataset.labels(row), before);
}

#[test]
fn saving_over_the_opened_file_is_refused() {
    let folder = tempfile::tempdir().unwrap();
    let csv = small_csv(folder.path(), 30);
    let source_bytes = std::fs::read(&csv).unwrap();
    let mut harness = harness();
    harness.run();
    let ctx = harness.ctx.clone();
    harness.state_mut().open_path(&ctx, csv.clone());
    wait_for_load(&mut harness);
    let labels = harness.state().open.dataset.labels(0);
    harness.state_mut().correct(
        0,
        facelab::data::FaceLabels {
            age: labels.age / 2 + 1,
            ..labels
        },
    );
    harness.state_mut().save_corrected_to(&ctx, csv.clone());
    let started = Instant::now();
    while harness.state().saving().is_some() {
        assert!(started.elapsed() < Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(5));
        harness.step();
    }
    assert!(
        harness
            .state()
            .messages
            .iter()
            .any(|m| m.level == MessageLevel::Error && m.text.contains("opened from"))
    );
    assert_eq!(std::fs::read(&csv).unwrap(), source_bytes);
}

#[test]
fn reshuffling_many_times_keeps_the_texture_cache_bounded() {
    let mut harness = harness();
    harness.run();
    for _ in 0..100 {
        harness.state_mut().reshuffle();
        harness.step();
    }
    let textures = harness.state().textures();
    assert!(textures.len() <= 400, "{}", textures.len());
    assert!(textures.uploads() > 400, "faces were uploaded as shown");
}
