//! Property tests: no input makes the CSV reader panic, and good rows survive any damage
//! elsewhere in the file.

mod common;

use std::path::Path;

use common::{HEADER, good_row, gzip};
use facelab::data::{LoadOptions, read_csv_bytes};
use proptest::prelude::*;

fn read(bytes: &[u8]) {
    let _ = read_csv_bytes(bytes, Path::new("fuzz.csv"), LoadOptions::default());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        read(&bytes);
    }

    #[test]
    fn arbitrary_bytes_after_a_header_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let mut text = format!("{HEADER}\n").into_bytes();
        text.extend_from_slice(&bytes);
        read(&text);
        read(&gzip(&text));
    }

    #[test]
    fn damaged_lines_do_not_cost_good_ones(
        junk in proptest::collection::vec("[0-9, \"a-z\r]{0,60}", 1..8),
    ) {
        let mut lines = vec![HEADER.to_string()];
        for (i, line) in junk.iter().enumerate() {
            lines.push(good_row(20, 1, 0, i as u8));
            // Keep junk on its own line, without an opening quote that could join lines.
            lines.push(line.replace('"', ""));
        }
        let mut text = lines.join("\n");
        text.push('\n');
        let loaded = read_csv_bytes(text.as_bytes(), Path::new("f.csv"), LoadOptions::default()).unwrap();
        prop_assert_eq!(loaded.dataset.len(), junk.len());
    }

    #[test]
    fn gzip_cut_anywhere_never_panics(cut in 0usize..2000) {
        let text = format!("{HEADER}\n{}\n{}\n", good_row(20, 0, 0, 1), good_row(30, 1, 1, 2));
        let packed = gzip(text.as_bytes());
        read(&packed[..cut.min(packed.len())]);
    }
}
