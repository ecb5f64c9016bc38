//! Unit 6's exercise. Check with `cargo run -p course -- verify unit6` (or `cargo test -p
//! unit6-cnn --features exercise`); train with `cargo run -p unit6-cnn --example exercise --
//! train`.

use crate::{Learner, TimePooling};
use tch::{nn, Tensor};

/// Your answers.
pub struct Exercise;

impl Learner for Exercise {
    fn conv_output_length(input: i64, kernel: i64, stride: i64, padding: i64) -> i64 {
        // TODO (task 1): the input gets `padding` zeros at each end; a window of `kernel`
        // positions starts at 0, then every `stride` positions, while it still fits. How many
        // windows is that? (Integer division rounds down, which is what you want.)
        let _ = (input, kernel, stride, padding);
        todo!("task 1: the output length of a convolution")
    }

    fn conv_branch(
        conv: &nn::Conv1D,
        embedded: &Tensor,
        lengths: &Tensor,
        pooling: TimePooling,
    ) -> Tensor {
        // TODO (task 2):
        // 1. `conv.forward(embedded).relu()` gives [batch, filters, positions] (import
        //    `tch::nn::Module`); the window width is `conv.ws.size()[2]`.
        // 2. Output t is valid when t < max(length - width + 1, 1): build a [batch, 1, positions]
        //    0/1 tensor from `Tensor::arange(positions, ...)` compared (`lt_tensor`) with the
        //    valid counts (`clamp_min(1)`), and multiply. Responses are >= 0 after ReLU, so
        //    zeroing the invalid ones cannot change the max.
        // 3. Max over positions (`amax(2, false)`); for MaxMean also the mean over the valid
        //    positions, concatenated after the max along dimension 1.
        let _ = (conv, embedded, lengths, pooling);
        todo!("task 2: one convolution branch with pooling over time")
    }

    fn all_branches(
        convs: &[nn::Conv1D],
        embedded: &Tensor,
        lengths: &Tensor,
        pooling: TimePooling,
    ) -> Tensor {
        // TODO (task 3): run your `Self::conv_branch` for every conv, and concatenate the
        // results along dimension 1 (`Tensor::cat`), in the order of `convs`.
        let _ = (convs, embedded, lengths, pooling);
        todo!("task 3: all branches, concatenated")
    }
}
