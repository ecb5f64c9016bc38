//! A run folder, and reading run folders back for `course runs`.

use super::tensorboard::{write_event_file, Scalar};
use super::EpochMetrics;
use anyhow::{bail, Context, Result};
use serde::Serialize;
use serde_json::{Map, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

const METRICS_HEADER: &str =
    "epoch,step,lr,train_loss,train_accuracy,validation_loss,validation_accuracy,seconds";

/// Where runs are kept: `COURSE_RUNS_DIR`, else `runs/` in the workspace.
pub fn runs_root() -> PathBuf {
    match std::env::var_os("COURSE_RUNS_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => crate::workspace_root().join("runs"),
    }
}

/// One run's folder.
#[derive(Debug)]
pub struct RunFolder {
    path: PathBuf,
    created: f64,
    /// Entries of `config.json` besides the trainer's (model, data, ...).
    extra: Map<String, Value>,
    /// A continued run keeps the descriptions it started with.
    reopened: bool,
    /// Held while the run is open, so a second run with the same name cannot write into it.
    _lock: RunLock,
}

impl RunFolder {
    /// A new run `runs/<unit>/<name>`; without a name, the current UTC time names it.
    /// An existing run folder is never overwritten: pick another name, or resume it.
    pub fn create(unit: &str, name: Option<&str>) -> Result<RunFolder> {
        let name = match name {
            Some(name) => {
                check_run_name(name)?;
                name.to_string()
            }
            None => timestamp_name(),
        };
        let path = runs_root().join(unit).join(&name);
        let run = RunFolder::at(&path)?;
        if path.join("config.json").exists() || path.join("metrics.csv").exists() {
            bail!(
                "the run {} already exists; choose another --run-name, or continue it with \
                 --resume {name}",
                path.display()
            );
        }
        Ok(run)
    }

    /// A run in `path` (created if needed; an existing run's files are updated in place,
    /// which is what resuming wants).
    pub fn at(path: &Path) -> Result<RunFolder> {
        std::fs::create_dir_all(path.join("checkpoints"))
            .with_context(|| format!("cannot create the run folder {}", path.display()))?;
        Ok(RunFolder {
            path: path.to_path_buf(),
            created: now(),
            extra: Map::new(),
            reopened: false,
            _lock: RunLock::take(path)?,
        })
    }

    /// An existing run, to continue it: its `config.json` keeps what it said when it started
    /// ([`RunFolder::describe`] does not change an entry it already has).
    pub fn reopen(path: &Path) -> Result<RunFolder> {
        let mut run = RunFolder::at(path)?;
        // Holding the lock, nobody else writes here.
        crate::fs::remove_cut_writes(path);
        crate::fs::remove_cut_writes(&path.join("checkpoints"));
        if let Ok(text) = std::fs::read_to_string(path.join("config.json")) {
            if let Ok(Value::Object(mut config)) = serde_json::from_str(&text) {
                config.remove("trainer");
                run.extra = config;
            }
        }
        run.reopened = true;
        Ok(run)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Adds an entry to `config.json` (call before training).
    pub fn describe(&mut self, key: &str, value: impl Serialize) -> Result<()> {
        if self.reopened && self.extra.contains_key(key) {
            return Ok(());
        }
        self.extra
            .insert(key.to_string(), serde_json::to_value(value)?);
        Ok(())
    }

    /// Writes `config.json`: the trainer's settings plus everything [`RunFolder::describe`]d.
    pub fn write_config(&self, trainer: &impl Serialize) -> Result<()> {
        let mut config = self.extra.clone();
        config.insert("trainer".into(), serde_json::to_value(trainer)?);
        let text = serde_json::to_string_pretty(&Value::Object(config))?;
        crate::fs::write_bytes_atomically(&self.path.join("config.json"), text.as_bytes())
    }

    /// `checkpoints/<which>.safetensors`.
    pub fn checkpoint_path(&self, which: &str) -> PathBuf {
        self.path
            .join("checkpoints")
            .join(format!("{which}.safetensors"))
    }

    /// The run folder of a checkpoint file, `<run>/checkpoints/<which>.safetensors` -> `<run>`
    /// (the inverse of [`RunFolder::checkpoint_path`]); `None` for a file elsewhere.
    pub fn of_checkpoint(checkpoint: &Path) -> Option<PathBuf> {
        let checkpoints = checkpoint.parent()?;
        if !checkpoints.ends_with("checkpoints") {
            return None;
        }
        checkpoints.parent().map(Path::to_path_buf)
    }

    pub fn submission_path(&self) -> PathBuf {
        self.path.join("submission.csv")
    }

    /// Rewrites `metrics.csv`, the TensorBoard event file and the plot from the full history.
    pub fn record_epochs(&mut self, history: &[EpochMetrics]) -> Result<()> {
        crate::fs::write_atomically(&self.path.join("metrics.csv"), |out| {
            writeln!(out, "{METRICS_HEADER}")?;
            // An epoch that was not validated leaves its two validation cells empty.
            let cell = |value: Option<f64>| value.map_or(String::new(), |v| v.to_string());
            for m in history {
                writeln!(
                    out,
                    "{},{},{},{},{},{},{},{}",
                    m.epoch,
                    m.step,
                    m.lr,
                    m.train_loss,
                    m.train_accuracy,
                    cell(m.validation_loss),
                    cell(m.validation_accuracy),
                    m.seconds
                )?;
            }
            Ok(())
        })?;
        let mut scalars = Vec::new();
        let mut wall_time = self.created;
        for m in history {
            wall_time += m.seconds;
            for (tag, value) in [
                ("loss/train", Some(m.train_loss)),
                ("loss/validation", m.validation_loss),
                ("accuracy/train", Some(m.train_accuracy)),
                ("accuracy/validation", m.validation_accuracy),
                ("learning_rate", Some(m.lr)),
            ] {
                let Some(value) = value else { continue };
                scalars.push(Scalar {
                    tag: tag.into(),
                    step: m.step as i64,
                    value: value as f32,
                    wall_time,
                });
            }
        }
        let events = self.path.join(format!(
            "events.out.tfevents.{}.course",
            self.created as u64
        ));
        write_event_file(&events, &scalars, self.created)?;
        super::plot::learning_curves(&self.path.join("learning_curves.png"), history)
    }

    /// Adds `key: value` to `summary.json` (final figures such as the test accuracy).
    pub fn write_summary(&self, key: &str, value: impl Serialize) -> Result<()> {
        let path = self.path.join("summary.json");
        let mut summary: Map<String, Value> = match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).unwrap_or_default(),
            Err(_) => Map::new(),
        };
        summary.insert(key.to_string(), serde_json::to_value(value)?);
        let text = serde_json::to_string_pretty(&Value::Object(summary))?;
        crate::fs::write_bytes_atomically(&path, text.as_bytes())
    }
}

/// A run's name is one folder name: no separators, no `..`, so a run stays under `runs/`.
pub fn check_run_name(name: &str) -> Result<()> {
    let mut components = Path::new(name).components();
    let one_plain_name = matches!(
        (components.next(), components.next()),
        (Some(std::path::Component::Normal(_)), None)
    );
    if !one_plain_name || name.contains(['/', '\\']) || name.starts_with('.') {
        bail!(
            "--run-name {name:?} is not a run name: use letters, digits, `-` and `_` (no `/`, `\\`, \
             `..` or leading `.`); the run goes to runs/<unit>/<name>/"
        );
    }
    Ok(())
}

/// `run.lock` in a run folder: the id of the process writing the run. A second process that
/// opens the same run is refused while the first lives; a lock left by a killed process is
/// taken over.
#[derive(Debug)]
pub struct RunLock {
    path: PathBuf,
}

impl RunLock {
    const FILE: &'static str = "run.lock";

    /// Takes the lock of `folder` (which must exist) until the value is dropped.
    pub fn take(folder: &Path) -> Result<RunLock> {
        let path = folder.join(Self::FILE);
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    write!(file, "{}", std::process::id())
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    return Ok(RunLock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    if let Some(pid) = live_owner(&path) {
                        bail!(
                            "the run {} is being written by process {pid} (another run with the \
                             same --run-name or --out?). Wait for it to end or pick another name; \
                             if no such process runs, delete {}",
                            folder.display(),
                            path.display()
                        );
                    }
                    // Left behind by a process that was killed: take it over.
                    let _ = std::fs::remove_file(&path);
                }
                Err(e) => {
                    return Err(e).with_context(|| {
                        format!(
                            "cannot write in the run folder {} (is it writable?)",
                            folder.display()
                        )
                    })
                }
            }
        }
        bail!("cannot take {}", path.display())
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// What asking the system about a process id answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProcessAnswer {
    /// `/proc/<pid>` exists, or `kill(pid, 0)` succeeded.
    Runs,
    /// `kill(pid, 0)` failed with EPERM: it runs, as another user.
    RunsAsAnotherUser,
    /// No `/proc/<pid>` while `/proc` works, or `kill(pid, 0)` failed with ESRCH.
    NoSuchProcess,
    /// Nothing could tell (no `/proc` and no `kill`, as on Windows).
    Unknown,
}

/// Whether a lock held by a process of this answer is still held. An unknown answer trusts the
/// lock (the error then says which file to delete), so two runs never write one folder.
fn lock_holder_lives(pid: u32, answer: ProcessAnswer) -> bool {
    // 0 is not a process (kill(0, ...) means "my process group"), nor is anything above i32.
    if pid == 0 || pid > i32::MAX as u32 {
        return false;
    }
    !matches!(answer, ProcessAnswer::NoSuchProcess)
}

/// Asks the system about `pid`: Linux through /proc, other Unix systems (macOS) by
/// `kill(pid, 0)`.
fn ask_about_process(pid: u32) -> ProcessAnswer {
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        return if proc.join(pid.to_string()).exists() {
            ProcessAnswer::Runs
        } else {
            ProcessAnswer::NoSuchProcess
        };
    }
    #[cfg(unix)]
    return ask_by_kill(pid);
    #[cfg(not(unix))]
    ProcessAnswer::Unknown
}

/// `kill(pid, 0)`: sends nothing, only looks the process up.
#[cfg(unix)]
fn ask_by_kill(pid: u32) -> ProcessAnswer {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return ProcessAnswer::NoSuchProcess;
    };
    // SAFETY: kill with signal 0 has no effect on the process; it only reports on it.
    if unsafe { libc::kill(pid, 0) } == 0 {
        return ProcessAnswer::Runs;
    }
    match std::io::Error::last_os_error().raw_os_error() {
        Some(libc::EPERM) => ProcessAnswer::RunsAsAnotherUser,
        Some(libc::ESRCH) => ProcessAnswer::NoSuchProcess,
        _ => ProcessAnswer::Unknown,
    }
}

/// Whether a process of this id runs (see [`lock_holder_lives`]).
fn process_is_alive(pid: u32) -> bool {
    lock_holder_lives(pid, ask_about_process(pid))
}

/// The id of the live process that holds the lock file `lock`, if one does.
fn live_owner(lock: &Path) -> Option<u32> {
    std::fs::read_to_string(lock)
        .ok()
        .and_then(|text| text.trim().parse::<u32>().ok())
        .filter(|&pid| process_is_alive(pid))
}

/// Whether a process holds the run in `folder` now.
pub fn run_in_use(folder: &Path) -> bool {
    live_owner(&folder.join(RunLock::FILE)).is_some()
}

/// A finished (or running) run, read back from its folder.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub path: PathBuf,
    pub unit: String,
    pub name: String,
    pub config: Value,
    pub summary: Value,
    pub metrics: Vec<EpochMetrics>,
}

impl RunInfo {
    pub fn read(path: &Path) -> Result<RunInfo> {
        let read_json = |file: &str| -> Result<Value> {
            match std::fs::read_to_string(path.join(file)) {
                Ok(text) => serde_json::from_str(&text)
                    .with_context(|| format!("{}/{file} is not JSON", path.display())),
                Err(_) => Ok(Value::Null),
            }
        };
        let name_of = |p: Option<&Path>| {
            p.and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        };
        Ok(RunInfo {
            path: path.to_path_buf(),
            unit: name_of(path.parent()),
            name: name_of(Some(path)),
            config: read_json("config.json")?,
            summary: read_json("summary.json")?,
            metrics: read_metrics_csv(&path.join("metrics.csv"))?,
        })
    }

    /// The best validation accuracy and its epoch (`None` when no epoch was validated).
    pub fn best(&self) -> Option<(usize, f64)> {
        self.metrics
            .iter()
            .filter_map(|m| Some((m.epoch, m.validation_accuracy?)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }
}

/// Every run under `root` (folders `<unit>/<name>` holding a `metrics.csv`), oldest first.
pub fn list_runs(root: &Path) -> Result<Vec<RunInfo>> {
    let mut runs = Vec::new();
    let Ok(units) = std::fs::read_dir(root) else {
        return Ok(runs);
    };
    for unit in units.flatten().filter(|e| e.path().is_dir()) {
        for run in std::fs::read_dir(unit.path())?.flatten() {
            if run.path().join("metrics.csv").is_file() {
                runs.push(RunInfo::read(&run.path())?);
            }
        }
    }
    runs.sort_by_key(|r| {
        std::fs::metadata(r.path.join("metrics.csv"))
            .and_then(|m| m.modified())
            .ok()
    });
    Ok(runs)
}

/// Reads a `metrics.csv` written by [`RunFolder::record_epochs`].
pub fn read_metrics_csv(path: &Path) -> Result<Vec<EpochMetrics>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut lines = text.lines();
    if lines.next() != Some(METRICS_HEADER) {
        bail!(
            "{}: unexpected header; expected {METRICS_HEADER}",
            path.display()
        );
    }
    lines
        .enumerate()
        .map(|(i, line)| {
            // Empty cells: an epoch that was not validated.
            let v: Vec<Option<f64>> = line
                .split(',')
                .map(|cell| (!cell.is_empty()).then(|| cell.parse()).transpose())
                .collect::<Result<_, _>>()
                .with_context(|| format!("{}: line {}: not numbers", path.display(), i + 2))?;
            if v.len() != 8 {
                bail!(
                    "{}: line {}: {} columns, expected 8",
                    path.display(),
                    i + 2,
                    v.len()
                );
            }
            let number = |column: usize| {
                v[column].with_context(|| {
                    format!(
                        "{}: line {}: column {} is empty",
                        path.display(),
                        i + 2,
                        column + 1
                    )
                })
            };
            Ok(EpochMetrics {
                epoch: number(0)? as usize,
                step: number(1)? as usize,
                lr: number(2)?,
                train_loss: number(3)?,
                train_accuracy: number(4)?,
                validation_loss: v[5],
                validation_accuracy: v[6],
                seconds: number(7)?,
            })
        })
        .collect()
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// The current UTC time as a run name: `2026-11-26_13-22-12`.
pub fn timestamp_name() -> String {
    let secs = now() as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = civil_date(days);
    format!(
        "{year:04}-{month:02}-{day:02}_{:02}-{:02}-{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The calendar date (year, month, day) of a day counted from 1970-01-01 (Howard Hinnant's
/// algorithm).
pub fn civil_date(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_since_1970_give_their_calendar_dates() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(59), (1970, 3, 1));
        assert_eq!(civil_date(20_430), (2025, 12, 8));
        assert_eq!(
            civil_date(19_417),
            (2023, 3, 1),
            "the day after 28 February 2023"
        );
    }

    #[test]
    fn a_checkpoint_names_its_run_folder_and_other_files_none() {
        let run = Path::new("runs/unit7/tuned");
        let checkpoint = run.join("checkpoints/last.safetensors");
        assert_eq!(RunFolder::of_checkpoint(&checkpoint).as_deref(), Some(run));
        assert_eq!(RunFolder::of_checkpoint(&run.join("config.json")), None);
    }

    #[test]
    fn a_lock_is_held_unless_the_system_says_no_such_process() {
        use ProcessAnswer::*;
        assert!(lock_holder_lives(42, Runs));
        assert!(lock_holder_lives(42, RunsAsAnotherUser));
        assert!(
            lock_holder_lives(42, Unknown),
            "an unknown answer trusts the lock"
        );
        assert!(!lock_holder_lives(42, NoSuchProcess));
        assert!(
            !lock_holder_lives(0, Runs),
            "0 is the process group, not a process"
        );
        assert!(!lock_holder_lives(u32::MAX, Runs));
    }

    #[test]
    fn this_process_runs_and_a_finished_child_does_not() {
        assert!(process_is_alive(std::process::id()));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(!process_is_alive(pid));
    }

    #[cfg(unix)]
    #[test]
    fn kill_with_signal_0_answers_as_proc_does() {
        // The macOS path, tried here beside Linux's /proc.
        let ask = ask_by_kill;
        assert_eq!(ask(std::process::id()), ProcessAnswer::Runs);
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert_eq!(ask(pid), ProcessAnswer::NoSuchProcess);
    }
}
