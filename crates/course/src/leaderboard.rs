//! `course leaderboard`: every unit's solution, one after another on the same data,
//! with its best validation accuracy, its test accuracy and its wall time, beside the original
//! course's figures.
//!
//! Each unit runs exactly what `cargo run [--release] -p <crate> --example solution -- <arguments>`
//! runs (the same `program::run` with the reference `Solution`), here in one process. `--quick`
//! uses the bundled sample and few epochs: the whole course in a few minutes, a check that every
//! unit still trains, not a result. Without it, the full data and each unit's defaults: hours on
//! a CPU, so every finished row is saved at once, as `<unit>.json` in a folder beside the results
//! file and named after it (`docs/results/` for `docs/results.md`, which git keeps, so a fresh
//! clone still has every row; `runs/leaderboard/quick/` for `--quick`), and the results file is
//! rebuilt from all saved rows: a leaderboard can be run a few units at a time.

mod rows;
mod seeds;
pub(crate) mod units;

use anyhow::{bail, Result};
use course_core::data::DataDir;
use course_core::device::DeviceChoice;
use course_core::tracking::runs_root;
use course_core::training::signals;
pub use rows::git_commit;
use rows::{Machine, Row};
use std::path::{Path, PathBuf};
use std::time::Instant;
use units::{Unit, UNITS};

/// Each unit's reference test accuracy on the full data as `docs/results/` records it (the mean
/// over its seeds where it has several); `None` for a unit without a finished row.
pub fn reference_test_accuracy() -> Result<Vec<(String, Option<f64>)>> {
    let rows = Row::load_all(&course_core::workspace_root().join("docs/results"))?;
    let results = seeds::UnitResult::all(&rows);
    Ok(UNITS
        .iter()
        .map(|unit| {
            let test = results
                .iter()
                .find(|result| result.unit() == unit.name)
                .and_then(|result| result.test())
                .map(|spread| spread.mean);
            (unit.name.to_string(), test)
        })
        .collect())
}

/// A unit's result as its chapter shows it: the model, the command (as a learner types it), the
/// best validation and test accuracy over its seeds in `docs/results/`, and the original
/// course's figure; `None` when the folder has no row of the unit.
pub fn chapter_result_table(unit: &str) -> Result<Option<String>> {
    let rows = Row::load_all(&course_core::workspace_root().join("docs/results"))?;
    let results = seeds::UnitResult::all(&rows);
    let Some(result) = results.iter().find(|result| result.unit() == unit) else {
        return Ok(None);
    };
    let first = result.runs[0];
    let shown = |spread: Option<seeds::Spread>| spread.map_or("—".to_string(), |s| s.shown());
    let course = first.course.map_or("—".to_string(), |c| format!("{c:.5}"));
    Ok(Some(format!(
        "| model | command | best validation | test | original course |\n|---|---|---|---|---|\n\
         | {} | `{}` | {} | **{}** | {course} |\n",
        first.model,
        as_typed(&first.command),
        shown(result.validation()),
        shown(result.test()),
    )))
}

/// A row's command as a learner would type it: without the leaderboard's run name and seed.
fn as_typed(command: &str) -> String {
    let mut words = command.split_whitespace();
    let mut kept = Vec::new();
    while let Some(word) = words.next() {
        match word {
            "--run-name" | "--seed" => {
                words.next();
            }
            _ => kept.push(word),
        }
    }
    kept.join(" ")
}

/// `--quick` or the full leaderboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Quick,
    Full,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Quick => "quick",
            Mode::Full => "full",
        }
    }
}

/// What `course leaderboard` was asked.
pub struct Request {
    /// Units to run (as typed: `unit6`, `6` or `unit6-cnn`); empty = all.
    pub units: Vec<String>,
    pub mode: Mode,
    /// Another data folder than the mode's (the sample for `--quick`, `datasets/imdb` otherwise).
    pub data: Option<PathBuf>,
    /// Where the results table goes (default: `docs/results.md` for the full leaderboard,
    /// `runs/leaderboard/quick.md` for `--quick`).
    pub out: Option<PathBuf>,
    /// `--device` for every unit (`None`: auto).
    pub device: Option<DeviceChoice>,
    /// `--seeds N`: each unit runs the first N seeds of [`seeds::SEED_LIST`] (unit 9 at most 2,
    /// unit 1 once); 0: once, with its default seed.
    pub seeds: usize,
}

/// Runs the units asked for, prints their table, saves each row and rebuilds the results file.
/// Fails (after the table) when a unit failed.
pub fn leaderboard(request: Request) -> Result<()> {
    let units = select(&request.units)?;
    seeds::check_count(request.seeds)?;
    let data = match (&request.data, request.mode) {
        (Some(dir), _) => DataDir::resolve(Some(dir))?,
        (None, Mode::Quick) => DataDir::bundled_sample(),
        (None, Mode::Full) => {
            DataDir::resolve(Some(&course_core::workspace_root().join("datasets/imdb")))?
        }
    };
    let plan = units::Plan {
        mode: request.mode,
        data: std::path::absolute(&data.path)?.display().to_string(),
        run_name: format!(
            "leaderboard-{}-{}",
            request.mode.name(),
            course_core::tracking::timestamp_name()
        ),
        device: request.device,
        seed: None,
    };
    let mut machine = Machine::here();
    if let Some(device) = request.device {
        // Refused here, before any unit runs, when the device is not there.
        machine.device = course_core::device::describe(device.on_this_machine()?.device);
    }
    let out = request.out.unwrap_or_else(|| match request.mode {
        Mode::Full => course_core::workspace_root().join("docs/results.md"),
        Mode::Quick => runs_root().join("leaderboard/quick.md"),
    });
    let saved_rows = rows_folder(&out);
    println!(
        "Leaderboard ({}), {} unit(s) on {data}\n{}",
        request.mode.name(),
        units.len(),
        machine.describe()
    );

    let started = Instant::now();
    let mut rows = Vec::new();
    // Ctrl-C stops the unit that trains (it saves a checkpoint) and the units after it.
    let mut interrupted = None;
    'units: for unit in units {
        for seed in seeds::seeds_for(unit.name, request.seeds) {
            let plan = units::Plan {
                seed,
                run_name: match seed {
                    Some(seed) => format!("{}-seed{seed}", plan.run_name),
                    None => plan.run_name.clone(),
                },
                ..plan.clone()
            };
            let row = run_unit(unit, &plan, &machine);
            row.save(&saved_rows)?;
            let stopped = row.error.is_some() && signals::stop_was_requested();
            rows.push(row);
            if stopped {
                interrupted = Some(unit.name);
                break 'units;
            }
        }
    }

    // Quick rows stand beside this course's full-data figures.
    let full_rows = Row::load_all(&course_core::workspace_root().join("docs/results"))?;
    println!("\n{}", rows::table(&rows, request.mode, &full_rows));
    println!(
        "{} unit(s) in {} (reading, training and predicting included)",
        rows.len(),
        rows::duration(started.elapsed().as_secs_f64())
    );
    let all_rows = Row::load_all(&saved_rows)?;
    rows::write_results(&out, request.mode, &all_rows, &full_rows)?;
    println!(
        "Results of every saved {} row: {}",
        request.mode.name(),
        out.display()
    );

    if let Some(unit) = interrupted {
        bail!(
            "stopped by a signal in {unit}: the units after it did not run (the same command \
             with the units left, {unit} first, runs them)"
        );
    }
    let failed: Vec<&str> = rows
        .iter()
        .filter(|row| row.error.is_some())
        .map(|row| row.unit.as_str())
        .collect();
    if !failed.is_empty() {
        bail!(
            "{} failed: the reasons are under the table above",
            failed.join(", ")
        );
    }
    Ok(())
}

/// Where the rows behind the results file `out` are kept: `docs/results.md` -> `docs/results/`.
fn rows_folder(out: &Path) -> PathBuf {
    out.with_extension("")
}

/// The units named (in course order, each once), or all of them.
fn select(names: &[String]) -> Result<Vec<&'static Unit>> {
    if names.is_empty() {
        return Ok(UNITS.iter().collect());
    }
    let mut chosen = Vec::new();
    for name in names {
        let Some(unit) = UNITS.iter().find(|unit| unit.answers_to(name)) else {
            let known: Vec<&str> = UNITS.iter().map(|unit| unit.name).collect();
            bail!(
                "unknown unit `{name}`: the units are {} (or their numbers, or crate names)",
                known.join(", ")
            );
        };
        chosen.push(unit);
    }
    chosen.sort_by_key(|unit| unit.name);
    chosen.dedup_by_key(|unit| unit.name);
    Ok(chosen)
}

/// Runs one unit (a failure or a panic becomes the row's error, so the others still run).
fn run_unit(unit: &Unit, plan: &units::Plan, machine: &Machine) -> Row {
    let arguments = unit.arguments_for(plan);
    let command = units::command_line(unit.package, &arguments);
    println!("\n=== {}: {command}", unit.name);
    let started = Instant::now();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        units::prepare(unit, plan).and_then(|prepared| {
            let figures = (unit.run)(&arguments, plan)?;
            Ok((prepared, figures))
        })
    }));
    let seconds = started.elapsed().as_secs_f64();
    let (notes, figures, error) = match outcome {
        Ok(Ok((prepared, figures))) => (prepared, Some(figures), None),
        Ok(Err(error)) => (Vec::new(), None, Some(format!("{error:#}"))),
        Err(panic) => {
            let message = course_core::exercises::panic_message(panic.as_ref());
            (Vec::new(), None, Some(format!("panicked: {message}")))
        }
    };
    if let Some(error) = &error {
        eprintln!("{} failed: {error}", unit.name);
    }
    Row::new(unit, plan, machine, command, seconds, notes, figures, error)
}

/// Trains `unit`'s solution on the bundled sample as `--quick` does, as the run
/// `runs/<unit>/<run_name>` with `seed`; returns its folder (the cohort demo's learners).
pub fn train_quick(unit: &str, run_name: &str, seed: u64) -> Result<PathBuf> {
    let unit = select(&[unit.to_string()])?[0];
    let plan = units::Plan {
        mode: Mode::Quick,
        data: std::path::absolute(&DataDir::bundled_sample().path)?
            .display()
            .to_string(),
        run_name: run_name.to_string(),
        device: None,
        seed: Some(seed),
    };
    let arguments = unit.arguments_for(&plan);
    println!("=== {}", units::command_line(unit.package, &arguments));
    units::prepare(unit, &plan)?;
    (unit.run)(&arguments, &plan)?;
    Ok(run_folder(unit.name, run_name))
}

/// The folder a unit's run wrote into, for the figures it recorded there.
fn run_folder(unit: &str, run_name: &str) -> PathBuf {
    runs_root().join(unit).join(run_name)
}

/// Reads `summary.json` of a run (written by every unit that trains through the Trainer).
fn read_summary(folder: &Path) -> Result<units::Figures> {
    let run = course_core::tracking::RunInfo::read(folder)?;
    let summary = run.summary;
    let number = |key: &str| summary.get(key).and_then(serde_json::Value::as_f64);
    if number("test_accuracy").is_none() {
        bail!(
            "the run finished but {} has no test_accuracy",
            folder.join("summary.json").display()
        );
    }
    Ok(units::Figures {
        // The validation accuracy of the model that made the submission, when it differs from
        // the best epoch's (unit 9 predicts from longer reviews, with 8-bit weights).
        validation: number("submission_validation_accuracy").or(number("best_validation_accuracy")),
        test: number("test_accuracy"),
        test_reviews: summary
            .get("test_reviews")
            .and_then(serde_json::Value::as_u64),
        detail: None,
        time: number("seconds_prediction").map(|prediction| units::TimeSplit {
            epochs: run.metrics.len(),
            training_seconds: run.metrics.iter().map(|epoch| epoch.seconds).sum(),
            // Unit 9's submission reads the validation reviews again, longer and in 8 bits.
            prediction_seconds: prediction + number("seconds_submission_validation").unwrap_or(0.0),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_folder_gives_the_figures_and_where_the_time_went() {
        let folder = tempfile::tempdir().unwrap();
        let write =
            |file: &str, text: &str| std::fs::write(folder.path().join(file), text).unwrap();
        write(
            "metrics.csv",
            "epoch,step,lr,train_loss,train_accuracy,validation_loss,validation_accuracy,seconds\n\
             1,157,0.003,0.4,0.8,0.27,0.894,143.0\n2,314,0.003,0.2,0.9,0.25,0.902,140.5\n",
        );
        write(
            "summary.json",
            r#"{"best_validation_accuracy": 0.902, "test_accuracy": 0.9, "test_reviews": 25000,
                "seconds_prediction": 30.0, "seconds_submission_validation": 6.0}"#,
        );
        let figures = read_summary(folder.path()).unwrap();
        assert_eq!(figures.validation, Some(0.902));
        assert_eq!(
            figures.time,
            Some(units::TimeSplit {
                epochs: 2,
                training_seconds: 283.5,
                prediction_seconds: 36.0,
            })
        );
        // A run from before prediction was timed has no split, and still its figures.
        write(
            "summary.json",
            r#"{"best_validation_accuracy": 0.9, "test_accuracy": 0.9}"#,
        );
        let figures = read_summary(folder.path()).unwrap();
        assert_eq!((figures.test, figures.time), (Some(0.9), None));
    }

    #[test]
    fn units_are_chosen_by_name_number_or_crate_in_course_order() {
        let names = |typed: &[&str]| -> Vec<&str> {
            let typed: Vec<String> = typed.iter().map(|s| s.to_string()).collect();
            select(&typed).unwrap().iter().map(|u| u.name).collect()
        };
        assert_eq!(
            names(&["unit7", "3", "unit6-cnn", "7"]),
            ["unit3", "unit6", "unit7"]
        );
        assert_eq!(names(&[]).len(), 9);
        let Err(error) = select(&["unit10".to_string()]) else {
            panic!("unit10 does not exist")
        };
        let error = error.to_string();
        assert!(
            error.contains("unknown unit `unit10`") && error.contains("unit9"),
            "{error}"
        );
    }
}
