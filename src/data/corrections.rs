//! Label corrections: fixes a user makes to wrong labels, kept with the original labels so each
//! can be undone and listed, and written out as a new file (never over the one opened).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use super::csv_writer::{write_atomically, write_csv};
use super::dataset::{FaceDataset, FaceLabels};
use super::error::DataError;

/// One corrected face: its labels as loaded and as corrected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelCorrection {
    /// The face's index in the data set.
    pub row: usize,
    /// The labels the file gave.
    pub original: FaceLabels,
    /// The labels the user set.
    pub corrected: FaceLabels,
}

/// One changed field, as the change log lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// The face's index in the data set.
    pub row: usize,
    /// `age`, `gender` or `ethnicity`.
    pub field: &'static str,
    /// The value before, in words.
    pub old: String,
    /// The value after, in words.
    pub new: String,
}

impl LabelCorrection {
    /// The fields this correction changes.
    pub fn changes(&self) -> Vec<FieldChange> {
        let (old, new) = (self.original, self.corrected);
        let mut changes = Vec::new();
        let mut add = |field, old: String, new: String| {
            if old != new {
                changes.push(FieldChange {
                    row: self.row,
                    field,
                    old,
                    new,
                });
            }
        };
        add("age", old.age.to_string(), new.age.to_string());
        add("gender", old.gender.name().into(), new.gender.name().into());
        add(
            "ethnicity",
            old.ethnicity.name().into(),
            new.ethnicity.name().into(),
        );
        changes
    }
}

/// Every correction made to the open data set, by row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Corrections {
    by_row: BTreeMap<usize, LabelCorrection>,
}

impl Corrections {
    /// Sets the labels of face `row`, remembering what the file said. Setting them back to the
    /// file's labels removes the correction.
    pub fn set(&mut self, dataset: &mut FaceDataset, row: usize, labels: FaceLabels) {
        let original = self
            .by_row
            .get(&row)
            .map_or_else(|| dataset.labels(row), |c| c.original);
        dataset.set_labels(row, labels);
        if labels == original {
            self.by_row.remove(&row);
        } else {
            self.by_row.insert(
                row,
                LabelCorrection {
                    row,
                    original,
                    corrected: labels,
                },
            );
        }
    }

    /// Gives face `row` its labels from the file again.
    pub fn undo(&mut self, dataset: &mut FaceDataset, row: usize) {
        if let Some(correction) = self.by_row.remove(&row) {
            dataset.set_labels(row, correction.original);
        }
    }

    /// Whether face `row` has been corrected.
    pub fn is_corrected(&self, row: usize) -> bool {
        self.by_row.contains_key(&row)
    }

    /// The corrections, by row.
    pub fn iter(&self) -> impl Iterator<Item = &LabelCorrection> {
        self.by_row.values()
    }

    /// How many faces are corrected.
    pub fn len(&self) -> usize {
        self.by_row.len()
    }

    /// Whether nothing is corrected.
    pub fn is_empty(&self) -> bool {
        self.by_row.is_empty()
    }
}

/// The header of the change log.
pub const CHANGE_LOG_HEADER: &str = "row,line,img_name,field,old,new";

/// Writes the change log: one line per changed field, with the face's row (from 1), its line
/// in the source file (0 where it had none) and its image name.
pub fn write_change_log(
    dataset: &FaceDataset,
    corrections: &Corrections,
    out: &mut impl Write,
) -> std::io::Result<()> {
    writeln!(out, "{CHANGE_LOG_HEADER}")?;
    for correction in corrections.iter() {
        for change in correction.changes() {
            let name = dataset.image_name(change.row).replace('"', "\"\"");
            writeln!(
                out,
                "{},{},\"{name}\",{},{},{}",
                change.row + 1,
                dataset.source_line(change.row),
                change.field,
                change.old,
                change.new
            )?;
        }
    }
    Ok(())
}

/// The change log's path beside a corrected CSV: `x_corrected.csv` gives
/// `x_corrected_changes.csv`.
pub fn change_log_path(corrected_csv: &Path) -> std::path::PathBuf {
    let stem = corrected_csv
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    corrected_csv.with_file_name(format!("{stem}_changes.csv"))
}

/// Writes the whole data set, corrections applied (they are in its labels), to `path` and the
/// change log beside it, each through a temporary file renamed into place. Refuses to write
/// over `source`, the file the data set was opened from.
pub fn save_corrected(
    dataset: &FaceDataset,
    corrections: &Corrections,
    path: &Path,
    source: Option<&Path>,
) -> Result<(), DataError> {
    let same_file = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    if source.is_some_and(|source| same_file(path, source)) {
        return Err(DataError::io(
            path,
            std::io::Error::other(
                "this is the file the data set was opened from; choose a new name",
            ),
        ));
    }
    write_atomically(path, |out| write_csv(dataset, out))?;
    write_atomically(&change_log_path(path), |out| {
        write_change_log(dataset, corrections, out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Ethnicity, Gender, generate_demo_faces};

    #[test]
    fn set_undo_and_set_back() {
        let mut set = generate_demo_faces(5, 1);
        let original = set.labels(2);
        let mut corrections = Corrections::default();
        let changed = FaceLabels {
            gender: Gender::Female,
            ethnicity: Ethnicity::Other,
            ..original
        };
        corrections.set(&mut set, 2, changed);
        assert_eq!(set.labels(2), changed);
        assert!(corrections.is_corrected(2));
        corrections.undo(&mut set, 2);
        assert_eq!(set.labels(2), original);
        assert!(corrections.is_empty());

        corrections.set(&mut set, 2, changed);
        corrections.set(&mut set, 2, original);
        assert!(
            corrections.is_empty(),
            "setting the file's labels again is no correction"
        );
    }

    #[test]
    fn change_log_lists_each_field() {
        let mut set = generate_demo_faces(3, 1);
        let mut corrections = Corrections::default();
        let old = set.labels(1);
        let new = FaceLabels {
            age: old.age.wrapping_add(1) % 100,
            ..old
        };
        corrections.set(&mut set, 1, new);
        let mut out = Vec::new();
        write_change_log(&set, &corrections, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(
            text.contains(&format!(
                "2,0,\"demo_00002.png\",age,{},{}",
                old.age, new.age
            )),
            "{text}"
        );
    }

    #[test]
    fn log_path_sits_beside_the_csv() {
        assert_eq!(
            change_log_path(Path::new("a/x_corrected.csv")),
            Path::new("a/x_corrected_changes.csv")
        );
    }
}
