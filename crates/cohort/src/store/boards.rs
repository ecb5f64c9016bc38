//! Reading the cohort back: a unit's board, a learner's history, everyone's progress.

use super::{Learner, Store};
use crate::problem::Answer;
use crate::wire::BoardEntry;
use rusqlite::{params, OptionalExtension};
use std::collections::BTreeMap;

/// One submission of a learner's history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    pub id: i64,
    pub unit: String,
    pub created: i64,
    pub run_name: String,
    pub test_accuracy: f64,
    pub validation_accuracy: Option<f64>,
    pub tests_seen: usize,
    pub seed: Option<i64>,
    pub commit: Option<String>,
    /// Whether this is the learner's entry on the unit's board (their last submission).
    pub entry: bool,
}

/// A learner's exercise progress in one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressCell {
    pub done: usize,
    pub total: usize,
    pub next: Option<usize>,
    pub compiles: bool,
    /// Since when the learner has been on `next`.
    pub since: i64,
}

/// A learner's row on the instructor's page.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnerProgress {
    pub learner: Learner,
    pub joined: i64,
    /// The latest of their progress reports and submissions.
    pub last_activity: i64,
    pub submissions: usize,
    pub units: BTreeMap<String, ProgressCell>,
}

impl LearnerProgress {
    /// Where the learner is: the first unit in course order with a task still to do, its next
    /// task, and since when that has been their next task. (A bare `course verify` reports
    /// every unit; the units after this one are merely not begun.)
    pub fn current_task(&self) -> Option<(&str, usize, i64)> {
        let number = |unit: &str| {
            unit.trim_start_matches("unit")
                .parse::<u32>()
                .unwrap_or(u32::MAX)
        };
        self.units
            .iter()
            .filter(|(_, cell)| cell.done < cell.total)
            .filter_map(|(unit, cell)| Some((unit.as_str(), cell.next?, cell.since)))
            .min_by_key(|&(unit, _, _)| number(unit))
    }
}

impl Store {
    /// A unit's board: each learner's last submission, best test accuracy first (a tie goes to
    /// the earlier submission). Ranks are shared by equal scores: 1, 1, 3.
    pub fn board_entries(&self, unit: &str) -> Answer<Vec<BoardEntry>> {
        let mut statement = self.connection.prepare(
            "SELECT s.learner_id, l.name, s.test_accuracy, s.validation_accuracy, s.tests_seen, \
                    s.created, (SELECT COUNT(*) FROM submissions c \
                                WHERE c.learner_id = s.learner_id AND c.unit = s.unit) \
             FROM submissions s JOIN learners l ON l.id = s.learner_id \
             WHERE s.unit = ?1 AND s.id = (SELECT MAX(m.id) FROM submissions m \
                                           WHERE m.learner_id = s.learner_id AND m.unit = s.unit) \
             ORDER BY s.test_accuracy DESC, s.created ASC, s.id ASC",
        )?;
        let rows = statement.query_map(params![unit], |row| {
            Ok(BoardEntry {
                rank: 0,
                learner: row.get(0)?,
                name: row.get(1)?,
                test_accuracy: row.get(2)?,
                validation_accuracy: row.get(3)?,
                tests_seen: row.get::<_, i64>(4)? as usize,
                submitted: row.get(5)?,
                submissions: row.get::<_, i64>(6)? as usize,
            })
        })?;
        let mut entries = rows.collect::<Result<Vec<_>, _>>()?;
        for k in 0..entries.len() {
            entries[k].rank = match k {
                0 => 1,
                _ if entries[k].test_accuracy == entries[k - 1].test_accuracy => {
                    entries[k - 1].rank
                }
                _ => k + 1,
            };
        }
        Ok(entries)
    }

    /// A learner by id.
    pub fn learner(&self, id: i64) -> Answer<Option<Learner>> {
        Ok(self
            .connection
            .query_row(
                "SELECT name FROM learners WHERE id = ?1",
                params![id],
                |row| {
                    Ok(Learner {
                        id,
                        name: row.get(0)?,
                    })
                },
            )
            .optional()?)
    }

    /// Every submission of a learner, newest first.
    pub fn history(&self, learner: i64) -> Answer<Vec<HistoryRow>> {
        let mut statement = self.connection.prepare(
            "SELECT s.id, s.unit, s.created, s.run_name, s.test_accuracy, s.validation_accuracy, \
                    s.tests_seen, s.seed, s.commit_hash, \
                    s.id = (SELECT MAX(m.id) FROM submissions m \
                            WHERE m.learner_id = s.learner_id AND m.unit = s.unit) \
             FROM submissions s WHERE s.learner_id = ?1 ORDER BY s.id DESC",
        )?;
        let rows = statement.query_map(params![learner], |row| {
            Ok(HistoryRow {
                id: row.get(0)?,
                unit: row.get(1)?,
                created: row.get(2)?,
                run_name: row.get(3)?,
                test_accuracy: row.get(4)?,
                validation_accuracy: row.get(5)?,
                tests_seen: row.get::<_, i64>(6)? as usize,
                seed: row.get(7)?,
                commit: row.get(8)?,
                entry: row.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every learner's progress, in the order they joined.
    pub fn progress(&self) -> Answer<Vec<LearnerProgress>> {
        let mut learners = self.connection.prepare(
            "SELECT l.id, l.name, l.joined, \
                    (SELECT COUNT(*) FROM submissions s WHERE s.learner_id = l.id), \
                    MAX(l.joined, \
                        COALESCE((SELECT MAX(created) FROM submissions s WHERE s.learner_id = l.id), 0), \
                        COALESCE((SELECT MAX(reported) FROM progress p WHERE p.learner_id = l.id), 0)) \
             FROM learners l ORDER BY l.id",
        )?;
        let mut rows: Vec<LearnerProgress> = learners
            .query_map([], |row| {
                Ok(LearnerProgress {
                    learner: Learner {
                        id: row.get(0)?,
                        name: row.get(1)?,
                    },
                    joined: row.get(2)?,
                    submissions: row.get::<_, i64>(3)? as usize,
                    last_activity: row.get(4)?,
                    units: BTreeMap::new(),
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut cells = self.connection.prepare(
            "SELECT learner_id, unit, done, total, next_task, compiles, since FROM progress",
        )?;
        let cells = cells.query_map([], |row| {
            let cell = ProgressCell {
                done: row.get::<_, i64>(2)? as usize,
                total: row.get::<_, i64>(3)? as usize,
                next: row.get::<_, Option<i64>>(4)?.map(|n| n as usize),
                compiles: row.get(5)?,
                since: row.get(6)?,
            };
            Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, cell))
        })?;
        for cell in cells {
            let (learner, unit, cell) = cell?;
            if let Some(row) = rows.iter_mut().find(|row| row.learner.id == learner) {
                row.units.insert(unit, cell);
            }
        }
        Ok(rows)
    }
}
