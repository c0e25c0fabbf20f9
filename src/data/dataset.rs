//! The in-memory face data set: label columns and one contiguous block of pixels.

use super::labels::{Ethnicity, Gender};

/// Width and height of every face, in pixels.
pub const FACE_SIDE: usize = 48;

/// Pixels in one face (48 x 48 grayscale, row-major, row 0 at the top).
pub const FACE_PIXELS: usize = FACE_SIDE * FACE_SIDE;

/// The labels of one face.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaceLabels {
    /// Age in years.
    pub age: u8,
    /// Gender label.
    pub gender: Gender,
    /// Ethnicity label.
    pub ethnicity: Ethnicity,
}

/// A set of labelled 48x48 grayscale faces.
///
/// Labels are kept as columns and all pixels in one `Vec<u8>` of `len() * FACE_PIXELS` bytes:
/// 20,000 faces take about 46 MB, a quarter of what `f32` pixels would.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaceDataset {
    ages: Vec<u8>,
    genders: Vec<Gender>,
    ethnicities: Vec<Ethnicity>,
    image_names: Vec<String>,
    source_lines: Vec<u64>,
    pixels: Vec<u8>,
}

impl FaceDataset {
    /// An empty data set.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty data set with room for `faces` faces.
    pub fn with_capacity(faces: usize) -> Self {
        Self {
            ages: Vec::with_capacity(faces),
            genders: Vec::with_capacity(faces),
            ethnicities: Vec::with_capacity(faces),
            image_names: Vec::with_capacity(faces),
            source_lines: Vec::with_capacity(faces),
            pixels: Vec::with_capacity(faces * FACE_PIXELS),
        }
    }

    /// Appends one face. `source_line` is the face's line in the file it came from (0 where it
    /// came from no text file), `pixels` must hold exactly [`FACE_PIXELS`] values.
    ///
    /// # Panics
    /// If `pixels` has another length; callers validate user data before they get here.
    pub fn push(
        &mut self,
        labels: FaceLabels,
        image_name: String,
        source_line: u64,
        pixels: &[u8],
    ) {
        assert_eq!(pixels.len(), FACE_PIXELS, "a face has {FACE_PIXELS} pixels");
        self.push_labels(labels, image_name, source_line);
        self.pixels.extend_from_slice(pixels);
    }

    /// Appends the labels of one face whose pixels the caller has already placed at the end of
    /// [`FaceDataset::pixels_mut_vec`].
    pub(crate) fn push_labels(&mut self, labels: FaceLabels, image_name: String, source_line: u64) {
        self.ages.push(labels.age);
        self.genders.push(labels.gender);
        self.ethnicities.push(labels.ethnicity);
        self.image_names.push(image_name);
        self.source_lines.push(source_line);
    }

    /// The pixel block, for readers that parse pixels in place.
    pub(crate) fn pixels_mut_vec(&mut self) -> &mut Vec<u8> {
        &mut self.pixels
    }

    /// Releases spare capacity once loading is done.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.ages.shrink_to_fit();
        self.genders.shrink_to_fit();
        self.ethnicities.shrink_to_fit();
        self.image_names.shrink_to_fit();
        self.source_lines.shrink_to_fit();
        self.pixels.shrink_to_fit();
    }

    /// Number of faces.
    pub fn len(&self) -> usize {
        self.ages.len()
    }

    /// Whether the data set holds no face.
    pub fn is_empty(&self) -> bool {
        self.ages.is_empty()
    }

    /// The 2,304 pixels of face `index`.
    pub fn face_pixels(&self, index: usize) -> &[u8] {
        &self.pixels[index * FACE_PIXELS..(index + 1) * FACE_PIXELS]
    }

    /// The labels of face `index`.
    pub fn labels(&self, index: usize) -> FaceLabels {
        FaceLabels {
            age: self.ages[index],
            gender: self.genders[index],
            ethnicity: self.ethnicities[index],
        }
    }

    /// Replaces the labels of face `index`.
    pub fn set_labels(&mut self, index: usize, labels: FaceLabels) {
        self.ages[index] = labels.age;
        self.genders[index] = labels.gender;
        self.ethnicities[index] = labels.ethnicity;
    }

    /// The `img_name` of face `index` (empty where the source had none).
    pub fn image_name(&self, index: usize) -> &str {
        &self.image_names[index]
    }

    /// The line of face `index` in its source file, counting the header as line 1; 0 where the
    /// face did not come from a text file.
    pub fn source_line(&self, index: usize) -> u64 {
        self.source_lines[index]
    }

    /// All ages, one per face.
    pub fn ages(&self) -> &[u8] {
        &self.ages
    }

    /// All genders, one per face.
    pub fn genders(&self) -> &[Gender] {
        &self.genders
    }

    /// All ethnicities, one per face.
    pub fn ethnicities(&self) -> &[Ethnicity] {
        &self.ethnicities
    }

    /// All pixels, face after face.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// A 64-bit hash of every face's labels and pixels, in order: two data sets with the same
    /// fingerprint hold the same faces. A model records it to tell which data it was trained
    /// on. Fixed arithmetic, so it is the same on every machine and version.
    pub fn fingerprint(&self) -> u64 {
        let mut hash = 0x6A09_E667_F3BC_C908u64 ^ self.len() as u64;
        let mut mix = |word: u64| {
            hash = (hash ^ word)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .rotate_left(29);
        };
        for index in 0..self.len() {
            let labels = self.labels(index);
            mix(u64::from(labels.age) << 16
                | u64::from(labels.gender.code()) << 8
                | u64::from(labels.ethnicity.code()));
        }
        let mut words = self.pixels.chunks_exact(8);
        for word in &mut words {
            mix(u64::from_le_bytes(word.try_into().unwrap_or_default()));
        }
        for &byte in words.remainder() {
            mix(u64::from(byte));
        }
        hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_and_read_back() {
        let mut set = FaceDataset::new();
        let labels = FaceLabels {
            age: 30,
            gender: Gender::Female,
            ethnicity: Ethnicity::Asian,
        };
        let pixels: Vec<u8> = (0..FACE_PIXELS).map(|i| (i % 256) as u8).collect();
        set.push(labels, "a.jpg".into(), 2, &pixels);
        assert_eq!(set.len(), 1);
        assert_eq!(set.labels(0), labels);
        assert_eq!(set.face_pixels(0), &pixels[..]);
        assert_eq!(set.image_name(0), "a.jpg");
        assert_eq!(set.source_line(0), 2);
    }
}
