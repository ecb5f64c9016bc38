//! The hub path against a small server on 127.0.0.1 that imitates the Hugging Face hub and
//! serves a tiny BERT sentiment model made here: an interrupted download leaves no file that
//! looks complete, the next run finishes it, and the downloaded model classifies reviews.

use clap::Parser;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use unit9_pretrained::folder::ModelFolder;
use unit9_pretrained::hub;
use unit9_pretrained::model::Family;

mod common;
use common::tiny_model_files;
use unit9_pretrained::program::{run, Args};
use unit9_pretrained::Solution;

const MODEL_ID: &str = "course/tiny-bert-sentiment";

/// Serves `files` under `/<MODEL_ID>/resolve/main/<name>`; 404 for anything else. The first
/// `cut_weights` requests of model.safetensors announce the whole file, send half and hang up.
fn serve(files: HashMap<String, Vec<u8>>, cut_weights: usize) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let weight_requests = Arc::new(AtomicUsize::new(0));
    let counter = weight_requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap() == 0 || header == "\r\n" {
                    break;
                }
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or("");
            let prefix = format!("/{MODEL_ID}/resolve/main/");
            let file = path
                .strip_prefix(&prefix)
                .and_then(|name| files.get(name).map(|b| (name, b)));
            match file {
                Some((name, body)) => {
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    stream.write_all(head.as_bytes()).unwrap();
                    let cut = name == "model.safetensors"
                        && counter.fetch_add(1, Ordering::SeqCst) < cut_weights;
                    let sent = if cut {
                        &body[..body.len() / 2]
                    } else {
                        &body[..]
                    };
                    let _ = stream.write_all(sent);
                }
                None => {
                    let _ = stream.write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    );
                }
            }
        }
    });
    (address, weight_requests)
}

#[test]
fn a_hub_model_downloads_once_survives_an_interruption_and_classifies() {
    let made = tempfile::tempdir().unwrap();
    let files = tiny_model_files(made.path());
    let (endpoint, weight_requests) = serve(files.clone(), 1);
    let cache = tempfile::tempdir().unwrap();

    // An unknown id: a clear error, nothing cached.
    let error = hub::download("course/no-such-model", &endpoint, cache.path()).unwrap_err();
    assert!(format!("{error:#}").contains("not found"), "{error:#}");

    // The first download is cut halfway through the weights: no weights file appears.
    let error = hub::download(MODEL_ID, &endpoint, cache.path()).unwrap_err();
    assert!(format!("{error:#}").contains("run again"), "{error:#}");
    let folder = cache.path().join(MODEL_ID.replace('/', "--"));
    assert!(folder.join("config.json").is_file());
    assert!(
        !folder.join("model.safetensors").exists(),
        "a half file was left as if complete"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "partial files left: {leftovers:?}");

    // The second run completes it, byte for byte; a third finds everything cached.
    let got = hub::download(MODEL_ID, &endpoint, cache.path()).unwrap();
    for (name, bytes) in &files {
        assert_eq!(
            &std::fs::read(got.join(name)).unwrap(),
            bytes,
            "{name} differs"
        );
    }
    hub::download(MODEL_ID, &endpoint, cache.path()).unwrap();
    assert_eq!(
        weight_requests.load(Ordering::SeqCst),
        2,
        "the weights were fetched again"
    );
    let opened = ModelFolder::open(&got).unwrap();
    assert_eq!(opened.family, Family::Bert);
    assert_eq!(opened.labels().unwrap(), ["NEGATIVE", "POSITIVE"]);

    // `predict --model <hub id>` classifies the bundled sample's reviews with the model's head.
    // The only test in this binary, so setting the variables races with nothing.
    let runs = tempfile::tempdir().unwrap();
    std::env::set_var("HF_ENDPOINT", &endpoint);
    std::env::set_var("COURSE_HUB_CACHE", cache.path());
    std::env::set_var("COURSE_RUNS_DIR", runs.path());
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
