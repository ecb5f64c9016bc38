//! Unit 2's exercise: write the four functions below, then run
//! `cargo run -p course -- verify unit2` (or `cargo test -p unit2-neural-networks --features
//! exercise`), and `cargo run -p unit2-neural-networks --example exercise` to train with them.

use crate::Learner;
use tch::nn::{self, Module};
use tch::Tensor;

/// Your answers.
pub struct Exercise;

impl Learner for Exercise {
    fn softmax(logits: &Tensor) -> Tensor {
        // TODO (task 1): exp(x_i) / sum_j exp(x_j) along the last dimension (-1), per row.
        // Subtract each row's maximum first (`amax(-1, true)`) so exp cannot overflow.
        // Write it out; not `logits.softmax(..)`.
        let _ = logits;
        todo!("task 1: softmax")
    }

    fn cross_entropy(logits: &Tensor, targets: &Tensor) -> Tensor {
        // TODO (task 2): the mean over rows of -log(probability of the right class).
        // `log_softmax(-1, Kind::Float)` gives log-probabilities; `gather(1, &targets.unsqueeze(1),
        // false)` picks each row's target column. The result is a scalar tensor.
        let _ = (logits, targets);
        todo!("task 2: cross-entropy")
    }

    fn training_step<M: Module>(
        model: &M,
        optimizer: &mut nn::Optimizer,
        inputs: &Tensor,
        targets: &Tensor,
    ) -> (f64, i64) {
        // TODO (task 3): forward (`model.forward`), loss (`Self::cross_entropy`),
        // `optimizer.zero_grad()`, `loss.backward()`, `optimizer.step()`.
        // Return the loss as f64 and the number of rows whose argmax equals the target.
        let _ = (model, optimizer, inputs, targets);
        todo!("task 3: one training step")
    }

    fn accuracy<M: Module>(model: &M, batches: &mut dyn Iterator<Item = (Tensor, Tensor)>) -> f64 {
        // TODO (task 4): under `tch::no_grad_guard()`, predict every batch (argmax of the
        // logits), count the rows equal to their target, and divide by the number of rows.
        let _ = (model, batches);
        todo!("task 4: validation accuracy")
    }
}
