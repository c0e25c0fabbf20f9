//! The CSV reader on malformed input: every bad row is reported with its line and reason, and
//! every good row is kept.

mod common;

use std::path::Path;

use common::{HEADER, csv_text, good_row, gzip, pixels_of};
use facelab::data::{
    DataError, Ethnicity, Gender, LoadOptions, LoadedDataset, read_csv_bytes, read_csv_file,
};

fn load(text: &[u8]) -> Result<LoadedDataset, DataError> {
    read_csv_bytes(text, Path::new("faces.csv"), LoadOptions::default())
}

/// Loads `text`, expecting success; returns the kept face count and the skipped (line, reason).
fn load_ok(text: &[u8]) -> (usize, Vec<(u64, String)>) {
    let loaded = load(text).expect("the file loads");
    let skipped = loaded
        .report
        .skipped
        .iter()
        .map(|s| (s.line().unwrap(), s.reason.clone()))
        .collect();
    assert_eq!(loaded.report.rows_kept, loaded.dataset.len());
    (loaded.dataset.len(), skipped)
}

#[test]
fn good_file_loads_with_labels_and_pixels() {
    let text = csv_text(&[HEADER.into(), good_row(25, 2, 1, 7), good_row(61, 4, 0, 9)]);
    let loaded = load(text.as_bytes()).unwrap();
    let set = &loaded.dataset;
    assert_eq!(set.len(), 2);
    assert!(loaded.report.is_clean());
    assert_eq!(set.labels(0).age, 25);
    assert_eq!(set.labels(0).ethnicity, Ethnicity::Asian);
    assert_eq!(set.labels(0).gender, Gender::Female);
    assert_eq!(set.labels(1).gender, Gender::Male);
    assert_eq!(set.image_name(1), "img_9.jpg.chip.jpg");
    assert!(set.face_pixels(0).iter().all(|p| *p == 7));
    assert!(set.face_pixels(1).iter().all(|p| *p == 9));
    assert_eq!((set.source_line(0), set.source_line(1)), (2, 3));
}

#[test]
fn truncated_last_line_is_reported_and_the_rest_kept() {
    let mut text = csv_text(&[HEADER.into(), good_row(20, 0, 0, 1), good_row(30, 1, 1, 2)]);
    let cut = good_row(40, 2, 0, 3);
    text.push_str(&cut[..cut.len() / 2]);
    let (kept, skipped) = load_ok(text.as_bytes());
    assert_eq!(kept, 2);
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].0, 4);
    assert!(skipped[0].1.contains("expected 2304"), "{}", skipped[0].1);
}

#[test]
fn line_cut_before_the_pixels_names_the_missing_field() {
    let text = csv_text(&[HEADER.into(), "25,0,1".into(), good_row(20, 0, 0, 1)]);
    let (kept, skipped) = load_ok(text.as_bytes());
    assert_eq!(kept, 1);
    assert_eq!(skipped[0].0, 2);
    assert!(
        skipped[0].1.contains("\"img_name\"") || skipped[0].1.contains("\"pixels\""),
        "{}",
        skipped[0].1
    );
    assert!(skipped[0].1.contains("3 of 5 fields"), "{}", skipped[0].1);
}

#[test]
fn wrong_pixel_count_is_reported() {
    let short = format!("30,0,0,x.jpg,{}", pixels_of(2303, 5));
    let text = csv_text(&[
        HEADER.into(),
        good_row(20, 0, 0, 1),
        short,
        good_row(21, 0, 0, 2),
    ]);
    let (kept, skipped) = load_ok(text.as_bytes());
    assert_eq!(kept, 2);
    assert_eq!(
        skipped,
        [(
            3,
            "pixels has 2303 values, expected 2304 (48 x 48)".to_string()
        )]
    );
}

#[test]
fn pixel_of_256_is_reported_with_its_position() {
    let mut values = vec!["10".to_string(); 2304];
    values[99] = "256".into();
    let bad = format!("30,0,0,x.jpg,{}", values.join(" "));
    let text = csv_text(&[HEADER.into(), bad, good_row(21, 0, 0, 2)]);
    let (kept, skipped) = load_ok(text.as_bytes());
    assert_eq!(kept, 1);
    assert_eq!(
        skipped,
        [(2, "pixel 100 is 256, outside 0-255".to_string())]
    );
}

#[test]
fn letters_among_the_pixels_are_reported() {
    let mut values = vec!["10".to_string(); 2304];
    values[4] = "1a".into();
    let bad = format!("30,0,0,x.jpg,{}", values.join(" "));
    let text = csv_text(&[HEADER.into(), good_row(21, 0, 0, 2), bad]);
    let (kept, skipped) = load_ok(text.as_bytes());
    assert_eq!(kept, 1);
    assert_eq!(
        skipped,
        [(3, "pixel 5 is \"1a\", not an integer 0-255".to_string())]
    );
}

#[test]
fn bad_labels_are_reported() {
    let pixels = pixels_of(2304, 1);
    let text = csv_text(&[
        HEADER.into(),
        format!("130,0,0,a,{pixels}"),
        format!("20,7,0,b,{pixels}"),
        format!("20,0,2,c,{pixels}"),
        format!("x,0,0,d,{pixels}"),
        format!(",0,0,e,{pixels}"),
        good_row(33, 3, 1, 4),
    ]);
    let (kept, skipped) = load_ok(text.as_bytes());
    assert_eq!(kept, 1);
    let lines: Vec<u64> = skipped.iter().map(|s| s.0).collect();
    assert_eq!(lines, [2, 3, 4, 5, 6]);
    assert!(
        skipped[0].1.contains("age 130 is outside 0-120"),
        "{}",
        skipped[0].1
    );
    assert!(skipped[1].1.contains("ethnicity 7"), "{}", skipped[1].1);
    assert!(skipped[2].1.contains("gender 2"), "{}", skipped[2].1);
    assert!(skipped[3].1.contains("age \"x\""), "{}", skipped[3].1);
    assert!(skipped[4].1.contains("age is empty"), "{}", skipped[4].1);
}

#[test]
fn missing_column_is_an_error_naming_file_and_column() {
    let text = "age,gender,img_name,pixels\n20,0,a,1 2 3\n";
    let err = load(text.as_bytes()).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, DataError::MissingColumns { .. }));
    assert!(message.contains("faces.csv"), "{message}");
    assert!(message.contains("\"ethnicity\""), "{message}");
}

#[test]
fn empty_file_and_header_only_are_errors() {
    let err = load(b"").unwrap_err();
    assert!(matches!(err, DataError::Empty { .. }), "{err}");
    assert!(err.to_string().contains("faces.csv"));
    let err = load(format!("{HEADER}\n").as_bytes()).unwrap_err();
    assert!(matches!(err, DataError::NoRows { .. }), "{err}");
}

#[test]
fn file_of_only_bad_rows_is_an_error_with_the_first_reason() {
    let text = csv_text(&[HEADER.into(), "1,0,0,a,1 2 3".into()]);
    let err = load(text.as_bytes()).unwrap_err();
    assert!(
        matches!(err, DataError::NoUsableRows { rows: 1, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("line 2"), "{err}");
}

#[test]
fn crlf_line_ends_are_read() {
    let text = [
        HEADER.to_string(),
        good_row(20, 0, 0, 1),
        good_row(30, 1, 1, 200),
    ]
    .join("\r\n")
        + "\r\n";
    let loaded = load(text.as_bytes()).unwrap();
    assert_eq!(loaded.dataset.len(), 2);
    assert!(loaded.report.is_clean());
    assert!(loaded.dataset.face_pixels(1).iter().all(|p| *p == 200));
}

#[test]
fn quoted_fields_are_unquoted() {
    let pixels = pixels_of(2304, 3);
    let text = csv_text(&[
        "\"age\",\"ethnicity\",\"gender\",\"img_name\",\"pixels\"".into(),
        format!("\"25\",\"1\",\"0\",\"a, \"\"b\"\".jpg\",\"{pixels}\""),
        good_row(26, 0, 1, 4),
    ]);
    let loaded = load(text.as_bytes()).unwrap();
    assert!(loaded.report.is_clean(), "{:?}", loaded.report.skipped);
    assert_eq!(loaded.dataset.image_name(0), "a, \"b\".jpg");
    assert_eq!(loaded.dataset.labels(0).age, 25);
}

#[test]
fn unclosed_quote_costs_one_row_only() {
    let text = csv_text(&[
        HEADER.into(),
        format!("25,1,0,\"open.jpg,{}", pixels_of(2304, 3)),
        good_row(26, 0, 1, 4),
        good_row(27, 0, 1, 5),
    ]);
    let (kept, skipped) = load_ok(text.as_bytes());
    assert_eq!(kept, 2, "the rows after the broken one survive");
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].0, 2);
    assert!(skipped[0].1.contains("never closed"), "{}", skipped[0].1);
}

#[test]
fn utf8_bom_before_the_header_is_ignored() {
    let text = format!(
        "\u{feff}{}",
        csv_text(&[HEADER.into(), good_row(20, 0, 0, 1)])
    );
    let loaded = load(text.as_bytes()).unwrap();
    assert_eq!(loaded.dataset.len(), 1);
}

#[test]
fn columns_in_another_order_and_extra_columns() {
    let text = csv_text(&[
        "pixels,gender,note,ethnicity,age".into(),
        format!("{},1,hello,4,77", pixels_of(2304, 8)),
    ]);
    let loaded = load(text.as_bytes()).unwrap();
    let labels = loaded.dataset.labels(0);
    assert_eq!(
        (labels.age, labels.gender, labels.ethnicity),
        (77, Gender::Female, Ethnicity::Other)
    );
    assert_eq!(loaded.dataset.image_name(0), "");
}

#[test]
fn blank_lines_are_not_rows() {
    let text = format!(
        "{HEADER}\n\n{}\n\n\n{}\n",
        good_row(20, 0, 0, 1),
        good_row(21, 0, 0, 2)
    );
    let loaded = load(text.as_bytes()).unwrap();
    assert_eq!(loaded.report.rows_read, 2);
    assert_eq!(loaded.dataset.source_line(1), 6);
}

#[test]
fn gzip_is_recognised_by_content_not_name() {
    let text = csv_text(&[HEADER.into(), good_row(20, 0, 0, 1), good_row(21, 1, 1, 2)]);
    let loaded = read_csv_bytes(
        &gzip(text.as_bytes()),
        Path::new("faces.csv"),
        LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(loaded.dataset.len(), 2);
    assert!(loaded.report.is_clean());
}

#[test]
fn truncated_gzip_keeps_the_rows_before_the_cut() {
    let rows: Vec<String> = std::iter::once(HEADER.to_string())
        .chain((0..200).map(|i| good_row(20, 0, 0, i as u8)))
        .collect();
    let packed = gzip(csv_text(&rows).as_bytes());
    let cut = &packed[..packed.len() * 2 / 3];
    let loaded = read_csv_bytes(cut, Path::new("faces.csv.gz"), LoadOptions::default()).unwrap();
    assert!(
        loaded.dataset.len() > 50 && loaded.dataset.len() < 200,
        "{}",
        loaded.dataset.len()
    );
    let reason = loaded
        .report
        .ended_early
        .clone()
        .expect("the early end is reported");
    assert!(reason.contains("gzip"), "{reason}");
    // The row cut in half is reported with its line, right after the last kept row.
    let last_kept_line = loaded.dataset.source_line(loaded.dataset.len() - 1);
    if let Some(skipped) = loaded.report.skipped.last() {
        assert_eq!(skipped.line(), Some(last_kept_line + 1));
    }
}

#[test]
fn gzip_cut_inside_its_header_is_an_error_naming_the_file() {
    let packed = gzip(csv_text(&[HEADER.into(), good_row(20, 0, 0, 1)]).as_bytes());
    let err = read_csv_bytes(
        &packed[..12],
        Path::new("faces.csv.gz"),
        LoadOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("faces.csv.gz"), "{err}");
}

#[test]
fn many_rows_across_chunks_keep_order_and_line_numbers() {
    let mut rows = vec![HEADER.to_string()];
    for i in 0..1500 {
        if i % 97 == 0 {
            rows.push(format!("20,0,0,bad{i},1 2 3"));
        } else {
            rows.push(good_row(
                (i % 100) as u8,
                (i % 5) as u8,
                (i % 2) as u8,
                (i % 256) as u8,
            ));
        }
    }
    let loaded = load(csv_text(&rows).as_bytes()).unwrap();
    let bad: Vec<u64> = (0..1500)
        .filter(|i| i % 97 == 0)
        .map(|i| i as u64 + 2)
        .collect();
    let skipped: Vec<u64> = loaded
        .report
        .skipped
        .iter()
        .map(|s| s.line().unwrap())
        .collect();
    assert_eq!(skipped, bad);
    assert_eq!(loaded.dataset.len(), 1500 - bad.len());
    for face in 0..loaded.dataset.len() {
        let line = loaded.dataset.source_line(face);
        let i = (line - 2) as usize;
        assert_eq!(usize::from(loaded.dataset.face_pixels(face)[0]), i % 256);
        assert_eq!(usize::from(loaded.dataset.labels(face).age), i % 100);
    }
}

#[test]
fn cancel_flag_stops_the_load() {
    let rows: Vec<String> = std::iter::once(HEADER.to_string())
        .chain((0..100).map(|i| good_row(20, 0, 0, i as u8)))
        .collect();
    let cancel = std::sync::atomic::AtomicBool::new(true);
    let options = LoadOptions {
        cancel: Some(&cancel),
        ..LoadOptions::default()
    };
    let err =
        read_csv_bytes(csv_text(&rows).as_bytes(), Path::new("faces.csv"), options).unwrap_err();
    assert!(matches!(err, DataError::Cancelled { .. }), "{err}");
}

#[test]
fn progress_reaches_the_end() {
    let rows: Vec<String> = std::iter::once(HEADER.to_string())
        .chain((0..100).map(|i| good_row(20, 0, 0, i as u8)))
        .collect();
    let last = std::sync::Mutex::new(0.0f32);
    let progress = |p: facelab::data::LoadProgress| *last.lock().unwrap() = p.fraction;
    let options = LoadOptions {
        progress: Some(&progress),
        ..LoadOptions::default()
    };
    read_csv_bytes(csv_text(&rows).as_bytes(), Path::new("faces.csv"), options).unwrap();
    assert_eq!(*last.lock().unwrap(), 1.0);
}

#[test]
fn missing_file_names_the_path() {
    let err = read_csv_file(Path::new("no/such/faces.csv"), LoadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("no/such/faces.csv"), "{err}");
}
