//! The unit's classifier: word ids -> embedding table -> recurrent layer (both directions) ->
//! pooling over time -> dropout -> linear layer -> two logits.
//!
//! Padding never enters the recurrence: each batch is *packed* (libtorch's
//! `pack_padded_sequence`), so at step t the layer only runs the reviews that still have a
//! word t, and the backward direction starts at each review's own last word.

use crate::{Answers, CellKind, LstmWeights};
use course_core::recipe::SequenceModel;
use course_core::text::PaddedBatch;
use course_core::training::Model;
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;
use tch::nn::{self, Module};
use tch::{Device, Kind, Tensor};

/// How the outputs of every step become the review vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum TimePooling {
    /// The mean over the real words (the learner's [`Answers::mean_over_time`]).
    Mean,
    /// The mean and the max over the real words, side by side.
    MeanMax,
    /// The course's: the mean over every position, padding included (and the recurrence runs
    /// over the padding too).
    UnmaskedMean,
}

/// The shape of the classifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RnnConfig {
    pub vocab_size: i64,
    /// Width of a word vector (the course: 128).
    pub dim: i64,
    pub cell: CellKind,
    /// State size per direction (the course: 64).
    pub hidden: i64,
    pub bidirectional: bool,
    pub pooling: TimePooling,
    /// Dropout on the word vectors and on the review vector (the course: 0).
    pub dropout: f64,
    /// While training, each word's vector is zeroed with this probability (0: none).
    #[serde(default)]
    pub word_dropout: f64,
    /// Run the LSTM step by step through the learner's `lstm_over_time` (tasks 1-2; the
    /// backward direction through `reverse_within_length`, task 4) instead of libtorch's LSTM:
    /// the same numbers. `None`: whichever is faster where the model runs
    /// ([`by_hand_is_faster`]).
    #[serde(default)]
    pub lstm_by_hand: Option<bool>,
}

/// Whether the step-by-step LSTM beats libtorch's packed one on `device`. On a CPU it does:
/// for the tuned model in batches of 128 its epochs are faster (docs/units/unit7-experiments.md
/// has the timings). On a GPU libtorch's LSTM is one fused cuDNN call for the
/// whole sequence, where the loop launches a dozen small kernels per word; not measured here.
pub fn by_hand_is_faster(device: Device) -> bool {
    device == Device::Cpu
}

impl RnnConfig {
    /// Whether this model's recurrence runs step by step on `device`: as asked, else when it
    /// is an LSTM (the only cell written by hand) and [`by_hand_is_faster`] there.
    pub fn runs_by_hand(&self, device: Device) -> bool {
        self.lstm_by_hand
            .unwrap_or(self.cell == CellKind::Lstm && by_hand_is_faster(device))
    }

    /// The course's model: `Embedding(10000, 128)`, a bidirectional LSTM of 64 per direction,
    /// the mean over time, `Linear(128, 2)`.
    pub fn course() -> RnnConfig {
        RnnConfig {
            vocab_size: 10_000,
            dim: 128,
            cell: CellKind::Lstm,
            hidden: 64,
            bidirectional: true,
            pooling: TimePooling::UnmaskedMean,
            dropout: 0.0,
            word_dropout: 0.0,
            lstm_by_hand: None,
        }
    }

    fn directions(&self) -> i64 {
        if self.bidirectional {
            2
        } else {
            1
        }
    }

    /// The width of the review vector.
    pub fn features(&self) -> i64 {
        let per_step = self.hidden * self.directions();
        match self.pooling {
            TimePooling::MeanMax => 2 * per_step,
            _ => per_step,
        }
    }
}

/// Embedding table, recurrent layer, pooling (the learner's) and a linear layer.
#[derive(Debug)]
pub struct RnnClassifier<A> {
    pub embedding: nn::Embedding,
    pub recurrent: Recurrent,
    output: nn::Linear,
    config: RnnConfig,
    /// The recurrence runs through the learner's `lstm_over_time` ([`RnnConfig::runs_by_hand`]).
    by_hand: bool,
    learner: PhantomData<A>,
}

impl<A: Answers> RnnClassifier<A> {
    /// Whether the recurrence runs through the learner's `lstm_over_time`.
    pub fn runs_by_hand(&self) -> bool {
        self.by_hand
    }

    pub fn new(path: &nn::Path, config: &RnnConfig) -> RnnClassifier<A> {
        RnnClassifier {
            embedding: nn::embedding(
                path / "embedding",
                config.vocab_size,
                config.dim,
                Default::default(),
            ),
            recurrent: Recurrent::new(
                &(path / "rnn"),
                config.dim,
                config.hidden,
                config.cell,
                config.bidirectional,
            ),
            output: nn::linear(path / "output", config.features(), 2, Default::default()),
            config: config.clone(),
            by_hand: config.runs_by_hand(path.device()),
            learner: PhantomData,
        }
    }

    /// The review vectors of a batch, `[batch, features]`.
    pub fn review_vectors(&self, batch: &PaddedBatch, train: bool) -> Tensor {
        let vectors = self
            .embedding
            .forward(&batch.ids)
            .dropout(self.config.dropout, train);
        // Word dropout: a dropped word's vector becomes zeros (its step stays in the sequence).
        let vectors = if train && self.config.word_dropout > 0.0 {
            let kept = batch.mask_with_word_dropout(self.config.word_dropout);
            vectors * kept.unsqueeze(-1).to_kind(Kind::Float)
        } else {
            vectors
        };
        if self.config.pooling == TimePooling::UnmaskedMean {
            let outputs = if self.by_hand {
                let [batch, steps, _] = vectors.size()[..] else {
                    unreachable!("word vectors are [batch, steps, dim]")
                };
                let every_step = Tensor::full([batch], steps, (Kind::Int64, vectors.device()));
                self.recurrent.by_hand::<A>(&vectors, &every_step)
            } else {
                self.recurrent.unpacked(&vectors)
            };
            return outputs.mean_dim(1, false, Kind::Float);
        }
        // A review with no known word still gets one (padding) step, so packing has work.
        let lengths = batch.lengths.clamp_min(1);
        let outputs = if self.by_hand {
            self.recurrent.by_hand::<A>(&vectors, &lengths)
        } else {
            self.recurrent.packed(&vectors, &lengths)
        };
        let mean = A::mean_over_time(&outputs, &lengths);
        match self.config.pooling {
            TimePooling::MeanMax => {
                let steps = outputs.size()[1];
                let after_end = Tensor::arange(steps, (Kind::Int64, outputs.device()))
                    .unsqueeze(0)
                    .ge_tensor(&lengths.unsqueeze(1))
                    .unsqueeze(-1);
                let max = outputs
                    .masked_fill(&after_end, f64::NEG_INFINITY)
                    .amax(1, false);
                Tensor::cat(&[mean, max], 1)
            }
            _ => mean,
        }
    }
}

/// The shared sequence recipe starts this table from pre-trained vectors.
impl<A: Answers> SequenceModel for RnnClassifier<A> {
    fn embedding_mut(&mut self) -> &mut nn::Embedding {
        &mut self.embedding
    }
}

impl<A: Answers> Model for RnnClassifier<A> {
    type Input = PaddedBatch;

    fn forward(&self, batch: &PaddedBatch, train: bool) -> Tensor {
        self.review_vectors(batch, train)
            .dropout(self.config.dropout, train)
            .apply(&self.output)
    }
}

// ---- The recurrent layer: libtorch's fused kernels, or the learner's cell step by step ----

// libtorch's recurrent kernels take these settings positionally, after the weights.
/// Each gate has biases (`b_ih`, `b_hh`), as PyTorch's layers do by default.
const HAS_BIASES: bool = true;
/// One layer: the course's model stacks none.
const LAYERS: i64 = 1;
/// Dropout between stacked layers: none with one layer (the classifier has its own dropout).
const DROPOUT_BETWEEN_LAYERS: f64 = 0.0;
const TRAIN_DROPOUT_BETWEEN_LAYERS: bool = false;
/// Tensors are `[batch, time, features]`.
const BATCH_FIRST: bool = true;

/// One recurrent layer's weights per direction, named and laid out as PyTorch's `nn.LSTM`
/// (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, then `..._reverse`).
#[derive(Debug)]
pub struct Recurrent {
    pub cell: CellKind,
    pub hidden: i64,
    pub bidirectional: bool,
    /// `[w_ih, w_hh, b_ih, b_hh]` per direction, in libtorch's order.
    pub weights: Vec<Tensor>,
}

impl Recurrent {
    pub fn new(
        path: &nn::Path,
        input: i64,
        hidden: i64,
        cell: CellKind,
        bidirectional: bool,
    ) -> Self {
        // PyTorch's initialisation: every weight uniform in +-1/sqrt(hidden).
        let bound = 1.0 / (hidden as f64).sqrt();
        let init = nn::Init::Uniform {
            lo: -bound,
            up: bound,
        };
        let rows = cell.gates() * hidden;
        let mut weights = Vec::new();
        for suffix in if bidirectional {
            &["", "_reverse"][..]
        } else {
            &[""][..]
        } {
            weights.push(path.var(&format!("weight_ih_l0{suffix}"), &[rows, input], init));
            weights.push(path.var(&format!("weight_hh_l0{suffix}"), &[rows, hidden], init));
            weights.push(path.var(&format!("bias_ih_l0{suffix}"), &[rows], init));
            weights.push(path.var(&format!("bias_hh_l0{suffix}"), &[rows], init));
        }
        Recurrent {
            cell,
            hidden,
            bidirectional,
            weights,
        }
    }

    fn zero_state(&self, batch: i64, like: &Tensor) -> Tensor {
        let directions = if self.bidirectional { 2 } else { 1 };
        Tensor::zeros(
            [directions, batch, self.hidden],
            (like.kind(), like.device()),
        )
    }

    /// Runs over `inputs` `[batch, time, input]` where review b has `lengths[b] >= 1` real
    /// steps; returns `[batch, time, hidden * directions]`, zeros after each review's end.
    pub fn packed(&self, inputs: &Tensor, lengths: &Tensor) -> Tensor {
        let steps = inputs.size()[1];
        // Packing wants the longest review first; remember the order to undo it.
        let (sorted_lengths, order) = lengths.sort(0, true);
        let restore = order.argsort(0, false);
        let sorted = inputs.index_select(0, &order);
        let (data, batch_sizes) =
            sorted.internal_pack_padded_sequence(&sorted_lengths.to_device(tch::Device::Cpu), true);
        let h0 = self.zero_state(inputs.size()[0], inputs);
        let output = match self.cell {
            CellKind::Lstm => {
                let c0 = h0.zeros_like();
                Tensor::lstm_data(
                    &data,
                    &batch_sizes,
                    &[&h0, &c0],
                    &self.weight_refs(),
                    HAS_BIASES,
                    LAYERS,
                    DROPOUT_BETWEEN_LAYERS,
                    TRAIN_DROPOUT_BETWEEN_LAYERS,
                    self.bidirectional,
                )
                .0
            }
            CellKind::Gru => {
                Tensor::gru_data(
                    &data,
                    &batch_sizes,
                    &h0,
                    &self.weight_refs(),
                    HAS_BIASES,
                    LAYERS,
                    DROPOUT_BETWEEN_LAYERS,
                    TRAIN_DROPOUT_BETWEEN_LAYERS,
                    self.bidirectional,
                )
                .0
            }
            CellKind::Rnn => {
                Tensor::rnn_tanh_data(
                    &data,
                    &batch_sizes,
                    &h0,
                    &self.weight_refs(),
                    HAS_BIASES,
                    LAYERS,
                    DROPOUT_BETWEEN_LAYERS,
                    TRAIN_DROPOUT_BETWEEN_LAYERS,
                    self.bidirectional,
                )
                .0
            }
        };
        let (padded, _) =
            Tensor::internal_pad_packed_sequence(&output, &batch_sizes, true, 0.0, steps);
        padded.index_select(0, &restore)
    }

    /// Runs over every position of `inputs`, padding included (the course's model).
    pub fn unpacked(&self, inputs: &Tensor) -> Tensor {
        let h0 = self.zero_state(inputs.size()[0], inputs);
        match self.cell {
            CellKind::Lstm => {
                let c0 = h0.zeros_like();
                inputs
                    .lstm(
                        &[&h0, &c0],
                        &self.weight_refs(),
                        HAS_BIASES,
                        LAYERS,
                        DROPOUT_BETWEEN_LAYERS,
                        TRAIN_DROPOUT_BETWEEN_LAYERS,
                        self.bidirectional,
                        BATCH_FIRST,
                    )
                    .0
            }
            CellKind::Gru => {
                inputs
                    .gru(
                        &h0,
                        &self.weight_refs(),
                        HAS_BIASES,
                        LAYERS,
                        DROPOUT_BETWEEN_LAYERS,
                        TRAIN_DROPOUT_BETWEEN_LAYERS,
                        self.bidirectional,
                        BATCH_FIRST,
                    )
                    .0
            }
            CellKind::Rnn => {
                inputs
                    .rnn_tanh(
                        &h0,
                        &self.weight_refs(),
                        HAS_BIASES,
                        LAYERS,
                        DROPOUT_BETWEEN_LAYERS,
                        TRAIN_DROPOUT_BETWEEN_LAYERS,
                        self.bidirectional,
                        BATCH_FIRST,
                    )
                    .0
            }
        }
    }

    fn weight_refs(&self) -> Vec<&Tensor> {
        self.weights.iter().collect()
    }

    /// What [`Recurrent::packed`] gives for an LSTM, computed step by step by the learner's
    /// `lstm_over_time` (tasks 1-2). The forward direction reads each review from its first
    /// word; the backward one reads it reversed within its own length by the learner's
    /// `reverse_within_length` (task 4), so it starts at the review's last word, not in the
    /// padding. Outputs after each review's end are zeros.
    pub fn by_hand<A: Answers>(&self, inputs: &Tensor, lengths: &Tensor) -> Tensor {
        assert_eq!(self.cell, CellKind::Lstm, "only an LSTM runs by hand");
        let mut outputs = vec![A::lstm_over_time(inputs, &self.lstm_weights(0))];
        if self.bidirectional {
            let backward = A::lstm_over_time(
                &A::reverse_within_length(inputs, lengths),
                &self.lstm_weights(1),
            );
            outputs.push(A::reverse_within_length(&backward, lengths));
        }
        let outputs = Tensor::cat(&outputs, 2);
        let steps = outputs.size()[1];
        let real = Tensor::arange(steps, (Kind::Int64, outputs.device()))
            .unsqueeze(0)
            .lt_tensor(&lengths.unsqueeze(1))
            .unsqueeze(-1);
        outputs * real.to_kind(inputs.kind())
    }

    /// The weights of one direction (0 forward, 1 backward) of an LSTM.
    fn lstm_weights(&self, direction: usize) -> LstmWeights<'_> {
        let w = &self.weights[4 * direction..4 * direction + 4];
        LstmWeights {
            w_ih: &w[0],
            w_hh: &w[1],
            b_ih: &w[2],
            b_hh: &w[3],
        }
    }
}
