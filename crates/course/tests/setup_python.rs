//! `scripts/pick-python.sh` and `scripts/torch-wheel.sh`, the parts of `make setup` that choose
//! the Python of the venv and the torch wheel. pick-python.sh:
//! torch 2.4.0 has wheels for Python 3.8-3.12 only. Tried with fake interpreters on a PATH of
//! their own, since this machine has one Python.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

/// A fake interpreter `name` in `dir` that says it is Python `version`.
fn fake_python(dir: &Path, name: &str, version: &str) {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\necho {version}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Runs `scripts/<name>` with `args` (and only `path` on PATH, when given): (exit code 0,
/// stdout, stderr).
fn script(name: &str, args: &[&str], path: Option<&Path>) -> (bool, String, String) {
    let mut command = Command::new("/bin/bash");
    command
        .arg(course_core::workspace_root().join("scripts").join(name))
        .args(args);
    if let Some(path) = path {
        command.env("PATH", path);
    }
    let output = command.output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).trim().to_string(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

/// pick-python.sh with only `dir` on PATH.
fn pick(dir: &Path, args: &[&str]) -> (bool, String, String) {
    script("pick-python.sh", args, Some(dir))
}

#[test]
fn a_python_torch_supports_is_taken_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    fake_python(dir.path(), "python3", "3.11");
    let (ok, chosen, _) = pick(dir.path(), &[]);
    assert!(ok && chosen == "python3", "{chosen}");
}

#[test]
fn a_python_too_new_gives_way_to_the_newest_that_works() {
    let dir = tempfile::tempdir().unwrap();
    fake_python(dir.path(), "python3", "3.13");
    fake_python(dir.path(), "python3.10", "3.10");
    fake_python(dir.path(), "python3.12", "3.12");
    let (ok, chosen, note) = pick(dir.path(), &["python3"]);
    assert!(ok && chosen == "python3.12", "{chosen} {note}");
    assert!(
        note.contains("Python 3.13") && note.contains("3.8-3.12"),
        "{note}"
    );
}

#[test]
fn without_a_python_that_works_it_says_which_versions_do_and_how_to_give_one() {
    let dir = tempfile::tempdir().unwrap();
    fake_python(dir.path(), "python3", "3.13");
    let (ok, _, error) = pick(dir.path(), &["python3"]);
    assert!(!ok);
    assert!(
        error.contains("Python 3.13") && error.contains("3.8 to 3.12"),
        "{error}"
    );
    assert!(error.contains("make setup PYTHON="), "{error}");
    let (ok, _, error) = pick(dir.path(), &["python3.7"]);
    assert!(!ok && error.contains("python3.7 was not found"), "{error}");
}

#[test]
fn a_python_named_by_the_learner_is_not_swapped_for_another() {
    let dir = tempfile::tempdir().unwrap();
    fake_python(dir.path(), "python3.13", "3.13");
    fake_python(dir.path(), "python3.12", "3.12");
    let (ok, _, error) = pick(dir.path(), &["python3.13", "asked"]);
    assert!(
        !ok && error.contains("python3.13 is Python 3.13"),
        "{error}"
    );
}

/// A fake `uv` in `dir` whose `python install` "installs" a Python 3.12 that `python find`
/// then names (another fake interpreter, outside PATH).
fn fake_uv(dir: &Path, fetched: &Path) {
    let path = dir.join("uv");
    let script = format!(
        "#!/bin/sh\ncase \"$2\" in install) echo installed >&2 ;; find) echo {} ;; esac\n",
        fetched.display()
    );
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn without_a_python_on_path_uv_fetches_one_when_it_is_there() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    fake_python(dir.path(), "python3", "3.13");
    fake_python(elsewhere.path(), "python3.12", "3.12");
    let fetched = elsewhere.path().join("python3.12");
    fake_uv(dir.path(), &fetched);
    let (ok, chosen, note) = pick(dir.path(), &["python3"]);
    assert!(
        ok && chosen == fetched.display().to_string(),
        "{chosen} {note}"
    );
    assert!(note.contains("asking uv for Python 3.12"), "{note}");
    // A Python the learner named is still never swapped, not even for uv's.
    let (ok, _, _) = pick(dir.path(), &["python3", "asked"]);
    assert!(!ok);
}

/// `scripts/torch-wheel.sh` for a machine's `uname -s`, `uname -m`, NVIDIA driver and the
/// learner's `TORCH_WHEEL`: (exit code 0, the wheel, stderr).
fn wheel(os: &str, arch: &str, nvidia: &str, asked: &str) -> (bool, String, String) {
    script("torch-wheel.sh", &[os, arch, nvidia, asked], None)
}

#[test]
fn the_cpu_only_wheel_where_no_nvidia_driver_would_use_pypis_cuda() {
    for (os, arch, nvidia, expected) in [
        ("Linux", "x86_64", "no", "cpu"),
        ("Linux", "x86_64", "yes", "pypi"),
        ("Linux", "aarch64", "no", "pypi"),
        ("Darwin", "arm64", "no", "pypi"),
    ] {
        let (ok, chosen, error) = wheel(os, arch, nvidia, "");
        assert!(
            ok && chosen == expected,
            "{os} {arch} {nvidia}: {chosen} {error}"
        );
    }
    // The learner's choice stands; a wrong one is refused with the two that work.
    assert_eq!(wheel("Linux", "x86_64", "no", "pypi").1, "pypi");
    assert_eq!(wheel("Linux", "x86_64", "yes", "cpu").1, "cpu");
    let (ok, _, error) = wheel("Linux", "x86_64", "no", "cuda");
    assert!(
        !ok && error.contains("give cpu") && error.contains("pypi"),
        "{error}"
    );
    let (ok, _, error) = wheel("Darwin", "x86_64", "no", "");
    assert!(!ok && error.contains("Intel Macs"), "{error}");
}
