//! The `course` command as a learner uses it.

use std::process::Command;

fn course(args: &[&str]) -> (bool, String) {
    run(Command::new(env!("CARGO_BIN_EXE_course")).args(args))
}

/// Runs `command`: whether it succeeded, and its stdout then stderr.
fn run(command: &mut Command) -> (bool, String) {
    let output = command.output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

#[test]
fn the_baseline_trains_on_the_sample_and_writes_a_scored_submission() {
    let dir = tempfile::tempdir().unwrap();
    let submission = dir.path().join("submission.csv");
    let (ok, out) = course(&[
        "baseline",
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

    // The same predictions as a spreadsheet saves them: a byte-order mark, CRLF, ids unquoted.
    let text = std::fs::read_to_string(&submission).unwrap();
    let excel = dir.path().join("saved-by-excel.csv");
    let resaved = format!("\u{feff}{}", text.replace('"', "").replace('\n', "\r\n"));
    std::fs::write(&excel, resaved).unwrap();
    let (ok, again) = course(&[
        "score",
        excel.to_str().unwrap(),
        "--data",
        "../../datasets/imdb-sample",
    ]);
    let accuracy = |out: &str| {
        out.split("accuracy ")
            .nth(1)
            .map(|rest| rest[..7].to_string())
    };
    assert!(ok, "{again}");
    assert_eq!(accuracy(&again), accuracy(&out), "{again}\n{out}");
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

fn course_command() -> Command {
    Command::new(env!("CARGO_BIN_EXE_course"))
}

/// `unitN: X/Y tasks done` lines of `course verify`'s output, as (unit, done, total).
fn progress_lines(stdout: &str) -> Vec<(String, usize, usize)> {
    stdout
        .lines()
        .filter_map(|line| {
            let (unit, rest) = line.split_once(": ")?;
            let (counts, _) = rest.split_once(" tasks done")?;
            let (done, total) = counts.split_once('/')?;
            Some((unit.to_string(), done.parse().ok()?, total.parse().ok()?))
        })
        .collect()
}

#[test]
fn verify_checks_solutions_in_a_process_of_their_own_and_lists_every_task() {
    // The learner's own files are never judged here (`make test` must pass in a learner's
    // clone); CI checks the committed stubs with `make check-stubs`.
    let output = course_command()
        .args(["verify", "--solutions", "unit1", "unit7"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the solutions pass every task:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let progress = progress_lines(&stdout);
    let units: Vec<&str> = progress.iter().map(|(unit, _, _)| unit.as_str()).collect();
    assert_eq!(units, ["unit1", "unit7"], "{stdout}");
    for (unit, done, total) in &progress {
        assert!(*total > 0 && done == total, "{unit}: {stdout}");
    }
    assert!(
        stdout.contains("All 11 tasks done in the solutions"),
        "{stdout}"
    );
}

#[test]
fn hints_come_one_more_at_each_call_and_list_answers_without_checking() {
    let (ok, out) = course(&["hint", "unit7", "9"]);
    assert!(!ok && out.contains("unit7 has tasks 1 to 6"), "{out}");
    let (ok, out) = course(&["list"]);
    assert!(ok, "{out}");
    for unit in ["unit1", "unit5", "unit9"] {
        assert!(out.lines().any(|l| l.starts_with(unit)), "{unit}: {out}");
    }
}

#[test]
fn verify_names_the_units_it_knows_when_given_another() {
    let output = course_command()
        .args(["verify", "unit42"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("no exercises for 'unit42'") && stderr.contains("unit1"),
        "{stderr}"
    );
}

/// The command a row records: `course` is built in the profile of these tests.
const CARGO_RUN: &str = if cfg!(debug_assertions) {
    "cargo run"
} else {
    "cargo run --release"
};

/// `course leaderboard --quick` for the two fastest units, into a temporary runs folder.
fn leaderboard(runs: &std::path::Path, extra: &[&str]) -> (bool, String) {
    let out = runs.join("results.md");
    run(course_command()
        .env("COURSE_RUNS_DIR", runs)
        .args(["leaderboard", "--quick", "--out", out.to_str().unwrap()])
        .args(extra))
}

#[test]
fn the_quick_leaderboard_runs_units_and_keeps_their_rows() {
    let runs = tempfile::tempdir().unwrap();
    let (ok, out) = leaderboard(runs.path(), &["unit3", "1"]);
    assert!(ok, "{out}");
    assert!(
        out.contains(&format!(
            "=== unit3: {CARGO_RUN} -p unit3-trainer --example solution -- --data datasets/imdb-sample"
        )),
        "says the command each unit runs: {out}"
    );
    let unit3_row = out
        .lines()
        .find(|line| line.starts_with("| unit3 |"))
        .unwrap_or_else(|| panic!("a unit 3 row: {out}"));
    let cells: Vec<&str> = unit3_row.split('|').map(str::trim).collect();
    let test: f64 = cells[4].parse().unwrap_or_else(|_| panic!("{unit3_row}"));
    assert!(
        test > 0.6,
        "unit 3 learns something on the sample: {unit3_row}"
    );
    // The full data's figure (with its range when several seeds stand behind it).
    let ours: f64 = cells[5]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{unit3_row}"));
    assert!(
        ours > 0.85,
        "beside this course's full-data figure: {unit3_row}"
    );
    assert_eq!(
        cells[6], "0.87228",
        "and the original course's: {unit3_row}"
    );
    assert!(
        !out.contains("test - course"),
        "no difference of unlike figures: {out}"
    );
    assert!(
        out.contains("| unit1 |") && out.contains("perceptron 1.00"),
        "{out}"
    );

    // A later run of another unit keeps the earlier rows in the results file.
    let (ok, out) = leaderboard(runs.path(), &["unit2"]);
    assert!(ok, "{out}");
    let results = std::fs::read_to_string(runs.path().join("results.md")).unwrap();
    for unit in ["| unit1 |", "| unit2 |", "| unit3 |"] {
        assert!(results.contains(unit), "{unit} in {results}");
    }
    assert!(
        results.contains(&format!(
            "`{CARGO_RUN} -p unit2-neural-networks --example solution"
        )),
        "{results}"
    );
    // The rows are kept beside the results file, in a folder named after it.
    assert!(runs.path().join("results/unit3.json").exists());

    // Two seeds: two runs, two rows, one line of their mean and range.
    let (ok, out) = leaderboard(runs.path(), &["unit2", "--seeds", "2"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("--seed 123") && out.contains("--seed 7"),
        "each seed's command: {out}"
    );
    assert!(runs.path().join("results/unit2-seed123.json").exists());
    assert!(runs.path().join("results/unit2-seed7.json").exists());
    let unit2_row = out
        .lines()
        .find(|line| line.starts_with("| unit2 |"))
        .unwrap_or_else(|| panic!("a unit 2 row: {out}"));
    assert!(unit2_row.contains("2 seeds)"), "{unit2_row}");
    let results = std::fs::read_to_string(runs.path().join("results.md")).unwrap();
    assert!(results.contains("**unit2**, seed 7,"), "{results}");
}

#[test]
fn a_unit_that_fails_is_a_failed_row_and_the_leaderboard_fails() {
    let runs = tempfile::tempdir().unwrap();
    let data = runs.path().join("broken-data");
    std::fs::create_dir_all(&data).unwrap();
    for file in [
        "labeledTrainData.tsv",
        "testData.tsv",
        "unlabeledTrainData.tsv",
    ] {
        std::fs::write(data.join(file), "not\ta kaggle file\n").unwrap();
    }
    let (ok, out) = leaderboard(
        runs.path(),
        &["unit3", "unit1", "--data", data.to_str().unwrap()],
    );
    assert!(!ok, "{out}");
    assert!(
        out.contains("| unit3 |") && out.contains("| failed | failed |"),
        "{out}"
    );
    assert!(out.contains("| unit1 |"), "the other unit still ran: {out}");
    assert!(out.contains("error: unit3 failed"), "{out}");
    let results = std::fs::read_to_string(runs.path().join("results.md")).unwrap();
    assert!(
        results.contains("- unit3: failed: "),
        "the reason is kept: {results}"
    );
}
