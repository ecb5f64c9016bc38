//! A small server on 127.0.0.1 that imitates the Hugging Face hub for one model.
#![allow(dead_code)] // not every test binary uses all of it

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What the server saw: the first byte asked for by every download of model.safetensors
/// (its `Range: bytes=<start>-`; the 1-byte metadata requests are not counted).
pub type WeightRequests = Arc<Mutex<Vec<usize>>>;

/// Imitates the hub's `/<id>/resolve/main/<file>` for one model `id`: a `Range: bytes=0-0` request gets the
/// file's metadata (`ETag`, `X-Repo-Commit`, `Content-Range`), a `Range: bytes=<start>-` request
/// the rest of the file; 404 for anything else. The first `cut_weights` downloads of
/// model.safetensors announce the whole rest, send half of it and hang up.
pub fn serve(
    id: &str,
    files: HashMap<String, Vec<u8>>,
    cut_weights: usize,
) -> (String, WeightRequests) {
    let id = id.to_string();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let weight_requests = WeightRequests::default();
    let seen = weight_requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let mut range: Option<(usize, Option<usize>)> = None;
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap() == 0 || header == "\r\n" {
                    break;
                }
                let lower = header.to_lowercase();
                if let Some(bytes) = lower.trim().strip_prefix("range: bytes=") {
                    let (from, to) = bytes.split_once('-').unwrap();
                    range = Some((from.parse().unwrap(), to.parse().ok()));
                }
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or("");
            let prefix = format!("/{id}/resolve/main/");
            let file = path
                .strip_prefix(&prefix)
                .and_then(|name| files.get(name).map(|b| (name, b)));
            let Some((name, body)) = file else {
                let _ = stream.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
                continue;
            };
            let (from, to) = range.unwrap_or((0, None));
            let to = to.unwrap_or(body.len() - 1).min(body.len() - 1);
            let part = &body[from..=to];
            let head = format!(
                "HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\nContent-Range: bytes {from}-{to}/{}\r\nETag: \"{}\"\r\nX-Repo-Commit: {COMMIT}\r\nConnection: close\r\n\r\n",
                part.len(),
                body.len(),
                etag(name, body)
            );
            stream.write_all(head.as_bytes()).unwrap();
            let mut cut = false;
            if name == "model.safetensors" && part.len() > 1 {
                let mut seen = seen.lock().unwrap();
                seen.push(from);
                cut = seen.len() <= cut_weights;
            }
            let sent = if cut { &part[..part.len() / 2] } else { part };
            let _ = stream.write_all(sent);
        }
    });
    (address, weight_requests)
}

pub const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

/// A stand-in for the hub's ETag of a file (a hash of its bytes).
pub fn etag(name: &str, body: &[u8]) -> String {
    let sum = body
        .iter()
        .fold(17u64, |h, &b| h.wrapping_mul(31).wrapping_add(b as u64));
    format!("{name}-{sum:016x}")
}

/// The snapshot folder Hugging Face's layout gives model `id` in `cache`.
pub fn snapshot(cache: &Path, id: &str) -> PathBuf {
    cache
        .join(format!("models--{}", id.replace('/', "--")))
        .join("snapshots")
        .join(COMMIT)
}
