//! The hub path against a small server on 127.0.0.1 that imitates the Hugging Face hub and
//! serves a tiny BERT sentiment model made here: the model lands in Hugging Face's cache layout,
//! an interrupted download leaves no file that looks complete and the next run continues it, a
//! cached model (ours or one Python wrote) is used offline, and the model classifies reviews.

use clap::Parser;
use unit9_pretrained::folder::ModelFolder;
use unit9_pretrained::hub;
use unit9_pretrained::model::Family;

mod common;
use common::hub_server::{etag, serve, snapshot, COMMIT};
use common::tiny_model_files;
use unit9_pretrained::program::{run, Args};
use unit9_pretrained::Solution;

const MODEL_ID: &str = "course/tiny-bert-sentiment";

#[test]
fn a_hub_model_downloads_into_hugging_faces_cache_resumes_works_offline_and_classifies() {
    let made = tempfile::tempdir().unwrap();
    let files = tiny_model_files(made.path());
    let (endpoint, weight_requests) = serve(MODEL_ID, files.clone(), 1);
    let cache = tempfile::tempdir().unwrap();

    // An unknown id: a clear error, nothing cached.
    let error = hub::download("course/no-such-model", &endpoint, cache.path()).unwrap_err();
    assert!(format!("{error:#}").contains("not found"), "{error:#}");

    // The first download is cut halfway through the weights: no weights file appears, and
    // the bytes that came are kept to continue from.
    let error = hub::download(MODEL_ID, &endpoint, cache.path()).unwrap_err();
    assert!(format!("{error:#}").contains("run again"), "{error:#}");
    let folder = snapshot(cache.path(), MODEL_ID);
    assert!(folder.join("config.json").is_file());
    assert!(
        !folder.join("model.safetensors").exists(),
        "a half file was left as if complete"
    );

    // The second run continues the download where it stopped, and completes it byte for byte;
    // a third finds everything in the cache and asks the hub for nothing.
    let got = hub::download(MODEL_ID, &endpoint, cache.path()).unwrap();
    assert_eq!(got, folder);
    for (name, bytes) in &files {
        assert_eq!(
            &std::fs::read(got.join(name)).unwrap(),
            bytes,
            "{name} differs"
        );
    }
    let starts = weight_requests.lock().unwrap().clone();
    assert_eq!(starts.len(), 2, "weight downloads: {starts:?}");
    assert!(
        starts[1] > 0,
        "the second download started again from byte 0: {starts:?}"
    );
    hub::download(MODEL_ID, &endpoint, cache.path()).unwrap();
    assert_eq!(
        weight_requests.lock().unwrap().len(),
        2,
        "the weights were fetched again"
    );
    assert_eq!(
        std::fs::read_to_string(
            cache
                .path()
                .join("models--course--tiny-bert-sentiment/refs/main")
        )
        .unwrap(),
        COMMIT
    );
    let opened = ModelFolder::open(&got).unwrap();
    assert_eq!(opened.family, Family::Bert);
    assert_eq!(opened.labels().unwrap(), ["NEGATIVE", "POSITIVE"]);

    // No network (nothing listens there): an error that says what to do instead.
    let nowhere = "http://127.0.0.1:9";
    let empty_cache = tempfile::tempdir().unwrap();
    let error = hub::download(MODEL_ID, nowhere, empty_cache.path()).unwrap_err();
    assert!(
        format!("{error:#}").contains("cannot reach the hub"),
        "{error:#}"
    );

    // The only test in this binary, so setting the variables races with nothing.
    // Offline, with a hub that cannot be reached: the cached model is used as it is; a model
    // that is not cached is an error that says so.
    std::env::set_var("HF_HUB_OFFLINE", "1");
    assert_eq!(
        hub::download(MODEL_ID, nowhere, cache.path()).unwrap(),
        folder
    );
    let error = hub::download("course/not-cached", nowhere, cache.path()).unwrap_err();
    assert!(format!("{error:#}").contains("HF_HUB_OFFLINE"), "{error:#}");

    // A cache written by Python's huggingface_hub (blobs, a snapshot of symbolic links, refs/main),
    // made here by hand: found offline.
    let python_cache = tempfile::tempdir().unwrap();
    let repo = python_cache
        .path()
        .join("models--course--tiny-bert-sentiment");
    let python_snapshot = repo.join("snapshots").join(COMMIT);
    std::fs::create_dir_all(&python_snapshot).unwrap();
    std::fs::create_dir_all(repo.join("blobs")).unwrap();
    std::fs::create_dir_all(repo.join("refs")).unwrap();
    std::fs::write(repo.join("refs/main"), COMMIT).unwrap();
    for (name, bytes) in &files {
        let blob = etag(name, bytes);
        std::fs::write(repo.join("blobs").join(&blob), bytes).unwrap();
        std::os::unix::fs::symlink(format!("../../blobs/{blob}"), python_snapshot.join(name))
            .unwrap();
    }
    let found = hub::resolve(MODEL_ID, nowhere, python_cache.path()).unwrap();
    assert_eq!(found.path, python_snapshot);
    std::env::remove_var("HF_HUB_OFFLINE");

    // `predict --model <hub id>` finds the model through HF_HUB_CACHE and classifies the bundled
    // sample's reviews with the model's head.
    let runs = tempfile::tempdir().unwrap();
    std::env::set_var("HF_ENDPOINT", &endpoint);
    std::env::set_var("HF_HUB_CACHE", cache.path());
    std::env::set_var("COURSE_RUNS_DIR", runs.path());
    assert_eq!(hub::cache_dir(), cache.path());
    let sample = course_core::workspace_root().join("datasets/imdb-sample");
    let args = Args::parse_from([
        "unit9",
        "predict",
        "--model",
        MODEL_ID,
        "--max-len",
        "32",
        "--data",
        sample.to_str().unwrap(),
    ]);
    run::<Solution>(args).unwrap();
    let submission = runs.path().join("unit9/zero-shot-submission.csv");
    let rows = std::fs::read_to_string(&submission)
        .unwrap()
        .lines()
        .count();
    assert!(rows > 1, "an empty submission at {}", submission.display());
}
