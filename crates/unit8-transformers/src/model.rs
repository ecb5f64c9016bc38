//! The unit's classifier: word ids -> embedding + positional encoding -> encoder layers ->
//! mean over the real words -> linear layer -> two logits. Every part of the encoder layer is
//! here, in the order of the original paper's figure (post-norm, as PyTorch's default).

use crate::{Answers, AttentionWeights};
use course_core::recipe::SequenceModel;
use course_core::text::{masked_mean, PaddedBatch};
use course_core::training::Model;
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;
use tch::nn::{self, Module};
use tch::Tensor;

/// How a word learns where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum Positions {
    /// Fixed sines and cosines of many frequencies (the learner's task 1).
    Sinusoidal,
    /// A learned vector per position, like a second embedding table.
    Learned,
}

/// The shape of the classifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransformerConfig {
    pub vocab_size: i64,
    /// Width of every word vector through the encoder (the course: 128).
    pub d_model: i64,
    /// Attention heads (the course: 2); `d_model` must be a multiple.
    pub heads: i64,
    /// Hidden width of the feed-forward block (the course: 2,048).
    pub feed_forward: i64,
    /// Encoder layers (the course: 1).
    pub layers: i64,
    /// Dropout inside the encoder (the course: 0.1).
    pub dropout: f64,
    pub positions: Positions,
    /// The longest review the positions cover.
    pub max_positions: i64,
    /// While training, each word is left out (of attention and of the mean) with this
    /// probability (0: none).
    #[serde(default)]
    pub word_dropout: f64,
    /// Padding is masked out of attention and out of the mean. `false` is the course's model,
    /// whose mask never fired.
    pub mask_padding: bool,
}

impl TransformerConfig {
    /// The course's model: `Embedding(10000, 128)` + sinusoidal positions, one encoder layer
    /// (d_model 128, 2 heads, feed-forward 2,048, dropout 0.1), mean, `Linear(128, 2)`.
    pub fn course() -> TransformerConfig {
        TransformerConfig {
            vocab_size: 10_000,
            d_model: 128,
            heads: 2,
            feed_forward: 2_048,
            layers: 1,
            dropout: 0.1,
            positions: Positions::Sinusoidal,
            max_positions: 2_200,
            word_dropout: 0.0,
            mask_padding: false,
        }
    }
}

/// Self-attention and feed-forward, each added back to its input and layer-normalised (the
/// learner's task 4 puts them together).
#[derive(Debug)]
pub struct EncoderLayer {
    pub attention: AttentionWeights,
    pub norm_attention: nn::LayerNorm,
    /// `d_model -> feed_forward`
    pub expand: nn::Linear,
    /// `feed_forward -> d_model`
    pub contract: nn::Linear,
    pub norm_feed_forward: nn::LayerNorm,
}

impl EncoderLayer {
    pub fn new(path: &nn::Path, config: &TransformerConfig) -> EncoderLayer {
        let d = config.d_model;
        EncoderLayer {
            attention: AttentionWeights::new(&(path / "attention"), d),
            norm_attention: nn::layer_norm(path / "norm_attention", vec![d], Default::default()),
            expand: nn::linear(path / "expand", d, config.feed_forward, Default::default()),
            contract: nn::linear(
                path / "contract",
                config.feed_forward,
                d,
                Default::default(),
            ),
            norm_feed_forward: nn::layer_norm(
                path / "norm_feed_forward",
                vec![d],
                Default::default(),
            ),
        }
    }
}

/// Embedding, positions, encoder layers and a linear layer.
#[derive(Debug)]
pub struct TransformerClassifier<A> {
    pub embedding: nn::Embedding,
    /// Sinusoidal: a fixed `[max_positions, d_model]` table; learned: a trainable one.
    positions: Tensor,
    layers: Vec<EncoderLayer>,
    output: nn::Linear,
    config: TransformerConfig,
    learner: PhantomData<A>,
}

impl<A: Answers> TransformerClassifier<A> {
    pub fn new(path: &nn::Path, config: &TransformerConfig) -> TransformerClassifier<A> {
        assert!(
            config.d_model % config.heads == 0,
            "d_model {} is not a multiple of {} heads",
            config.d_model,
            config.heads
        );
        let positions = match config.positions {
            Positions::Sinusoidal => A::sinusoidal_positions(config.max_positions, config.d_model)
                .to_device(path.device()),
            Positions::Learned => path.var(
                "positions",
                &[config.max_positions, config.d_model],
                nn::Init::Randn {
                    mean: 0.0,
                    stdev: 0.02,
                },
            ),
        };
        TransformerClassifier {
            embedding: nn::embedding(
                path / "embedding",
                config.vocab_size,
                config.d_model,
                Default::default(),
            ),
            positions,
            layers: (0..config.layers)
                .map(|i| EncoderLayer::new(&(path / format!("layer{i}")), config))
                .collect(),
            output: nn::linear(path / "output", config.d_model, 2, Default::default()),
            config: config.clone(),
            learner: PhantomData,
        }
    }

    /// Where the model's weights live.
    pub fn device(&self) -> tch::Device {
        self.embedding.ws.device()
    }

    /// The encoder's output `[batch, length, d_model]`, the mask it used, and the attention
    /// weights of every layer.
    pub fn encode(&self, batch: &PaddedBatch, train: bool) -> (Tensor, Tensor, Vec<Tensor>) {
        let length = batch.ids.size()[1];
        assert!(
            length <= self.config.max_positions,
            "a batch of {length} positions, but the positions cover {}: cut reviews shorter",
            self.config.max_positions
        );
        let mut x = self.embedding.forward(&batch.ids) + self.positions.narrow(0, 0, length);
        x = x.dropout(self.config.dropout, train);
        let mask = if self.config.mask_padding {
            let p = if train { self.config.word_dropout } else { 0.0 };
            batch.mask_with_word_dropout(p)
        } else {
            batch.mask.ones_like() // the course's model: every position is looked at
        };
        let mut maps = Vec::with_capacity(self.layers.len());
        for layer in &self.layers {
            let (next, weights) = A::encoder_layer(
                &x,
                &mask,
                layer,
                self.config.heads,
                self.config.dropout,
                train,
            );
            x = next;
            maps.push(weights);
        }
        (x, mask, maps)
    }
}

/// The shared sequence recipe starts this table from pre-trained vectors.
impl<A: Answers> SequenceModel for TransformerClassifier<A> {
    fn embedding_mut(&mut self) -> &mut nn::Embedding {
        &mut self.embedding
    }
}

impl<A: Answers> Model for TransformerClassifier<A> {
    type Input = PaddedBatch;

    fn forward(&self, batch: &PaddedBatch, train: bool) -> Tensor {
        let (encoded, mask, _) = self.encode(batch, train);
        // The mean over the positions the mask keeps (all of them for the course's model).
        masked_mean(&encoded, &mask).apply(&self.output)
    }
}
