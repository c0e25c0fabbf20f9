//! Synthetic demo faces: the data the app opens on first run and the data the tests use, so
//! that neither needs a file from elsewhere. Nothing here is derived from real faces.
//!
//! Each face is drawn from a few shapes (head, hair, eyes, brows, mouth) under random light and
//! noise. Gender changes the drawing the way it tends to in photos, but not always: most women
//! get long hair and most men short hair, men get heavier brows and, as adults, often a beard
//! shadow; so a classifier can learn gender, yet not perfectly. Ethnicity sets the skin tone,
//! age the head shape, hair colour and wrinkles. Only plain arithmetic is used (no `sin` or
//! `ln`, whose last bits vary between platforms), so the faces are the same everywhere.

use rayon::prelude::*;

use super::dataset::{FACE_PIXELS, FACE_SIDE, FaceDataset, FaceLabels};
use super::labels::{Ethnicity, Gender};
use crate::rng::SeededRng;

/// How many faces the demo data set holds.
pub const DEMO_FACES: usize = 2_000;

/// The seed of the demo data set the app opens.
pub const DEMO_SEED: u64 = 48;

/// A purpose tag so demo draws differ from other uses of the same seed.
const DEMO_PURPOSE: u64 = 0xDE30;

/// The demo data set the app opens on first run.
pub fn demo_dataset() -> FaceDataset {
    generate_demo_faces(DEMO_FACES, DEMO_SEED)
}

/// `count` synthetic faces; the same `seed` always gives the same faces, on any machine.
pub fn generate_demo_faces(count: usize, seed: u64) -> FaceDataset {
    let faces: Vec<(FaceLabels, Vec<u8>)> = (0..count)
        .into_par_iter()
        .map(|index| {
            let mut rng = SeededRng::for_purpose(seed ^ DEMO_PURPOSE, index as u64);
            let labels = draw_labels(&mut rng);
            let pixels = draw_face(&labels, &mut rng);
            (labels, pixels)
        })
        .collect();

    let mut dataset = FaceDataset::with_capacity(count);
    for (index, (labels, pixels)) in faces.into_iter().enumerate() {
        dataset.push(labels, format!("demo_{:05}.png", index + 1), 0, &pixels);
    }
    dataset
}

/// Labels spread roughly as in UTKFace.
fn draw_labels(rng: &mut SeededRng) -> FaceLabels {
    let gender = if rng.next_f32() < 0.5 {
        Gender::Male
    } else {
        Gender::Female
    };
    let ethnicity_weights = [0.42, 0.19, 0.15, 0.17, 0.07];
    let ethnicity = Ethnicity::ALL[pick_weighted(rng, &ethnicity_weights)];
    // Age bands and their shares: 1-5, 6-12, 13-19, 20-29, 30-39, 40-59, 60-95.
    let bands: [(u8, u8, f32); 7] = [
        (1, 5, 0.10),
        (6, 12, 0.05),
        (13, 19, 0.05),
        (20, 29, 0.30),
        (30, 39, 0.19),
        (40, 59, 0.19),
        (60, 95, 0.12),
    ];
    let weights: Vec<f32> = bands.iter().map(|b| b.2).collect();
    let (low, high, _) = bands[pick_weighted(rng, &weights)];
    let age = low + rng.below(u64::from(high - low) + 1) as u8;
    FaceLabels {
        age,
        gender,
        ethnicity,
    }
}

/// An index drawn with the given (not necessarily normalised) weights.
fn pick_weighted(rng: &mut SeededRng, weights: &[f32]) -> usize {
    let total: f32 = weights.iter().sum();
    let mut draw = rng.next_f32() * total;
    for (index, weight) in weights.iter().enumerate() {
        if draw < *weight {
            return index;
        }
        draw -= weight;
    }
    weights.len() - 1
}

/// The shapes of one face, in pixel coordinates.
struct FaceShape {
    center_x: f32,
    center_y: f32,
    radius_x: f32,
    radius_y: f32,
    skin: f32,
    hair: f32,
    background_top: f32,
    background_bottom: f32,
    long_hair: bool,
    hairline: f32,
    eye_radius: f32,
    brow_darkness: f32,
    beard: f32,
    wrinkles: bool,
    light_slope: f32,
}

impl FaceShape {
    fn draw(labels: &FaceLabels, rng: &mut SeededRng) -> Self {
        let female = labels.gender == Gender::Female;
        let child = labels.age <= 12;
        let adult = labels.age >= 18;
        let base_skin = match labels.ethnicity {
            Ethnicity::White => 188.0,
            Ethnicity::Black => 92.0,
            Ethnicity::Asian => 172.0,
            Ethnicity::Indian => 132.0,
            Ethnicity::Other => 152.0,
        };
        let hair = if labels.age >= 60 && rng.next_f32() < 0.7 {
            rng.range_f32(150.0, 215.0)
        } else if rng.next_f32() < 0.2 {
            rng.range_f32(80.0, 125.0)
        } else {
            rng.range_f32(20.0, 60.0)
        };
        let long_hair_chance = if female { 0.85 } else { 0.12 };
        let background = rng.range_f32(35.0, 225.0);
        Self {
            center_x: 24.0 + 1.3 * rng.normal(),
            center_y: 26.0 + rng.normal(),
            radius_x: 13.2 + 0.8 * rng.normal() + if child { 1.5 } else { 0.0 }
                - if female { 0.6 } else { 0.0 },
            radius_y: 16.8 + 0.8 * rng.normal() - if child { 1.0 } else { 0.0 },
            skin: base_skin + 12.0 * rng.normal(),
            hair,
            background_top: background,
            background_bottom: background + rng.range_f32(-30.0, 30.0),
            long_hair: rng.next_f32() < long_hair_chance,
            hairline: rng.range_f32(0.35, 0.6),
            eye_radius: if female { 2.3 } else { 2.0 } + 0.2 * rng.normal(),
            brow_darkness: if female { 25.0 } else { 50.0 } + 10.0 * rng.normal(),
            beard: if !female && adult && rng.next_f32() < 0.45 {
                rng.range_f32(18.0, 45.0)
            } else {
                0.0
            },
            wrinkles: labels.age >= 55 && rng.next_f32() < 0.8,
            light_slope: rng.range_f32(-1.6, 1.6),
        }
    }

    /// The gray value at pixel (x, y) before noise.
    fn shade(&self, x: f32, y: f32) -> f32 {
        let dx = (x - self.center_x) / self.radius_x;
        let dy = (y - self.center_y) / self.radius_y;
        let head = dx * dx + dy * dy;
        let t = y / FACE_SIDE as f32;
        let background = self.background_top * (1.0 - t) + self.background_bottom * t;

        let hair_top = -self.hairline;
        let in_hair_cap = head < 1.25 && dy < hair_top + 0.08 * wave(dx * 9.0);
        let outer = dx * dx / 1.55 + (dy - 0.15) * (dy - 0.15) / 1.35;
        let in_long_hair = self.long_hair && head >= 0.92 && outer < 1.0 && dy < 1.05;
        if in_hair_cap || in_long_hair {
            return self.hair + 6.0 * wave(x * 1.7 + y * 0.3);
        }
        if head >= 1.0 {
            let edge = ((head - 1.0) * 8.0).min(1.0);
            return background * edge + self.skin * 0.8 * (1.0 - edge);
        }

        let mut value = self.skin + self.light_slope * (x - self.center_x);
        value -= 18.0 * head * head;
        value -= self.features(dx, dy);
        value
    }

    /// How much darker the eyes, brows, nose, mouth, beard and wrinkles make a point of the
    /// face, in head-relative coordinates.
    fn features(&self, dx: f32, dy: f32) -> f32 {
        let mut dark = 0.0;
        for side in [-1.0f32, 1.0] {
            let ex = (dx - side * 0.42) * self.radius_x / self.eye_radius;
            let ey = (dy + 0.08) * self.radius_y / (self.eye_radius * 0.65);
            let eye = ex * ex + ey * ey;
            if eye < 1.0 {
                dark += 70.0 + 40.0 * (1.0 - eye);
            }
            let bx = (dx - side * 0.42) / 0.28;
            let by = (dy + 0.27) / 0.05;
            if bx * bx + by * by < 1.0 {
                dark += self.brow_darkness;
            }
        }
        let nose = square(dx / 0.07) + square((dy - 0.15) / 0.16);
        if nose < 1.0 {
            dark += 14.0;
        }
        let mouth = square(dx / 0.3) + square((dy - 0.5) / 0.055);
        if mouth < 1.0 {
            dark += 55.0;
        }
        if self.beard > 0.0 && dy > 0.3 && mouth >= 1.0 {
            dark += self.beard * ((dy - 0.3) / 0.3).min(1.0);
        }
        if self.wrinkles && dy < -0.32 && dy > -0.5 && wave(dy * 60.0) > 0.8 {
            dark += 16.0;
        }
        dark
    }
}

/// A triangle wave with period 2 pi between -1 and 1: a sine's shape from plain arithmetic, so
/// the faces are the same on every platform.
fn wave(x: f32) -> f32 {
    let period = std::f32::consts::TAU;
    let phase = (x / period - (x / period).floor()) * 4.0;
    if phase < 1.0 {
        phase
    } else if phase < 3.0 {
        2.0 - phase
    } else {
        phase - 4.0
    }
}

/// `x` squared.
fn square(x: f32) -> f32 {
    x * x
}

/// Draws the 48x48 pixels of a face with the given labels.
fn draw_face(labels: &FaceLabels, rng: &mut SeededRng) -> Vec<u8> {
    let shape = FaceShape::draw(labels, rng);
    let noise = rng.range_f32(3.0, 9.0);
    let mut pixels = Vec::with_capacity(FACE_PIXELS);
    for row in 0..FACE_SIDE {
        for column in 0..FACE_SIDE {
            let value = shape.shade(column as f32, row as f32) + noise * rng.normal();
            pixels.push(value.round().clamp(0.0, 255.0) as u8);
        }
    }
    pixels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_sets_are_reproducible_and_differ_by_seed() {
        let a = generate_demo_faces(20, 1);
        assert_eq!(a, generate_demo_faces(20, 1));
        assert_ne!(a.pixels(), generate_demo_faces(20, 2).pixels());
        assert_eq!(a.len(), 20);
    }
}
