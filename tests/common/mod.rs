//! Small hand-made CSV rows for the tests.

#![allow(dead_code)]

pub mod window;

use std::io::Write;

/// The header of `age_gender.csv`.
pub const HEADER: &str = "age,ethnicity,gender,img_name,pixels";

/// A pixel string of `count` values, each `value`.
pub fn pixels_of(count: usize, value: u8) -> String {
    vec![value.to_string(); count].join(" ")
}

/// A valid data row; `seed` varies the pixel value so rows differ.
pub fn good_row(age: u8, ethnicity: u8, gender: u8, seed: u8) -> String {
    format!(
        "{age},{ethnicity},{gender},img_{seed}.jpg.chip.jpg,{}",
        pixels_of(2304, seed)
    )
}

/// `lines` joined with `\n`, with a trailing newline.
pub fn csv_text(lines: &[String]) -> String {
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// `text` gzip-compressed.
pub fn gzip(text: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(text).unwrap();
    encoder.finish().unwrap()
}

/// A small batch-normalised network for quick training in tests: one 3x3 "same" convolution
/// block (with 2x2 max pooling) per entry of `channels`, global average pooling, two classes.
pub fn small_net(channels: &[usize]) -> facelab::model::NetConfig {
    use facelab::model::{ConvBlock, NetConfig, Pooling, Readout};
    NetConfig {
        blocks: channels
            .iter()
            .map(|&channels| ConvBlock {
                channels,
                convs: 1,
                kernel: 3,
                same_padding: true,
                batch_norm: true,
                pooling: Pooling::Max2,
                dropout: 0.0,
            })
            .collect(),
        readout: Readout::GlobalAverage,
        dense: vec![],
        head_dropout: 0.0,
        classes: 2,
    }
}
