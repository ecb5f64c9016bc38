//! A bag of words: each review becomes the counts of the `max_features` most frequent words.
//!
//! Same rules as the course's `CountVectorizer(lowercase=True, stop_words="english",
//! max_features=N)`:
//! * lowercase the text;
//! * a token is a run of 2 or more word characters (letters, digits, `_`), the regex
//!   `(?u)\b\w\w+\b`, so `don't` gives `don` (and `t` is too short) and `<br />` gives `br`;
//! * drop English stop words;
//! * keep the `max_features` tokens with the highest total count **in the texts it is fitted on**
//!   (fit on the training split only, or validation accuracy flatters the model);
//! * number the kept words alphabetically.
//!
//! [`Terms`] changes two of these rules: pairs of neighbouring words (`ngram_range=(1, 2)`:
//! "great acting" carries more than "great" and "acting" apart), and keeping the stop words
//! (`stop_words=None`: scikit-learn's list holds "not", "no" and "nothing", which a sentiment
//! model wants). As in scikit-learn, stop words are removed before the pairs are formed.

use super::stop_words::is_stop_word;
use anyhow::{bail, Result};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use tch::{Device, Kind, Tensor};

/// A fitted vocabulary: word <-> feature column.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BagOfWords {
    /// The kept words in column order (alphabetical).
    vocabulary: Vec<String>,
    #[serde(default)]
    terms: Terms,
    #[serde(skip)]
    column_of: FxHashMap<String, u32>,
}

/// What counts as a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    /// 1: single words; 2: single words and pairs of neighbouring words.
    pub ngrams: usize,
    /// Drop scikit-learn's English stop words (the course does).
    pub remove_stop_words: bool,
}

impl Terms {
    /// The course's `CountVectorizer(stop_words="english")`: single words, no stop words.
    pub const COURSE: Terms = Terms {
        ngrams: 1,
        remove_stop_words: true,
    };

    /// Single words and pairs of neighbouring words, stop words kept (so "not good" survives):
    /// the larger vocabulary of units 3 and 4's improved runs.
    pub const WORDS_AND_PAIRS: Terms = Terms {
        ngrams: 2,
        remove_stop_words: false,
    };
}

impl Default for Terms {
    fn default() -> Self {
        Terms::COURSE
    }
}

impl BagOfWords {
    /// Learns the vocabulary: the `max_features` most frequent non-stop-words of `texts`.
    pub fn fit<S: AsRef<str> + Sync>(texts: &[S], max_features: usize) -> BagOfWords {
        let counts = super::count_words(texts, for_each_token);
        // Stop words are removed once per distinct word rather than once per token.
        let counts = counts.into_iter().filter(|(word, _)| !is_stop_word(word));
        let mut vocabulary = super::most_frequent(counts, max_features);
        vocabulary.sort_unstable();
        Self::from_vocabulary(vocabulary)
    }

    /// Like [`BagOfWords::fit`], with other [`Terms`]: the `max_features` most frequent terms.
    pub fn fit_terms<S: AsRef<str> + Sync>(
        texts: &[S],
        max_features: usize,
        terms: Terms,
    ) -> BagOfWords {
        if terms == Terms::COURSE {
            return Self::fit(texts, max_features);
        }
        let counts = super::count_words(texts, |text, buffer, each| {
            for_each_term(text, buffer, terms, each)
        });
        let mut vocabulary = super::most_frequent(counts, max_features);
        vocabulary.sort_unstable();
        Self::from_vocabulary_with(vocabulary, terms)
    }

    /// Rebuilds a vectoriser of the course's terms from a saved vocabulary (columns in the
    /// given order).
    pub fn from_vocabulary(vocabulary: Vec<String>) -> BagOfWords {
        Self::from_vocabulary_with(vocabulary, Terms::COURSE)
    }

    /// Rebuilds a vectoriser from a saved vocabulary and its terms.
    pub fn from_vocabulary_with(vocabulary: Vec<String>, terms: Terms) -> BagOfWords {
        let column_of = vocabulary
            .iter()
            .enumerate()
            .map(|(i, w)| (w.clone(), i as u32))
            .collect();
        BagOfWords {
            vocabulary,
            terms,
            column_of,
        }
    }

    /// What counts as a term.
    pub fn terms(&self) -> Terms {
        self.terms
    }

    /// The number of features (columns).
    pub fn len(&self) -> usize {
        self.vocabulary.len()
    }

    pub fn is_empty(&self) -> bool {
        self.vocabulary.is_empty()
    }

    /// The kept words, in column order.
    pub fn vocabulary(&self) -> &[String] {
        &self.vocabulary
    }

    /// The column of `word`, if it was kept.
    pub fn column(&self, word: &str) -> Option<usize> {
        self.column_of.get(word).map(|&c| c as usize)
    }

    /// Counts the kept words of every text (texts are tokenized in parallel).
    pub fn transform<S: AsRef<str> + Sync>(&self, texts: &[S]) -> SparseCounts {
        let rows: Vec<Vec<u32>> = texts
            .par_iter()
            .map_init(String::new, |buffer, text| {
                let mut columns = Vec::new();
                let mut count = |term: &str| {
                    if let Some(&c) = self.column_of.get(term) {
                        columns.push(c);
                    }
                };
                if self.terms.ngrams <= 1 {
                    // Removed stop words are not in the vocabulary: no need to test for them.
                    for_each_token(text.as_ref(), buffer, &mut count);
                } else {
                    for_each_term(text.as_ref(), buffer, self.terms, &mut count);
                }
                columns
            })
            .collect();
        let mut counts = SparseCounts::new(self.len());
        for mut columns in rows {
            counts.push_row(&mut columns);
        }
        counts
    }
}

/// Calls `each` with every term of `text`: its tokens (but stop words, if `terms` removes them)
/// and, when `terms.ngrams` is 2, every pair of neighbouring such tokens joined by a space.
pub fn for_each_term(text: &str, buffer: &mut String, terms: Terms, each: &mut dyn FnMut(&str)) {
    let (mut previous, mut pair) = (String::new(), String::new());
    for_each_token(text, buffer, &mut |token| {
        if terms.remove_stop_words && is_stop_word(token) {
            return;
        }
        each(token);
        if terms.ngrams >= 2 {
            if !previous.is_empty() {
                pair.clear();
                pair.push_str(&previous);
                pair.push(' ');
                pair.push_str(token);
                each(&pair);
            }
            previous.clear();
            previous.push_str(token);
        }
    });
}

/// Calls `each` with every lowercase token of 2 or more word characters of `text`.
/// `buffer` is scratch space, reused so tokenizing allocates nothing per token.
pub fn for_each_token(text: &str, buffer: &mut String, each: &mut dyn FnMut(&str)) {
    buffer.clear();
    let mut length = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Most of the text is ASCII: handle it byte by byte, decode a char only when needed.
        let (is_word, width) = if bytes[i].is_ascii() {
            let b = bytes[i];
            let is_word = b.is_ascii_alphanumeric() || b == b'_';
            if is_word {
                buffer.push(b.to_ascii_lowercase() as char);
            }
            (is_word, 1)
        } else {
            let c = text[i..].chars().next().expect("i is on a char boundary");
            let is_word = c.is_alphanumeric();
            if is_word {
                buffer.extend(c.to_lowercase());
            }
            (is_word, c.len_utf8())
        };
        if is_word {
            length += 1;
        } else {
            if length >= 2 {
                each(buffer);
            }
            buffer.clear();
            length = 0;
        }
        i += width;
    }
    if length >= 2 {
        each(buffer);
    }
}

/// Word counts of many reviews, stored row by row (compressed sparse rows): a review uses only
/// a few hundred of the 10,000 columns, so a dense 25,000 x 10,000 matrix (1 GB) is never built.
#[derive(Debug, Clone, PartialEq)]
pub struct SparseCounts {
    n_features: usize,
    /// Row `i` is `columns[row_starts[i]..row_starts[i + 1]]` (and the same range of `values`).
    row_starts: Vec<usize>,
    columns: Vec<u32>,
    values: Vec<f32>,
}

impl SparseCounts {
    fn new(n_features: usize) -> SparseCounts {
        SparseCounts {
            n_features,
            row_starts: vec![0],
            columns: Vec::new(),
            values: Vec::new(),
        }
    }

    /// Appends one row given the column of every token occurrence (sorted here).
    fn push_row(&mut self, columns: &mut [u32]) {
        columns.sort_unstable();
        for group in columns.chunk_by(|a, b| a == b) {
            self.columns.push(group[0]);
            self.values.push(group.len() as f32);
        }
        self.row_starts.push(self.columns.len());
    }

    /// The number of rows (reviews).
    pub fn len(&self) -> usize {
        self.row_starts.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The non-zero columns of row `i` and their counts.
    pub fn row(&self, i: usize) -> (&[u32], &[f32]) {
        let range = self.row_starts[i]..self.row_starts[i + 1];
        (&self.columns[range.clone()], &self.values[range])
    }

    /// The total number of non-zero counts.
    pub fn nnz(&self) -> usize {
        self.columns.len()
    }

    /// The chosen rows as a dense `[rows.len(), n_features]` float tensor (one mini-batch).
    pub fn dense_batch(&self, rows: &[usize], device: Device) -> Result<Tensor> {
        let (indices, values) = self.batch_entries(rows)?;
        // libtorch's zeros, then each count put in its place. (A Rust `vec![0.0; n]` of this
        // size comes from `calloc`, which jemalloc zeroes by handing the pages back to the
        // system: every batch then faulted 13 MB of fresh pages in, 40 % of unit 3's time.)
        let shape = [rows.len() as i64, self.n_features as i64];
        let mut dense = Tensor::zeros(shape, (Kind::Float, Device::Cpu));
        let (batch_rows, columns) = (indices.get(0), indices.get(1));
        let _ = dense.index_put_(&[Some(batch_rows), Some(columns)], &values, false);
        Ok(crate::device::from_cpu(dense, device))
    }

    /// The chosen rows as a sparse COO tensor of the same shape (for `Tensor::mm` on sparse
    /// input: memory grows with the words present, not with the vocabulary).
    pub fn sparse_batch(&self, rows: &[usize], device: Device) -> Result<Tensor> {
        let (indices, values) = self.batch_entries(rows)?;
        let sparse = Tensor::sparse_coo_tensor_indices_size(
            &indices,
            &values,
            [rows.len() as i64, self.n_features as i64],
            (Kind::Float, Device::Cpu),
            true,
        );
        Ok(sparse.to_device(device))
    }

    /// The counts of the chosen rows: `[2, n]` indices (row in the batch, column) and their `n`
    /// values.
    fn batch_entries(&self, rows: &[usize]) -> Result<(Tensor, Tensor)> {
        self.check_rows(rows)?;
        let (mut row_ids, mut col_ids, mut values) = (Vec::new(), Vec::new(), Vec::new());
        for (b, &i) in rows.iter().enumerate() {
            let (columns, counts) = self.row(i);
            row_ids.extend(std::iter::repeat_n(b as i64, columns.len()));
            col_ids.extend(columns.iter().map(|&c| c as i64));
            values.extend_from_slice(counts);
        }
        let indices = Tensor::stack(
            &[Tensor::from_slice(&row_ids), Tensor::from_slice(&col_ids)],
            0,
        );
        Ok((indices, Tensor::from_slice(&values)))
    }

    fn check_rows(&self, rows: &[usize]) -> Result<()> {
        if let Some(&bad) = rows.iter().find(|&&i| i >= self.len()) {
            bail!(
                "row {bad} asked for, but there are only {} rows",
                self.len()
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_token(text, &mut String::new(), &mut |t| out.push(t.to_string()));
        out
    }

    #[test]
    fn word_pairs_skip_stop_words_as_scikit_learn_does() {
        let mut terms = Vec::new();
        let pairs = Terms {
            ngrams: 2,
            remove_stop_words: true,
        };
        for_each_term(
            "The acting was great, the plot boring",
            &mut String::new(),
            pairs,
            &mut |t| terms.push(t.to_string()),
        );
        // "the" and "was" are stop words: removed before pairing.
        assert_eq!(
            terms,
            [
                "acting",
                "great",
                "acting great",
                "plot",
                "great plot",
                "boring",
                "plot boring"
            ]
        );
        let texts = [
            "great acting film",
            "great acting, great score",
            "bad acting",
        ];
        let bag = BagOfWords::fit_terms(&texts, 3, pairs);
        assert_eq!(bag.vocabulary(), ["acting", "great", "great acting"]);
        // 4 words + "great acting" twice ("acting great" is not in the vocabulary).
        let counts = bag.transform(&["great acting and great acting"]);
        assert_eq!(counts.row(0).1.iter().sum::<f32>(), 6.0);
        let keep = Terms {
            ngrams: 1,
            remove_stop_words: false,
        };
        let bag = BagOfWords::fit_terms(&["not good, not bad"], 10, keep);
        assert_eq!(bag.vocabulary(), ["bad", "good", "not"]);
    }

    #[test]
    fn tokens_follow_the_countvectorizer_pattern() {
        assert_eq!(
            tokens("I don't like it.<br /><br />A 10/10 MOVIE_night, Café!"),
            [
                "don",
                "like",
                "it",
                "br",
                "br",
                "10",
                "10",
                "movie_night",
                "café"
            ]
        );
        assert!(tokens("a b c ! ?").is_empty());
    }

    #[test]
    fn fit_keeps_the_most_frequent_non_stop_words_alphabetically() {
        let texts = [
            "good good good film",
            "bad film film",
            "the the the the good",
        ];
        let bow = BagOfWords::fit(&texts, 2);
        // counts: good 4, film 3, bad 1; "the" is a stop word.
        assert_eq!(bow.vocabulary(), ["film", "good"]);
        let counts = bow.transform(&["Good film, GOOD!", "nothing here"]);
        assert_eq!(counts.row(0), (&[0u32, 1][..], &[1f32, 2.0][..]));
        assert_eq!(counts.row(1), (&[][..], &[][..]));
    }

    #[test]
    fn ties_are_broken_alphabetically() {
        let bow = BagOfWords::fit(&["zebra apple mango"], 2);
        assert_eq!(bow.vocabulary(), ["apple", "mango"]);
    }

    #[test]
    fn dense_and_sparse_batches_agree() {
        let bow = BagOfWords::fit(&["good film", "bad film", "good good"], 10);
        let counts = bow.transform(&["good film film", "bad", "bad good"]);
        let dense = counts.dense_batch(&[2, 0], Device::Cpu).unwrap();
        let sparse = counts
            .sparse_batch(&[2, 0], Device::Cpu)
            .unwrap()
            .to_dense(None, false);
        assert_eq!(dense.size(), [2, 3]);
        assert_eq!(
            Vec::<f32>::try_from(dense.view(-1)).unwrap(),
            [1., 0., 1., 0., 2., 1.]
        );
        assert!(dense.equal(&sparse));
        // A review with none of the vocabulary's words is a row of zeros.
        let empty = bow.transform(&["unknown words only"]);
        let zeros = empty.dense_batch(&[0], Device::Cpu).unwrap();
        assert_eq!(Vec::<f32>::try_from(zeros.view(-1)).unwrap(), [0., 0., 0.]);
        assert!(counts.dense_batch(&[3], Device::Cpu).is_err());
    }
}
