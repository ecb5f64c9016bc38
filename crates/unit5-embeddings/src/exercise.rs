//! Unit 5's exercise: your code, where each `todo!()` stands.
//!
//! * `cargo run -p course -- watch unit5` checks your tasks each time you save this file;
//!   `verify unit5` checks them once, `hint unit5` gives a hint.
//! * `cargo run -p unit5-embeddings --features exercise --example exercise -- train`
//!   trains with it.
//!
//! This file is compiled only with `--features exercise`: a mistake here never stops the
//! solutions, `make test` or another unit. `cargo run -p course -- reset unit5` brings the
//! stub back.

use crate::{Answers, Pooling};
use tch::{nn, Tensor};

/// Your answers.
pub struct Exercise;

impl Answers for Exercise {
    fn masked_mean(vectors: &Tensor, mask: &Tensor) -> Tensor {
        // TODO (task 1): the mean of each review's word vectors over its real words only.
        // Shapes: vectors [batch, length, dim], mask [batch, length] (true on real words, false on
        // padding) -> [batch, dim]. A review without any word gives zeros, not 0 / 0 = NaN.
        // Worth looking up: `to_kind`, `unsqueeze`, `sum_dim_intlist`, `clamp_min`.
        let _ = (vectors, mask);
        todo!("task 1: the masked mean")
    }

    fn embed_and_pool(
        embedding: &nn::Embedding,
        ids: &Tensor,
        mask: &Tensor,
        pooling: Pooling,
    ) -> Tensor {
        // TODO (task 2): look the ids up in the embedding table, then pool each review's vectors
        // into one by `pooling`: - Mean: your `Self::masked_mean`; - Max: the largest value of each
        // dimension over the real words (padding must never win;   a review without words gives
        // zeros); - MeanMax: both, side by side; - UnmaskedMean: the plain mean over every
        // position, padding included (the course's bug).
        // Shapes: ids [batch, length] (i64), mask [batch, length] -> [batch, dim] ([batch, 2 * dim]
        // for MeanMax).
        // Worth looking up: `nn::Module::forward`, `masked_fill`, `amax`, `Tensor::cat`,
        // `mean_dim`.
        let _ = (embedding, ids, mask, pooling);
        todo!("task 2: embedding lookup and pooling")
    }

    fn skipgram_loss(centres: &Tensor, contexts: &Tensor, negatives: &Tensor) -> Tensor {
        // TODO (task 3): the skip-gram loss with negative sampling, averaged over the n pairs:
        //     loss = -mean over pairs of ( log sigmoid(c . o) + sum_k log sigmoid(-(n_k . c)) )
        // where c is the pair's centre vector, o its context vector, and n_k the k negative vectors
        // of the pair's group: the n pairs come in g groups of n / g, and a group shares its
        // negatives.
        // Shapes: centres, contexts [n, dim], negatives [g, k, dim] -> a scalar tensor [].
        // Worth looking up: `Tensor::bmm`, `view`, `log_sigmoid`, `sum_dim_intlist`.
        let _ = (centres, contexts, negatives);
        todo!("task 3: skip-gram loss with negative sampling")
    }

    fn words(text: &str) -> Vec<String> {
        // TODO (task 5): how the reviews became ids in the first place: a review's words by the
        // course's rules (Keras' `Tokenizer`): lowercase; each of the characters
        //     !"#$%&()*+,-./:;<=>?@[\]^_`{|}~   and tab and newline
        // becomes a space; then split on spaces, with no empty words. The apostrophe is not on
        // the list: "Don't!" gives ["don't"]. (This task does not need tasks 1-4.)
        // Worth looking up: `str::to_lowercase`, `str::contains` (with a char), `split`.
        let _ = text;
        todo!("task 5: a review's words")
    }

    fn vocabulary(texts: &[&str], num_words: usize) -> Vec<String> {
        // TODO (task 6): the vocabulary: count every word (your task 5) over all the texts and
        // keep the `num_words - 1` most frequent, most frequent first; between words of the same
        // count the alphabetically smaller first. Word i of the list gets id i + 1: id 0 is the
        // padding, which is why only num_words - 1 words fit.
        // Worth looking up: `HashMap::entry`, `sort_by`, `Ordering::then`, `truncate`.
        let _ = (texts, num_words);
        todo!("task 6: the vocabulary")
    }

    /// Your settings (not a task): `cargo run -p course -- mine unit5` trains them, records the
    /// run and shows your leaderboard. Choose on validation accuracy; every run you finish shows
    /// you one more test score.
    fn my_settings(seed: u64) -> crate::configs::Settings {
        #[allow(unused_mut)]
        let mut settings = crate::configs::tuned(seed);
        // Change what you like, for example:
        // settings.model.dropout = 0.3;
        // settings.num_words = 20_000;
        // settings.trainer.epochs = 8;
        settings
    }
}
