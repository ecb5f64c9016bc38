//! Unit 1's exercise: your code, where each `todo!()` stands.
//!
//! * `cargo run -p course -- watch unit1` checks your tasks each time you save this file;
//!   `verify unit1` checks them once, `hint unit1` gives a hint.
//! * `cargo run -p unit1-fundamentals --features exercise --example exercise`
//!   runs the unit with your code.
//!
//! This file is compiled only with `--features exercise`: a mistake here never stops the
//! solutions, `make test` or another unit. `cargo run -p course -- reset unit1` brings the
//! stub back.

use crate::perceptron::Perceptron;
use crate::toy_data::ToyData;
use crate::Answers;
use tch::Tensor;

/// Your answers.
pub struct Exercise;

impl Answers for Exercise {
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
        // TODO (task 3): the logistic sigmoid, element-wise: sigmoid(z) = 1 / (1 + exp(-z)).
        // Shapes: z [any] -> the same shape. Write it with tensor operations, not `z.sigmoid()`.
        // Worth looking up: `Tensor::exp`, `Tensor::reciprocal`, the `-` and `+` operators on
        // tensors.
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
        // TODO (task 5): the gradients of the loss L = mean over i of BCE(p_i, y_i), where p_i =
        // sigmoid(x_i . w + b), by hand (the check compares them with autograd's).
        // Shapes: features x [n, 2], labels y [n], weights w [2], bias b [] -> (dL/dw [2], dL/db
        // []). Work the chain rule through the sigmoid and the log: it simplifies a lot.
        let _ = (features, labels, weights, bias);
        todo!("task 5: gradients by hand")
    }
}
