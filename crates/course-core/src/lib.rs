//! The shared library of the course: everything two or more units need.
//!
//! * [`data`]: the IMDb reviews in Kaggle's format (reading, checking, splitting, submissions,
//!   scoring), where they come from, and the converter from the Stanford folder layout.
//! * [`text`]: turning reviews into numbers: the bag-of-words vectoriser of units 2-4 and the
//!   word-index tokenizer of units 5-8.
//! * [`cli`]: the command-line options every unit's `train` shares.
//! * [`batching`]: shuffled, seeded mini-batches, with length bucketing for padded sequences.
//! * [`device`]: CPU or CUDA.
//! * [`prepared`]: data split and vectorised, ready for a model.
//! * [`training`]: the Trainer (the role Lightning plays in the original course).
//! * [`tracking`]: run folders with metrics, TensorBoard events and plots (the role of W&B).
//! * [`exercises`]: the tasks of every unit's exercise, their checks and progress reports.
//! * [`fs`]: writing files so that a crash never leaves half of one behind.
//!
//! Every program that links this crate allocates memory, its own and libtorch's, through
//! jemalloc (`src/allocator.rs` says why).

mod allocator;
pub mod batching;
pub mod cli;
pub mod data;
pub mod device;
pub mod exercises;
pub mod fs;
pub mod prepared;
pub mod text;
pub mod tracking;
pub mod training;

/// The folder that holds the workspace (`Cargo.toml`, `datasets/`, `runs/`).
pub fn workspace_root() -> std::path::PathBuf {
    let core_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    core_dir
        .ancestors()
        .nth(2)
        .expect("course-core lives in <workspace>/crates/course-core")
        .to_path_buf()
}

/// A `cargo` command in the workspace, for programs and tests that build something themselves
/// (`course verify`, the learner's-session test).
///
/// It is the cargo that ran this program (`CARGO`), so it shares its target folder and its build
/// of every dependency. `cargo run` and `cargo test` describe the running package to the program
/// in its environment (`CARGO_PKG_NAME`, `OUT_DIR`, ...); build scripts that watch one of those
/// variables (ring's watches several) would take them for a change and rebuild, and again at the
/// next plain cargo call. So they are removed.
pub fn cargo_command() -> std::process::Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = std::process::Command::new(cargo);
    command.current_dir(workspace_root());
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let set_for_the_running_package = name.starts_with("CARGO_PKG_")
            || name.starts_with("CARGO_BIN_EXE_")
            || matches!(
                name.as_ref(),
                "CARGO_MANIFEST_DIR"
                    | "CARGO_MANIFEST_PATH"
                    | "CARGO_MANIFEST_LINKS"
                    | "CARGO_CRATE_NAME"
                    | "CARGO_BIN_NAME"
                    | "CARGO_PRIMARY_PACKAGE"
                    | "CARGO_TARGET_TMPDIR"
                    | "CARGO_RUSTC_CURRENT_DIR"
                    | "OUT_DIR"
            );
        if set_for_the_running_package {
            command.env_remove(name.as_ref());
        }
    }
    command
}

/// Builds `package`'s `--example <example>` as `cargo run` would and copies its executable into
/// `folder`: for tests that run a unit's program as a learner starts it. A copy, because every
/// unit's example is `target/debug/examples/solution`, and another unit's build may put its own
/// there while the tests run.
pub fn build_example_copy(
    package: &str,
    example: &str,
    folder: &std::path::Path,
) -> anyhow::Result<std::path::PathBuf> {
    use anyhow::Context;
    let output = cargo_command()
        .args(["build", "-q", "-p", package, "--example", example])
        .arg("--message-format=json")
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("cannot run cargo")?;
    anyhow::ensure!(
        output.status.success(),
        "{package}'s example {example} does not build"
    );
    let built = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["target"]["name"] == example)
        .filter_map(|message| message["executable"].as_str().map(std::path::PathBuf::from))
        .next_back()
        .context("cargo names no executable for the example")?;
    let copy = folder.join(format!("{package}-{example}"));
    std::fs::copy(&built, &copy)
        .with_context(|| format!("cannot copy {} to {}", built.display(), copy.display()))?;
    Ok(copy)
}

/// What a finished program printed: its standard output, then its standard error.
pub fn printed(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
