//! The unit's three commands run end to end on the bundled sample and leave their files.

use clap::Parser;
use unit4_optimization::program::{run, Args};
use unit4_optimization::Solution;

fn command(args: &[&str]) -> Args {
    Args::parse_from(std::iter::once("unit4").chain(args.iter().copied()))
}

#[test]
fn train_lr_find_and_search_run_on_the_sample() {
    let runs = tempfile::tempdir().unwrap();
    // The only test in this binary, so setting the variable races with nothing.
    std::env::set_var("COURSE_RUNS_DIR", runs.path());
    let sample = course_core::workspace_root().join("datasets/imdb-sample");
    let sample = sample.to_str().unwrap();

    run::<Solution>(command(&[
        "train",
        "--config",
        "faithful",
        "--epochs",
        "2",
        "--data",
        sample,
        "--run-name",
        "quick",
    ]))
    .unwrap();
    let folder = runs.path().join("unit4/quick");
    for file in [
        "config.json",
        "metrics.csv",
        "submission.csv",
        "learning_curves.png",
    ] {
        assert!(
            folder.join(file).exists(),
            "no {file} in {}",
            folder.display()
        );
    }

    run::<Solution>(command(&["lr-find", "--steps", "40", "--data", sample])).unwrap();
    assert!(runs.path().join("unit4/lr_finder.png").exists());

    run::<Solution>(command(&[
        "search", "--random", "2", "--epochs", "1", "--data", sample,
    ]))
    .unwrap();
    let table = std::fs::read_to_string(runs.path().join("unit4/search.md")).unwrap();
    assert_eq!(
        table.lines().count(),
        2 + 2,
        "header, rule and two trials:\n{table}"
    );
}
