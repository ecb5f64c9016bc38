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
//! * [`Learner`]: the parts you write; [`Solution`] has them done, `Exercise` has the TODOs
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

/// The learner's part of unit 8.
pub trait Learner {
    /// Task 1. The sinusoidal positional encodings `[length, d_model]` of "Attention Is All You
    /// Need": for position `p` and `i < d_model / 2`, column `2i` holds
    /// `sin(p / 10000^(2i / d_model))` and column `2i + 1` holds `cos` of the same angle.
    fn sinusoidal_positions(length: i64, d_model: i64) -> Tensor;

    /// Task 2. Scaled dot-product attention. `query`, `key`, `value` are `[batch, heads, length,
    /// d_head]`; `key_mask` `[batch, length]` is true for real words. Returns the output
    /// `[batch, heads, length, d_head]` and the weights `[batch, heads, length, length]`
    /// (softmax over the keys of `query . key / sqrt(d_head)`, padding keys weighted 0). A
    /// review with no real word gets weights and outputs of zeros, not NaN.
    fn attention(
        query: &Tensor,
        key: &Tensor,
        value: &Tensor,
        key_mask: &Tensor,
    ) -> (Tensor, Tensor);

    /// Task 3. Multi-head self-attention over `x` `[batch, length, d_model]`: project to queries,
    /// keys and values, split `d_model` into `heads` heads of `d_model / heads`, your
    /// [`Learner::attention`], put the heads back side by side and apply the output projection.
    /// Returns `[batch, length, d_model]` and the weights `[batch, heads, length, length]`.
    fn multi_head_attention(
        x: &Tensor,
        key_mask: &Tensor,
        weights: &AttentionWeights,
        heads: i64,
    ) -> (Tensor, Tensor);
}
