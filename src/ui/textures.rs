//! Face textures, uploaded once per face and reused, with a bounded cache.

use std::collections::HashMap;

use eframe::egui;

use crate::data::{FACE_SIDE, FaceDataset};

/// The most face textures kept; beyond this the least recently shown are dropped, so that
/// reshuffling for ever does not grow memory.
const MAX_TEXTURES: usize = 400;

/// Textures of faces by row, for the data set now open.
#[derive(Default)]
pub struct FaceTextures {
    textures: HashMap<usize, (egui::TextureHandle, u64)>,
    clock: u64,
    uploads: u64,
}

impl FaceTextures {
    /// The texture of face `row`, uploading it the first time.
    pub fn get(
        &mut self,
        ctx: &egui::Context,
        dataset: &FaceDataset,
        row: usize,
    ) -> egui::TextureId {
        self.clock += 1;
        let clock = self.clock;
        if let Some((texture, last_used)) = self.textures.get_mut(&row) {
            *last_used = clock;
            return texture.id();
        }
        if self.textures.len() >= MAX_TEXTURES {
            self.evict_oldest();
        }
        let image = egui::ColorImage::from_gray([FACE_SIDE, FACE_SIDE], dataset.face_pixels(row));
        let texture = ctx.load_texture(format!("face-{row}"), image, egui::TextureOptions::NEAREST);
        let id = texture.id();
        self.textures.insert(row, (texture, clock));
        self.uploads += 1;
        id
    }

    /// Forgets every texture (a new data set was opened).
    pub fn clear(&mut self) {
        self.textures.clear();
    }

    /// How many textures are held now.
    pub fn len(&self) -> usize {
        self.textures.len()
    }

    /// Whether no texture is held.
    pub fn is_empty(&self) -> bool {
        self.textures.is_empty()
    }

    /// How many uploads have happened in all.
    pub fn uploads(&self) -> u64 {
        self.uploads
    }

    /// Drops the quarter of the cache shown longest ago.
    fn evict_oldest(&mut self) {
        let mut ages: Vec<u64> = self.textures.values().map(|(_, used)| *used).collect();
        ages.sort_unstable();
        let cutoff = ages[ages.len() / 4];
        self.textures.retain(|_, (_, used)| *used > cutoff);
    }
}
