//! Unit 8's tasks, done. Try `src/exercise.rs` first!

use crate::model::EncoderLayer;
use crate::{Answers, AttentionWeights};
use tch::nn::Module;
use tch::{Kind, Tensor};

/// The reference answers.
pub struct Solution;

impl Answers for Solution {
    fn sinusoidal_positions(length: i64, d_model: i64) -> Tensor {
        let options = (Kind::Float, tch::Device::Cpu);
        let positions = Tensor::arange(length, options).unsqueeze(1); // [length, 1]
                                                                      // 1 / 10000^(2i / d_model) for i = 0 .. d_model / 2
        let frequencies = (Tensor::arange_start_step(0, d_model, 2, options)
            * (-(10_000f64.ln()) / d_model as f64))
            .exp(); // [d_model / 2]
        let angles = positions * frequencies.unsqueeze(0); // [length, d_model / 2]
                                                           // Interleave: column 2i = sin, column 2i + 1 = cos.
        Tensor::stack(&[angles.sin(), angles.cos()], 2).view([length, d_model])
    }

    fn attention(
        query: &Tensor,
        key: &Tensor,
        value: &Tensor,
        key_mask: &Tensor,
    ) -> (Tensor, Tensor) {
        let d_head = query.size()[3] as f64;
        // [b, h, q, k]: how well each query matches each key.
        let scores = query.matmul(&key.transpose(-2, -1)) / d_head.sqrt();
        // Padding keys get -inf, so softmax gives them weight 0.
        let padding = key_mask.logical_not().unsqueeze(1).unsqueeze(1); // [b, 1, 1, k]
        let weights = scores
            .masked_fill(&padding, f64::NEG_INFINITY)
            .softmax(-1, Kind::Float);
        // A review of padding only has every score at -inf: softmax gives NaN there; use 0.
        let weights = weights.nan_to_num(0.0, 0.0, 0.0);
        (weights.matmul(value), weights)
    }

    fn multi_head_attention(
        x: &Tensor,
        key_mask: &Tensor,
        weights: &AttentionWeights,
        heads: i64,
    ) -> (Tensor, Tensor) {
        let (batch, length, d_model) = (x.size()[0], x.size()[1], x.size()[2]);
        let d_head = d_model / heads;
        // [b, length, d_model] -> [b, heads, length, d_head]
        let split = |t: Tensor| t.view([batch, length, heads, d_head]).transpose(1, 2);
        let query = split(weights.query.forward(x));
        let key = split(weights.key.forward(x));
        let value = split(weights.value.forward(x));
        let (attended, attention) = Self::attention(&query, &key, &value, key_mask);
        // Heads back side by side: [b, heads, length, d_head] -> [b, length, d_model]
        let merged = attended
            .transpose(1, 2)
            .contiguous()
            .view([batch, length, d_model]);
        (weights.output.forward(&merged), attention)
    }

    fn encoder_layer(
        x: &Tensor,
        key_mask: &Tensor,
        layer: &EncoderLayer,
        heads: i64,
        dropout: f64,
        train: bool,
    ) -> (Tensor, Tensor) {
        // Post-norm, as the original paper and PyTorch's default: each block's output is added
        // back to its input (the residual), then normalised.
        let (attended, weights) = Self::multi_head_attention(x, key_mask, &layer.attention, heads);
        let x = (x + attended.dropout(dropout, train)).apply(&layer.norm_attention);
        let expanded = layer.expand.forward(&x).relu().dropout(dropout, train);
        let x = (&x + layer.contract.forward(&expanded).dropout(dropout, train))
            .apply(&layer.norm_feed_forward);
        (x, weights)
    }
}
