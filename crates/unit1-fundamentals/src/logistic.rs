//! Logistic regression with tensors: `p = sigmoid(x . w + b)`, trained by mini-batch gradient
//! descent on the binary cross-entropy, first with the gradient written by hand, then with
//! autograd computing it. Both take the learner's [`Answers`] functions.

use crate::Answers;
use tch::{Kind, Tensor};

/// The weights `[2]` and the bias `[]`.
#[derive(Debug)]
pub struct LogisticRegression {
    pub weights: Tensor,
    pub bias: Tensor,
}

impl LogisticRegression {
    /// Starts at zero, as the course does.
    pub fn new(n_features: i64) -> LogisticRegression {
        LogisticRegression {
            weights: Tensor::zeros([n_features], (Kind::Float, tch::Device::Cpu)),
            bias: Tensor::zeros([], (Kind::Float, tch::Device::Cpu)),
        }
    }

    /// The probability of class 1 for every row of `features`.
    pub fn probabilities<A: Answers>(&self, features: &Tensor) -> Tensor {
        A::sigmoid(&(features.matmul(&self.weights) + &self.bias))
    }

    /// Accuracy with the threshold at 0.5.
    pub fn accuracy<A: Answers>(&self, features: &Tensor, labels: &Tensor) -> f64 {
        let predicted = self
            .probabilities::<A>(features)
            .gt(0.5)
            .to_kind(Kind::Float);
        predicted
            .eq_tensor(labels)
            .to_kind(Kind::Float)
            .mean(Kind::Float)
            .double_value(&[])
    }

    /// The mean binary cross-entropy on `features`.
    pub fn loss<A: Answers>(&self, features: &Tensor, labels: &Tensor) -> f64 {
        A::binary_cross_entropy(&self.probabilities::<A>(features), labels).double_value(&[])
    }

    /// The decision boundary `w0 x + w1 y + b = 0` as `[w0, w1, b]`.
    pub fn boundary(&self) -> [f64; 3] {
        let w = Vec::<f64>::try_from(self.weights.to_kind(Kind::Double)).unwrap_or_default();
        [w[0], w[1], self.bias.double_value(&[])]
    }
}

/// How to train.
#[derive(Debug, Clone, Copy)]
pub struct Training {
    pub learning_rate: f64,
    pub epochs: usize,
    pub batch_size: i64,
    pub seed: i64,
}

impl Default for Training {
    /// The course's unit 1: SGD, learning rate 0.05, 20 epochs, batches of 10.
    fn default() -> Self {
        Training {
            learning_rate: 0.05,
            epochs: 20,
            batch_size: 10,
            seed: 1,
        }
    }
}

/// The batches of one epoch, shuffled by a seed.
fn batches(n_rows: i64, batch_size: i64, seed: i64) -> Vec<Tensor> {
    tch::manual_seed(seed);
    Tensor::randperm(n_rows, (Kind::Int64, tch::Device::Cpu)).split(batch_size, 0)
}

/// Gradient descent with the learner's hand-written gradients. Returns the model and the loss on
/// the whole data after every epoch.
pub fn train_by_hand<A: Answers>(
    features: &Tensor,
    labels: &Tensor,
    training: Training,
) -> (LogisticRegression, Vec<f64>) {
    let mut model = LogisticRegression::new(features.size()[1]);
    let mut losses = Vec::with_capacity(training.epochs);
    for epoch in 0..training.epochs {
        let seed = training.seed + epoch as i64;
        for rows in batches(features.size()[0], training.batch_size, seed) {
            let (x, y) = (
                features.index_select(0, &rows),
                labels.index_select(0, &rows),
            );
            let (grad_w, grad_b) = A::logistic_gradients(&x, &y, &model.weights, &model.bias);
            // Step against the gradient.
            model.weights = &model.weights - grad_w * training.learning_rate;
            model.bias = &model.bias - grad_b * training.learning_rate;
        }
        losses.push(model.loss::<A>(features, labels));
    }
    (model, losses)
}

/// The same training, but autograd computes the gradients from the learner's sigmoid and
/// binary cross-entropy: same batches, same result as [`train_by_hand`] when both are right.
pub fn train_with_autograd<A: Answers>(
    features: &Tensor,
    labels: &Tensor,
    training: Training,
) -> (LogisticRegression, Vec<f64>) {
    let mut model = LogisticRegression::new(features.size()[1]);
    let mut losses = Vec::with_capacity(training.epochs);
    for epoch in 0..training.epochs {
        let seed = training.seed + epoch as i64;
        for rows in batches(features.size()[0], training.batch_size, seed) {
            let (x, y) = (
                features.index_select(0, &rows),
                labels.index_select(0, &rows),
            );
            let weights = model.weights.detach().set_requires_grad(true);
            let bias = model.bias.detach().set_requires_grad(true);
            let probabilities = A::sigmoid(&(x.matmul(&weights) + &bias));
            let loss = A::binary_cross_entropy(&probabilities, &y);
            loss.backward(); // fills weights.grad() and bias.grad()
            tch::no_grad(|| {
                model.weights = &weights - weights.grad() * training.learning_rate;
                model.bias = &bias - bias.grad() * training.learning_rate;
            });
        }
        losses.push(model.loss::<A>(features, labels));
    }
    (model, losses)
}
