//! `facelab stats FILE`: load a data set, print its labels and what was skipped.

use std::path::Path;
use std::time::Instant;

use serde_json::{Map, Value, json};

use super::format::thousands;
use crate::data::{
    AgeGroup, Ethnicity, Gender, LabelStats, LoadOptions, LoadReport, RowOrigin, load_path,
};

/// How many skipped rows the text output lists before it only counts.
const SKIPPED_SHOWN: usize = 10;

/// Loads `file` and prints its statistics, as text or JSON.
pub fn run(file: &Path, json: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let loaded = load_path(file, LoadOptions::default())?;
    let load_seconds = started.elapsed().as_secs_f64();
    let stats = LabelStats::of(&loaded.dataset);

    if json {
        let document = stats_json(&stats, &loaded.report, load_seconds);
        println!("{}", serde_json::to_string_pretty(&document)?);
    } else {
        print!("{}", stats_text(file, &stats, &loaded.report, load_seconds));
    }
    Ok(())
}

/// The JSON document of `facelab stats --json`.
pub fn stats_json(stats: &LabelStats, report: &LoadReport, load_seconds: f64) -> Value {
    let skipped: Vec<Value> = report
        .skipped
        .iter()
        .map(|row| match &row.origin {
            RowOrigin::Line(line) => json!({ "line": line, "reason": row.reason }),
            RowOrigin::File(path) => {
                json!({ "file": path.display().to_string(), "reason": row.reason })
            }
        })
        .collect();
    let gender: Map<String, Value> = Gender::ALL
        .iter()
        .map(|g| (g.name().to_string(), json!(stats.gender_count(*g))))
        .collect();
    let ethnicity: Map<String, Value> = Ethnicity::ALL
        .iter()
        .map(|e| (e.name().to_string(), json!(stats.ethnicity_count(*e))))
        .collect();
    let groups: Map<String, Value> = AgeGroup::ALL
        .iter()
        .map(|a| (a.name().to_string(), json!(stats.age_group_count(*a))))
        .collect();
    let ages = stats.age_summary();
    json!({
        "rows": stats.faces,
        "rows_read": report.rows_read,
        "skipped": skipped,
        "ended_early": report.ended_early,
        "gender": gender,
        "ethnicity": ethnicity,
        "age": {
            "min": ages.map(|a| a.min),
            "median": ages.map(|a| a.median),
            "max": ages.map(|a| a.max),
            "groups": groups,
        },
        "load_seconds": load_seconds,
    })
}

/// The text report of `facelab stats`.
pub fn stats_text(
    file: &Path,
    stats: &LabelStats,
    report: &LoadReport,
    load_seconds: f64,
) -> String {
    let mut out = String::new();
    let line = |out: &mut String, text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    line(&mut out, format!("{}", file.display()));
    line(
        &mut out,
        format!(
            "faces      {}  ({} rows read, {} skipped)",
            thousands(stats.faces),
            thousands(report.rows_read),
            thousands(report.skipped.len())
        ),
    );
    line(&mut out, format!("loaded in  {load_seconds:.3} s"));
    if let Some(reason) = &report.ended_early {
        line(&mut out, format!("warning    {reason}"));
    }

    let count_line = |name: &str, count: usize| {
        format!(
            "  {name:<8} {:>8}  {:>5.1} %",
            thousands(count),
            stats.percent(count)
        )
    };
    line(&mut out, "\ngender".into());
    for gender in Gender::ALL {
        line(
            &mut out,
            count_line(gender.name(), stats.gender_count(gender)),
        );
    }
    line(&mut out, "\nethnicity".into());
    for ethnicity in Ethnicity::ALL {
        line(
            &mut out,
            count_line(ethnicity.name(), stats.ethnicity_count(ethnicity)),
        );
    }
    if let Some(ages) = stats.age_summary() {
        line(
            &mut out,
            format!(
                "\nage        min {}, median {}, max {}",
                ages.min, ages.median, ages.max
            ),
        );
        for group in AgeGroup::ALL {
            line(
                &mut out,
                count_line(group.name(), stats.age_group_count(group)),
            );
        }
    }

    if !report.skipped.is_empty() {
        line(&mut out, "\nskipped rows".into());
        for row in report.skipped.iter().take(SKIPPED_SHOWN) {
            line(&mut out, format!("  {row}"));
        }
        if report.skipped.len() > SKIPPED_SHOWN {
            line(
                &mut out,
                format!(
                    "  ... and {} more",
                    thousands(report.skipped.len() - SKIPPED_SHOWN)
                ),
            );
        }
    }
    out
}
