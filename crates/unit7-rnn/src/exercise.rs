//! Unit 7's exercise. Check with `cargo run -p course -- verify unit7` (or `cargo test -p
//! unit7-rnn --features exercise`); train with `cargo run -p unit7-rnn --example exercise --
//! train`.

use crate::{Learner, LstmWeights};
use tch::Tensor;

/// Your answers.
pub struct Exercise;

impl Learner for Exercise {
    fn lstm_cell(x: &Tensor, h: &Tensor, c: &Tensor, weights: &LstmWeights) -> (Tensor, Tensor) {
        // TODO (task 1): all four gates at once: `x.linear(weights.w_ih, Some(weights.b_ih))`
        // plus the same for `h` with `w_hh` and `b_hh` gives [batch, 4 * hidden]; `chunk(4, 1)`
        // splits it into input, forget, candidate and output, in that order. Then
        // c' = sigmoid(forget) * c + sigmoid(input) * tanh(candidate)
        // h' = sigmoid(output) * tanh(c')
        let _ = (x, h, c, weights);
        todo!("task 1: one LSTM step")
    }

    fn lstm_over_time(inputs: &Tensor, weights: &LstmWeights) -> Tensor {
        // TODO (task 2): start from zeros h and c of [batch, hidden] (hidden is
        // `weights.w_hh.size()[1]`); for each step t, `inputs.select(1, t)` is [batch, input]:
        // update (h, c) with your `Self::lstm_cell` and keep h. `Tensor::stack(&kept, 1)` gives
        // [batch, time, hidden].
        let _ = (inputs, weights);
        todo!("task 2: the LSTM over a sequence")
    }

    fn mean_over_time(outputs: &Tensor, lengths: &Tensor) -> Tensor {
        // TODO (task 3): a [batch, time, 1] mask of 0/1 floats, 1 where step t < the length
        // (`Tensor::arange(time, ...)`, `lt_tensor`, `unsqueeze`); sum outputs * mask over
        // dimension 1 and divide by the mask's sum clamped to at least 1.
        let _ = (outputs, lengths);
        todo!("task 3: the mean over the real steps")
    }
}
