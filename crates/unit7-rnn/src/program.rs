//! The unit's program, shared by `--example solution` and `--example exercise`: train the
//! recurrent classifier (the default), predict the test reviews, write a submission.

use crate::configs::{self, Settings};
use crate::model::{RnnClassifier, TimePooling};
use crate::{Answers, CellKind};
use anyhow::{ensure, Result};
use clap::{Subcommand, ValueEnum};
use course_core::cli::{set, TrainOptions, UnitArgs, VectorsOption};
use course_core::text::start_embedding;
use course_core::training::{start_run, SequenceTraining};
use serde_json::json;

/// The recipe: settings -> data -> model -> `Trainer::fit` -> submission.
pub fn train<A: Answers>(args: TrainArgs) -> Result<()> {
    // Pre-trained vectors start a new run's embedding table (a resumed one has its weights).
    let vectors = match args.options.resume {
        Some(_) => None,
        None => args.vectors.load(args.config != Which::Faithful)?,
    };
    let width = vectors.as_ref().map(|v| v.vectors.size()[1]);
    let what = args.config.name();
    let start = start_run(
        "unit7",
        what,
        &args.options,
        |seed| args.config.settings(seed),
        |config| args.apply(config, width),
    )?;
    let config = start.config;
    ensure!(
        !config.model.lstm_by_hand || config.model.cell == CellKind::Lstm,
        "--lstm-by-hand runs your LSTM cell: it needs --cell lstm, not {:?}",
        config.model.cell
    );
    let run = SequenceTraining {
        unit: "unit7",
        run: start.run,
        checkpoint: start.checkpoint,
        data: &start.data,
        num_words: config.num_words,
        layout: config.layout,
        trainer: config.trainer.clone(),
    };
    run.train(|path, data| {
        let mut model = RnnClassifier::<A>::new(path, &config.model);
        let init = start_embedding(&mut model.embedding, &data.word_index, vectors.as_ref())?;
        Ok((model, json!({ "config": &config.model, "init": init })))
    })?;
    Ok(())
}

pub fn run<A: Answers>(args: Args) -> Result<()> {
    match args.into_command(Command::Train) {
        Command::Train(train_args) => train::<A>(train_args),
    }
}

// ---- The command line ---------------------------------------------------------------------

/// The command line: a command, or with none, `train` (its options work without the word).
pub type Args = UnitArgs<Command, TrainArgs>;

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Train the recurrent classifier, predict the test set, write a submission (runs/unit7/<name>/)
    Train(TrainArgs),
}

/// `train`'s flags: the shared ones (`--data`, `--epochs`, `--lr`, `--resume`, ...) and this
/// unit's model's.
#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    /// The settings a new run starts from
    #[arg(long, value_enum, default_value_t = Which::Tuned, conflicts_with = "resume")]
    pub config: Which,
    /// The recurrent cell
    #[arg(long, value_enum)]
    pub cell: Option<CellKind>,
    /// How the outputs of every step become the review vector
    #[arg(long, value_enum)]
    pub pooling: Option<TimePooling>,
    /// State size per direction
    #[arg(long)]
    pub hidden: Option<i64>,
    /// Dropout on the word vectors and the review vector
    #[arg(long)]
    pub dropout: Option<f64>,
    /// Zero each word vector of a training review with this probability
    #[arg(long)]
    pub word_dropout: Option<f64>,
    /// Cut reviews at this many words
    #[arg(long)]
    pub max_len: Option<usize>,
    /// true: run the LSTM step by step through the `lstm_over_time` of tasks 1-2 instead of
    /// libtorch's LSTM: the same numbers (the exercise's default)
    #[arg(long)]
    pub lstm_by_hand: Option<bool>,
    #[command(flatten)]
    pub vectors: VectorsOption,
    #[command(flatten)]
    pub options: TrainOptions,
}

impl TrainArgs {
    /// Writes the unit's flags that were given over `config`; `width` is that of the
    /// pre-trained word vectors, when a new run starts from some.
    pub fn apply(&self, config: &mut Settings, width: Option<i64>) {
        let model = &mut config.model;
        set(&mut model.cell, self.cell);
        set(&mut model.pooling, self.pooling);
        set(&mut model.hidden, self.hidden);
        set(&mut model.dropout, self.dropout);
        set(&mut model.word_dropout, self.word_dropout);
        set(&mut model.lstm_by_hand, self.lstm_by_hand);
        set(&mut model.dim, width);
        set(&mut config.layout.max_len, self.max_len.map(Some));
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// The course's run: 2,200 padded positions through the LSTM, padding averaged in (GPU)
    Faithful,
    /// Packed sequences, masked mean + max, dropout, early stopping
    Tuned,
}

impl Which {
    fn name(self) -> &'static str {
        match self {
            Which::Faithful => "faithful",
            Which::Tuned => "tuned",
        }
    }

    fn settings(self, seed: u64) -> Settings {
        match self {
            Which::Faithful => configs::faithful(seed),
            Which::Tuned => configs::tuned(seed),
        }
    }
}
