//! Training and evaluation batches: faces gathered by index, augmented (training only) and
//! normalised into one input tensor.

use candle_core::{Device, Tensor};

use super::settings::AugmentConfig;
use crate::data::{FACE_PIXELS, FACE_SIDE, FaceDataset};
use crate::model::Normalization;
use crate::rng::SeededRng;

/// One batch: the network input and the class of each face.
pub struct Batch {
    /// `[n, 1, 48, 48]` normalised faces.
    pub input: Tensor,
    /// `[n]` class indices (u32).
    pub targets: Tensor,
    /// The class indices, for counting on the CPU.
    pub classes: Vec<u32>,
}

/// Gathers the pixels of the faces `indices`, one face after another.
pub fn gather_pixels(dataset: &FaceDataset, indices: &[u32]) -> Vec<u8> {
    let mut pixels = Vec::with_capacity(indices.len() * FACE_PIXELS);
    for &index in indices {
        pixels.extend_from_slice(dataset.face_pixels(index as usize));
    }
    pixels
}

/// The gender class (0 male, 1 female) of each face of `indices`.
pub fn gender_classes(dataset: &FaceDataset, indices: &[u32]) -> Vec<u32> {
    indices
        .iter()
        .map(|&i| u32::from(dataset.genders()[i as usize].code()))
        .collect()
}

/// A batch of the faces `indices`, augmented with `rng` as `augment` says.
pub fn make_batch(
    dataset: &FaceDataset,
    indices: &[u32],
    normalization: Normalization,
    augment: AugmentConfig,
    rng: &mut SeededRng,
    device: &Device,
) -> candle_core::Result<Batch> {
    let mut values = vec![0f32; indices.len() * FACE_PIXELS];
    for (out, &index) in values.chunks_exact_mut(FACE_PIXELS).zip(indices) {
        augment_face(dataset.face_pixels(index as usize), augment, rng, out);
        for v in out.iter_mut() {
            *v = normalization.apply(*v);
        }
    }
    let classes = gender_classes(dataset, indices);
    Ok(Batch {
        input: Tensor::from_vec(values, (indices.len(), 1, FACE_SIDE, FACE_SIDE), device)?,
        targets: Tensor::new(classes.as_slice(), device)?,
        classes,
    })
}

/// Writes `face` into `out` as floats 0-255, mirrored, shifted (edges repeated) and with its
/// brightness and contrast changed as drawn from `rng` within `augment`'s limits.
pub fn augment_face(face: &[u8], augment: AugmentConfig, rng: &mut SeededRng, out: &mut [f32]) {
    let side = FACE_SIDE as isize;
    let flip = augment.flip && rng.next_f32() < 0.5;
    let shift = augment.max_shift as isize;
    let mut draw_shift = || {
        if shift == 0 {
            0
        } else {
            rng.below(2 * shift as u64 + 1) as isize - shift
        }
    };
    let (dx, dy) = (draw_shift(), draw_shift());
    let (contrast, brightness) = if augment.light > 0.0 {
        let l = augment.light;
        (
            rng.range_f32(1.0 - l, 1.0 + l),
            rng.range_f32(-l, l) * 128.0,
        )
    } else {
        (1.0, 0.0)
    };
    for y in 0..side {
        let source_y = (y - dy).clamp(0, side - 1);
        for x in 0..side {
            let mut source_x = (x - dx).clamp(0, side - 1);
            if flip {
                source_x = side - 1 - source_x;
            }
            let value = f32::from(face[(source_y * side + source_x) as usize]);
            out[(y * side + x) as usize] = if contrast == 1.0 && brightness == 0.0 {
                value
            } else {
                ((value - 128.0) * contrast + 128.0 + brightness).clamp(0.0, 255.0)
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp() -> Vec<u8> {
        (0..FACE_PIXELS).map(|i| (i % FACE_SIDE) as u8).collect()
    }

    #[test]
    fn no_augmentation_copies_the_face() {
        let face = ramp();
        let mut out = vec![0.0; FACE_PIXELS];
        augment_face(&face, AugmentConfig::NONE, &mut SeededRng::new(1), &mut out);
        assert!(face.iter().zip(&out).all(|(a, b)| f32::from(*a) == *b));
    }

    #[test]
    fn flipping_mirrors_each_row() {
        let face = ramp();
        let augment = AugmentConfig {
            flip: true,
            ..AugmentConfig::NONE
        };
        let mut rng = SeededRng::new(0);
        let mut flipped = 0;
        for _ in 0..20 {
            let mut out = vec![0.0; FACE_PIXELS];
            augment_face(&face, augment, &mut rng, &mut out);
            if out[0] == 47.0 {
                flipped += 1;
                assert_eq!(out[47], 0.0);
            } else {
                assert_eq!(out[0], 0.0);
            }
        }
        assert!((5..=15).contains(&flipped), "{flipped} of 20 flipped");
    }

    #[test]
    fn shifts_stay_within_the_limit_and_repeat_edges() {
        let face = ramp();
        let augment = AugmentConfig {
            max_shift: 3,
            ..AugmentConfig::NONE
        };
        let mut rng = SeededRng::new(5);
        for _ in 0..20 {
            let mut out = vec![0.0; FACE_PIXELS];
            augment_face(&face, augment, &mut rng, &mut out);
            let dx = out[24] - 24.0;
            assert!((-3.0..=3.0).contains(&dx), "shifted by {dx}");
            assert!(out.iter().all(|v| (0.0..48.0).contains(v)));
        }
    }
}
