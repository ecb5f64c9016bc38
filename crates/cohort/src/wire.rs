//! The JSON that the learner's `course` and the cohort's server exchange.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `POST /api/join`: a join code and the name (or pseudonym) to show on the boards.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JoinRequest {
    pub code: String,
    pub name: String,
}

/// The learner's token: shown once, kept by the learner, stored by the server only as a hash.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JoinReply {
    pub learner: i64,
    pub name: String,
    pub token: String,
    pub cohort: String,
}

/// A unit's exercise progress, as `course verify` last reported it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitProgress {
    pub done: usize,
    pub total: usize,
    /// The first task not done, from 1 (`None`: all done, or the file did not compile).
    pub next: Option<usize>,
    /// False when the exercise file did not compile at its last check.
    pub compiles: bool,
}

/// The largest `settings` a submission may carry (a run's `config.json` is a few kB).
pub const MAX_SETTINGS_BYTES: usize = 64 * 1024;

/// `POST /api/submissions`: a run's submission file and what the learner's run recorded.
/// The server scores `csv` itself: nothing here sets the score.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SubmissionRequest {
    pub unit: String,
    pub run: String,
    /// The submission file as it is on disk (`id,sentiment` rows).
    pub csv: String,
    pub validation_accuracy: Option<f64>,
    /// The run's `config.json`, kept as its text (not parsed into a tree: a client cannot make
    /// the server build a large one) and at most [`MAX_SETTINGS_BYTES`].
    pub settings: Option<Box<serde_json::value::RawValue>>,
    pub seed: Option<u64>,
    /// How many test scores of this unit the learner had seen (every finished run prints one).
    pub tests_seen: usize,
    /// The learner's commit (`git rev-parse --short HEAD`), when known.
    pub commit: Option<String>,
    /// Every unit's exercise progress.
    pub progress: BTreeMap<String, UnitProgress>,
    /// Random, made once per submission by the learner's side: a submission sent twice (its
    /// answer was lost, then it was sent again from the pending folder) is recorded once.
    pub client_id: Option<String>,
}

/// What the server said of a submission.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubmissionReply {
    pub submission: i64,
    pub unit: String,
    pub test_accuracy: f64,
    pub correct: usize,
    pub total: usize,
    /// The learner's place on the unit's board (from 1) and how many learners are on it.
    pub rank: usize,
    pub entries: usize,
    /// The board's address.
    pub board: String,
}

/// `POST /api/progress`: progress alone, without a submission.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProgressReport {
    pub progress: BTreeMap<String, UnitProgress>,
}

/// One learner's entry on a unit's board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardEntry {
    pub rank: usize,
    pub learner: i64,
    pub name: String,
    pub test_accuracy: f64,
    pub validation_accuracy: Option<f64>,
    pub tests_seen: usize,
    pub submissions: usize,
    /// Seconds since 1970 of the entry's submission.
    pub submitted: i64,
}

/// A unit's board: the entries, the rows to beat, and whether the unit is closed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Board {
    pub unit: String,
    pub model: String,
    pub course: Option<f64>,
    pub reference: Option<f64>,
    /// When the instructor closed the unit (its board is then final).
    pub closed: Option<i64>,
    pub entries: Vec<BoardEntry>,
}

/// `POST /api/invite` (instructor): `count` codes of one use each, or one shared code for
/// `shared` learners.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InviteRequest {
    pub count: usize,
    pub shared: Option<usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InviteReply {
    /// Each code with how many learners may join with it.
    pub codes: Vec<(String, usize)>,
}

/// `POST /api/close` (instructor).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CloseRequest {
    pub unit: String,
}

/// Every error the API returns: what is wrong and what to do.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorReply {
    pub error: String,
}

/// `GET /api/about`: the cohort, and the test reviews its server scores on.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct About {
    pub cohort: String,
    pub test_reviews: usize,
    pub data: String,
    pub units: Vec<String>,
}
