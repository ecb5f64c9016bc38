//! Where the reviews come from, in this order:
//!
//! 1. a `--data DIR` argument,
//! 2. the `IMDB_DIR` environment variable,
//! 3. `datasets/imdb/` in the workspace (the full data; `make data` fills it),
//! 4. `datasets/imdb-sample/` (a small sample committed with the course, so everything runs).
//!
//! A folder named by 1 or 2 must hold the files: a typo is an error, never a silent fallback.

use super::kaggle::{read_reviews, KaggleFile, Review};
use anyhow::{bail, Result};
use std::fmt;
use std::path::{Path, PathBuf};

/// Why this folder was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataOrigin {
    Argument,
    Environment,
    FullDataset,
    BundledSample,
}

/// A folder holding the Kaggle files.
#[derive(Debug, Clone)]
pub struct DataDir {
    pub path: PathBuf,
    pub origin: DataOrigin,
}

impl DataDir {
    /// Picks the data folder (see the module docs). `argument` is the value of `--data`.
    pub fn resolve(argument: Option<&Path>) -> Result<DataDir> {
        let from_env = std::env::var_os("IMDB_DIR").filter(|v| !v.is_empty());
        Self::resolve_from(
            argument,
            from_env.as_deref().map(Path::new),
            &crate::workspace_root(),
        )
    }

    /// [`DataDir::resolve`] with its inputs spelled out (for tests).
    pub fn resolve_from(
        argument: Option<&Path>,
        environment: Option<&Path>,
        workspace: &Path,
    ) -> Result<DataDir> {
        let chosen = if let Some(dir) = argument {
            DataDir {
                path: dir.to_path_buf(),
                origin: DataOrigin::Argument,
            }
        } else if let Some(dir) = environment {
            DataDir {
                path: dir.to_path_buf(),
                origin: DataOrigin::Environment,
            }
        } else {
            let full = workspace.join("datasets/imdb");
            let full = DataDir {
                path: full,
                origin: DataOrigin::FullDataset,
            };
            if full.find(KaggleFile::LabeledTrain).is_some() {
                full
            } else {
                let sample = workspace.join("datasets/imdb-sample");
                DataDir {
                    path: sample,
                    origin: DataOrigin::BundledSample,
                }
            }
        };
        if chosen.find(KaggleFile::LabeledTrain).is_none() {
            bail!(
                "{} holds no labeledTrainData.tsv or labeledTrainData.tsv.gz ({}). \
                 Run `make data` for the full IMDb files, or see datasets/GETTING-THE-DATA.md",
                chosen.path.display(),
                chosen.origin_text()
            );
        }
        Ok(chosen)
    }

    /// The small sample committed with the course (`datasets/imdb-sample/`).
    pub fn bundled_sample() -> DataDir {
        let path = crate::workspace_root().join("datasets/imdb-sample");
        DataDir {
            path,
            origin: DataOrigin::BundledSample,
        }
    }

    /// The path of one of the files, plain `.tsv` or gzipped `.tsv.gz`, if present.
    pub fn find(&self, file: KaggleFile) -> Option<PathBuf> {
        ["tsv", "tsv.gz"]
            .iter()
            .map(|ext| self.path.join(format!("{}.{ext}", file.stem())))
            .find(|p| p.is_file())
    }

    /// Reads one of the files; a missing file is an error that says how to get it.
    pub fn read(&self, file: KaggleFile) -> Result<Vec<Review>> {
        match self.find(file) {
            Some(path) => read_reviews(&path, file),
            None => bail!(
                "{} has no {}.tsv or {}.tsv.gz; run `make data` or see datasets/GETTING-THE-DATA.md",
                self.path.display(),
                file.stem(),
                file.stem()
            ),
        }
    }

    /// The 25,000 (or, in the sample, 2,000) reviews with sentiment.
    pub fn labelled_train(&self) -> Result<Vec<Review>> {
        self.read(KaggleFile::LabeledTrain)
    }

    /// The test reviews, whose sentiment is kept back.
    pub fn test(&self) -> Result<Vec<Review>> {
        self.read(KaggleFile::Test)
    }

    /// The reviews without sentiment (for word2vec in unit 5).
    pub fn unlabelled_train(&self) -> Result<Vec<Review>> {
        self.read(KaggleFile::UnlabeledTrain)
    }

    fn origin_text(&self) -> &'static str {
        match self.origin {
            DataOrigin::Argument => "from --data",
            DataOrigin::Environment => "from IMDB_DIR",
            DataOrigin::FullDataset => "the full dataset",
            DataOrigin::BundledSample => "the bundled sample; run `make data` for the full data",
        }
    }
}

impl fmt::Display for DataDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.path.display(), self.origin_text())
    }
}
