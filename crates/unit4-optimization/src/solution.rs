//! Unit 4's tasks, done. Try `src/exercise.rs` first!

use crate::model::HiddenLayer;
use crate::optimisers::{AdamSettings, AdamState};
use crate::search::{SearchSpace, Trial};
use crate::Answers;
use std::f64::consts::PI;
use tch::nn::ModuleT;
use tch::Tensor;

/// The reference answers.
pub struct Solution;

impl Answers for Solution {
    fn warmup_cosine_lr(
        step: usize,
        total_steps: usize,
        warmup_steps: usize,
        peak_lr: f64,
        min_lr: f64,
    ) -> f64 {
        if step < warmup_steps {
            // Large early steps from random weights can wreck a run; start small.
            return peak_lr * (step + 1) as f64 / warmup_steps as f64;
        }
        let decay_steps = total_steps.saturating_sub(warmup_steps).max(1);
        let progress = ((step - warmup_steps) as f64 / decay_steps as f64).min(1.0);
        min_lr + 0.5 * (peak_lr - min_lr) * (1.0 + (PI * progress).cos())
    }

    fn hidden_block(layer: &HiddenLayer, xs: &Tensor, train: bool) -> Tensor {
        let mut xs = xs.apply(&layer.linear);
        if let Some(batch_norm) = &layer.batch_norm {
            // Training: normalise with this batch's statistics (and update the running ones).
            // Evaluation: use the running statistics.
            xs = batch_norm.forward_t(&xs, train);
        }
        xs.relu().dropout(layer.dropout, train)
    }

    fn grid(space: &SearchSpace) -> Vec<Trial> {
        let mut trials = Vec::new();
        for &learning_rate in &space.learning_rates {
            for &weight_decay in &space.weight_decays {
                for &dropout in &space.dropouts {
                    trials.push(Trial {
                        learning_rate,
                        weight_decay,
                        dropout,
                    });
                }
            }
        }
        trials
    }

    fn sgd_momentum_step(
        param: &Tensor,
        grad: &Tensor,
        velocity: &mut Tensor,
        lr: f64,
        momentum: f64,
    ) -> Tensor {
        // The velocity remembers past gradients: steps along a steady direction grow, steps
        // that flip sign cancel out.
        *velocity = &*velocity * momentum + grad;
        param - &*velocity * lr
    }

    fn adam_step(
        param: &Tensor,
        grad: &Tensor,
        state: &mut AdamState,
        settings: &AdamSettings,
    ) -> Tensor {
        let s = settings;
        let (param, grad) = if s.decoupled {
            // AdamW: shrink the weights, and leave the gradient alone.
            (param * (1.0 - s.lr * s.weight_decay), grad.shallow_clone())
        } else {
            // Adam's L2 penalty: the decay joins the gradient, so Adam rescales it too.
            (param.shallow_clone(), grad + param * s.weight_decay)
        };
        state.steps += 1;
        state.mean = &state.mean * s.beta1 + &grad * (1.0 - s.beta1);
        state.mean_square = &state.mean_square * s.beta2 + grad.square() * (1.0 - s.beta2);
        // Both means start at 0 and would be too small early on: divide the bias out.
        let mean = &state.mean / (1.0 - s.beta1.powi(state.steps as i32));
        let mean_square = &state.mean_square / (1.0 - s.beta2.powi(state.steps as i32));
        param - mean / (mean_square.sqrt() + s.eps) * s.lr
    }

    fn lr_suggestion(lrs: &[f64], losses: &[f64]) -> f64 {
        let n = losses.len();
        // Past the lowest loss the run is diverging: look only before it.
        let lowest = (0..n)
            .min_by(|&a, &b| losses[a].total_cmp(&losses[b]))
            .unwrap_or(0);
        // Neighbouring steps differ mostly by batch noise: measure each slope over a window.
        let half = (n / 20).max(2);
        let slope = |i: usize| {
            (losses[i + half] - losses[i - half]) / (lrs[i + half].ln() - lrs[i - half].ln())
        };
        let mut steepest: Option<usize> = None;
        for i in half..lowest.min(n.saturating_sub(half)) {
            if steepest.is_none_or(|best| slope(i) < slope(best)) {
                steepest = Some(i);
            }
        }
        match steepest {
            Some(i) => lrs[i],
            // Too short a curve: a tenth of the rate of the lowest loss.
            None => lrs.get(lowest).copied().unwrap_or(1e-3) / 10.0,
        }
    }
}
