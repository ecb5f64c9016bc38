//! `course runs`: the run table of W&B, for the folders under `runs/`.

use anyhow::{bail, Result};
use clap::Subcommand;
use course_core::tracking::{list_runs, runs_root, RunInfo};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum RunsCommand {
    /// List runs with their best validation accuracy and test accuracy
    List {
        /// Only this unit's runs (e.g. unit3)
        #[arg(long)]
        unit: Option<String>,
    },
    /// Compare two or more runs: configuration differences and metrics side by side
    Compare {
        /// Runs as `unit/name` or as folders
        #[arg(required = true, num_args = 2..)]
        runs: Vec<String>,
    },
}

pub fn execute(command: Option<RunsCommand>, dir: Option<PathBuf>) -> Result<()> {
    let root = dir.unwrap_or_else(runs_root);
    match command.unwrap_or(RunsCommand::List { unit: None }) {
        RunsCommand::List { unit } => list(&root, unit.as_deref()),
        RunsCommand::Compare { runs } => {
            let runs: Vec<RunInfo> = runs.iter().map(|r| open(&root, r)).collect::<Result<_>>()?;
            print!("{}", compare(&runs));
            Ok(())
        }
    }
}

fn open(root: &Path, run: &str) -> Result<RunInfo> {
    for candidate in [PathBuf::from(run), root.join(run)] {
        if candidate.join("metrics.csv").is_file() {
            return RunInfo::read(&candidate);
        }
    }
    bail!(
        "no run {run:?}: give `unit/name` (see `course runs`) or a run folder holding metrics.csv"
    )
}

fn list(root: &Path, unit: Option<&str>) -> Result<()> {
    let runs: Vec<RunInfo> = list_runs(root)?
        .into_iter()
        .filter(|r| unit.is_none_or(|u| r.unit == u))
        .collect();
    if runs.is_empty() {
        println!("No runs in {} yet.", root.display());
        return Ok(());
    }
    println!(
        "{:<34} {:>6} {:>16} {:>9} {:>10}  optimizer",
        "run", "epochs", "best val (epoch)", "test acc", "time"
    );
    for run in &runs {
        let best = run.best().map_or("-".to_string(), |(epoch, acc)| {
            format!("{acc:.4} ({epoch})")
        });
        let seconds: f64 = run.metrics.iter().map(|m| m.seconds).sum();
        println!(
            "{:<34} {:>6} {:>16} {:>9} {:>9.0}s  {}",
            format!("{}/{}", run.unit, run.name),
            run.metrics.len(),
            best,
            number(&run.summary["test_accuracy"]),
            seconds,
            optimizer(&run.config)
        );
    }
    Ok(())
}

/// The text of `course runs compare`.
pub fn compare(runs: &[RunInfo]) -> String {
    let mut out = String::new();
    let names: Vec<String> = runs
        .iter()
        .map(|r| format!("{}/{}", r.unit, r.name))
        .collect();
    let width = names.iter().map(String::len).max().unwrap_or(0).max(12);
    let header = |out: &mut String, first: &str| {
        out.push_str(&format!("{first:<32}"));
        for name in &names {
            out.push_str(&format!(" {name:>width$}"));
        }
        out.push('\n');
    };

    out.push_str("Configuration differences\n");
    header(&mut out, "setting");
    let flat: Vec<BTreeMap<String, String>> = runs.iter().map(|r| flatten(&r.config)).collect();
    let keys: std::collections::BTreeSet<&String> = flat.iter().flat_map(|f| f.keys()).collect();
    let mut differences = 0;
    for key in keys {
        let values: Vec<&str> = flat
            .iter()
            .map(|f| f.get(key).map_or("-", String::as_str))
            .collect();
        if values.iter().any(|v| *v != values[0]) {
            differences += 1;
            out.push_str(&format!("{key:<32}"));
            for v in values {
                out.push_str(&format!(" {v:>width$}"));
            }
            out.push('\n');
        }
    }
    if differences == 0 {
        out.push_str("(identical configurations)\n");
    }

    out.push_str("\nMetrics\n");
    header(&mut out, "metric");
    let rows: [(&str, Metric); 6] = [
        ("epochs", |r| r.metrics.len().to_string()),
        ("best validation accuracy", |r| {
            r.best().map_or("-".into(), |(_, a)| format!("{a:.4}"))
        }),
        ("best epoch", |r| {
            r.best().map_or("-".into(), |(e, _)| e.to_string())
        }),
        ("final train loss", |r| {
            r.metrics
                .last()
                .map_or("-".into(), |m| format!("{:.4}", m.train_loss))
        }),
        ("test accuracy", |r| number(&r.summary["test_accuracy"])),
        ("seconds", |r| {
            format!("{:.0}", r.metrics.iter().map(|m| m.seconds).sum::<f64>())
        }),
    ];
    for (label, value) in rows {
        out.push_str(&format!("{label:<32}"));
        for run in runs {
            out.push_str(&format!(" {:>width$}", value(run)));
        }
        out.push('\n');
    }
    out
}

/// One row of the metrics table: how to read it off a run.
type Metric = fn(&RunInfo) -> String;

fn number(value: &Value) -> String {
    value.as_f64().map_or("-".into(), |v| format!("{v:.5}"))
}

fn optimizer(config: &Value) -> String {
    let o = &config["trainer"]["optimizer"];
    match (o["name"].as_str(), o["lr"].as_f64()) {
        (Some(name), Some(lr)) => format!("{name} lr {lr}"),
        _ => "-".into(),
    }
}

/// `{"trainer": {"optimizer": {"lr": 0.05}}}` -> `trainer.optimizer.lr = 0.05`.
fn flatten(value: &Value) -> BTreeMap<String, String> {
    fn walk(prefix: &str, value: &Value, out: &mut BTreeMap<String, String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&key, v, out);
                }
            }
            Value::String(s) => {
                out.insert(prefix.to_string(), s.clone());
            }
            other => {
                out.insert(prefix.to_string(), other.to_string());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk("", value, &mut out);
    out
}
