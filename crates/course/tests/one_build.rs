//! One build for the whole workspace.
//!
//! Cargo picks a dependency's features from the packages named on its command line, so
//! `cargo run -p unit7-rnn` and `cargo test --workspace` would each build polars, tch and the rest
//! with other features, and a learner would wait for three builds of the same crates. The
//! `workspace-hack` crate (written by `cargo hakari`, see `.config/hakari.toml`) names every
//! dependency with the union of the features any member asks for, and every member depends on it,
//! so every selection resolves the same features.
//!
//! This test is the check anyone can run by hand: for every member X,
//! `cargo tree -p X -e normal,build,dev -f '{p} {f}'` lists no package with other features than
//! the same command with `--workspace`.

use std::collections::BTreeSet;
use std::process::Command;

fn cargo() -> Command {
    workspace_cargo::cargo_command()
}

/// `cargo tree` of `selection` as a set of `name version features` lines.
fn resolved(selection: &[&str]) -> BTreeSet<String> {
    let output = cargo()
        .args(["tree", "--offline", "-e", "normal,build,dev"])
        .args(["-f", "{p} {f}", "--prefix", "none"])
        .args(selection)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo tree {selection:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        // A package listed before is marked " (*)".
        .map(|line| line.trim_end_matches(" (*)").to_string())
        .collect()
}

/// The workspace's members, from `cargo metadata`.
fn members() -> Vec<String> {
    let output = cargo()
        .args([
            "metadata",
            "--offline",
            "--no-deps",
            "--format-version",
            "1",
        ])
        .output()
        .expect("cargo runs");
    assert!(output.status.success());
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|package| package["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_member_resolves_its_dependencies_with_the_workspace_features() {
    let workspace = resolved(&["--workspace"]);
    let members = members();
    assert!(members.len() > 10, "{members:?}");
    let mut differing = Vec::new();
    for member in &members {
        for line in resolved(&["-p", member]).difference(&workspace) {
            differing.push(format!("{member}: {line}"));
        }
    }
    assert!(
        differing.is_empty(),
        "these packages would be built again with other features:\n{}\n\nA dependency was added \
         or changed without updating crates/workspace-hack. Run:\n  cargo install cargo-hakari \
         --locked\n  cargo hakari generate && cargo hakari manage-deps",
        differing.join("\n")
    );
}
