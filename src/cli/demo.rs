//! `facelab demo OUT`: writes the synthetic demo faces as a CSV.

use std::path::Path;

use anyhow::Context;

use crate::data::{generate_demo_faces, write_csv_file};

/// Writes `faces` demo faces made with `seed` to `out`.
pub fn run(out: &Path, faces: usize, seed: u64) -> anyhow::Result<()> {
    let dataset = generate_demo_faces(faces, seed);
    write_csv_file(&dataset, out)
        .with_context(|| format!("writing the demo faces to {}", out.display()))?;
    println!(
        "wrote {} synthetic faces to {}",
        dataset.len(),
        out.display()
    );
    Ok(())
}
