//! Finds the columns of `age_gender.csv` in a header line, in any order.

use std::path::Path;

use super::fields::split_fields;
use crate::data::error::DataError;

/// The UTF-8 byte order mark some editors put at the start of a file.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Where each needed field sits in a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ColumnMap {
    /// Index of `age`.
    pub age: usize,
    /// Index of `ethnicity` (also accepted as `race`).
    pub ethnicity: usize,
    /// Index of `gender`.
    pub gender: usize,
    /// Index of `pixels`.
    pub pixels: usize,
    /// Index of `img_name`; optional, names are empty without it.
    pub img_name: Option<usize>,
    /// Number of columns in the header.
    pub width: usize,
}

impl ColumnMap {
    /// The name of the column at `index`, for messages.
    pub fn name_of(&self, index: usize) -> &'static str {
        match index {
            i if i == self.age => "age",
            i if i == self.ethnicity => "ethnicity",
            i if i == self.gender => "gender",
            i if i == self.pixels => "pixels",
            i if Some(i) == self.img_name => "img_name",
            _ => "another column",
        }
    }
}

/// Reads the header record; column names are matched without regard to case or blanks.
pub(super) fn parse_header(record: &[u8], path: &Path) -> Result<ColumnMap, DataError> {
    let record = record.strip_prefix(UTF8_BOM).unwrap_or(record);
    let (fields, _) = split_fields(record);
    let names: Vec<String> = fields
        .iter()
        .map(|f| String::from_utf8_lossy(f).trim().to_ascii_lowercase())
        .collect();
    let find = |wanted: &[&str]| names.iter().position(|n| wanted.contains(&n.as_str()));

    let age = find(&["age"]);
    let ethnicity = find(&["ethnicity", "race"]);
    let gender = find(&["gender"]);
    let pixels = find(&["pixels"]);
    let img_name = find(&["img_name"]);

    match (age, ethnicity, gender, pixels) {
        (Some(age), Some(ethnicity), Some(gender), Some(pixels)) => Ok(ColumnMap {
            age,
            ethnicity,
            gender,
            pixels,
            img_name,
            width: names.len(),
        }),
        _ => {
            let missing: Vec<String> = [
                ("age", age),
                ("ethnicity", ethnicity),
                ("gender", gender),
                ("pixels", pixels),
            ]
            .iter()
            .filter(|(_, found)| found.is_none())
            .map(|(name, _)| format!("\"{name}\""))
            .collect();
            let found = if names.iter().all(|n| n.is_empty()) {
                "nothing".to_string()
            } else {
                names
                    .iter()
                    .map(|n| format!("\"{}\"", shorten(n)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            Err(DataError::MissingColumns {
                path: path.to_path_buf(),
                missing: missing.join(", "),
                found,
            })
        }
    }
}

/// A header name for an error message, cut to a readable length.
fn shorten(name: &str) -> String {
    const LIMIT: usize = 40;
    if name.chars().count() <= LIMIT {
        name.to_string()
    } else {
        format!("{}...", name.chars().take(LIMIT).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_in_any_order_and_case() {
        let map = parse_header(
            b"\xEF\xBB\xBFPixels, img_name ,Gender,race,AGE",
            Path::new("f.csv"),
        )
        .unwrap();
        assert_eq!(
            (map.pixels, map.img_name, map.gender, map.ethnicity, map.age),
            (0, Some(1), 2, 3, 4)
        );
        assert_eq!(map.width, 5);
    }

    #[test]
    fn missing_columns_are_named() {
        let err = parse_header(b"age,gender,img_name", Path::new("f.csv")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("\"ethnicity\", \"pixels\""), "{text}");
        assert!(text.contains("f.csv"), "{text}");
    }
}
