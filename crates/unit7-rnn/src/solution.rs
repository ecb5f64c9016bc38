//! Unit 7's tasks, done. Try `src/exercise.rs` first!

use crate::{Answers, GruWeights, LstmWeights};
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

    fn reverse_within_length(x: &Tensor, lengths: &Tensor) -> Tensor {
        // Step t of a sequence of length L reads step L - 1 - t; steps after the end stay put.
        let steps = x.size()[1];
        let t = Tensor::arange(steps, (Kind::Int64, x.device())).unsqueeze(0); // [1, time]
        let lengths = lengths.to_device(x.device()).unsqueeze(1); // [batch, 1]
        let mirrored = &lengths - 1 - &t;
        let source = mirrored.where_self(&t.lt_tensor(&lengths), &t); // [batch, time]
        x.gather(1, &source.unsqueeze(-1).expand(x.size(), false), false)
    }

    fn gru_cell(x: &Tensor, h: &Tensor, weights: &GruWeights) -> Tensor {
        let from_x = x.linear(weights.w_ih, Some(weights.b_ih)).chunk(3, 1);
        let from_h = h.linear(weights.w_hh, Some(weights.b_hh)).chunk(3, 1);
        let reset = (&from_x[0] + &from_h[0]).sigmoid();
        let update = (&from_x[1] + &from_h[1]).sigmoid();
        // The reset gate scales the state's part of the candidate (its bias included).
        let candidate = (&from_x[2] + reset * &from_h[2]).tanh();
        // update near 1 keeps the old state, near 0 takes the candidate.
        &update * h + (-&update + 1.0) * candidate
    }
}
