//! The server scores every submission itself, against the test reviews of its own data folder:
//! exactly those ids, each once, each 0 or 1. What a learner's summary says of the score is
//! never read.

use crate::problem::{Answer, Problem};
use course_core::data::submission::{parse_submission, score_against_ids, Score};
use course_core::data::DataDir;
use sha2::{Digest, Sha256};

/// The largest submission file the server takes: 25,000 rows of `"12345_10",1` are about
/// 400 kB, so this leaves room for any honest file.
pub const MAX_SUBMISSION_BYTES: usize = 4 * 1024 * 1024;

/// The ids of the test reviews submissions are scored on.
pub struct TestIds {
    ids: Vec<String>,
    /// Where they came from, for messages.
    pub source: String,
}

impl TestIds {
    /// The test reviews of `data` (their text is not kept). They are named by their folder's
    /// name only (`imdb`): the server's own paths are nobody else's business.
    pub fn of(data: &DataDir) -> anyhow::Result<TestIds> {
        let ids = data.test()?.into_iter().map(|review| review.id).collect();
        let folder = data
            .path
            .file_name()
            .map(|name| name.to_string_lossy().to_string());
        Ok(TestIds {
            ids,
            source: format!(
                "the data folder {}",
                folder.unwrap_or_else(|| "given".into())
            ),
        })
    }

    /// Test ids given directly (tests).
    pub fn from_ids(ids: Vec<String>, source: &str) -> TestIds {
        TestIds {
            ids,
            source: source.to_string(),
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// Checks a submission file and scores it; returns the score and the file's SHA-256.
    pub fn score(&self, file: &[u8]) -> Answer<(Score, String)> {
        if file.len() > MAX_SUBMISSION_BYTES {
            return Err(Problem::TooLarge(format!(
                "the submission has {} bytes; the server takes files of at most {} bytes",
                file.len(),
                MAX_SUBMISSION_BYTES
            )));
        }
        let rows = parse_submission(file)
            .map_err(|e| Problem::BadInput(format!("the submission file: {e:#}")))?;
        let score = score_against_ids(&rows, &self.ids).map_err(|e| {
            Problem::BadInput(format!(
                "{e:#} (this server scores the {} test reviews of {})",
                self.ids.len(),
                self.source
            ))
        })?;
        let digest: String = Sha256::digest(file)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok((score, digest))
    }
}
