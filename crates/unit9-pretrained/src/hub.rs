//! A model by its Hugging Face hub id (`distilbert-base-uncased`,
//! `siebert/sentiment-roberta-large-english`, optionally `@<revision>`), kept where Hugging
//! Face's own tools keep it.
//!
//! The cache is Hugging Face's: `HF_HUB_CACHE`, else `HF_HOME/hub`, else
//! `~/.cache/huggingface/hub`, laid out as `models--owner--name/snapshots/<commit>/<file>` with
//! `refs/main` naming the commit. A model a learner already downloaded with Python's
//! `transformers` is used as it is, and one downloaded here is Python's too. With
//! `HF_HUB_OFFLINE=1` nothing is fetched: the cached copy is used, or the error says what is
//! missing.
//!
//! Downloads go through `hf-hub`, the hub's Rust client (the one candle uses): a file arrives
//! in `blobs/<etag>.part` and is renamed into place only when all its bytes are there, so an
//! interrupted download never leaves a file that looks complete, and the next run continues it
//! from where it stopped. `HF_TOKEN` (or the token `huggingface-cli login` saved) opens gated and
//! private models; `HF_ENDPOINT` points at another hub (a mirror; the tests' server on
//! 127.0.0.1).

use crate::folder::ModelFolder;
use crate::model::Family;
use anyhow::{bail, Context, Result};
use hf_hub::api::sync::{ApiBuilder, ApiError, ApiRepo};
use hf_hub::{Cache, Repo, RepoType};
use std::path::{Path, PathBuf};

/// The hub's address: `HF_ENDPOINT`, else huggingface.co.
pub fn endpoint() -> String {
    non_empty_var("HF_ENDPOINT").unwrap_or_else(|| "https://huggingface.co".to_string())
}

/// Hugging Face's cache folder: `HF_HUB_CACHE`, else `HF_HOME/hub`, else
/// `~/.cache/huggingface/hub` (what Python's `huggingface_hub` uses).
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = non_empty_var("HF_HUB_CACHE") {
        return PathBuf::from(dir);
    }
    if let Some(home) = non_empty_var("HF_HOME") {
        return PathBuf::from(home).join("hub");
    }
    let home = non_empty_var("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join(".cache/huggingface/hub")
}

/// Whether `HF_HUB_OFFLINE` asks for no network (`1`, `true`, `yes`, `on`).
pub fn offline() -> bool {
    non_empty_var("HF_HUB_OFFLINE")
        .is_some_and(|v| ["1", "true", "yes", "on"].contains(&v.to_lowercase().as_str()))
}

fn non_empty_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Whether `name` looks like a hub id (`name` or `owner/name`, optionally `@revision`) rather
/// than a folder.
pub fn looks_like_hub_id(name: &str) -> bool {
    let id = name.split_once('@').map_or(name, |(id, _)| id);
    let parts: Vec<&str> = id.split('/').collect();
    let part_ok = |p: &&str| {
        !p.is_empty()
            && !p.starts_with('.')
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    (1..=2).contains(&parts.len()) && parts.iter().all(part_ok)
}

/// The model folder for `model`: the folder itself when it exists, else the hub model of that
/// id from `cache`, downloaded first from `endpoint` if the cache lacks some of its files.
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

/// The snapshot folder of hub model `id` (`owner/name[@revision]`) in `cache`, with the files
/// unit 9 reads; the ones the cache lacks are downloaded first (unless `HF_HUB_OFFLINE`).
pub fn download(id: &str, endpoint: &str, cache: &Path) -> Result<PathBuf> {
    let (name, revision) = match id.split_once('@') {
        Some((name, revision)) => (name, revision.to_string()),
        None => (id, "main".to_string()),
    };
    let repo = Repo::with_revision(name.to_string(), RepoType::Model, revision.clone());
    let hub = Hub {
        id,
        cached: Cache::new(cache.to_path_buf()).repo(repo.clone()),
        snapshot: snapshot_of_commit(cache, name, &revision),
        remote: (!offline())
            .then(|| connect(endpoint, cache, repo))
            .transpose()?,
        endpoint,
        cache,
    };
    let config_path = hub.file("config.json", &format!("Is {id} the right model id?"))?;
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&config_path)?)
            .with_context(|| format!("the hub's config.json of {id} is not JSON"))?;
    let family = Family::from_config(&config).with_context(|| format!("hub model {id}"))?;
    for file in family.vocabulary_files() {
        hub.file(
            file,
            &format!("A {family:?} model needs it for its tokenizer."),
        )?;
    }
    hub.optional_file("tokenizer_config.json")?;
    hub.file(
        "model.safetensors",
        "Only PyTorch .bin weights? Unit 9 reads safetensors or rust-bert's .ot: convert the \
         weights and give the folder instead.",
    )?;
    let folder = config_path
        .parent()
        .context("a cached file outside a snapshot folder")?;
    Ok(folder.to_path_buf())
}

/// The client for one model, ready to download: `HF_TOKEN`, else the token
/// `huggingface-cli login` saved beside the cache.
fn connect(endpoint: &str, cache: &Path, repo: Repo) -> Result<ApiRepo> {
    let cache = Cache::new(cache.to_path_buf());
    let token = non_empty_var("HF_TOKEN").or_else(|| cache.token());
    let api = ApiBuilder::from_cache(cache)
        .with_endpoint(endpoint.trim_end_matches('/').to_string())
        .with_token(token)
        .with_progress(true)
        .build()
        .context("cannot set up the Hugging Face client")?;
    Ok(api.repo(repo))
}

/// One hub model: where its files are cached, and the client to fetch the others (`None`
/// offline).
struct Hub<'a> {
    id: &'a str,
    cached: hf_hub::CacheRepo,
    /// `snapshots/<revision>/` when the revision is a commit (refs name branches only).
    snapshot: Option<PathBuf>,
    remote: Option<ApiRepo>,
    endpoint: &'a str,
    cache: &'a Path,
}

/// Where a file of the model is.
enum Lookup {
    /// In the cache (downloaded now if it was not).
    Found(PathBuf),
    /// The hub has no such file.
    NotOnHub,
    /// Not in the cache, and `HF_HUB_OFFLINE` forbids asking the hub.
    NotCachedOffline,
}

impl Hub<'_> {
    /// The cached path of `file`, downloading it first when needed.
    fn lookup(&self, file: &str) -> Result<Lookup> {
        let in_snapshot = self.snapshot.as_ref().map(|s| s.join(file));
        if let Some(path) = in_snapshot.filter(|p| p.is_file()) {
            return Ok(Lookup::Found(path));
        }
        if let Some(path) = self.cached.get(file) {
            return Ok(Lookup::Found(path));
        }
        let Some(remote) = &self.remote else {
            return Ok(Lookup::NotCachedOffline);
        };
        match remote.download(file) {
            Ok(path) => Ok(Lookup::Found(path)),
            Err(error) if status_of(&error) == Some(404) => Ok(Lookup::NotOnHub),
            Err(error) => Err(self.explain(error, file)),
        }
    }

    /// A file the model cannot do without; `advice` ends the error when the hub lacks it.
    fn file(&self, file: &str, advice: &str) -> Result<PathBuf> {
        match self.lookup(file)? {
            Lookup::Found(path) => Ok(path),
            Lookup::NotOnHub => bail!(
                "{file} of {}: not found on {}. {advice}",
                self.id,
                self.endpoint
            ),
            Lookup::NotCachedOffline => bail!(
                "HF_HUB_OFFLINE is set and {} has no {file} of {}: download the model once with \
                 the network on (unset HF_HUB_OFFLINE), or give a model folder",
                self.cache.display(),
                self.id
            ),
        }
    }

    /// A file the model may lack.
    fn optional_file(&self, file: &str) -> Result<Option<PathBuf>> {
        Ok(match self.lookup(file)? {
            Lookup::Found(path) => Some(path),
            Lookup::NotOnHub | Lookup::NotCachedOffline => None,
        })
    }

    /// What a failed download means, and what to do about it.
    fn explain(&self, error: ApiError, file: &str) -> anyhow::Error {
        let what = format!("downloading {file} of {} from {}", self.id, self.endpoint);
        match status_of(&error) {
            Some(401 | 403) => anyhow::anyhow!(
                "{what}: the hub refused access (a gated or private model). Accept its terms on \
                 the model's page, then set HF_TOKEN or run `huggingface-cli login`"
            ),
            Some(code) => anyhow::anyhow!("{what}: the hub answered HTTP {code}"),
            None if matches!(&error, ApiError::RequestError(_)) => anyhow::anyhow!(
                "{what}: cannot reach the hub ({error}). Without a network, set HF_HUB_OFFLINE=1 \
                 to use what {} holds, or give a local model folder (--model \
                 models/all-minilm-l6-v2 after `make models`)",
                self.cache.display()
            ),
            None => anyhow::anyhow!(
                "{what} was interrupted ({error}); run again to continue the download"
            ),
        }
    }
}

/// The HTTP status of a failed request, if the hub answered one.
fn status_of(error: &ApiError) -> Option<u16> {
    match error {
        ApiError::RequestError(inner) => match inner.as_ref() {
            ureq::Error::Status(code, _) => Some(*code),
            ureq::Error::Transport(_) => None,
        },
        ApiError::TooManyRetries(inner) => status_of(inner),
        _ => None,
    }
}

/// `models--owner--name/snapshots/<revision>` when `revision` is a commit hash.
fn snapshot_of_commit(cache: &Path, name: &str, revision: &str) -> Option<PathBuf> {
    let is_commit = revision.len() == 40 && revision.chars().all(|c| c.is_ascii_hexdigit());
    is_commit.then(|| {
        cache
            .join(format!("models--{}", name.replace('/', "--")))
            .join("snapshots")
            .join(revision)
    })
}

#[cfg(test)]
mod tests {
    use super::looks_like_hub_id;

    #[test]
    fn hub_ids_are_told_from_paths() {
        assert!(looks_like_hub_id("distilbert-base-uncased"));
        assert!(looks_like_hub_id("siebert/sentiment-roberta-large-english"));
        assert!(looks_like_hub_id("owner/name@v1.0"));
        assert!(!looks_like_hub_id("models/all-minilm-l6-v2/extra"));
        assert!(!looks_like_hub_id("./models"));
        assert!(!looks_like_hub_id("/abs/path"));
    }
}
