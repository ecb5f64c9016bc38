//! Unit 4's exercise. Check with `cargo run -p course -- verify unit4` (or `cargo test -p
//! unit4-optimization --features exercise`); run with `cargo run -p unit4-optimization
//! --example exercise -- <train|lr-find|search>`.

use crate::model::HiddenLayer;
use crate::search::{SearchSpace, Trial};
use crate::Learner;
use tch::Tensor;

/// Your answers.
pub struct Exercise;

impl Learner for Exercise {
    fn warmup_cosine_lr(
        step: usize,
        total_steps: usize,
        warmup_steps: usize,
        peak_lr: f64,
        min_lr: f64,
    ) -> f64 {
        // TODO (task 1): warm-up, then cosine.
        // - step < warmup_steps: peak_lr * (step + 1) / warmup_steps
        // - after: progress = (step - warmup_steps) / (total_steps - warmup_steps), at most 1;
        //   min_lr + 0.5 * (peak_lr - min_lr) * (1 + cos(pi * progress))
        let _ = (step, total_steps, warmup_steps, peak_lr, min_lr);
        todo!("task 1: the warm-up + cosine schedule")
    }

    fn hidden_block(layer: &HiddenLayer, xs: &Tensor, train: bool) -> Tensor {
        // TODO (task 2): xs -> layer.linear -> batch norm (when `layer.batch_norm` is Some; use
        // `ModuleT::forward_t(bn, &xs, train)`) -> relu -> dropout(layer.dropout, train).
        let _ = (layer, xs, train);
        todo!("task 2: linear, batch norm, ReLU, dropout")
    }

    fn grid(space: &SearchSpace) -> Vec<Trial> {
        // TODO (task 3): one Trial per combination of space.learning_rates,
        // space.weight_decays and space.dropouts (three nested loops, learning rate outermost).
        let _ = space;
        todo!("task 3: the search grid")
    }
}
