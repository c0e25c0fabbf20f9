//! Training on the synthetic demo faces: it learns, it stops when asked, its checkpoints load
//! back exactly, and broken checkpoints are refused with a clear error.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use facelab::data::{FaceDataset, generate_demo_faces};
use facelab::model::{
    CARD_FILE, ConvBlock, FaceModel, ModelError, NetConfig, Pooling, Readout, WEIGHTS_FILE,
};
use facelab::train::{
    FinishReason, RunPaths, TrainError, TrainEvent, TrainSettings, TrainingRun, train,
};

/// A small network, so that the tests train in seconds.
fn small_net() -> NetConfig {
    let block = |channels| ConvBlock {
        channels,
        convs: 1,
        kernel: 3,
        same_padding: true,
        batch_norm: true,
        pooling: Pooling::Max2,
        dropout: 0.0,
    };
    NetConfig {
        blocks: vec![block(8), block(16), block(16)],
        readout: Readout::Flatten,
        dense: vec![32],
        head_dropout: 0.2,
        classes: 2,
    }
}

fn quick_settings(epochs: usize) -> TrainSettings {
    TrainSettings {
        net: small_net(),
        epochs,
        learning_rate: 2e-3,
        ..TrainSettings::preset("modern").unwrap()
    }
}

fn demo() -> FaceDataset {
    generate_demo_faces(1_500, 7)
}

fn run_quietly(
    dataset: &FaceDataset,
    settings: &TrainSettings,
    paths: &RunPaths,
) -> Result<(FaceModel, facelab::train::RunSummary), TrainError> {
    train(
        dataset,
        settings,
        paths,
        &AtomicBool::new(false),
        &mut |_| {},
    )
}

#[test]
fn training_on_demo_faces_learns_gender() {
    let dataset = demo();
    let mut events = Vec::new();
    let (_, summary) = train(
        &dataset,
        &quick_settings(4),
        &RunPaths::default(),
        &AtomicBool::new(false),
        &mut |e| events.push(e),
    )
    .unwrap();
    assert_eq!(summary.reason, FinishReason::Completed);
    assert_eq!(summary.epochs_done, 4);
    assert!(
        summary.test_accuracy > 0.8,
        "test accuracy {} is not well above chance",
        summary.test_accuracy
    );
    assert!(matches!(events.first(), Some(TrainEvent::Started { .. })));
    assert!(matches!(events.last(), Some(TrainEvent::Finished(_))));
    let epochs = events
        .iter()
        .filter(|e| matches!(e, TrainEvent::Epoch(_)))
        .count();
    assert_eq!(epochs, 4);
    let steps: Vec<f64> = events
        .iter()
        .filter_map(|e| match e {
            TrainEvent::Step(s) => Some(s.loss),
            _ => None,
        })
        .collect();
    // 1,200 training faces in batches of 64: 19 steps an epoch.
    assert_eq!(steps.len(), 4 * 19);
    let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len() as f64;
    assert!(mean(&steps[steps.len() - 19..]) < mean(&steps[..19]));
}

#[test]
fn the_same_seed_trains_the_same_model() {
    let dataset = generate_demo_faces(300, 3);
    let settings = quick_settings(1);
    let (a, _) = run_quietly(&dataset, &settings, &RunPaths::default()).unwrap();
    let (b, _) = run_quietly(&dataset, &settings, &RunPaths::default()).unwrap();
    let faces = &dataset.pixels()[..10 * 2304];
    assert_eq!(
        a.probabilities(faces).unwrap(),
        b.probabilities(faces).unwrap()
    );
}

#[test]
fn stop_ends_the_run_within_a_batch() {
    let dataset = Arc::new(demo());
    let mut settings = quick_settings(50);
    settings.batch_size = 16;
    let mut run = TrainingRun::spawn(dataset, settings, RunPaths::default(), || {});
    let started = Instant::now();
    let mut steps = 0;
    let mut summary = None;
    while summary.is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the run did not stop"
        );
        for event in run.poll() {
            match event {
                TrainEvent::Step(_) => {
                    steps += 1;
                    if steps == 3 {
                        run.stop();
                    }
                }
                TrainEvent::Finished(s) => summary = Some(s),
                TrainEvent::Failed(message) => panic!("failed: {message}"),
                _ => {}
            }
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let summary = summary.unwrap();
    assert_eq!(summary.reason, FinishReason::Stopped);
    assert_eq!(
        summary.epochs_done, 0,
        "stopped in the middle of the first epoch"
    );
    // The flag is read before every batch: at most the batch in flight finishes.
    assert!(steps <= 4, "{steps} steps ran");
    assert!(
        run.take_model().is_some(),
        "a stopped run still hands over its model"
    );
}

#[test]
fn a_saved_checkpoint_loads_back_with_identical_predictions() {
    let dataset = generate_demo_faces(400, 11);
    let dir = tempfile::tempdir().unwrap();
    let paths = RunPaths {
        data_name: "demo".into(),
        out_dir: Some(dir.path().to_path_buf()),
        resume_from: None,
    };
    let (model, summary) = run_quietly(&dataset, &quick_settings(2), &paths).unwrap();
    for file in [WEIGHTS_FILE, CARD_FILE, "metrics.csv"] {
        assert!(dir.path().join(file).is_file(), "{file} was not written");
    }
    let metrics = std::fs::read_to_string(dir.path().join("metrics.csv")).unwrap();
    assert_eq!(
        metrics.lines().count(),
        3,
        "a header and two epochs:\n{metrics}"
    );

    let loaded = FaceModel::load(dir.path(), &candle_core::Device::Cpu).unwrap();
    let faces = &dataset.pixels()[..50 * 2304];
    assert_eq!(
        model.probabilities(faces).unwrap(),
        loaded.probabilities(faces).unwrap()
    );
    let record = loaded.card.training.as_ref().unwrap();
    assert_eq!(record.epochs.len(), 2);
    assert_eq!(record.test_accuracy, Some(summary.test_accuracy));
    assert_eq!(
        record.data_fingerprint,
        format!("{:016x}", dataset.fingerprint())
    );
}

#[test]
fn training_resumes_from_a_checkpoint() {
    let dataset = generate_demo_faces(300, 5);
    let dir = tempfile::tempdir().unwrap();
    let first = RunPaths {
        data_name: "demo".into(),
        out_dir: Some(dir.path().to_path_buf()),
        resume_from: None,
    };
    run_quietly(&dataset, &quick_settings(1), &first).unwrap();
    let resumed = RunPaths {
        resume_from: Some(dir.path().to_path_buf()),
        ..first
    };
    let (model, summary) = run_quietly(&dataset, &quick_settings(2), &resumed).unwrap();
    assert_eq!(summary.epochs_done, 2);
    assert_eq!(model.card.training.as_ref().unwrap().epochs[1].epoch, 2);

    // Other data is refused.
    let other = generate_demo_faces(300, 6);
    let error = run_quietly(&other, &quick_settings(2), &resumed)
        .err()
        .unwrap();
    assert!(matches!(error, TrainError::ResumeMismatch(_)), "{error}");
}

#[test]
fn a_diverging_run_ends_with_a_clear_message() {
    let dataset = generate_demo_faces(200, 1);
    let mut settings = quick_settings(1);
    settings.optimizer = facelab::model::OptimizerKind::Sgd;
    settings.learning_rate = 1e30;
    let error = run_quietly(&dataset, &settings, &RunPaths::default())
        .err()
        .unwrap();
    assert!(matches!(error, TrainError::Diverged { .. }), "{error}");
    assert!(error.to_string().contains("lower learning rate"));
}

/// A directory with a small trained model in it.
fn saved_model() -> tempfile::TempDir {
    let dataset = generate_demo_faces(200, 2);
    let dir = tempfile::tempdir().unwrap();
    let paths = RunPaths {
        data_name: "demo".into(),
        out_dir: Some(dir.path().to_path_buf()),
        resume_from: None,
    };
    run_quietly(&dataset, &quick_settings(1), &paths).unwrap();
    dir
}

fn load_error(dir: &std::path::Path) -> ModelError {
    FaceModel::load(dir, &candle_core::Device::Cpu)
        .err()
        .unwrap()
}

#[test]
fn broken_checkpoints_are_refused_with_the_reason() {
    let dir = saved_model();
    let card_path = dir.path().join(CARD_FILE);
    let card = std::fs::read_to_string(&card_path).unwrap();

    // Corrupt weights.
    let weights = dir.path().join(WEIGHTS_FILE);
    let good_weights = std::fs::read(&weights).unwrap();
    std::fs::write(&weights, b"not a safetensors file").unwrap();
    let error = load_error(dir.path());
    assert!(
        matches!(error, ModelError::WeightsMismatch { .. }),
        "{error}"
    );
    assert!(error.to_string().contains(WEIGHTS_FILE), "{error}");
    std::fs::write(&weights, &good_weights).unwrap();

    // Weights of another network.
    let mut json: serde_json::Value = serde_json::from_str(&card).unwrap();
    json["net"]["blocks"][0]["channels"] = 12.into();
    std::fs::write(&card_path, json.to_string()).unwrap();
    let error = load_error(dir.path());
    assert!(error.to_string().contains("shape"), "{error}");

    // Another input size, other labels, not JSON.
    let mut json: serde_json::Value = serde_json::from_str(&card).unwrap();
    json["input_side"] = 64.into();
    std::fs::write(&card_path, json.to_string()).unwrap();
    assert!(load_error(dir.path()).to_string().contains("64x64"));
    let mut json: serde_json::Value = serde_json::from_str(&card).unwrap();
    json["classes"] = serde_json::json!(["Cat", "Dog"]);
    std::fs::write(&card_path, json.to_string()).unwrap();
    assert!(load_error(dir.path()).to_string().contains("Cat"));
    std::fs::write(&card_path, "{ truncated").unwrap();
    assert!(matches!(load_error(dir.path()), ModelError::BadCard { .. }));

    // Missing files.
    std::fs::remove_file(&card_path).unwrap();
    let error = load_error(dir.path());
    assert!(
        matches!(
            error,
            ModelError::MissingFile {
                file: CARD_FILE,
                ..
            }
        ),
        "{error}"
    );
    std::fs::write(&card_path, &card).unwrap();
    std::fs::remove_file(&weights).unwrap();
    assert!(matches!(
        load_error(dir.path()),
        ModelError::MissingFile {
            file: WEIGHTS_FILE,
            ..
        }
    ));
}
