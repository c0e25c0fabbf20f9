//! Runs a benchmark's Python peer script and reads the JSON line it prints.

use std::process::Command;

use serde_json::{Value, json};

/// Runs `script` with `python -c` and `args`; its last JSON line, or `{"unavailable": why}`
/// where Python cannot start or the script printed no result.
pub fn run_peer_script(python: &str, script: &str, args: &[String]) -> Value {
    let unavailable = |why: String| json!({ "unavailable": why });
    let output = match Command::new(python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
    {
        Ok(output) => output,
        Err(error) => return unavailable(format!("cannot start {python}: {error}")),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    match stdout
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str::<Value>(l).ok())
    {
        Some(value) => value,
        None => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let last = stderr.lines().last().unwrap_or("no output");
            unavailable(format!("{python} gave no result: {last}"))
        }
    }
}
