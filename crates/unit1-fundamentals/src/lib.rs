//! Unit 1: deep learning fundamentals.
//!
//! A perceptron in plain Rust (no tensors), then logistic regression with tensors: the gradient
//! first written by hand, then computed by autograd; feature standardisation; the effect of the
//! learning rate; a plot of the data and the learned decision boundary.
//!
//! * [`toy_data`]: the 20-point 2-D dataset everything here learns.
//! * [`perceptron`]: the perceptron and its training loop.
//! * [`logistic`]: logistic regression with tensors, by hand and with autograd.
//! * [`plot`]: the PNG of the points and the decision boundary.
//! * [`Answers`]: the parts you write; [`Solution`] has them done, `Exercise` has the TODOs
//!   (`src/exercise.rs`); [`tasks`] checks them.

// Your code: compiled only with `--features exercise`, so a mistake in it never stops the
// solution, `make test` or another unit.
#[cfg(feature = "exercise")]
pub mod exercise;
pub mod logistic;
pub mod perceptron;
pub mod plot;
pub mod program;
pub mod solution;
pub mod tasks;
pub mod toy_data;

#[cfg(feature = "exercise")]
pub use exercise::Exercise;
pub use solution::Solution;

use perceptron::Perceptron;
use tch::Tensor;
use toy_data::ToyData;

/// Your answers to unit 1's tasks: the functions you write in `src/exercise.rs` (for
/// `Exercise`); `Solution` has them done in `src/solution.rs`. The unit's models and programs are
/// generic over them, so the same code runs yours or the solution's.
pub trait Answers {
    /// Task 1: perceptron update rule. Stated in `src/exercise.rs`.
    fn perceptron_update(perceptron: &mut Perceptron, features: [f64; 2], label: u8) -> bool;

    /// Task 2: stop training when an epoch makes no mistake. Stated in `src/exercise.rs`.
    fn train_perceptron(perceptron: &mut Perceptron, data: &ToyData, max_epochs: usize) -> usize;

    /// Task 3: sigmoid. Stated in `src/exercise.rs`.
    fn sigmoid(z: &Tensor) -> Tensor;

    /// Task 4: binary cross-entropy. Stated in `src/exercise.rs`.
    fn binary_cross_entropy(probabilities: &Tensor, labels: &Tensor) -> Tensor;

    /// Task 5: logistic-regression gradients by hand (numerical gradient check).
    /// Stated in `src/exercise.rs`.
    fn logistic_gradients(
        features: &Tensor,
        labels: &Tensor,
        weights: &Tensor,
        bias: &Tensor,
    ) -> (Tensor, Tensor);
}
