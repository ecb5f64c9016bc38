//! Unit 2: neural networks, and the bag-of-words baseline trained by a hand-written loop.
//!
//! * [`model`]: `Linear(10000, 2)` over word counts, the course's baseline, and a small
//!   multilayer perceptron for the XOR warm-up.
//! * [`training`]: the training loop written out step by step (forward, loss, backward, step).
//! * [`program`]: the whole job: read, vectorise, train, predict, write a submission.
//! * [`Answers`]: the parts you write; [`Solution`] has them done, `Exercise` has the TODOs
//!   (`src/exercise.rs`); [`tasks`] checks them.

// Your code: compiled only with `--features exercise`, so a mistake in it never stops the
// solution, `make test` or another unit.
#[cfg(feature = "exercise")]
pub mod exercise;
pub mod model;
pub mod program;
pub mod solution;
pub mod tasks;
pub mod training;

#[cfg(feature = "exercise")]
pub use exercise::Exercise;
pub use solution::Solution;

use tch::nn::{self, Module};
use tch::Tensor;

/// Your answers to unit 2's tasks: the functions you write in `src/exercise.rs` (for
/// `Exercise`); `Solution` has them done in `src/solution.rs`. The unit's models and programs are
/// generic over them, so the same code runs yours or the solution's.
pub trait Answers {
    /// Task 1: softmax. Stated in `src/exercise.rs`.
    fn softmax(logits: &Tensor) -> Tensor;

    /// Task 2: cross-entropy. Stated in `src/exercise.rs`.
    fn cross_entropy(logits: &Tensor, targets: &Tensor) -> Tensor;

    /// Task 3: one training step (forward, loss, zero grad, backward, step).
    /// Stated in `src/exercise.rs`.
    fn training_step<M: Module>(
        model: &M,
        optimizer: &mut nn::Optimizer,
        inputs: &Tensor,
        targets: &Tensor,
    ) -> (f64, i64);

    /// Task 4: validation accuracy over batches. Stated in `src/exercise.rs`.
    fn accuracy<M: Module>(model: &M, batches: &mut dyn Iterator<Item = (Tensor, Tensor)>) -> f64;

    /// Task 5: one epoch of the training loop: shuffled batches, a step on each, the epoch's
    /// training loss and accuracy. Stated in `src/exercise.rs`.
    fn train_epoch<M: Module>(
        model: &M,
        optimizer: &mut nn::Optimizer,
        rows: usize,
        batch_of: &dyn Fn(&[usize]) -> (Tensor, Tensor),
        shuffle: EpochShuffle,
    ) -> (f64, f64);
}

/// How an epoch's rows are shuffled and cut into batches (task 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EpochShuffle {
    pub batch_size: usize,
    /// The run's seed; epoch `epoch` shuffles with `seed + epoch`.
    pub seed: u64,
    /// From 1.
    pub epoch: usize,
}
