//! A review as a sequence of word ids (units 5-8), like the course's Keras `Tokenizer`:
//!
//! * lowercase; replace each of ``!"#$%&()*+,-./:;<=>?@[\]^_`{|}~``, tab and newline by a space;
//!   split on spaces (so `don't` stays one word, and `<br />` becomes `br`);
//! * keep the `num_words - 1` most frequent words of the texts it is fitted on as ids
//!   `1..num_words` (1 = most frequent); unknown words are dropped; id 0 is padding.
//!
//! [`PaddedBatch`] then pads a batch of id sequences to one length and records which positions
//! are real words (the mask) so that models can ignore the padding.

use crate::device::from_cpu;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use tch::{Device, Kind, Tensor};

/// The id that fills positions after the end of a review.
pub const PADDING_ID: u32 = 0;

/// The characters Keras' `Tokenizer` removes by default.
pub const FILTERS: &str = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n";

/// Calls `each` with every word of `text` (lowercase, filters removed).
pub fn for_each_word(text: &str, buffer: &mut String, each: &mut dyn FnMut(&str)) {
    buffer.clear();
    for c in text.chars() {
        if c == ' ' || FILTERS.contains(c) {
            if !buffer.is_empty() {
                each(buffer);
                buffer.clear();
            }
        } else if c.is_ascii() {
            buffer.push(c.to_ascii_lowercase());
        } else {
            buffer.extend(c.to_lowercase());
        }
    }
    if !buffer.is_empty() {
        each(buffer);
    }
}

/// A fitted word -> id table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WordIndex {
    /// `words[i]` has id `i + 1`.
    words: Vec<String>,
    num_words: usize,
    #[serde(skip)]
    id_of: FxHashMap<String, u32>,
}

impl WordIndex {
    /// Keeps the `num_words - 1` most frequent words of `texts` (ties: alphabetical).
    pub fn fit<S: AsRef<str> + Sync>(texts: &[S], num_words: usize) -> WordIndex {
        assert!(
            num_words >= 2,
            "num_words counts the padding id too, so it must be at least 2"
        );
        let counts = super::count_words(texts, for_each_word);
        Self::from_words(super::most_frequent(counts, num_words - 1), num_words)
    }

    /// Rebuilds a table from its words (id 1 first).
    pub fn from_words(words: Vec<String>, num_words: usize) -> WordIndex {
        let id_of = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.clone(), i as u32 + 1))
            .collect();
        WordIndex {
            words,
            num_words,
            id_of,
        }
    }

    /// The size an embedding table needs: padding + every id (`num_words`).
    pub fn vocab_size(&self) -> usize {
        self.num_words
    }

    /// The id of `word`, if kept.
    pub fn id(&self, word: &str) -> Option<u32> {
        self.id_of.get(word).copied()
    }

    /// The word of `id` (`None` for padding or an unknown id).
    pub fn word(&self, id: u32) -> Option<&str> {
        self.words
            .get((id as usize).checked_sub(1)?)
            .map(String::as_str)
    }

    /// The ids of the known words of `text`, in order.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let mut ids = Vec::new();
        let mut buffer = String::new();
        for_each_word(text, &mut buffer, &mut |word| {
            if let Some(&id) = self.id_of.get(word) {
                ids.push(id);
            }
        });
        ids
    }

    /// Encodes many texts.
    pub fn encode_all<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> Vec<Vec<u32>> {
        texts.into_iter().map(|t| self.encode(t)).collect()
    }
}

/// Which end of a review too long for `max_len` is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Truncation {
    /// Keep the first `max_len` words.
    KeepStart,
    /// Keep the last `max_len` words (reviews often end with the verdict).
    KeepEnd,
}

/// A batch of id sequences padded (on the right) to one length.
#[derive(Debug)]
pub struct PaddedBatch {
    /// `[batch, length]` int64 word ids, `PADDING_ID` after each review's end.
    pub ids: Tensor,
    /// `[batch, length]` bool, `true` where there is a real word.
    pub mask: Tensor,
    /// `[batch]` int64: the number of real words of each review (may be 0).
    pub lengths: Tensor,
}

impl PaddedBatch {
    /// Pads `sequences` to the longest of them, cut to `max_len` when given. With `pad_to_max`,
    /// every batch is padded to exactly `max_len` (the original course padded to 2,200).
    pub fn new(
        sequences: &[&[u32]],
        max_len: Option<usize>,
        pad_to_max: bool,
        truncation: Truncation,
        device: Device,
    ) -> PaddedBatch {
        let longest = sequences.iter().map(|s| s.len()).max().unwrap_or(0);
        let length = match max_len {
            Some(m) if pad_to_max => m,
            Some(m) => longest.min(m),
            None => longest,
        }
        .max(1); // a zero-width tensor breaks most layers
        let batch = sequences.len();
        let mut ids = vec![PADDING_ID as i64; batch * length];
        let mut mask = vec![false; batch * length];
        let mut lengths = Vec::with_capacity(batch);
        for (b, sequence) in sequences.iter().enumerate() {
            let kept = match truncation {
                _ if sequence.len() <= length => *sequence,
                Truncation::KeepStart => &sequence[..length],
                Truncation::KeepEnd => &sequence[sequence.len() - length..],
            };
            for (t, &id) in kept.iter().enumerate() {
                ids[b * length + t] = id as i64;
                mask[b * length + t] = true;
            }
            lengths.push(kept.len() as i64);
        }
        let shape = [batch as i64, length as i64];
        PaddedBatch {
            ids: from_cpu(Tensor::from_slice(&ids).view(shape), device),
            mask: from_cpu(Tensor::from_slice(&mask).view(shape), device),
            lengths: from_cpu(Tensor::from_slice(&lengths), device),
        }
    }

    /// Word dropout (Iyyer et al., 2015): the mask with each real word also left out with
    /// probability `p`, drawn anew for every call, so that a model cannot lean on a few words.
    /// For training only; `p = 0` gives the mask itself.
    pub fn mask_with_word_dropout(&self, p: f64) -> Tensor {
        if p <= 0.0 {
            return self.mask.shallow_clone();
        }
        let draws = Tensor::rand(self.mask.size(), (Kind::Float, self.mask.device()));
        self.mask.logical_and(&draws.ge(p))
    }

    /// The mask as 0/1 floats, handy for masked sums and means.
    pub fn float_mask(&self) -> Tensor {
        self.mask.to_kind(Kind::Float)
    }
}

/// The mean of each review's vectors over the positions its mask keeps:
///
/// `mean[b] = sum_t mask[b, t] * vectors[b, t] / max(1, sum_t mask[b, t])`
///
/// `vectors` is `[batch, length, dim]`, `mask` `[batch, length]` (1 or true on a real word),
/// the result `[batch, dim]`. A review with no real word gets zeros (0 / 1), not NaN (0 / 0).
/// Unit 5 has the learner write it; the units after it use this one.
pub fn masked_mean(vectors: &Tensor, mask: &Tensor) -> Tensor {
    let weights = mask.to_kind(vectors.kind()).unsqueeze(-1); // [batch, length, 1]
    let sums = (vectors * &weights).sum_dim_intlist(1, false, vectors.kind());
    let counts = weights
        .sum_dim_intlist(1, false, vectors.kind())
        .clamp_min(1.0);
    sums / counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_masked_mean_leaves_padding_out_and_gives_an_empty_review_zeros() {
        let vectors = Tensor::from_slice(&[1.0f32, 3.0, 100.0, 5.0, 7.0, 9.0]).view([2, 3, 1]);
        let mask = Tensor::from_slice(&[1i64, 1, 0, 0, 0, 0]).view([2, 3]);
        let mean = Vec::<f32>::try_from(masked_mean(&vectors, &mask).view([-1])).unwrap();
        assert_eq!(mean, [2.0, 0.0]);
    }

    fn words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_word(text, &mut String::new(), &mut |w| out.push(w.to_string()));
        out
    }

    #[test]
    fn words_follow_the_keras_rules() {
        assert_eq!(
            words("I don't LIKE it.<br /><br />10/10\tfilm_noir"),
            ["i", "don't", "like", "it", "br", "br", "10", "10", "film", "noir"]
        );
    }

    #[test]
    fn ids_go_to_the_most_frequent_words_and_unknown_words_are_dropped() {
        let index = WordIndex::fit(&["a a a b b c", "b a d"], 3);
        // a: 4, b: 3 -> ids 1 and 2; c and d are dropped (only num_words - 1 = 2 kept).
        assert_eq!(index.encode("A c b d a"), [1, 2, 1]);
        assert_eq!(index.word(2), Some("b"));
        assert_eq!(index.word(PADDING_ID), None);
        assert_eq!(index.vocab_size(), 3);
    }

    #[test]
    fn padding_masks_and_truncates() {
        let (a, b): (&[u32], &[u32]) = (&[5, 6, 7, 8], &[9]);
        let batch = PaddedBatch::new(&[a, b], Some(3), false, Truncation::KeepStart, Device::Cpu);
        assert_eq!(batch.ids.size(), [2, 3]);
        assert_eq!(
            Vec::<i64>::try_from(batch.ids.view(-1)).unwrap(),
            [5, 6, 7, 9, 0, 0]
        );
        assert_eq!(
            Vec::<bool>::try_from(batch.mask.view(-1)).unwrap(),
            [true, true, true, true, false, false]
        );
        assert_eq!(Vec::<i64>::try_from(&batch.lengths).unwrap(), [3, 1]);

        let end = PaddedBatch::new(&[a], Some(2), true, Truncation::KeepEnd, Device::Cpu);
        assert_eq!(Vec::<i64>::try_from(end.ids.view(-1)).unwrap(), [7, 8]);
        let fixed = PaddedBatch::new(&[b], Some(4), true, Truncation::KeepEnd, Device::Cpu);
        assert_eq!(fixed.ids.size(), [1, 4]);
    }

    #[test]
    fn word_dropout_only_ever_removes_real_words() {
        let long: Vec<u32> = (1..=400).collect();
        let short: &[u32] = &[7, 8];
        let batch = PaddedBatch::new(
            &[&long, short],
            None,
            false,
            Truncation::KeepStart,
            Device::Cpu,
        );
        assert!(batch.mask_with_word_dropout(0.0).equal(&batch.mask));
        tch::manual_seed(1);
        let dropped = batch.mask_with_word_dropout(0.5);
        // Padding stays out...
        let padding = batch.mask.logical_not();
        assert!(!dropped.logical_and(&padding).any().int64_value(&[]) != 0);
        // ...and about half of the 400 words of the long review are kept.
        let kept = dropped.get(0).sum(Kind::Int64).int64_value(&[]);
        assert!((150..250).contains(&kept), "{kept} of 400 kept");
    }
}
