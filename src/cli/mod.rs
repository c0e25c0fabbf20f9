//! The command line: `facelab stats|train|eval|predict|bench|demo ...`. Output for people goes to stdout; with
//! `--json`, one JSON document for scripts.

mod bench_load;
mod bench_train;
mod bench_ui;
mod demo;
mod eval;
mod format;
mod python_peer;

pub use format::error_text;
mod stats;
mod train;

pub use train::TrainArgs;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Explore face-attribute data sets (UTKFace's `age_gender.csv`) and train classifiers on them.
#[derive(Debug, Parser)]
#[command(name = "facelab", version, about, long_about = None, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// An `age_gender.csv` (plain or .gz) or UTKFace folder to open in the window; without one,
    /// the window opens on synthetic demo faces.
    pub data: Option<PathBuf>,
    /// What to do instead of opening the window.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load a data set and print its label distributions and skipped rows.
    Stats {
        /// An `age_gender.csv` file (plain or .gz) or a UTKFace image folder.
        file: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Train a gender classifier (a Candle CNN) and save it with its metrics.
    Train(TrainArgs),
    /// Evaluate a model: accuracy, confusion, per-group accuracy, likely label errors.
    Eval {
        /// A folder with model.safetensors and model.json.
        model: PathBuf,
        /// Labelled faces: an age_gender.csv (plain or .gz) or a UTKFace folder. On the data
        /// the model was trained on, only its test split is used.
        data: PathBuf,
        /// Evaluate every face, even on the data the model was trained on.
        #[arg(long)]
        all: bool,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Classify photos (jpg, png, webp, bmp): the centred square, grayscale, 48x48.
    Predict {
        /// A folder with model.safetensors and model.json.
        model: PathBuf,
        /// The photos.
        #[arg(required = true)]
        images: Vec<PathBuf>,
        /// Print one JSON list instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Measure facelab against its peers.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Write the synthetic demo faces as an `age_gender.csv` file.
    Demo {
        /// Where to write the CSV.
        out: PathBuf,
        /// How many faces.
        #[arg(long, default_value_t = facelab_demo_faces())]
        faces: usize,
        /// Seed of the generator.
        #[arg(long, default_value_t = crate::data::DEMO_SEED)]
        seed: u64,
    },
}

/// The benchmarks.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Time loading a CSV against pandas' `read_csv` and per-row `numpy` conversion.
    Load {
        /// The `age_gender.csv` file (plain or .gz).
        file: PathBuf,
        /// How many times facelab loads the file.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// How many times pandas loads the file.
        #[arg(long, default_value_t = 3)]
        peer_runs: usize,
        /// The Python interpreter for the pandas peer.
        #[arg(long, default_value = "python3")]
        python: String,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Faces per second of training steps against the same network in PyTorch.
    Train(bench_train::BenchTrainArgs),
    /// Time one frame of the faces view (20 faces), headless.
    Ui {
        /// A data set to show; the demo faces without one.
        file: Option<PathBuf>,
        /// How many frames to time.
        #[arg(long, default_value_t = 500)]
        frames: usize,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn facelab_demo_faces() -> usize {
    crate::data::DEMO_FACES
}

/// Runs the command line; `Ok(())` for success, an error to print otherwise.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => crate::ui::run_window(cli.data),
        Some(Command::Stats { file, json }) => stats::run(&file, json),
        Some(Command::Bench(BenchCommand::Load {
            file,
            runs,
            peer_runs,
            python,
            json,
        })) => bench_load::run(&file, runs, peer_runs, &python, json),
        Some(Command::Bench(BenchCommand::Ui { file, frames, json })) => {
            bench_ui::run(file.as_deref(), frames, json)
        }
        Some(Command::Bench(BenchCommand::Train(args))) => bench_train::run(&args),
        Some(Command::Demo { out, faces, seed }) => demo::run(&out, faces, seed),
        Some(Command::Train(args)) => train::run(&args),
        Some(Command::Eval {
            model,
            data,
            all,
            json,
        }) => eval::run_eval(&model, &data, all, json),
        Some(Command::Predict {
            model,
            images,
            json,
        }) => eval::run_predict(&model, &images, json),
    }
}
