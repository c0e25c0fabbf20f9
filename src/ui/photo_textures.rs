//! Textures of the photo being classified and of the 48x48 input made from it, uploaded only
//! when they change.

use std::sync::Arc;

use eframe::egui;

use super::model_state::PhotoToClassify;
use crate::data::FACE_SIDE;

/// The photo's texture and the input's, with what they were made from.
#[derive(Default)]
pub struct PhotoTextures {
    photo: Option<(usize, egui::TextureHandle)>,
    input: Option<(usize, u64, egui::TextureHandle)>,
}

impl PhotoTextures {
    /// The texture of the photo (smoothly filtered).
    pub fn photo(&mut self, ctx: &egui::Context, photo: &PhotoToClassify) -> egui::TextureId {
        let key = Arc::as_ptr(&photo.image) as usize;
        if let Some((k, texture)) = &self.photo
            && *k == key
        {
            return texture.id();
        }
        let rgba = photo.image.to_rgba8();
        let size = [rgba.width() as usize, rgba.height() as usize];
        let image = egui::ColorImage::from_rgba_unmultiplied(size, rgba.as_raw());
        let texture = ctx.load_texture("photo", image, egui::TextureOptions::LINEAR);
        let id = texture.id();
        self.photo = Some((key, texture));
        id
    }

    /// The texture of the 48x48 input (pixel-exact).
    pub fn input(&mut self, ctx: &egui::Context, photo: &PhotoToClassify) -> egui::TextureId {
        let key = Arc::as_ptr(&photo.image) as usize;
        if let Some((k, version, texture)) = &self.input
            && *k == key
            && *version == photo.version
        {
            return texture.id();
        }
        let image = egui::ColorImage::from_gray([FACE_SIDE, FACE_SIDE], &photo.input);
        let texture = ctx.load_texture("photo-input", image, egui::TextureOptions::NEAREST);
        let id = texture.id();
        self.input = Some((key, photo.version, texture));
        id
    }
}
