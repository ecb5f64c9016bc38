//! The checks of unit 7's tasks, run against [`Solution`](crate::Solution) by `cargo test` and
//! against `Exercise` (`src/exercise.rs`) by `course verify unit7`.

use crate::model::{Recurrent, RnnClassifier, RnnConfig, TimePooling};
use crate::{Answers, CellKind, GruWeights, LstmWeights, Solution};
use anyhow::{ensure, Result};
use course_core::exercises::{expect_close, MustLearn, Task};
use course_core::prepared::{SequenceDataset, SequenceLayout};
use rand::{Rng, SeedableRng};
use tch::nn::VarStore;
use tch::{Device, Kind, Tensor};

const FILE: &str = "crates/unit7-rnn/src/exercise.rs";

/// Unit 7's tasks, in the order a learner does them.
pub fn tasks<A: Answers>() -> Vec<Task> {
    vec![
        Task {
            name: "one LSTM step, from its equations",
            checked_against: "libtorch's `lstm_cell` on the same weights",
            trains: true,
            file: FILE,
            hints: &[
                "An LSTM step updates a memory c and an output h through four gates: see 'LSTM' in 'The maths in short' of the unit's README. The input, forget and output gates go through a sigmoid, into (0, 1), and the candidate through tanh, into (-1, 1). The new memory forgets some of the old one and writes some of the candidate, and h shows some of the new memory. The weights stack the four gates' rows in the order i, f, g, o.",
                "Compute all four gates in one go: one product for x, one for h, added, then split into four. `linear` computes x W^T + b in one call, `chunk` splits along a dimension, and `sigmoid` and `tanh` squash.",
                "x.linear(weights.w_ih, Some(weights.b_ih)) is x W_ih^T + b_ih; .chunk(4, 1) splits [batch, 4 * hidden] into i, f, g, o.",
                "c' = f.sigmoid() * c + i.sigmoid() * g.tanh(); h' = o.sigmoid() * c'.tanh()",
            ],
            check: lstm_cell::<A>,
        },
        Task {
            name: "your cell over a sequence matches libtorch's LSTM",
            checked_against: "libtorch's `lstm` over six steps on the same weights",
            trains: true,
            file: FILE,
            hints: &[
                "An LSTM over a sequence is your cell, step after step: start from h = c = 0, give step t's input and the previous h and c to the cell, and keep every new h. See 'LSTM' in 'The maths in short' of the unit's README. The result lays the kept h's along the time dimension.",
                "`Tensor::zeros` makes the start (with the inputs' kind and device), `select` takes one time step, your `Self::lstm_cell` does a step, and `Tensor::stack` lays tensors along a new dimension. The hidden size is one of the dimensions of `weights.w_hh`.",
                "Start h and c as zeros of [batch, hidden], hidden = weights.w_hh.size()[1], with the inputs' kind and device.",
                "For t in 0..time, inputs.select(1, t) is step t, [batch, input]: update (h, c) with Self::lstm_cell and keep h.",
                "Tensor::stack(&kept, 1) lays the kept h's along dimension 1: [batch, time, hidden].",
            ],
            check: lstm_over_time::<A>,
        },
        Task {
            name: "the mean over the real steps of each sequence",
            checked_against: "hand-worked means over 2, 3 and 0 steps",
            trains: true,
            file: FILE,
            hints: &[
                "The mean over time of each sequence, over its real steps only: step t of sequence b counts when t < lengths[b]. See 'Pooling over time' in 'The maths in short' of the unit's README (as in unit 5). A sequence of length 0 would give 0 / 0: divide by at least 1, and it gives zeros.",
                "`Tensor::arange`, `lt_tensor` and `unsqueeze` build the mask, `to_kind` makes it floats, `sum_dim_intlist` sums over time (dimension 1), and `clamp_min` sets the lower bound.",
                "Make a mask of the real steps, [batch, time]: step t of sequence b counts when t < lengths[b].",
                "Tensor::arange(time, (Kind::Int64, device)).unsqueeze(0).lt_tensor(&lengths.unsqueeze(1)) is that mask; .to_kind(Kind::Float).unsqueeze(-1) makes it [batch, time, 1].",
                "(outputs * &mask) summed over dimension 1, divided by the mask summed over dimension 1 and clamped to at least 1.",
            ],
            check: mean_over_time::<A>,
        },
        Task {
            name: "each review reversed within its own length",
            checked_against: "hand-worked reversals and libtorch's packed bidirectional LSTM",
            trains: true,
            file: FILE,
            hints: &[
                "The backward direction of a bidirectional LSTM must read each review from its last real word back to its first: see 'Bidirectional' in 'The maths in short' of the unit's README. Flipping the whole time axis would start it in the padding. Instead, step t of sequence b reads step lengths[b] - 1 - t while t < lengths[b], and the padding steps stay where they are.",
                "`Tensor::arange` gives the step numbers and `lt_tensor` compares them with the lengths. `where_self` picks from two tensors by a condition, `gather` reads along dimension 1 by index, and `expand` repeats an index over the features.",
                "For each step t and sequence b, the step to read from: lengths[b] - 1 - t while t < lengths[b], else t itself. Build it as a [batch, time] i64 tensor.",
                "t = Tensor::arange(time, (Kind::Int64, device)).unsqueeze(0); lengths.unsqueeze(1); mirrored = &lengths - 1 - &t; source = mirrored.where_self(&t.lt_tensor(&lengths), &t).",
                "x.gather(1, &source.unsqueeze(-1).expand(x.size(), false), false) reads those steps for every feature.",
            ],
            check: reverse_within_length::<A>,
        },
        Task {
            name: "a bidirectional LSTM of your cell and pooling finds where the word 3 is",
            checked_against: "≥0.9 validation accuracy on a word-position toy in 8 epochs",
            trains: true,
            file: FILE,
            hints: &[
                "Nothing new to write: this trains a bidirectional LSTM built from your tasks 1-4 on a toy task where the answer depends on where the word 3 stands. See 'Bidirectional' and 'Pooling over time' in 'The maths in short' of the unit's README. Each direction must start at the right end of the real words, and the pooling must ignore the padding.",
                "This trains a bidirectional LSTM made of your cell (tasks 1-2), your reversal (task 4) and your mean (task 3): with those right it learns.",
                "If it does not, read the error above: a mean that counts padded steps, or gives NaN for empty sequences, is the usual cause.",
            ],
            check: position_toy::<A>,
        },
        Task {
            name: "one GRU step, from its equations",
            checked_against: "libtorch's `gru_cell` on the same weights",
            trains: false,
            file: FILE,
            hints: &[
                "A GRU step has two gates and no separate memory: see 'GRU' in 'The maths in short' of the unit's README. The reset gate r decides how much of the old state enters the candidate n. The update gate z mixes old and new: h' = (1 - z) n + z h, so z near 1 keeps the old state. The weights stack three parts in the order r, z, n.",
                "As in the LSTM: `linear` gives x W_ih^T + b_ih (and the same for h) in one call, and `chunk` splits each into three. Then `sigmoid` for the gates and `tanh` for the candidate.",
                "Two products, each split in three: x.linear(weights.w_ih, Some(weights.b_ih)).chunk(3, 1) and the same for h with w_hh and b_hh.",
                "r and z add the two parts and take a sigmoid; n = (a_n + r * b_n).tanh(): the reset gate scales only h's part, its bias included.",
                "h' = &z * h + (-&z + 1.0) * n (tch has tensor - number, not number - tensor).",
            ],
            check: gru_cell::<A>,
        },
    ]
}

/// Random LSTM weights for `input` -> `hidden`, seeded.
fn random_weights(input: i64, hidden: i64, seed: i64) -> [Tensor; 4] {
    tch::manual_seed(seed);
    let f = tch::kind::FLOAT_CPU;
    [
        Tensor::randn([4 * hidden, input], f) * 0.5,
        Tensor::randn([4 * hidden, hidden], f) * 0.5,
        Tensor::randn([4 * hidden], f) * 0.5,
        Tensor::randn([4 * hidden], f) * 0.5,
    ]
}

fn view(w: &[Tensor; 4]) -> LstmWeights<'_> {
    LstmWeights {
        w_ih: &w[0],
        w_hh: &w[1],
        b_ih: &w[2],
        b_hh: &w[3],
    }
}

fn lstm_cell<A: Answers>() -> Result<()> {
    let weights = random_weights(3, 2, 1);
    let x = Tensor::randn([4, 3], tch::kind::FLOAT_CPU);
    let h = Tensor::randn([4, 2], tch::kind::FLOAT_CPU);
    let c = Tensor::randn([4, 2], tch::kind::FLOAT_CPU);
    let (h_next, c_next) = A::lstm_cell(&x, &h, &c, &view(&weights));
    // libtorch's own LSTM cell, on the same weights.
    let (h_ref, c_ref) = x.lstm_cell(
        &[&h, &c],
        &weights[0],
        &weights[1],
        Some(&weights[2]),
        Some(&weights[3]),
    );
    expect_close(
        "c' (the new memory), against libtorch's lstm_cell",
        &c_next,
        &c_ref,
        1e-5,
    )?;
    expect_close(
        "h' (the new output), against libtorch's lstm_cell",
        &h_next,
        &h_ref,
        1e-5,
    )
}

fn lstm_over_time<A: Answers>() -> Result<()> {
    let weights = random_weights(3, 5, 2);
    let inputs = Tensor::randn([2, 6, 3], tch::kind::FLOAT_CPU);
    let outputs = A::lstm_over_time(&inputs, &view(&weights));
    ensure!(
        outputs.size() == [2, 6, 5],
        "outputs must be [batch 2, time 6, hidden 5], got {:?}",
        outputs.size()
    );
    let h0 = Tensor::zeros([1, 2, 5], tch::kind::FLOAT_CPU);
    let (expected, _, _) = inputs.lstm(
        &[&h0, &h0.zeros_like()],
        &[&weights[0], &weights[1], &weights[2], &weights[3]],
        true,
        1,
        0.0,
        false,
        false,
        true,
    );
    expect_close(
        "the outputs of 6 steps, against libtorch's LSTM on the same weights",
        &outputs,
        &expected,
        1e-5,
    )
}

fn mean_over_time<A: Answers>() -> Result<()> {
    // 3 sequences of up to 3 steps, 2 features; after each end the outputs hold 1000s.
    let outputs = Tensor::from_slice(&[
        1.0f32, 2.0, 3.0, 4.0, 1000.0, 1000.0, // 2 steps
        5.0, 6.0, 7.0, 8.0, 9.0, 10.0, // 3 steps
        1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0, // none
    ])
    .view([3, 3, 2]);
    let lengths = Tensor::from_slice(&[2i64, 3, 0]);
    let mean = A::mean_over_time(&outputs, &lengths);
    expect_close(
        "means over 2, 3 and 0 steps (no step: zeros, not NaN)",
        &mean,
        &Tensor::from_slice(&[2.0f32, 3.0, 7.0, 8.0, 0.0, 0.0]).view([3, 2]),
        1e-5,
    )
}

fn reverse_within_length<A: Answers>() -> Result<()> {
    // 3 sequences of up to 4 steps, 1 feature; the padding holds 100s that must stay put.
    let x = Tensor::from_slice(&[
        1.0f32, 2.0, 3.0, 100.0, // length 3
        4.0, 5.0, 6.0, 7.0, // length 4
        8.0, 100.0, 100.0, 100.0, // length 1
    ])
    .view([3, 4, 1]);
    let lengths = Tensor::from_slice(&[3i64, 4, 1]);
    let reversed = A::reverse_within_length(&x, &lengths);
    expect_close(
        "[1 2 3 pad], [4 5 6 7], [8 pad pad pad] reversed within lengths 3, 4 and 1 (the padding \
         stays after the end)",
        &reversed,
        &Tensor::from_slice(&[
            3.0f32, 2.0, 1.0, 100.0, 7.0, 6.0, 5.0, 4.0, 8.0, 100.0, 100.0, 100.0,
        ])
        .view([3, 4, 1]),
        0.0,
    )?;
    // Several features: every feature of a step moves with it.
    let wide = Tensor::arange(12, (Kind::Float, Device::Cpu)).view([2, 3, 2]);
    let lengths = Tensor::from_slice(&[2i64, 3]);
    expect_close(
        "2 sequences of 2 features, lengths 2 and 3 (each step's features move together)",
        &A::reverse_within_length(&wide, &lengths),
        &Solution::reverse_within_length(&wide, &lengths),
        0.0,
    )?;
    // The bidirectional LSTM of your cell (tasks 1-2) and reversal against libtorch's over
    // packed sequences, on the same weights.
    tch::manual_seed(0);
    let vars = VarStore::new(Device::Cpu);
    let layer = Recurrent::new(&vars.root(), 3, 4, CellKind::Lstm, true);
    let inputs = Tensor::randn([3, 5, 3], (Kind::Float, Device::Cpu));
    let lengths = Tensor::from_slice(&[2i64, 5, 1]);
    expect_close(
        "a bidirectional LSTM of your cell and reversal, against libtorch's over packed \
         sequences of lengths 2, 5 and 1",
        &layer.by_hand::<A>(&inputs, &lengths),
        &layer.packed(&inputs, &lengths),
        1e-5,
    )
}

/// Sequences of random words from 4..12 with the word 3 in the first half (label 1) or the
/// second half (label 0) of the sequence: the label is where, not whether.
fn position_sequences(count: usize, seed: u64) -> SequenceDataset {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut sequences = Vec::with_capacity(count);
    let mut labels = Vec::with_capacity(count);
    for i in 0..count {
        let length = rng.random_range(4..16usize);
        let mut words: Vec<u32> = (0..length).map(|_| rng.random_range(4..12)).collect();
        let early = i % 2 == 0;
        let half = length / 2;
        let at = if early {
            rng.random_range(0..half)
        } else {
            rng.random_range(length - half..length)
        };
        words[at] = 3;
        sequences.push(words);
        labels.push(early as i64);
    }
    SequenceDataset {
        sequences,
        labels: Some(labels),
        layout: SequenceLayout::dynamic(100),
    }
}

fn position_toy<A: Answers>() -> Result<()> {
    let train = position_sequences(1_000, 1);
    let validation = position_sequences(300, 2);
    let config = RnnConfig {
        vocab_size: 12,
        dim: 8,
        cell: CellKind::Lstm,
        hidden: 16,
        bidirectional: true,
        pooling: TimePooling::Mean,
        dropout: 0.0,
        word_dropout: 0.0,
        lstm_by_hand: Some(true),
    };
    let must = MustLearn {
        epochs: 8,
        lr: 1e-2,
        seed: 4,
        at_least: 0.9,
    };
    must.check("", &train, &validation, |path| {
        RnnClassifier::<A>::new(path, &config)
    })
}

fn gru_cell<A: Answers>() -> Result<()> {
    tch::manual_seed(6);
    let f = tch::kind::FLOAT_CPU;
    let (input, hidden) = (3, 2);
    let weights = [
        Tensor::randn([3 * hidden, input], f) * 0.5,
        Tensor::randn([3 * hidden, hidden], f) * 0.5,
        Tensor::randn([3 * hidden], f) * 0.5,
        Tensor::randn([3 * hidden], f) * 0.5,
    ];
    let x = Tensor::randn([4, input], f);
    let h = Tensor::randn([4, hidden], f);
    let view = GruWeights {
        w_ih: &weights[0],
        w_hh: &weights[1],
        b_ih: &weights[2],
        b_hh: &weights[3],
    };
    let h_next = A::gru_cell(&x, &h, &view);
    // libtorch's own GRU cell, on the same weights.
    let expected = x.gru_cell(
        &h,
        &weights[0],
        &weights[1],
        Some(&weights[2]),
        Some(&weights[3]),
    );
    expect_close(
        "h' of 4 rows, against libtorch's gru_cell (gates in the order r, z, n)",
        &h_next,
        &expected,
        1e-5,
    )
}
