//! `facelab eval` and `facelab predict` end to end on a small model trained on demo faces.

mod common;

use std::process::Command;
use std::sync::atomic::AtomicBool;

use facelab::data::{FACE_SIDE, generate_demo_faces};
use facelab::model::FaceModel;
use facelab::train::{RunPaths, RunSummary, TrainSettings, train};
use image::{DynamicImage, GrayImage, imageops::FilterType};

fn facelab() -> Command {
    Command::new(env!("CARGO_BIN_EXE_facelab"))
}

/// A demo CSV of 400 faces and a small model trained on it, in a temporary folder.
fn trained() -> (tempfile::TempDir, RunSummary) {
    let folder = tempfile::tempdir().unwrap();
    let csv = folder.path().join("demo.csv");
    let status = facelab()
        .args([
            "demo",
            csv.to_str().unwrap(),
            "--faces",
            "400",
            "--seed",
            "3",
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let dataset = generate_demo_faces(400, 3);
    let settings = TrainSettings {
        net: common::small_net(&[8, 16]),
        epochs: 2,
        ..TrainSettings::preset("modern").unwrap()
    };
    let paths = RunPaths {
        data_name: "demo.csv".into(),
        out_dir: Some(folder.path().join("model")),
        resume_from: None,
    };
    let (_, summary) = train(
        &dataset,
        &settings,
        &paths,
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap();
    (folder, summary)
}

#[test]
fn eval_json_reports_the_test_split_like_training_did() {
    let (folder, summary) = trained();
    let output = facelab()
        .args(["eval", "model", "demo.csv", "--json"])
        .current_dir(folder.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();

    assert_eq!(json["faces"], summary.test_faces);
    assert!((json["accuracy"].as_f64().unwrap() - summary.test_accuracy).abs() < 1e-9);
    let balanced = json["balanced_accuracy"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&balanced));
    let confusion: Vec<Vec<u64>> = serde_json::from_value(json["confusion"].clone()).unwrap();
    assert_eq!(confusion.len(), 2);
    assert_eq!(
        confusion.iter().flatten().sum::<u64>() as usize,
        summary.test_faces
    );
    for name in ["White", "Black", "Asian", "Indian", "Other"] {
        assert!(json["per_ethnicity"][name]["n"].is_u64(), "{name}");
        assert!(json["per_ethnicity"][name]["accuracy"].is_f64(), "{name}");
    }
    let per_age: u64 = ["1-12", "13-19", "20-39", "40-59", "60+"]
        .iter()
        .map(|g| json["per_age_group"][g]["n"].as_u64().unwrap())
        .sum();
    assert_eq!(per_age as usize, summary.test_faces);

    // --all evaluates every face.
    let output = facelab()
        .args(["eval", "model", "demo.csv", "--json", "--all"])
        .current_dir(folder.path())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["faces"], 400);
}

/// A PNG header claiming 30000 x 30000 pixels: a decoder that trusted it would allocate 2.7 GB.
fn png_bomb() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        png.extend_from_slice(&crc.sum().to_be_bytes());
    };
    let mut header = Vec::new();
    header.extend_from_slice(&30_000u32.to_be_bytes());
    header.extend_from_slice(&30_000u32.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(b"IHDR", &header);
    chunk(b"IEND", &[]);
    png
}

#[test]
fn predict_classifies_an_enlarged_colour_face_like_its_row_and_reports_bad_files() {
    let (folder, _) = trained();
    let dataset = generate_demo_faces(400, 3);
    let model = FaceModel::load(&folder.path().join("model"), &candle_core::Device::Cpu).unwrap();

    // Face 7 as a 200x200 colour PNG.
    let face = GrayImage::from_raw(
        FACE_SIDE as u32,
        FACE_SIDE as u32,
        dataset.face_pixels(7).to_vec(),
    )
    .unwrap();
    let big = DynamicImage::ImageLuma8(face)
        .resize_exact(200, 200, FilterType::Lanczos3)
        .to_rgb8();
    let photo = folder.path().join("face.png");
    big.save(&photo).unwrap();
    std::fs::write(folder.path().join("notes.png"), b"this is not an image").unwrap();
    std::fs::write(folder.path().join("bomb.png"), png_bomb()).unwrap();
    let whole = std::fs::read(&photo).unwrap();
    std::fs::write(folder.path().join("cut.png"), &whole[..whole.len() / 2]).unwrap();

    let files = ["notes.png", "face.png", "bomb.png", "cut.png"];
    let output = facelab()
        .args(["predict", "model"])
        .args(files)
        .arg("--json")
        .current_dir(folder.path())
        .output()
        .unwrap();
    assert!(
        !output.status.success(),
        "three files could not be classified"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    for bad in ["notes.png", "bomb.png", "cut.png"] {
        assert!(stderr.contains(bad), "{bad} is not named in: {stderr}");
    }
    assert!(stderr.contains("3 of 4 images"), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let results = json.as_array().unwrap();
    assert_eq!(results.len(), 4);
    for bad in [0, 2, 3] {
        assert!(results[bad]["error"].is_string(), "{}", results[bad]);
    }

    let expected = model.probabilities(dataset.face_pixels(7)).unwrap();
    let got = &results[1]["probabilities"];
    for (class, p) in ["Male", "Female"].iter().zip(&expected) {
        let q = got[class].as_f64().unwrap() as f32;
        assert!(
            (q - p).abs() < 0.05,
            "{class}: {q} from the photo, {p} from the row"
        );
    }
    let label = if expected[0] >= expected[1] {
        "Male"
    } else {
        "Female"
    };
    assert_eq!(results[1]["label"], label);
}
