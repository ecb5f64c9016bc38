//! The unit's commands run end to end on the bundled sample and leave their files.

use clap::Parser;
use unit6_cnn::program::{run, Args};
use unit6_cnn::Solution;

fn command(args: &[&str]) -> Args {
    Args::parse_from(std::iter::once("unit6").chain(args.iter().copied()))
}

#[test]
fn train_and_images_run_on_the_sample() {
    let runs = tempfile::tempdir().unwrap();
    // The only test in this binary, so setting the variable races with nothing.
    std::env::set_var("COURSE_RUNS_DIR", runs.path());
    let sample = course_core::workspace_root().join("datasets/imdb-sample");

    run::<Solution>(command(&[
        "train",
        "--epochs",
        "1",
        "--filters",
        "16",
        "--data",
        sample.to_str().unwrap(),
        "--run-name",
        "quick",
    ]))
    .unwrap();
    let folder = runs.path().join("unit6/quick");
    for file in [
        "config.json",
        "metrics.csv",
        "submission.csv",
        "summary.json",
    ] {
        assert!(
            folder.join(file).exists(),
            "no {file} in {}",
            folder.display()
        );
    }
    let config = std::fs::read_to_string(folder.join("config.json")).unwrap();
    assert!(config.contains("\"filters\": 16"), "{config}");

    // The course's layout (every batch padded to --max-len, padding in the max), kept short.
    run::<Solution>(command(&[
        "train",
        "--config",
        "faithful",
        "--max-len",
        "64",
        "--epochs",
        "1",
        "--data",
        sample.to_str().unwrap(),
        "--run-name",
        "faithful",
    ]))
    .unwrap();
    let config = std::fs::read_to_string(runs.path().join("unit6/faithful/config.json")).unwrap();
    assert!(config.contains("\"mask_padding\": false"), "{config}");

    run::<Solution>(command(&[
        "images",
        "--epochs",
        "1",
        "--images",
        "200",
        "--run-name",
        "shapes",
    ]))
    .unwrap();
    let shapes = runs.path().join("unit6/shapes");
    for file in ["predictions.png", "metrics.csv"] {
        assert!(
            shapes.join(file).exists(),
            "no {file} in {}",
            shapes.display()
        );
    }
}
