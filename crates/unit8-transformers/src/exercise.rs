//! Unit 8's exercise. Check with `cargo run -p course -- verify unit8` (or `cargo test -p
//! unit8-transformers --features exercise`); train with `cargo run -p unit8-transformers
//! --example exercise -- train`.

use crate::{AttentionWeights, Learner};
use tch::Tensor;

/// Your answers.
pub struct Exercise;

impl Learner for Exercise {
    fn sinusoidal_positions(length: i64, d_model: i64) -> Tensor {
        // TODO (task 1): positions p = 0..length as a [length, 1] float column
        // (`Tensor::arange`); frequencies 1 / 10000^(2i / d_model) for 2i = 0, 2, 4, ...
        // (`Tensor::arange_start_step(0, d_model, 2, ...)`, then `exp` of a multiple of it);
        // angles = p * frequency, [length, d_model / 2]. Column 2i is sin(angle_i), column
        // 2i + 1 is cos(angle_i): `Tensor::stack(&[sin, cos], 2)` then `view([length, d_model])`
        // interleaves them.
        let _ = (length, d_model);
        todo!("task 1: sinusoidal positional encodings")
    }

    fn attention(
        query: &Tensor,
        key: &Tensor,
        value: &Tensor,
        key_mask: &Tensor,
    ) -> (Tensor, Tensor) {
        // TODO (task 2): scores = query @ key^T / sqrt(d_head) (`matmul`, `transpose(-2, -1)`),
        // [batch, heads, length, length]. Padding keys must get weight 0: fill their scores with
        // -inf (`masked_fill` with the mask's negation, shaped [batch, 1, 1, length]) before
        // `softmax(-1, ...)`. A review of padding only then has NaN weights (0 / 0): replace
        // them by 0 (`nan_to_num`). Return (weights @ value, weights).
        let _ = (query, key, value, key_mask);
        todo!("task 2: scaled dot-product attention with a key-padding mask")
    }

    fn multi_head_attention(
        x: &Tensor,
        key_mask: &Tensor,
        weights: &AttentionWeights,
        heads: i64,
    ) -> (Tensor, Tensor) {
        // TODO (task 3): queries, keys and values are `weights.query.forward(x)` etc. (import
        // `tch::nn::Module`), each [batch, length, d_model]. Split each into heads:
        // `view([batch, length, heads, d_head])` then `transpose(1, 2)`. Run your
        // `Self::attention`, undo the split (`transpose(1, 2)`, `contiguous()`,
        // `view([batch, length, d_model])`), and apply `weights.output`.
        let _ = (x, key_mask, weights, heads);
        todo!("task 3: multi-head attention")
    }
}
