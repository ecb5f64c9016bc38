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

    fn words(text: &str) -> Vec<String> {
        // Keras' Tokenizer: lowercase, every filter character becomes a space, split on spaces.
        // The apostrophe is not a filter, so "don't" stays one word.
        const FILTERS: &str = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n";
        text.to_lowercase()
            .chars()
            .map(|c| if FILTERS.contains(c) { ' ' } else { c })
            .collect::<String>()
            .split(' ')
            .filter(|word| !word.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn vocabulary(texts: &[&str], num_words: usize) -> Vec<String> {
        let mut counts: std::collections::HashMap<String, u64> = Default::default();
        for text in texts {
            for word in Self::words(text) {
                *counts.entry(word).or_insert(0) += 1;
            }
        }
        let mut by_count: Vec<(String, u64)> = counts.into_iter().collect();
        // Most frequent first; a tie goes to the alphabetically smaller word, so the table never
        // depends on the hash map's order.
        by_count.sort_by(|(word_a, a), (word_b, b)| b.cmp(a).then(word_a.cmp(word_b)));
        // Id 0 is the padding, so num_words ids leave room for num_words - 1 words.
        by_count.truncate(num_words.saturating_sub(1));
        by_count.into_iter().map(|(word, _)| word).collect()
    }
}
