//! The options every unit's `train` command shares, so `--seed`, `--epochs`, `--lr`,
//! `--data` and `--run-name` mean the same thing in every unit.

use crate::data::DataDir;
use crate::text::WordVectors;
use crate::tracking::timestamp_name;
use crate::training::TrainerConfig;
use anyhow::Result;
use std::path::PathBuf;

/// Flatten into a unit's own arguments with `#[command(flatten)]`.
#[derive(clap::Args, Debug, Clone)]
pub struct TrainOptions {
    /// Seeds the initial weights, the batch order and dropout
    #[arg(long, default_value_t = 123)]
    pub seed: u64,
    /// Most epochs to train (the configuration's when not given)
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Base learning rate (the configuration's when not given)
    #[arg(long)]
    pub lr: Option<f64>,
    /// Reviews per batch (the configuration's when not given)
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// Folder with the Kaggle files (default: datasets/imdb when complete, else the sample)
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Name of the run folder (default: configuration, seed and time)
    #[arg(long)]
    pub run_name: Option<String>,
}

/// `--vectors`: start a sequence model's embedding table from pre-trained word vectors.
#[derive(clap::Args, Debug, Clone)]
pub struct VectorsOption {
    /// Word vectors in word2vec's text format to start the embedding table from, e.g. unit 5's
    /// runs/unit5/word2vec/vectors.txt; the table takes their width
    #[arg(long)]
    pub vectors: Option<PathBuf>,
}

impl VectorsOption {
    /// The vectors, when `--vectors` was given.
    pub fn load(&self) -> Result<Option<WordVectors>> {
        self.vectors
            .as_deref()
            .map(WordVectors::load_text)
            .transpose()
    }
}

impl TrainOptions {
    /// Writes the given options over `trainer` (the seed always).
    pub fn apply(&self, trainer: &mut TrainerConfig) {
        trainer.seed = self.seed;
        if let Some(epochs) = self.epochs {
            trainer.epochs = epochs;
        }
        if let Some(lr) = self.lr {
            trainer.optimizer = trainer.optimizer.clone().with_lr(lr);
        }
        if let Some(batch_size) = self.batch_size {
            trainer.batch_size = batch_size;
        }
    }

    /// The data folder the run reads.
    pub fn data_dir(&self) -> Result<DataDir> {
        DataDir::resolve(self.data.as_deref())
    }

    /// `--run-name`, or `<what>-seed<seed>-<time>`.
    pub fn run_name(&self, what: &str) -> String {
        self.run_name.clone().unwrap_or_else(|| {
            format!("{what}-seed{}-{}", self.seed, timestamp_name()).to_lowercase()
        })
    }
}
