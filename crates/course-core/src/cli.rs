//! The command line, at the edge: the options every unit's `train` command shares, so
//! `--seed`, `--epochs`, `--lr`, `--data` and `--run-name` mean the same thing in every unit.
//! They become plain values ([`RunRequest`]) before any training code sees them.

use crate::recipe::RunRequest;
use crate::text::{Terms, WordVectors};
use crate::tracking::runs_root;
use crate::training::{Bf16, DeviceChoice, Validation};
use anyhow::Result;
use std::path::{Path, PathBuf};

// A unit's command line: one of its commands, or with none, `train` with the options given, so
// `cargo run -p unit7-rnn --example solution` trains, and so does `... -- --epochs 2`; other
// commands (`word2vec`, `images`, ...) are named. A unit writes
// `pub type Args = UnitArgs<Command, TrainArgs>;` and runs `args.into_command(Command::Train)`.
// (The doc comment below is what `--help` shows first.)
/// With no command, trains the unit's model: `train`'s options work without the word `train`.
#[derive(clap::Parser, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct UnitArgs<C: clap::Subcommand, T: clap::Args> {
    #[command(subcommand)]
    pub command: Option<C>,
    #[command(flatten)]
    pub train: T,
}

impl<C: clap::Subcommand, T: clap::Args> UnitArgs<C, T> {
    /// The command given, else `train` (the unit's `Command::Train`) of the options given.
    pub fn into_command(self, train: impl FnOnce(T) -> C) -> C {
        self.command.unwrap_or_else(|| train(self.train))
    }
}

/// The flags every training unit shares: flatten into a unit's `TrainArgs` with
/// `#[command(flatten)]`; [`TrainOptions::request`] turns them into the
/// [`RunRequest`] that [`start_run`](crate::recipe::start_run) reads.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct TrainOptions {
    /// Folder with the Kaggle files [default: datasets/imdb when complete, else the sample]
    #[arg(long, value_name = "FOLDER")]
    pub data: Option<PathBuf>,
    /// Most epochs to train [default: the configuration's]
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Base learning rate [default: the configuration's]
    #[arg(long)]
    pub lr: Option<f64>,
    /// Reviews per batch [default: the configuration's]
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// Seeds the initial weights, the batch order and dropout [default: 123]
    #[arg(long)]
    pub seed: Option<u64>,
    /// Name of the run folder, runs/<unit>/<NAME> [default: configuration, seed and time]
    #[arg(long, value_name = "NAME")]
    pub run_name: Option<String>,
    /// Continue a run that stopped: a run folder, its name, or its checkpoint; with no value,
    /// the unit's latest unfinished run. The run's own settings are used
    #[arg(long, value_name = "RUN", num_args = 0..=1)]
    pub resume: Option<Option<PathBuf>>,
    /// Where to train: auto (a CUDA GPU when there is one, else the CPU), cpu, cuda, cuda:N,
    /// or mps (Apple's GPU, only when asked) [default: auto]
    #[arg(long, value_name = "DEVICE")]
    pub device: Option<DeviceChoice>,
    /// Inside an epoch, save the run's `last` checkpoint every this many minutes, so a run
    /// stopped in a long epoch loses at most that much [default: 5]
    #[arg(long, value_name = "MINUTES")]
    pub checkpoint_minutes: Option<f64>,
    /// Compute the products of the forward passes in bfloat16 (the weights stay float32): twice
    /// as fast on a CPU that multiplies bfloat16 natively (AVX-512 BF16, AMX), slower on one
    /// that does not [default: the configuration's]
    #[arg(long, value_enum)]
    pub bf16: Option<Bf16>,
    /// When to score the validation reviews: after every epoch, or only when there is a
    /// choice to make (more than one epoch, early stopping) [default: the configuration's]
    #[arg(long, value_enum)]
    pub validation: Option<Validation>,
}

/// `*setting = value` when a flag gave a value: how a unit applies its own flags to its
/// settings, one line per flag.
pub fn set<T>(setting: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *setting = value;
    }
}

/// `--max-features`, `--ngrams`, `--keep-stop-words`: change one setting of a bag of words
/// (units 3 and 4). Flatten with `#[command(flatten)]`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct VocabularyOptions {
    /// Vocabulary size: the most frequent terms of the training split (the configuration's when
    /// not given)
    #[arg(long)]
    pub max_features: Option<usize>,
    /// 1: single words; 2: pairs of neighbouring words too (the configuration's when not given)
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub ngrams: Option<u8>,
    /// Keep the English stop words ("not", "no", ...): true or false (the configuration's when
    /// not given)
    #[arg(long)]
    pub keep_stop_words: Option<bool>,
}

impl VocabularyOptions {
    /// Replaces the settings that were given.
    pub fn apply(&self, max_features: &mut usize, terms: &mut Terms) {
        if let Some(n) = self.max_features {
            *max_features = n;
        }
        if let Some(n) = self.ngrams {
            terms.ngrams = n.into();
        }
        if let Some(keep) = self.keep_stop_words {
            terms.remove_stop_words = !keep;
        }
    }
}

/// `--vectors` / `--random-init`: where a sequence model's embedding table starts.
///
/// Units 6-8 start, by default, from the word2vec vectors the learner trained in unit 5 (their
/// README figures do); without them, or with `--random-init`, from random numbers as the course did.
#[derive(clap::Args, Debug, Clone)]
pub struct VectorsOption {
    /// Word vectors in word2vec's text format to start the embedding table from; the table takes
    /// their width [default: unit 5's runs/unit5/word2vec/vectors.txt, when it exists]
    #[arg(long, conflicts_with_all = ["random_init", "resume"])]
    pub vectors: Option<PathBuf>,
    /// Start the embedding table from random numbers, as the course did
    #[arg(long, conflicts_with = "resume")]
    pub random_init: bool,
}

/// Where unit 5's `word2vec` command saves its vectors.
pub fn unit5_word2vec_vectors() -> PathBuf {
    runs_root().join("unit5/word2vec/vectors.txt")
}

impl VectorsOption {
    /// The vectors the table starts from: `--vectors`, else (when `use_unit5` and they exist)
    /// unit 5's word2vec vectors, else none (random). Says which, so a learner is never surprised.
    pub fn load(&self, use_unit5: bool) -> Result<Option<WordVectors>> {
        self.load_or(use_unit5.then(unit5_word2vec_vectors).as_deref())
    }

    /// [`VectorsOption::load`] with the default vectors' path given.
    fn load_or(&self, default: Option<&Path>) -> Result<Option<WordVectors>> {
        if self.random_init {
            return Ok(None);
        }
        if let Some(path) = &self.vectors {
            return WordVectors::load_text(path).map(Some);
        }
        match default {
            None => Ok(None),
            Some(path) if path.exists() => {
                println!(
                    "Word vectors start from unit 5's word2vec: {} (--random-init for random ones)",
                    path.display()
                );
                WordVectors::load_text(path).map(Some)
            }
            Some(path) => {
                println!(
                    "Word vectors start random: unit 5's word2vec vectors are not at {} yet. The \
                     README's results start from them; make them with \
                     `cargo run -p unit5-embeddings --example solution -- word2vec` (about 2.5 \
                     minutes on 2 cores).",
                    path.display()
                );
                Ok(None)
            }
        }
    }
}

impl TrainOptions {
    /// The flags as the plain request the recipes read.
    pub fn request(&self) -> RunRequest {
        RunRequest {
            data: self.data.clone(),
            epochs: self.epochs,
            lr: self.lr,
            batch_size: self.batch_size,
            seed: self.seed,
            run_name: self.run_name.clone(),
            resume: self.resume.clone(),
            device: self.device,
            checkpoint_minutes: self.checkpoint_minutes,
            bf16: self.bf16,
            validation: self.validation,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(vectors: Option<&Path>, random_init: bool) -> VectorsOption {
        VectorsOption {
            vectors: vectors.map(Path::to_path_buf),
            random_init,
        }
    }

    #[test]
    fn the_embedding_starts_from_the_default_vectors_only_when_they_exist_and_are_wanted() {
        let folder = tempfile::tempdir().unwrap();
        let default = folder.path().join("vectors.txt");
        let none = |v: Option<WordVectors>| v.is_none();

        // Not made yet: random, no error.
        assert!(none(options(None, false).load_or(Some(&default)).unwrap()));
        std::fs::write(&default, "2 3\ngood 1 0 0\nbad 0 1 0\n").unwrap();
        let loaded = options(None, false)
            .load_or(Some(&default))
            .unwrap()
            .unwrap();
        assert_eq!(loaded.vectors.size(), [2, 3]);
        assert!(none(options(None, true).load_or(Some(&default)).unwrap()));
        assert!(none(options(None, false).load_or(None).unwrap()));

        // An explicit file must exist, and wins over the default.
        let other = folder.path().join("other.txt");
        assert!(options(Some(&other), false)
            .load_or(Some(&default))
            .is_err());
        std::fs::write(&other, "1 4\nfine 1 2 3 4\n").unwrap();
        let loaded = options(Some(&other), false).load_or(None).unwrap().unwrap();
        assert_eq!(loaded.vectors.size(), [1, 4]);
    }
}
