//! A learner's session, played on a copy of the committed workspace (never on your files):
//! start from the stubs, solve one task of unit 3, break unit 7, reset it.
//!
//! It builds the copy's own crates (a few minutes), so it is left out of `make test`; CI runs it
//! with `make check-exercises` (`cargo test -p course --test learner_session -- --ignored`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// A clone of the committed workspace in a temporary folder, sharing this one's libtorch, models
/// and target folder (so no dependency is built again).
struct Copy {
    _folder: tempfile::TempDir,
    root: PathBuf,
}

impl Copy {
    fn new() -> Copy {
        let here = course_core::workspace_root();
        let folder = tempfile::tempdir().unwrap();
        let root = folder.path().join("course");
        let status = Command::new("git")
            .args(["clone", "--quiet", "--no-hardlinks"])
            .arg(&here)
            .arg(&root)
            .status()
            .expect("git runs");
        assert!(status.success(), "git clone of {}", here.display());
        for shared in [".venv", "models"] {
            std::os::unix::fs::symlink(here.join(shared), root.join(shared)).unwrap();
        }
        Copy {
            _folder: folder,
            root,
        }
    }

    /// `cargo <args>` in the copy: whether it succeeded, and stdout then stderr.
    fn cargo(&self, args: &[&str]) -> (bool, String) {
        let here = course_core::workspace_root();
        let mut command =
            Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        command
            .args(args)
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", here.join("target"))
            // The copy's .cargo/config.toml would give these the copy's own paths: libtorch's
            // build script would take that for a change and build again, for both trees.
            .env("LIBTORCH", here.join(".venv/libtorch"))
            .env("CXX", here.join("scripts/cxx-libtorch-check"));
        // What `cargo test` told this test about its own package (ring's build script watches
        // CARGO_MANIFEST_DIR, and would build again too).
        for (name, _) in std::env::vars() {
            if name.starts_with("CARGO_PKG_")
                || ["CARGO_MANIFEST_DIR", "CARGO_MANIFEST_PATH", "CARGO_CRATE_NAME"]
                    .contains(&name.as_str())
            {
                command.env_remove(name);
            }
        }
        let output = command.output().expect("cargo runs");
        let text = String::from_utf8_lossy(&output.stdout).to_string()
            + &String::from_utf8_lossy(&output.stderr);
        (output.status.success(), text)
    }

    fn course(&self, args: &[&str]) -> (bool, String) {
        let mut all = vec!["run", "-q", "-p", "course", "--"];
        all.extend_from_slice(args);
        self.cargo(&all)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.root.join(file)
    }

    /// Replaces `old` (which must be there) by `new` in `file`.
    fn edit(&self, file: &str, old: &str, new: &str) {
        let path = self.path(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(old), "{old:?} not in {}", path.display());
        std::fs::write(&path, text.replacen(old, new, 1)).unwrap();
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

const UNIT3: &str = "crates/unit3-trainer/src/exercise.rs";
const UNIT7: &str = "crates/unit7-rnn/src/exercise.rs";

#[test]
#[ignore = "builds a copy of the workspace: run by make check-exercises"]
fn a_learner_solves_a_task_breaks_another_unit_and_resets_it() {
    let copy = Copy::new();

    // Untouched: unit 3 compiles and every task is still to do, with where to start.
    let (ok, out) = copy.course(&["verify", "unit3"]);
    assert!(!ok && out.contains("unit3: 0/4 tasks done"), "{out}");
    assert!(
        out.contains("Next: task 1") && out.contains(&format!("{UNIT3}:")),
        "{out}"
    );

    // Task 1 solved: the layer as a field, made in `new`.
    copy.edit(
        UNIT3,
        "    // TODO (task 1): the model's weights live here, as a field (see `new` below).\n",
        "    linear: nn::Linear,\n",
    );
    copy.edit(
        UNIT3,
        "        let _ = (path, n_features);\n        todo!(\"task 1: build the linear layer\")",
        "        let linear = nn::linear(path / \"linear\", n_features as i64, 2, Default::default());\n        BagOfWordsModel { linear }",
    );
    let (ok, out) = copy.course(&["verify", "unit3"]);
    assert!(!ok && out.contains("unit3: 1/4 tasks done"), "{out}");
    assert!(
        out.contains("[ done] 1.") && out.contains("Next: task 2"),
        "{out}"
    );
    let (ok, out) = copy.course(&["list"]);
    assert!(ok && out.contains("unit3  1/4, next: task 2"), "{out}");

    // make test's checks of the solutions still pass in this tree.
    let (ok, out) = copy.cargo(&["test", "-q", "-p", "unit3-trainer", "--test", "tasks"]);
    assert!(ok && out.contains("unit3: 4/4 tasks done"), "{out}");

    // A type error in unit 7: only unit 7's exercise is affected.
    copy.edit(
        UNIT7,
        "        let _ = (outputs, lengths);\n",
        "        let _ = (outputs, lengths);\n        let steps: i64 = \"many\";\n",
    );
    let (ok, out) = copy.course(&["verify", "unit7"]);
    assert!(!ok && out.contains("does not compile yet"), "{out}");
    assert!(
        out.contains("mismatched types") && out.contains(&format!("{UNIT7}:")),
        "{out}"
    );
    let (ok, out) = copy.course(&["verify", "unit3"]);
    assert!(out.contains("unit3: 1/4 tasks done") && !ok, "{out}");
    let (ok, out) = copy.cargo(&[
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

    // Reset gives the committed stub back.
    let (ok, out) = copy.course(&["reset", "unit7"]);
    assert!(ok, "{out}");
    let committed = Command::new("git")
        .args(["show", &format!("HEAD:{UNIT7}")])
        .current_dir(&copy.root)
        .output()
        .unwrap();
    assert_eq!(
        read(&copy.path(UNIT7)),
        String::from_utf8_lossy(&committed.stdout)
    );
    let (_, out) = copy.course(&["verify", "unit7"]);
    assert!(out.contains("unit7: 0/4 tasks done"), "{out}");
}
