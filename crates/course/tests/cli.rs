//! The `course` command as a learner uses it.

use std::process::Command;

fn course(args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_course"))
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

#[test]
fn the_demo_trains_on_the_sample_and_writes_a_scored_submission() {
    let dir = tempfile::tempdir().unwrap();
    let submission = dir.path().join("submission.csv");
    let (ok, out) = course(&[
        "demo",
        "--epochs",
        "2",
        "--submission",
        submission.to_str().unwrap(),
    ]);
    assert!(ok, "{out}");
    assert!(
        out.contains("imdb-sample") && out.contains("bundled sample"),
        "says which data: {out}"
    );
    assert!(
        out.contains("epoch   2") && out.contains("val acc"),
        "{out}"
    );
    assert!(out.contains("Offline leaderboard"), "{out}");
    let rows = std::fs::read_to_string(&submission)
        .unwrap()
        .lines()
        .count();
    assert_eq!(rows, 1 + 1_000, "header + one row per sample test review");

    let (ok, out) = course(&[
        "score",
        submission.to_str().unwrap(),
        "--data",
        "../../datasets/imdb-sample",
    ]);
    assert!(ok && out.contains("of 1000 test reviews"), "{out}");
}

#[test]
fn a_wrong_data_folder_gives_a_clear_error() {
    let (ok, out) = course(&["data", "check", "--data", "/no/such/folder"]);
    assert!(!ok);
    assert!(
        out.starts_with("error: /no/such/folder") && out.contains("make data"),
        "{out}"
    );
}

#[test]
fn a_malformed_submission_is_rejected_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "id,sentiment\n\"1_10\",yes\n").unwrap();
    let (ok, out) = course(&[
        "score",
        bad.to_str().unwrap(),
        "--data",
        "../../datasets/imdb-sample",
    ]);
    assert!(
        !ok && out.contains("line 2: sentiment must be 0 or 1"),
        "{out}"
    );
}

#[test]
fn binaries_keep_libtorch_cuda_linked_when_libtorch_has_it() {
    // Without it, Device::cuda_if_available() silently answers CPU on a GPU machine.
    let cuda = course_core::workspace_root().join(".venv/libtorch/lib/libtorch_cuda.so");
    if !cuda.exists() {
        eprintln!("SKIPPED: this libtorch has no CUDA library");
        return;
    }
    let output = Command::new("readelf")
        .args(["-d", env!("CARGO_BIN_EXE_course")])
        .output();
    let Ok(output) = output else {
        eprintln!("SKIPPED: readelf is not installed");
        return;
    };
    let dynamic = String::from_utf8_lossy(&output.stdout);
    assert!(
        dynamic.contains("[libtorch_cuda.so]"),
        "libtorch_cuda.so is not NEEDED:\n{dynamic}"
    );
    assert!(
        dynamic.contains(".venv/libtorch/lib"),
        "no rpath to libtorch:\n{dynamic}"
    );
}
