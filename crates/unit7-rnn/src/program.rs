//! The unit's program, shared by `--example solution` and `--example exercise`: `train`.

use crate::configs;
use crate::model::{RnnClassifier, TimePooling};
use crate::{CellKind, Learner};
use anyhow::Result;
use clap::{Subcommand, ValueEnum};
use course_core::cli::{TrainOptions, VectorsOption};
use course_core::text::start_embedding;
use course_core::training::SequenceRun;
use serde_json::json;

/// The command line: a command, or with none, `train` (its options work without the word).
pub type Args = course_core::cli::UnitArgs<Command, TrainArgs>;

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Train the recurrent classifier, predict the test set, write a submission (runs/unit7/<name>/)
    Train(TrainArgs),
}

#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    #[arg(long, value_enum, default_value_t = Which::Reference)]
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

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// The course's run: 2,200 padded positions through the LSTM, padding averaged in (GPU)
    Faithful,
    /// Packed sequences, masked mean + max, dropout, early stopping
    Reference,
}

pub fn run<L: Learner>(args: Args) -> Result<()> {
    match args.into_command(Command::Train) {
        Command::Train(train_args) => train::<L>(train_args),
    }
}

/// Trains one model as `args` say (the `train` command).
pub fn train<L: Learner>(args: TrainArgs) -> Result<()> {
    let mut config = match args.config {
        Which::Faithful => configs::faithful(args.options.seed),
        Which::Reference => configs::reference(args.options.seed),
    };
    args.options.apply(&mut config.trainer);
    if let Some(cell) = args.cell {
        config.model.cell = cell;
    }
    if let Some(pooling) = args.pooling {
        config.model.pooling = pooling;
    }
    if let Some(hidden) = args.hidden {
        config.model.hidden = hidden;
    }
    if let Some(dropout) = args.dropout {
        config.model.dropout = dropout;
    }
    if let Some(p) = args.word_dropout {
        config.model.word_dropout = p;
    }
    if let Some(max_len) = args.max_len {
        config.layout.max_len = Some(max_len);
    }
    if let Some(by_hand) = args.lstm_by_hand {
        config.model.lstm_by_hand = by_hand;
    }
    anyhow::ensure!(
        !config.model.lstm_by_hand || config.model.cell == CellKind::Lstm,
        "--lstm-by-hand runs your LSTM cell: it needs --cell lstm, not {:?}",
        config.model.cell
    );
    // The course's own run starts from random vectors; the others from unit 5's word2vec.
    let pretrained = args.vectors.load(args.config != Which::Faithful)?;
    if let Some(vectors) = &pretrained {
        config.model.dim = vectors.vectors.size()[1];
    }
    let data = args.options.data_dir()?;
    let what = format!("{:?}-{:?}", args.config, config.model.cell).to_lowercase();
    let name = args.options.run_name(&what);
    let run = SequenceRun {
        unit: "unit7",
        run_name: &name,
        data: &data,
        num_words: config.num_words,
        layout: config.layout,
        trainer: config.trainer.clone(),
    };
    run.train(|path, data| {
        let mut model = RnnClassifier::<L>::new(path, &config.model);
        let init = start_embedding(&mut model.embedding, &data.word_index, pretrained.as_ref())?;
        Ok((model, json!({ "config": &config.model, "init": init })))
    })?;
    Ok(())
}
