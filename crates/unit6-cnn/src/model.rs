//! The course's text CNN: word ids -> embedding table -> one Conv1d per filter width ->
//! ReLU -> pooling over time -> concatenation -> dropout -> linear layer -> two logits.

use crate::{Answers, TimePooling};
use course_core::recipe::SequenceModel;
use course_core::text::PaddedBatch;
use course_core::training::Model;
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;
use tch::nn::{self, Module};
use tch::{Kind, Tensor};

/// The shape of the text CNN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CnnConfig {
    /// Rows of the table: padding + the kept words (the course: 10,000).
    pub vocab_size: i64,
    /// Width of a word vector (the course: 128).
    pub dim: i64,
    /// One convolution per width: how many consecutive words a filter reads (the course: 3, 4, 5).
    pub widths: Vec<i64>,
    /// Filters per width (the course: 64).
    pub filters: i64,
    pub pooling: TimePooling,
    /// Padding never reaches a filter: its vectors are zeros, and windows that start on padding
    /// are left out of the pooling. `false` is the course's model, which pooled over all 2,200
    /// positions, padding included.
    pub mask_padding: bool,
    /// Dropout on the pooled features (the course: 0.5).
    pub dropout: f64,
    /// While training, each word's vector is zeroed with this probability (0: none).
    #[serde(default)]
    pub word_dropout: f64,
}

impl CnnConfig {
    /// The course's model: `Embedding(10000, 128)`, 64 filters of widths 3, 4 and 5, global
    /// max-pool, dropout 0.5.
    pub fn course() -> CnnConfig {
        CnnConfig {
            vocab_size: 10_000,
            dim: 128,
            widths: vec![3, 4, 5],
            filters: 64,
            pooling: TimePooling::Max,
            mask_padding: false,
            dropout: 0.5,
            word_dropout: 0.0,
        }
    }

    /// The number of features after pooling and concatenation.
    pub fn features(&self) -> i64 {
        self.widths.len() as i64 * self.filters * self.pooling.features_per_filter()
    }
}

/// Embedding table, convolutions (the learner's [`Answers::all_branches`]) and a linear layer.
#[derive(Debug)]
pub struct TextCnn<A> {
    pub embedding: nn::Embedding,
    convs: Vec<nn::Conv1D>,
    output: nn::Linear,
    config: CnnConfig,
    learner: PhantomData<A>,
}

impl<A: Answers> TextCnn<A> {
    pub fn new(path: &nn::Path, config: &CnnConfig) -> TextCnn<A> {
        let embedding = nn::embedding(
            path / "embedding",
            config.vocab_size,
            config.dim,
            Default::default(),
        );
        let convs = config
            .widths
            .iter()
            .map(|&width| {
                nn::conv1d(
                    path / format!("conv{width}"),
                    config.dim,
                    config.filters,
                    width,
                    Default::default(),
                )
            })
            .collect();
        let output = nn::linear(path / "output", config.features(), 2, Default::default());
        TextCnn {
            embedding,
            convs,
            output,
            config: config.clone(),
            learner: PhantomData,
        }
    }

    /// The pooled features of a batch, `[batch, features]`.
    pub fn features(&self, batch: &PaddedBatch, train: bool) -> Tensor {
        // A review shorter than the widest window still needs one full window: pad the batch.
        let widest = self.config.widths.iter().copied().max().unwrap_or(1);
        let length = batch.ids.size()[1];
        let extra = (widest - length).max(0);
        let ids = batch.ids.constant_pad_nd([0, extra]);
        let vectors = self.embedding.forward(&ids); // [batch, length, dim]
        let (vectors, lengths) = if self.config.mask_padding {
            let p = if train { self.config.word_dropout } else { 0.0 };
            let mask = batch.mask_with_word_dropout(p).constant_pad_nd([0, extra]);
            // Padding (and dropped words) become zero vectors.
            let kept = vectors * mask.unsqueeze(-1).to_kind(Kind::Float);
            (kept, batch.lengths.shallow_clone())
        } else {
            // The course's model: every position counts, padding included.
            let all = Tensor::full([ids.size()[0]], length + extra, (Kind::Int64, ids.device()));
            (vectors, all)
        };
        // Conv1d wants channels (the vector's dimensions) before positions.
        let channels_first = vectors.transpose(1, 2);
        A::all_branches(&self.convs, &channels_first, &lengths, self.config.pooling)
    }
}

/// The shared sequence recipe starts this table from pre-trained vectors.
impl<A: Answers> SequenceModel for TextCnn<A> {
    fn embedding_mut(&mut self) -> &mut nn::Embedding {
        &mut self.embedding
    }
}

impl<A: Answers> Model for TextCnn<A> {
    type Input = PaddedBatch;

    fn forward(&self, batch: &PaddedBatch, train: bool) -> Tensor {
        self.features(batch, train)
            .dropout(self.config.dropout, train)
            .apply(&self.output)
    }
}
