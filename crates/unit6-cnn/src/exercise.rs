//! Unit 6's exercise: your code, where each `todo!()` stands.
//!
//! * `cargo run -p course -- watch unit6` checks your tasks each time you save this file;
//!   `verify unit6` checks them once, `hint unit6` gives a hint.
//! * `cargo run -p unit6-cnn --features exercise --example exercise -- train`
//!   trains with it.
//!
//! This file is compiled only with `--features exercise`: a mistake here never stops the
//! solutions, `make test` or another unit. `cargo run -p course -- reset unit6` brings the
//! stub back.

use crate::{Answers, TimePooling};
use tch::{nn, Tensor};

/// Your answers.
pub struct Exercise;

impl Answers for Exercise {
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
        // TODO (task 2): one branch of the text CNN: the convolution, ReLU, then pooling over time.
        // Only the outputs whose window lies inside the review are valid: output t is valid when t
        // < max(length - width + 1, 1), where width is the window's size. Pool over the valid
        // outputs only: the max (MaxMean: the max and the mean, side by side).
        // Shapes: embedded [batch, dim, positions], lengths [batch] -> [batch, filters] ([batch, 2
        // * filters] for MaxMean).
        // Worth looking up: `nn::Module::forward`, `relu`, the conv's `ws` (its weights),
        // `Tensor::arange`, `lt_tensor`, `amax`.
        let _ = (conv, embedded, lengths, pooling);
        todo!("task 2: one convolution branch with pooling over time")
    }

    fn all_branches(
        convs: &[nn::Conv1D],
        embedded: &Tensor,
        lengths: &Tensor,
        pooling: TimePooling,
    ) -> Tensor {
        // TODO (task 3): every branch (your `Self::conv_branch`), side by side in the order of
        // `convs`.
        // Shapes: -> [batch, sum of the branches' widths].
        // Worth looking up: `Tensor::cat`.
        let _ = (convs, embedded, lengths, pooling);
        todo!("task 3: all branches, concatenated")
    }

    fn conv1d(x: &Tensor, weight: &Tensor, bias: &Tensor, stride: i64, padding: i64) -> Tensor {
        // TODO (task 6): a 1-D convolution from its definition, as libtorch's `conv1d` computes
        // it (no flipped kernel):
        //     y[b, o, t] = bias[o] + sum over c, j of weight[o, c, j] * x_pad[b, c, t * stride + j]
        // where x_pad is x with `padding` zeros at both ends of its last dimension.
        // Shapes: x [batch, channels, length], weight [filters, channels, kernel], bias [filters]
        // -> [batch, filters, outputs], outputs as in your task 1.
        // One way: cut every window out (`unfold`), flatten each window and each filter, and
        // take one matrix product. Not allowed: `conv1d` and its relatives.
        // Worth looking up: `constant_pad_nd`, `unfold`, `permute`, `flatten`, `matmul`.
        let _ = (x, weight, bias, stride, padding);
        todo!("task 6: a convolution from its definition")
    }

    /// Your settings (not a task): `cargo run -p course -- mine unit6` trains them, records the
    /// run and shows your leaderboard. Choose on validation accuracy; every run you finish shows
    /// you one more test score.
    fn my_settings(seed: u64) -> crate::configs::Settings {
        #[allow(unused_mut)]
        let mut settings = crate::configs::tuned(seed);
        // Change what you like, for example:
        // settings.model.filters = 200;
        // settings.model.word_dropout = 0.2;
        // settings.trainer.epochs = 8;
        settings
    }
}
