//! Running cargo inside the course's workspace, with the environment of the program that runs
//! it cleaned: `course verify` builds the learner's code with it, and tests build a unit's
//! program as a learner starts it. Not part of the course's library (`course-core`): only the
//! `course` command and tests use it.

/// The folder that holds the workspace (`Cargo.toml`, `crates/`).
pub fn workspace_root() -> std::path::PathBuf {
    let crate_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir
        .ancestors()
        .nth(2)
        .expect("workspace-cargo lives in <workspace>/crates/workspace-cargo")
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
