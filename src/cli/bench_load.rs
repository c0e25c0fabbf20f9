//! `facelab bench load FILE`: facelab's load time and peak memory against the pandas way of the
//! well-known notebooks, measured in the same run.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use serde_json::{Value, json};

use super::format::{megabytes, thousands};
use super::python_peer::run_peer_script;
use crate::data::csv_reader::GZIP_DECODER;
use crate::data::{LoadOptions, load_path};
use crate::memory::{peak_resident_bytes, reset_peak_resident};

/// The pandas peer, passed to Python on standard input so it runs from any folder.
const PANDAS_SCRIPT: &str = include_str!("../../benches/pandas_load.py");

/// facelab's side of the benchmark.
struct FacelabTiming {
    seconds: Vec<f64>,
    faces: usize,
    peak_bytes: Option<u64>,
}

/// Runs the benchmark and prints the result.
pub fn run(
    file: &Path,
    runs: usize,
    peer_runs: usize,
    python: &str,
    json: bool,
) -> anyhow::Result<()> {
    if runs == 0 {
        bail!("--runs must be at least 1");
    }
    // Read the file once so that both sides find it in the page cache.
    std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;

    let ours = time_facelab(file, runs)?;
    let peer = if peer_runs == 0 {
        json!({ "unavailable": "--peer-runs 0" })
    } else {
        time_pandas(file, peer_runs, python)
    };

    let our_median = median(&ours.seconds);
    let peer_median = peer.get("median_seconds").and_then(Value::as_f64);
    let speedup = peer_median.map(|p| p / our_median);

    if json {
        let document = json!({
            "file": file.display().to_string(),
            "faces": ours.faces,
            "facelab": {
                "gzip_decoder": GZIP_DECODER,
                "median_seconds": our_median,
                "seconds": ours.seconds,
                "peak_rss_mb": ours.peak_bytes.map(|b| b as f64 / 1e6),
            },
            "pandas": peer,
            "speedup": speedup,
        });
        println!("{}", serde_json::to_string_pretty(&document)?);
        return Ok(());
    }

    println!(
        "loading {} ({} faces; facelab decompresses .gz with {GZIP_DECODER})",
        file.display(),
        thousands(ours.faces)
    );
    let peak = ours.peak_bytes.map_or("unknown".to_string(), megabytes);
    println!("  facelab  median {our_median:>8.3} s over {runs} runs   peak memory {peak}");
    match peer_median {
        Some(peer_seconds) => {
            let peer_peak = peer
                .get("peak_rss_mb")
                .and_then(Value::as_f64)
                .map_or("unknown".into(), |m| format!("{m:.1} MB"));
            let version = peer.get("pandas").and_then(Value::as_str).unwrap_or("?");
            println!(
                "  pandas   median {peer_seconds:>8.3} s over {peer_runs} runs   peak memory {peer_peak} (pandas {version})"
            );
            println!("  facelab is {:.1}x faster", peer_seconds / our_median);
        }
        None => {
            let why = peer
                .get("unavailable")
                .and_then(Value::as_str)
                .unwrap_or("no result");
            println!("  pandas   not measured: {why}");
        }
    }
    Ok(())
}

/// Loads the file `runs` times; the peak memory is the highest of any single load.
fn time_facelab(file: &Path, runs: usize) -> anyhow::Result<FacelabTiming> {
    let mut seconds = Vec::with_capacity(runs);
    let mut faces = 0;
    let mut peak_bytes: Option<u64> = None;
    for _ in 0..runs {
        // Where the system cannot reset the peak, it covers all runs so far, which still
        // bounds each one.
        reset_peak_resident();
        let started = Instant::now();
        let loaded = load_path(file, LoadOptions::default())?;
        seconds.push(started.elapsed().as_secs_f64());
        faces = loaded.dataset.len();
        drop(loaded);
        if let Some(peak) = peak_resident_bytes() {
            peak_bytes = Some(peak_bytes.map_or(peak, |p| p.max(peak)));
        }
    }
    Ok(FacelabTiming {
        seconds,
        faces,
        peak_bytes,
    })
}

/// Runs the pandas script; its JSON, or `{"unavailable": why}`.
fn time_pandas(file: &Path, runs: usize, python: &str) -> Value {
    let args = [file.display().to_string(), runs.to_string()];
    run_peer_script(python, PANDAS_SCRIPT, &args)
}

/// The median of a non-empty list.
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}
