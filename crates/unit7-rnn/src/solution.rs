//! Unit 7's tasks, done. Try `src/exercise.rs` first!

use crate::{Answers, LstmWeights};
use tch::{Kind, Tensor};

/// The reference answers.
pub struct Solution;

impl Answers for Solution {
    fn lstm_cell(x: &Tensor, h: &Tensor, c: &Tensor, weights: &LstmWeights) -> (Tensor, Tensor) {
        let gates =
            x.linear(weights.w_ih, Some(weights.b_ih)) + h.linear(weights.w_hh, Some(weights.b_hh)); // [batch, 4 * hidden]
        let parts = gates.chunk(4, 1);
        let (input, forget, candidate, output) = (&parts[0], &parts[1], &parts[2], &parts[3]);
        // Forget some of the old memory, write some of the new candidate...
        let c_next = forget.sigmoid() * c + input.sigmoid() * candidate.tanh();
        // ...and show some of the memory as the output.
        let h_next = output.sigmoid() * c_next.tanh();
        (h_next, c_next)
    }

    fn lstm_over_time(inputs: &Tensor, weights: &LstmWeights) -> Tensor {
        let (batch, steps) = (inputs.size()[0], inputs.size()[1]);
        let hidden = weights.w_hh.size()[1];
        let mut h = Tensor::zeros([batch, hidden], (inputs.kind(), inputs.device()));
        let mut c = h.zeros_like();
        let mut outputs = Vec::with_capacity(steps as usize);
        for t in 0..steps {
            let x = inputs.select(1, t);
            (h, c) = Self::lstm_cell(&x, &h, &c, weights);
            outputs.push(h.shallow_clone());
        }
        Tensor::stack(&outputs, 1)
    }

    fn mean_over_time(outputs: &Tensor, lengths: &Tensor) -> Tensor {
        let steps = outputs.size()[1];
        let real = Tensor::arange(steps, (Kind::Int64, outputs.device()))
            .unsqueeze(0)
            .lt_tensor(&lengths.unsqueeze(1)) // [batch, time]: step t < length
            .unsqueeze(-1)
            .to_kind(outputs.kind());
        let sums = (outputs * &real).sum_dim_intlist(1, false, outputs.kind());
        // clamp: a sequence with no step divides 0 by 1, not 0 by 0.
        let counts = real
            .sum_dim_intlist(1, false, outputs.kind())
            .clamp_min(1.0);
        sums / counts
    }
}
