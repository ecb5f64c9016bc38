//! Unit 8: attention and the Transformer encoder, written out so every part can be read.
//!
//! Attention lets every word look at every other word of the review and take a weighted
//! average of what it finds: the weights come from how well a word's *query* matches the
//! others' *keys* (scaled dot products, softmax), the average is over their *values*. Several
//! heads do this side by side; positional encodings tell the words where they stand; a
//! key-padding mask keeps padding from being looked at.
//!
//! * [`model`]: embedding + positions -> encoder layers (multi-head self-attention, residual,
//!   layer norm, feed-forward, residual, layer norm) -> mean over the real words -> linear.
//! * [`configs`]: the course's run (faithful: d_model 128, 2 heads, feed-forward 2,048, over
//!   2,200 padded positions, padding averaged in), ours with the course's layer, and a small one.
//! * [`plot`]: one review's attention weights as a PNG.
//! * [`program`]: `train`, shared by both examples.
//! * [`Answers`]: the parts you write; [`Solution`] has them done, `Exercise` has the TODOs
//!   (`src/exercise.rs`); [`tasks`] checks them.

pub mod configs;
// Your code: compiled only with `--features exercise`, so a mistake in it never stops the
// solution, `make test` or another unit.
#[cfg(feature = "exercise")]
pub mod exercise;
pub mod model;
pub mod plot;
pub mod program;
pub mod solution;
pub mod tasks;

#[cfg(feature = "exercise")]
pub use exercise::Exercise;
pub use solution::Solution;

use model::EncoderLayer;
use tch::{nn, Tensor};

/// The four projections of a multi-head attention layer, each `Linear(d_model, d_model)`.
#[derive(Debug)]
pub struct AttentionWeights {
    pub query: nn::Linear,
    pub key: nn::Linear,
    pub value: nn::Linear,
    pub output: nn::Linear,
}

impl AttentionWeights {
    pub fn new(path: &nn::Path, d_model: i64) -> AttentionWeights {
        let linear = |name: &str| nn::linear(path / name, d_model, d_model, Default::default());
        AttentionWeights {
            query: linear("query"),
            key: linear("key"),
            value: linear("value"),
            output: linear("output"),
        }
    }
}

/// Your answers to unit 8's tasks: the functions you write in `src/exercise.rs` (for
/// `Exercise`); `Solution` has them done in `src/solution.rs`. The unit's models and programs are
/// generic over them, so the same code runs yours or the solution's.
pub trait Answers {
    /// Task 1: sinusoidal positional encodings. Stated in `src/exercise.rs`.
    fn sinusoidal_positions(length: i64, d_model: i64) -> Tensor;

    /// Task 2: scaled dot-product attention with a key-padding mask. Stated in `src/exercise.rs`.
    fn attention(
        query: &Tensor,
        key: &Tensor,
        value: &Tensor,
        key_mask: &Tensor,
    ) -> (Tensor, Tensor);

    /// Task 3: multi-head attention. Stated in `src/exercise.rs`.
    fn multi_head_attention(
        x: &Tensor,
        key_mask: &Tensor,
        weights: &AttentionWeights,
        heads: i64,
    ) -> (Tensor, Tensor);

    /// Task 4: the encoder layer: attention and feed-forward, each with a residual and a layer
    /// norm. Stated in `src/exercise.rs`.
    fn encoder_layer(
        x: &Tensor,
        key_mask: &Tensor,
        layer: &EncoderLayer,
        heads: i64,
        dropout: f64,
        train: bool,
    ) -> (Tensor, Tensor);

    /// Your own settings for the unit's model (not a task, nothing checks them): what
    /// `--config mine` trains, and `cargo run -p course -- mine unit8`. Change them to beat your
    /// last score; they start as the `small` preset.
    fn my_settings(seed: u64) -> configs::Settings {
        configs::small(seed)
    }
}

/// `--config mine`: the `my_settings` of your `src/exercise.rs` when it is compiled in (with
/// `--features exercise`), else the solution's (the `small` preset).
pub fn my_settings(seed: u64) -> configs::Settings {
    #[cfg(feature = "exercise")]
    let settings = <Exercise as Answers>::my_settings(seed);
    #[cfg(not(feature = "exercise"))]
    let settings = <Solution as Answers>::my_settings(seed);
    settings
}
