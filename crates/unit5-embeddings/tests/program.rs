//! The unit's commands run end to end on the bundled sample and leave their files.

use clap::Parser;
use unit5_embeddings::program::{run, Args};
use unit5_embeddings::Solution;

fn command(args: &[&str]) -> Args {
    Args::parse_from(std::iter::once("unit5").chain(args.iter().copied()))
}

#[test]
fn train_word2vec_and_neighbours_run_on_the_sample() {
    let runs = tempfile::tempdir().unwrap();
    // The only test in this binary, so setting the variable races with nothing.
    std::env::set_var("COURSE_RUNS_DIR", runs.path());
    let sample = course_core::workspace_root().join("datasets/imdb-sample");
    let sample = sample.to_str().unwrap();

    run::<Solution>(command(&[
        "train",
        "--epochs",
        "1",
        "--pooling",
        "mean-max",
        "--data",
        sample,
        "--run-name",
        "quick",
    ]))
    .unwrap();
    let folder = runs.path().join("unit5/quick");
    // A GPU asked for where there is none: one clear error before any work, and no run folder.
    if tch::Cuda::device_count() == 0 {
        let error = run::<Solution>(command(&[
            "train",
            "--device",
            "cuda",
            "--data",
            sample,
            "--run-name",
            "no-gpu",
        ]))
        .unwrap_err()
        .to_string();
        assert!(error.contains("sees no CUDA device"), "{error}");
        assert!(!runs.path().join("unit5/no-gpu").exists());
    }
    for file in ["config.json", "metrics.csv", "submission.csv"] {
        assert!(
            folder.join(file).exists(),
            "no {file} in {}",
            folder.display()
        );
    }

    let corpus = runs.path().join("corpus.txt");
    run::<Solution>(command(&[
        "word2vec",
        "--epochs",
        "1",
        "--dim",
        "16",
        "--data",
        sample,
        "--corpus-text",
        corpus.to_str().unwrap(),
    ]))
    .unwrap();
    let out = runs.path().join("unit5/word2vec");
    for file in ["vectors.txt", "summary.json", "projection.png"] {
        assert!(out.join(file).exists(), "no {file} in {}", out.display());
    }
    // 1,600 training + 1,000 unlabelled sample reviews, one per line.
    assert_eq!(
        std::fs::read_to_string(&corpus).unwrap().lines().count(),
        2_600
    );

    run::<Solution>(command(&[
        "train",
        "--epochs",
        "1",
        "--init",
        "word2vec",
        "--freeze",
        "--data",
        sample,
        "--run-name",
        "w2v",
    ]))
    .unwrap();
    let config = std::fs::read_to_string(runs.path().join("unit5/w2v/config.json")).unwrap();
    assert!(config.contains("\"freeze_embedding\": true"), "{config}");

    run::<Solution>(command(&["neighbours", "movie", "notaword"])).unwrap();
}
