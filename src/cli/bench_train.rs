//! `facelab bench train`: faces per second of full training steps (forward, backward,
//! optimizer) and peak memory, against the same network in PyTorch measured in the same run.

use std::time::Instant;

use anyhow::{Context, bail};
use serde_json::{Value, json};

use super::python_peer::run_peer_script;
use crate::data::{FACE_PIXELS, generate_demo_faces};
use crate::memory::{peak_resident_bytes, reset_peak_resident};
use crate::model::AnyOptimizer;
use crate::model::{FaceModel, Normalization, choose_device};
use crate::rng::SeededRng;
use crate::train::batches::{Batch, make_batch};
use crate::train::{AugmentConfig, PRESETS, TrainSettings, train_step};

/// The PyTorch peer.
const TORCH_SCRIPT: &str = include_str!("../../benches/torch_train.py");

/// Steps run before timing starts.
const WARM_UP_STEPS: usize = 3;

/// What `facelab bench train` was asked for.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchTrainArgs {
    /// The network and optimizer of this preset.
    #[arg(long, default_value = crate::train::DEFAULT_PRESET)]
    pub preset: String,
    /// Faces per step.
    #[arg(long, default_value_t = 64)]
    pub batch: usize,
    /// Timed steps in each round.
    #[arg(long, default_value_t = 30)]
    pub steps: usize,
    /// Rounds, facelab and PyTorch taking turns; the medians are compared.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// cpu or cuda.
    #[arg(long, default_value = "cpu")]
    pub device: String,
    /// The Python interpreter for the PyTorch peer ("none" to skip it).
    #[arg(long, default_value = "python3")]
    pub python: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs the benchmark.
pub fn run(args: &BenchTrainArgs) -> anyhow::Result<()> {
    if args.steps == 0 || args.batch == 0 || args.rounds == 0 {
        bail!("--steps, --batch and --rounds must be at least 1");
    }
    let mut settings = TrainSettings::preset(&args.preset).with_context(|| {
        format!(
            "unknown preset {:?}; the presets are {}",
            args.preset,
            PRESETS.join(", ")
        )
    })?;
    settings.device = match args.device.as_str() {
        "cpu" => crate::model::DeviceRequest::Cpu,
        "cuda" | "gpu" => crate::model::DeviceRequest::Cuda,
        other => bail!("unknown device {other:?}; use cpu or cuda"),
    };
    let mut bench = FacelabBench::new(&settings, args)?;
    let mut our_speeds = Vec::with_capacity(args.rounds);
    let mut peer_rounds: Vec<Value> = Vec::with_capacity(args.rounds);
    let mut peer_available = args.python != "none";
    for _ in 0..args.rounds {
        our_speeds.push(bench.round()?);
        if peer_available {
            let round = time_torch(&settings, args, bench.device_is_cuda);
            // A peer that cannot run (no torch, no GPU) is not asked again.
            peer_available = round.get("images_per_second").is_some();
            peer_rounds.push(round);
        }
    }
    let ours = bench.finish(&our_speeds);
    let peer = summarize_peer(&peer_rounds);
    let peer_speeds: Vec<f64> = peer_rounds
        .iter()
        .filter_map(|p| p.get("images_per_second").and_then(Value::as_f64))
        .collect();
    let peer_speed = peer.get("images_per_second").and_then(Value::as_f64);
    let ratio = peer_speed.map(|p| ours.images_per_second / p);

    if args.json {
        let document = json!({
            "preset": settings.preset,
            "batch": args.batch,
            "steps": args.steps,
            "rounds": args.rounds,
            "device": ours.device,
            "images_per_second": ours.images_per_second,
            "images_per_second_rounds": our_speeds,
            "peak_rss_mb": ours.peak_rss_mb,
            "forward_mflop_per_face": ours.forward_mflop,
            "pytorch": peer,
            "ratio_to_pytorch": ratio,
        });
        println!("{}", serde_json::to_string_pretty(&document)?);
        return Ok(());
    }
    println!(
        "training steps of {} (batch {}, {:.1} MFLOP forward a face), {} rounds of {} steps on {}",
        settings.preset, args.batch, ours.forward_mflop, args.rounds, args.steps, ours.device
    );
    println!("  medians over the rounds; each round in brackets");
    let peak = ours
        .peak_rss_mb
        .map_or("unknown".into(), |m| format!("{m:.0} MB"));
    println!(
        "  facelab  {:>8.1} faces/s   peak memory {peak}   [{}]",
        ours.images_per_second,
        list_speeds(&our_speeds)
    );
    match peer_speed {
        Some(speed) => {
            let version = peer.get("torch").and_then(Value::as_str).unwrap_or("?");
            let threads = peer.get("threads").and_then(Value::as_u64).unwrap_or(0);
            let peer_peak = peer
                .get("peak_rss_mb")
                .and_then(Value::as_f64)
                .unwrap_or(0.0);
            println!(
                "  PyTorch  {speed:>8.1} faces/s   peak memory {peer_peak:.0} MB   [{}]   (torch {version}, {threads} threads)",
                list_speeds(&peer_speeds)
            );
            println!(
                "  facelab runs at {:.2}x PyTorch's speed",
                ours.images_per_second / speed
            );
        }
        None => {
            let why = peer
                .get("unavailable")
                .and_then(Value::as_str)
                .unwrap_or("no result");
            println!("  PyTorch  not measured: {why}");
        }
    }
    Ok(())
}

/// facelab's side of the benchmark.
struct Measured {
    device: String,
    images_per_second: f64,
    peak_rss_mb: Option<f64>,
    forward_mflop: f64,
}

/// facelab's network, optimizer and one batch, ready to time training steps.
struct FacelabBench {
    model: FaceModel,
    optimizer: AnyOptimizer,
    batch: Batch,
    rng: SeededRng,
    label_smoothing: f64,
    steps: usize,
    batch_size: usize,
    device: String,
    device_is_cuda: bool,
    forward_mflop: f64,
}

impl FacelabBench {
    /// Builds the network for `settings` and runs the warm-up steps.
    fn new(settings: &TrainSettings, args: &BenchTrainArgs) -> anyhow::Result<Self> {
        crate::allocator::keep_freed_memory_for_reuse();
        let chosen = choose_device(settings.device);
        if let Some(note) = &chosen.fallback_note {
            eprintln!("note: {note}");
        }
        let faces = generate_demo_faces(args.batch, 1);
        let card = FaceModel::gender_card(
            &settings.preset,
            settings.net.clone(),
            Normalization::standardizing(faces.pixels().chunks(FACE_PIXELS)),
            false,
        );
        let model = FaceModel::fresh(card, &chosen.device, settings.seed)?;
        let optimizer = settings.optimizer_for(model.vars().all_vars())?;
        let mut rng = SeededRng::new(settings.seed);
        let indices: Vec<u32> = (0..args.batch as u32).collect();
        let batch = make_batch(
            &faces,
            &indices,
            model.card.normalization,
            AugmentConfig::NONE,
            &mut rng,
            model.device(),
        )?;
        let mut bench = Self {
            model,
            optimizer,
            batch,
            rng,
            label_smoothing: settings.label_smoothing,
            steps: args.steps,
            batch_size: args.batch,
            device: chosen.description,
            device_is_cuda: chosen.device.is_cuda(),
            forward_mflop: 2.0 * settings.net.forward_macs() as f64 / 1e6,
        };
        for _ in 0..WARM_UP_STEPS {
            bench.step()?;
        }
        reset_peak_resident();
        Ok(bench)
    }

    fn step(&mut self) -> anyhow::Result<()> {
        train_step(
            &self.model,
            &mut self.optimizer,
            &self.batch,
            self.label_smoothing,
            &mut self.rng,
        )?;
        Ok(())
    }

    /// Times one round of steps; faces per second.
    fn round(&mut self) -> anyhow::Result<f64> {
        let started = Instant::now();
        for _ in 0..self.steps {
            self.step()?;
        }
        Ok((self.batch_size * self.steps) as f64 / started.elapsed().as_secs_f64())
    }

    /// The result: the median of the rounds' speeds and the peak memory since the warm-up.
    fn finish(self, speeds: &[f64]) -> Measured {
        Measured {
            device: self.device,
            images_per_second: median(speeds),
            peak_rss_mb: peak_resident_bytes().map(|b| b as f64 / 1e6),
            forward_mflop: self.forward_mflop,
        }
    }
}

/// The PyTorch side over all rounds: the first round's details with the median speed, every
/// round's speed and the highest peak memory; or the reason it could not run.
fn summarize_peer(rounds: &[Value]) -> Value {
    let Some(first) = rounds.first() else {
        return json!({ "unavailable": "--python none" });
    };
    if let Some(failed) = rounds.iter().find(|r| r.get("images_per_second").is_none()) {
        return failed.clone();
    }
    let speeds: Vec<f64> = rounds
        .iter()
        .filter_map(|r| r.get("images_per_second").and_then(Value::as_f64))
        .collect();
    let peak = rounds
        .iter()
        .filter_map(|r| r.get("peak_rss_mb").and_then(Value::as_f64))
        .fold(0.0, f64::max);
    let mut peer = first.clone();
    peer["images_per_second"] = json!(median(&speeds));
    peer["rounds"] = json!(speeds);
    peer["peak_rss_mb"] = json!(peak);
    peer
}

/// The median of `values` (the mean of the middle two for an even count).
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// Speeds as a short list for the text report.
fn list_speeds(speeds: &[f64]) -> String {
    let parts: Vec<String> = speeds.iter().map(|s| format!("{s:.0}")).collect();
    parts.join(" ")
}

/// Runs the PyTorch script; its JSON, or `{"unavailable": why}`.
fn time_torch(settings: &TrainSettings, args: &BenchTrainArgs, cuda: bool) -> Value {
    let Ok(net) = serde_json::to_string(&settings.net) else {
        return json!({ "unavailable": "cannot describe the network" });
    };
    let script_args = [
        net,
        settings.optimizer.name().to_string(),
        settings.learning_rate.to_string(),
        args.batch.to_string(),
        args.steps.to_string(),
        rayon::current_num_threads().to_string(),
        if cuda { "cuda" } else { "cpu" }.to_string(),
    ];
    run_peer_script(&args.python, TORCH_SCRIPT, &script_args)
}
