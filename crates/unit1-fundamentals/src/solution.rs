//! Unit 1's tasks, done. Try `src/exercise.rs` first!

use crate::perceptron::Perceptron;
use crate::toy_data::ToyData;
use crate::Answers;
use tch::{Kind, Tensor};

/// The reference answers.
pub struct Solution;

impl Answers for Solution {
    fn perceptron_update(perceptron: &mut Perceptron, features: [f64; 2], label: u8) -> bool {
        // error is +1 (said 0, was 1), -1 (said 1, was 0) or 0 (right: nothing to learn).
        let error = label as f64 - perceptron.predict(features) as f64;
        if error == 0.0 {
            return false;
        }
        let step = perceptron.learning_rate * error;
        perceptron.weights[0] += step * features[0];
        perceptron.weights[1] += step * features[1];
        perceptron.bias += step;
        true
    }

    fn train_perceptron(perceptron: &mut Perceptron, data: &ToyData, max_epochs: usize) -> usize {
        for epoch in 1..=max_epochs {
            let mut mistakes = 0;
            for (&point, &label) in data.points.iter().zip(&data.labels) {
                if Self::perceptron_update(perceptron, point, label) {
                    mistakes += 1;
                }
            }
            if mistakes == 0 {
                return epoch; // every point right: more epochs would change nothing
            }
        }
        max_epochs
    }

    fn sigmoid(z: &Tensor) -> Tensor {
        // exp(-z) overflows to infinity for very negative z, and 1 / (1 + inf) = 0: still right.
        (-z).exp().f_add_scalar(1.0).unwrap().reciprocal()
    }

    fn binary_cross_entropy(probabilities: &Tensor, labels: &Tensor) -> Tensor {
        // Clamping keeps log(0) = -inf out when a probability is exactly 0 or 1.
        let p = probabilities.clamp(1e-7, 1.0 - 1e-7);
        let one_minus = |t: &Tensor| t.neg().f_add_scalar(1.0).unwrap();
        let per_example = -(labels * p.log() + one_minus(labels) * one_minus(&p).log());
        per_example.mean(Kind::Float)
    }

    fn logistic_gradients(
        features: &Tensor,
        labels: &Tensor,
        weights: &Tensor,
        bias: &Tensor,
    ) -> (Tensor, Tensor) {
        // For p = sigmoid(z), z = x . w + b and the mean BCE L over n rows, the chain rule
        // collapses to dL/dz = (p - y) / n; then dL/dw = x^T dL/dz and dL/db = sum dL/dz.
        let n = features.size()[0] as f64;
        let probabilities = Self::sigmoid(&(features.matmul(weights) + bias));
        let dz = (probabilities - labels) / n;
        let grad_w = features.transpose(0, 1).matmul(&dz);
        let grad_b = dz.sum(dz.kind());
        (grad_w, grad_b)
    }
}
