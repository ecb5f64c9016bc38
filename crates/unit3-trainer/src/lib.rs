//! Unit 3: the trainer and experiment tracking.
//!
//! Unit 2 wrote the training loop by hand. Here the same bag-of-words model is trained by the
//! course's [`Trainer`](course_core::training::Trainer), which plays the part Lightning plays in
//! the original course: the model only says how to compute logits ([`Model::forward`]), and the
//! trainer does batching, optimisation, validation, checkpoints, early stopping and logging. Every
//! run gets a folder (`runs/unit3/<name>/`) with its config, metrics, TensorBoard events, plot,
//! checkpoints and submission: the part W&B plays.
//!
//! * [`model`]: the bag-of-words classifier as a trainer [`Model`] (the solution's).
//! * [`configs`]: the two vocabularies and the run's settings.
//! * [`program`]: the whole run, shared by both examples and the tests.
//! * [`Answers`]: the parts you write; [`Solution`] has them done, `Exercise` has the TODOs
//!   (`src/exercise.rs`); [`tasks`] checks them.

// Your code: compiled only with `--features exercise`, so a mistake in it never stops the
// solution, `make test` or another unit.
pub mod configs;
#[cfg(feature = "exercise")]
pub mod exercise;
pub mod model;
pub mod program;
pub mod solution;
pub mod tasks;

pub use course_core::training::Model;
#[cfg(feature = "exercise")]
pub use exercise::Exercise;
pub use solution::Solution;

use course_core::training::{EarlyStopping, RunDecisions, TrainerConfig, ValidationScores};
use tch::{nn, Tensor};

/// Your answers to unit 3's tasks: the functions you write in `src/exercise.rs` (for
/// `Exercise`); `Solution` has them done in `src/solution.rs`. The unit's models and programs are
/// generic over them, so the same code runs yours or the solution's.
pub trait Answers {
    /// The bag-of-words classifier: word counts `[batch, n_features]` -> logits `[batch, 2]`.
    type Model: Model<Input = Tensor>;

    /// Tasks 1 and 2: the model's layer: Linear(n_features, 2); the model's forward pass.
    /// Stated in `src/exercise.rs`.
    fn new_model(path: &nn::Path, n_features: usize) -> Self::Model;

    /// Task 3: the course's run settings. Stated in `src/exercise.rs`.
    fn trainer_config(seed: u64) -> TrainerConfig;

    /// Task 5: the trainer's decisions over a run: the best checkpoint's epoch and where early
    /// stopping ends the run. Stated in `src/exercise.rs`.
    fn run_decisions(epochs: &[ValidationScores], early: Option<&EarlyStopping>) -> RunDecisions;
}
