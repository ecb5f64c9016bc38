//! The unit's classifier: word ids -> embedding table -> pooled review vector -> dropout ->
//! linear layer -> two logits.

use crate::{Answers, Pooling};
use course_core::recipe::SequenceModel;
use course_core::text::PaddedBatch;
use course_core::training::Model;
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;
use tch::{nn, Tensor};

/// The shape of the classifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmbeddingConfig {
    /// Rows of the table: padding + the kept words (the course: 10,000).
    pub vocab_size: i64,
    /// Width of a word vector (the course: 128; GloVe here: 50).
    pub dim: i64,
    pub pooling: Pooling,
    /// Dropout on the review vector (0: none, as the course).
    pub dropout: f64,
    /// While training, each word of a review is left out with this probability (0: none), so
    /// the model cannot lean on a few words (the "word dropout" of Iyyer et al., 2015).
    #[serde(default)]
    pub word_dropout: f64,
    /// Keep the table's starting vectors fixed while the rest trains (with pre-trained vectors).
    #[serde(default)]
    pub freeze_embedding: bool,
}

/// Embedding table, pooling (the learner's [`Answers::embed_and_pool`]) and a linear layer.
#[derive(Debug)]
pub struct EmbeddingClassifier<A> {
    pub embedding: nn::Embedding,
    output: nn::Linear,
    pooling: Pooling,
    dropout: f64,
    word_dropout: f64,
    learner: PhantomData<A>,
}

impl<A: Answers> EmbeddingClassifier<A> {
    pub fn new(path: &nn::Path, config: &EmbeddingConfig) -> EmbeddingClassifier<A> {
        let embedding = nn::embedding(
            path / "embedding",
            config.vocab_size,
            config.dim,
            Default::default(),
        );
        let output = nn::linear(
            path / "output",
            config.pooling.output_dim(config.dim),
            2,
            Default::default(),
        );
        EmbeddingClassifier {
            embedding,
            output,
            pooling: config.pooling,
            dropout: config.dropout,
            word_dropout: config.word_dropout,
            learner: PhantomData,
        }
    }

    /// The review vectors of a batch, `[batch, output_dim]`; with `train`, some words are
    /// dropped first (`word_dropout`).
    pub fn review_vectors(&self, batch: &PaddedBatch, train: bool) -> Tensor {
        if train && self.word_dropout > 0.0 {
            let mask = batch.mask_with_word_dropout(self.word_dropout);
            return A::embed_and_pool(&self.embedding, &batch.ids, &mask, self.pooling);
        }
        A::embed_and_pool(&self.embedding, &batch.ids, &batch.mask, self.pooling)
    }
}

/// The shared sequence recipe starts this table from pre-trained vectors.
impl<A: Answers> SequenceModel for EmbeddingClassifier<A> {
    fn embedding_mut(&mut self) -> &mut nn::Embedding {
        &mut self.embedding
    }
}

impl<A: Answers> Model for EmbeddingClassifier<A> {
    type Input = PaddedBatch;

    fn forward(&self, batch: &PaddedBatch, train: bool) -> Tensor {
        self.review_vectors(batch, train)
            .dropout(self.dropout, train)
            .apply(&self.output)
    }
}
