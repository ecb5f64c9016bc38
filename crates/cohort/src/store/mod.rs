//! The cohort's records, in one SQLite file: learners, join codes, submissions, progress, and
//! which units are closed.
//!
//! Every statement is parameterised. Each change a request makes (a join, a submission with its
//! progress) is one transaction, and the file is in write-ahead-log mode with full syncs: what
//! the server has acknowledged survives a kill, and a kill half-way through a request leaves
//! nothing of it behind.

mod boards;

use crate::problem::{Answer, Problem};
use crate::secret;
use crate::wire::UnitProgress;
use anyhow::Context;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::BTreeMap;
use std::path::Path;

pub use boards::{HistoryRow, LearnerProgress, ProgressCell};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS cohort (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS codes (
    id INTEGER PRIMARY KEY,
    code_hash TEXT NOT NULL UNIQUE,
    uses_left INTEGER NOT NULL CHECK (uses_left >= 0),
    created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS learners (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    token_hash TEXT NOT NULL,
    code_id INTEGER NOT NULL REFERENCES codes(id),
    joined INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    learner_id INTEGER NOT NULL REFERENCES learners(id),
    unit TEXT NOT NULL,
    created INTEGER NOT NULL,
    test_accuracy REAL NOT NULL,
    correct INTEGER NOT NULL,
    total INTEGER NOT NULL,
    validation_accuracy REAL,
    run_name TEXT NOT NULL,
    settings TEXT NOT NULL,
    seed INTEGER,
    tests_seen INTEGER NOT NULL,
    commit_hash TEXT,
    file_sha256 TEXT NOT NULL,
    client_id TEXT
);
CREATE INDEX IF NOT EXISTS submissions_by_unit ON submissions (unit, learner_id, id);
CREATE UNIQUE INDEX IF NOT EXISTS submissions_once ON submissions (learner_id, client_id);
CREATE TABLE IF NOT EXISTS progress (
    learner_id INTEGER NOT NULL REFERENCES learners(id),
    unit TEXT NOT NULL,
    done INTEGER NOT NULL,
    total INTEGER NOT NULL,
    next_task INTEGER,
    compiles INTEGER NOT NULL,
    since INTEGER NOT NULL,
    reported INTEGER NOT NULL,
    PRIMARY KEY (learner_id, unit)
);
CREATE TABLE IF NOT EXISTS closed_units (unit TEXT PRIMARY KEY, closed INTEGER NOT NULL);
";

/// The cohort's database.
pub struct Store {
    connection: Connection,
}

/// A learner, as a token names them.
#[derive(Debug, Clone, PartialEq)]
pub struct Learner {
    pub id: i64,
    pub name: String,
}

/// A scored submission, ready to be recorded.
#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub unit: String,
    pub test_accuracy: f64,
    pub correct: usize,
    pub total: usize,
    pub validation_accuracy: Option<f64>,
    pub run_name: String,
    pub settings: String,
    pub seed: Option<u64>,
    pub tests_seen: usize,
    pub commit: Option<String>,
    pub file_sha256: String,
    /// The learner's side's id of this submission: sent twice, it is recorded once.
    pub client_id: Option<String>,
}

impl Store {
    /// Opens (or creates) the cohort's file. A new cohort gets an instructor's token, returned
    /// here once: only its hash is kept.
    pub fn open(path: &Path, cohort_name: &str) -> anyhow::Result<(Store, Option<String>)> {
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create {}", folder.display()))?;
        }
        let connection = Connection::open(path)
            .with_context(|| format!("cannot open the cohort database {}", path.display()))?;
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
            )
            .context("cannot set up the cohort database")?;
        connection.execute_batch(SCHEMA).with_context(|| {
            format!(
                "{} is not a cohort database this version can use",
                path.display()
            )
        })?;
        let mut store = Store { connection };
        let token = store.initialise(cohort_name)?;
        Ok((store, token))
    }

    /// Names a new cohort and makes its instructor's token; an existing cohort keeps both.
    fn initialise(&mut self, cohort_name: &str) -> anyhow::Result<Option<String>> {
        let transaction = self.connection.transaction()?;
        let existing: Option<String> = transaction
            .query_row("SELECT value FROM cohort WHERE key = 'name'", [], |row| {
                row.get(0)
            })
            .optional()?;
        if existing.is_some() {
            return Ok(None);
        }
        let secret = secret::new_secret();
        transaction.execute(
            "INSERT INTO cohort (key, value) VALUES ('name', ?1), ('instructor', ?2), ('created', ?3)",
            params![cohort_name, secret::hash(&secret), crate::now().to_string()],
        )?;
        transaction.commit()?;
        Ok(Some(secret::instructor_token(&secret)))
    }

    pub fn cohort_name(&self) -> Answer<String> {
        Ok(self
            .connection
            .query_row("SELECT value FROM cohort WHERE key = 'name'", [], |row| {
                row.get(0)
            })?)
    }

    /// Whether `token` is the instructor's.
    pub fn is_instructor(&self, token: &str) -> Answer<bool> {
        let Some(secret) = secret::parse_instructor_token(token) else {
            return Ok(false);
        };
        let stored: String = self.connection.query_row(
            "SELECT value FROM cohort WHERE key = 'instructor'",
            [],
            |row| row.get(0),
        )?;
        Ok(secret::matches(secret, &stored))
    }

    /// New join codes: `count` of one use each, or (with `shared`) one code for that many.
    pub fn add_codes(
        &mut self,
        count: usize,
        shared: Option<usize>,
    ) -> Answer<Vec<(String, usize)>> {
        let (codes, uses) = match shared {
            Some(0) => {
                return Err(Problem::BadInput(
                    "a shared code needs a limit of at least 1 learner".into(),
                ))
            }
            Some(limit) => (1, limit),
            None => (count, 1),
        };
        if !(1..=500).contains(&codes) || uses > 10_000 {
            return Err(Problem::BadInput(
                "invite 1 to 500 codes at a time (a shared code: up to 10,000 learners)".into(),
            ));
        }
        let transaction = self.connection.transaction()?;
        let mut made = Vec::with_capacity(codes);
        for _ in 0..codes {
            let code = secret::new_join_code();
            transaction.execute(
                "INSERT INTO codes (code_hash, uses_left, created) VALUES (?1, ?2, ?3)",
                params![secret::hash(&code), uses as i64, crate::now()],
            )?;
            made.push((code, uses));
        }
        transaction.commit()?;
        Ok(made)
    }

    /// A learner joins with a code and a name; returns the learner and their token.
    pub fn join(&mut self, code: &str, name: &str) -> Answer<(Learner, String)> {
        let name = check_name(name)?;
        let transaction = self.connection.transaction()?;
        let found: Option<(i64, i64)> = transaction
            .query_row(
                "SELECT id, uses_left FROM codes WHERE code_hash = ?1",
                params![secret::hash(code)],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let code_id = match found {
            None => {
                return Err(Problem::Unauthorized(
                    "that join code is not one of this cohort's: check it with your instructor"
                        .into(),
                ))
            }
            Some((_, 0)) => {
                return Err(Problem::Conflict(
                    "that join code has been used up: ask your instructor for another".into(),
                ))
            }
            Some((id, _)) => id,
        };
        let taken: bool = transaction.query_row(
            "SELECT EXISTS (SELECT 1 FROM learners WHERE name = ?1)",
            params![name],
            |row| row.get(0),
        )?;
        if taken {
            return Err(Problem::Conflict(format!(
                "the name {name:?} is taken in this cohort: choose another with --name"
            )));
        }
        let secret = secret::new_secret();
        transaction.execute(
            "INSERT INTO learners (name, token_hash, code_id, joined) VALUES (?1, ?2, ?3, ?4)",
            params![name, secret::hash(&secret), code_id, crate::now()],
        )?;
        let id = transaction.last_insert_rowid();
        transaction.execute(
            "UPDATE codes SET uses_left = uses_left - 1 WHERE id = ?1",
            params![code_id],
        )?;
        transaction.commit()?;
        Ok((Learner { id, name }, secret::learner_token(id, &secret)))
    }

    /// The learner a token belongs to (`None`: not a learner's token of this cohort).
    pub fn learner_of(&self, token: &str) -> Answer<Option<Learner>> {
        let Some((id, secret)) = secret::parse_learner_token(token) else {
            return Ok(None);
        };
        let row: Option<(String, String)> = self
            .connection
            .query_row(
                "SELECT name, token_hash FROM learners WHERE id = ?1",
                params![id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        Ok(row
            .filter(|(_, stored)| secret::matches(secret, stored))
            .map(|(name, _)| Learner { id, name }))
    }

    /// Records a scored submission and the progress sent with it, in one transaction. A
    /// submission whose `client_id` this learner sent before is not recorded again: the first
    /// one's id is returned.
    pub fn add_submission(
        &mut self,
        learner: &Learner,
        submission: &NewSubmission,
        progress: &BTreeMap<String, UnitProgress>,
    ) -> Answer<i64> {
        let transaction = self.connection.transaction()?;
        let sent_before: Option<i64> = transaction
            .query_row(
                "SELECT id FROM submissions WHERE learner_id = ?1 AND client_id = ?2",
                params![learner.id, submission.client_id],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(id) = sent_before {
            return Ok(id);
        }
        if let Some(closed) = closed_at(&transaction, &submission.unit)? {
            return Err(Problem::Conflict(format!(
                "{} was closed by the instructor at {}: its board is final",
                submission.unit,
                crate::utc(closed)
            )));
        }
        transaction.execute(
            "INSERT INTO submissions (learner_id, unit, created, test_accuracy, correct, total, \
             validation_accuracy, run_name, settings, seed, tests_seen, commit_hash, file_sha256, \
             client_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                learner.id,
                submission.unit,
                crate::now(),
                submission.test_accuracy,
                submission.correct as i64,
                submission.total as i64,
                submission.validation_accuracy,
                submission.run_name,
                submission.settings,
                submission.seed.map(|seed| seed as i64),
                submission.tests_seen as i64,
                submission.commit,
                submission.file_sha256,
                submission.client_id,
            ],
        )?;
        let id = transaction.last_insert_rowid();
        record_progress(&transaction, learner.id, progress)?;
        transaction.commit()?;
        Ok(id)
    }

    /// Records a progress report on its own.
    pub fn report_progress(
        &mut self,
        learner: &Learner,
        progress: &BTreeMap<String, UnitProgress>,
    ) -> Answer<()> {
        let transaction = self.connection.transaction()?;
        record_progress(&transaction, learner.id, progress)?;
        transaction.commit()?;
        Ok(())
    }

    /// Closes a unit: its board is final. Returns when it was closed (the first time, if it
    /// already was).
    pub fn close_unit(&mut self, unit: &str) -> Answer<i64> {
        self.connection.execute(
            "INSERT OR IGNORE INTO closed_units (unit, closed) VALUES (?1, ?2)",
            params![unit, crate::now()],
        )?;
        Ok(closed_at(&self.connection, unit)?.expect("the unit was just closed"))
    }

    /// When `unit` was closed, if it was.
    pub fn closed(&self, unit: &str) -> Answer<Option<i64>> {
        closed_at(&self.connection, unit)
    }

    /// How many learners, submissions and progress rows the file holds.
    pub fn counts(&self) -> Answer<(usize, usize, usize)> {
        let count = |table: &str| -> Answer<usize> {
            let sql = format!("SELECT COUNT(*) FROM {table}");
            let n: i64 = self.connection.query_row(&sql, [], |row| row.get(0))?;
            Ok(n as usize)
        };
        Ok((
            count("learners")?,
            count("submissions")?,
            count("progress")?,
        ))
    }
}

fn closed_at(connection: &Connection, unit: &str) -> Answer<Option<i64>> {
    Ok(connection
        .query_row(
            "SELECT closed FROM closed_units WHERE unit = ?1",
            params![unit],
            |row| row.get(0),
        )
        .optional()?)
}

/// Each unit's progress; `since` moves only when the task the learner is on changes, so the
/// instructor sees how long someone has been on one task. A report of a file that does not
/// compile keeps the tasks done and the time on the task (the learner is still on it).
fn record_progress(
    connection: &Connection,
    learner: i64,
    progress: &BTreeMap<String, UnitProgress>,
) -> Answer<()> {
    let now = crate::now();
    for (unit, report) in progress {
        connection.execute(
            "INSERT INTO progress (learner_id, unit, done, total, next_task, compiles, since, reported) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) \
             ON CONFLICT (learner_id, unit) DO UPDATE SET \
               since = CASE WHEN excluded.compiles = 0 \
                             OR (progress.done = excluded.done \
                                 AND progress.next_task IS excluded.next_task) \
                            THEN progress.since ELSE excluded.since END, \
               done = CASE WHEN excluded.compiles = 0 THEN progress.done ELSE excluded.done END, \
               next_task = CASE WHEN excluded.compiles = 0 \
                                THEN progress.next_task ELSE excluded.next_task END, \
               total = excluded.total, compiles = excluded.compiles, reported = excluded.reported",
            params![
                learner,
                unit,
                report.done as i64,
                report.total as i64,
                report.next.map(|n| n as i64),
                report.compiles,
                now,
            ],
        )?;
    }
    Ok(())
}

/// A name (or pseudonym) as the boards show it: 1 to 32 letters, digits, spaces and `- _ . '`.
/// Anything else (HTML, SQL, control characters) is refused with what to change, though every
/// page escapes names and every statement is parameterised all the same.
pub fn check_name(name: &str) -> Answer<String> {
    let name = name.trim();
    let allowed = |c: char| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '\'');
    if let Some(bad) = name.chars().find(|&c| !allowed(c)) {
        return Err(Problem::BadInput(format!(
            "a name may hold letters, digits, spaces and - _ . ' only; {name:?} has {bad:?}"
        )));
    }
    match name.chars().count() {
        0 => Err(Problem::BadInput(
            "give a name (or a pseudonym) with --name".into(),
        )),
        1..=32 => Ok(name.to_string()),
        n => Err(Problem::BadInput(format!(
            "a name may be 32 characters long at most; {name:?} has {n}"
        ))),
    }
}
