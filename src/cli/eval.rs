//! `facelab eval MODEL_DIR DATA` and `facelab predict MODEL_DIR IMAGE...`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use candle_core::Device;
use serde_json::{Map, Value, json};

use super::format::thousands;
use crate::data::face_image::{decode_image_file, face_from_image_centered};
use crate::data::{FaceDataset, LoadOptions, load_path};
use crate::eval::{Evaluation, GroupScore, evaluate};
use crate::model::FaceModel;

/// How many disagreements the output lists.
const DISAGREEMENTS_SHOWN: usize = 20;

/// Runs `facelab eval`.
pub fn run_eval(model_dir: &Path, data: &Path, all: bool, json: bool) -> anyhow::Result<()> {
    let model = FaceModel::load(model_dir, &Device::Cpu)?;
    let loaded = load_path(data, LoadOptions::default())?;
    let dataset = &loaded.dataset;
    let (rows, scope) = crate::eval::rows_to_evaluate(&model, dataset, all)?;
    let evaluation = evaluate(&model, dataset, &rows)?;
    if json {
        let document = evaluation_json(&evaluation, dataset, &scope);
        println!("{}", serde_json::to_string_pretty(&document)?);
    } else {
        print_evaluation(&evaluation, dataset, &scope, model_dir, data);
    }
    Ok(())
}

fn score_json(score: &GroupScore) -> Value {
    json!({ "n": score.n, "accuracy": score.accuracy })
}

/// The JSON document of `facelab eval --json`.
pub fn evaluation_json(evaluation: &Evaluation, dataset: &FaceDataset, scope: &str) -> Value {
    let per_ethnicity: Map<String, Value> = evaluation
        .per_ethnicity
        .iter()
        .map(|(e, s)| (e.name().to_string(), score_json(s)))
        .collect();
    let per_age_group: Map<String, Value> = evaluation
        .per_age_group
        .iter()
        .map(|(g, s)| (g.name().to_string(), score_json(s)))
        .collect();
    let disagreements: Vec<Value> = evaluation
        .disagreements
        .iter()
        .take(DISAGREEMENTS_SHOWN)
        .map(|d| {
            json!({
                "row": d.row,
                "line": dataset.source_line(d.row),
                "img_name": dataset.image_name(d.row),
                "label": evaluation.classes[d.label],
                "predicted": evaluation.classes[d.predicted],
                "confidence": d.confidence,
            })
        })
        .collect();
    json!({
        "evaluated_on": scope,
        "faces": evaluation.faces,
        "classes": evaluation.classes,
        "accuracy": evaluation.accuracy,
        "balanced_accuracy": evaluation.balanced_accuracy,
        "confusion": evaluation.confusion,
        "per_ethnicity": per_ethnicity,
        "per_age_group": per_age_group,
        "disagreements": disagreements,
    })
}

fn print_evaluation(
    evaluation: &Evaluation,
    dataset: &FaceDataset,
    scope: &str,
    model_dir: &Path,
    data: &Path,
) {
    println!(
        "{} on {} of {}: {} faces",
        model_dir.display(),
        scope,
        data.display(),
        thousands(evaluation.faces)
    );
    println!("accuracy           {:.4}", evaluation.accuracy);
    println!("balanced accuracy  {:.4}", evaluation.balanced_accuracy);
    println!("\nconfusion (rows: label, columns: predicted)");
    print!("{:>10}", "");
    for name in &evaluation.classes {
        print!("{name:>10}");
    }
    println!();
    for (name, row) in evaluation.classes.iter().zip(&evaluation.confusion) {
        print!("{name:>10}");
        for count in row {
            print!("{:>10}", thousands(*count));
        }
        println!();
    }
    println!("\naccuracy per ethnicity");
    for (e, s) in &evaluation.per_ethnicity {
        println!(
            "  {:<8} {:.4}  ({} faces)",
            e.name(),
            s.accuracy,
            thousands(s.n)
        );
    }
    println!("\naccuracy per age group");
    for (g, s) in &evaluation.per_age_group {
        println!(
            "  {:<8} {:.4}  ({} faces)",
            g.name(),
            s.accuracy,
            thousands(s.n)
        );
    }
    println!("\nmost confident disagreements (likely label errors)");
    for d in evaluation.disagreements.iter().take(DISAGREEMENTS_SHOWN) {
        println!(
            "  row {:>6} (line {:>6}) {:<36} labelled {:<7} predicted {:<7} p = {:.3}",
            d.row,
            dataset.source_line(d.row),
            dataset.image_name(d.row),
            evaluation.classes[d.label],
            evaluation.classes[d.predicted],
            d.confidence
        );
    }
}

/// Runs `facelab predict`: every image is classified even where others fail; the command
/// fails at the end if any did.
pub fn run_predict(model_dir: &Path, images: &[PathBuf], json: bool) -> anyhow::Result<()> {
    let model = FaceModel::load(model_dir, &Device::Cpu)?;
    let mut results = Vec::with_capacity(images.len());
    let mut failures = 0;
    for path in images {
        match predict_one(&model, path) {
            Ok(probabilities) => {
                let best = crate::train::argmax(&probabilities);
                let label = model.card.classes[best].clone();
                if !json {
                    let shown: Vec<String> = model
                        .card
                        .classes
                        .iter()
                        .zip(&probabilities)
                        .map(|(c, p)| format!("{c} {p:.3}"))
                        .collect();
                    println!("{}: {label} ({})", path.display(), shown.join(", "));
                }
                let map: Map<String, Value> = model
                    .card
                    .classes
                    .iter()
                    .zip(&probabilities)
                    .map(|(c, p)| (c.clone(), json!(p)))
                    .collect();
                results.push(json!({ "file": path.display().to_string(), "label": label, "probabilities": map }));
            }
            Err(error) => {
                failures += 1;
                let message = super::format::error_text(&error);
                eprintln!("facelab: {message}");
                results.push(json!({ "file": path.display().to_string(), "error": message }));
            }
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&Value::Array(results))?);
    }
    if failures > 0 {
        anyhow::bail!(
            "{failures} of {} images could not be classified",
            images.len()
        );
    }
    Ok(())
}

/// The probabilities of one photo: decoded with limits, its centred square made a 48x48
/// grayscale face as the data set's faces were made.
fn predict_one(model: &FaceModel, path: &Path) -> anyhow::Result<Vec<f32>> {
    let image = decode_image_file(path)?;
    let face = face_from_image_centered(&image);
    model
        .probabilities(&face)
        .with_context(|| format!("{}: cannot classify", path.display()))
}
