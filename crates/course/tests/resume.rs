//! A run killed in the middle and continued with `--resume` ends where an uninterrupted run of
//! the same seed ends: unit 7's program, as a learner starts it, on the bundled sample with a
//! small model. Also: the run's own settings win, `--run-name` is a name, and two runs cannot
//! write into one folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Builds unit 7's `--example solution` as `cargo run` would and returns its executable.
fn unit7_solution() -> PathBuf {
    let output = course_core::cargo_command()
        .args([
            "build",
            "-q",
            "-p",
            "unit7-rnn",
            "--example",
            "solution",
            "--message-format=json",
        ])
        .stderr(Stdio::inherit())
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "unit 7's solution does not build");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|message| message["executable"].as_str().map(PathBuf::from))
        .next_back()
        .expect("cargo names the example's executable")
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
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.exe);
        command
            .args(args)
            .env("COURSE_RUNS_DIR", self.runs.path())
            .env("COURSE_DEVICE", "cpu")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
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

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
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

#[test]
fn a_killed_run_resumed_ends_where_an_uninterrupted_run_ends() {
    let unit7 = Unit7 {
        exe: unit7_solution(),
        runs: tempfile::tempdir().unwrap(),
    };
    let straight = unit7.new_run("straight");
    let straight = unit7.run(&straight.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(straight.status.success(), "{}", text(&straight));

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
        text(&twin).contains("being written by process"),
        "{}",
        text(&twin)
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!unit7.folder("cut").join("submission.csv").exists());

    // A flag that changes the run's settings is refused, and names both values.
    let changed = unit7.run(&["--resume", "cut", "--lr", "0.5"]);
    assert!(!changed.status.success());
    let message = text(&changed);
    assert!(
        message.contains("trainer.optimizer.lr: the run has 0.001, the command line asks for 0.5"),
        "{message}"
    );

    // `--resume` alone continues the latest unfinished run: `cut` (`straight` has finished).
    let resumed = unit7.run(&["--resume"]);
    assert!(resumed.status.success(), "{}", text(&resumed));
    let said = text(&resumed);
    assert!(said.contains("Continuing the run"), "{said}");
    // It went on from its checkpoint: the first epoch is not trained again.
    assert!(said.contains("after epoch"), "{said}");
    assert!(!said.contains("epoch   1/3"), "{said}");

    assert_eq!(
        metrics_without_seconds(&unit7.folder("cut")),
        metrics_without_seconds(&unit7.folder("straight"))
    );
    assert_eq!(
        read(&unit7.folder("cut").join("submission.csv")),
        read(&unit7.folder("straight").join("submission.csv")),
        "the resumed run's submission differs from the uninterrupted run's"
    );
    assert!(!unit7.folder("cut").join("run.lock").exists());
}

#[test]
fn a_run_name_is_a_name_not_a_path() {
    let unit7 = Unit7 {
        exe: unit7_solution(),
        runs: tempfile::tempdir().unwrap(),
    };
    for name in ["../../escaped", "a/b", ".."] {
        let output = unit7.run(&["--run-name", name, "--epochs", "1"]);
        assert!(!output.status.success(), "{name} was accepted");
        assert!(
            text(&output).contains("is not a run name"),
            "{}",
            text(&output)
        );
    }
    assert!(!unit7.runs.path().join("escaped").exists());
}
