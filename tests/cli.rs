//! The `facelab` binary end to end: `demo` writes a CSV, `stats` reads it back.

use std::process::Command;

fn facelab() -> Command {
    Command::new(env!("CARGO_BIN_EXE_facelab"))
}

#[test]
fn stats_json_has_the_documented_keys_and_counts() {
    let folder = tempfile::tempdir().unwrap();
    let csv = folder.path().join("demo.csv");
    let status = facelab()
        .args(["demo", csv.to_str().unwrap(), "--faces", "300"])
        .status()
        .unwrap();
    assert!(status.success());

    // Append one bad row to see it reported with its line.
    let mut text = std::fs::read_to_string(&csv).unwrap();
    text.push_str("20,0,0,bad.jpg,1 2 3\n");
    std::fs::write(&csv, text).unwrap();

    let output = facelab()
        .args(["stats", csv.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["rows"], 300);
    assert_eq!(json["skipped"][0]["line"], 302);
    assert!(
        json["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("3 values")
    );
    let male = json["gender"]["Male"].as_u64().unwrap();
    let female = json["gender"]["Female"].as_u64().unwrap();
    assert_eq!(male + female, 300);
    let ethnicities: u64 = json["ethnicity"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(ethnicities, 300);
    for key in ["min", "median", "max", "groups"] {
        assert!(!json["age"][key].is_null(), "age.{key}");
    }
    assert_eq!(json["age"]["groups"].as_object().unwrap().len(), 5);
    assert!(json["load_seconds"].as_f64().unwrap() >= 0.0);
}

#[test]
fn stats_text_lists_skipped_rows_then_a_count() {
    let folder = tempfile::tempdir().unwrap();
    let csv = folder.path().join("demo.csv");
    assert!(
        facelab()
            .args(["demo", csv.to_str().unwrap(), "--faces", "20"])
            .status()
            .unwrap()
            .success()
    );
    let mut text = std::fs::read_to_string(&csv).unwrap();
    for _ in 0..12 {
        text.push_str("20,0,0,bad.jpg,1 2 3\n");
    }
    std::fs::write(&csv, text).unwrap();
    let output = facelab()
        .args(["stats", csv.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("faces      20  (32 rows read, 12 skipped)"),
        "{stdout}"
    );
    assert!(stdout.contains("line 22: pixels has 3 values"), "{stdout}");
    assert!(stdout.contains("... and 2 more"), "{stdout}");
    assert!(stdout.contains("Female"), "{stdout}");
}

#[test]
fn stats_on_a_bad_file_fails_with_its_name() {
    let folder = tempfile::tempdir().unwrap();
    let csv = folder.path().join("broken.csv");
    std::fs::write(&csv, "name,score\nx,1\n").unwrap();
    let output = facelab()
        .args(["stats", csv.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("broken.csv") && stderr.contains("\"pixels\""),
        "{stderr}"
    );
}

#[test]
fn help_lists_the_subcommands_and_the_window_argument() {
    let output = facelab().arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for word in ["stats", "bench", "demo", "[DATA]"] {
        assert!(help.contains(word), "{word} in {help}");
    }
}
