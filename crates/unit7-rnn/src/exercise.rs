//! Unit 7's exercise: your code, where each `todo!()` stands.
//!
//! * `cargo run -p course -- watch unit7` checks your tasks each time you save this file;
//!   `verify unit7` checks them once, `hint unit7` gives a hint.
//! * `cargo run -p unit7-rnn --features exercise --example exercise -- train`
//!   trains with it.
//!
//! This file is compiled only with `--features exercise`: a mistake here never stops the
//! solutions, `make test` or another unit. `cargo run -p course -- reset unit7` brings the
//! stub back.

use crate::{Answers, GruWeights, LstmWeights};
use tch::Tensor;

/// Your answers.
pub struct Exercise;

impl Answers for Exercise {
    fn lstm_cell(x: &Tensor, h: &Tensor, c: &Tensor, weights: &LstmWeights) -> (Tensor, Tensor) {
        // TODO (task 1): one LSTM step. Shapes: x [batch, input], h and c [batch, hidden] ->
        // (h', c'), each [batch, hidden]. The weights stack the rows of four gates, in the
        // order input i, forget f, candidate g, output o (see `LstmWeights`):
        //     [i f g o] = x W_ih^T + b_ih + h W_hh^T + b_hh          [batch, 4 * hidden]
        //     c' = sigmoid(f) * c + sigmoid(i) * tanh(g)
        //     h' = sigmoid(o) * tanh(c')
        // Worth looking up in tch: `Tensor::linear`, `Tensor::chunk`, `sigmoid`, `tanh`.
        let _ = (x, h, c, weights);
        todo!("task 1: one LSTM step")
    }

    fn lstm_over_time(inputs: &Tensor, weights: &LstmWeights) -> Tensor {
        // TODO (task 2): your cell over time. inputs [batch, time, input] -> the h of every
        // step, [batch, time, hidden], starting from h = c = 0. (`hidden` is a dimension of
        // one of the weights.)
        // Worth looking up: `Tensor::zeros`, `Tensor::select`, `Tensor::stack`.
        let _ = (inputs, weights);
        todo!("task 2: the LSTM over a sequence")
    }

    fn mean_over_time(outputs: &Tensor, lengths: &Tensor) -> Tensor {
        // TODO (task 3): the mean over the real steps. outputs [batch, time, features] and
        // lengths [batch] (i64) -> [batch, features]: for sequence b, the mean of outputs[b, t]
        // over the steps t < lengths[b] only; a sequence of length 0 gives zeros, not NaN.
        // Worth looking up: `Tensor::arange`, `lt_tensor`, `unsqueeze`, `sum_dim_intlist`,
        // `clamp_min`.
        let _ = (outputs, lengths);
        todo!("task 3: the mean over the real steps")
    }

    fn reverse_within_length(x: &Tensor, lengths: &Tensor) -> Tensor {
        // TODO (task 4): each sequence reversed within its own length, for the backward direction
        // of a bidirectional LSTM: x [batch, time, features], lengths [batch] (i64) -> the same
        // shape, where step t of sequence b holds x[b, lengths[b] - 1 - t] for t < lengths[b],
        // and the padding steps after the end stay where they are. (Flipping the whole time
        // axis would start the backward LSTM in the padding: the original course's bug.)
        // Worth looking up: `Tensor::arange`, `where_self`, `gather`, `expand`.
        let _ = (x, lengths);
        todo!("task 4: reverse within each length")
    }

    fn gru_cell(x: &Tensor, h: &Tensor, weights: &GruWeights) -> Tensor {
        // TODO (task 6): one GRU step. Shapes: x [batch, input], h [batch, hidden] -> h'
        // [batch, hidden]. The weights stack three gates' rows, in the order reset r, update z,
        // new n (see `GruWeights`); with [a_r a_z a_n] = x W_ih^T + b_ih and
        // [b_r b_z b_n] = h W_hh^T + b_hh:
        //     r = sigmoid(a_r + b_r)        z = sigmoid(a_z + b_z)
        //     n = tanh(a_n + r * b_n)
        //     h' = (1 - z) * n + z * h
        // Worth looking up: `Tensor::linear`, `Tensor::chunk`.
        let _ = (x, h, weights);
        todo!("task 6: one GRU step")
    }

    /// Your settings (not a task): `cargo run -p course -- mine unit7` trains them, records the
    /// run and shows your leaderboard. Choose on validation accuracy; every run you finish shows
    /// you one more test score.
    fn my_settings(seed: u64) -> crate::configs::Settings {
        #[allow(unused_mut)]
        let mut settings = crate::configs::tuned(seed);
        // Change what you like, for example:
        // settings.model.hidden = 96;
        // settings.model.cell = crate::CellKind::Gru;
        // settings.trainer.epochs = 6;
        settings
    }
}
