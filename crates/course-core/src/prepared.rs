//! Data ready to train on: reviews read, split, vectorised, labels as numbers.
//! Units 2-4 all start from [`BagOfWordsData::load`].

use crate::data::split::{train_validation_split, SPLIT_SEED, VALIDATION_FRACTION};
use crate::data::DataDir;
use crate::text::{BagOfWords, SparseCounts};
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
        Self::load_ngrams(data, max_features, 1)
    }

    /// Like [`BagOfWordsData::load`], counting terms of up to `ngrams` words (1 or 2).
    pub fn load_ngrams(
        data: &DataDir,
        max_features: usize,
        ngrams: usize,
    ) -> Result<BagOfWordsData> {
        let labelled = data.labelled_train()?;
        let test = data.test()?;
        let split = train_validation_split(labelled.len(), VALIDATION_FRACTION, SPLIT_SEED);

        let texts = |rows: &[usize]| -> Vec<&str> {
            rows.iter().map(|&i| labelled[i].review.as_str()).collect()
        };
        let labels = |rows: &[usize]| -> Option<Vec<i64>> {
            // read_reviews guarantees every labelled review has a sentiment
            Some(
                rows.iter()
                    .map(|&i| labelled[i].sentiment.unwrap_or_default() as i64)
                    .collect(),
            )
        };
        let vectorizer = BagOfWords::fit_ngrams(&texts(&split.train), max_features, ngrams);
        let test_texts: Vec<&str> = test.iter().map(|r| r.review.as_str()).collect();
        Ok(BagOfWordsData {
            train: CountsDataset {
                counts: vectorizer.transform(&texts(&split.train)),
                labels: labels(&split.train),
            },
            validation: CountsDataset {
                counts: vectorizer.transform(&texts(&split.validation)),
                labels: labels(&split.validation),
            },
            test: CountsDataset {
                counts: vectorizer.transform(&test_texts),
                labels: None,
            },
            test_ids: test.iter().map(|r| r.id.clone()).collect(),
            vectorizer,
        })
    }
}
