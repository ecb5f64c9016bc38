//! The unit's program, shared by `--example solution` and `--example exercise`:
//! `train` (a classifier), `word2vec` (vectors from the unlabelled reviews), `neighbours`.

use crate::configs::{self, Settings};
use crate::glove;
use crate::model::EmbeddingClassifier;
use crate::word2vec::{self, Corpus, Word2VecConfig, WordVectors};
use crate::{Answers, Pooling};
use anyhow::{ensure, Result};
use clap::{Subcommand, ValueEnum};
use course_core::cli::{set, unit5_word2vec_vectors, TrainOptions};
use course_core::data::split::{train_validation_split, SPLIT_SEED, VALIDATION_FRACTION};
use course_core::data::DataDir;
use course_core::tracking::runs_root;
use course_core::training::{start_run, SequenceTraining};
use serde_json::json;
use std::path::{Path, PathBuf};

pub fn run<A: Answers>(args: Args) -> Result<()> {
    match args.into_command(Command::Train) {
        Command::Train(train_args) => train::<A>(train_args),
        Command::Word2vec {
            data,
            epochs,
            dim,
            share_negatives,
            workers,
            out,
            corpus_text,
        } => {
            let defaults = Word2VecConfig::default();
            let config = Word2VecConfig {
                epochs,
                dim,
                share_negatives,
                workers: workers.unwrap_or(defaults.workers),
                ..defaults
            };
            let out = out.unwrap_or_else(|| runs_root().join("unit5/word2vec"));
            train_word2vec::<A>(
                &DataDir::resolve(data.as_deref())?,
                &config,
                &out,
                corpus_text.as_deref(),
            )
        }
        Command::Neighbours { words, vectors, k } => {
            let path = vectors.unwrap_or_else(unit5_word2vec_vectors);
            let vectors = WordVectors::load_text(&path)?;
            for word in &words {
                print_neighbours(&vectors, word, k);
            }
            Ok(())
        }
    }
}

/// The recipe: settings -> data -> model -> `Trainer::fit` -> submission.
fn train<A: Answers>(args: TrainArgs) -> Result<()> {
    // Pre-trained vectors start a new run's embedding table (a resumed one has its weights).
    let pretrained = match (&args.options.resume, args.init) {
        (Some(_), _) | (None, Init::Random) => None,
        (None, Init::Glove) => {
            let dir = args.vectors.clone().unwrap_or_else(glove::default_dir);
            Some(glove::load(&dir)?)
        }
        (None, Init::Word2vec) => {
            let path = args.vectors.clone().unwrap_or_else(unit5_word2vec_vectors);
            Some(WordVectors::load_text(&path)?)
        }
    };
    let width = pretrained.as_ref().map(|v| v.vectors.size()[1]);
    let what = format!("{:?}-{:?}", args.config, args.init);
    let start = start_run(
        "unit5",
        &what,
        &args.options,
        |seed| match args.config {
            Which::Faithful => configs::faithful(seed),
            Which::Tuned => configs::tuned(seed),
        },
        |config| args.apply(config, width),
    )?;
    let config = start.config;
    let run = SequenceTraining {
        unit: "unit5",
        run: start.run,
        checkpoint: start.checkpoint,
        data: &start.data,
        num_words: config.num_words,
        layout: config.layout,
        trainer: config.trainer.clone(),
    };
    run.train(|path, data| {
        let mut model = EmbeddingClassifier::<A>::new(path, &config.model);
        let mut init = json!("random");
        if let Some(vectors) = &pretrained {
            let found = glove::initialise(&mut model.embedding, &data.word_index, vectors)?;
            let words = data.word_index.vocab_size() - 1;
            println!(
                "Pre-trained vectors cover {found} of the {words} words ({:.1}%)",
                100.0 * found as f64 / words as f64,
            );
            init = json!({ "found": found, "words": words });
        }
        if config.model.freeze_embedding {
            println!("The embedding table is frozen: only the layers after it train");
            let _ = model.embedding.ws.set_requires_grad(false);
        }
        Ok((model, json!({ "config": &config.model, "init": init })))
    })?;
    Ok(())
}

fn train_word2vec<A: Answers>(
    data_dir: &DataDir,
    config: &Word2VecConfig,
    out: &Path,
    corpus_text: Option<&Path>,
) -> Result<()> {
    let labelled = data_dir.labelled_train()?;
    let unlabelled = data_dir.unlabelled_train()?;
    let split = train_validation_split(labelled.len(), VALIDATION_FRACTION, SPLIT_SEED);
    // The training split and the unlabelled reviews: no validation or test review is read.
    let texts: Vec<&str> = split
        .train
        .iter()
        .map(|&i| labelled[i].review.as_str())
        .chain(unlabelled.iter().map(|r| r.review.as_str()))
        .collect();
    let corpus = Corpus::build(&texts, config.min_count);
    ensure!(
        !corpus.words.is_empty(),
        "no word occurs {} times",
        config.min_count
    );
    println!(
        "Corpus: {} reviews ({} labelled train + {} unlabelled), {} words, vocabulary {}",
        texts.len(),
        split.train.len(),
        unlabelled.len(),
        corpus.total_words(),
        corpus.words.len()
    );
    if let Some(path) = corpus_text {
        corpus.write_text(path)?;
        println!("Corpus text: {}", path.display());
    }
    let bar = indicatif::ProgressBar::new(1000);
    bar.set_style(
        indicatif::ProgressStyle::with_template("word2vec {bar:40} {percent:>3}% {msg} ({eta})")
            .expect("a valid template"),
    );
    let (vectors, stats) = word2vec::train::<A>(&corpus, config, |done, loss| {
        bar.set_position((done * 1000.0) as u64);
        bar.set_message(format!("loss {loss:.3}"));
    })?;
    bar.finish_and_clear();
    println!(
        "Trained {} epochs in {:.1}s: {:.0} words/s, final batch loss {:.3}",
        config.epochs, stats.seconds, stats.words_per_second, stats.final_loss
    );
    std::fs::create_dir_all(out)?;
    let path = out.join("vectors.txt");
    vectors.save_text(&path)?;
    let summary = json!({
        "config": config,
        "seconds": stats.seconds,
        "words_per_second": stats.words_per_second,
        "corpus_words": corpus.total_words(),
        "vocabulary": corpus.words.len(),
    });
    course_core::fs::write_bytes_atomically(
        &out.join("summary.json"),
        serde_json::to_string_pretty(&summary)?.as_bytes(),
    )?;
    println!("Vectors: {}", path.display());
    for word in ["awful", "brilliant", "plot"] {
        print_neighbours(&vectors, word, 8);
    }
    let plot = out.join("projection.png");
    crate::word2vec::plot_projection(&plot, &vectors, crate::word2vec::PLOT_WORDS)?;
    println!("Projection: {}", plot.display());
    Ok(())
}

fn print_neighbours(vectors: &WordVectors, word: &str, k: usize) {
    match vectors.neighbours(word, k) {
        Ok(neighbours) => {
            let list: Vec<String> = neighbours
                .iter()
                .map(|(w, s)| format!("{w} ({s:.2})"))
                .collect();
            println!("{word}: {}", list.join(", "));
        }
        Err(error) => println!("{word}: {error}"),
    }
}

// ---- The command line ---------------------------------------------------------------------

/// The command line: a command, or with none, `train` (its options work without the word).
pub type Args = course_core::cli::UnitArgs<Command, TrainArgs>;

// Parsed once per run: the size of its largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Train a classifier, predict the test set, write a submission (runs/unit5/<name>/)
    Train(TrainArgs),
    /// Train word2vec on the training split + the 50,000 unlabelled reviews (never the test set)
    Word2vec {
        #[arg(long)]
        data: Option<PathBuf>,
        #[arg(long, default_value_t = 5)]
        epochs: usize,
        #[arg(long, default_value_t = 100)]
        dim: i64,
        /// Pairs in a row that meet the same random negative words (1: each pair its own, as
        /// in gensim and the original C code; more: faster)
        #[arg(long, default_value_t = Word2VecConfig::default().share_negatives)]
        share_negatives: usize,
        /// Threads that train at once (default: one per core); with 1, every run gives the
        /// same vectors
        #[arg(long)]
        workers: Option<usize>,
        /// Where the vectors, the plot and the corpus go
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write the corpus as text (one review per line), for gensim
        #[arg(long)]
        corpus_text: Option<PathBuf>,
    },
    /// The nearest words of each WORD in saved vectors
    Neighbours {
        words: Vec<String>,
        /// A vectors.txt written by `word2vec` (default: runs/unit5/word2vec/vectors.txt)
        #[arg(long)]
        vectors: Option<PathBuf>,
        #[arg(long, default_value_t = 8)]
        k: usize,
    },
}

/// `train`'s flags: the shared ones (`--data`, `--epochs`, `--lr`, `--resume`, ...) and this
/// unit's model's.
#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    /// The settings a new run starts from
    #[arg(long, value_enum, default_value_t = Which::Tuned, conflicts_with = "resume")]
    pub config: Which,
    /// How word vectors become a review vector
    #[arg(long, value_enum)]
    pub pooling: Option<Pooling>,
    /// Where the embedding table starts
    #[arg(long, value_enum, default_value_t = Init::Random, conflicts_with = "resume")]
    pub init: Init,
    /// Keep the initial vectors fixed (with --init glove or word2vec)
    #[arg(long)]
    pub freeze: bool,
    /// GloVe folder (default: models/glove-6b-50d) or word2vec vectors.txt
    #[arg(long, conflicts_with = "resume")]
    pub vectors: Option<PathBuf>,
    /// Dropout on the review vector
    #[arg(long)]
    pub dropout: Option<f64>,
    /// Leave out each word of a training review with this probability
    #[arg(long)]
    pub word_dropout: Option<f64>,
    #[command(flatten)]
    pub options: TrainOptions,
}

impl TrainArgs {
    /// Writes the unit's flags that were given over `config`; `width` is that of the
    /// pre-trained word vectors, when a new run starts from some.
    pub fn apply(&self, config: &mut Settings, width: Option<i64>) {
        let model = &mut config.model;
        set(&mut model.pooling, self.pooling);
        set(&mut model.dropout, self.dropout);
        set(&mut model.word_dropout, self.word_dropout);
        set(&mut model.freeze_embedding, self.freeze.then_some(true));
        set(&mut model.dim, width);
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// The course's run: 2,200 padded positions averaged, padding included
    Faithful,
    /// Masked pooling, dynamic padding, length buckets, early stopping
    Tuned,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Init {
    Random,
    /// GloVe 6B, 50 dimensions (the table becomes 50 wide)
    Glove,
    /// Vectors from `word2vec` (the table takes their width)
    Word2vec,
}
