//! The checks of unit 8's tasks, run against [`Solution`](crate::Solution) by `cargo test` and
//! against `Exercise` (`src/exercise.rs`) by `course verify unit8`.

use crate::model::{EncoderLayer, Positions, TransformerClassifier, TransformerConfig};
use crate::{Answers, AttentionWeights, Solution};
use anyhow::{ensure, Result};
use course_core::exercises::{expect_close, MustLearn, Task};
use course_core::prepared::{SequenceDataset, SequenceLayout};
use rand::{Rng, SeedableRng};
use tch::nn::{Module, VarStore};
use tch::{Device, Kind, Tensor};

const FILE: &str = "crates/unit8-transformers/src/exercise.rs";

/// Unit 8's tasks, in the order a learner does them.
pub fn tasks<A: Answers>() -> Vec<Task> {
    vec![
        Task {
            name: "sinusoidal positional encodings",
            checked_against: "sin/cos values computed in plain f64 for 5 positions",
            trains: true,
            file: FILE,
            hints: &[
                "Attention ignores word order, so each position gets a vector of sines and cosines at different frequencies: see 'Positions' in 'The maths in short' of the unit's README. Column 2i holds sin(p / 10000^(2i / d_model)) and column 2i + 1 the cos of the same angle. Every angle is a position times a frequency: can you get them all from one product?",
                "Positions as a [length, 1] column and frequencies 1 / 10000^(2i / d_model) as a [d_model / 2] row: their product is every angle, [length, d_model / 2].",
                "`Tensor::arange` gives the positions and `Tensor::arange_start_step` the even column numbers 0, 2, 4 and so on. `exp`, `sin` and `cos` work element by element. `Tensor::stack` on a new last dimension, then `view`, interleaves two tensors.",
                "The frequencies: exp(arange_start_step(0, d_model, 2) * (-ln(10000) / d_model)).",
                "Tensor::stack(&[angles.sin(), angles.cos()], 2).view([length, d_model]) interleaves sin and cos.",
            ],
            check: positions::<A>,
        },
        Task {
            name: "scaled dot-product attention with a key-padding mask",
            checked_against: "attention written out with loops, also at large scores; weights sum to 1, empty rows 0",
            trains: true,
            file: FILE,
            hints: &[
                "Attention mixes the values, weighted by how well each query matches each key: softmax(Q K^T / sqrt(d_head)) V, with the softmax over the keys. See 'Attention' in 'The maths in short' of the unit's README. Padding keys get a score of minus infinity, so softmax gives them weight 0. A review of padding only has no key left: softmax gives NaN there, and it must become 0.",
                "`matmul` and `transpose` give Q K^T, `masked_fill` sets the padding's scores, `softmax` runs over the last dimension, and `nan_to_num` cleans the empty rows. The mask is [batch, length]: `logical_not` and `unsqueeze` turn it into the padding as [batch, 1, 1, length], which broadcasts over heads and queries.",
                "scores = query.matmul(&key.transpose(-2, -1)) / sqrt(d_head): [batch, heads, length, length].",
                "The mask as [batch, 1, 1, length]: masked_fill(&mask.logical_not(), f64::NEG_INFINITY) before softmax(-1, Kind::Float).",
                "nan_to_num(0.0, None, None) turns the NaN rows (no real key) into 0; return (weights.matmul(value), weights).",
            ],
            check: attention::<A>,
        },
        Task {
            name: "multi-head attention",
            checked_against: "the reference `attention` per head, then the output projection",
            trains: true,
            file: FILE,
            hints: &[
                "Multi-head attention runs several smaller attentions side by side: see 'Multi-head' in 'The maths in short' of the unit's README. Project x to queries, keys and values, and cut each projection's d_model features into heads of d_head = d_model / heads. Attend in every head at once, then set the heads back side by side and mix them with the output projection.",
                "The four projections are the linear layers `weights.query`, `weights.key`, `weights.value` and `weights.output`, each run with `forward`. `view` and `transpose` move the heads into a dimension of their own, [batch, heads, length, d_head], the shape your `Self::attention` takes. A transposed tensor needs `contiguous` before `view`.",
                "Each projection is weights.query.forward(x) etc., [batch, length, d_model].",
                "Split: .view([batch, length, heads, d_head]).transpose(1, 2) gives [batch, heads, length, d_head].",
                "Join: .transpose(1, 2).contiguous().view([batch, length, d_model]), then weights.output.forward(..).",
            ],
            check: multi_head::<A>,
        },
        Task {
            name: "the encoder layer: attention, residuals, layer norms, feed-forward",
            checked_against: "a reference layer with the same seed, in training mode (dropout's places) and not",
            trains: true,
            file: FILE,
            hints: &[
                "An encoder layer is two blocks: multi-head attention, then a feed-forward network (expand, ReLU, contract). See 'An encoder layer' in 'The maths in short' of the unit's README. Each block's output goes through dropout, is added back to the block's input (the residual), and is then normalised (post-norm). Dropout also follows the ReLU, and it only acts while training.",
                "Two blocks, each: compute it, add the block's input back (the residual), then that block's layer norm.",
                "Your `Self::multi_head_attention` on `layer.attention` gives the attended tensor and the weights. The other parts are the fields `norm_attention`, `expand`, `contract` and `norm_feed_forward` of `layer`, run with `apply` or `forward`. `dropout` takes the probability and the training flag.",
                "let x1 = (x + attended.dropout(dropout, train)).apply(&layer.norm_attention);",
                "let f = layer.contract.forward(&layer.expand.forward(&x1).relu().dropout(dropout, train)); let x2 = (&x1 + f.dropout(dropout, train)).apply(&layer.norm_feed_forward);",
            ],
            check: encoder_layer::<A>,
        },
        Task {
            name: "your encoder finds where the word 3 stands (it needs the positions)",
            checked_against: "≥0.9 validation accuracy on a word-position toy in 8 epochs",
            trains: true,
            file: FILE,
            hints: &[
                "Nothing new to write: this trains an encoder made of your tasks 1-4 on a toy task where only the positions tell the classes apart. See 'Positions' in 'The maths in short' of the unit's README: attention alone ignores word order.",
                "This trains an encoder with your tasks 1-4 on a toy task where only positions tell: those done right are enough.",
                "Read the error above: without positions (task 1) the encoder cannot tell where a word stands.",
            ],
            check: position_toy::<A>,
        },
    ]
}

fn positions<A: Answers>() -> Result<()> {
    let (length, d_model) = (5i64, 6i64);
    let got = A::sinusoidal_positions(length, d_model);
    let mut expected = Vec::new();
    for p in 0..length {
        for column in 0..d_model {
            let i = (column / 2) as f64;
            let angle = p as f64 / 10_000f64.powf(2.0 * i / d_model as f64);
            expected.push(if column % 2 == 0 {
                angle.sin()
            } else {
                angle.cos()
            } as f32);
        }
    }
    expect_close(
        "positions 0-4, d_model 6 (columns: sin, cos, sin, cos, sin, cos)",
        &got,
        &Tensor::from_slice(&expected).view([length, d_model]),
        1e-5,
    )
}

/// Attention written out with loops over numbers, for `[b, h, t, d]` tensors.
fn attention_by_loops(q: &Tensor, k: &Tensor, v: &Tensor, mask: &[Vec<bool>]) -> Result<Tensor> {
    let [b, h, t, d] = <[i64; 4]>::try_from(q.size()).expect("4 dimensions");
    let read = |x: &Tensor| -> Result<Vec<f64>> {
        Ok(Vec::<f64>::try_from(
            x.to_kind(Kind::Double).flatten(0, -1),
        )?)
    };
    let (q, k, v) = (read(q)?, read(k)?, read(v)?);
    let at = |x: &[f64], bi: i64, hi: i64, ti: i64, di: i64| {
        x[(((bi * h + hi) * t + ti) * d + di) as usize]
    };
    let mut out = vec![0f32; (b * h * t * d) as usize];
    for bi in 0..b {
        for hi in 0..h {
            for i in 0..t {
                let scores: Vec<Option<f64>> = (0..t)
                    .map(|j| {
                        mask[bi as usize][j as usize].then(|| {
                            (0..d)
                                .map(|c| at(&q, bi, hi, i, c) * at(&k, bi, hi, j, c))
                                .sum::<f64>()
                                / (d as f64).sqrt()
                        })
                    })
                    .collect();
                let top = scores.iter().flatten().cloned().fold(f64::MIN, f64::max);
                let total: f64 = scores.iter().flatten().map(|s| (s - top).exp()).sum();
                for (j, score) in scores.iter().enumerate() {
                    let Some(score) = score else { continue };
                    let weight = (score - top).exp() / total;
                    for c in 0..d {
                        out[(((bi * h + hi) * t + i) * d + c) as usize] +=
                            (weight * at(&v, bi, hi, j as i64, c)) as f32;
                    }
                }
            }
        }
    }
    Ok(Tensor::from_slice(&out).view([b, h, t, d]))
}

fn attention<A: Answers>() -> Result<()> {
    tch::manual_seed(3);
    let f = tch::kind::FLOAT_CPU;
    let (q, k) = (
        Tensor::randn([2, 2, 4, 3], f),
        Tensor::randn([2, 2, 4, 3], f),
    );
    let v = Tensor::randn([2, 2, 4, 3], f);
    // Review 0: 3 real words then padding; review 1: padding only. The padding's values are
    // huge, so a padding key with any weight shows.
    let _ = v.narrow(0, 0, 1).narrow(2, 3, 1).fill_(1000.0);
    let _ = v.narrow(0, 1, 1).fill_(1000.0);
    let mask_rows = vec![vec![true, true, true, false], vec![false; 4]];
    let mask =
        Tensor::from_slice(&[true, true, true, false, false, false, false, false]).view([2, 4]);
    let (output, weights) = A::attention(&q, &k, &v, &mask);
    ensure!(
        weights.size() == [2, 2, 4, 4],
        "weights must be [batch, heads, queries, keys] = [2, 2, 4, 4], got {:?}",
        weights.size()
    );
    let sums = weights
        .narrow(0, 0, 1)
        .sum_dim_intlist(-1, false, Kind::Float);
    expect_close(
        "each query's weights over review 0's keys sum to 1",
        &sums,
        &sums.ones_like(),
        1e-5,
    )?;
    expect_close(
        "the weights of review 1 (no real word): zeros, not NaN",
        &weights.narrow(0, 1, 1),
        &weights.narrow(0, 1, 1).zeros_like(),
        1e-6,
    )?;
    expect_close(
        "the output, against attention written out with loops (padding keys weigh 0)",
        &output,
        &attention_by_loops(&q, &k, &v, &mask_rows)?,
        1e-4,
    )?;
    // Large scores (the queries x 200: scores in the hundreds): exp overflows float32 past about
    // 88, so a softmax must subtract the largest score first, as `softmax` does.
    let loud = &q * 200.0;
    let (output, _) = A::attention(&loud, &k, &v, &mask);
    expect_close(
        "the output at large scores (queries x 200, scores past 88 where exp overflows float32: \
         softmax subtracts each row's largest score first; use `softmax`, not exp / sum)",
        &output.narrow(0, 0, 1),
        &attention_by_loops(&loud, &k, &v, &mask_rows)?.narrow(0, 0, 1),
        1e-3,
    )
}

fn multi_head<A: Answers>() -> Result<()> {
    tch::manual_seed(4);
    let vars = VarStore::new(Device::Cpu);
    let (d_model, heads) = (8i64, 2i64);
    let weights = AttentionWeights::new(&vars.root(), d_model);
    let x = Tensor::randn([2, 5, d_model], tch::kind::FLOAT_CPU);
    let mask = Tensor::from_slice(&[
        true, true, true, true, true, true, true, false, false, false,
    ])
    .view([2, 5]);
    let (got, maps) = A::multi_head_attention(&x, &mask, &weights, heads);
    ensure!(
        got.size() == [2, 5, d_model] && maps.size() == [2, heads, 5, 5],
        "output must be [2, 5, 8] and weights [2, 2, 5, 5]; got {:?} and {:?}",
        got.size(),
        maps.size()
    );
    // Head h uses columns h * 4 .. h * 4 + 4 of the projections, cut out by `narrow`.
    let d_head = d_model / heads;
    let (q, k, v) = (
        weights.query.forward(&x),
        weights.key.forward(&x),
        weights.value.forward(&x),
    );
    let per_head: Vec<Tensor> = (0..heads)
        .map(|h| {
            let cut = |t: &Tensor| t.narrow(2, h * d_head, d_head).unsqueeze(1);
            Solution::attention(&cut(&q), &cut(&k), &cut(&v), &mask)
                .0
                .squeeze_dim(1)
        })
        .collect();
    let expected = weights.output.forward(&Tensor::cat(&per_head, 2));
    expect_close(
        "multi-head attention of 2 heads over d_model 8",
        &got,
        &expected,
        1e-5,
    )
}

/// An encoder layer of d_model 8, 2 heads and feed-forward 16, whose layer norms have weights
/// and biases of their own (not the 1s and 0s they start with), so that each norm shows where
/// it is used.
fn known_layer(vars: &VarStore) -> EncoderLayer {
    let config = TransformerConfig {
        d_model: 8,
        heads: 2,
        feed_forward: 16,
        ..TransformerConfig::course()
    };
    let layer = EncoderLayer::new(&vars.root(), &config);
    tch::no_grad(|| {
        for (offset, norm) in [
            (0.5, &layer.norm_attention),
            (2.0, &layer.norm_feed_forward),
        ] {
            for t in norm.ws.iter().chain(norm.bs.iter()) {
                t.shallow_clone()
                    .copy_(&(Tensor::randn_like(t) * 0.5 + offset));
            }
        }
    });
    layer
}

/// The encoder layer written with libtorch's own functions, without dropout.
fn reference_layer(x: &Tensor, mask: &Tensor, layer: &EncoderLayer) -> Tensor {
    let norm = |t: &Tensor, n: &tch::nn::LayerNorm| {
        t.layer_norm([8], n.ws.as_ref(), n.bs.as_ref(), 1e-5, false)
    };
    let linear = |t: &Tensor, l: &tch::nn::Linear| t.linear(&l.ws, l.bs.as_ref());
    let (attended, _) = Solution::multi_head_attention(x, mask, &layer.attention, 2);
    let x1 = norm(&(x + attended), &layer.norm_attention);
    let feed_forward = linear(&linear(&x1, &layer.expand).relu(), &layer.contract);
    norm(&(&x1 + feed_forward), &layer.norm_feed_forward)
}

/// [`reference_layer`] in training mode with dropout `p`: its random masks drawn in the order
/// the layer needs them (the attention's output, inside the feed-forward block, its output).
fn reference_layer_training(x: &Tensor, mask: &Tensor, layer: &EncoderLayer, p: f64) -> Tensor {
    let norm = |t: &Tensor, n: &tch::nn::LayerNorm| {
        t.layer_norm([8], n.ws.as_ref(), n.bs.as_ref(), 1e-5, false)
    };
    let linear = |t: &Tensor, l: &tch::nn::Linear| t.linear(&l.ws, l.bs.as_ref());
    let (attended, _) = Solution::multi_head_attention(x, mask, &layer.attention, 2);
    let x1 = norm(&(x + attended.dropout(p, true)), &layer.norm_attention);
    let inner = linear(&x1, &layer.expand).relu().dropout(p, true);
    let feed_forward = linear(&inner, &layer.contract).dropout(p, true);
    norm(&(&x1 + feed_forward), &layer.norm_feed_forward)
}

fn encoder_layer<A: Answers>() -> Result<()> {
    let _serial = course_core::device::exclusive_torch_rng();
    tch::manual_seed(8);
    let vars = VarStore::new(Device::Cpu);
    let layer = known_layer(&vars);
    let x = Tensor::randn([2, 5, 8], tch::kind::FLOAT_CPU);
    let mask = Tensor::from_slice(&[true, true, true, true, true, true, true, true, false, false])
        .view([2, 5]);
    let expected = reference_layer(&x, &mask, &layer);
    let (evaluated, weights) = A::encoder_layer(&x, &mask, &layer, 2, 0.5, false);
    ensure!(
        weights.size() == [2, 2, 5, 5],
        "the attention weights should be your task 3's, [2, 2, 5, 5]; got {:?}",
        weights.size()
    );
    expect_close(
        "evaluation (no dropout): x1 = norm_attention(x + attention), then \
         norm_feed_forward(x1 + contract(relu(expand(x1))))",
        &evaluated,
        &expected,
        1e-4,
    )?;
    let (without_dropout, _) = A::encoder_layer(&x, &mask, &layer, 2, 0.0, true);
    expect_close(
        "training with dropout 0 (the same numbers as evaluation)",
        &without_dropout,
        &expected,
        1e-4,
    )?;
    let (with_dropout, _) = A::encoder_layer(&x, &mask, &layer, 2, 0.5, true);
    let change = (&with_dropout - &expected).abs().max().double_value(&[]);
    ensure!(
        change > 1e-3,
        "training with dropout 0.5 gave the evaluation's numbers: apply dropout(dropout, train) \
         to the attention, inside the feed-forward block and to its output"
    );
    // Where the dropout goes: the same seed draws the same masks, in the order the layer needs
    // them, so the numbers must match the reference's exactly.
    tch::manual_seed(21);
    let (yours, _) = A::encoder_layer(&x, &mask, &layer, 2, 0.5, true);
    tch::manual_seed(21);
    let expected = reference_layer_training(&x, &mask, &layer, 0.5);
    expect_close(
        "training with dropout 0.5 (the seed fixed, so the random masks are the reference's): \
         dropout goes on the attention's output a, inside the feed-forward block (after ReLU) \
         and on its output f, each before its residual is added (not on the sum, not after a \
         layer norm)",
        &yours,
        &expected,
        1e-4,
    )?;
    Ok(())
}

/// Sequences of 8-15 random words from 4..12 with the word 3 among the first three words
/// (label 1) or after the sixth (label 0): the label is where the word is, not whether.
fn position_sequences(count: usize, seed: u64) -> SequenceDataset {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut sequences = Vec::with_capacity(count);
    let mut labels = Vec::with_capacity(count);
    for i in 0..count {
        let length = rng.random_range(8..16usize);
        let mut words: Vec<u32> = (0..length).map(|_| rng.random_range(4..12)).collect();
        let early = i % 2 == 0;
        let at = if early {
            rng.random_range(0..3)
        } else {
            rng.random_range(6..length)
        };
        words[at] = 3;
        sequences.push(words);
        labels.push(early as i64);
    }
    SequenceDataset {
        sequences,
        labels: Some(labels),
        layout: SequenceLayout::dynamic(16),
    }
}

fn position_toy<A: Answers>() -> Result<()> {
    let train = position_sequences(1_000, 1);
    let validation = position_sequences(300, 2);
    let config = TransformerConfig {
        vocab_size: 12,
        d_model: 16,
        heads: 2,
        feed_forward: 32,
        layers: 1,
        dropout: 0.0,
        positions: Positions::Sinusoidal,
        max_positions: 16,
        word_dropout: 0.0,
        mask_padding: true,
    };
    let must = MustLearn {
        epochs: 8,
        lr: 5e-3,
        seed: 4,
        at_least: 0.9,
    };
    must.check("", &train, &validation, |path| {
        TransformerClassifier::<A>::new(path, &config)
    })
}
