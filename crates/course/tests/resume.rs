//! A run killed in the middle and continued with `--resume` ends where an uninterrupted run of
//! the same seed ends: unit 7's program, as a learner starts it, on the bundled sample with a
//! small model. Also: the run's own settings win, `--run-name` is a name, and two runs cannot
//! write into one folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use workspace_cargo::printed;

/// Unit 7's `--example solution`, built once for all these tests.
fn unit7_solution() -> PathBuf {
    static COPY: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, exe) = COPY.get_or_init(|| {
        let folder = tempfile::tempdir().unwrap();
        let exe =
            workspace_cargo::build_example_copy("unit7-rnn", "solution", folder.path()).unwrap();
        (folder, exe)
    });
    exe.clone()
}

/// A small, quick unit 7 run on the sample: 3 epochs of a GRU with 8 states per direction.
const SMALL_RUN: [&str; 12] = [
    "--cell",
    "gru",
    "--hidden",
    "8",
    "--max-len",
    "60",
    "--epochs",
    "3",
    "--random-init",
    "--batch-size",
    "64",
    "--seed",
];

struct Unit7 {
    exe: PathBuf,
    runs: tempfile::TempDir,
}

impl Unit7 {
    /// Unit 7's solution with a runs folder of its own.
    fn new() -> Unit7 {
        Unit7 {
            exe: unit7_solution(),
            runs: tempfile::tempdir().unwrap(),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.exe);
        self.environment(command.args(args));
        command
    }

    /// What every run of these tests is given: the runs folder, the CPU, one thread, its
    /// output captured.
    fn environment<'c>(&self, command: &'c mut Command) -> &'c mut Command {
        command
            .env("COURSE_RUNS_DIR", self.runs.path())
            .env("COURSE_DEVICE", "cpu")
            // Several runs at once in this test: one thread each shares the cores best.
            .env("OMP_NUM_THREADS", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("unit 7 starts")
    }

    fn new_run(&self, name: &str) -> Vec<String> {
        let sample = course_core::data::DataDir::bundled_sample();
        let mut args: Vec<String> = ["--data", &sample.path.display().to_string()]
            .map(String::from)
            .to_vec();
        args.extend(SMALL_RUN.map(String::from));
        args.extend(["5".to_string(), "--run-name".to_string(), name.to_string()]);
        args
    }

    fn folder(&self, name: &str) -> PathBuf {
        self.runs.path().join("unit7").join(name)
    }
}

/// The uninterrupted run every test compares with, made once: its folder.
fn straight_run() -> &'static Path {
    static STRAIGHT: std::sync::OnceLock<(Unit7, PathBuf)> = std::sync::OnceLock::new();
    let (_, folder) = STRAIGHT.get_or_init(|| {
        let unit7 = Unit7::new();
        let args = unit7.new_run("straight");
        let output = unit7.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(output.status.success(), "{}", printed(&output));
        let folder = unit7.folder("straight");
        (unit7, folder)
    });
    folder
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The metrics of every epoch but their wall time.
fn metrics_without_seconds(folder: &Path) -> Vec<String> {
    read(&folder.join("metrics.csv"))
        .lines()
        .map(|line| {
            line.rsplit_once(',')
                .map_or(line, |(kept, _)| kept)
                .to_string()
        })
        .collect()
}

/// The run in `folder` ended as the uninterrupted run in `straight` did: the same metrics (but
/// wall times) and the same submission.
fn assert_ends_as(folder: &Path, straight: &Path) {
    assert_eq!(
        metrics_without_seconds(folder),
        metrics_without_seconds(straight)
    );
    assert_eq!(
        read(&folder.join("submission.csv")),
        read(&straight.join("submission.csv")),
        "the resumed run's submission differs from the uninterrupted run's"
    );
}

#[test]
fn a_killed_run_resumed_ends_where_an_uninterrupted_run_ends() {
    let unit7 = Unit7::new();
    let straight = straight_run();

    // The same run, killed (SIGKILL) once its first checkpoint is written.
    let args = unit7.new_run("cut");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut child = unit7.command(&args).spawn().unwrap();
    let checkpoint = unit7.folder("cut").join("checkpoints/last.safetensors");
    let started = Instant::now();
    while !checkpoint.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "no checkpoint after 5 minutes"
        );
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the run ended before it could be killed: {status}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // While it runs, a second run of the same name is refused.
    let twin = unit7.run(&args);
    assert!(!twin.status.success());
    assert!(
        printed(&twin).contains("being written by process"),
        "{}",
        printed(&twin)
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!unit7.folder("cut").join("submission.csv").exists());

    // A flag that changes the run's settings is refused, and names both values.
    let changed = unit7.run(&["--resume", "cut", "--lr", "0.5"]);
    assert!(!changed.status.success());
    let message = printed(&changed);
    let lr = unit7_rnn::configs::tuned(123).trainer.optimizer.lr();
    assert!(
        message.contains(&format!(
            "trainer.optimizer.lr: the run has {lr}, the command line asks for 0.5"
        )),
        "{message}"
    );

    // `--resume` alone continues the latest unfinished run: `cut` (`straight` has finished).
    let resumed = unit7.run(&["--resume"]);
    assert!(resumed.status.success(), "{}", printed(&resumed));
    let said = printed(&resumed);
    assert!(said.contains("Continuing the run"), "{said}");
    // It went on from its checkpoint: the first epoch is not trained again.
    assert!(said.contains("after epoch"), "{said}");
    assert!(!said.contains("epoch   1/3"), "{said}");

    assert_ends_as(&unit7.folder("cut"), straight);
    assert!(!unit7.folder("cut").join("run.lock").exists());
}

/// Starts a run and kills it (SIGKILL) when `when` says so, given what it printed so far and
/// the run folder; returns what it printed. Panics if the run ends by itself first.
fn kill_when(
    unit7: &Unit7,
    args: &[&str],
    folder: &Path,
    when: impl Fn(&str, &Path) -> bool,
) -> String {
    use std::io::Read;
    let mut child = unit7.command(args).spawn().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let printed = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let reader = {
        let printed = printed.clone();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                printed
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        })
    };
    let started = Instant::now();
    loop {
        let so_far = printed.lock().unwrap().clone();
        if when(&so_far, folder) {
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the run ended ({status}) before it could be killed:\n{so_far}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "5 minutes without the moment to kill"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    reader.join().unwrap();
    let text = printed.lock().unwrap().clone();
    text
}

#[test]
fn killed_anywhere_three_times_a_run_still_ends_as_if_never_stopped() {
    let unit7 = Unit7::new();
    let straight = straight_run();

    // Checkpoints inside every epoch, every few steps: kills land inside epochs.
    let mut args = unit7.new_run("killed");
    args.extend(["--checkpoint-minutes".to_string(), "0.0003".to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let folder = unit7.folder("killed");
    let last = folder.join("checkpoints/last.safetensors");
    // 1. inside the first epoch, right after its first checkpoint;
    kill_when(&unit7, &args, &folder, |_, _| last.exists());
    // 2. a moment into the continued run, wherever it is (loading, training, a checkpoint);
    let resume = ["--resume", "killed", "--checkpoint-minutes", "0.0003"];
    let started = Instant::now();
    kill_when(&unit7, &resume, &folder, |_, _| {
        started.elapsed() > Duration::from_millis(2500)
    });
    // 3. while it predicts the test reviews.
    let said = kill_when(&unit7, &resume, &folder, |so_far, _| {
        so_far.contains("Predicting")
    });
    assert!(said.contains("Resuming from"), "{said}");
    assert!(!folder.join("submission.csv").exists());

    let resumed = unit7.run(&["--resume", "killed"]);
    assert!(resumed.status.success(), "{}", printed(&resumed));
    assert_ends_as(&folder, straight);
    // Nothing half-written or left over: no temporary files, no lock.
    let leftovers: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .chain(std::fs::read_dir(folder.join("checkpoints")).unwrap())
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().to_string())
        .filter(|name| name.starts_with(".tmp") || name == "run.lock")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn ctrl_c_saves_where_the_run_is_and_says_how_to_continue() {
    let unit7 = Unit7::new();
    let straight = straight_run();

    let args = unit7.new_run("stopped");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut child = unit7.command(&args).spawn().unwrap();
    let folder = unit7.folder("stopped");
    // Once the first epoch's checkpoint exists, the run is in its second epoch.
    let started = Instant::now();
    while !folder.join("checkpoints/last.safetensors").exists() {
        assert!(started.elapsed() < Duration::from_secs(300));
        assert!(child.try_wait().unwrap().is_none(), "the run ended first");
        std::thread::sleep(Duration::from_millis(5));
    }
    let signal = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(signal.success());
    let output = child.wait_with_output().unwrap();
    let said = printed(&output);
    assert!(!output.status.success(), "{said}");
    assert_eq!(
        output.status.code(),
        Some(1),
        "a clean stop, not a crash:\n{said}"
    );
    assert!(
        said.contains("To continue, run the same program with `--resume stopped`"),
        "{said}"
    );
    assert!(!folder.join("run.lock").exists());

    let resumed = unit7.run(&["--resume", "stopped"]);
    assert!(resumed.status.success(), "{}", printed(&resumed));
    assert_ends_as(&folder, straight);
}

#[test]
fn a_corrupt_checkpoint_is_a_clear_error_not_a_crash() {
    let unit7 = Unit7::new();
    let args = unit7.new_run("broken");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let first = unit7.run(&args);
    assert!(first.status.success(), "{}", printed(&first));
    let last = unit7.folder("broken").join("checkpoints/last.safetensors");
    let bytes = std::fs::read(&last).unwrap();
    std::fs::write(&last, &bytes[..bytes.len() / 2]).unwrap();
    let output = unit7.run(&["--resume", "broken"]);
    let said = printed(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(said.contains("cannot read the checkpoint"), "{said}");
    assert!(!said.contains("panicked"), "{said}");
}

#[test]
fn a_run_name_is_a_name_not_a_path() {
    let unit7 = Unit7::new();
    for name in ["../../escaped", "a/b", ".."] {
        let output = unit7.run(&["--run-name", name, "--epochs", "1"]);
        assert!(!output.status.success(), "{name} was accepted");
        assert!(
            printed(&output).contains("is not a run name"),
            "{}",
            printed(&output)
        );
    }
    assert!(!unit7.runs.path().join("escaped").exists());
}

#[test]
fn a_full_disk_while_saving_is_a_clear_error_and_the_last_checkpoint_still_loads() {
    let unit7 = Unit7::new();
    let straight = straight_run();
    let args = unit7.new_run("full-disk");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let folder = unit7.folder("full-disk");
    let checkpoint = folder.join("checkpoints/last.safetensors");
    // Killed once epoch 1's checkpoint is there.
    kill_when(&unit7, &args, &folder, |printed, _| {
        printed.contains("epoch   1/3") && checkpoint.exists()
    });
    let size = std::fs::metadata(&checkpoint).unwrap().len();

    // Continued with files limited to half a checkpoint (`ulimit -f`, in KiB; SIGXFSZ ignored,
    // so a write past the limit fails as on a full disk): the next checkpoint cannot be saved.
    let limit_kib = (size / 2048).max(1);
    let mut limited = Command::new("sh");
    limited
        .arg("-c")
        .arg(format!(
            r#"trap "" XFSZ; ulimit -f {limit_kib}; exec "$0" "$@""#
        ))
        .arg(&unit7.exe)
        .args(["--resume", "full-disk"]);
    let output = unit7.environment(&mut limited).output().unwrap();
    let said = printed(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(
        said.contains(".safetensors"),
        "the error names no file: {said}"
    );
    assert!(!said.contains("panicked"), "{said}");
    let leftovers: Vec<String> = std::fs::read_dir(folder.join("checkpoints"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "half-written files left: {leftovers:?}"
    );

    // With room again, the run continues from epoch 1's checkpoint and ends as if never stopped.
    let resumed = unit7.run(&["--resume", "full-disk"]);
    assert!(resumed.status.success(), "{}", printed(&resumed));
    assert_ends_as(&folder, straight);
}
