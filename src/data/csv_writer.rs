//! Writes a data set in the `age_gender.csv` layout, atomically.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::dataset::FaceDataset;
use super::error::DataError;

/// The header `age_gender.csv` uses.
pub const CSV_HEADER: &str = "age,ethnicity,gender,img_name,pixels";

/// Writes every face of `dataset` as `age_gender.csv` text.
pub fn write_csv(dataset: &FaceDataset, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "{CSV_HEADER}")?;
    let mut line = String::with_capacity(10_000);
    for index in 0..dataset.len() {
        let labels = dataset.labels(index);
        line.clear();
        line.push_str(&format!(
            "{},{},{},",
            labels.age,
            labels.ethnicity.code(),
            labels.gender.code()
        ));
        push_field(&mut line, dataset.image_name(index));
        line.push(',');
        for (i, value) in dataset.face_pixels(index).iter().enumerate() {
            if i > 0 {
                line.push(' ');
            }
            push_u8(&mut line, *value);
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// Writes `dataset` to `path` through a temporary file in the same folder, renamed into place
/// only when complete, so an existing file is never left half-written.
pub fn write_csv_file(dataset: &FaceDataset, path: &Path) -> Result<(), DataError> {
    write_atomically(path, |out| write_csv(dataset, out))
}

/// Runs `write` into a temporary file beside `path`, then renames it to `path`.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<(), DataError> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = folder.join(format!(".{name}.{}.partial", std::process::id()));
    let result = (|| {
        let mut out = BufWriter::new(File::create(&temporary)?);
        write(&mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if let Err(error) = result {
        let _ = std::fs::remove_file(&temporary);
        return Err(DataError::io(path, error));
    }
    Ok(())
}

/// Appends a field, quoted when it holds a comma, quote or line break.
fn push_field(line: &mut String, text: &str) {
    if text.contains([',', '"', '\n', '\r']) {
        line.push('"');
        line.push_str(&text.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(text);
    }
}

/// Appends a byte in decimal without going through the formatting machinery.
fn push_u8(line: &mut String, value: u8) {
    if value >= 100 {
        line.push(char::from(b'0' + value / 100));
    }
    if value >= 10 {
        line.push(char::from(b'0' + value / 10 % 10));
    }
    line.push(char::from(b'0' + value % 10));
}
