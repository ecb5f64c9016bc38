//! A model by its Hugging Face hub id (`distilbert-base-uncased`,
//! `siebert/sentiment-roberta-large-english`), downloaded once into a cache folder.
//!
//! Each file is downloaded into a hidden `.part` file and renamed into place only when all its
//! bytes have arrived, so an interrupted download never leaves a file that looks complete: the
//! next run downloads it again. `HF_ENDPOINT` points at another hub (a mirror; the tests' server
//! on 127.0.0.1).

use crate::folder::ModelFolder;
use crate::model::Family;
use anyhow::{bail, ensure, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The hub's address: `HF_ENDPOINT`, else huggingface.co.
pub fn endpoint() -> String {
    std::env::var("HF_ENDPOINT")
        .ok()
        .filter(|e| !e.is_empty())
        .unwrap_or_else(|| "https://huggingface.co".to_string())
}

/// Where downloaded models are kept: `COURSE_HUB_CACHE`, else `models/hub/` in the workspace.
pub fn cache_dir() -> PathBuf {
    match std::env::var_os("COURSE_HUB_CACHE") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => course_core::workspace_root().join("models/hub"),
    }
}

/// Whether `name` looks like a hub id (`name` or `owner/name`) rather than a folder.
pub fn looks_like_hub_id(name: &str) -> bool {
    let parts: Vec<&str> = name.split('/').collect();
    let part_ok = |p: &&str| {
        !p.is_empty()
            && !p.starts_with('.')
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    (1..=2).contains(&parts.len()) && parts.iter().all(part_ok)
}

/// The model folder for `model`: the folder itself when it exists, else the hub model of that
/// id, downloaded into `cache` first if it is not there yet.
pub fn resolve(model: &str, endpoint: &str, cache: &Path) -> Result<ModelFolder> {
    let as_path = Path::new(model);
    if as_path.is_dir() || !looks_like_hub_id(model) {
        return ModelFolder::open(as_path);
    }
    let folder = download(model, endpoint, cache).with_context(|| {
        format!("{model} is not a folder here, so it was looked up as a Hugging Face model id")
    })?;
    ModelFolder::open(&folder)
}

/// Downloads the files of hub model `id` that `cache` does not have yet; returns its folder.
pub fn download(id: &str, endpoint: &str, cache: &Path) -> Result<PathBuf> {
    let folder = cache.join(id.replace('/', "--"));
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("cannot create the cache folder {}", folder.display()))?;
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(20))
        .timeout_read(Duration::from_secs(60))
        .build();
    let fetch = |file: &str, required: bool| -> Result<bool> {
        fetch_file(&agent, endpoint, id, file, &folder, required)
    };
    fetch("config.json", true)?;
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("config.json"))?)
            .with_context(|| format!("the hub's config.json of {id} is not JSON"))?;
    let family = Family::from_config(&config).with_context(|| format!("hub model {id}"))?;
    for file in family.vocabulary_files() {
        fetch(file, true)?;
    }
    fetch("tokenizer_config.json", false)?;
    if !fetch("model.safetensors", false)? {
        bail!(
            "hub model {id} has no model.safetensors (only PyTorch .bin weights?): unit 9 reads \
             safetensors or rust-bert's .ot; convert the weights and give the folder instead"
        );
    }
    Ok(folder)
}

/// Downloads `file` of model `id` into `folder` unless it is already there. Returns whether the
/// file is there afterwards (a missing optional file is not an error).
fn fetch_file(
    agent: &ureq::Agent,
    endpoint: &str,
    id: &str,
    file: &str,
    folder: &Path,
    required: bool,
) -> Result<bool> {
    let target = folder.join(file);
    if target.is_file() {
        return Ok(true);
    }
    let url = format!(
        "{}/{id}/resolve/main/{file}",
        endpoint.trim_end_matches('/')
    );
    let response = match agent.get(&url).call() {
        Ok(response) => response,
        Err(ureq::Error::Status(404, _)) if !required => return Ok(false),
        Err(ureq::Error::Status(404, _)) => {
            bail!("{url}: not found. Is {id} the right model id?")
        }
        Err(ureq::Error::Status(code, _)) => bail!("{url}: the hub answered HTTP {code}"),
        Err(error) => bail!(
            "cannot reach {endpoint} ({error}). Without a network, give a local model folder \
             (--model models/all-minilm-l6-v2 after `make models`)"
        ),
    };
    let expected: Option<u64> = response
        .header("Content-Length")
        .and_then(|v| v.parse().ok());
    let partial = folder.join(format!(".{file}.part"));
    let written = copy_with_progress(response.into_reader(), &partial, expected, file)
        .with_context(|| format!("downloading {url} was interrupted; run again to retry"));
    let written = match written {
        Ok(n) => n,
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            return Err(error);
        }
    };
    if let Some(expected) = expected {
        if written != expected {
            let _ = std::fs::remove_file(&partial);
            bail!(
                "downloading {url} stopped after {written} of {expected} bytes; run again to retry"
            );
        }
    }
    std::fs::rename(&partial, &target)
        .with_context(|| format!("cannot move {} into place", partial.display()))?;
    Ok(true)
}

fn copy_with_progress(
    mut reader: impl Read,
    path: &Path,
    expected: Option<u64>,
    name: &str,
) -> Result<u64> {
    let bar = match expected {
        Some(len) if len > 1 << 20 => ProgressBar::new(len).with_style(
            ProgressStyle::with_template("{msg} {bar:30} {bytes}/{total_bytes} ({eta})")
                .expect("a valid template"),
        ),
        _ => ProgressBar::hidden(),
    };
    bar.set_message(format!("downloading {name}"));
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut buffer = vec![0u8; 1 << 16];
    let mut written = 0u64;
    loop {
        let n = reader.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        out.write_all(&buffer[..n])?;
        written += n as u64;
        bar.set_position(written);
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    bar.finish_and_clear();
    ensure!(
        written > 0 || expected == Some(0),
        "the server sent nothing"
    );
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::looks_like_hub_id;

    #[test]
    fn hub_ids_are_told_from_paths() {
        assert!(looks_like_hub_id("distilbert-base-uncased"));
        assert!(looks_like_hub_id("siebert/sentiment-roberta-large-english"));
        assert!(!looks_like_hub_id("models/all-minilm-l6-v2/extra"));
        assert!(!looks_like_hub_id("./models"));
        assert!(!looks_like_hub_id("/abs/path"));
    }
}
