//! Unit 5: word embeddings.
//!
//! Reviews stop being bags of counts and become sequences of word ids. Each id looks up a
//! learned vector (an embedding), and the vectors of a review are pooled into one review vector
//! for a linear classifier. The table can start from random numbers, from GloVe vectors, or from
//! word2vec vectors trained here on the 50,000 unlabelled reviews.
//!
//! * [`model`]: embedding table -> masked pooling -> linear layer.
//! * [`configs`]: the course's run (faithful: unmasked mean over 2,200 positions) and ours.
//! * [`glove`]: reading GloVe vectors (the PyPI package's `.npy` + `.parquet`) into the table.
//! * [`word2vec`]: skip-gram with negative sampling, trained with tch.
//! * [`program`]: `train`, `word2vec`, `neighbours`, shared by both examples.
//! * [`Answers`]: the parts you write; [`Solution`] has them done, `Exercise` has the TODOs
//!   (`src/exercise.rs`); [`tasks`] checks them.

pub mod configs;
// Your code: compiled only with `--features exercise`, so a mistake in it never stops the
// solution, `make test` or another unit.
#[cfg(feature = "exercise")]
pub mod exercise;
pub mod glove;
pub mod model;
pub mod program;
pub mod solution;
pub mod tasks;
pub mod word2vec;

#[cfg(feature = "exercise")]
pub use exercise::Exercise;
pub use solution::Solution;

use serde::{Deserialize, Serialize};
use tch::{nn, Tensor};

/// How the word vectors of a review become one review vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum Pooling {
    /// The average of the real words' vectors.
    Mean,
    /// The largest value of each dimension over the real words.
    Max,
    /// Mean and max side by side (twice as wide).
    MeanMax,
    /// The original course's pooling: the average over every position, padding included.
    UnmaskedMean,
}

impl Pooling {
    /// The width of the review vector for word vectors of `dim`.
    pub fn output_dim(self, dim: i64) -> i64 {
        match self {
            Pooling::MeanMax => 2 * dim,
            _ => dim,
        }
    }
}

/// Your answers to unit 5's tasks: the functions you write in `src/exercise.rs` (for
/// `Exercise`); `Solution` has them done in `src/solution.rs`. The unit's models and programs are
/// generic over them, so the same code runs yours or the solution's.
pub trait Answers {
    /// Task 1: masked mean over padded batches. Stated in `src/exercise.rs`.
    fn masked_mean(vectors: &Tensor, mask: &Tensor) -> Tensor;

    /// Task 2: embedding lookup and pooling (mean, max, mean+max). Stated in `src/exercise.rs`.
    fn embed_and_pool(
        embedding: &nn::Embedding,
        ids: &Tensor,
        mask: &Tensor,
        pooling: Pooling,
    ) -> Tensor;

    /// Task 3: skip-gram loss with negative sampling. Stated in `src/exercise.rs`.
    fn skipgram_loss(centres: &Tensor, contexts: &Tensor, negatives: &Tensor) -> Tensor;

    /// Task 5: a review's words, by the course's rules. Stated in `src/exercise.rs`.
    fn words(text: &str) -> Vec<String>;

    /// Task 6: the vocabulary: the `num_words - 1` most frequent words, most frequent first.
    /// Stated in `src/exercise.rs`.
    fn vocabulary(texts: &[&str], num_words: usize) -> Vec<String>;

    /// Your own settings for the unit's model (not a task, nothing checks them): what
    /// `--config mine` trains, and `cargo run -p course -- mine unit5`. Change them to beat your
    /// last score; they start as the `tuned` preset.
    fn my_settings(seed: u64) -> configs::Settings {
        configs::tuned(seed)
    }
}

/// `--config mine`: the `my_settings` of your `src/exercise.rs` when it is compiled in (with
/// `--features exercise`), else the solution's (the `tuned` preset).
pub fn my_settings(seed: u64) -> configs::Settings {
    #[cfg(feature = "exercise")]
    let settings = <Exercise as Answers>::my_settings(seed);
    #[cfg(not(feature = "exercise"))]
    let settings = <Solution as Answers>::my_settings(seed);
    settings
}
