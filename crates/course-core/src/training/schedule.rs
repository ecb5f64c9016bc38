//! The learning rate at every step of a run, from a [`Schedule`].

use super::config::Schedule;
use serde::{Deserialize, Serialize};

/// Computes learning rates; holds the little state that reduce-on-plateau needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LrScheduler {
    schedule: Schedule,
    base_lr: f64,
    total_steps: usize,
    /// Reduce-on-plateau: the rate now, the best validation loss, epochs without improvement.
    plateau_lr: f64,
    plateau_best: Option<f64>,
    plateau_bad_epochs: usize,
}

impl LrScheduler {
    pub fn new(schedule: Schedule, base_lr: f64, total_steps: usize) -> LrScheduler {
        LrScheduler {
            schedule,
            base_lr,
            total_steps: total_steps.max(1),
            plateau_lr: base_lr,
            plateau_best: None,
            plateau_bad_epochs: 0,
        }
    }

    /// The rate for optimiser step `step` (0-based) of epoch `epoch` (1-based).
    pub fn lr(&self, step: usize, epoch: usize) -> f64 {
        let cosine = |progress: f64, min_lr: f64| {
            min_lr
                + 0.5
                    * (self.base_lr - min_lr)
                    * (1.0 + (std::f64::consts::PI * progress.clamp(0.0, 1.0)).cos())
        };
        match self.schedule {
            Schedule::Constant => self.base_lr,
            Schedule::Step {
                every_epochs,
                gamma,
            } => self.base_lr * gamma.powi(((epoch - 1) / every_epochs.max(1)) as i32),
            Schedule::Cosine { min_lr } => cosine(step as f64 / self.total_steps as f64, min_lr),
            Schedule::WarmupCosine {
                warmup_steps,
                min_lr,
            } => {
                if step < warmup_steps {
                    self.base_lr * (step + 1) as f64 / warmup_steps as f64
                } else {
                    let decay_steps =
                        (self.total_steps - warmup_steps.min(self.total_steps)).max(1);
                    cosine((step - warmup_steps) as f64 / decay_steps as f64, min_lr)
                }
            }
            Schedule::ReduceOnPlateau { .. } => self.plateau_lr,
        }
    }

    /// Tells the scheduler the validation loss at the end of an epoch.
    pub fn end_epoch(&mut self, validation_loss: f64) {
        if let Schedule::ReduceOnPlateau {
            factor,
            patience,
            min_lr,
        } = self.schedule
        {
            if self.plateau_best.is_none_or(|best| validation_loss < best) {
                self.plateau_best = Some(validation_loss);
                self.plateau_bad_epochs = 0;
            } else {
                self.plateau_bad_epochs += 1;
                if self.plateau_bad_epochs > patience {
                    self.plateau_lr = (self.plateau_lr * factor).max(min_lr);
                    self.plateau_bad_epochs = 0;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warmup_rises_linearly_then_cosine_falls_to_the_minimum() {
        let s = LrScheduler::new(
            Schedule::WarmupCosine {
                warmup_steps: 10,
                min_lr: 0.0,
            },
            1.0,
            110,
        );
        assert!((s.lr(0, 1) - 0.1).abs() < 1e-12);
        assert!((s.lr(9, 1) - 1.0).abs() < 1e-12);
        assert!((s.lr(60, 1) - 0.5).abs() < 1e-9, "half-way down the cosine");
        assert!(s.lr(109, 1) < 0.001);
    }

    #[test]
    fn step_and_plateau() {
        let s = LrScheduler::new(
            Schedule::Step {
                every_epochs: 2,
                gamma: 0.1,
            },
            1.0,
            100,
        );
        assert_eq!((s.lr(0, 1), s.lr(0, 2)), (1.0, 1.0));
        assert!((s.lr(0, 3) - 0.1).abs() < 1e-12);

        let mut p = LrScheduler::new(
            Schedule::ReduceOnPlateau {
                factor: 0.5,
                patience: 1,
                min_lr: 0.1,
            },
            1.0,
            100,
        );
        for loss in [1.0, 0.9, 0.95, 0.95] {
            p.end_epoch(loss);
        }
        assert_eq!(
            p.lr(0, 5),
            0.5,
            "two epochs without improvement, patience 1: halve"
        );
        for _ in 0..20 {
            p.end_epoch(2.0);
        }
        assert_eq!(p.lr(0, 30), 0.1, "never below min_lr");
    }
}
