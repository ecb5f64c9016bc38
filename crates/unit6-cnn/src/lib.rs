//! Unit 6: convolutional networks.
//!
//! A convolution slides a small window of weights along the input: over the words of a review
//! (1-D: a filter of width 3 looks at every 3 consecutive words, like a learned trigram
//! detector) or over the pixels of an image (2-D). Pooling then keeps, for each filter, how
//! strongly it fired anywhere in the review.
//!
//! * [`model`]: the course's text CNN: embedding -> Conv1d of widths 3, 4, 5 -> ReLU ->
//!   pooling over time -> concatenation -> dropout -> linear.
//! * [`configs`]: the course's run (faithful: 2,200 padded positions, padding included in the
//!   max) and ours (padding masked, dynamic padding, max and mean pooling, early stopping).
//! * [`images`]: a small 2-D CNN on images of shapes the unit draws itself.
//! * [`program`]: `train` and `images`, shared by both examples.
//! * [`Answers`]: the parts you write; [`Solution`] has them done, `Exercise` has the TODOs
//!   (`src/exercise.rs`); [`tasks`] checks them.

pub mod configs;
// Your code: compiled only with `--features exercise`, so a mistake in it never stops the
// solution, `make test` or another unit.
#[cfg(feature = "exercise")]
pub mod exercise;
pub mod images;
pub mod model;
pub mod program;
pub mod solution;
pub mod tasks;

#[cfg(feature = "exercise")]
pub use exercise::Exercise;
pub use solution::Solution;

use serde::{Deserialize, Serialize};
use tch::{nn, Tensor};

/// How each filter's responses along a review become one number (or two).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum TimePooling {
    /// The strongest response anywhere in the review (the course's global max-pool).
    Max,
    /// The strongest and the average response, side by side (twice as many features).
    MaxMean,
}

impl TimePooling {
    /// How many numbers each filter gives.
    pub fn features_per_filter(self) -> i64 {
        match self {
            TimePooling::Max => 1,
            TimePooling::MaxMean => 2,
        }
    }
}

/// Your answers to unit 6's tasks: the functions you write in `src/exercise.rs` (for
/// `Exercise`); `Solution` has them done in `src/solution.rs`. The unit's models and programs are
/// generic over them, so the same code runs yours or the solution's.
pub trait Answers {
    /// Task 1: the output length of a convolution. Stated in `src/exercise.rs`.
    fn conv_output_length(input: i64, kernel: i64, stride: i64, padding: i64) -> i64;

    /// Task 2: one branch: convolution, ReLU, pooling over the valid positions.
    /// Stated in `src/exercise.rs`.
    fn conv_branch(
        conv: &nn::Conv1D,
        embedded: &Tensor,
        lengths: &Tensor,
        pooling: TimePooling,
    ) -> Tensor;

    /// Task 3: all branches concatenated. Stated in `src/exercise.rs`.
    fn all_branches(
        convs: &[nn::Conv1D],
        embedded: &Tensor,
        lengths: &Tensor,
        pooling: TimePooling,
    ) -> Tensor;

    /// Task 6: a 1-D convolution from its definition. Stated in `src/exercise.rs`.
    fn conv1d(x: &Tensor, weight: &Tensor, bias: &Tensor, stride: i64, padding: i64) -> Tensor;

    /// Your own settings for the unit's model (not a task, nothing checks them): what
    /// `--config mine` trains, and `cargo run -p course -- mine unit6`. Change them to beat your
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
