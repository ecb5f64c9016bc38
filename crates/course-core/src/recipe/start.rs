//! How a training run begins: a new run from the unit's settings with the command line's flags
//! applied, or (`--resume`) a run continued from its folder, on the settings it started with.
//!
//! Every run writes its settings into `config.json` before it reads any data (`"settings"`,
//! with `"unit"` and `"data_folder"`), so a run stopped at any moment can be continued: the
//! trainer picks it up at its last checkpoint, or from the beginning when it had none yet.

use crate::data::DataDir;
use crate::tracking::{run_in_use, runs_root, timestamp_name, RunFolder};
use crate::training::{Bf16, DeviceChoice, TrainerConfig, Validation};
use anyhow::{bail, Context, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A unit's whole settings for one run (vocabulary, layout, model, trainer): what
/// `config.json` stores and `--resume` reads back.
pub trait UnitSettings: Serialize + DeserializeOwned + Clone {
    /// The trainer's part, which the shared requests (`--epochs`, `--lr`, ...) change.
    fn trainer_mut(&mut self) -> &mut TrainerConfig;
}

/// The named settings a unit's new run can start from (`--config faithful`, `tuned`, ...):
/// each unit's `configs.rs` has one such enum, beside the functions it names.
pub trait SettingsPreset: Copy + std::fmt::Debug {
    type Settings: UnitSettings;

    /// The settings of a new run with this seed.
    fn settings(self, seed: u64) -> Self::Settings;

    /// The start of the run folder's name (`tuned` in `tuned-seed123-<time>`).
    fn name(self) -> String {
        format!("{self:?}").to_lowercase()
    }
}

/// The seed of a run when `--seed` is not given.
pub const DEFAULT_SEED: u64 = 123;

/// What the learner asked of a run, as plain values (the command line's shared flags become
/// one of these at the edge, in the `cli` module): each `None` keeps the settings' own value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunRequest {
    /// The folder with the Kaggle files; `None`: `datasets/imdb` when complete, else the sample.
    pub data: Option<PathBuf>,
    pub epochs: Option<usize>,
    pub lr: Option<f64>,
    pub batch_size: Option<usize>,
    pub seed: Option<u64>,
    /// The run folder's name under `runs/<unit>/`.
    pub run_name: Option<String>,
    /// Continue a stopped run: `Some(None)` the unit's latest unfinished one, `Some(Some(x))`
    /// the run folder, name or checkpoint `x`.
    pub resume: Option<Option<PathBuf>>,
    pub device: Option<DeviceChoice>,
    pub checkpoint_minutes: Option<f64>,
    /// bfloat16 products or float32 (`--bf16`).
    pub bf16: Option<Bf16>,
    /// When the validation reviews are scored (`--validation`).
    pub validation: Option<Validation>,
}

impl RunRequest {
    /// Writes the requested values over `trainer` (only those given; the device and the
    /// checkpoint interval are set apart, as a resumed run may change them).
    pub fn apply(&self, trainer: &mut TrainerConfig) {
        if let Some(seed) = self.seed {
            trainer.seed = seed;
        }
        if let Some(epochs) = self.epochs {
            trainer.epochs = epochs;
        }
        if let Some(lr) = self.lr {
            trainer.optimizer = trainer.optimizer.clone().with_lr(lr);
        }
        if let Some(batch_size) = self.batch_size {
            trainer.batch_size = batch_size;
        }
        if let Some(bf16) = self.bf16 {
            trainer.bf16 = bf16;
        }
        if let Some(validation) = self.validation {
            trainer.validation = validation;
        }
    }

    /// The seed of the run: the one asked for, else [`DEFAULT_SEED`].
    pub fn seed(&self) -> u64 {
        self.seed.unwrap_or(DEFAULT_SEED)
    }

    /// Whether the request continues a run rather than starting one.
    pub fn resumes(&self) -> bool {
        self.resume.is_some()
    }

    /// The data folder the run reads.
    pub fn data_dir(&self) -> Result<DataDir> {
        DataDir::resolve(self.data.as_deref())
    }

    /// Refuses `--resume`, for a command that keeps no checkpoints (`what` says why).
    pub fn refuse_resume(&self, what: &str) -> Result<()> {
        if self.resume.is_some() {
            bail!("--resume: {what}");
        }
        Ok(())
    }
}

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

/// Opens the run a request asks for.
///
/// * New run: `fresh(seed)` gives the unit's settings, `apply` writes the unit's own flags over
///   them, then the shared flags; the run folder is `runs/<unit>/<--run-name>`, or
///   `<what>-seed<seed>-<time>`.
/// * `--resume`: the run's saved settings; `apply` and the shared flags may repeat them but not
///   change them (an error names each setting that differs, with both values). `--device` and
///   `--checkpoint-minutes` may differ: a run trained on a GPU can go on on a CPU.
pub fn start_run<C: UnitSettings>(
    unit: &str,
    what: &str,
    request: &RunRequest,
    fresh: impl FnOnce(u64) -> C,
    apply: impl Fn(&mut C),
) -> Result<RunStart<C>> {
    // A device that is not there is refused before a run folder is made.
    let asked_device = request
        .device
        .map(DeviceChoice::on_this_machine)
        .transpose()?;
    let as_asked = |config: C| with_requests(config, request, &apply);
    let mut start = match &request.resume {
        None => start_new(unit, what, request, as_asked(fresh(request.seed())))?,
        Some(which) => reopen(unit, which.as_deref(), request, as_asked)?,
    };
    // Neither changes what the run computes: a continued run may change them.
    let trainer = start.config.trainer_mut();
    if let Some(device) = request.device {
        trainer.device = device;
    }
    // A continued run keeps its saved device unless --device says otherwise: it must be here too
    // (--device's was checked above).
    let device = match asked_device {
        Some(checked) => checked,
        None => trainer.device.on_this_machine()?,
    };
    println!("Device: {device}");
    if trainer.bf16 != Bf16::Off {
        println!("{}", trainer.bf16.describe(trainer.device.device()));
    }
    if let Some(minutes) = request.checkpoint_minutes {
        trainer.checkpoint_minutes = Some(minutes);
    }
    if start.checkpoint.is_none() {
        // Saved now, before any data is read: a run stopped from here on can be continued.
        start.run.write_config(start.config.trainer_mut())?;
    }
    Ok(start)
}

/// `settings` with the unit's flags (`apply`), then the shared requests, written over them:
/// what a new run trains with (a debugging run that keeps no folder uses it alone).
pub fn with_requests<C: UnitSettings>(
    mut settings: C,
    request: &RunRequest,
    apply: impl Fn(&mut C),
) -> C {
    apply(&mut settings);
    request.apply(settings.trainer_mut());
    settings
}

/// A new run folder, `runs/<unit>/<run_name>` or `<what>-seed<seed>-<time>`, that records
/// which unit, data and settings it is.
fn start_new<C: UnitSettings>(
    unit: &str,
    what: &str,
    request: &RunRequest,
    config: C,
) -> Result<RunStart<C>> {
    let data = request.data_dir()?;
    let name = request.run_name.clone().unwrap_or_else(|| {
        format!("{what}-seed{}-{}", request.seed(), timestamp_name()).to_lowercase()
    });
    let mut run = RunFolder::create(unit, Some(&name))?;
    run.describe("unit", unit)?;
    run.describe("data_folder", &data.path)?;
    run.describe("settings", &config)?;
    Ok(RunStart {
        config,
        data,
        run,
        checkpoint: None,
    })
}

/// The run `--resume` names, on its saved settings: `as_asked` (the request over them) may
/// repeat them but not change them.
fn reopen<C: UnitSettings>(
    unit: &str,
    which: Option<&Path>,
    request: &RunRequest,
    as_asked: impl Fn(C) -> C,
) -> Result<RunStart<C>> {
    if request.run_name.is_some() {
        bail!("--run-name names a new run; --resume continues one: give one of the two");
    }
    let folder = find_run(unit, which)?;
    let saved = SavedRun::read(&folder, unit)?;
    let config: C = serde_json::from_value(saved.settings.clone()).with_context(|| {
        format!(
            "{}/config.json: its settings are not {unit}'s",
            folder.display()
        )
    })?;
    let asked = serde_json::to_value(as_asked(config.clone()))?;
    refuse_changes(&folder, &saved.settings, &asked)?;
    let data = resume_data(&saved.data_folder, request.data.as_deref())?;
    let run = RunFolder::reopen(&folder)?;
    let checkpoint = resume_point(&folder, &folder.join("checkpoints/last.safetensors"));
    Ok(RunStart {
        config,
        data,
        run,
        checkpoint,
    })
}

/// A resumed run goes on on its own settings: an error naming each setting that `asked` (the
/// saved ones with the command line's flags over them) would change, with both values. Every
/// resumable run (the Trainer's, word2vec's) is checked by it.
pub fn refuse_changes(folder: &Path, saved: &Value, asked: &Value) -> Result<()> {
    let differences = differences_of(saved, asked);
    if !differences.is_empty() {
        bail!(
            "--resume continues {} on its own settings, and the command line changes \
             them:\n  {}\nDrop those flags to continue the run, or start a new run \
             without --resume.",
            folder.display(),
            differences.join("\n  ")
        );
    }
    Ok(())
}

/// Where a resumed run goes on from: its `checkpoint`, or (when it stopped before saving one)
/// the beginning. Says which.
pub fn resume_point(folder: &Path, checkpoint: &Path) -> Option<PathBuf> {
    if checkpoint.is_file() {
        println!(
            "Continuing the run {} from {}",
            folder.display(),
            checkpoint.display()
        );
        Some(checkpoint.to_path_buf())
    } else {
        println!(
            "Continuing the run {}: it has no checkpoint yet (it stopped in its first \
             epoch), so training starts from the beginning",
            folder.display()
        );
        None
    }
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
        return match RunFolder::of_checkpoint(which) {
            Some(folder) => Ok(folder),
            None => bail!(
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
