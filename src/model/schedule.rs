//! Learning-rate schedules.

use serde::{Deserialize, Serialize};

/// How the learning rate changes over a run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum LrSchedule {
    /// The base rate throughout.
    Constant,
    /// The base rate multiplied by `factor` every `every_epochs` epochs.
    Step {
        /// Epochs between cuts.
        every_epochs: usize,
        /// Multiplier at each cut.
        factor: f64,
    },
    /// A linear rise from near zero over the first `warmup` share of the steps, then a cosine
    /// fall to zero at the last step (a "one-cycle" shape).
    CosineWarmup {
        /// Share of all steps spent warming up, 0 to 1.
        warmup: f64,
    },
}

impl LrSchedule {
    /// The learning rate at `step` (from 0) of `total_steps`, with `steps_per_epoch` steps an
    /// epoch and base rate `base`.
    pub fn rate(&self, base: f64, step: usize, total_steps: usize, steps_per_epoch: usize) -> f64 {
        match *self {
            LrSchedule::Constant => base,
            LrSchedule::Step {
                every_epochs,
                factor,
            } => {
                let epoch = step / steps_per_epoch.max(1);
                base * factor.powi((epoch / every_epochs.max(1)) as i32)
            }
            LrSchedule::CosineWarmup { warmup } => {
                let total = total_steps.max(1) as f64;
                let warmup_steps = (warmup.clamp(0.0, 1.0) * total).max(1.0);
                let t = step as f64;
                if t < warmup_steps {
                    base * (t + 1.0) / warmup_steps
                } else {
                    let progress = ((t - warmup_steps) / (total - warmup_steps).max(1.0)).min(1.0);
                    base * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos())
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_stays() {
        assert_eq!(LrSchedule::Constant.rate(0.1, 999, 1000, 10), 0.1);
    }

    #[test]
    fn step_cuts_every_few_epochs() {
        let s = LrSchedule::Step {
            every_epochs: 2,
            factor: 0.5,
        };
        assert_eq!(s.rate(1.0, 19, 100, 10), 1.0);
        assert_eq!(s.rate(1.0, 20, 100, 10), 0.5);
        assert_eq!(s.rate(1.0, 45, 100, 10), 0.25);
    }

    #[test]
    fn cosine_rises_peaks_and_falls_to_zero() {
        let s = LrSchedule::CosineWarmup { warmup: 0.1 };
        assert!((s.rate(1.0, 0, 100, 10) - 0.1).abs() < 1e-12);
        assert!((s.rate(1.0, 9, 100, 10) - 1.0).abs() < 1e-12);
        assert!((s.rate(1.0, 10, 100, 10) - 1.0).abs() < 1e-12);
        assert!((s.rate(1.0, 55, 100, 10) - 0.5).abs() < 1e-12);
        assert!(s.rate(1.0, 99, 100, 10) < 1e-3);
    }
}
