//! Data ready to train on: reviews read, split, vectorised, labels as numbers.
//! Units 2-4 start from [`BagOfWordsData::load`], units 5-8 from [`SequenceData::load`].

use crate::data::split::{train_validation_split, Split, SPLIT_SEED, VALIDATION_FRACTION};
use crate::data::{DataDir, Review};
use crate::text::{BagOfWords, PaddedBatch, SparseCounts, Terms, Truncation, WordIndex};
use crate::training::Dataset;
use anyhow::Result;
use tch::{Device, Tensor};

/// Word counts with their labels (none for the test reviews).
pub struct CountsDataset {
    pub counts: SparseCounts,
    pub labels: Option<Vec<i64>>,
}

impl Dataset for CountsDataset {
    type Input = Tensor;

    fn len(&self) -> usize {
        self.counts.len()
    }

    /// A dense `[rows, n_features]` batch of counts.
    fn inputs(&self, rows: &[usize], device: Device) -> Result<Tensor> {
        self.counts.dense_batch(rows, device)
    }

    fn labels(&self) -> Option<&[i64]> {
        self.labels.as_deref()
    }
}

/// The course's bag-of-words setup: vocabulary fitted on the training split only.
pub struct BagOfWordsData {
    pub vectorizer: BagOfWords,
    pub train: CountsDataset,
    pub validation: CountsDataset,
    pub test: CountsDataset,
    pub test_ids: Vec<String>,
}

impl BagOfWordsData {
    /// Reads the labelled and test reviews of `data`, splits the labelled ones 80/20 with the
    /// course's seed, and counts the `max_features` most frequent training words.
    pub fn load(data: &DataDir, max_features: usize) -> Result<BagOfWordsData> {
        Self::load_terms(data, max_features, Terms::COURSE)
    }

    /// Like [`BagOfWordsData::load`], with other [`Terms`] (word pairs, stop words kept).
    pub fn load_terms(data: &DataDir, max_features: usize, terms: Terms) -> Result<BagOfWordsData> {
        let reviews = SplitReviews::read(data)?;
        let train_texts = reviews.texts(&reviews.split.train);
        let vectorizer = BagOfWords::fit_terms(&train_texts, max_features, terms);
        let dataset = |rows: &[usize]| CountsDataset {
            counts: vectorizer.transform(&reviews.texts(rows)),
            labels: Some(reviews.labels(rows)),
        };
        Ok(BagOfWordsData {
            train: dataset(&reviews.split.train),
            validation: dataset(&reviews.split.validation),
            test: CountsDataset {
                counts: vectorizer.transform(&reviews.test_texts()),
                labels: None,
            },
            test_ids: reviews.test_ids(),
            vectorizer,
        })
    }
}

/// How sequences are cut and padded into batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SequenceLayout {
    /// Longest sequence fed to a model (`None`: whole reviews).
    pub max_len: Option<usize>,
    /// Pad every batch to `max_len` (the original course padded everything to 2,200) rather
    /// than to the batch's longest review.
    pub pad_to_max: bool,
    pub truncation: Truncation,
}

impl SequenceLayout {
    /// The course's layout: every review padded (or cut) to 2,200 ids.
    pub const COURSE: SequenceLayout = SequenceLayout {
        max_len: Some(2_200),
        pad_to_max: true,
        truncation: Truncation::KeepStart,
    };

    /// Batches padded only to their longest review, cut at `max_len`.
    pub fn dynamic(max_len: usize) -> SequenceLayout {
        SequenceLayout {
            max_len: Some(max_len),
            pad_to_max: false,
            truncation: Truncation::KeepStart,
        }
    }
}

/// Reviews as word-id sequences with their labels (none for the test reviews).
pub struct SequenceDataset {
    pub sequences: Vec<Vec<u32>>,
    pub labels: Option<Vec<i64>>,
    pub layout: SequenceLayout,
}

impl Dataset for SequenceDataset {
    type Input = PaddedBatch;

    fn len(&self) -> usize {
        self.sequences.len()
    }

    fn inputs(&self, rows: &[usize], device: Device) -> Result<PaddedBatch> {
        let mut picked = Vec::with_capacity(rows.len());
        for &row in rows {
            let Some(sequence) = self.sequences.get(row) else {
                anyhow::bail!("row {row} of {} sequences", self.sequences.len());
            };
            picked.push(sequence.as_slice());
        }
        let layout = self.layout;
        Ok(PaddedBatch::new(
            &picked,
            layout.max_len,
            layout.pad_to_max,
            layout.truncation,
            device,
        ))
    }

    fn labels(&self) -> Option<&[i64]> {
        self.labels.as_deref()
    }

    /// The length each review has in a batch, so length bucketing groups similar reviews.
    fn lengths(&self) -> Option<Vec<usize>> {
        let cap = self.layout.max_len.unwrap_or(usize::MAX);
        Some(self.sequences.iter().map(|s| s.len().min(cap)).collect())
    }
}

/// The course's sequence setup (units 5-8): word index fitted on the training split only.
pub struct SequenceData {
    pub word_index: WordIndex,
    pub train: SequenceDataset,
    pub validation: SequenceDataset,
    pub test: SequenceDataset,
    pub test_ids: Vec<String>,
}

impl SequenceData {
    /// Reads the labelled and test reviews, splits the labelled ones 80/20 with the course's
    /// seed, keeps the `num_words - 1` most frequent training words as ids (0 is padding), and
    /// encodes every review.
    pub fn load(data: &DataDir, num_words: usize, layout: SequenceLayout) -> Result<SequenceData> {
        let reviews = SplitReviews::read(data)?;
        let word_index = WordIndex::fit(&reviews.texts(&reviews.split.train), num_words);
        let encode = |texts: Vec<&str>| -> Vec<Vec<u32>> {
            use rayon::prelude::*;
            texts.par_iter().map(|t| word_index.encode(t)).collect()
        };
        let dataset = |rows: &[usize]| SequenceDataset {
            sequences: encode(reviews.texts(rows)),
            labels: Some(reviews.labels(rows)),
            layout,
        };
        Ok(SequenceData {
            train: dataset(&reviews.split.train),
            validation: dataset(&reviews.split.validation),
            test: SequenceDataset {
                sequences: encode(reviews.test_texts()),
                labels: None,
                layout,
            },
            test_ids: reviews.test_ids(),
            word_index,
        })
    }
}

/// The labelled reviews split 80/20 with the course's seed, and the test reviews: the split
/// every unit trains and validates on (unit 9 encodes them with a pre-trained tokenizer).
pub struct SplitReviews {
    labelled: Vec<Review>,
    test: Vec<Review>,
    pub split: Split,
}

impl SplitReviews {
    pub fn read(data: &DataDir) -> Result<SplitReviews> {
        let labelled = data.labelled_train()?;
        let test = data.test()?;
        let split = train_validation_split(labelled.len(), VALIDATION_FRACTION, SPLIT_SEED);
        Ok(SplitReviews {
            labelled,
            test,
            split,
        })
    }

    pub fn texts(&self, rows: &[usize]) -> Vec<&str> {
        rows.iter()
            .map(|&i| self.labelled[i].review.as_str())
            .collect()
    }

    pub fn labels(&self, rows: &[usize]) -> Vec<i64> {
        // read_reviews guarantees every labelled review has a sentiment
        rows.iter()
            .map(|&i| self.labelled[i].sentiment.unwrap_or_default() as i64)
            .collect()
    }

    pub fn test_texts(&self) -> Vec<&str> {
        self.test.iter().map(|r| r.review.as_str()).collect()
    }

    pub fn test_ids(&self) -> Vec<String> {
        self.test.iter().map(|r| r.id.clone()).collect()
    }
}
