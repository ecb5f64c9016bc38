//! Unit 4's exercise: your code, where each `todo!()` stands.
//!
//! * `cargo run -p course -- watch unit4` checks your tasks each time you save this file;
//!   `verify unit4` checks them once, `hint unit4` gives a hint.
//! * `cargo run -p unit4-optimization --features exercise --example exercise -- train`
//!   trains with it (also `lr-find`, `search`).
//!
//! This file is compiled only with `--features exercise`: a mistake here never stops the
//! solutions, `make test` or another unit. `cargo run -p course -- reset unit4` brings the
//! stub back.

use crate::model::HiddenLayer;
use crate::optimisers::{AdamSettings, AdamState};
use crate::search::{SearchSpace, Trial};
use crate::Answers;
use tch::Tensor;

/// Your answers.
pub struct Exercise;

impl Answers for Exercise {
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
        // TODO (task 2): one hidden block of the MLP, in this order: the layer's linear map, batch
        // norm (when the layer has one), ReLU, dropout (with probability `layer.dropout`). Batch
        // norm and dropout behave differently while training (`train`): batch statistics and random
        // drops only then.
        // Shapes: xs [batch, in] -> [batch, out].
        // Worth looking up: `nn::ModuleT::forward_t`, `Tensor::relu`, `Tensor::dropout`.
        let _ = (layer, xs, train);
        todo!("task 2: linear, batch norm, ReLU, dropout")
    }

    fn grid(space: &SearchSpace) -> Vec<Trial> {
        // TODO (task 3): one Trial per combination of space.learning_rates,
        // space.weight_decays and space.dropouts (three nested loops, learning rate outermost).
        let _ = space;
        todo!("task 3: the search grid")
    }

    fn sgd_momentum_step(
        param: &Tensor,
        grad: &Tensor,
        velocity: &mut Tensor,
        lr: f64,
        momentum: f64,
    ) -> Tensor {
        // TODO (task 4): one step of SGD with momentum, as libtorch's SGD takes it:
        //     v = momentum * v + g        then        p' = p - lr * v
        // Update `velocity` (v, zeros before the first step) in place and return p'. All
        // tensors have the parameter's shape.
        // Worth looking up: tensor arithmetic with `f64` (`&t * 0.9`), `*velocity = ...`.
        let _ = (param, grad, velocity, lr, momentum);
        todo!("task 4: SGD with momentum")
    }

    fn adam_step(
        param: &Tensor,
        grad: &Tensor,
        state: &mut AdamState,
        settings: &AdamSettings,
    ) -> Tensor {
        // TODO (task 5): one step of Adam, or AdamW when `settings.decoupled`, as libtorch takes
        // them (the formulas are in `src/optimisers.rs`). Count the step in `state.steps` first
        // (bias correction uses t from 1), update `state.mean` and `state.mean_square`, and
        // return the new parameter. Adam adds weight_decay * p to the gradient; AdamW instead
        // multiplies p by (1 - lr * weight_decay) and leaves the gradient alone.
        // Worth looking up: `square`, `sqrt`, `f64::powi`.
        let _ = (param, grad, state, settings);
        todo!("task 5: Adam and AdamW")
    }

    fn lr_suggestion(lrs: &[f64], losses: &[f64]) -> f64 {
        // TODO (task 6): the learning-rate finder (`lr-find`) trains a few hundred steps while
        // the rate grows exponentially, and records the smoothed loss of each step: `lrs[i]` and
        // `losses[i]`. Suggest the rate where the loss falls fastest, the course's way:
        // * look only before the step of the lowest loss (after it the run is diverging);
        // * the slope at step i is measured across a window, from i - h to i + h with
        //   h = max(n / 20, 2) for n steps, per unit of log(rate):
        //       slope(i) = (losses[i + h] - losses[i - h]) / (ln lrs[i + h] - ln lrs[i - h])
        //   for every i from h up to (not including) min(lowest, n - h);
        // * return lrs[i] of the most negative slope (the first one on a tie); when no i fits
        //   (a short curve), a tenth of the rate of the lowest loss (1e-3 / 10 for no steps).
        // Worth looking up: `f64::ln`, `f64::total_cmp`, `Iterator::min_by`.
        let _ = (lrs, losses);
        todo!("task 6: the learning-rate finder's suggestion")
    }

    /// Your settings (not a task): `cargo run -p course -- mine unit4` trains them, records the
    /// run and shows your leaderboard. Choose on validation accuracy; every run you finish shows
    /// you one more test score.
    fn my_settings(seed: u64) -> crate::configs::Settings {
        #[allow(unused_mut)]
        let mut settings = crate::configs::tuned(seed);
        // Change what you like, for example:
        // settings.mlp.dropout = 0.3;
        // settings.max_features = 20_000;
        // settings.trainer.epochs = 8;
        settings
    }
}
