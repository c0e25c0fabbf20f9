//! Seeded initial values for a network's parameters, so that the same seed gives the same
//! model on every run (candle's own initialisers draw from an unseeded generator).

use candle_core::Tensor;
use candle_nn::VarMap;

use super::error::ModelError;
use crate::rng::SeededRng;

/// A purpose tag so initial weights differ from other uses of the same seed.
const INIT_PURPOSE: u64 = 0x1417;

/// Gives every parameter in `vars` its initial value, drawn from `seed`: convolution kernels and
/// dense weights Glorot-uniform (as Keras does; the `classic` recipe comes from Keras and is
/// unstable with the larger He initialisation), biases zero, batch-norm scales one. Parameters are
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
        } else {
            // Glorot: fans count every input and output a kernel connects.
            let receptive: usize = dims[2..].iter().product();
            let fans = (dims[0] + dims[1]) * receptive;
            let limit = (6.0 / fans as f32).sqrt();
            (0..count).map(|_| rng.range_f32(-limit, limit)).collect()
        };
        var.set(&Tensor::from_vec(values, dims, var.device())?)?;
    }
    Ok(())
}
