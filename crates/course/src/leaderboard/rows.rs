//! The leaderboard's rows: what one unit's run measured, saved as JSON, shown as a Markdown table.

use super::units::{Figures, Plan, Unit};
use super::Mode;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Where the leaderboard ran: written into every row.
pub struct Machine {
    pub cpu: String,
    pub device: String,
    pub commit: String,
    pub build: &'static str,
}

impl Machine {
    pub fn here() -> Machine {
        let model = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find(|line| line.starts_with("model name"))
                    .and_then(|line| line.split(':').nth(1))
                    .map(|name| name.trim().to_string())
            })
            .unwrap_or_else(|| std::env::consts::ARCH.to_string());
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let memory = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|text| {
                let line = text.lines().find(|line| line.starts_with("MemTotal"))?;
                let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
                Some(format!(", {:.0} GiB", kb / 1024.0 / 1024.0))
            })
            .unwrap_or_default();
        Machine {
            cpu: format!("{model}, {cores} cores{memory}"),
            device: course_core::device::describe(course_core::device::best_device()),
            commit: git_commit(),
            // The dev profile is optimised too (opt-level 2); release is what the rows promise.
            build: if cfg!(debug_assertions) {
                "dev"
            } else {
                "release"
            },
        }
    }

    pub fn describe(&self) -> String {
        format!(
            "Machine: {}; device: {}; {} build of commit {}",
            self.cpu, self.device, self.build, self.commit
        )
    }
}

/// The checked-out commit, `+` when the tree has changes (`unknown` outside git).
fn git_commit() -> String {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(course_core::workspace_root())
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_string())
    };
    match git(&["rev-parse", "--short", "HEAD"]) {
        Some(commit) => {
            let changed = git(&["status", "--porcelain", "--untracked-files=no"])
                .is_some_and(|status| !status.is_empty());
            if changed {
                format!("{commit}+")
            } else {
                commit
            }
        }
        None => "unknown".to_string(),
    }
}

/// One unit's line of the leaderboard.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    pub unit: String,
    pub model: String,
    pub mode: String,
    pub data: String,
    pub command: String,
    pub validation: Option<f64>,
    pub test: Option<f64>,
    pub test_reviews: Option<u64>,
    /// The original course's figure.
    pub course: Option<f64>,
    /// Wall time of the whole unit: reading, training, predicting (and what it prepared).
    pub seconds: f64,
    /// When the unit finished (UTC).
    pub finished: String,
    pub commit: String,
    pub machine: String,
    pub device: String,
    pub build: String,
    pub notes: Vec<String>,
    pub error: Option<String>,
}

impl Row {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        unit: &Unit,
        plan: &Plan,
        machine: &Machine,
        command: String,
        seconds: f64,
        mut notes: Vec<String>,
        figures: Option<Figures>,
        error: Option<String>,
    ) -> Row {
        let figures = figures.unwrap_or_default();
        notes.extend(figures.detail);
        Row {
            unit: unit.name.to_string(),
            model: unit.model.to_string(),
            mode: plan.mode.name().to_string(),
            data: shown_path(Path::new(&plan.data)),
            command,
            validation: figures.validation,
            test: figures.test,
            test_reviews: figures.test_reviews,
            course: unit.course,
            seconds,
            finished: course_core::tracking::timestamp_name(),
            commit: machine.commit.clone(),
            machine: machine.cpu.clone(),
            device: machine.device.clone(),
            build: machine.build.to_string(),
            notes,
            error,
        }
    }

    /// Saves the row as `<folder>/<unit>.json`, replacing the unit's previous row.
    pub fn save(&self, folder: &Path) -> Result<()> {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
        let text = serde_json::to_string_pretty(self)?;
        course_core::fs::write_bytes_atomically(
            &folder.join(format!("{}.json", self.unit)),
            text.as_bytes(),
        )
    }

    /// Every row saved in `folder`, in course order (none when the folder does not exist).
    pub fn load_all(folder: &Path) -> Result<Vec<Row>> {
        let Ok(entries) = std::fs::read_dir(folder) else {
            return Ok(Vec::new());
        };
        let mut rows = Vec::new();
        for entry in entries {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                let row: Row = serde_json::from_str(&text).with_context(|| {
                    format!(
                        "{} is not a leaderboard row: delete it and run its unit again",
                        path.display()
                    )
                })?;
                rows.push(row);
            }
        }
        rows.sort_by(|a, b| a.unit.cmp(&b.unit));
        Ok(rows)
    }
}

/// A path as commands show it: relative to the workspace when inside it.
pub fn shown_path(path: &Path) -> String {
    let root = course_core::workspace_root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// `42 s`, `3 min 05 s`, `1 h 02 min`.
pub fn duration(seconds: f64) -> String {
    let whole = seconds.round() as u64;
    match whole {
        _ if seconds < 10.0 => format!("{seconds:.1} s"),
        0..=59 => format!("{seconds:.0} s"),
        60..=3599 => format!("{} min {:02} s", whole / 60, whole % 60),
        _ => format!("{} h {:02} min", whole / 3600, whole % 3600 / 60),
    }
}

fn accuracy(value: Option<f64>) -> String {
    value.map_or("-".to_string(), |v| format!("{v:.5}"))
}

/// The test accuracy minus the course's, signed.
fn difference(row: &Row) -> String {
    match (row.test, row.course) {
        (Some(test), Some(course)) => format!("{:+.5}", test - course),
        _ => "-".to_string(),
    }
}

/// The rows as a Markdown table (also readable in a terminal). Full rows stand beside the
/// original course's figure; quick rows (the bundled sample, a few epochs) beside this course's
/// full-data figure (`full`) and the original's, never compared with them as if measured alike.
pub fn table(rows: &[Row], mode: Mode, full: &[Row]) -> String {
    let mut text = match mode {
        Mode::Full => String::from(
            "| unit | model | best validation | test | course | test - course | wall time |\n\
             |---|---|---|---|---|---|---|\n",
        ),
        Mode::Quick => String::from(
            "| unit | model | sample: best validation | sample: test | full data: this course | \
             full data: original course | wall time |\n|---|---|---|---|---|---|---|\n",
        ),
    };
    for row in rows {
        let (validation, test) = match &row.error {
            Some(_) => ("failed".to_string(), "failed".to_string()),
            None => (accuracy(row.validation), accuracy(row.test)),
        };
        let compared = match mode {
            Mode::Full => difference(row),
            Mode::Quick => accuracy(
                full.iter()
                    .find(|f| f.unit == row.unit && f.error.is_none())
                    .and_then(|f| f.test),
            ),
        };
        let (third, fourth) = match mode {
            Mode::Full => (accuracy(row.course), compared),
            Mode::Quick => (compared, accuracy(row.course)),
        };
        text += &format!(
            "| {} | {} | {validation} | {test} | {third} | {fourth} | {} |\n",
            row.unit,
            row.model,
            duration(row.seconds)
        );
    }
    if mode == Mode::Quick {
        text += &format!("\n{}", quick_reading(rows, full));
    }
    let notes: Vec<String> = rows
        .iter()
        .flat_map(|row| {
            let error = row
                .error
                .iter()
                .map(|e| format!("{}: failed: {e}", row.unit));
            let notes = row.notes.iter().map(|n| format!("{}: {n}", row.unit));
            error.chain(notes).collect::<Vec<_>>()
        })
        .collect();
    if !notes.is_empty() {
        text += "\n";
        for note in notes {
            text += &format!("- {note}\n");
        }
    }
    text
}

/// How to read the quick table: what its figures show, and why a unit after unit 4 may trail
/// unit 2's bag of words there (named when it happens).
fn quick_reading(rows: &[Row], full: &[Row]) -> String {
    let mut text = String::from(
        "The sample columns come from 1,600 training reviews and a few epochs: they show that \
         every unit trains end to end. What each unit is worth is in the full-data columns.\n",
    );
    let test_of = |rows: &[Row], unit: &str| {
        rows.iter()
            .find(|r| r.unit == unit && r.error.is_none())
            .and_then(|r| r.test)
    };
    let Some(baseline) = test_of(rows, "unit2") else {
        return text;
    };
    let baseline_full = test_of(full, "unit2");
    let (mut beaten_on_full_data, mut behind_on_both) = (Vec::new(), Vec::new());
    for row in rows.iter().filter(|r| r.unit.as_str() >= "unit5") {
        if !matches!(row.test, Some(test) if test < baseline) {
            continue;
        }
        match (test_of(full, &row.unit), baseline_full) {
            (Some(unit), Some(bag)) if unit > bag => beaten_on_full_data.push(row.unit.as_str()),
            _ => behind_on_both.push(row.unit.as_str()),
        }
    }
    if !beaten_on_full_data.is_empty() {
        text +=
            &format!(
            "{} on the sample, where 1,600 reviews are too few to learn word vectors from, and \
             {} on the full data.\n",
            trail(&beaten_on_full_data),
            if beaten_on_full_data.len() == 1 { "beats it" } else { "beat it" }
        );
    }
    if !behind_on_both.is_empty() {
        text += &format!(
            "{} on the sample, and on the full data too: {} README says why.\n",
            trail(&behind_on_both),
            if behind_on_both.len() == 1 {
                "its"
            } else {
                "their"
            }
        );
    }
    text
}

/// "unit6 trails unit 2's bag of words", "unit6, unit7 trail ...".
fn trail(units: &[&str]) -> String {
    let verb = if units.len() == 1 { "trails" } else { "trail" };
    format!("{} {verb} unit 2's bag of words", units.join(", "))
}

/// Writes the results page (atomically) from every saved row of one mode.
pub fn write_results(path: &Path, mode: Mode, rows: &[Row], full: &[Row]) -> Result<()> {
    let (command, about) = match mode {
        Mode::Full => (
            "cargo run --release -p course -- leaderboard",
            "Each unit's solution on the full data (20,000 training and 5,000 \
             validation reviews from Kaggle's labelled file; the test accuracy is the offline \
             score of the submission on the 25,000 test reviews), with its default settings.",
        ),
        Mode::Quick => (
            "cargo run --release -p course -- leaderboard --quick",
            "Each unit's solution on the bundled sample (1,600 training, 400 \
             validation and 1,000 test reviews) with few epochs: a check that every unit still \
             trains, not a result to compare with the course's full-data figures.",
        ),
    };
    let mut text = format!(
        "# Results\n\n<!-- Written by `{command}`: run it again rather than editing. -->\n\n{about}\n\n"
    );
    text += &table(rows, mode, full);
    text += "\n## How each row was measured\n\n";
    for row in rows {
        text += &format!(
            "- **{}**, finished {} UTC, commit {}, {} build, {}, {}:\n  `{}`\n",
            row.unit, row.finished, row.commit, row.build, row.machine, row.device, row.command
        );
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    course_core::fs::write_bytes_atomically(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(unit: &str, test: Option<f64>, error: Option<&str>) -> Row {
        Row {
            unit: unit.to_string(),
            model: "a model".to_string(),
            mode: "quick".to_string(),
            data: "datasets/imdb-sample".to_string(),
            command: format!("cargo run --release -p {unit} --example solution"),
            validation: test.map(|t| t + 0.01),
            test,
            test_reviews: Some(1000),
            course: Some(0.87228),
            seconds: 75.0,
            finished: "2026-11-26_23-00-00".to_string(),
            commit: "abc1234".to_string(),
            machine: "a CPU".to_string(),
            device: "CPU (2 threads)".to_string(),
            build: "release".to_string(),
            notes: vec!["a note".to_string()],
            error: error.map(str::to_string),
        }
    }

    #[test]
    fn the_table_shows_the_difference_to_the_course_and_the_failures() {
        let text = table(
            &[
                row("unit3", Some(0.9), None),
                row("unit4", Some(0.8), None),
                row("unit5", None, Some("no data")),
            ],
            Mode::Full,
            &[],
        );
        assert!(
            text.contains(
                "| unit3 | a model | 0.91000 | 0.90000 | 0.87228 | +0.02772 | 1 min 15 s |"
            ),
            "{text}"
        );
        assert!(text.contains("| -0.07228 |"), "{text}");
        assert!(
            text.contains("| unit5 | a model | failed | failed |"),
            "{text}"
        );
        assert!(text.contains("- unit5: failed: no data"), "{text}");
    }

    #[test]
    fn the_quick_table_stands_sample_figures_beside_full_data_ones_without_subtracting() {
        let quick = [
            row("unit2", Some(0.81), None),
            row("unit6", Some(0.66), None),
            row("unit7", Some(0.83), None),
        ];
        let full = [
            row("unit2", Some(0.87228), None),
            row("unit6", Some(0.89788), None),
            row("unit9", Some(0.81684), None),
        ];
        let text = table(&quick, Mode::Quick, &full);
        assert!(
            text.contains("| sample: test | full data: this course |"),
            "{text}"
        );
        assert!(!text.contains("test - course"), "{text}");
        assert!(
            text.contains("| unit6 | a model | 0.67000 | 0.66000 | 0.89788 | 0.87228 |"),
            "{text}"
        );
        assert!(
            text.contains("| unit7 | a model | 0.84000 | 0.83000 | - | 0.87228 |"),
            "{text}"
        );
        // The unit that trails the bag of words on the sample is named, with the reason.
        assert!(
            text.contains("unit6 trails unit 2's bag of words on the sample, where")
                && text.contains("beats it on the full data"),
            "{text}"
        );
        assert!(
            !text.contains("unit7 trail") && !text.contains("unit6, unit7"),
            "{text}"
        );
        // One that trails on the full data too is not said to beat it there.
        let quick = [
            row("unit2", Some(0.81), None),
            row("unit9", Some(0.7), None),
        ];
        let text = table(&quick, Mode::Quick, &full);
        assert!(
            text.contains("unit9 trails unit 2's bag of words on the sample, and on the full data"),
            "{text}"
        );
        assert!(!text.contains("beat"), "{text}");
    }

    #[test]
    fn rows_are_saved_replaced_and_read_back_in_course_order() {
        let folder = tempfile::tempdir().unwrap();
        row("unit7", Some(0.5), None).save(folder.path()).unwrap();
        row("unit3", Some(0.6), None).save(folder.path()).unwrap();
        row("unit7", Some(0.7), None).save(folder.path()).unwrap();
        let rows = Row::load_all(folder.path()).unwrap();
        let units: Vec<(&str, Option<f64>)> =
            rows.iter().map(|r| (r.unit.as_str(), r.test)).collect();
        assert_eq!(units, [("unit3", Some(0.6)), ("unit7", Some(0.7))]);

        std::fs::write(folder.path().join("unit9.json"), "{ half a row").unwrap();
        let error = format!("{:#}", Row::load_all(folder.path()).unwrap_err());
        assert!(
            error.contains("unit9.json is not a leaderboard row"),
            "{error}"
        );
        assert!(Row::load_all(&folder.path().join("none"))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(0.42), "0.4 s");
        assert_eq!(duration(42.4), "42 s");
        assert_eq!(duration(185.0), "3 min 05 s");
        assert_eq!(duration(3_720.0), "1 h 02 min");
    }
}
