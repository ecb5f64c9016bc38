//! The course's model families, proven against Hugging Face's implementation.
//!
//! `tests/fixtures/<family>/` holds a tiny BERT, DistilBERT and RoBERTa sequence classifier
//! written by Hugging Face's `transformers` (`save_pretrained`, random weights), with the token
//! ids, attention masks and logits that `transformers` computed for a few reviews
//! (`expected.json`, made by `tests/fixtures/make_fixtures.py`). For each family, unit 9 must
//! tokenize the same texts to the same ids and give the same logits (within 1e-4), whether it
//! opens the folder by path, downloads it by hub id from a server on 127.0.0.1, or finds it in a
//! Hugging Face cache; and `predict`, `train --mode full` and `train --mode head` run on it.

use clap::Parser;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tch::nn::VarStore;
use tch::{Device, Kind, Tensor};
use unit9_pretrained::folder::{load_weights, ModelFolder};
use unit9_pretrained::hub;
use unit9_pretrained::model::{Family, Pooling, PretrainedClassifier, TokenBatch};
use unit9_pretrained::program::{run, Args};
use unit9_pretrained::{Answers, Keep, Solution};

mod common;
use common::hub_server::serve;

/// The largest difference allowed between our logits and Hugging Face's.
const TOLERANCE: f64 = 1e-4;

fn fixture(family: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(family)
}

fn expected(folder: &Path) -> Value {
    let text = std::fs::read_to_string(folder.join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn rows(value: &Value) -> Vec<Vec<i64>> {
    serde_json::from_value(value.clone()).unwrap()
}

/// Tokenizes `expected.json`'s texts with the folder's tokenizer and checks the ids and masks;
/// returns the batch.
fn tokenize_like_hugging_face(folder: &ModelFolder, expected: &Value) -> TokenBatch {
    let tokenizer = folder.tokenizer().unwrap();
    let texts: Vec<String> = serde_json::from_value(expected["texts"].clone()).unwrap();
    let framed: Vec<Vec<u32>> = texts
        .iter()
        .map(|text| {
            Solution::frame_review(&tokenizer.tokens(text), 512, Keep::Head, tokenizer.special)
        })
        .collect();
    let (their_ids, their_mask) = (
        rows(&expected["input_ids"]),
        rows(&expected["attention_mask"]),
    );
    for (i, ours) in framed.iter().enumerate() {
        let length = their_mask[i].iter().filter(|&&m| m == 1).count();
        let theirs: Vec<u32> = their_ids[i][..length].iter().map(|&id| id as u32).collect();
        assert_eq!(
            ours, &theirs,
            "{:?}: the ids of {:?} differ from Hugging Face's",
            folder.family, texts[i]
        );
    }
    let slices: Vec<&[u32]> = framed.iter().map(Vec::as_slice).collect();
    let (ids, mask) = Solution::pad_batch(&slices, tokenizer.special.pad);
    let flat = |rows: Vec<Vec<i64>>| rows.concat();
    assert_eq!(
        Vec::<i64>::try_from(ids.flatten(0, -1)).unwrap(),
        flat(their_ids),
        "{:?}: padded ids",
        folder.family
    );
    assert_eq!(
        Vec::<i64>::try_from(mask.flatten(0, -1)).unwrap(),
        flat(their_mask),
        "{:?}: attention mask",
        folder.family
    );
    TokenBatch { ids, mask }
}

/// The largest difference between the folder's model's logits and Hugging Face's.
fn logits_gap(folder: &ModelFolder, expected: &Value) -> f64 {
    let batch = tokenize_like_hugging_face(folder, expected);
    let mut vars = VarStore::new(Device::Cpu);
    let model =
        PretrainedClassifier::new(&vars.root(), folder.family, &folder.config, Pooling::First)
            .unwrap();
    let report = load_weights(&mut vars, &folder.weights, folder.family.prefix()).unwrap();
    assert!(
        report.missing.is_empty(),
        "{:?}: weights missing from the file: {:?}",
        folder.family,
        report.missing
    );
    let ours = tch::no_grad(|| {
        use course_core::training::Model;
        model.forward(&batch, false)
    });
    let theirs: Vec<Vec<f64>> = serde_json::from_value(expected["logits"].clone()).unwrap();
    let theirs = Tensor::from_slice(&theirs.concat()).view([-1, 2]);
    (ours.to_kind(Kind::Double) - theirs)
        .abs()
        .max()
        .double_value(&[])
}

/// Opened by path: the same ids, the same logits.
fn check_folder(family: &str, expected_family: Family) {
    let folder = ModelFolder::open(&fixture(family)).unwrap();
    assert_eq!(folder.family, expected_family);
    let gap = logits_gap(&folder, &expected(&fixture(family)));
    assert!(
        gap < TOLERANCE,
        "{family}: logits differ from Hugging Face's by {gap}"
    );
}

/// By hub id: downloaded from a server on 127.0.0.1 into a Hugging Face cache, then found in
/// that cache with no hub to ask: the same logits both times.
fn check_hub(family: &str) {
    let id = format!("course/tiny-{family}");
    let files = ["config.json", "model.safetensors", "tokenizer_config.json"]
        .iter()
        .chain(
            Family::from_config(&ModelFolder::open(&fixture(family)).unwrap().config)
                .unwrap()
                .vocabulary_files(),
        )
        .map(|name| {
            let bytes = std::fs::read(fixture(family).join(name)).unwrap();
            (name.to_string(), bytes)
        })
        .collect();
    let (endpoint, _) = serve(&id, files, 0);
    let cache = tempfile::tempdir().unwrap();
    let downloaded = hub::resolve(&id, &endpoint, cache.path()).unwrap();
    let nowhere = "http://127.0.0.1:9";
    let cached = hub::resolve(&id, nowhere, cache.path()).unwrap();
    assert_eq!(cached.path, downloaded.path);
    for folder in [downloaded, cached] {
        let gap = logits_gap(&folder, &expected(&fixture(family)));
        assert!(
            gap < TOLERANCE,
            "{family} from the hub: logits differ by {gap}"
        );
    }
}

/// `predict`, `train --mode full` and `train --mode head` on the fixture folder, on the
/// bundled sample: each writes a submission.
fn check_programs(family: &str) {
    let runs = runs_dir();
    let sample = course_core::workspace_root().join("datasets/imdb-sample");
    let folder = fixture(family);
    let (model, data) = (folder.to_str().unwrap(), sample.to_str().unwrap());
    let predict = ["unit9", "predict", "--model", model, "--max-len", "32"];
    run::<Solution>(Args::parse_from(predict.iter().chain(&["--data", data]))).unwrap();
    for mode in ["full", "head"] {
        let name = format!("{family}-{mode}");
        let train = [
            "unit9",
            "train",
            "--model",
            model,
            "--mode",
            mode,
            "--max-len",
            "32",
            "--predict-max-len",
            "40",
            "--epochs",
            "1",
            "--data",
            data,
            "--run-name",
            &name,
        ];
        run::<Solution>(Args::parse_from(train)).unwrap();
        let submission = runs.join("unit9").join(&name).join("submission.csv");
        let lines = std::fs::read_to_string(&submission)
            .unwrap()
            .lines()
            .count();
        assert!(
            lines > 1,
            "{family} {mode}: no predictions in {}",
            submission.display()
        );
    }
}

/// One runs folder for the whole binary (`COURSE_RUNS_DIR` is process-wide; every test sets
/// it to the same folder, and their run names differ).
fn runs_dir() -> PathBuf {
    static RUNS: OnceLock<tempfile::TempDir> = OnceLock::new();
    let runs = RUNS.get_or_init(|| tempfile::tempdir().unwrap()).path();
    std::env::set_var("COURSE_RUNS_DIR", runs);
    runs.to_path_buf()
}

#[test]
fn bert_matches_hugging_face() {
    check_folder("bert", Family::Bert);
    check_hub("bert");
}

#[test]
fn distilbert_matches_hugging_face() {
    check_folder("distilbert", Family::DistilBert);
    check_hub("distilbert");
}

#[test]
fn roberta_matches_hugging_face() {
    check_folder("roberta", Family::Roberta);
    check_hub("roberta");
}

#[test]
fn every_family_predicts_and_trains_on_the_sample() {
    for family in ["bert", "distilbert", "roberta"] {
        check_programs(family);
    }
}
