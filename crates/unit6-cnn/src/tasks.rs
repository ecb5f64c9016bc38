//! The checks of unit 6's tasks, run against [`Solution`](crate::Solution) by `cargo test` and
//! against `Exercise` (`src/exercise.rs`) by `course verify unit6`.

use crate::images::{self, ShapeCnn};
use crate::model::{CnnConfig, TextCnn};
use crate::{Answers, Solution, TimePooling};
use anyhow::{ensure, Result};
use course_core::exercises::{expect_close, MustLearn, Task};
use course_core::prepared::{SequenceDataset, SequenceLayout};
use rand::{Rng, SeedableRng};
use tch::nn::{self, VarStore};
use tch::{Device, Tensor};

const FILE: &str = "crates/unit6-cnn/src/exercise.rs";

/// Unit 6's tasks, in the order a learner does them.
pub fn tasks<A: Answers>() -> Vec<Task> {
    vec![
        Task {
            name: "the output length of a convolution",
            checked_against: "six hand-counted (input, kernel, stride, padding) cases",
            trains: false,
            file: FILE,
            hints: &[
                "Count the windows: see 'Output length' in 'The maths in short' of the unit's README, but try counting first. The input gets padding zeros at each end. A window of kernel positions starts at 0, then every stride positions, as long as it still fits. Integer division rounds down, which is what you want.",
                "The padded input has input + 2 * padding positions; the first window starts at 0.",
                "A window of `kernel` positions fits while its start is at most input + 2 * padding - kernel; starts go by `stride`.",
                "(input + 2 * padding - kernel) / stride + 1",
            ],
            check: output_length::<A>,
        },
        Task {
            name: "one branch: convolution, ReLU, pooling over the valid positions",
            checked_against: "hand-worked Max and MaxMean features of four reviews, known conv",
            trains: true,
            file: FILE,
            hints: &[
                "A branch turns each review into one number per filter: convolution, ReLU, then pooling over time. See 'Pooling over time' in 'The maths in short' of the unit's README. Only some outputs count: output t reads the words t to t + width - 1, so it is valid when t < max(length - width + 1, 1). Pool over the valid outputs only, or the padding decides. ReLU makes every response at least 0: what does zeroing the invalid ones do to the max?",
                "The conv is an `nn::Module`: its `forward` gives [batch, filters, positions], and `relu` follows. The conv's weights `ws` have the shape [filters, dim, width]. `Tensor::arange`, `lt_tensor` and `unsqueeze` build a mask of the valid outputs. `amax` takes the max. For MaxMean, `sum_dim_intlist` and `Tensor::cat` put the mean beside it.",
                "conv.forward(embedded).relu() is [batch, filters, positions]; the width is conv.ws.size()[2].",
                "A [batch, 1, positions] 0/1 mask of valid outputs: arange(positions) compared with (lengths - width + 1).clamp_min(1). ReLU outputs are >= 0, so zeroing the invalid ones cannot change the max.",
                "(responses * mask).amax(2, false); for MaxMean, the mean is the sum over positions divided by the valid count, concatenated after the max along dimension 1.",
            ],
            check: conv_branch::<A>,
        },
        Task {
            name: "all branches concatenated",
            checked_against: "the reference `conv_branch` outputs concatenated, both poolings",
            trains: true,
            file: FILE,
            hints: &[
                "Each branch (one per window width) gives a [batch, features] tensor. The model sets them side by side, in the order of the convs, as one feature vector per review: see 'Pooling over time' in 'The maths in short' of the unit's README, where the widths' outputs are concatenated.",
                "Your `Self::conv_branch` computes one branch. Collect the branches into a Vec, then `Tensor::cat` joins them along dimension 1.",
                "convs.iter().map(|conv| Self::conv_branch(conv, embedded, lengths, pooling)), collected, then Tensor::cat(&branches, 1).",
            ],
            check: all_branches::<A>,
        },
        Task {
            name: "your text CNN tells \"5 6\" from \"6 5\" (a bag of words cannot)",
            checked_against: "≥0.95 validation accuracy on a word-order toy in 6 epochs",
            trains: true,
            file: FILE,
            hints: &[
                "Nothing new to write: this trains your CNN on a toy task where the same words come in two orders. A window of two or more words sees their order, which a bag of words cannot. See 'Exercise' and 'Pooling over time' in 'The maths in short' of the unit's README.",
                "This trains your CNN (tasks 2 and 3) on a toy task: those done right are enough.",
                "Read the error above: pooling over invalid positions lets padding decide.",
            ],
            check: word_order_toy::<A>,
        },
        Task {
            name: "the shapes CNN, sized by your formula, learns squares, discs and crosses",
            checked_against: "≥0.9 validation accuracy of the shapes CNN sized by your formula",
            trains: false,
            file: FILE,
            hints: &[
                "Nothing new to write: this check uses only your task 1. See 'In 2-D' in 'The maths in short' of the unit's README: each block is a 3 x 3 convolution, then a 2 x 2 max-pool that halves each side. Your formula gives the side of the image after each of them, and that sizes the network's last layer.",
                "Per block, the CNN asks your `conv_output_length` twice: a window of 3 with stride 1 and padding 1 (the side stays), then a window of 2 with stride 2 and no padding (the side halves, rounded down).",
                "This sizes a 2-D CNN with your task 1 and trains it: task 1 done right is enough.",
            ],
            check: shapes::<A>,
        },
        Task {
            name: "a 1-D convolution from its definition, against libtorch's conv1d",
            checked_against: "libtorch's `conv1d` at three stride/padding settings",
            trains: false,
            file: FILE,
            hints: &[
                "A convolution scores every window of the padded input with every filter: y[b, o, t] = bias[o] + sum over c, j of weight[o, c, j] * x_pad[b, c, t * stride + j]. See 'A 1-D convolution' in 'The maths in short' of the unit's README. Each output is a dot product between a flattened window and a flattened filter, so all the outputs together are one matrix product.",
                "`constant_pad_nd` pads the last dimension, `unfold` cuts out every window, `permute` and `flatten` lay each window out as one row, `reshape` does the same for the filters, and `matmul` with `tr` multiplies them. Shapes: x [batch, channels, length], weight [filters, channels, kernel] -> [batch, filters, outputs].",
                "Pad first: x.constant_pad_nd([padding, padding]). Then x.unfold(2, kernel, stride) is every window: [batch, channels, outputs, kernel].",
                "Bring the outputs forward and flatten each window: .permute([0, 2, 1, 3]).flatten(2, 3) is [batch, outputs, channels * kernel]; weight.reshape([filters, channels * kernel]) flattens each filter the same way.",
                "(windows.matmul(&filters.tr()) + bias).transpose(1, 2) is [batch, filters, outputs].",
            ],
            check: conv1d::<A>,
        },
    ]
}

fn output_length<A: Answers>() -> Result<()> {
    // (input, kernel, stride, padding) -> windows
    let cases = [
        ((28, 3, 1, 1), 28),
        ((28, 2, 2, 0), 14),
        ((10, 3, 1, 0), 8),
        ((7, 3, 2, 0), 3),
        ((7, 4, 2, 1), 3),
        ((5, 5, 1, 0), 1),
    ];
    for ((input, kernel, stride, padding), expected) in cases {
        let got = A::conv_output_length(input, kernel, stride, padding);
        ensure!(
            got == expected,
            "input {input}, kernel {kernel}, stride {stride}, padding {padding}: {expected} windows, got {got}"
        );
    }
    Ok(())
}

/// A conv of width 2 with two filters: `x_t + x_{t+1}` and `2 x_t`, no bias.
fn known_conv(vars: &VarStore) -> nn::Conv1D {
    let mut conv = nn::conv1d(vars.root() / "c", 1, 2, 2, Default::default());
    tch::no_grad(|| {
        conv.ws
            .copy_(&Tensor::from_slice(&[1.0f32, 1.0, 2.0, 0.0]).view([2, 1, 2]));
        if let Some(bias) = &mut conv.bs {
            let _ = bias.zero_();
        }
    });
    conv
}

/// Four reviews of one-dimensional word vectors, `[4, 1, 5]`, with their lengths. The
/// positions after each review's end hold 100s (or the review's own negative numbers) that must
/// not reach the pooling.
fn known_batch() -> (Tensor, Tensor) {
    let embedded = Tensor::from_slice(&[
        1.0f32, 2.0, 3.0, 100.0, 100.0, // 3 words
        4.0, 0.0, 0.0, 0.0, 0.0, // 1 word, shorter than the window
        -3.0, -4.0, 100.0, 100.0, 100.0, // 2 words, all responses negative
        2.0, -3.0, 1.0, 100.0,
        100.0, // 3 words, responses of both signs (ReLU before pooling)
    ])
    .view([4, 1, 5]);
    (embedded, Tensor::from_slice(&[3i64, 1, 2, 3]))
}

fn conv_branch<A: Answers>() -> Result<()> {
    let vars = VarStore::new(Device::Cpu);
    let conv = known_conv(&vars);
    let (embedded, lengths) = known_batch();
    let max = A::conv_branch(&conv, &embedded, &lengths, TimePooling::Max);
    expect_close(
        "max pooling [filter 1, filter 2] of reviews [1 2 3], [4], [-3 -4], [2 -3 1] (window 2: \
         x_t + x_t+1 and 2 x_t; a review shorter than the window keeps its first output)",
        &max,
        &Tensor::from_slice(&[5.0f32, 4.0, 4.0, 8.0, 0.0, 0.0, 0.0, 4.0]).view([4, 2]),
        1e-5,
    )?;
    let max_mean = A::conv_branch(&conv, &embedded, &lengths, TimePooling::MaxMean);
    expect_close(
        "max-mean pooling [max 1, max 2, mean 1, mean 2] of the same reviews (ReLU, then the \
         mean over the valid outputs only)",
        &max_mean,
        &Tensor::from_slice(&[
            5.0f32, 4.0, 4.0, 3.0, //
            4.0, 8.0, 4.0, 8.0, //
            0.0, 0.0, 0.0, 0.0, //
            0.0, 4.0, 0.0, 2.0,
        ])
        .view([4, 4]),
        1e-5,
    )
}

fn all_branches<A: Answers>() -> Result<()> {
    tch::manual_seed(5);
    let vars = VarStore::new(Device::Cpu);
    let convs: Vec<nn::Conv1D> = [2, 3]
        .iter()
        .map(|&w| nn::conv1d(vars.root() / format!("c{w}"), 4, 3, w, Default::default()))
        .collect();
    let embedded = Tensor::randn([2, 4, 6], tch::kind::FLOAT_CPU);
    let lengths = Tensor::from_slice(&[6i64, 3]);
    for pooling in [TimePooling::Max, TimePooling::MaxMean] {
        let got = A::all_branches(&convs, &embedded, &lengths, pooling);
        let expected = Tensor::cat(
            &[
                Solution::conv_branch(&convs[0], &embedded, &lengths, pooling),
                Solution::conv_branch(&convs[1], &embedded, &lengths, pooling),
            ],
            1,
        );
        expect_close(
            &format!("{pooling:?}: width 2's features, then width 3's"),
            &got,
            &expected,
            1e-5,
        )?;
    }
    Ok(())
}

/// Reviews of random words from 1..20 (never 5 or 6) with "5 6" put in somewhere (positive)
/// or "6 5" (negative): the same words, only their order differs.
fn word_order_reviews(count: usize, seed: u64) -> SequenceDataset {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut sequences = Vec::with_capacity(count);
    let mut labels = Vec::with_capacity(count);
    for i in 0..count {
        let length = rng.random_range(3..20);
        let mut words: Vec<u32> = (0..length)
            .map(|_| loop {
                let w = rng.random_range(1..20u32);
                if w != 5 && w != 6 {
                    break w;
                }
            })
            .collect();
        let at = rng.random_range(0..=words.len());
        let positive = i % 2 == 0;
        let pair = if positive { [5, 6] } else { [6, 5] };
        words.splice(at..at, pair);
        sequences.push(words);
        labels.push(positive as i64);
    }
    SequenceDataset {
        sequences,
        labels: Some(labels),
        layout: SequenceLayout::dynamic(100),
    }
}

fn word_order_toy<A: Answers>() -> Result<()> {
    let train = word_order_reviews(1_000, 1);
    let validation = word_order_reviews(300, 2);
    let config = CnnConfig {
        vocab_size: 20,
        dim: 8,
        widths: vec![2, 3],
        filters: 8,
        pooling: TimePooling::Max,
        mask_padding: true,
        dropout: 0.0,
        word_dropout: 0.0,
    };
    let must = MustLearn {
        epochs: 6,
        lr: 1e-2,
        seed: 4,
        at_least: 0.95,
    };
    must.check("", &train, &validation, |path| {
        TextCnn::<A>::new(path, &config)
    })
}

fn shapes<A: Answers>() -> Result<()> {
    let train = images::draw_shapes(1_000, 1);
    let validation = images::draw_shapes(250, 2);
    let must = MustLearn {
        epochs: 8,
        lr: 5e-3,
        seed: 1,
        at_least: 0.9,
    };
    must.check(" on the shapes", &train, &validation, |path| {
        ShapeCnn::<A>::new(path)
    })
}

fn conv1d<A: Answers>() -> Result<()> {
    tch::manual_seed(6);
    let f = tch::kind::FLOAT_CPU;
    // 2 reviews of 7 positions with 3 channels; 4 filters of width 3.
    let x = Tensor::randn([2, 3, 7], f);
    let weight = Tensor::randn([4, 3, 3], f);
    let bias = Tensor::randn([4], f);
    for (stride, padding) in [(1, 0), (1, 1), (2, 1)] {
        let expected = x.conv1d(&weight, Some(&bias), [stride], [padding], [1], 1);
        expect_close(
            &format!(
                "3 channels, 4 filters of width 3, stride {stride}, padding {padding}, against \
                 libtorch's conv1d"
            ),
            &A::conv1d(&x, &weight, &bias, stride, padding),
            &expected,
            1e-4,
        )?;
    }
    Ok(())
}
