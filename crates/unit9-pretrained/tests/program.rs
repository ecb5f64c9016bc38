//! `train` runs end to end on the bundled sample with a tiny BERT in each mode: the head alone
//! (its review vectors cached and reused), the top layer with the head, and everything (its
//! submission predicted with 8-bit weights from longer reviews).

use clap::Parser;
use unit9_pretrained::program::{run, Args};
use unit9_pretrained::Solution;

mod common;

#[test]
fn every_mode_trains_on_the_sample_and_head_only_reuses_its_vectors() {
    let model = tempfile::tempdir().unwrap();
    common::tiny_model_folder(model.path());
    let runs = tempfile::tempdir().unwrap();
    // The only test in this binary, so setting the variable races with nothing.
    std::env::set_var("COURSE_RUNS_DIR", runs.path());
    let sample = course_core::workspace_root().join("datasets/imdb-sample");
    let train = |mode: &str, name: &str| {
        let args = Args::parse_from([
            "unit9",
            "train",
            "--model",
            model.path().to_str().unwrap(),
            "--mode",
            mode,
            "--top-layers",
            "1",
            "--max-len",
            "32",
            "--predict-max-len",
            "48",
            "--epochs",
            "1",
            "--data",
            sample.to_str().unwrap(),
            "--run-name",
            name,
        ]);
        run::<Solution>(args).unwrap();
        let folder = runs.path().join("unit9").join(name);
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
        let summary = std::fs::read_to_string(folder.join("summary.json")).unwrap();
        let config = std::fs::read_to_string(folder.join("config.json")).unwrap();
        (config, summary)
    };
    let (config, _) = train("head", "head");
    assert!(config.contains("\"mode\": \"Head\""), "{config}");
    assert!(
        config.contains("\"predict_precision\": \"Float32\""),
        "{config}"
    );
    let cache = runs.path().join("unit9/vector-cache");
    let cached: Vec<_> = std::fs::read_dir(&cache).unwrap().collect();
    assert_eq!(cached.len(), 1, "one set of cached vectors");
    train("head", "head-again");
    assert_eq!(
        std::fs::read_dir(&cache).unwrap().count(),
        1,
        "the second run made new vectors"
    );
    let (config, _) = train("top", "top");
    assert!(config.contains("\"trainable_numbers\""), "{config}");
    let (config, summary) = train("full", "full");
    assert!(
        config.contains("\"predict_precision\": \"Int8\""),
        "{config}"
    );
    assert!(config.contains("\"predict_max_len\": 48"), "{config}");
    assert!(
        summary.contains("\"submission_validation_accuracy\""),
        "{summary}"
    );
    assert!(summary.contains("\"seconds_prediction\""), "{summary}");
    // One epoch of fine-tuning has nothing to choose: no validation pass at the training length
    // (its cells stay empty), the submission's validation above instead.
    assert!(
        config.contains("\"validation\": \"when-choosing\""),
        "{config}"
    );
    let metrics = std::fs::read_to_string(runs.path().join("unit9/full/metrics.csv")).unwrap();
    assert!(metrics.lines().nth(1).unwrap().contains(",,"), "{metrics}");
}
