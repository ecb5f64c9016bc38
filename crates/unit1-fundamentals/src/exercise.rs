//! Unit 1's exercise: write the five functions below, then run
//! `cargo run -p course -- verify unit1` to see which pass (or
//! `cargo test -p unit1-fundamentals --features exercise`), and
//! `cargo run -p unit1-fundamentals --example exercise` to watch your code learn.

use crate::perceptron::Perceptron;
use crate::toy_data::ToyData;
use crate::Learner;
use tch::Tensor;

/// Your answers.
pub struct Exercise;

impl Learner for Exercise {
    fn perceptron_update(perceptron: &mut Perceptron, features: [f64; 2], label: u8) -> bool {
        // TODO (task 1): the perceptron learning rule.
        // error = label - prediction (+1, -1 or 0). When it is not 0, add
        // learning_rate * error * features to the weights and learning_rate * error to the
        // bias. Return whether there was an error.
        let _ = (perceptron, features, label);
        todo!("task 1: the perceptron update rule")
    }

    fn train_perceptron(perceptron: &mut Perceptron, data: &ToyData, max_epochs: usize) -> usize {
        // TODO (task 2): up to `max_epochs` epochs; in each, call `Self::perceptron_update` on
        // every point in order and count the mistakes. Return the epoch number (1-based) as
        // soon as an epoch had none, or `max_epochs`.
        let _ = (perceptron, data, max_epochs);
        todo!("task 2: train until an epoch makes no mistake")
    }

    fn sigmoid(z: &Tensor) -> Tensor {
        // TODO (task 3): 1 / (1 + exp(-z)), element-wise, with tensor operations
        // (`neg`/`-`, `exp`, `f_add_scalar`, `reciprocal`). Not `z.sigmoid()`: write it out.
        let _ = z;
        todo!("task 3: the sigmoid")
    }

    fn binary_cross_entropy(probabilities: &Tensor, labels: &Tensor) -> Tensor {
        // TODO (task 4): mean over the examples of -(y log p + (1 - y) log(1 - p)).
        // Clamp p into [1e-7, 1 - 1e-7] first so log never sees 0. The result is a scalar
        // tensor (shape []).
        let _ = (probabilities, labels);
        todo!("task 4: binary cross-entropy")
    }

    fn logistic_gradients(
        features: &Tensor,
        labels: &Tensor,
        weights: &Tensor,
        bias: &Tensor,
    ) -> (Tensor, Tensor) {
        // TODO (task 5): the gradients of the mean BCE of p = sigmoid(x @ w + b).
        // Hint: the chain rule through sigmoid and BCE simplifies to dL/dz = (p - y) / n for
        // each row; then dL/dw = x^T (dL/dz) (shape [2]) and dL/db = the sum of dL/dz (shape []).
        let _ = (features, labels, weights, bias);
        todo!("task 5: gradients by hand")
    }
}
