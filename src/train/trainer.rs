//! The training loop: one run over a seeded, stratified split, reporting [`TrainEvent`]s.
//! It knows nothing of windows; the CLI calls it directly and the window on a worker thread.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use candle_core::Tensor;

use super::batches::make_batch;
use super::error::TrainError;
use super::evaluate::score;
use super::events::{FinishReason, RunSummary, StepMetrics, TrainEvent};
use super::metrics_file::write_metrics_csv;
use super::settings::TrainSettings;
use super::step::train_step;
use crate::data::{DatasetSplit, FaceDataset};
use crate::model::{
    EpochRecord, FaceModel, ModelError, Normalization, TrainingRecord, choose_device, read_card,
};
use crate::rng::SeededRng;

/// A purpose tag for the batch order, dropout and augmentation draws.
const TRAIN_PURPOSE: u64 = 0x7EA1;

/// What the run is to read and write besides the data.
#[derive(Debug, Clone, Default)]
pub struct RunPaths {
    /// The data set's name for the model card (a file name, or "demo faces").
    pub data_name: String,
    /// Where the best checkpoint and `metrics.csv` go after each improving epoch; nowhere
    /// when `None`.
    pub out_dir: Option<PathBuf>,
    /// A model directory to continue training from.
    pub resume_from: Option<PathBuf>,
}

/// Trains a gender classifier on `dataset` as `settings` say. `emit` receives every event
/// (the caller also gets the final [`TrainEvent::Finished`] or the error as the return value);
/// `stop` is checked before every batch. Returns the model with its best weights.
pub fn train(
    dataset: &FaceDataset,
    settings: &TrainSettings,
    paths: &RunPaths,
    stop: &AtomicBool,
    emit: &mut dyn FnMut(TrainEvent),
) -> Result<(FaceModel, RunSummary), TrainError> {
    let started = Instant::now();
    check_settings(settings)?;
    crate::allocator::keep_freed_memory_for_reuse();
    let split = DatasetSplit::new(dataset, settings.split)?;
    if split.train.len() < 4 {
        return Err(TrainError::TooFewFaces(split.train.len()));
    }
    let chosen = choose_device(settings.device);
    if let Some(note) = &chosen.fallback_note {
        log::warn!("{note}");
    }
    let (mut model, mut history) = start_model(dataset, settings, &split, paths, &chosen.device)?;
    let first_epoch = history.len() + 1;

    let steps_per_epoch = split.train.len().div_ceil(settings.batch_size);
    let total_steps = steps_per_epoch * settings.epochs;
    emit(TrainEvent::Started {
        device: chosen.description.clone(),
        device_note: chosen.fallback_note.clone(),
        parameters: model.parameter_count(),
        split_sizes: [split.train.len(), split.validation.len(), split.test.len()],
        steps_per_epoch,
        first_epoch,
    });
    log::info!(
        "training {} ({} parameters) on {} for {} epochs: {} train, {} validation, {} test faces",
        settings.preset,
        model.parameter_count(),
        chosen.description,
        settings.epochs,
        split.train.len(),
        split.validation.len(),
        split.test.len()
    );

    let mut optimizer = settings.optimizer_for(model.vars().all_vars())?;
    let mut best = history
        .iter()
        .map(|r| (r.epoch, r.validation_accuracy))
        .fold((0, f64::NEG_INFINITY), |a, b| if b.1 > a.1 { b } else { a });
    let mut best_weights: Option<HashMap<String, Tensor>> = None;
    let mut reason = FinishReason::Completed;

    'epochs: for epoch in first_epoch..=settings.epochs {
        let epoch_started = Instant::now();
        let mut rng = SeededRng::for_purpose(settings.seed ^ TRAIN_PURPOSE, epoch as u64);
        let mut order = split.train.clone();
        rng.shuffle(&mut order);
        let (mut loss_sum, mut right, mut seen) = (0.0f64, 0usize, 0usize);
        let mut learning_rate = settings.learning_rate;

        for (b, indices) in order.chunks(settings.batch_size).enumerate() {
            if stop.load(Ordering::Relaxed) {
                reason = FinishReason::Stopped;
                break 'epochs;
            }
            let step = (epoch - 1) * steps_per_epoch + b;
            learning_rate =
                settings
                    .schedule
                    .rate(settings.learning_rate, step, total_steps, steps_per_epoch);
            optimizer.set_learning_rate(learning_rate);

            let batch = make_batch(
                dataset,
                indices,
                model.card.normalization,
                settings.augment,
                &mut rng,
                model.device(),
            )?;
            let outcome = train_step(
                &model,
                &mut optimizer,
                &batch,
                settings.label_smoothing,
                &mut rng,
            )?;
            let (loss_value, batch_right) = (outcome.loss, outcome.right);
            if !loss_value.is_finite() {
                return Err(TrainError::Diverged {
                    step: step + 1,
                    epoch,
                    loss: loss_value,
                });
            }
            loss_sum += loss_value * indices.len() as f64;
            right += batch_right;
            seen += indices.len();
            emit(TrainEvent::Step(StepMetrics {
                step: step + 1,
                epoch,
                steps_per_epoch,
                loss: loss_value,
                accuracy: batch_right as f64 / indices.len() as f64,
                learning_rate,
                images_per_second: seen as f64 / epoch_started.elapsed().as_secs_f64(),
            }));
        }

        let validation = score(&model, dataset, &split.validation)?;
        let record = EpochRecord {
            epoch,
            train_loss: loss_sum / seen.max(1) as f64,
            train_accuracy: right as f64 / seen.max(1) as f64,
            validation_loss: validation.loss,
            validation_accuracy: validation.accuracy,
            learning_rate,
            seconds: epoch_started.elapsed().as_secs_f64(),
        };
        log::info!(
            "epoch {epoch}: train loss {:.4} accuracy {:.4}, validation loss {:.4} accuracy {:.4}, {:.1} s",
            record.train_loss,
            record.train_accuracy,
            record.validation_loss,
            record.validation_accuracy,
            record.seconds
        );
        history.push(record);
        emit(TrainEvent::Epoch(record));

        if record.validation_accuracy > best.1 {
            best = (epoch, record.validation_accuracy);
            best_weights = Some(snapshot(&model)?);
            save_checkpoint(&mut model, settings, dataset, paths, &history, best.0, None)?;
        } else if settings.patience.is_some_and(|p| epoch - best.0 >= p) {
            reason = FinishReason::EarlyStopped;
            break;
        }
    }

    if let Some(weights) = &best_weights {
        restore(&model, weights)?;
    }
    let test = score(&model, dataset, &split.test)?;
    let best_epoch = if best.1.is_finite() { best.0 } else { 0 };
    save_checkpoint(
        &mut model,
        settings,
        dataset,
        paths,
        &history,
        best_epoch,
        Some(test.accuracy),
    )?;
    let summary = RunSummary {
        reason,
        epochs_done: history.len(),
        best_epoch,
        best_validation_accuracy: best.1.max(0.0),
        test_accuracy: test.accuracy,
        test_faces: split.test.len(),
        seconds: started.elapsed().as_secs_f64(),
    };
    log::info!(
        "training ended ({reason:?}): test accuracy {:.4}",
        test.accuracy
    );
    emit(TrainEvent::Finished(summary.clone()));
    Ok((model, summary))
}

/// Refuses settings that cannot run.
fn check_settings(settings: &TrainSettings) -> Result<(), TrainError> {
    let bad = |what: &str| Err(TrainError::BadSetting(what.to_string()));
    if settings.epochs == 0 {
        return bad("epochs must be at least 1");
    }
    if settings.batch_size == 0 {
        return bad("the batch size must be at least 1");
    }
    if !(settings.learning_rate.is_finite() && settings.learning_rate > 0.0) {
        return bad("the learning rate must be a positive number");
    }
    if !(0.0..1.0).contains(&settings.label_smoothing) {
        return bad("label smoothing must be at least 0 and below 1");
    }
    settings.net.validate().map_err(ModelError::from)?;
    Ok(())
}

/// A new model for the run, or the checkpoint to resume with its epoch history.
fn start_model(
    dataset: &FaceDataset,
    settings: &TrainSettings,
    split: &DatasetSplit,
    paths: &RunPaths,
    device: &candle_core::Device,
) -> Result<(FaceModel, Vec<EpochRecord>), TrainError> {
    let Some(dir) = &paths.resume_from else {
        let normalization = if settings.standardize {
            Normalization::standardizing(
                split.train.iter().map(|&i| dataset.face_pixels(i as usize)),
            )
        } else {
            Normalization::UNIT_SCALE
        };
        let card = FaceModel::gender_card(
            &settings.preset,
            settings.net.clone(),
            normalization,
            settings.mirror_average,
        );
        return Ok((FaceModel::fresh(card, device, settings.seed)?, Vec::new()));
    };

    let card = read_card(dir)?;
    let record = card.training.as_ref().ok_or_else(|| {
        TrainError::ResumeMismatch(format!("{} holds no training record", dir.display()))
    })?;
    if card.net != settings.net {
        return Err(TrainError::ResumeMismatch(format!(
            "the network in {} differs from the chosen preset",
            dir.display()
        )));
    }
    let fingerprint = format!("{:016x}", dataset.fingerprint());
    if record.data_fingerprint != fingerprint || record.split_seed != settings.split.seed {
        return Err(TrainError::ResumeMismatch(format!(
            "{} was trained on other data or another split (data {}, split seed {})",
            dir.display(),
            record.data_name,
            record.split_seed
        )));
    }
    let history = record.epochs.clone();
    Ok((FaceModel::load(dir, device)?, history))
}

/// Records the run in the model's card and, where an output folder is set, saves the model
/// and `metrics.csv` there.
fn save_checkpoint(
    model: &mut FaceModel,
    settings: &TrainSettings,
    dataset: &FaceDataset,
    paths: &RunPaths,
    history: &[EpochRecord],
    best_epoch: usize,
    test_accuracy: Option<f64>,
) -> Result<(), TrainError> {
    model.card.training = Some(TrainingRecord {
        data_name: paths.data_name.clone(),
        data_fingerprint: format!("{:016x}", dataset.fingerprint()),
        faces: dataset.len(),
        split_seed: settings.split.seed,
        validation_share: settings.split.validation,
        test_share: settings.split.test,
        settings: serde_json::to_value(settings).unwrap_or_default(),
        epochs: history.to_vec(),
        best_epoch,
        test_accuracy,
    });
    if let Some(dir) = &paths.out_dir {
        model.save(dir)?;
        write_metrics_csv(&dir.join("metrics.csv"), history).map_err(|e| TrainError::Write {
            path: dir.join("metrics.csv"),
            message: e.to_string(),
        })?;
    }
    Ok(())
}

/// A deep copy of every parameter, by name.
fn snapshot(model: &FaceModel) -> Result<HashMap<String, Tensor>, TrainError> {
    let data = model
        .vars()
        .data()
        .lock()
        .map_err(|_| ModelError::Poisoned)?;
    data.iter()
        .map(|(name, var)| Ok((name.clone(), var.as_tensor().copy()?)))
        .collect()
}

/// Puts the parameters of a [`snapshot`] back.
fn restore(model: &FaceModel, weights: &HashMap<String, Tensor>) -> Result<(), TrainError> {
    let data = model
        .vars()
        .data()
        .lock()
        .map_err(|_| ModelError::Poisoned)?;
    for (name, var) in data.iter() {
        if let Some(tensor) = weights.get(name) {
            var.set(tensor)?;
        }
    }
    Ok(())
}
