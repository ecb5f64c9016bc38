//! How a training run begins: a new run from the unit's settings with the command line's flags
//! applied, or (`--resume`) a run continued from its folder, on the settings it started with.
//!
//! Every run writes its settings into `config.json` before it reads any data (`"settings"`,
//! with `"unit"` and `"data_folder"`), so a run stopped at any moment can be continued: the
//! trainer picks it up at its last checkpoint, or from the beginning when it had none yet.

use super::config::TrainerConfig;
use crate::cli::TrainOptions;
use crate::data::DataDir;
use crate::tracking::{run_in_use, runs_root, timestamp_name, RunFolder};
use anyhow::{bail, Context, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A unit's whole settings for one run (vocabulary, layout, model, trainer): what
/// `config.json` stores and `--resume` reads back.
pub trait UnitConfig: Serialize + DeserializeOwned + Clone {
    /// The trainer's part, which the shared flags (`--epochs`, `--lr`, ...) change.
    fn trainer_mut(&mut self) -> &mut TrainerConfig;
}

/// The seed of a run when `--seed` is not given.
pub const DEFAULT_SEED: u64 = 123;

/// What a run starts from.
pub struct RunStart<C> {
    /// The settings: new ones, or the resumed run's own.
    pub config: C,
    pub data: DataDir,
    /// The run folder, open (and locked) for writing.
    pub run: RunFolder,
    /// The checkpoint to continue from; `None` trains from the beginning.
    pub checkpoint: Option<PathBuf>,
}

/// Opens the run the flags ask for.
///
/// * New run: `fresh(seed)` gives the unit's settings, `apply` writes the unit's own flags over
///   them, then the shared flags; the run folder is `runs/<unit>/<--run-name>`, or
///   `<what>-seed<seed>-<time>`.
/// * `--resume`: the run's saved settings; `apply` and the shared flags may repeat them but not
///   change them (an error names each setting that differs, with both values). `--device` and
///   `--checkpoint-minutes` may differ: a run trained on a GPU can go on on a CPU.
pub fn start_run<C: UnitConfig>(
    unit: &str,
    what: &str,
    flags: &TrainOptions,
    fresh: impl FnOnce(u64) -> C,
    apply: impl Fn(&mut C),
) -> Result<RunStart<C>> {
    // A device that is not there is refused before a run folder is made.
    if let Some(device) = flags.device {
        device.on_this_machine()?;
    }
    let with_flags = |mut config: C| {
        apply(&mut config);
        flags.apply(config.trainer_mut());
        config
    };
    let (mut config, data, run, checkpoint) = match &flags.resume {
        None => {
            let seed = flags.seed.unwrap_or(DEFAULT_SEED);
            let config = with_flags(fresh(seed));
            let data = DataDir::resolve(flags.data.as_deref())?;
            let name = flags.run_name.clone().unwrap_or_else(|| {
                format!("{what}-seed{seed}-{}", timestamp_name()).to_lowercase()
            });
            let mut run = RunFolder::create(unit, Some(&name))?;
            run.describe("unit", unit)?;
            run.describe("data_folder", &data.path)?;
            run.describe("settings", &config)?;
            (config, data, run, None)
        }
        Some(which) => {
            if flags.run_name.is_some() {
                bail!("--run-name names a new run; --resume continues one: give one of the two");
            }
            let folder = find_run(unit, which.as_deref())?;
            let saved = SavedRun::read(&folder, unit)?;
            let saved_config: C =
                serde_json::from_value(saved.settings.clone()).with_context(|| {
                    format!(
                        "{}/config.json: its settings are not {unit}'s",
                        folder.display()
                    )
                })?;
            let asked = with_flags(saved_config.clone());
            let differences = differences_of(&saved.settings, &serde_json::to_value(&asked)?);
            if !differences.is_empty() {
                bail!(
                    "--resume continues {} on its own settings, and the command line changes \
                     them:\n  {}\nDrop those flags to continue the run, or start a new run \
                     without --resume.",
                    folder.display(),
                    differences.join("\n  ")
                );
            }
            let data = resume_data(&saved.data_folder, flags.data.as_deref())?;
            let run = RunFolder::reopen(&folder)?;
            let last = folder.join("checkpoints/last.safetensors");
            let checkpoint = if last.is_file() {
                println!(
                    "Continuing the run {} from {}",
                    folder.display(),
                    last.display()
                );
                Some(last)
            } else {
                println!(
                    "Continuing the run {}: it has no checkpoint yet (it stopped in its first \
                     epoch), so training starts from the beginning",
                    folder.display()
                );
                None
            };
            (saved_config, data, run, checkpoint)
        }
    };
    // Neither changes what the run computes: a continued run may change them.
    if let Some(device) = flags.device {
        config.trainer_mut().device = device;
    }
    // A continued run keeps its saved device unless --device says otherwise: it must be here too.
    config.trainer_mut().device.on_this_machine()?;
    if let Some(minutes) = flags.checkpoint_minutes {
        config.trainer_mut().checkpoint_minutes = Some(minutes);
    }
    if checkpoint.is_none() {
        // Saved now, before any data is read: a run stopped from here on can be continued.
        run.write_config(config.trainer_mut())?;
    }
    Ok(RunStart {
        config,
        data,
        run,
        checkpoint,
    })
}

/// The settings a run saved when it started.
struct SavedRun {
    settings: Value,
    data_folder: PathBuf,
}

impl SavedRun {
    fn read(folder: &Path, unit: &str) -> Result<SavedRun> {
        let path = folder.join("config.json");
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "{} is not a run folder that can be continued: it has no config.json",
                folder.display()
            )
        })?;
        let config: Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not valid JSON", path.display()))?;
        match config.get("unit").and_then(Value::as_str) {
            Some(saved) if saved == unit => {}
            Some(other) => bail!(
                "{} is a run of {other}, not of {unit}: continue it with {other}'s program",
                folder.display()
            ),
            None => bail!(
                "{} was written by an earlier version of the course, which did not save its \
                 settings: it cannot be continued; start a new run",
                path.display()
            ),
        }
        let settings = config.get("settings").cloned().context("no settings")?;
        let data_folder = config
            .get("data_folder")
            .and_then(Value::as_str)
            .map(PathBuf::from)
            .with_context(|| format!("{} does not say which data it read", path.display()))?;
        Ok(SavedRun {
            settings,
            data_folder,
        })
    }
}

/// The folder `--resume` names: a run folder, a run's name under `runs/<unit>/`, a checkpoint
/// file inside a run, or (no value) the unit's most recent run that has not finished.
pub fn find_run(unit: &str, which: Option<&Path>) -> Result<PathBuf> {
    let unit_runs = runs_root().join(unit);
    let Some(which) = which else {
        return latest_unfinished_run(&unit_runs);
    };
    if which.is_file() {
        // runs/<unit>/<name>/checkpoints/last.safetensors -> runs/<unit>/<name>
        return match which.parent() {
            Some(checkpoints) if checkpoints.ends_with("checkpoints") => checkpoints
                .parent()
                .map(Path::to_path_buf)
                .context("a checkpoints folder without a run folder"),
            _ => bail!(
                "--resume {}: a file, but not a run's checkpoint (runs/{unit}/<name>/checkpoints/...)",
                which.display()
            ),
        };
    }
    if which.is_dir() {
        return Ok(which.to_path_buf());
    }
    let named = unit_runs.join(which);
    if which.components().count() == 1 && named.is_dir() {
        return Ok(named);
    }
    bail!(
        "--resume {}: no such run folder, and no run of that name in {} (`cargo run -p course \
         -- runs` lists the runs)",
        which.display(),
        unit_runs.display()
    )
}

/// The newest run under `unit_runs` that saved its settings, has no test accuracy yet and is
/// not being written by a process now.
fn latest_unfinished_run(unit_runs: &Path) -> Result<PathBuf> {
    let mut candidates = Vec::new();
    for entry in std::fs::read_dir(unit_runs).into_iter().flatten().flatten() {
        let folder = entry.path();
        let config = folder.join("config.json");
        let finished = std::fs::read_to_string(folder.join("summary.json"))
            .is_ok_and(|text| text.contains("\"test_accuracy\""));
        let resumable =
            std::fs::read_to_string(&config).is_ok_and(|text| text.contains("\"settings\""));
        if resumable && !finished && !run_in_use(&folder) {
            let modified = std::fs::metadata(&config).and_then(|m| m.modified()).ok();
            candidates.push((modified, folder));
        }
    }
    candidates.sort();
    match candidates.pop() {
        Some((_, folder)) => Ok(folder),
        None => bail!(
            "--resume: {} holds no unfinished run to continue; name one (--resume <run folder>), \
             or start a new run without --resume",
            unit_runs.display()
        ),
    }
}

/// The resumed run's data folder; a `--data` that names another folder is an error.
fn resume_data(saved: &Path, asked: Option<&Path>) -> Result<DataDir> {
    if let Some(asked) = asked {
        let same = match (asked.canonicalize(), saved.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => asked == saved,
        };
        if !same {
            bail!(
                "--resume continues a run that read {}, and --data asks for {}: drop --data to \
                 continue the run, or start a new run without --resume",
                saved.display(),
                asked.display()
            );
        }
    }
    DataDir::resolve(Some(saved)).with_context(|| {
        format!(
            "the run read its reviews from {}, which is no longer there",
            saved.display()
        )
    })
}

/// Each setting that differs between two JSON values: `path: the run has A, the command line
/// asks for B`.
fn differences_of(saved: &Value, asked: &Value) -> Vec<String> {
    let mut found = Vec::new();
    collect_differences("", saved, asked, &mut found);
    found
}

fn collect_differences(path: &str, saved: &Value, asked: &Value, found: &mut Vec<String>) {
    match (saved, asked) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let inner = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                let missing = Value::Null;
                collect_differences(
                    &inner,
                    a.get(key).unwrap_or(&missing),
                    b.get(key).unwrap_or(&missing),
                    found,
                );
            }
        }
        _ if saved != asked => {
            found.push(format!(
                "{path}: the run has {saved}, the command line asks for {asked}"
            ));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn differences_name_the_setting_and_both_values() {
        let saved = json!({"trainer": {"epochs": 12, "optimizer": {"lr": 0.001}}, "hidden": 64});
        let asked = json!({"trainer": {"epochs": 12, "optimizer": {"lr": 0.01}}, "hidden": 64});
        assert_eq!(
            differences_of(&saved, &asked),
            ["trainer.optimizer.lr: the run has 0.001, the command line asks for 0.01"]
        );
        assert!(differences_of(&saved, &saved).is_empty());
    }
}
