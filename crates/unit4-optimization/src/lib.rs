//! Unit 4: optimising neural networks.
//!
//! The course's MLP on 2,000-word bags of words (`2000 -> 10 -> ReLU -> 2`, SGD lr 0.001: badly
//! under-trained) and the tools that fix it: optimisers (SGD, momentum, Adam, AdamW) and weight
//! decay, learning-rate schedules, a learning-rate finder, batch norm, dropout, early stopping,
//! and a small hyper-parameter search.
//!
//! * [`model`]: the MLP, configurable from the course's to the tuned one.
//! * [`configs`]: the faithful (course) and the tuned runs.
//! * [`optimisers`]: the state and settings of the optimisers you write by hand (tasks 4-5).
//! * [`search`]: grid and random search over learning rate, weight decay and dropout.
//! * [`program`]: `train`, `lr-find` and `search`, shared by both examples.
//! * [`Answers`]: the parts you write; [`Solution`] has them done, `Exercise` has the TODOs
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
pub mod optimisers;
pub mod program;
pub mod search;
pub mod solution;
pub mod tasks;

#[cfg(feature = "exercise")]
pub use exercise::Exercise;
pub use solution::Solution;

use model::HiddenLayer;
use optimisers::{AdamSettings, AdamState};
use search::{SearchSpace, Trial};
use tch::Tensor;

/// Your answers to unit 4's tasks: the functions you write in `src/exercise.rs` (for
/// `Exercise`); `Solution` has them done in `src/solution.rs`. The unit's models and programs are
/// generic over them, so the same code runs yours or the solution's.
pub trait Answers {
    /// Task 1: warm-up + cosine learning-rate schedule. Stated in `src/exercise.rs`.
    fn warmup_cosine_lr(
        step: usize,
        total_steps: usize,
        warmup_steps: usize,
        peak_lr: f64,
        min_lr: f64,
    ) -> f64;

    /// Task 2: hidden block: linear, batch norm, ReLU, dropout. Stated in `src/exercise.rs`.
    fn hidden_block(layer: &HiddenLayer, xs: &Tensor, train: bool) -> Tensor;

    /// Task 3: the search grid. Stated in `src/exercise.rs`.
    fn grid(space: &SearchSpace) -> Vec<Trial>;

    /// Task 4: one step of SGD with momentum: the new parameter; `velocity` is updated in
    /// place. Stated in `src/exercise.rs`.
    fn sgd_momentum_step(
        param: &Tensor,
        grad: &Tensor,
        velocity: &mut Tensor,
        lr: f64,
        momentum: f64,
    ) -> Tensor;

    /// Task 5: one step of Adam (or AdamW, `settings.decoupled`): the new parameter; `state` is
    /// updated in place. Stated in `src/exercise.rs`.
    fn adam_step(
        param: &Tensor,
        grad: &Tensor,
        state: &mut AdamState,
        settings: &AdamSettings,
    ) -> Tensor;

    /// Task 6: the learning-rate finder's suggestion from its loss curve. Stated in
    /// `src/exercise.rs`.
    fn lr_suggestion(lrs: &[f64], losses: &[f64]) -> f64;

    /// Your own settings for the unit's model (not a task, nothing checks them): what
    /// `--config mine` trains, and `cargo run -p course -- mine unit4`. Change them to beat your
    /// last score; they start as the `tuned` preset.
    fn my_settings(seed: u64) -> configs::Settings {
        configs::tuned(seed)
    }
}

/// `--config mine`: the `my_settings` of your `src/exercise.rs` when it is compiled in (with
/// `--features exercise`), else the solution's (the `tuned` preset).
pub fn my_settings(seed: u64) -> configs::Settings {
    #[cfg(feature = "exercise")]
    let settings = <Exercise as Answers>::my_settings(seed);
    #[cfg(not(feature = "exercise"))]
    let settings = <Solution as Answers>::my_settings(seed);
    settings
}
