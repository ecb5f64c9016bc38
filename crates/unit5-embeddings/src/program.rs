//! The unit's program, shared by `--example solution` and `--example exercise`:
//! `train` (a classifier), `word2vec` (vectors from the unlabelled reviews), `neighbours`.

use crate::configs::{Preset, Settings};
use crate::glove;
use crate::model::EmbeddingClassifier;
use crate::word2vec::{Corpus, EpochEnd, SkipGram, TrainingStats, Word2VecConfig, WordVectors};
use crate::{Answers, Pooling};
use anyhow::{bail, ensure, Context, Result};
use clap::{Subcommand, ValueEnum};
use course_core::cli::{set, unit5_word2vec_vectors, TrainOptions};
use course_core::data::split::{train_validation_split, SPLIT_SEED, VALIDATION_FRACTION};
use course_core::data::DataDir;
use course_core::recipe::{refuse_changes, resume_point, SequenceRun, SettingsPreset};
use course_core::tracking::{runs_root, RunFolder};
use course_core::training::signals::StopRequests;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::path::{Path, PathBuf};

pub fn run<A: Answers>(args: Args) -> Result<()> {
    match args.into_command(Command::Train) {
        Command::Train(train_args) => train::<A>(train_args),
        Command::Word2vec(word2vec_args) => train_word2vec::<A>(word2vec_args),
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
    let request = args.options.request();
    // Pre-trained vectors start a new run's embedding table (a resumed one has its weights).
    let vectors = match (request.resumes(), args.init) {
        (true, _) | (false, Init::Random) => None,
        (false, Init::Glove) => {
            let dir = args.vectors.clone().unwrap_or_else(glove::default_dir);
            Some(glove::load(&dir)?)
        }
        (false, Init::Word2vec) => {
            let path = args.vectors.clone().unwrap_or_else(unit5_word2vec_vectors);
            Some(WordVectors::load_text(&path)?)
        }
    };
    let run = SequenceRun {
        unit: "unit5",
        preset: RunName(args.preset, args.init),
        request: &request,
        vectors,
    };
    run.train(
        |settings, width| args.apply(settings, width),
        |path, model| {
            let classifier = EmbeddingClassifier::<A>::new(path, model);
            if model.freeze_embedding {
                println!("The embedding table is frozen: only the layers after it train");
                let _ = classifier.embedding.ws.set_requires_grad(false);
            }
            Ok(classifier)
        },
    )?;
    Ok(())
}

/// A preset with the embedding's start in the run folder's name (`tuned-glove-seed123-...`).
#[derive(Clone, Copy, Debug)]
struct RunName(Preset, Init);

impl SettingsPreset for RunName {
    type Settings = Settings;

    fn settings(self, seed: u64) -> Settings {
        self.0.settings(seed)
    }

    fn name(self) -> String {
        format!("{:?}-{:?}", self.0, self.1).to_lowercase()
    }
}

/// `word2vec`: vectors from the training split and the unlabelled reviews, saved after every
/// epoch so that `--resume` continues a run that was stopped.
fn train_word2vec<A: Answers>(args: Word2vecArgs) -> Result<()> {
    let out = args.folder()?;
    ensure!(
        args.resume.is_none() || out.is_dir(),
        "--resume: there is no folder {} to continue a word2vec run from",
        out.display()
    );
    // A run folder as the Trainer's runs have: locked (a second program would write over the
    // first one's checkpoint), cleared of cut writes when continued, checkpoints in checkpoints/.
    let run = match args.resume {
        Some(_) => RunFolder::reopen(&out)?,
        None => RunFolder::at(&out)?,
    };
    let (saved, config, data_dir) = saved_settings_and_data(&args, &out)?;
    let corpus = word2vec_corpus(&data_dir, config.min_count)?;
    if let Some(path) = &args.corpus_text {
        corpus.write_text(path)?;
        println!("Corpus text: {}", path.display());
    }
    let checkpoint = run.checkpoint_path("last");
    let (mut record, mut skip_gram) = match saved {
        Some(saved) => {
            saved.check_corpus(&corpus, &out)?;
            let skip_gram = match resume_point(&out, &checkpoint) {
                Some(checkpoint) => {
                    let skip_gram = SkipGram::resume(&corpus, &config, &checkpoint)?;
                    let (done, epochs) = (skip_gram.epochs_done(), config.epochs);
                    println!("Going on after epoch {done} of {epochs}");
                    skip_gram
                }
                None => SkipGram::new(&corpus, &config)?,
            };
            (saved, skip_gram)
        }
        None => {
            if checkpoint.is_file() {
                println!(
                    "{} holds an unfinished run; this new run replaces it (`--resume` would \
                     have continued it)",
                    out.display()
                );
                std::fs::remove_file(&checkpoint)
                    .with_context(|| format!("cannot remove {}", checkpoint.display()))?;
            }
            // Saved before training: a run stopped from here on can be continued.
            let record = SavedWord2vec::new(&config, &data_dir, &corpus);
            record.write(&out)?;
            (record, SkipGram::new(&corpus, &config)?)
        }
    };

    let epochs_before = skip_gram.epochs_done();
    train_epochs::<A>(&mut skip_gram, &config, &out, &checkpoint)?;
    let (vectors, stats) = skip_gram.finish();
    save_vectors(&vectors, &stats, (&config, &corpus, epochs_before), &out)?;
    // The vectors are out: the run is finished and its checkpoint has no more use.
    record.finished = true;
    record.write(&out)?;
    std::fs::remove_file(&checkpoint)
        .with_context(|| format!("cannot remove {}", checkpoint.display()))?;
    Ok(())
}

/// `--resume`'s saved settings (the flags may repeat them, not change them) and data folder,
/// or a new run's: gensim's defaults with the flags given.
fn saved_settings_and_data(
    args: &Word2vecArgs,
    out: &Path,
) -> Result<(Option<SavedWord2vec>, Word2VecConfig, DataDir)> {
    let saved = match args.resume {
        Some(_) => Some(SavedWord2vec::read(out)?),
        None => None,
    };
    let config = match &saved {
        Some(saved) => {
            // The same check as every resumed run's: the flags may repeat the settings.
            let mut asked = saved.config.clone();
            args.apply(&mut asked);
            refuse_changes(out, &json!(saved.config), &json!(asked))?;
            saved.config.clone()
        }
        None => {
            let mut config = Word2VecConfig::default();
            args.apply(&mut config);
            config
        }
    };
    let data_dir = match (&saved, args.data.as_deref()) {
        (Some(saved), None) => DataDir::resolve(Some(saved.data_folder.as_path()))?,
        (_, data) => DataDir::resolve(data)?,
    };
    Ok((saved, config, data_dir))
}

/// The epochs still to train, each saved in `checkpoint` when it ends; Ctrl-C or SIGTERM stops
/// the workers at the next review (the epochs already saved stay).
fn train_epochs<A: Answers>(
    skip_gram: &mut SkipGram,
    config: &Word2VecConfig,
    out: &Path,
    checkpoint: &Path,
) -> Result<()> {
    let bar = indicatif::ProgressBar::new(1000);
    bar.set_style(
        indicatif::ProgressStyle::with_template("word2vec {bar:40} {percent:>3}% {msg} ({eta})")
            .expect("a valid template"),
    );
    let signals = StopRequests::listen();
    while !skip_gram.is_finished() {
        let epoch = skip_gram.epochs_done() + 1;
        let end = skip_gram.train_epoch::<A>(&|| signals.stop_requested(), &mut |done, loss| {
            bar.set_position((done * 1000.0) as u64);
            bar.set_message(format!("epoch {epoch}/{}, loss {loss:.3}", config.epochs));
        })?;
        if end == EpochEnd::Stopped {
            bar.abandon();
            bail!(
                "stopped by a signal (Ctrl-C or SIGTERM) in epoch {epoch} of {}; {}. To \
                 continue, run the same program with `word2vec --resume {}`",
                config.epochs,
                match epoch - 1 {
                    0 => "no epoch had finished, so nothing was saved".to_string(),
                    done => format!(
                        "the tables after epoch {done} are saved in {}",
                        checkpoint.display()
                    ),
                },
                out.display()
            );
        }
        skip_gram.save_checkpoint(checkpoint)?;
    }
    drop(signals);
    bar.finish_and_clear();
    Ok(())
}

/// `vectors.txt`, `summary.json` (this process's speed) and `projection.png`; prints the
/// nearest words of three words.
fn save_vectors(
    vectors: &WordVectors,
    stats: &TrainingStats,
    (config, corpus, epochs_before): (&Word2VecConfig, &Corpus, usize),
    out: &Path,
) -> Result<()> {
    let epochs = match epochs_before {
        0 => format!("{} epochs", config.epochs),
        done => format!("epochs {}-{} of {}", done + 1, config.epochs, config.epochs),
    };
    println!(
        "Trained {epochs} in {:.1}s: {:.0} words/s, final batch loss {:.3}",
        stats.seconds, stats.words_per_second, stats.final_loss
    );
    let path = out.join("vectors.txt");
    vectors.save_text(&path)?;
    let summary = json!({
        "config": config,
        // Of the epochs trained by this process (after `continued_after_epoch`, if any).
        "seconds": stats.seconds,
        "words_per_second": stats.words_per_second,
        "continued_after_epoch": epochs_before,
        "corpus_words": corpus.total_words(),
        "vocabulary": corpus.words.len(),
    });
    course_core::fs::write_bytes_atomically(
        &out.join("summary.json"),
        serde_json::to_string_pretty(&summary)?.as_bytes(),
    )?;
    println!("Vectors: {}", path.display());
    for word in ["awful", "brilliant", "plot"] {
        print_neighbours(vectors, word, 8);
    }
    let plot = out.join("projection.png");
    crate::word2vec::plot_projection(&plot, vectors, crate::word2vec::PLOT_WORDS)?;
    println!("Projection: {}", plot.display());
    Ok(())
}

/// The words word2vec learns from: the training split and the unlabelled reviews (no
/// validation or test review is read).
fn word2vec_corpus(data_dir: &DataDir, min_count: u64) -> Result<Corpus> {
    let labelled = data_dir.labelled_train()?;
    let unlabelled = data_dir.unlabelled_train()?;
    let split = train_validation_split(labelled.len(), VALIDATION_FRACTION, SPLIT_SEED);
    let texts: Vec<&str> = split
        .train
        .iter()
        .map(|&i| labelled[i].review.as_str())
        .chain(unlabelled.iter().map(|r| r.review.as_str()))
        .collect();
    let corpus = Corpus::build(&texts, min_count);
    ensure!(!corpus.words.is_empty(), "no word occurs {min_count} times");
    println!(
        "Corpus: {} reviews ({} labelled train + {} unlabelled), {} words, vocabulary {}",
        texts.len(),
        split.train.len(),
        unlabelled.len(),
        corpus.total_words(),
        corpus.words.len()
    );
    Ok(corpus)
}

/// What a word2vec run saves when it starts (`word2vec.json`): its settings, its data and the
/// size of its corpus, so that `--resume` continues it as it began, on the same words.
#[derive(Serialize, Deserialize)]
struct SavedWord2vec {
    config: Word2VecConfig,
    data_folder: PathBuf,
    corpus_words: u64,
    vocabulary: usize,
    /// Whether its vectors were written.
    finished: bool,
}

impl SavedWord2vec {
    const FILE: &'static str = "word2vec.json";

    fn new(config: &Word2VecConfig, data_dir: &DataDir, corpus: &Corpus) -> SavedWord2vec {
        SavedWord2vec {
            config: config.clone(),
            data_folder: data_dir.path.clone(),
            corpus_words: corpus.total_words(),
            vocabulary: corpus.words.len(),
            finished: false,
        }
    }

    fn write(&self, out: &Path) -> Result<()> {
        course_core::fs::write_bytes_atomically(
            &out.join(Self::FILE),
            serde_json::to_string_pretty(self)?.as_bytes(),
        )
    }

    fn read(out: &Path) -> Result<SavedWord2vec> {
        let path = out.join(Self::FILE);
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "--resume: {} holds no word2vec run to continue (no {}); start one without \
                 --resume",
                out.display(),
                Self::FILE
            )
        })?;
        let saved: SavedWord2vec = serde_json::from_str(&text).with_context(|| {
            format!(
                "{} is not what `word2vec` writes; start a new run without --resume",
                path.display()
            )
        })?;
        ensure!(
            !saved.finished,
            "--resume: the word2vec run in {} has finished (its vectors are in vectors.txt); \
             there is nothing to continue",
            out.display()
        );
        Ok(saved)
    }

    /// The corpus read now must be the one the run started on.
    fn check_corpus(&self, corpus: &Corpus, out: &Path) -> Result<()> {
        ensure!(
            (self.corpus_words, self.vocabulary) == (corpus.total_words(), corpus.words.len()),
            "the run in {} started on {} words with a vocabulary of {}; the data read now has \
             {} words and {}: it is not the same data. Continue it with --data {}, or start a \
             new run without --resume",
            out.display(),
            self.corpus_words,
            self.vocabulary,
            corpus.total_words(),
            corpus.words.len(),
            self.data_folder.display()
        );
        Ok(())
    }
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
    Word2vec(Word2vecArgs),
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

/// `word2vec`'s flags. The settings are options, so that `--resume` can tell the flags that
/// were given (which must agree with the run's) from those left out.
#[derive(clap::Args, Debug)]
pub struct Word2vecArgs {
    /// The folder with Kaggle's files [default: IMDB_DIR, else datasets/imdb/ when complete,
    /// else the bundled sample]
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Passes over the corpus [default: 5]
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Vector width [default: 100]
    #[arg(long)]
    pub dim: Option<i64>,
    /// Pairs in a row that meet the same random negative words (1: each pair its own, as in
    /// gensim and the original C code; more: faster) [default: 16]
    #[arg(long)]
    pub share_negatives: Option<usize>,
    /// Threads that train at once [default: one per core]; with 1, every run gives the same
    /// vectors, stopped and continued or not
    #[arg(long)]
    pub workers: Option<usize>,
    /// Where the vectors, the plot and the checkpoint go [default: runs/unit5/word2vec]
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write the corpus as text (one review per line), for gensim
    #[arg(long)]
    pub corpus_text: Option<PathBuf>,
    /// Continue the stopped run in FOLDER [default: --out's folder] after its last finished
    /// epoch, on the settings it started with
    #[arg(long, value_name = "FOLDER", num_args = 0..=1)]
    pub resume: Option<Option<PathBuf>>,
}

impl Word2vecArgs {
    /// The run's folder: `--resume`'s, else `--out`, else `runs/unit5/word2vec`.
    fn folder(&self) -> Result<PathBuf> {
        let out = self.out.clone();
        match (&self.resume, out) {
            (Some(Some(resume)), Some(out)) if resume != &out => bail!(
                "--resume {} and --out {} name two folders: give the run's folder once",
                resume.display(),
                out.display()
            ),
            (Some(Some(resume)), _) if resume.is_file() => {
                // The checkpoint itself, <run>/checkpoints/last.safetensors.
                RunFolder::of_checkpoint(resume).with_context(|| {
                    format!(
                        "--resume {}: a file, but not a word2vec run's checkpoint (<run \
                         folder>/checkpoints/last.safetensors)",
                        resume.display()
                    )
                })
            }
            (Some(Some(resume)), _) => Ok(resume.clone()),
            (_, Some(out)) => Ok(out),
            (_, None) => Ok(runs_root().join("unit5/word2vec")),
        }
    }

    /// Writes the flags that were given over `config`: gensim's defaults for a new run, the
    /// saved settings for a continued one (which they may repeat, not change).
    fn apply(&self, config: &mut Word2VecConfig) {
        set(&mut config.epochs, self.epochs);
        set(&mut config.dim, self.dim);
        set(&mut config.share_negatives, self.share_negatives);
        set(&mut config.workers, self.workers);
    }
}

/// `train`'s flags: the shared ones (`--data`, `--epochs`, `--lr`, `--resume`, ...) and this
/// unit's model's.
#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    /// The settings a new run starts from
    #[arg(long = "config", value_enum, default_value_t = Preset::Tuned, conflicts_with = "resume")]
    pub preset: Preset,
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
pub enum Init {
    Random,
    /// GloVe 6B, 50 dimensions (the table becomes 50 wide)
    Glove,
    /// Vectors from `word2vec` (the table takes their width)
    Word2vec,
}
