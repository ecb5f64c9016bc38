//! Turning reviews into numbers.
//!
//! * [`bag_of_words`]: counts of the most frequent words (units 2-4), like scikit-learn's
//!   `CountVectorizer`.
//! * [`word_index`]: a review as a sequence of word ids, padded, with a mask (units 5-8), like
//!   Keras' `Tokenizer`.
//! * [`word_vectors`]: pre-trained word vectors, and starting an embedding table from them.

pub mod bag_of_words;
pub mod stop_words;
pub mod word_index;
pub mod word_vectors;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

pub use bag_of_words::{BagOfWords, SparseCounts, Terms};
pub use word_index::{masked_mean, PaddedBatch, Truncation, WordIndex};
pub use word_vectors::{initialise_embedding, start_embedding, WordVectors};

/// Picks the `limit` most frequent entries of `counts`, most frequent first; ties go to the
/// alphabetically smaller word so the result never depends on hash-map order.
pub(crate) fn most_frequent(
    counts: impl IntoIterator<Item = (String, u64)>,
    limit: usize,
) -> Vec<String> {
    let mut by_count: Vec<(String, u64)> = counts.into_iter().collect();
    by_count.sort_unstable_by(|(wa, ca), (wb, cb)| cb.cmp(ca).then_with(|| wa.cmp(wb)));
    by_count.truncate(limit);
    by_count.into_iter().map(|(w, _)| w).collect()
}

/// Texts per parallel task when counting words.
const CHUNK: usize = 1024;

/// How often each word occurs in `texts`, where `split` cuts a text into words (it calls its
/// third argument once per word, and may use the `String` as scratch space). Each thread counts
/// its share of the texts; the counts are summed at the end.
pub(crate) fn count_words<S, F>(texts: &[S], split: F) -> FxHashMap<String, u64>
where
    S: AsRef<str> + Sync,
    F: Fn(&str, &mut String, &mut dyn FnMut(&str)) + Sync,
{
    texts
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut counts: FxHashMap<String, u64> = FxHashMap::default();
            let mut buffer = String::new();
            for text in chunk {
                split(
                    text.as_ref(),
                    &mut buffer,
                    &mut |word| match counts.get_mut(word) {
                        Some(count) => *count += 1,
                        None => {
                            counts.insert(word.to_string(), 1);
                        }
                    },
                );
            }
            counts
        })
        .reduce(FxHashMap::default, |a, b| {
            let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
            for (word, count) in small {
                *big.entry(word).or_insert(0) += count;
            }
            big
        })
}
