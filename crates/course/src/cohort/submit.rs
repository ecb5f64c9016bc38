//! `course submit unitN [--run NAME]`: a finished run's submission, what the run recorded, and
//! the learner's exercise progress, sent to the cohort; the server's score and rank printed.

use super::refuse_unknown_unit;
use anyhow::{bail, Context, Result};
use cohort::client::{self, Credentials, LearnerFiles, Sent};
use cohort::wire::{About, ProgressReport, SubmissionRequest, UnitProgress};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A finished run of a unit: its folder and what its files say.
#[derive(Debug, Clone)]
pub struct FinishedRun {
    pub folder: PathBuf,
    pub name: String,
    pub validation: Option<f64>,
    /// Rows of its submission file.
    pub predictions: usize,
}

/// `course submit`.
pub fn submit(unit: Option<&str>, run: Option<&str>, pending: bool) -> Result<()> {
    let files = LearnerFiles::in_workspace();
    let credentials = files.credentials()?;
    if pending {
        return send_pending(&files, &credentials);
    }
    let unit =
        refuse_unknown_unit(unit.context("name the unit to submit, e.g. `course submit unit3`")?)?;
    // The server's test set decides which runs can be submitted; without an answer, the
    // submission is chosen anyway and kept until the server can be reached.
    let about: Option<About> = client::get(&credentials.url, "/api/about").ok();
    let runs = finished_runs(
        &course_core::tracking::runs_root().join(unit),
        about.as_ref(),
    )?;
    let chosen = choose(&runs, run, unit, about.as_ref())
        .map_err(|error| explain_skipped_run(error, run, unit, about.as_ref()))?;
    println!(
        "Submitting {unit}/{} (validation accuracy {}, {} predictions), one of your {} finished {unit} run(s) on this test set",
        chosen.name,
        chosen.validation.map_or("—".into(), |v| format!("{v:.4}")),
        chosen.predictions,
        runs.len()
    );
    let request = request_for(unit, chosen, runs.len())?;
    // What could not be sent before goes first: sent after this one, an older run would
    // replace this one on the board.
    if !files.pending().is_empty() {
        println!("First, what was pending:");
        send_pending(&files, &credentials)?;
    }
    match files.submit(&credentials, request)? {
        Sent::Scored(reply) => {
            println!(
                "Scored by the server: test accuracy {:.5} ({} of {}). Rank {} of {} on {unit}'s board: {}{}",
                reply.test_accuracy, reply.correct, reply.total, reply.rank, reply.entries,
                credentials.url, reply.board
            );
            Ok(())
        }
        Sent::Kept(path, why) => {
            println!(
                "Not sent ({why}).\nKept in {}: send it later with `course submit --pending`.",
                path.display()
            );
            Ok(())
        }
    }
}

fn send_pending(files: &LearnerFiles, credentials: &Credentials) -> Result<()> {
    let results = files.send_pending(credentials)?;
    if results.is_empty() {
        println!("Nothing is pending.");
    }
    let mut failed = 0;
    for (_, result) in results {
        match result {
            Ok(Sent::Scored(reply)) => println!(
                "{}: sent, test accuracy {:.5}, rank {} of {}",
                reply.unit, reply.test_accuracy, reply.rank, reply.entries
            ),
            Ok(Sent::Kept(path, why)) => println!("{}: still pending ({why})", path.display()),
            Err(error) => {
                failed += 1;
                eprintln!("error: {error:#}");
            }
        }
    }
    if failed > 0 {
        bail!("{failed} pending submission(s) could not be sent (above)");
    }
    Ok(())
}

/// A named run that is finished but predicts another test set than the server's says so.
fn explain_skipped_run(
    error: anyhow::Error,
    named: Option<&str>,
    unit: &str,
    about: Option<&About>,
) -> anyhow::Error {
    let (Some(named), Some(about)) = (named, about) else {
        return error;
    };
    let all =
        finished_runs(&course_core::tracking::runs_root().join(unit), None).unwrap_or_default();
    match all.iter().find(|run| run.name == named) {
        Some(run) => anyhow::anyhow!(
            "{unit}/{named} predicts {} test reviews, but the cohort's server scores the {} of {}: \
             submit a run trained on that data",
            run.predictions,
            about.test_reviews,
            about.data
        ),
        None => error,
    }
}

/// The run to submit: the one named, else the best by validation accuracy (never by test).
fn choose<'a>(
    runs: &'a [FinishedRun],
    named: Option<&str>,
    unit: &str,
    about: Option<&About>,
) -> Result<&'a FinishedRun> {
    if runs.is_empty() {
        match about {
            Some(about) => bail!(
                "none of your {unit} runs has finished with a submission of the server's {} test \
                 reviews ({}): train one on that data first",
                about.test_reviews,
                about.data
            ),
            None => {
                bail!("none of your {unit} runs has finished with a submission: train one first")
            }
        }
    }
    match named {
        Some(name) => runs.iter().find(|run| run.name == name).with_context(|| {
            let names: Vec<&str> = runs.iter().map(|r| r.name.as_str()).collect();
            format!(
                "no finished {unit} run {name:?} to submit; these are: {}",
                names.join(", ")
            )
        }),
        None => Ok(runs
            .iter()
            .max_by(|a, b| {
                let key = |r: &FinishedRun| r.validation.unwrap_or(f64::NEG_INFINITY);
                key(a).total_cmp(&key(b))
            })
            .expect("runs is not empty")),
    }
}

/// The runs in `unit_runs` with a submission and a test score, on the server's test set
/// when it is known (every one of them showed the learner a test score).
pub fn finished_runs(unit_runs: &Path, about: Option<&About>) -> Result<Vec<FinishedRun>> {
    let mut runs = Vec::new();
    let Ok(entries) = std::fs::read_dir(unit_runs) else {
        return Ok(runs);
    };
    for folder in entries.flatten().map(|e| e.path()) {
        let summary: Value = match std::fs::read_to_string(folder.join("summary.json")) {
            Ok(text) => serde_json::from_str(&text).unwrap_or(Value::Null),
            Err(_) => continue,
        };
        let Ok(csv) = std::fs::read_to_string(folder.join("submission.csv")) else {
            continue;
        };
        if summary["test_accuracy"].as_f64().is_none() {
            continue; // stopped before its submission was scored
        }
        let predictions = csv.lines().skip(1).filter(|l| !l.trim().is_empty()).count();
        if about.is_some_and(|about| about.test_reviews != predictions) {
            continue;
        }
        runs.push(FinishedRun {
            name: folder
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string(),
            // The validation accuracy of the model that wrote the submission: the best
            // checkpoint's for the Trainer's runs, the last epoch's for unit 2's loop.
            validation: summary["final_validation_accuracy"]
                .as_f64()
                .or(summary["best_validation_accuracy"].as_f64()),
            predictions,
            folder,
        });
    }
    runs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(runs)
}

/// What is sent for `run`: its file, its settings and seed, and the learner's progress.
pub fn request_for(unit: &str, run: &FinishedRun, tests_seen: usize) -> Result<SubmissionRequest> {
    let csv = std::fs::read_to_string(run.folder.join("submission.csv"))
        .with_context(|| format!("cannot read {}/submission.csv", run.folder.display()))?;
    let settings: Value = std::fs::read_to_string(run.folder.join("config.json"))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(Value::Null);
    let seed = settings["trainer"]["seed"]
        .as_u64()
        .or(settings["seed"].as_u64());
    Ok(SubmissionRequest {
        unit: unit.to_string(),
        run: run.name.clone(),
        csv,
        validation_accuracy: run.validation,
        settings: serde_json::value::to_raw_value(&settings).ok(),
        seed,
        tests_seen,
        commit: Some(crate::leaderboard::git_commit()).filter(|c| c != "unknown"),
        progress: progress(),
        client_id: None, // made when it is kept to be sent
    })
}

/// Every checked unit's progress, as `course verify` last recorded it.
pub fn progress() -> BTreeMap<String, UnitProgress> {
    crate::exercises::last_checked()
        .into_iter()
        .map(|checked| {
            let progress = UnitProgress {
                done: checked.done.unwrap_or(0),
                total: checked.total,
                next: checked.next,
                compiles: checked.done.is_some(),
            };
            (checked.unit.to_string(), progress)
        })
        .collect()
}

/// `course cohort progress`.
pub fn send_progress() -> Result<()> {
    let credentials = LearnerFiles::in_workspace().credentials()?;
    let report = ProgressReport {
        progress: progress(),
    };
    if report.progress.is_empty() {
        bail!("no unit has been checked yet: run `course verify` first, then send its report");
    }
    let _: Value = client::post(
        &credentials.url,
        "/api/progress",
        Some(&credentials.token),
        &report,
    )?;
    println!(
        "Sent your progress in {} unit(s) to {}.",
        report.progress.len(),
        credentials.cohort
    );
    Ok(())
}
