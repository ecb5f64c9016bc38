//! Data ready to train on: reviews read, split, vectorised, labels as numbers.
//! Units 2-4 all start from [`BagOfWordsData::load`].

use crate::data::split::{train_validation_split, SPLIT_SEED, VALIDATION_FRACTION};
use crate::data::DataDir;
use crate::text::{BagOfWords, SparseCounts};
use anyhow::Result;

/// The course's bag-of-words setup: vocabulary fitted on the training split only.
pub struct BagOfWordsData {
    pub vectorizer: BagOfWords,
    pub train: SparseCounts,
    pub train_labels: Vec<i64>,
    pub validation: SparseCounts,
    pub validation_labels: Vec<i64>,
    pub test: SparseCounts,
    pub test_ids: Vec<String>,
}

impl BagOfWordsData {
    /// Reads the labelled and test reviews of `data`, splits the labelled ones 80/20 with the
    /// course's seed, and counts the `max_features` most frequent training words.
    pub fn load(data: &DataDir, max_features: usize) -> Result<BagOfWordsData> {
        let labelled = data.labelled_train()?;
        let test = data.test()?;
        let split = train_validation_split(labelled.len(), VALIDATION_FRACTION, SPLIT_SEED);

        let texts = |rows: &[usize]| -> Vec<&str> {
            rows.iter().map(|&i| labelled[i].review.as_str()).collect()
        };
        let labels = |rows: &[usize]| -> Vec<i64> {
            // read_reviews guarantees every labelled review has a sentiment
            rows.iter()
                .map(|&i| labelled[i].sentiment.unwrap_or_default() as i64)
                .collect()
        };
        let vectorizer = BagOfWords::fit(&texts(&split.train), max_features);
        Ok(BagOfWordsData {
            train: vectorizer.transform(&texts(&split.train)),
            train_labels: labels(&split.train),
            validation: vectorizer.transform(&texts(&split.validation)),
            validation_labels: labels(&split.validation),
            test: vectorizer.transform(&test.iter().map(|r| r.review.as_str()).collect::<Vec<_>>()),
            test_ids: test.into_iter().map(|r| r.id).collect(),
            vectorizer,
        })
    }
}
