//! Turning reviews into numbers.
//!
//! * [`bag_of_words`]: counts of the most frequent words (units 2-4), like scikit-learn's
//!   `CountVectorizer`.
//! * [`word_index`]: a review as a sequence of word ids, padded, with a mask (units 5-8), like
//!   Keras' `Tokenizer`.

pub mod bag_of_words;
pub mod stop_words;
pub mod word_index;

pub use bag_of_words::{BagOfWords, SparseCounts};
pub use word_index::{PaddedBatch, Truncation, WordIndex};

/// Picks the `limit` most frequent entries of `counts`, most frequent first; ties go to the
/// alphabetically smaller word so the result never depends on hash-map order.
pub(crate) fn most_frequent(
    counts: std::collections::HashMap<String, u64>,
    limit: usize,
) -> Vec<String> {
    let mut by_count: Vec<(String, u64)> = counts.into_iter().collect();
    by_count.sort_unstable_by(|(wa, ca), (wb, cb)| cb.cmp(ca).then_with(|| wa.cmp(wb)));
    by_count.truncate(limit);
    by_count.into_iter().map(|(w, _)| w).collect()
}
