//! Unit 8's exercise: your code, where each `todo!()` stands.
//!
//! * `cargo run -p course -- watch unit8` checks your tasks each time you save this file;
//!   `verify unit8` checks them once, `hint unit8` gives a hint.
//! * `cargo run -p unit8-transformers --features exercise --example exercise -- train`
//!   trains with it.
//!
//! This file is compiled only with `--features exercise`: a mistake here never stops the
//! solutions, `make test` or another unit. `cargo run -p course -- reset unit8` brings the
//! stub back.

use crate::model::EncoderLayer;
use crate::{Answers, AttentionWeights};
use tch::Tensor;

/// Your answers.
pub struct Exercise;

impl Answers for Exercise {
    fn sinusoidal_positions(length: i64, d_model: i64) -> Tensor {
        // TODO (task 1): the sinusoidal positional encodings of "Attention Is All You Need": row p
        // (the position) and columns 2i, 2i + 1 hold
        //     PE[p, 2i]     = sin(p / 10000^(2i / d_model))
        //     PE[p, 2i + 1] = cos(p / 10000^(2i / d_model))
        // Shapes: -> [length, d_model] floats (d_model is even).
        // Worth looking up: `Tensor::arange`, `Tensor::arange_start_step`, `exp`, `sin`, `cos`,
        // `Tensor::stack`, `view`.
        let _ = (length, d_model);
        todo!("task 1: sinusoidal positional encodings")
    }

    fn attention(
        query: &Tensor,
        key: &Tensor,
        value: &Tensor,
        key_mask: &Tensor,
    ) -> (Tensor, Tensor) {
        // TODO (task 2): scaled dot-product attention with a key-padding mask:
        //     weights = softmax(Q K^T / sqrt(d_head)) over the keys,   output = weights V
        // Padding keys must get weight 0. A review of padding only has no key to attend to: its
        // weights are 0 too (not NaN).
        // Shapes: query, key, value [batch, heads, length, d_head], key_mask [batch, length] (true
        // on real tokens) -> (output [batch, heads, length, d_head], weights [batch, heads, length,
        // length]).
        // Worth looking up: `matmul`, `transpose`, `masked_fill`, `softmax`, `nan_to_num`.
        let _ = (query, key, value, key_mask);
        todo!("task 2: scaled dot-product attention with a key-padding mask")
    }

    fn multi_head_attention(
        x: &Tensor,
        key_mask: &Tensor,
        weights: &AttentionWeights,
        heads: i64,
    ) -> (Tensor, Tensor) {
        // TODO (task 3): multi-head attention: project x to queries, keys and values
        // (`weights.query`, `weights.key`, `weights.value`), split each into `heads` heads of
        // d_head = d_model / heads, attend in every head at once (your `Self::attention`), join the
        // heads back and apply `weights.output`.
        // Shapes: x [batch, length, d_model] -> (output [batch, length, d_model], the attention
        // weights [batch, heads, length, length]).
        // Worth looking up: `nn::Module::forward`, `view`, `transpose`, `contiguous`.
        let _ = (x, key_mask, weights, heads);
        todo!("task 3: multi-head attention")
    }

    fn encoder_layer(
        x: &Tensor,
        key_mask: &Tensor,
        layer: &EncoderLayer,
        heads: i64,
        dropout: f64,
        train: bool,
    ) -> (Tensor, Tensor) {
        // TODO (task 4): one encoder layer, post-norm as in the original paper (and PyTorch's
        // default): x [batch, length, d_model] -> (the same shape, the attention weights of your
        // task 3).
        //     a  = multi-head attention of x (your task 3, with key_mask and `heads`)
        //     x1 = LayerNorm_attention(x + dropout(a))                 the first residual
        //     f  = contract(dropout(relu(expand(x1))))                 the feed-forward block
        //     x2 = LayerNorm_feed_forward(x1 + dropout(f))             the second residual
        // Dropout with probability `dropout` only when `train` (`Tensor::dropout` takes both).
        // The layer's parts are the fields of `layer`; a layer norm or linear layer is applied
        // with `apply` or `forward` (`tch::nn::Module`).
        let _ = (x, key_mask, layer, heads, dropout, train);
        todo!("task 4: the encoder layer")
    }

    /// Your settings (not a task): `cargo run -p course -- mine unit8` trains them, records the
    /// run and shows your leaderboard. Choose on validation accuracy; every run you finish shows
    /// you one more test score.
    fn my_settings(seed: u64) -> crate::configs::Settings {
        #[allow(unused_mut)]
        let mut settings = crate::configs::small(seed);
        // Change what you like, for example:
        // settings.model.layers = 2;
        // settings.model.feed_forward = 512;
        // settings.trainer.epochs = 6;
        settings
    }
}
