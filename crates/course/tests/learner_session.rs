//! A learner's session, played end to end: start from the committed stubs, solve one task of
//! unit 3, break unit 7, reset it.
//!
//! It edits the exercise files of this workspace, so it runs only where they are the committed
//! stubs (CI's fresh clone: `make check-exercises`, which runs the ignored tests), refuses to run
//! anywhere else, and puts every file it touched back as committed, even when it fails.

use std::path::PathBuf;
use std::process::{Command, Stdio};

const UNIT3: &str = "crates/unit3-trainer/src/exercise.rs";
const UNIT7: &str = "crates/unit7-rnn/src/exercise.rs";

/// The committed content of `file`.
fn committed(file: &str) -> String {
    let output = Command::new("git")
        .args(["show", &format!("HEAD:{file}")])
        .current_dir(course_core::workspace_root())
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git has no {file}");
    String::from_utf8(output.stdout).unwrap()
}

fn path(file: &str) -> PathBuf {
    course_core::workspace_root().join(file)
}

/// Puts the exercise files back as committed when the session ends, however it ends.
struct Restore(&'static [&'static str]);

impl Restore {
    /// Refuses to start unless every file is the committed stub.
    fn start(files: &'static [&'static str]) -> Restore {
        for file in files {
            assert_eq!(
                std::fs::read_to_string(path(file)).unwrap(),
                committed(file),
                "{file} is not the committed stub: this test edits it, and runs only on a tree \
                 where it is (CI's clone). Commit or `course reset` first."
            );
        }
        Restore(files)
    }
}

impl Drop for Restore {
    fn drop(&mut self) {
        for file in self.0 {
            std::fs::write(path(file), committed(file)).unwrap();
        }
    }
}

/// `cargo <args>` as a learner types it: whether it succeeded, and stdout then stderr.
fn cargo(args: &[&str]) -> (bool, String) {
    let output = workspace_cargo::cargo_command()
        .args(args)
        .output()
        .expect("cargo runs");
    let text = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

fn course(args: &[&str]) -> (bool, String) {
    let mut all = vec!["run", "-q", "-p", "course", "--"];
    all.extend_from_slice(args);
    cargo(&all)
}

/// `course <args>` with `keys` typed in.
fn course_typing(args: &[&str], keys: &str) -> (bool, String) {
    use std::io::Write;
    let mut child = workspace_cargo::cargo_command()
        .args(["run", "-q", "-p", "course", "--"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cargo runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(keys.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

/// Replaces `old` (which must be there) by `new` in `file`.
fn edit(file: &str, old: &str, new: &str) {
    let text = std::fs::read_to_string(path(file)).unwrap();
    assert!(text.contains(old), "{old:?} not in {file}");
    std::fs::write(path(file), text.replacen(old, new, 1)).unwrap();
}

#[test]
#[ignore = "edits the exercise files: run by make check-exercises (CI)"]
fn a_learner_solves_a_task_breaks_another_unit_and_resets_it() {
    let _restore = Restore::start(&[UNIT3, UNIT7]);

    // Untouched: unit 3 compiles and every task is still to do, with where to start.
    let (ok, out) = course(&["verify", "unit3"]);
    assert!(!ok && out.contains("unit3: 0/5 tasks done"), "{out}");
    assert!(
        out.contains("Next: task 1") && out.contains(&format!("{UNIT3}:")),
        "{out}"
    );

    // Task 1 solved: the layer as a field, made in `new`.
    edit(
        UNIT3,
        "    // TODO (task 1): the model's weights live here, as a field (see `new` below).\n",
        "    linear: nn::Linear,\n",
    );
    edit(
        UNIT3,
        "        let _ = (path, n_features);\n        todo!(\"task 1: build the linear layer\")",
        "        let linear = nn::linear(path / \"linear\", n_features as i64, 2, Default::default());\n        BagOfWordsClassifier { linear }",
    );
    let (ok, out) = course(&["verify", "unit3"]);
    assert!(!ok && out.contains("unit3: 1/5 tasks done"), "{out}");
    assert!(
        out.contains("[ done] 1.") && out.contains("Next: task 2"),
        "{out}"
    );
    let (ok, out) = course(&["list"]);
    assert!(ok && out.contains("unit3  1/5, next: task 2"), "{out}");
    // watch shows the same with its bar, gives a hint on `h` and stops on `q`.
    let (ok, out) = course_typing(&["watch", "unit3"], "h\nq\n");
    assert!(ok, "{out}");
    assert!(
        out.contains("[######-") && out.contains("1/5 tasks"),
        "{out}"
    );
    assert!(
        out.contains("unit3 task 2:") && out.contains("Hint 1/"),
        "{out}"
    );

    // make test's checks (the solutions) still pass with the learner's file half done.
    let (ok, out) = cargo(&["test", "-q", "-p", "unit3-trainer", "--test", "tasks"]);
    assert!(ok && out.contains("unit3: 5/5 tasks done"), "{out}");

    // A type error in unit 7: only unit 7's exercise is affected.
    edit(
        UNIT7,
        "        let _ = (outputs, lengths);\n",
        "        let _ = (outputs, lengths);\n        let steps: i64 = \"many\";\n",
    );
    let (ok, out) = course(&["verify", "unit7"]);
    assert!(!ok && out.contains("does not compile yet"), "{out}");
    assert!(
        out.contains("mismatched types") && out.contains(&format!("{UNIT7}:")),
        "{out}"
    );
    let (ok, out) = course(&["verify", "unit3"]);
    assert!(out.contains("unit3: 1/5 tasks done") && !ok, "{out}");
    let (ok, out) = cargo(&[
        "run",
        "-q",
        "-p",
        "unit7-rnn",
        "--example",
        "solution",
        "--",
        "--help",
    ]);
    assert!(
        ok && out.contains("--epochs"),
        "unit 7's solution still builds: {out}"
    );

    // Reset gives the committed stub back, and unit 7 compiles again.
    let (ok, out) = course(&["reset", "unit7"]);
    assert!(ok, "{out}");
    assert_eq!(
        std::fs::read_to_string(path(UNIT7)).unwrap(),
        committed(UNIT7)
    );
    let (_, out) = course(&["verify", "unit7"]);
    assert!(out.contains("unit7: 0/6 tasks done"), "{out}");
}
