//! Fine-tuning (`--mode full`, one epoch) killed in the middle of its epoch and continued with
//! `--resume` ends as the uninterrupted run ends: the unit's program as a learner starts it, on
//! the bundled sample, with the tiny BERT of `tests/fixtures/bert` (random weights, 2 layers).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use workspace_cargo::printed;

/// Unit 9's `--example solution`, built once.
fn solution() -> PathBuf {
    static COPY: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, exe) = COPY.get_or_init(|| {
        let folder = tempfile::tempdir().unwrap();
        let exe =
            workspace_cargo::build_example_copy("unit9-pretrained", "solution", folder.path())
                .unwrap();
        (folder, exe)
    });
    exe.clone()
}

/// The program with `runs` as its runs folder, on the CPU, one thread.
fn unit9(runs: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(solution());
    command
        .args(args)
        .env("COURSE_RUNS_DIR", runs)
        .env("COURSE_DEVICE", "cpu")
        .env("OMP_NUM_THREADS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// A new fine-tuning run of one epoch, saving its `last` checkpoint every step or so.
fn fine_tuning(name: &str) -> Vec<String> {
    let root = course_core::workspace_root();
    let model = root.join("crates/unit9-pretrained/tests/fixtures/bert");
    let sample = root.join("datasets/imdb-sample");
    [
        "train",
        "--model",
        &model.display().to_string(),
        "--mode",
        "full",
        "--epochs",
        "1",
        "--max-len",
        "32",
        "--predict-max-len",
        "40",
        "--data",
        &sample.display().to_string(),
        "--checkpoint-minutes",
        "0.0003",
        "--run-name",
        name,
    ]
    .map(String::from)
    .to_vec()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn as_str(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// What the run's submission model scored on validation, and its submission.
fn outcome(folder: &Path) -> (f64, String) {
    let summary: serde_json::Value =
        serde_json::from_str(&read(&folder.join("summary.json"))).expect("summary.json is JSON");
    let accuracy = summary["submission_validation_accuracy"]
        .as_f64()
        .expect("a submission validation accuracy");
    (accuracy, read(&folder.join("submission.csv")))
}

#[test]
fn fine_tuning_killed_inside_its_epoch_ends_as_a_run_never_stopped() {
    let runs = tempfile::tempdir().unwrap();
    let folder = |name: &str| runs.path().join("unit9").join(name);
    let (straight, cut) = (fine_tuning("straight"), fine_tuning("cut"));

    let straight = unit9(runs.path(), &as_str(&straight)).output().unwrap();
    assert!(straight.status.success(), "{}", printed(&straight));

    // The same run, killed (SIGKILL) once its epoch has saved a checkpoint.
    let mut child = unit9(runs.path(), &as_str(&cut)).spawn().unwrap();
    let last = folder("cut").join("checkpoints/last.safetensors");
    let started = Instant::now();
    while !last.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "no checkpoint"
        );
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the run ended ({status}) before it could be killed");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!folder("cut").join("submission.csv").exists());

    let resumed = unit9(runs.path(), &["--resume", "cut"]).output().unwrap();
    let said = printed(&resumed);
    assert!(resumed.status.success(), "{said}");
    assert!(said.contains("Resuming from"), "{said}");
    assert_eq!(outcome(&folder("cut")), outcome(&folder("straight")));
}
