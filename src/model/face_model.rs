//! [`FaceModel`]: a network with its parameters, its card and its device; what is trained,
//! saved, loaded and asked for predictions.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarMap;

use super::card::{CARD_FORMAT, GENDER_TASK, ModelCard};
use super::error::ModelError;
use super::init::initialize;
use super::net::FaceNet;
use crate::data::{FACE_PIXELS, FACE_SIDE, Gender};

/// The file of a model directory that holds the weights.
pub const WEIGHTS_FILE: &str = "model.safetensors";

/// The file of a model directory that holds the card.
pub const CARD_FILE: &str = "model.json";

/// How many faces inference runs at once.
const INFERENCE_BATCH: usize = 128;

/// A network, its parameters and what is known about it.
pub struct FaceModel {
    /// What the model is and how it was trained.
    pub card: ModelCard,
    vars: VarMap,
    net: FaceNet,
    device: Device,
}

impl FaceModel {
    /// A new gender model with seeded random weights.
    pub fn fresh(card: ModelCard, device: &Device, seed: u64) -> Result<Self, ModelError> {
        let vars = VarMap::new();
        let net = FaceNet::new(&card.net, &vars, device)?;
        initialize(&vars, seed)?;
        Ok(Self {
            card,
            vars,
            net,
            device: device.clone(),
        })
    }

    /// A card for a new gender model of `net`.
    pub fn gender_card(
        preset: &str,
        net: super::config::NetConfig,
        normalization: super::card::Normalization,
        mirror_average: bool,
    ) -> ModelCard {
        ModelCard {
            format: CARD_FORMAT,
            task: GENDER_TASK.to_string(),
            classes: Gender::ALL.iter().map(|g| g.name().to_string()).collect(),
            input_side: FACE_SIDE,
            preset: preset.to_string(),
            net,
            normalization,
            mirror_average,
            training: None,
        }
    }

    /// The network.
    pub fn net(&self) -> &FaceNet {
        &self.net
    }

    /// The network, to change how it runs.
    pub fn net_mut(&mut self) -> &mut FaceNet {
        &mut self.net
    }

    /// The trainable parameters.
    pub fn vars(&self) -> &VarMap {
        &self.vars
    }

    /// The device the model runs on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Number of trainable values.
    pub fn parameter_count(&self) -> usize {
        self.vars.all_vars().iter().map(|v| v.elem_count()).sum()
    }

    /// Network inputs `[n, 1, 48, 48]` for `n` faces of raw pixels, laid one after another.
    pub fn input_tensor(&self, pixels: &[u8]) -> Result<Tensor, ModelError> {
        let n = pixels.len() / FACE_PIXELS;
        let norm = self.card.normalization;
        let values: Vec<f32> = pixels.iter().map(|&p| norm.apply(f32::from(p))).collect();
        Ok(Tensor::from_vec(
            values,
            (n, 1, FACE_SIDE, FACE_SIDE),
            &self.device,
        )?)
    }

    /// Class probabilities of `n` faces of raw pixels: `n * classes` values, face after face.
    /// Where the card asks for it, each face's scores are averaged with its mirror image's.
    pub fn probabilities(&self, pixels: &[u8]) -> Result<Vec<f32>, ModelError> {
        let mut out = Vec::with_capacity(pixels.len() / FACE_PIXELS * self.card.classes.len());
        for chunk in pixels.chunks(INFERENCE_BATCH * FACE_PIXELS) {
            let input = self.input_tensor(chunk)?;
            let mut probabilities = candle_nn::ops::softmax(&self.net.forward(&input, None)?, 1)?;
            if self.card.mirror_average {
                let mirrored = input.flip(&[3])?;
                let other = candle_nn::ops::softmax(&self.net.forward(&mirrored, None)?, 1)?;
                probabilities = ((probabilities + other)? * 0.5)?;
            }
            out.extend(probabilities.flatten_all()?.to_vec1::<f32>()?);
        }
        Ok(out)
    }

    /// Writes `model.safetensors` and `model.json` into `dir` (made if missing), each through
    /// a temporary file renamed into place.
    pub fn save(&self, dir: &Path) -> Result<(), ModelError> {
        std::fs::create_dir_all(dir).map_err(|source| ModelError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let tensors: Vec<(String, Tensor)> = {
            let data = self.vars.data().lock().map_err(|_| ModelError::Poisoned)?;
            let mut named: Vec<_> = data
                .iter()
                .map(|(name, var)| (name.clone(), var.as_tensor().clone()))
                .collect();
            named.sort_by(|a, b| a.0.cmp(&b.0));
            named
        };
        let weights_path = dir.join(WEIGHTS_FILE);
        let bytes = safetensors::serialize(tensors.iter().map(|(n, t)| (n.as_str(), t)), None)
            .map_err(|e| ModelError::WeightsMismatch {
                path: weights_path.clone(),
                message: e.to_string(),
            })?;
        write_file(&weights_path, &bytes)?;
        let card = serde_json::to_vec_pretty(&self.card).map_err(|e| ModelError::BadCard {
            path: dir.join(CARD_FILE),
            message: e.to_string(),
        })?;
        write_file(&dir.join(CARD_FILE), &card)
    }

    /// Loads the model saved in `dir` onto `device`, refusing one whose files are missing or
    /// corrupt, whose card describes another input or other classes, or whose weights do not
    /// fit its network.
    pub fn load(dir: &Path, device: &Device) -> Result<Self, ModelError> {
        let card = read_card(dir)?;
        let weights_path = dir.join(WEIGHTS_FILE);
        if !weights_path.is_file() {
            return Err(ModelError::MissingFile {
                dir: dir.to_path_buf(),
                file: WEIGHTS_FILE,
            });
        }
        let mismatch = |message: String| ModelError::WeightsMismatch {
            path: weights_path.clone(),
            message,
        };
        let bytes = std::fs::read(&weights_path).map_err(|source| ModelError::Io {
            path: weights_path.clone(),
            source,
        })?;
        let stored: HashMap<String, Tensor> = candle_core::safetensors::load_buffer(&bytes, device)
            .map_err(|e| mismatch(format!("not a readable safetensors file ({e})")))?;

        let model = Self::fresh(card, device, 0)?;
        {
            let data = model.vars.data().lock().map_err(|_| ModelError::Poisoned)?;
            for (name, var) in data.iter() {
                let tensor = stored
                    .get(name)
                    .ok_or_else(|| mismatch(format!("the tensor {name} is missing")))?;
                if tensor.dims() != var.dims() {
                    return Err(mismatch(format!(
                        "{name} has shape {:?}, the network needs {:?}",
                        tensor.dims(),
                        var.dims()
                    )));
                }
                var.set(&tensor.to_dtype(DType::F32)?)?;
            }
            if let Some(extra) = stored.keys().find(|name| !data.contains_key(*name)) {
                return Err(mismatch(format!("the tensor {extra} belongs to no layer")));
            }
        }
        Ok(model)
    }
}

/// Reads and checks `dir/model.json`.
pub fn read_card(dir: &Path) -> Result<ModelCard, ModelError> {
    let path = dir.join(CARD_FILE);
    if !path.is_file() {
        return Err(ModelError::MissingFile {
            dir: dir.to_path_buf(),
            file: CARD_FILE,
        });
    }
    let text = std::fs::read_to_string(&path).map_err(|source| ModelError::Io {
        path: path.clone(),
        source,
    })?;
    let bad = |message: String| ModelError::BadCard {
        path: path.clone(),
        message,
    };
    let card: ModelCard = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    if card.format != CARD_FORMAT {
        return Err(bad(format!(
            "layout version {}, this facelab reads {CARD_FORMAT}",
            card.format
        )));
    }
    if card.task != GENDER_TASK {
        return Err(bad(format!(
            "it predicts \"{}\", facelab predicts gender",
            card.task
        )));
    }
    if card.input_side != FACE_SIDE {
        return Err(bad(format!(
            "it takes {0}x{0} inputs, facelab's faces are {FACE_SIDE}x{FACE_SIDE}",
            card.input_side
        )));
    }
    let expected: Vec<String> = Gender::ALL.iter().map(|g| g.name().to_string()).collect();
    if card.classes != expected || card.net.classes != expected.len() {
        return Err(bad(format!(
            "its classes are {:?}, not {expected:?}",
            card.classes
        )));
    }
    card.net.validate().map_err(|e| bad(e.to_string()))?;
    Ok(card)
}

/// Writes `bytes` to `path` atomically.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ModelError> {
    use std::io::Write;
    crate::data::csv_writer::write_atomically(path, |out| out.write_all(bytes)).map_err(|e| {
        ModelError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other(e.to_string()),
        }
    })
}
