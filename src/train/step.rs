//! One optimisation step: forward, loss, backward, update. Shared by the training loop and
//! `facelab bench train`.

use candle_core::{D, Tensor};

use super::batches::Batch;
use crate::model::{AnyOptimizer, FaceModel, ModelError};
use crate::rng::SeededRng;

/// What one step measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepOutcome {
    /// The batch's loss before the update (NaN or infinite when training diverged; the update
    /// is then skipped).
    pub loss: f64,
    /// Faces of the batch classified right before the update.
    pub right: usize,
}

/// Trains `model` on `batch` for one step, with dropout drawn from `rng`.
pub fn train_step(
    model: &FaceModel,
    optimizer: &mut AnyOptimizer,
    batch: &Batch,
    label_smoothing: f64,
    rng: &mut SeededRng,
) -> Result<StepOutcome, ModelError> {
    let logits = model.net().forward(&batch.input, Some(rng))?;
    let loss = smoothed_cross_entropy(&logits, &batch.targets, label_smoothing)?;
    let loss_value = f64::from(loss.to_scalar::<f32>()?);
    if !loss_value.is_finite() {
        return Ok(StepOutcome {
            loss: loss_value,
            right: 0,
        });
    }
    optimizer.step(&loss.backward()?)?;
    let predicted: Vec<u32> = logits.argmax(D::Minus1)?.to_vec1()?;
    let right = predicted
        .iter()
        .zip(&batch.classes)
        .filter(|(p, t)| p == t)
        .count();
    Ok(StepOutcome {
        loss: loss_value,
        right,
    })
}

/// Cross-entropy with label smoothing `eps`: `(1 - eps) * nll + eps * mean(-log p)`.
pub fn smoothed_cross_entropy(
    logits: &Tensor,
    targets: &Tensor,
    eps: f64,
) -> candle_core::Result<Tensor> {
    let log_p = candle_nn::ops::log_softmax(logits, D::Minus1)?;
    let nll = candle_nn::loss::nll(&log_p, targets)?;
    if eps == 0.0 {
        return Ok(nll);
    }
    let uniform = log_p.mean_all()?.neg()?;
    (nll * (1.0 - eps))? + (uniform * eps)?
}
