//! `train` runs end to end on the bundled sample and leaves its files, attention plot included.

use clap::Parser;
use unit8_transformers::program::{run, Args};
use unit8_transformers::Solution;

#[test]
fn train_runs_on_the_sample_and_draws_attention() {
    let runs = tempfile::tempdir().unwrap();
    // The only test in this binary, so setting the variable races with nothing.
    std::env::set_var("COURSE_RUNS_DIR", runs.path());
    let sample = course_core::workspace_root().join("datasets/imdb-sample");
    let args = Args::parse_from([
        "unit8",
        "train",
        "--epochs",
        "1",
        "--positions",
        "learned",
        "--max-len",
        "128",
        "--data",
        sample.to_str().unwrap(),
        "--run-name",
        "quick",
    ]);
    run::<Solution>(args).unwrap();
    let folder = runs.path().join("unit8/quick");
    for file in [
        "config.json",
        "metrics.csv",
        "submission.csv",
        "attention.png",
    ] {
        assert!(
            folder.join(file).exists(),
            "no {file} in {}",
            folder.display()
        );
    }
}

#[test]
fn heads_that_do_not_divide_d_model_are_refused() {
    let args = Args::parse_from(["unit8", "train", "--heads", "3"]);
    let error = run::<Solution>(args).unwrap_err().to_string();
    assert!(error.contains("--heads 3"), "{error}");
}
