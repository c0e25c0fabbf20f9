//! Parses the `pixels` field: 2,304 space-separated integers 0-255. This is the hot path of
//! loading (about 90 % of the bytes of `age_gender.csv`), so it runs in one pass with no
//! allocation, straight into the face's slot of the data set. The common shape (one to three
//! digits and a single space) takes a fast path that works on 64 bytes at a time; anything else
//! (extra blanks, tabs, errors, the last values) takes a plain byte-by-byte path that gives the
//! same results.

use std::fmt;

use crate::data::dataset::FACE_PIXELS;

/// Why a pixel string is not a face.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PixelError {
    /// The string holds another number of values.
    WrongCount(usize),
    /// A value is not a non-negative integer; `index` counts from 1.
    NotAnInteger {
        /// Position of the value, from 1.
        index: usize,
        /// The value as written (shortened if long).
        text: String,
    },
    /// A value is an integer above 255; `index` counts from 1.
    OutOfRange {
        /// Position of the value, from 1.
        index: usize,
        /// The value as written.
        text: String,
    },
}

impl fmt::Display for PixelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PixelError::WrongCount(n) => {
                write!(f, "pixels has {n} values, expected {FACE_PIXELS} (48 x 48)")
            }
            PixelError::NotAnInteger { index, text } => {
                write!(f, "pixel {index} is \"{text}\", not an integer 0-255")
            }
            PixelError::OutOfRange { index, text } => {
                write!(f, "pixel {index} is {text}, outside 0-255")
            }
        }
    }
}

/// Parses a whole pixel field into `out`, which must hold [`FACE_PIXELS`] bytes. Values may be
/// separated by any run of spaces or tabs, with leading and trailing blanks allowed.
pub fn parse_pixels(text: &[u8], out: &mut [u8]) -> Result<(), PixelError> {
    whole_field(text, parse_pixels_until_comma(text, out))
}

/// The outcome for a whole field from the outcome of parsing up to a comma: a comma inside a
/// (quoted) pixel field is not a pixel.
fn whole_field(
    text: &[u8],
    (end, result): (usize, Result<(), PixelError>),
) -> Result<(), PixelError> {
    result?;
    if end < text.len() {
        return Err(not_an_integer(
            text,
            end,
            0,
            end,
            count_values(&text[..end]),
        ));
    }
    Ok(())
}

/// Parses pixel values from the start of `text` up to the first comma (the end of an unquoted
/// field) or the end of `text`. Returns where it stopped and the outcome.
pub(super) fn parse_pixels_until_comma(
    text: &[u8],
    out: &mut [u8],
) -> (usize, Result<(), PixelError>) {
    parse_with(text, out, true)
}

/// [`parse_pixels_until_comma`], with or without the widest (AVX-512) path.
fn parse_with(text: &[u8], out: &mut [u8], allow_wide: bool) -> (usize, Result<(), PixelError>) {
    debug_assert_eq!(out.len(), FACE_PIXELS);
    let (mut pos, mut count) = (0, 0);
    #[cfg(target_arch = "x86_64")]
    if allow_wide && super::pixels_avx512::available() {
        // The widest path looks two bytes back, so the narrow one reads the first block.
        (pos, count) = parse_simple_values(text, pos, count, out, 1);
        (pos, count) = super::pixels_avx512::parse_blocks(text, pos, count, out);
    }
    let (pos, count) = parse_simple_values(text, pos, count, out, usize::MAX);
    parse_remaining_values(text, pos, count, out)
}

/// Bytes examined per step of the fast path.
const BLOCK: usize = 64;

/// The fast path: consumes values written as one to three digits followed by one space.
///
/// It first finds every space of a 64-byte block as a bit mask, then reads each value from the
/// positions in that mask. No step waits on the one before (the next value's start is known
/// from the mask, not from parsing this one), so the processor overlaps many values. Any other
/// shape in a block (a tab, two spaces, a letter, a value over 255, the field's end) sends the
/// whole block to the general path. Returns the position and value count where it stopped,
/// always at the start of a value.
/// It starts at `start`, a value boundary with `count` values stored, and reads at most
/// `max_blocks` blocks.
#[inline]
fn parse_simple_values(
    text: &[u8],
    start: usize,
    mut count: usize,
    out: &mut [u8],
    max_blocks: usize,
) -> (usize, usize) {
    let mut value_start = start;
    let mut block_start = start;
    let mut blocks = 0;
    // Each value read loads four bytes from its start, which lies inside the block.
    while block_start + BLOCK + 4 <= text.len()
        && count + BLOCK / 2 <= out.len()
        && blocks < max_blocks
    {
        blocks += 1;
        let block = &text[block_start..block_start + BLOCK];
        let Some(mut spaces) = space_mask_if_plain(block) else {
            break;
        };
        let (saved_start, saved_count) = (value_start, count);
        let mut bad = false;
        while spaces != 0 {
            let space = block_start + spaces.trailing_zeros() as usize;
            spaces &= spaces - 1;
            let digits = space.wrapping_sub(value_start);
            let word = &text[value_start..value_start + 4];
            let offsets = u32::from_le_bytes([word[0], word[1], word[2], word[3]]) ^ 0x3030_3030;
            // Right-align the digits in the low three bytes, then weigh them 100, 10, 1.
            let aligned = (offsets << (8 * (3u32.wrapping_sub(digits as u32) & 3))) & 0x00FF_FFFF;
            let value = (aligned & 0xFF) * 100 + ((aligned >> 8) & 0xFF) * 10 + (aligned >> 16);
            bad |= (digits.wrapping_sub(1) > 2) | (value > 255);
            out[count] = value as u8;
            count += 1;
            value_start = space + 1;
        }
        if bad {
            return (saved_start, saved_count);
        }
        block_start += BLOCK;
    }
    (value_start, count)
}

/// One bit per byte of a 64-byte block, set where the byte is a space; `None` if the block
/// holds any byte that is neither a digit nor a space.
#[inline(always)]
fn space_mask_if_plain(block: &[u8]) -> Option<u64> {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const SPACES: u64 = 0x2020_2020_2020_2020;
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    let mut mask = 0u64;
    let mut other = 0u64;
    for (i, eight) in block.chunks_exact(8).enumerate() {
        let word = u64::from_le_bytes([
            eight[0], eight[1], eight[2], eight[3], eight[4], eight[5], eight[6], eight[7],
        ]);
        // Exact zero-byte test: the top bit of each byte is set where the byte was a space.
        let flipped = word ^ SPACES;
        let is_space = !(((flipped & LOW7) + LOW7) | flipped | LOW7);
        // Digits become 0-9; adding 0x76 sets the top bit of any larger byte.
        let offsets = word ^ ZEROS;
        let not_digit = (((offsets & LOW7) + 0x7676_7676_7676_7676) | offsets) & !LOW7;
        other |= not_digit & !is_space;
        // Gather the eight top bits into one byte.
        let bits = (is_space >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        mask |= bits << (8 * i);
    }
    (other == 0).then_some(mask)
}

/// The general path, from a value boundary at `start` with `count` values already stored.
fn parse_remaining_values(
    text: &[u8],
    start: usize,
    mut count: usize,
    out: &mut [u8],
) -> (usize, Result<(), PixelError>) {
    let mut value = 0u32;
    let mut digits = 0u32;
    let mut token_start = start;
    let mut end = text.len();

    for (offset, &byte) in text[start..].iter().enumerate() {
        let pos = start + offset;
        let digit = byte.wrapping_sub(b'0');
        if digit < 10 {
            if digits == 0 {
                token_start = pos;
            }
            // Saturate: anything past three digits is out of range anyway.
            value = (value * 10 + u32::from(digit)).min(1000);
            digits += 1;
        } else if byte == b' ' || byte == b'\t' || byte == b',' {
            if digits > 0 {
                if let Err(e) = store(out, count, value, &text[token_start..pos]) {
                    return (pos, Err(e));
                }
                count += 1;
                value = 0;
                digits = 0;
            }
            if byte == b',' {
                end = pos;
                break;
            }
        } else {
            return (
                pos,
                Err(not_an_integer(text, pos, digits, token_start, count)),
            );
        }
    }
    if digits > 0 {
        if let Err(e) = store(out, count, value, &text[token_start..end]) {
            return (end, Err(e));
        }
        count += 1;
    }
    let result = if count == FACE_PIXELS {
        Ok(())
    } else {
        Err(PixelError::WrongCount(count))
    };
    (end, result)
}

/// Writes one value, or reports it out of range. Values past the 2,304th are only counted.
#[inline(always)]
fn store(out: &mut [u8], index: usize, value: u32, token: &[u8]) -> Result<(), PixelError> {
    if value > 255 {
        return Err(PixelError::OutOfRange {
            index: index + 1,
            text: shorten(token),
        });
    }
    if let Some(slot) = out.get_mut(index) {
        *slot = value as u8;
    }
    Ok(())
}

/// How many blank-separated values `text` holds (for messages only).
fn count_values(text: &[u8]) -> usize {
    text.split(|b| *b == b' ' || *b == b'\t')
        .filter(|t| !t.is_empty())
        .count()
}

/// The error for a byte that is neither a digit nor a blank, quoting the whole token.
#[cold]
fn not_an_integer(
    text: &[u8],
    pos: usize,
    digits: u32,
    token_start: usize,
    count: usize,
) -> PixelError {
    let start = if digits > 0 { token_start } else { pos };
    let end = text[start..]
        .iter()
        .position(|b| *b == b' ' || *b == b'\t')
        .map_or(text.len(), |i| start + i);
    PixelError::NotAnInteger {
        index: count + 1,
        text: shorten(&text[start..end]),
    }
}

/// A token for an error message, cut to a readable length.
fn shorten(token: &[u8]) -> String {
    const LIMIT: usize = 20;
    let text = String::from_utf8_lossy(&token[..token.len().min(LIMIT)]).into_owned();
    if token.len() > LIMIT {
        format!("{text}...")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pixel_text(values: impl Iterator<Item = u32>) -> String {
        values.map(|v| v.to_string()).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn parses_a_full_face() {
        let text = pixel_text((0..FACE_PIXELS as u32).map(|i| i % 256));
        let mut out = vec![0u8; FACE_PIXELS];
        parse_pixels(text.as_bytes(), &mut out).unwrap();
        assert!(
            out.iter()
                .enumerate()
                .all(|(i, v)| usize::from(*v) == i % 256)
        );
    }

    #[test]
    fn tolerates_extra_blanks_and_leading_zeros() {
        let values = pixel_text((0..FACE_PIXELS as u32).map(|_| 7)).replace(' ', " \t ");
        let text = format!("  007 {values}  ").replacen("7 \t 7", "7", 1);
        let mut out = vec![0u8; FACE_PIXELS];
        parse_pixels(text.as_bytes(), &mut out).unwrap();
        assert!(out.iter().all(|v| *v == 7));
    }

    #[test]
    fn fast_and_general_paths_agree() {
        // Values in every digit count, in a field the fast path reads, and the same values
        // with doubled blanks that only the general path reads.
        let values: Vec<u32> = (0..FACE_PIXELS as u32)
            .map(|i| (i * 37 + i / 7) % 256)
            .collect();
        let single = pixel_text(values.iter().copied());
        let double = single.replace(' ', "  ");
        let (mut a, mut b) = (vec![0u8; FACE_PIXELS], vec![0u8; FACE_PIXELS]);
        parse_pixels(single.as_bytes(), &mut a).unwrap();
        parse_pixels(double.as_bytes(), &mut b).unwrap();
        assert_eq!(a, b);
        assert!(a.iter().zip(&values).all(|(p, v)| u32::from(*p) == *v));
    }

    #[test]
    fn fast_path_reads_nearly_all_of_a_plain_field() {
        let text = pixel_text((0..FACE_PIXELS as u32).map(|i| (i * 7) % 256));
        let mut out = vec![0u8; FACE_PIXELS];
        let (_, count) = parse_simple_values(text.as_bytes(), 0, 0, &mut out, usize::MAX);
        assert!(count > FACE_PIXELS - 40, "{count}");
    }

    /// The plain meaning of a pixel field, written as simply as possible.
    fn reference(text: &str) -> Result<Vec<u8>, ()> {
        let values: Vec<&str> = text.split([' ', '\t']).filter(|t| !t.is_empty()).collect();
        if values.len() != FACE_PIXELS {
            return Err(());
        }
        values
            .iter()
            .map(|v| {
                v.parse::<u32>()
                    .ok()
                    .filter(|v| *v <= 255)
                    .map(|v| v as u8)
                    .ok_or(())
            })
            .collect()
    }

    #[test]
    fn every_path_agrees_with_the_reference_on_random_fields() {
        let mut rng = crate::rng::SeededRng::new(99);
        for case in 0..3000 {
            let mut text = String::new();
            let count = FACE_PIXELS - 2 + rng.below(4) as usize;
            for i in 0..count {
                if i > 0 {
                    text.push_str(match rng.below(200) {
                        0 => "  ",
                        1 => "\t",
                        _ => " ",
                    });
                }
                let value = match rng.below(1000) {
                    0 => 256 + rng.below(800),
                    1 => 1000 + rng.below(9000),
                    _ => rng.below(256),
                };
                match rng.below(if case % 3 == 0 { 3000 } else { 1_000_000 }) {
                    0 => text.push('x'),
                    1 => text.push_str(&format!("{value:03}")),
                    _ => text.push_str(&value.to_string()),
                }
            }
            let expected = reference(&text);
            for wide in [true, false] {
                let mut out = vec![0u8; FACE_PIXELS];
                let got = whole_field(text.as_bytes(), parse_with(text.as_bytes(), &mut out, wide));
                match &expected {
                    Ok(values) => {
                        assert!(got.is_ok(), "case {case} wide {wide}: {got:?}");
                        assert_eq!(&out, values, "case {case} wide {wide}");
                    }
                    Err(()) => assert!(got.is_err(), "case {case} wide {wide}"),
                }
            }
        }
    }

    #[test]
    fn stops_at_a_comma() {
        let text = format!("{},next", pixel_text((0..FACE_PIXELS as u32).map(|_| 200)));
        let mut out = vec![0u8; FACE_PIXELS];
        let (end, result) = parse_pixels_until_comma(text.as_bytes(), &mut out);
        result.unwrap();
        assert_eq!(&text[end..], ",next");
        assert!(parse_pixels(text.as_bytes(), &mut out).is_err());
    }

    #[test]
    fn reports_count_range_and_letters() {
        let mut out = vec![0u8; FACE_PIXELS];
        let short = pixel_text((0..2303).map(|_| 1));
        assert_eq!(
            parse_pixels(short.as_bytes(), &mut out),
            Err(PixelError::WrongCount(2303))
        );
        let long = pixel_text((0..2305).map(|_| 1));
        assert_eq!(
            parse_pixels(long.as_bytes(), &mut out),
            Err(PixelError::WrongCount(2305))
        );

        let big = format!("1 2 256 {}", pixel_text((0..2301).map(|_| 1)));
        let err = parse_pixels(big.as_bytes(), &mut out).unwrap_err();
        assert_eq!(
            err,
            PixelError::OutOfRange {
                index: 3,
                text: "256".into()
            }
        );

        let letters = format!("1 2x3 {}", pixel_text((0..2302).map(|_| 1)));
        let err = parse_pixels(letters.as_bytes(), &mut out).unwrap_err();
        assert_eq!(
            err,
            PixelError::NotAnInteger {
                index: 2,
                text: "2x3".into()
            }
        );

        let negative = "-1 2";
        let err = parse_pixels(negative.as_bytes(), &mut out).unwrap_err();
        assert_eq!(
            err,
            PixelError::NotAnInteger {
                index: 1,
                text: "-1".into()
            }
        );
    }

    #[test]
    fn huge_numbers_do_not_overflow() {
        let mut out = vec![0u8; FACE_PIXELS];
        let err = parse_pixels(b"99999999999999999999999", &mut out).unwrap_err();
        assert!(matches!(err, PixelError::OutOfRange { index: 1, .. }));
        let err = parse_pixels(b"1 2 3 4 999 5", &mut out).unwrap_err();
        assert_eq!(
            err,
            PixelError::OutOfRange {
                index: 5,
                text: "999".into()
            }
        );
    }
}
