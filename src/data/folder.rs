//! Imports a UTKFace image folder: labels from names `age_gender_race_date.jpg.chip.jpg`,
//! pixels from the images, prepared as [`face_image`](super::face_image) prepares any photo.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::dataset::{FaceDataset, FaceLabels};
use super::error::DataError;
use super::face_image::{decode_image_file, face_from_image_centered};
use super::labels::{Ethnicity, Gender, MAX_AGE};
use super::load::{LoadOptions, LoadedDataset};
use super::report::{LoadReport, RowOrigin};

/// How deep below the chosen folder images are looked for (UTKFace ships as `part1/`..).
const MAX_DEPTH: usize = 3;

/// File name endings taken for images.
const IMAGE_EXTENSIONS: [&str; 5] = ["jpg", "jpeg", "png", "bmp", "webp"];

/// One imported image: its labels, its `img_name` and its 48x48 pixels.
type ImportedFace = (FaceLabels, String, Vec<u8>);

/// Reads every image under `folder` whose name carries UTKFace labels.
pub fn read_utkface_folder(
    folder: &Path,
    options: LoadOptions<'_>,
) -> Result<LoadedDataset, DataError> {
    let mut files = Vec::new();
    collect_images(folder, 0, &mut files)?;
    files.sort();
    if files.is_empty() {
        return Err(DataError::NoImages {
            path: folder.to_path_buf(),
        });
    }

    let done = AtomicUsize::new(0);
    let results: Vec<Result<ImportedFace, String>> = files
        .par_iter()
        .map(|file| {
            if options.is_cancelled() {
                return Err(String::new());
            }
            let result = read_one_face(file);
            let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
            if finished.is_multiple_of(256) {
                options.report(finished as f32 / files.len() as f32, finished);
            }
            result
        })
        .collect();
    if options.is_cancelled() {
        return Err(DataError::Cancelled {
            path: folder.to_path_buf(),
        });
    }

    let mut dataset = FaceDataset::with_capacity(files.len());
    let mut report = LoadReport::default();
    for (file, result) in files.iter().zip(results) {
        report.rows_read += 1;
        match result {
            Ok((labels, name, pixels)) => {
                dataset.push(labels, name, 0, &pixels);
                report.rows_kept += 1;
            }
            Err(reason) => {
                let shown = file.strip_prefix(folder).unwrap_or(file).to_path_buf();
                report.skip(RowOrigin::File(shown), reason);
            }
        }
    }
    if report.rows_kept == 0 {
        let first = report
            .skipped
            .first()
            .map(ToString::to_string)
            .unwrap_or_default();
        return Err(DataError::NoUsableRows {
            path: folder.to_path_buf(),
            rows: report.rows_read,
            first,
        });
    }
    options.report(1.0, dataset.len());
    Ok(LoadedDataset { dataset, report })
}

/// Gathers image files (by extension) under `folder`, down to [`MAX_DEPTH`].
fn collect_images(folder: &Path, depth: usize, files: &mut Vec<PathBuf>) -> Result<(), DataError> {
    let entries = std::fs::read_dir(folder).map_err(|e| DataError::io(folder, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| DataError::io(folder, e))?;
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if depth < MAX_DEPTH {
                collect_images(&path, depth + 1, files)?;
            }
        } else if has_image_extension(&path) {
            files.push(path);
        }
    }
    Ok(())
}

/// Whether the file name ends in a known image extension, in any case.
fn has_image_extension(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        IMAGE_EXTENSIONS
            .iter()
            .any(|known| e.eq_ignore_ascii_case(known))
    })
}

/// Labels from the name, then the pixels from the image.
fn read_one_face(file: &Path) -> Result<ImportedFace, String> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (labels, image_name) = parse_utkface_name(&name)?;
    let image = decode_image_file(file).map_err(|e| match e {
        DataError::Image { reason, .. } => format!("the image does not decode: {reason}"),
        other => other.to_string(),
    })?;
    Ok((labels, image_name, face_from_image_centered(&image)))
}

/// Reads `age_gender_race_date...` from a UTKFace file name; returns the labels and the date
/// part, which `age_gender.csv` keeps as `img_name`.
pub fn parse_utkface_name(name: &str) -> Result<(FaceLabels, String), String> {
    let expected = "expected age_gender_race_date.jpg.chip.jpg";
    let mut parts = name.splitn(4, '_');
    let (Some(age), Some(gender), Some(race), Some(rest)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(format!(
            "the name has fewer than four parts separated by \"_\" ({expected})"
        ));
    };
    let age: u8 = age.parse().ok().filter(|a| *a <= MAX_AGE).ok_or_else(|| {
        format!("the age \"{age}\" in the name is not a number 0-{MAX_AGE} ({expected})")
    })?;
    let gender = gender
        .parse()
        .ok()
        .and_then(Gender::from_code)
        .ok_or_else(|| format!("the gender \"{gender}\" in the name is not 0 or 1 ({expected})"))?;
    let ethnicity = race
        .parse()
        .ok()
        .and_then(Ethnicity::from_code)
        .ok_or_else(|| format!("the race \"{race}\" in the name is not a code 0-4 ({expected})"))?;
    Ok((
        FaceLabels {
            age,
            gender,
            ethnicity,
        },
        rest.to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_utkface_names() {
        let (labels, rest) = parse_utkface_name("26_1_2_20170116174525125.jpg.chip.jpg").unwrap();
        assert_eq!(
            labels,
            FaceLabels {
                age: 26,
                gender: Gender::Female,
                ethnicity: Ethnicity::Asian
            }
        );
        assert_eq!(rest, "20170116174525125.jpg.chip.jpg");
    }

    #[test]
    fn refuses_names_without_race() {
        let err = parse_utkface_name("39_1_20170116174525125.jpg.chip.jpg").unwrap_err();
        assert!(err.contains("race"), "{err}");
        assert!(parse_utkface_name("holiday.jpg").is_err());
        assert!(parse_utkface_name("130_0_0_x.jpg").is_err());
    }
}
