//! Unit 4: optimising neural networks.
//!
//! The course's MLP on 2,000-word bags of words (`2000 -> 10 -> ReLU -> 2`, SGD lr 0.001: badly
//! under-trained) and the tools that fix it: optimisers (SGD, momentum, Adam, AdamW) and weight
//! decay, learning-rate schedules, a learning-rate finder, batch norm, dropout, early stopping,
//! and a small hyper-parameter search.
//!
//! * [`model`]: the MLP, configurable from the course's to the tuned one.
//! * [`configs`]: the faithful (course) and the tuned runs.
//! * [`search`]: grid and random search over learning rate, weight decay and dropout.
//! * [`program`]: `train`, `lr-find` and `search`, shared by both examples.
//! * [`Learner`]: the parts you write; [`Solution`] has them done, `Exercise` has the TODOs
//!   (`src/exercise.rs`); [`tasks`] checks them.
//!
//! The learning-rate finder itself lives in the shared library
//! ([`course_core::training::lr_finder`]) so later units can use it too.

pub mod configs;
// Your code: compiled only with `--features exercise`, so a mistake in it never stops the
// solution, `make test` or another unit.
#[cfg(feature = "exercise")]
pub mod exercise;
pub mod model;
pub mod program;
pub mod search;
pub mod solution;
pub mod tasks;

#[cfg(feature = "exercise")]
pub use exercise::Exercise;
pub use solution::Solution;

use model::HiddenLayer;
use search::{SearchSpace, Trial};
use tch::Tensor;

/// The learner's part of unit 4.
pub trait Learner {
    /// Task 1. Linear warm-up then cosine decay: the rate at `step` (0-based) of `total_steps`.
    /// During the first `warmup_steps` steps it rises linearly to `peak_lr`, reaching
    /// `peak_lr * (step + 1) / warmup_steps`; afterwards it follows half a cosine from `peak_lr`
    /// down to `min_lr` at the last step.
    fn warmup_cosine_lr(
        step: usize,
        total_steps: usize,
        warmup_steps: usize,
        peak_lr: f64,
        min_lr: f64,
    ) -> f64;

    /// Task 2. One hidden block of the MLP: linear layer, then batch norm (if the layer has
    /// one), then ReLU, then dropout (only while training).
    fn hidden_block(layer: &HiddenLayer, xs: &Tensor, train: bool) -> Tensor;

    /// Task 3. Every combination of the space's learning rates, weight decays and dropouts
    /// (a grid), learning rate varying slowest and dropout fastest.
    fn grid(space: &SearchSpace) -> Vec<Trial>;
}
