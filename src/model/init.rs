//! Seeded initial values for a network's parameters, so that the same seed gives the same
//! model on every run (candle's own initialisers draw from an unseeded generator).

use candle_core::Tensor;
use candle_nn::VarMap;

use super::error::ModelError;
use crate::rng::SeededRng;

/// A purpose tag so initial weights differ from other uses of the same seed.
const INIT_PURPOSE: u64 = 0x1417;

/// Gives every parameter in `vars` its initial value, drawn from `seed`: convolution kernels
/// He-normal, dense weights Glorot-uniform, biases zero, batch-norm scales one. Parameters are
/// visited in name order, so the result does not depend on how the map stores them.
pub fn initialize(vars: &VarMap, seed: u64) -> Result<(), ModelError> {
    let data = vars.data().lock().map_err(|_| ModelError::Poisoned)?;
    let mut names: Vec<&String> = data.keys().collect();
    names.sort();
    let mut rng = SeededRng::for_purpose(seed, INIT_PURPOSE);
    for name in names {
        let var = &data[name];
        let dims = var.dims().to_vec();
        let count: usize = dims.iter().product();
        let values: Vec<f32> = if name.ends_with("bn.weight") || name.ends_with("running_var") {
            vec![1.0; count]
        } else if !name.ends_with(".weight") || dims.len() < 2 {
            vec![0.0; count]
        } else if dims.len() == 4 {
            let fan_in: usize = dims[1..].iter().product();
            let std = (2.0 / fan_in as f32).sqrt();
            (0..count).map(|_| rng.normal() * std).collect()
        } else {
            let limit = (6.0 / (dims[0] + dims[1]) as f32).sqrt();
            (0..count).map(|_| rng.range_f32(-limit, limit)).collect()
        };
        var.set(&Tensor::from_vec(values, dims, var.device())?)?;
    }
    Ok(())
}
