//! Unit 5's tasks, done. Try `src/exercise.rs` first!

use crate::{Answers, Pooling};
use tch::nn::{self, Module};
use tch::{Kind, Tensor};

/// The reference answers.
pub struct Solution;

impl Answers for Solution {
    fn masked_mean(vectors: &Tensor, mask: &Tensor) -> Tensor {
        let weights = mask.to_kind(vectors.kind()).unsqueeze(-1); // [batch, length, 1]
        let sums = (vectors * &weights).sum_dim_intlist(1, false, vectors.kind());
        // clamp: an empty review divides 0 by 1 instead of 0 by 0.
        let counts = weights
            .sum_dim_intlist(1, false, vectors.kind())
            .clamp_min(1.0);
        sums / counts
    }

    fn embed_and_pool(
        embedding: &nn::Embedding,
        ids: &Tensor,
        mask: &Tensor,
        pooling: Pooling,
    ) -> Tensor {
        let vectors = embedding.forward(ids); // [batch, length, dim]
        let masked_max = || {
            // Padding gets -inf so it never wins the max; an empty review would be all -inf,
            // so its result is replaced by zeros.
            let hidden = mask.logical_not().unsqueeze(-1);
            let max = vectors
                .masked_fill(&hidden, f64::NEG_INFINITY)
                .amax(1, false);
            let empty = mask.any_dim(1, false).logical_not().unsqueeze(-1);
            max.masked_fill(&empty, 0.0)
        };
        match pooling {
            Pooling::Mean => Self::masked_mean(&vectors, mask),
            Pooling::Max => masked_max(),
            Pooling::MeanMax => Tensor::cat(&[Self::masked_mean(&vectors, mask), masked_max()], 1),
            Pooling::UnmaskedMean => vectors.mean_dim(1, false, Kind::Float),
        }
    }

    fn skipgram_loss(centres: &Tensor, contexts: &Tensor, negatives: &Tensor) -> Tensor {
        // A true pair should score high: log sigmoid(c . o) near 0.
        let positive = (centres * contexts).sum_dim_intlist(1, false, Kind::Float);
        // Sampled words should score low: log sigmoid(-c . n) near 0. Every centre of a group
        // meets every negative of its group: one matrix product per group.
        let (pairs, dim) = (centres.size()[0], centres.size()[1]);
        let groups = negatives.size()[0];
        let negative = centres
            .view([groups, pairs / groups, dim])
            .bmm(&negatives.transpose(1, 2)) // [groups, pairs per group, k]
            .view([pairs, -1]);
        let per_pair = positive.log_sigmoid()
            + negative
                .neg()
                .log_sigmoid()
                .sum_dim_intlist(1, false, Kind::Float);
        -per_pair.mean(Kind::Float)
    }
}
