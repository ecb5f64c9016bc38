//! Kaggle submissions (`id,sentiment`), and an offline scorer.
//!
//! Kaggle never published the test labels, but every id is `<number>_<rating>` and the Stanford
//! dataset labels ratings 7-10 positive and 1-4 negative. The scorer uses that to tell a learner
//! their leaderboard score offline. It only ever reads *submissions*: no training or tuning code
//! may look at test labels (that would be cheating the leaderboard, and the course's rule).

use super::kaggle::Review;
use anyhow::{bail, Context, Result};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// Writes `id,sentiment` rows in Kaggle's sample-submission format, atomically.
pub fn write_submission(path: &Path, ids: &[String], predictions: &[u8]) -> Result<()> {
    if ids.len() != predictions.len() {
        bail!("{} ids but {} predictions", ids.len(), predictions.len());
    }
    if let Some(bad) = predictions.iter().find(|&&p| p > 1) {
        bail!("a prediction must be 0 or 1, found {bad}");
    }
    crate::fs::write_atomically(path, |out| {
        writeln!(out, "id,sentiment")?;
        for (id, p) in ids.iter().zip(predictions) {
            writeln!(out, "\"{id}\",{p}")?;
        }
        Ok(())
    })
}

/// Reads a submission: `id,sentiment` header, then one row per review (ids quoted or not).
pub fn read_submission(path: &Path) -> Result<Vec<(String, u8)>> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read the submission {}", path.display()))?;
    parse_submission(&bytes).with_context(|| format!("reading {}", path.display()))
}

/// Parses a submission's bytes as Kaggle's sample file has them, and as a spreadsheet or pandas
/// saves them: a UTF-8 byte-order mark, CRLF line ends and quoted ids are all accepted.
pub fn parse_submission(bytes: &[u8]) -> Result<Vec<(String, u8)>> {
    let text = std::str::from_utf8(bytes).context("a submission must be UTF-8 text")?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // `lines` drops a `\r` before each `\n`; a file saved with old Mac line ends has none.
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, header)) if header.replace('"', "").trim() == "id,sentiment" => {}
        other => bail!(
            "line 1 must be the header `id,sentiment`, found {:?}",
            other.map(|(_, h)| h).unwrap_or("")
        ),
    }
    let mut rows = Vec::new();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let (id, label) = line
            .split_once(',')
            .with_context(|| format!("line {}: expected `id,sentiment`", i + 1))?;
        let label = match label.trim().trim_matches('"') {
            "0" => 0,
            "1" => 1,
            other => bail!("line {}: sentiment must be 0 or 1, found {other:?}", i + 1),
        };
        rows.push((id.trim().trim_matches('"').to_string(), label));
    }
    Ok(rows)
}

/// The true sentiment of a Stanford/Kaggle review from its id: `<number>_<rating>`.
pub fn sentiment_from_id(id: &str) -> Result<u8> {
    let rating: u8 = id
        .rsplit_once('_')
        .and_then(|(_, r)| r.parse().ok())
        .with_context(|| format!("id {id:?} is not of the form <number>_<rating>"))?;
    match rating {
        1..=4 => Ok(0),
        7..=10 => Ok(1),
        _ => bail!("id {id:?} has rating {rating}; test reviews are rated 1-4 or 7-10"),
    }
}

/// What the offline leaderboard says about a submission.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub correct: usize,
    pub total: usize,
}

impl Score {
    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.total as f64
    }
}

/// Scores `submission` against the test reviews. Every test review must be predicted once.
pub fn score_submission(submission: &[(String, u8)], test: &[Review]) -> Result<Score> {
    let ids: Vec<&str> = test.iter().map(|review| review.id.as_str()).collect();
    score_against_ids(submission, &ids)
}

/// Scores `submission` against the test reviews named by `test_ids` (their labels come from the
/// ids' ratings). Every id must be predicted exactly once, and no other id.
pub fn score_against_ids<S: AsRef<str>>(
    submission: &[(String, u8)],
    test_ids: &[S],
) -> Result<Score> {
    let mut predicted: HashMap<&str, u8> = HashMap::with_capacity(submission.len());
    for (id, label) in submission {
        if predicted.insert(id.as_str(), *label).is_some() {
            bail!("the submission predicts id {id} twice");
        }
    }
    let mut correct = 0;
    for id in test_ids {
        let id = id.as_ref();
        let Some(&label) = predicted.get(id) else {
            bail!("the submission has no prediction for test review {id}");
        };
        correct += usize::from(label == sentiment_from_id(id)?);
    }
    if predicted.len() != test_ids.len() {
        bail!(
            "the submission has {} rows but the test set has {} reviews; it predicts ids that are not test reviews",
            predicted.len(),
            test_ids.len()
        );
    }
    Ok(Score {
        correct,
        total: test_ids.len(),
    })
}

/// Reads a submission file and scores it against the test reviews.
pub fn score_file(path: &Path, test: &[Review]) -> Result<Score> {
    score_submission(&read_submission(path)?, test)
        .with_context(|| format!("scoring {}", path.display()))
}
