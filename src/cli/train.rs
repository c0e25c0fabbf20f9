//! `facelab train DATA --out DIR`: train a gender classifier headless, with a progress bar and
//! one line per epoch; writes the model, its card and `metrics.csv`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use anyhow::Context;

use super::format::thousands;
use crate::data::{LoadOptions, load_path};
use crate::model::{DeviceRequest, OptimizerKind};
use crate::train::{FinishReason, PRESETS, RunPaths, TrainEvent, TrainSettings, train};

/// What `facelab train` was asked for.
#[derive(Debug, Clone, clap::Args)]
pub struct TrainArgs {
    /// An `age_gender.csv` (plain or .gz) or UTKFace folder.
    pub data: PathBuf,
    /// Folder for model.safetensors, model.json and metrics.csv (made if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// The recipe: modern-small (default), modern or classic.
    #[arg(long, default_value = crate::train::DEFAULT_PRESET)]
    pub preset: String,
    /// Epochs (the preset's if not given).
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Faces per step.
    #[arg(long)]
    pub batch: Option<usize>,
    /// Base learning rate.
    #[arg(long)]
    pub lr: Option<f64>,
    /// rmsprop, adamw or sgd (momentum 0.9).
    #[arg(long)]
    pub optimizer: Option<String>,
    /// Seed of the split, the weights and the batch order.
    #[arg(long)]
    pub seed: Option<u64>,
    /// cpu or cuda.
    #[arg(long, default_value = "cpu")]
    pub device: String,
    /// Share of faces for validation.
    #[arg(long)]
    pub validation: Option<f64>,
    /// Stop when validation accuracy has not improved for this many epochs (0: never).
    #[arg(long)]
    pub patience: Option<usize>,
    /// Continue training the model in this folder.
    #[arg(long)]
    pub resume: Option<PathBuf>,
}

/// Runs `facelab train`.
pub fn run(args: &TrainArgs) -> anyhow::Result<()> {
    let settings = settings_from(args)?;
    let started = Instant::now();
    let loaded = load_path(&args.data, LoadOptions::default())?;
    if !loaded.report.skipped.is_empty() {
        eprintln!(
            "{}: {} rows skipped (facelab stats lists them)",
            args.data.display(),
            loaded.report.skipped.len()
        );
    }
    println!(
        "loaded {} faces from {} in {:.2} s",
        thousands(loaded.dataset.len()),
        args.data.display(),
        started.elapsed().as_secs_f64()
    );

    let paths = RunPaths {
        data_name: file_name(&args.data),
        out_dir: Some(args.out.clone()),
        resume_from: args.resume.clone(),
    };
    let mut progress = ProgressLine::new(settings.epochs, settings.batch_size);
    let stop = AtomicBool::new(false);
    let (_, summary) = train(&loaded.dataset, &settings, &paths, &stop, &mut |event| {
        progress.show(&event)
    })
    .with_context(|| format!("training on {} failed", args.data.display()))?;

    let ending = match summary.reason {
        FinishReason::Completed => "all epochs ran",
        FinishReason::Stopped => "stopped",
        FinishReason::EarlyStopped => "stopped early: validation accuracy stopped improving",
    };
    println!(
        "{ending}; kept epoch {} (validation accuracy {:.4}); {:.0} s in all",
        summary.best_epoch, summary.best_validation_accuracy, summary.seconds
    );
    println!(
        "test accuracy {:.4} on {} faces; model in {}",
        summary.test_accuracy,
        thousands(summary.test_faces),
        args.out.display()
    );
    Ok(())
}

/// The preset named on the command line with the options given over it.
fn settings_from(args: &TrainArgs) -> anyhow::Result<TrainSettings> {
    let mut settings = TrainSettings::preset(&args.preset).with_context(|| {
        format!(
            "unknown preset {:?}; the presets are {}",
            args.preset,
            PRESETS.join(", ")
        )
    })?;
    if let Some(epochs) = args.epochs {
        settings.epochs = epochs;
    }
    if let Some(batch) = args.batch {
        settings.batch_size = batch;
    }
    if let Some(lr) = args.lr {
        settings.learning_rate = lr;
    }
    if let Some(name) = &args.optimizer {
        settings.optimizer = OptimizerKind::from_name(name)
            .with_context(|| format!("unknown optimizer {name:?}; use rmsprop, adamw or sgd"))?;
    }
    if let Some(seed) = args.seed {
        settings.seed = seed;
        settings.split.seed = seed;
    }
    if let Some(patience) = args.patience {
        settings.patience = (patience > 0).then_some(patience);
    }
    if let Some(share) = args.validation {
        settings.split.validation = share;
    }
    settings.device = match args.device.as_str() {
        "cpu" => DeviceRequest::Cpu,
        "cuda" | "gpu" => DeviceRequest::Cuda,
        other => anyhow::bail!("unknown device {other:?}; use cpu or cuda"),
    };
    Ok(settings)
}

/// The last part of a path, for the model card.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The progress bar on stderr (where it is a terminal) and the epoch lines on stdout.
struct ProgressLine {
    epochs: usize,
    batch_size: usize,
    terminal: bool,
    last_draw: Instant,
}

impl ProgressLine {
    fn new(epochs: usize, batch_size: usize) -> Self {
        Self {
            epochs,
            batch_size,
            terminal: std::io::stderr().is_terminal(),
            last_draw: Instant::now() - Duration::from_secs(1),
        }
    }

    fn show(&mut self, event: &TrainEvent) {
        match event {
            TrainEvent::Started {
                device,
                device_note,
                parameters,
                split_sizes,
                ..
            } => {
                if let Some(note) = device_note {
                    eprintln!("note: {note}");
                }
                println!(
                    "training on {device}: {} parameters; {} train, {} validation, {} test faces",
                    thousands(*parameters),
                    thousands(split_sizes[0]),
                    thousands(split_sizes[1]),
                    thousands(split_sizes[2])
                );
            }
            TrainEvent::Step(step) if self.terminal => {
                if self.last_draw.elapsed() < Duration::from_millis(200) {
                    return;
                }
                self.last_draw = Instant::now();
                let in_epoch = (step.step - 1) % step.steps_per_epoch + 1;
                let filled = in_epoch * 30 / step.steps_per_epoch;
                let left = (self.epochs - step.epoch) * step.steps_per_epoch
                    + (step.steps_per_epoch - in_epoch);
                let eta = (left * self.batch_size) as f64 / step.images_per_second.max(1e-9);
                eprint!(
                    "\repoch {}/{} [{}{}] {in_epoch}/{} loss {:.3} acc {:.2} {:.0} faces/s ~{} left ",
                    step.epoch,
                    self.epochs,
                    "#".repeat(filled),
                    ".".repeat(30 - filled),
                    step.steps_per_epoch,
                    step.loss,
                    step.accuracy,
                    step.images_per_second,
                    minutes(eta)
                );
                let _ = std::io::stderr().flush();
            }
            TrainEvent::Epoch(r) => {
                if self.terminal {
                    eprint!("\r{:100}\r", "");
                }
                println!(
                    "epoch {:>3}/{}  train loss {:.4} acc {:.4}  val loss {:.4} acc {:.4}  lr {:.2e}  {:.1} s",
                    r.epoch,
                    self.epochs,
                    r.train_loss,
                    r.train_accuracy,
                    r.validation_loss,
                    r.validation_accuracy,
                    r.learning_rate,
                    r.seconds
                );
            }
            _ => {}
        }
    }
}

/// Seconds as `m:ss`.
fn minutes(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}
