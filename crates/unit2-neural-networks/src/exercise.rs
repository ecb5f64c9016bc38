//! Unit 2's exercise: your code, where each `todo!()` stands.
//!
//! * `cargo run -p course -- watch unit2` checks your tasks each time you save this file;
//!   `verify unit2` checks them once, `hint unit2` gives a hint.
//! * `cargo run -p unit2-neural-networks --features exercise --example exercise`
//!   trains with it.
//!
//! This file is compiled only with `--features exercise`: a mistake here never stops the
//! solutions, `make test` or another unit. `cargo run -p course -- reset unit2` brings the
//! stub back.

use crate::{Answers, EpochShuffle};
use tch::nn::{self, Module};
use tch::Tensor;

/// Your answers.
pub struct Exercise;

impl Answers for Exercise {
    fn softmax(logits: &Tensor) -> Tensor {
        // TODO (task 1): softmax along the last dimension, row by row:
        //     softmax(x)_i = exp(x_i) / sum_j exp(x_j)
        // Shapes: logits [batch, classes] -> probabilities [batch, classes], each row summing to 1.
        // exp overflows for large logits: subtracting the row's maximum first changes nothing in
        // the result and keeps every exp at most 1. Write it out; not `logits.softmax(..)`.
        // Worth looking up: `amax`, `exp`, `sum_dim_intlist`.
        let _ = logits;
        todo!("task 1: softmax")
    }

    fn cross_entropy(logits: &Tensor, targets: &Tensor) -> Tensor {
        // TODO (task 2): the cross-entropy loss: the mean over rows i of
        // -log(softmax(logits_i)[target_i]), i.e. minus the log-probability the model gives the
        // right class.
        // Shapes: logits [batch, classes], targets [batch] (i64) -> a scalar tensor [].
        // Worth looking up: `log_softmax`, `gather`, `mean`.
        let _ = (logits, targets);
        todo!("task 2: cross-entropy")
    }

    fn training_step<M: Module>(
        model: &M,
        optimizer: &mut nn::Optimizer,
        inputs: &Tensor,
        targets: &Tensor,
    ) -> (f64, i64) {
        // TODO (task 3): one step of gradient descent on one batch: the logits, the loss (your task
        // 2), the gradients, and the optimiser's update. Gradients add up in tch until cleared:
        // clear them before computing new ones. Return the loss as f64 and how many rows the model
        // got right (the largest logit is the target's).
        // Worth looking up: `Module::forward`, `Optimizer::zero_grad`, `Tensor::backward`,
        // `Optimizer::step`, `argmax`.
        let _ = (model, optimizer, inputs, targets);
        todo!("task 3: one training step")
    }

    fn accuracy<M: Module>(model: &M, batches: &mut dyn Iterator<Item = (Tensor, Tensor)>) -> f64 {
        // TODO (task 4): the accuracy over every batch: the share of rows whose predicted class
        // (the largest logit) equals the target. Nothing is learned here, so no gradients are
        // needed: turn them off (faster, less memory). Batches may differ in size.
        // Worth looking up: `tch::no_grad_guard`, `argmax`, `eq_tensor`.
        let _ = (model, batches);
        todo!("task 4: validation accuracy")
    }

    fn train_epoch<M: Module>(
        model: &M,
        optimizer: &mut nn::Optimizer,
        rows: usize,
        batch_of: &dyn Fn(&[usize]) -> (Tensor, Tensor),
        shuffle: EpochShuffle,
    ) -> (f64, f64) {
        // TODO (task 5): one epoch of the training loop, over `rows` training rows (0..rows):
        // 1. shuffle the rows: a new order every epoch, yet the same in every run of the seed.
        //    Shuffle 0..rows with rand's `SliceRandom::shuffle` and the generator
        //    `rand_chacha::ChaCha8Rng::seed_from_u64(shuffle.seed + shuffle.epoch)` (exactly what
        //    the course's `Batcher` does, so your epochs match the given loop's);
        // 2. cut the order into batches of `shuffle.batch_size` rows, the last one maybe smaller
        //    (keep it); `batch_of(&batch)` gives a batch's (inputs, targets);
        // 3. one training step on each (your task 3);
        // 4. return the epoch's training loss and accuracy: the mean over *rows*, not over
        //    batches.
        // Worth looking up: `rand::SeedableRng`, `slice::chunks`.
        let _ = (model, optimizer, rows, batch_of, shuffle);
        todo!("task 5: one epoch of the training loop")
    }
}
