//! Turns one data record into the labels and pixels of a face, or a reason to skip it.

use std::borrow::Cow;

use super::fields::FieldCursor;
use super::header::ColumnMap;
use super::pixels::{PixelError, parse_pixels, parse_pixels_until_comma};
use crate::data::dataset::FaceLabels;
use crate::data::labels::{Ethnicity, Gender, MAX_AGE};

/// A parsed row: its labels and its `img_name`.
pub(super) type ParsedRow = (FaceLabels, String);

/// The fields of a row the data set needs, as found.
#[derive(Default)]
struct RowFields<'r> {
    age: Option<Cow<'r, [u8]>>,
    ethnicity: Option<Cow<'r, [u8]>>,
    gender: Option<Cow<'r, [u8]>>,
    img_name: Option<Cow<'r, [u8]>>,
    pixels: Option<Result<(), PixelError>>,
    count: usize,
}

/// Parses `record`, writing its pixels into `pixels_out`. The error is the reason shown to the
/// user.
pub(super) fn parse_row(
    record: &[u8],
    columns: &ColumnMap,
    pixels_out: &mut [u8],
) -> Result<ParsedRow, String> {
    let (fields, unclosed_quote) = read_fields(record, columns, pixels_out);
    if unclosed_quote {
        return Err("a quoted field is never closed (missing \")".into());
    }
    let missing = |index: usize| {
        format!(
            "the row has {} of {} fields: \"{}\" (column {}) is missing",
            fields.count,
            columns.width,
            columns.name_of(index),
            index + 1
        )
    };

    let age = parse_code(
        fields.age.as_deref().ok_or_else(|| missing(columns.age))?,
        "age",
    )?;
    if age > u32::from(MAX_AGE) {
        return Err(format!("age {age} is outside 0-{MAX_AGE}"));
    }
    let gender_code = parse_code(
        fields
            .gender
            .as_deref()
            .ok_or_else(|| missing(columns.gender))?,
        "gender",
    )?;
    let gender = u8::try_from(gender_code)
        .ok()
        .and_then(Gender::from_code)
        .ok_or_else(|| format!("gender {gender_code} is not a known code (0 male, 1 female)"))?;
    let ethnicity_field = fields
        .ethnicity
        .as_deref()
        .ok_or_else(|| missing(columns.ethnicity))?;
    let ethnicity_code = parse_code(ethnicity_field, "ethnicity")?;
    let ethnicity = u8::try_from(ethnicity_code).ok().and_then(Ethnicity::from_code).ok_or_else(|| {
        format!("ethnicity {ethnicity_code} is not a known code (0 White, 1 Black, 2 Asian, 3 Indian, 4 Other)")
    })?;
    fields
        .pixels
        .ok_or_else(|| missing(columns.pixels))?
        .map_err(|e| e.to_string())?;

    let image_name = fields
        .img_name
        .map(|f| String::from_utf8_lossy(&f).trim().to_string())
        .unwrap_or_default();
    Ok((
        FaceLabels {
            age: age as u8,
            gender,
            ethnicity,
        },
        image_name,
    ))
}

/// Walks the record's fields up to the last one needed; the pixel field is parsed in place.
fn read_fields<'r>(
    record: &'r [u8],
    columns: &ColumnMap,
    pixels_out: &mut [u8],
) -> (RowFields<'r>, bool) {
    let last_needed = [
        columns.age,
        columns.ethnicity,
        columns.gender,
        columns.pixels,
    ]
    .into_iter()
    .chain(columns.img_name)
    .max()
    .unwrap_or(0);
    let mut cursor = FieldCursor::new(record);
    let mut fields = RowFields::default();
    for index in 0..=last_needed {
        if index == columns.pixels {
            let parsed = cursor.parse_next_field(|text, whole_field| {
                if whole_field {
                    (text.len(), parse_pixels(text, pixels_out))
                } else {
                    parse_pixels_until_comma(text, pixels_out)
                }
            });
            match parsed {
                Some(result) => fields.pixels = Some(result),
                None => break,
            }
        } else {
            let Some(field) = cursor.next_field() else {
                break;
            };
            let slot = match index {
                i if i == columns.age => &mut fields.age,
                i if i == columns.ethnicity => &mut fields.ethnicity,
                i if i == columns.gender => &mut fields.gender,
                i if Some(i) == columns.img_name => &mut fields.img_name,
                _ => &mut None,
            };
            *slot = Some(field);
        }
        fields.count += 1;
    }
    (fields, cursor.unclosed_quote)
}

/// Parses a small non-negative integer label; `name` is the column, for the message.
fn parse_code(raw: &[u8], name: &str) -> Result<u32, String> {
    let text = raw.trim_ascii();
    if text.is_empty() {
        return Err(format!("{name} is empty"));
    }
    if text.len() > 6 || !text.iter().all(u8::is_ascii_digit) {
        let shown = String::from_utf8_lossy(&text[..text.len().min(20)]).into_owned();
        return Err(format!("{name} \"{shown}\" is not a whole number"));
    }
    Ok(text
        .iter()
        .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')))
}
