//! The widest path of the pixel parser, for processors with AVX-512 (BW and VBMI2): 64 bytes of
//! pixel text a step, with no work per value.
//!
//! For every byte it computes, all at once, the value of the number that would end there
//! (units, tens and hundreds from the byte and the two before it), keeps the lanes where a
//! number does end (a digit followed by a space), and packs those values together with one
//! compress instruction. A block with any other byte, a number of four or more digits, or a
//! value over 255 is left to the narrower paths, which report errors. The tests compare it with
//! a plain reference parser on random input.

use std::arch::x86_64::{
    __m512i, _mm512_add_epi8, _mm512_cmpeq_epi8_mask, _mm512_cmpgt_epu8_mask,
    _mm512_cmplt_epu8_mask, _mm512_loadu_si512, _mm512_mask_storeu_epi8,
    _mm512_maskz_compress_epi8, _mm512_maskz_mov_epi8, _mm512_set1_epi8, _mm512_sub_epi8,
};

/// Bytes per step.
const BLOCK: usize = 64;

/// Whether this processor has the instructions this path needs.
pub(super) fn available() -> bool {
    is_x86_feature_detected!("avx512f")
        && is_x86_feature_detected!("avx512bw")
        && is_x86_feature_detected!("avx512vbmi2")
}

/// Parses whole 64-byte blocks from `start`, a value boundary with a blank before it, where
/// `count` values are already stored. Returns where it stopped (the start of a value, or a
/// blank) and the count then.
pub(super) fn parse_blocks(
    text: &[u8],
    start: usize,
    count: usize,
    out: &mut [u8],
) -> (usize, usize) {
    if start < 2 || !available() {
        return (start, count);
    }
    // SAFETY: the processor has the required features (checked just above).
    let (block, count) = unsafe { parse_blocks_avx512(text, start, count, out) };

    // A value that runs across `block` was not stored: resume at its first digit.
    let mut resume = block;
    if text.get(resume).is_some_and(u8::is_ascii_digit) {
        while resume > start && text[resume - 1].is_ascii_digit() {
            resume -= 1;
        }
    }
    (resume, count)
}

/// Loads 64 bytes from `text` at `at`.
///
/// # Safety
/// `at + 64 <= text.len()`, and the processor has AVX-512F.
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn load(text: &[u8], at: usize) -> __m512i {
    debug_assert!(at + BLOCK <= text.len());
    // SAFETY: the caller keeps the 64 bytes inside `text`; the load needs no alignment.
    unsafe { _mm512_loadu_si512(text.as_ptr().add(at).cast()) }
}

/// The loop; returns the first block not parsed and the count.
///
/// # Safety
/// The processor has AVX-512 F, BW and VBMI2, and `block >= 2`.
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi2")]
unsafe fn parse_blocks_avx512(
    text: &[u8],
    mut block: usize,
    mut count: usize,
    out: &mut [u8],
) -> (usize, usize) {
    let zero = _mm512_set1_epi8(b'0' as i8);
    let ten = _mm512_set1_epi8(10);
    let space = _mm512_set1_epi8(b' ' as i8);
    let two = _mm512_set1_epi8(2);
    let five = _mm512_set1_epi8(5);

    // The byte after a block decides whether its last digit ends a value.
    while block + BLOCK < text.len() {
        // SAFETY: block >= 2 and block + 64 < text.len(), so all three loads lie inside text.
        let (here, back1, back2) = unsafe {
            (
                load(text, block),
                load(text, block - 1),
                load(text, block - 2),
            )
        };
        let units = _mm512_sub_epi8(here, zero);
        let tens = _mm512_sub_epi8(back1, zero);
        let hundreds = _mm512_sub_epi8(back2, zero);
        let digit = _mm512_cmplt_epu8_mask(units, ten);
        let digit_before = _mm512_cmplt_epu8_mask(tens, ten);
        let digit_two_before = _mm512_cmplt_epu8_mask(hundreds, ten);
        let blank = _mm512_cmpeq_epi8_mask(here, space);
        if digit | blank != u64::MAX {
            break;
        }
        let next = text[block + BLOCK];
        if next != b' ' && !next.is_ascii_digit() {
            break;
        }
        let third_back_is_digit = block >= 3 && text[block - 3].is_ascii_digit();
        let digit_three_before = (digit_two_before << 1) | u64::from(third_back_is_digit);
        if digit & digit_before & digit_two_before & digit_three_before != 0 {
            break; // four digits or more
        }

        let ends = digit & ((blank >> 1) | (u64::from(next == b' ') << 63));
        let two_digits = digit & digit_before;
        let three_digits = two_digits & digit_two_before;
        let units = _mm512_maskz_mov_epi8(digit, units);
        let tens = _mm512_maskz_mov_epi8(two_digits, tens);
        let hundreds = _mm512_maskz_mov_epi8(three_digits, hundreds);

        let too_big = ends
            & three_digits
            & (_mm512_cmpgt_epu8_mask(hundreds, two)
                | (_mm512_cmpeq_epi8_mask(hundreds, two)
                    & (_mm512_cmpgt_epu8_mask(tens, five)
                        | (_mm512_cmpeq_epi8_mask(tens, five)
                            & _mm512_cmpgt_epu8_mask(units, five)))));
        let values = ends.count_ones() as usize;
        if too_big != 0 || count + values > out.len() {
            break;
        }

        // units + 10 tens + 100 hundreds, modulo 256: exact, as every value is at most 255.
        let tens2 = _mm512_add_epi8(tens, tens);
        let tens8 = _mm512_add_epi8(_mm512_add_epi8(tens2, tens2), _mm512_add_epi8(tens2, tens2));
        let hundreds4 = _mm512_add_epi8(
            _mm512_add_epi8(hundreds, hundreds),
            _mm512_add_epi8(hundreds, hundreds),
        );
        let hundreds32 = times8(hundreds4);
        let hundreds64 = _mm512_add_epi8(hundreds32, hundreds32);
        let value = _mm512_add_epi8(
            _mm512_add_epi8(units, _mm512_add_epi8(tens8, tens2)),
            _mm512_add_epi8(hundreds64, _mm512_add_epi8(hundreds32, hundreds4)),
        );

        let packed = _mm512_maskz_compress_epi8(ends, value);
        let keep = if values == BLOCK {
            u64::MAX
        } else {
            (1u64 << values) - 1
        };
        // SAFETY: count + values <= out.len() (checked above), and the store writes only the
        // first `values` bytes.
        unsafe { _mm512_mask_storeu_epi8(out.as_mut_ptr().add(count).cast(), keep, packed) };
        count += values;
        block += BLOCK;
    }
    (block, count)
}

/// `x` times 8, byte by byte, modulo 256.
#[inline]
#[target_feature(enable = "avx512bw")]
fn times8(x: __m512i) -> __m512i {
    let x2 = _mm512_add_epi8(x, x);
    let x4 = _mm512_add_epi8(x2, x2);
    _mm512_add_epi8(x4, x4)
}
