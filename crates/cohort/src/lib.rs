//! A cohort takes the course together.
//!
//! The original course ran as a guided cohort: each week learners submitted their unit's
//! predictions, saw their score and their rank among everyone's, and tried to beat their last
//! submission, while the instructor followed who was stuck where. This crate is that, for this
//! course:
//!
//! * [`server`]: the instructor's server (`course cohort serve`). It keeps the cohort in one SQLite
//!   file ([`store`]), scores every submission itself against its own test reviews ([`scoring`]),
//!   and serves pages readable without JavaScript: a board per unit, a chart of the cohort's best
//!   against the original course, each learner's history, and the instructor's progress page.
//! * [`client`]: what a learner's `course cohort join`, `course submit` and `course cohort` send
//!   and read. A submission that cannot reach the server is kept on disk and sent later.
//! * [`wire`]: the JSON both sides exchange; [`secret`]: tokens and join codes.
//!
//! A unit's board ranks each learner's *last chosen* submission by the test accuracy the server
//! computed, and shows beside it the validation accuracy the learner chose it by and how many
//! test scores the learner had seen: this data set's test labels are in its ids, so every
//! learner already sees their full test score, and the honest board says how often they looked.

pub mod chart;
pub mod client;
pub mod problem;
pub mod scoring;
pub mod secret;
pub mod server;
pub mod store;
pub mod wire;

/// A unit as the cohort's boards show it: its name, its model, and the two rows to beat.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UnitInfo {
    /// `unit1` ... `unit9`.
    pub name: String,
    pub model: String,
    /// The original course's test accuracy.
    pub course: Option<f64>,
    /// This course's reference run on the full data (`docs/results/`).
    pub reference: Option<f64>,
}

/// Seconds since 1970 (UTC), as the database keeps every time.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `2026-12-07 13:05 UTC`, for pages and the terminal.
pub fn utc(seconds: i64) -> String {
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = course_core::tracking::civil_date(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}
