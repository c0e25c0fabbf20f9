//! Turns a photo into a face of the data set: decode with limits, crop a square, convert to
//! grayscale, resize to 48x48.
//!
//! Folder import uses this, and so will classifying a dropped photo, so that a model sees a
//! photo prepared exactly as the faces it was trained on. The steps follow how
//! `utkface48.csv.gz` was made: ITU-R 601-2 luma, then a Lanczos resize of the whole crop.

use std::io::Cursor;
use std::path::Path;

use image::imageops::FilterType;
use image::{DynamicImage, GrayImage, ImageReader, Limits};

use super::dataset::{FACE_PIXELS, FACE_SIDE};
use super::error::DataError;

/// The widest and tallest image accepted, in pixels.
pub const MAX_IMAGE_SIDE: u32 = 12_000;

/// The most memory a decoder may allocate for one image.
pub const MAX_IMAGE_ALLOC_BYTES: u64 = 512 << 20;

/// A square region of an image, in image pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SquareCrop {
    /// Left edge.
    pub left: u32,
    /// Top edge.
    pub top: u32,
    /// Width and height.
    pub side: u32,
}

impl SquareCrop {
    /// The largest square centred in a `width` x `height` image.
    pub fn centered(width: u32, height: u32) -> Self {
        let side = width.min(height).max(1);
        Self {
            left: (width.saturating_sub(side)) / 2,
            top: (height.saturating_sub(side)) / 2,
            side,
        }
    }

    /// This crop moved and shrunk as needed to lie inside a `width` x `height` image.
    pub fn clamped_to(self, width: u32, height: u32) -> Self {
        let side = self.side.clamp(1, width.min(height).max(1));
        let left = self.left.min(width.saturating_sub(side));
        let top = self.top.min(height.saturating_sub(side));
        Self { left, top, side }
    }
}

/// Decoding limits that refuse images too large to be a photo (decompression bombs).
fn decoding_limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_IMAGE_ALLOC_BYTES);
    limits
}

/// Decodes an image file (JPEG, PNG, WebP or BMP, recognised by content) within the limits.
pub fn decode_image_file(path: &Path) -> Result<DynamicImage, DataError> {
    let bytes = std::fs::read(path).map_err(|e| DataError::io(path, e))?;
    decode_image_bytes(&bytes, path)
}

/// Decodes image bytes within the limits; `name` is used in messages.
pub fn decode_image_bytes(bytes: &[u8], name: &Path) -> Result<DynamicImage, DataError> {
    let image_error = |reason: String| DataError::Image {
        path: name.to_path_buf(),
        reason,
    };
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| image_error(e.to_string()))?;
    if reader.format().is_none() {
        return Err(image_error(
            "not an image in a known format (JPEG, PNG, WebP, BMP)".into(),
        ));
    }
    reader.limits(decoding_limits());
    reader.decode().map_err(|e| image_error(e.to_string()))
}

/// Converts to 8-bit grayscale with the ITU-R 601-2 luma weights (as PIL's `convert("L")`).
pub fn to_grayscale(image: &DynamicImage) -> GrayImage {
    if let DynamicImage::ImageLuma8(gray) = image {
        return gray.clone();
    }
    let rgb = image.to_rgb8();
    let (width, height) = rgb.dimensions();
    let luma = rgb
        .pixels()
        .map(|p| {
            let [r, g, b] = p.0.map(u32::from);
            ((r * 19_595 + g * 38_470 + b * 7_471 + 0x8000) >> 16) as u8
        })
        .collect();
    GrayImage::from_raw(width, height, luma).unwrap_or_else(|| GrayImage::new(width, height))
}

/// The 48x48 model input for `crop` of `image`, row-major, row 0 at the top.
pub fn face_from_image(image: &DynamicImage, crop: SquareCrop) -> Vec<u8> {
    let gray = to_grayscale(image);
    let crop = crop.clamped_to(gray.width(), gray.height());
    let square =
        image::imageops::crop_imm(&gray, crop.left, crop.top, crop.side, crop.side).to_image();
    let side = FACE_SIDE as u32;
    let small = if square.dimensions() == (side, side) {
        square
    } else {
        image::imageops::resize(&square, side, side, FilterType::Lanczos3)
    };
    let pixels = small.into_raw();
    debug_assert_eq!(pixels.len(), FACE_PIXELS);
    pixels
}

/// The 48x48 face for the centred square of `image`.
pub fn face_from_image_centered(image: &DynamicImage) -> Vec<u8> {
    face_from_image(image, SquareCrop::centered(image.width(), image.height()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centred_crop_of_a_wide_image() {
        assert_eq!(
            SquareCrop::centered(300, 200),
            SquareCrop {
                left: 50,
                top: 0,
                side: 200
            }
        );
        let moved = SquareCrop {
            left: 290,
            top: 10,
            side: 500,
        }
        .clamped_to(300, 200);
        assert_eq!(
            moved,
            SquareCrop {
                left: 100,
                top: 0,
                side: 200
            }
        );
    }

    #[test]
    fn a_48_pixel_gray_image_is_kept_exactly() {
        let pixels: Vec<u8> = (0..FACE_PIXELS).map(|i| (i * 7 % 256) as u8).collect();
        let gray = GrayImage::from_raw(48, 48, pixels.clone()).unwrap();
        assert_eq!(
            face_from_image_centered(&DynamicImage::ImageLuma8(gray)),
            pixels
        );
    }

    #[test]
    fn luma_uses_601_weights() {
        let rgb = image::RgbImage::from_pixel(2, 2, image::Rgb([255, 0, 0]));
        let gray = to_grayscale(&DynamicImage::ImageRgb8(rgb));
        assert_eq!(gray.get_pixel(0, 0).0[0], 76);
    }

    #[test]
    fn garbage_is_refused_with_its_name() {
        let err = decode_image_bytes(b"definitely not an image", Path::new("x.jpg")).unwrap_err();
        assert!(err.to_string().contains("x.jpg"), "{err}");
    }
}
