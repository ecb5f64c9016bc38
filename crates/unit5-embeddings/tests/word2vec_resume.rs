//! `word2vec` stopped (killed, or by Ctrl-C) and continued with `--resume` ends with the vectors
//! of a run never stopped: the unit's program as a learner starts it, on the bundled sample.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use workspace_cargo::printed;

/// Unit 5's `--example solution`, built once for all these tests.
fn solution() -> PathBuf {
    static COPY: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, exe) = COPY.get_or_init(|| {
        let folder = tempfile::tempdir().unwrap();
        let exe =
            workspace_cargo::build_example_copy("unit5-embeddings", "solution", folder.path())
                .unwrap();
        (folder, exe)
    });
    exe.clone()
}

/// `word2vec` into `out` with `args` after it; one worker, so every run gives the same vectors.
fn word2vec(out: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(solution());
    command
        .args(["word2vec", "--out"])
        .arg(out)
        .args(args)
        .env("COURSE_RUNS_DIR", out.parent().unwrap())
        .env("OMP_NUM_THREADS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// A new run's flags: 8 epochs of 32-wide vectors from the sample, about a second each.
fn new_run() -> Vec<String> {
    let sample = course_core::workspace_root().join("datasets/imdb-sample");
    let sample = sample.display().to_string();
    [
        "--data",
        &sample,
        "--epochs",
        "8",
        "--dim",
        "32",
        "--workers",
        "1",
    ]
    .map(String::from)
    .to_vec()
}

fn run(mut command: Command) -> Output {
    command.output().expect("unit 5's program starts")
}

/// The vectors of the uninterrupted run, made once.
fn straight_vectors() -> &'static str {
    static STRAIGHT: std::sync::OnceLock<(tempfile::TempDir, String)> = std::sync::OnceLock::new();
    let (_, vectors) = STRAIGHT.get_or_init(|| {
        let folder = tempfile::tempdir().unwrap();
        let out = folder.path().join("straight");
        let args = new_run();
        let output = run(word2vec(
            &out,
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        ));
        assert!(output.status.success(), "{}", printed(&output));
        let vectors = std::fs::read_to_string(out.join("vectors.txt")).unwrap();
        (folder, vectors)
    });
    vectors
}

/// Starts a new run into `out` and sends it `signal` once its first epoch is saved.
fn stop_after_first_epoch(out: &Path, signal: &str) -> Output {
    let args = new_run();
    let child = word2vec(out, &args.iter().map(String::as_str).collect::<Vec<_>>())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut child = child;
    while !out.join("checkpoints/last.safetensors").exists() {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "no checkpoint"
        );
        assert!(child.try_wait().unwrap().is_none(), "the run ended first");
        std::thread::sleep(Duration::from_millis(5));
    }
    let sent = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    child.wait_with_output().unwrap()
}

/// Continues the run in `out`, checks it ends with the straight run's vectors and leaves
/// nothing behind; returns what it printed.
fn resume_to_the_end(out: &Path) -> String {
    let output = run(word2vec(out, &["--resume"]));
    let said = printed(&output);
    assert!(output.status.success(), "{said}");
    assert!(said.contains("Continuing"), "{said}");
    assert_eq!(
        std::fs::read_to_string(out.join("vectors.txt")).unwrap(),
        straight_vectors(),
        "the continued run's vectors differ from the uninterrupted run's"
    );
    let leftovers: Vec<String> = [out.to_path_buf(), out.join("checkpoints")]
        .iter()
        .flat_map(|folder| std::fs::read_dir(folder).unwrap().flatten())
        .map(|entry| entry.file_name().to_string_lossy().to_string())
        .filter(|name| {
            name.starts_with(".tmp") || name == "run.lock" || name.ends_with(".safetensors")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    said
}

#[test]
fn killed_word2vec_continues_to_the_vectors_of_a_run_never_stopped() {
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("killed");
    let killed = stop_after_first_epoch(&out, "-KILL");
    assert!(!killed.status.success());
    assert!(!out.join("vectors.txt").exists());

    // A flag that changes the run's settings is refused and names both values.
    let changed = run(word2vec(&out, &["--resume", "--epochs", "9"]));
    assert!(!changed.status.success());
    assert!(
        printed(&changed).contains("epochs: the run has 8, the command line asks for 9"),
        "{}",
        printed(&changed)
    );

    let said = resume_to_the_end(&out);
    // It went on from its checkpoint: at least the first epoch is not trained again.
    let after: usize = said
        .split_once("after epoch ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no \"after epoch N\": {said}"));
    assert!((1..8).contains(&after), "{said}");

    // Finished: there is nothing more to continue.
    let again = run(word2vec(&out, &["--resume"]));
    assert!(!again.status.success());
    assert!(
        printed(&again).contains("has finished"),
        "{}",
        printed(&again)
    );
}

#[test]
fn ctrl_c_stops_word2vec_cleanly_and_says_how_to_continue() {
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("stopped");
    let stopped = stop_after_first_epoch(&out, "-INT");
    let said = printed(&stopped);
    assert_eq!(stopped.status.code(), Some(1), "a clean stop:\n{said}");
    assert!(
        said.contains("To continue, run the same program with `word2vec --resume"),
        "{said}"
    );
    assert!(said.contains("are saved in"), "{said}");
    assert!(!out.join("run.lock").exists());
    resume_to_the_end(&out);
}
