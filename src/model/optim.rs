//! Optimizers: candle-nn's AdamW and plain SGD, and our RMSprop and SGD with momentum, all on
//! candle-nn's [`Optimizer`] trait, behind one [`AnyOptimizer`].

use candle_core::backprop::GradStore;
use candle_core::{Result, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW, SGD};
use serde::{Deserialize, Serialize};

/// The optimizers a training run can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptimizerKind {
    /// RMSprop (Keras' default recipe for this data).
    Rmsprop,
    /// AdamW, decoupled weight decay.
    Adamw,
    /// SGD with momentum 0.9 (Nesterov).
    Sgd,
}

impl OptimizerKind {
    /// Every kind, for menus.
    pub const ALL: [OptimizerKind; 3] = [
        OptimizerKind::Rmsprop,
        OptimizerKind::Adamw,
        OptimizerKind::Sgd,
    ];

    /// The name used on the command line and in the window.
    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Rmsprop => "rmsprop",
            OptimizerKind::Adamw => "adamw",
            OptimizerKind::Sgd => "sgd",
        }
    }

    /// The kind named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// RMSprop: `v = rho v + (1 - rho) g^2`, `w -= lr g / (sqrt(v) + eps)`, with the weight decay
/// (L2) added to the gradient. The defaults are Keras': rho 0.9, eps 1e-7.
#[derive(Debug)]
pub struct RmsProp {
    vars: Vec<(Var, Var)>,
    config: RmsPropConfig,
}

/// The settings of [`RmsProp`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RmsPropConfig {
    /// Learning rate.
    pub lr: f64,
    /// Decay of the running mean square.
    pub rho: f64,
    /// Added to the root mean square.
    pub eps: f64,
    /// L2 penalty added to the gradient.
    pub weight_decay: f64,
}

impl Default for RmsPropConfig {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            rho: 0.9,
            eps: 1e-7,
            weight_decay: 0.0,
        }
    }
}

impl Optimizer for RmsProp {
    type Config = RmsPropConfig;

    fn new(vars: Vec<Var>, config: RmsPropConfig) -> Result<Self> {
        Ok(Self {
            vars: with_zero_state(vars)?,
            config,
        })
    }

    fn step(&mut self, grads: &GradStore) -> Result<()> {
        let RmsPropConfig {
            lr,
            rho,
            eps,
            weight_decay,
        } = self.config;
        for (mean_square, var) in &self.vars {
            let Some(grad) = grads.get(var) else { continue };
            let grad = with_weight_decay(grad, var, weight_decay)?;
            let next = ((mean_square.as_tensor() * rho)? + (grad.sqr()? * (1.0 - rho))?)?;
            let step = (grad / (next.sqrt()? + eps)?)?;
            var.set(&var.sub(&(step * lr)?)?)?;
            mean_square.set(&next)?;
        }
        Ok(())
    }

    fn learning_rate(&self) -> f64 {
        self.config.lr
    }

    fn set_learning_rate(&mut self, lr: f64) {
        self.config.lr = lr;
    }
}

/// SGD with momentum as PyTorch defines it: `b = mu b + g` (with weight decay in `g`), then
/// `w -= lr b`, or with Nesterov `w -= lr (g + mu b)`.
#[derive(Debug)]
pub struct SgdMomentum {
    vars: Vec<(Var, Var)>,
    config: SgdMomentumConfig,
}

/// The settings of [`SgdMomentum`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SgdMomentumConfig {
    /// Learning rate.
    pub lr: f64,
    /// Momentum.
    pub momentum: f64,
    /// Nesterov's look-ahead.
    pub nesterov: bool,
    /// L2 penalty added to the gradient.
    pub weight_decay: f64,
}

impl Optimizer for SgdMomentum {
    type Config = SgdMomentumConfig;

    fn new(vars: Vec<Var>, config: SgdMomentumConfig) -> Result<Self> {
        Ok(Self {
            vars: with_zero_state(vars)?,
            config,
        })
    }

    fn step(&mut self, grads: &GradStore) -> Result<()> {
        let SgdMomentumConfig {
            lr,
            momentum,
            nesterov,
            weight_decay,
        } = self.config;
        for (buffer, var) in &self.vars {
            let Some(grad) = grads.get(var) else { continue };
            let grad = with_weight_decay(grad, var, weight_decay)?;
            let next = ((buffer.as_tensor() * momentum)? + &grad)?;
            let step = if nesterov {
                (grad + (&next * momentum)?)?
            } else {
                next.clone()
            };
            var.set(&var.sub(&(step * lr)?)?)?;
            buffer.set(&next)?;
        }
        Ok(())
    }

    fn learning_rate(&self) -> f64 {
        self.config.lr
    }

    fn set_learning_rate(&mut self, lr: f64) {
        self.config.lr = lr;
    }
}

/// Each float parameter paired with a zeroed buffer of its shape, for an optimizer's state.
fn with_zero_state(vars: Vec<Var>) -> Result<Vec<(Var, Var)>> {
    vars.into_iter()
        .filter(|v| v.dtype().is_float())
        .map(|v| Ok((Var::zeros(v.shape(), v.dtype(), v.device())?, v)))
        .collect()
}

/// `grad + weight_decay * var`, or `grad` itself where there is no decay.
fn with_weight_decay(grad: &Tensor, var: &Var, weight_decay: f64) -> Result<Tensor> {
    if weight_decay == 0.0 {
        Ok(grad.clone())
    } else {
        grad + (var.as_tensor() * weight_decay)?
    }
}

/// Any of the optimizers, chosen at run time.
pub enum AnyOptimizer {
    /// Ours.
    RmsProp(RmsProp),
    /// candle-nn's.
    AdamW(AdamW),
    /// Ours, with momentum.
    SgdMomentum(SgdMomentum),
    /// candle-nn's plain SGD (no momentum, no decay).
    Sgd(SGD),
}

impl AnyOptimizer {
    /// An optimizer of `kind` over `vars`. SGD uses momentum 0.9 (Nesterov) unless `momentum`
    /// is 0, in which case candle-nn's plain SGD runs.
    pub fn new(
        kind: OptimizerKind,
        vars: Vec<Var>,
        lr: f64,
        weight_decay: f64,
        momentum: f64,
    ) -> Result<Self> {
        Ok(match kind {
            OptimizerKind::Rmsprop => AnyOptimizer::RmsProp(RmsProp::new(
                vars,
                RmsPropConfig {
                    lr,
                    weight_decay,
                    ..RmsPropConfig::default()
                },
            )?),
            OptimizerKind::Adamw => AnyOptimizer::AdamW(AdamW::new(
                vars,
                ParamsAdamW {
                    lr,
                    weight_decay,
                    ..ParamsAdamW::default()
                },
            )?),
            OptimizerKind::Sgd if momentum == 0.0 && weight_decay == 0.0 => {
                AnyOptimizer::Sgd(SGD::new(vars, lr)?)
            }
            OptimizerKind::Sgd => AnyOptimizer::SgdMomentum(SgdMomentum::new(
                vars,
                SgdMomentumConfig {
                    lr,
                    momentum,
                    nesterov: momentum > 0.0,
                    weight_decay,
                },
            )?),
        })
    }

    /// Applies one update from `grads`.
    pub fn step(&mut self, grads: &GradStore) -> Result<()> {
        match self {
            AnyOptimizer::RmsProp(o) => o.step(grads),
            AnyOptimizer::AdamW(o) => o.step(grads),
            AnyOptimizer::SgdMomentum(o) => o.step(grads),
            AnyOptimizer::Sgd(o) => o.step(grads),
        }
    }

    /// Sets the learning rate for the next steps.
    pub fn set_learning_rate(&mut self, lr: f64) {
        match self {
            AnyOptimizer::RmsProp(o) => o.set_learning_rate(lr),
            AnyOptimizer::AdamW(o) => o.set_learning_rate(lr),
            AnyOptimizer::SgdMomentum(o) => o.set_learning_rate(lr),
            AnyOptimizer::Sgd(o) => o.set_learning_rate(lr),
        }
    }
}

#[cfg(test)]
mod tests {
    use candle_core::Device;

    use super::*;

    /// One parameter `w` with loss `w * g`, so the gradient is exactly `g`.
    fn grads_for(var: &Var, g: &[f32]) -> GradStore {
        let g = Tensor::new(g, &Device::Cpu).unwrap();
        let loss = (var.as_tensor() * g).unwrap().sum_all().unwrap();
        loss.backward().unwrap()
    }

    fn values(var: &Var) -> Vec<f32> {
        var.as_tensor().to_vec1().unwrap()
    }

    fn close(a: &[f32], b: &[f32]) {
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < 1e-6, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn rmsprop_matches_two_steps_by_hand() {
        let var = Var::new(&[1.0f32, -2.0], &Device::Cpu).unwrap();
        let config = RmsPropConfig {
            lr: 0.1,
            rho: 0.9,
            eps: 1e-7,
            weight_decay: 0.0,
        };
        let mut opt = RmsProp::new(vec![var.clone()], config).unwrap();
        // Step 1, g = (0.5, -1): v = 0.1 g^2 = (0.025, 0.1); w -= 0.1 g / sqrt(v).
        opt.step(&grads_for(&var, &[0.5, -1.0])).unwrap();
        let s1 = [0.1 * 0.5 / 0.025f32.sqrt(), -0.1 / 0.1f32.sqrt()];
        close(&values(&var), &[1.0 - s1[0], -2.0 - s1[1]]);
        // Step 2, g = (0.5, 2): v = 0.9 v + 0.1 g^2 = (0.0475, 0.49).
        opt.step(&grads_for(&var, &[0.5, 2.0])).unwrap();
        let s2 = [0.1 * 0.5 / 0.0475f32.sqrt(), 0.1 * 2.0 / 0.49f32.sqrt()];
        close(&values(&var), &[1.0 - s1[0] - s2[0], -2.0 - s1[1] - s2[1]]);
    }

    #[test]
    fn rmsprop_weight_decay_joins_the_gradient() {
        let var = Var::new(&[2.0f32], &Device::Cpu).unwrap();
        let config = RmsPropConfig {
            lr: 0.01,
            weight_decay: 0.5,
            ..RmsPropConfig::default()
        };
        let mut opt = RmsProp::new(vec![var.clone()], config).unwrap();
        // g = 0 + 0.5 * 2 = 1: v = 0.1, step = 0.01 / sqrt(0.1).
        opt.step(&grads_for(&var, &[0.0])).unwrap();
        close(&values(&var), &[2.0 - 0.01 / 0.1f32.sqrt()]);
    }

    #[test]
    fn sgd_momentum_matches_steps_by_hand() {
        let var = Var::new(&[1.0f32], &Device::Cpu).unwrap();
        let config = SgdMomentumConfig {
            lr: 0.1,
            momentum: 0.9,
            nesterov: false,
            weight_decay: 0.0,
        };
        let mut opt = SgdMomentum::new(vec![var.clone()], config).unwrap();
        // b1 = 1, w = 1 - 0.1 = 0.9; b2 = 0.9 + 2 = 2.9, w = 0.9 - 0.29 = 0.61.
        opt.step(&grads_for(&var, &[1.0])).unwrap();
        close(&values(&var), &[0.9]);
        opt.step(&grads_for(&var, &[2.0])).unwrap();
        close(&values(&var), &[0.61]);
    }

    #[test]
    fn nesterov_looks_ahead() {
        let var = Var::new(&[0.0f32], &Device::Cpu).unwrap();
        let config = SgdMomentumConfig {
            lr: 1.0,
            momentum: 0.5,
            nesterov: true,
            weight_decay: 0.0,
        };
        let mut opt = SgdMomentum::new(vec![var.clone()], config).unwrap();
        // b1 = 1, step = 1 + 0.5 = 1.5; b2 = 0.5 + 1 = 1.5, step = 1 + 0.75 = 1.75.
        opt.step(&grads_for(&var, &[1.0])).unwrap();
        close(&values(&var), &[-1.5]);
        opt.step(&grads_for(&var, &[1.0])).unwrap();
        close(&values(&var), &[-3.25]);
    }

    #[test]
    fn learning_rate_can_be_changed() {
        let var = Var::new(&[0.0f32], &Device::Cpu).unwrap();
        let mut opt =
            AnyOptimizer::new(OptimizerKind::Sgd, vec![var.clone()], 1.0, 0.0, 0.0).unwrap();
        opt.set_learning_rate(0.25);
        opt.step(&grads_for(&var, &[2.0])).unwrap();
        close(&values(&var), &[-0.5]);
    }
}
