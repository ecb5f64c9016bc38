//! `course mine`: the original course's "try to beat your previous submission".
//!
//! `course mine unit7` trains your own settings (`my_settings` in the unit's `src/exercise.rs`,
//! with your code: `--features exercise --example exercise -- train --config mine`) on the data
//! present, as a run like any other (`runs/unit7/mine-<time>/`). Then, and with no unit given,
//! it shows your leaderboard for units 3-8 on that data: per unit the original course's figure,
//! your faithful run (`--config faithful`), your best run chosen on validation accuracy alone,
//! and the test score of that run, the one you would submit. A table (printed, and
//! `runs/mine/leaderboard.md`) and a chart (`runs/mine/leaderboard.png`). Each finished run
//! printed its test score, so the table counts how many test scores you have seen: the more you
//! look at, the less the best of them says.

use crate::leaderboard::units::UNITS;
use anyhow::{bail, Context, Result};
use course_core::data::DataDir;
use course_core::tracking::{plot, runs_root, timestamp_name};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The units whose exercise holds the learner's own settings.
const MINE_UNITS: [&str; 6] = ["unit3", "unit4", "unit5", "unit6", "unit7", "unit8"];

/// One finished run, as the leaderboard reads it back.
#[derive(Debug, Clone, PartialEq)]
pub struct FinishedRun {
    pub name: String,
    pub validation: f64,
    pub test: f64,
}

/// One unit's row of the learner's leaderboard.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnerRow {
    pub unit: &'static str,
    pub model: &'static str,
    /// The original course's test accuracy.
    pub course: Option<f64>,
    /// The learner's faithful run with the best validation accuracy.
    pub faithful: Option<FinishedRun>,
    /// The learner's own run with the best validation accuracy: the one to submit.
    pub best: Option<FinishedRun>,
    /// The learner's finished runs of this unit (each showed its test score).
    pub runs: usize,
}

/// `course mine [unit] [--data D]`.
pub fn mine(unit: Option<&str>, data: Option<&Path>) -> Result<()> {
    let data = DataDir::resolve(data)?;
    let trained = match unit {
        Some(typed) => train_mine(typed, &data),
        None => Ok(()),
    };
    let rows = learner_rows(&runs_root(), &data.path)?;
    let table = table(&rows, &data);
    println!("\n{table}");
    let folder = runs_root().join("mine");
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    course_core::fs::write_bytes_atomically(&folder.join("leaderboard.md"), table.as_bytes())?;
    let chart = folder.join("leaderboard.png");
    let title = format!(
        "Test accuracy per unit: yours on {} (the original course: full data)",
        data.path
            .file_name()
            .map_or("the data".into(), |n| n.to_string_lossy())
    );
    draw_chart(&rows, &chart, &title)?;
    println!(
        "Table: {}\nChart: {}",
        folder.join("leaderboard.md").display(),
        chart.display()
    );
    trained
}

/// Trains the learner's settings of `typed` with the learner's code, as a learner would type it.
fn train_mine(typed: &str, data: &DataDir) -> Result<()> {
    let Some(unit) = UNITS.iter().find(|u| u.answers_to(typed)) else {
        bail!("no unit {typed:?}: give one of {}", MINE_UNITS.join(", "));
    };
    if !MINE_UNITS.contains(&unit.name) {
        bail!(
            "{} has no settings of yours to train: `course mine` trains units 3-8 ({})",
            unit.name,
            MINE_UNITS.join(", ")
        );
    }
    let data_path = data.path.canonicalize().unwrap_or(data.path.clone());
    let arguments = mine_arguments(unit.name, &format!("mine-{}", timestamp_name()), &data_path);
    println!(
        "Training your settings: cargo run -p {} --features exercise --example exercise -- {}",
        unit.package,
        arguments.join(" ")
    );
    let status = workspace_cargo::cargo_command()
        .args(["run", "-q", "-p", unit.package, "--features", "exercise"])
        .args(["--example", "exercise", "--"])
        .args(&arguments)
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!(
            "{}'s run of your settings failed (its message is above): fix what it says, then \
             `course mine {}` again; the table shows your runs so far",
            unit.name,
            unit.name
        );
    }
    Ok(())
}

/// The arguments of the learner's run: unit 3's program has no presets (its trainer settings
/// are the learner's task already), units 4-8 take `--config mine`.
fn mine_arguments(unit: &str, run_name: &str, data: &Path) -> Vec<String> {
    let mut arguments: Vec<String> = match unit {
        "unit3" => vec![],
        _ => vec!["train".into(), "--config".into(), "mine".into()],
    };
    let data = data.display().to_string();
    arguments.extend(["--run-name".into(), run_name.into(), "--data".into(), data]);
    arguments
}

/// Every unit's row from the runs under `runs` that read `data`.
pub fn learner_rows(runs: &Path, data: &Path) -> Result<Vec<LearnerRow>> {
    let data = data.canonicalize().unwrap_or(data.to_path_buf());
    let mut rows = Vec::new();
    for name in MINE_UNITS {
        let unit = UNITS.iter().find(|u| u.name == name).expect("a known unit");
        let finished = finished_runs(&runs.join(name), &data)?;
        let best_of = |prefix: &str| {
            finished
                .iter()
                .filter(|run| run.name.starts_with(prefix))
                // Chosen on validation accuracy only: the test score never picks a run.
                .max_by(|a, b| a.validation.total_cmp(&b.validation))
                .cloned()
        };
        rows.push(LearnerRow {
            unit: unit.name,
            model: unit.model,
            course: unit.course,
            faithful: best_of("faithful-"),
            best: best_of("mine-"),
            runs: finished
                .iter()
                .filter(|r| r.name.starts_with("mine-"))
                .count(),
        });
    }
    Ok(rows)
}

/// The runs in `unit_runs` that finished (a test score in `summary.json`) on `data`.
fn finished_runs(unit_runs: &Path, data: &Path) -> Result<Vec<FinishedRun>> {
    let mut runs = Vec::new();
    let Ok(entries) = std::fs::read_dir(unit_runs) else {
        return Ok(runs);
    };
    for entry in entries.flatten() {
        let folder = entry.path();
        let read = |file: &str| -> Option<Value> {
            let text = std::fs::read_to_string(folder.join(file)).ok()?;
            serde_json::from_str(&text).ok()
        };
        let (Some(summary), Some(config)) = (read("summary.json"), read("config.json")) else {
            continue; // not a run, or one that stopped before its end
        };
        let read_data = config["data_folder"].as_str().map(PathBuf::from);
        let same_data = read_data
            .map(|folder| folder.canonicalize().unwrap_or(folder))
            .is_some_and(|folder| folder == data);
        let figures = (
            summary["best_validation_accuracy"].as_f64(),
            summary["test_accuracy"].as_f64(),
        );
        if let (true, (Some(validation), Some(test))) = (same_data, figures) {
            runs.push(FinishedRun {
                name: entry.file_name().to_string_lossy().to_string(),
                validation,
                test,
            });
        }
    }
    runs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(runs)
}

fn percent(value: Option<f64>) -> String {
    value.map_or("—".to_string(), |v| format!("{v:.4}"))
}

/// The learner's leaderboard as a Markdown table, with what it means below it.
pub fn table(rows: &[LearnerRow], data: &DataDir) -> String {
    let mut out = format!("Your leaderboard on {data}\n\n");
    out.push_str(
        "| unit | model | original course | your faithful run | your best run (by validation) \
         | its validation | its test: your submission | your runs |\n|---|---|---|---|---|---|---|---|\n",
    );
    for row in rows {
        let best = row.best.as_ref();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            row.unit,
            row.model,
            percent(row.course),
            percent(row.faithful.as_ref().map(|run| run.test)),
            best.map_or("— (`course mine ".to_string() + row.unit + "`)", |run| {
                run.name.clone()
            }),
            percent(best.map(|run| run.validation)),
            percent(best.map(|run| run.test)),
            row.runs,
        ));
    }
    let seen: usize = rows.iter().map(|row| row.runs).sum();
    out.push_str(&format!(
        "\nYour runs are ranked by validation accuracy only; the test score shown is that run's. \
         You have seen {seen} test score{} of your own runs: each finished run prints one, and \
         the more you look at, the more the best of them flatters.\n",
        if seen == 1 { "" } else { "s" }
    ));
    out
}

fn draw_chart(rows: &[LearnerRow], path: &Path, title: &str) -> Result<()> {
    let groups: Vec<String> = rows.iter().map(|row| row.unit.to_string()).collect();
    let series: [plot::BarSeries; 3] = [
        plot::BarSeries::new("original course", rows.iter().map(|r| r.course).collect()),
        plot::BarSeries::new(
            "your faithful run",
            rows.iter()
                .map(|r| r.faithful.as_ref().map(|f| f.test))
                .collect(),
        ),
        plot::BarSeries::new(
            "your submission (best by validation)",
            rows.iter()
                .map(|r| r.best.as_ref().map(|b| b.test))
                .collect(),
        ),
    ];
    let lowest = series
        .iter()
        .filter_map(plot::BarSeries::lowest)
        .fold(1.0f64, f64::min);
    let y_from = ((lowest - 0.05) * 10.0).floor() / 10.0;
    plot::accuracy_bars(path, title, &groups, &series, y_from.clamp(0.0, 0.9))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_run(runs: &Path, unit: &str, name: &str, data: &Path, figures: Option<(f64, f64)>) {
        let folder = runs.join(unit).join(name);
        std::fs::create_dir_all(&folder).unwrap();
        let config = serde_json::json!({ "unit": unit, "data_folder": data });
        std::fs::write(folder.join("config.json"), config.to_string()).unwrap();
        if let Some((validation, test)) = figures {
            let summary = serde_json::json!({
                "best_validation_accuracy": validation,
                "test_accuracy": test,
            });
            std::fs::write(folder.join("summary.json"), summary.to_string()).unwrap();
        }
    }

    #[test]
    fn the_run_to_submit_is_chosen_on_validation_and_every_finished_run_counts_as_a_test_seen() {
        let root = tempfile::tempdir().unwrap();
        let (runs, data, other) = (root.path().join("runs"), root.path().join("d"), root.path());
        std::fs::create_dir_all(&data).unwrap();
        // Better on test, worse on validation: must not be the one chosen.
        write_run(&runs, "unit7", "mine-a", &data, Some((0.80, 0.90)));
        write_run(&runs, "unit7", "mine-b", &data, Some((0.85, 0.84)));
        write_run(&runs, "unit7", "mine-stopped", &data, None);
        write_run(&runs, "unit7", "mine-other-data", other, Some((0.99, 0.99)));
        write_run(&runs, "unit7", "faithful-x", &data, Some((0.70, 0.71)));
        write_run(&runs, "unit7", "tuned-y", &data, Some((0.95, 0.95)));

        let rows = learner_rows(&runs, &data).unwrap();
        assert_eq!(rows.len(), 6);
        let unit7 = rows.iter().find(|r| r.unit == "unit7").unwrap();
        assert_eq!(unit7.best.as_ref().unwrap().name, "mine-b");
        assert_eq!(unit7.faithful.as_ref().unwrap().test, 0.71);
        assert_eq!(unit7.runs, 2, "finished runs of yours on this data");
        assert!(rows
            .iter()
            .filter(|r| r.unit != "unit7")
            .all(|r| r.best.is_none()));

        let shown = table(&rows, &DataDir::bundled_sample());
        assert!(shown.contains("| unit7 |"), "{shown}");
        assert!(
            shown.contains("| mine-b | 0.8500 | 0.8400 | 2 |"),
            "{shown}"
        );
        assert!(shown.contains("You have seen 2 test scores"), "{shown}");
        let chart = root.path().join("chart.png");
        draw_chart(&rows, &chart, "a title").unwrap();
        assert!(std::fs::metadata(&chart).unwrap().len() > 1000);
    }

    #[test]
    fn units_3_to_8_train_the_learners_settings_with_the_learners_code() {
        let data = Path::new("/data");
        assert_eq!(
            mine_arguments("unit7", "mine-x", data),
            [
                "train",
                "--config",
                "mine",
                "--run-name",
                "mine-x",
                "--data",
                "/data"
            ]
        );
        assert_eq!(
            mine_arguments("unit3", "mine-x", data),
            ["--run-name", "mine-x", "--data", "/data"]
        );
    }
}
