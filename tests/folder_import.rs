//! Importing a UTKFace image folder: labels from the names, faces from the images, bad files
//! reported without stopping the import.

use facelab::data::{DataError, Ethnicity, FACE_PIXELS, Gender, LoadOptions, RowOrigin, load_path};
use image::{Rgb, RgbImage};

fn write_face(folder: &std::path::Path, name: &str, value: u8) {
    let image = RgbImage::from_pixel(200, 200, Rgb([value, value, value]));
    image.save(folder.join(name)).unwrap();
}

#[test]
fn reads_labels_from_names_and_reports_bad_files() {
    let folder = tempfile::tempdir().unwrap();
    write_face(folder.path(), "26_1_2_20170116174525125.jpg.chip.jpg", 120);
    std::fs::create_dir(folder.path().join("part2")).unwrap();
    write_face(
        &folder.path().join("part2"),
        "70_0_0_20170117000000000.jpg.chip.jpg",
        40,
    );
    write_face(folder.path(), "39_1_20170116174525125.jpg.chip.jpg", 90);
    std::fs::write(folder.path().join("5_0_1_2017.jpg"), b"not really a jpeg").unwrap();
    std::fs::write(folder.path().join("notes.txt"), b"ignored").unwrap();

    let loaded = load_path(folder.path(), LoadOptions::default()).unwrap();
    let set = &loaded.dataset;
    assert_eq!(set.len(), 2);
    assert_eq!(loaded.report.rows_read, 4);
    let labels = set.labels(0);
    assert_eq!(
        (labels.age, labels.gender, labels.ethnicity),
        (26, Gender::Female, Ethnicity::Asian)
    );
    assert_eq!(set.image_name(0), "20170116174525125.jpg.chip.jpg");
    // A flat gray 200x200 JPEG becomes a flat 48x48 face of about that gray.
    let mean: f64 = set
        .face_pixels(0)
        .iter()
        .map(|p| f64::from(*p))
        .sum::<f64>()
        / FACE_PIXELS as f64;
    assert!((mean - 120.0).abs() < 3.0, "{mean}");
    assert_eq!(set.labels(1).age, 70);

    let skipped: Vec<String> = loaded
        .report
        .skipped
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(
        skipped
            .iter()
            .any(|s| s.contains("39_1_2017") && s.contains("race")),
        "{skipped:?}"
    );
    assert!(
        skipped
            .iter()
            .any(|s| s.contains("5_0_1_2017.jpg") && s.contains("decode")),
        "{skipped:?}"
    );
    assert!(
        loaded
            .report
            .skipped
            .iter()
            .all(|s| matches!(s.origin, RowOrigin::File(_)))
    );
}

#[test]
fn folder_without_utkface_images_is_an_error() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("readme.md"), b"hello").unwrap();
    let err = load_path(folder.path(), LoadOptions::default()).unwrap_err();
    assert!(matches!(err, DataError::NoImages { .. }), "{err}");
}
