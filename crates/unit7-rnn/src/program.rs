//! The unit's program, shared by `--example solution` and `--example exercise`: train the
//! recurrent classifier (the default), predict the test reviews, write a submission.

use crate::configs::{Preset, Settings};
use crate::model::{RnnClassifier, TimePooling};
use crate::{Answers, CellKind};
use anyhow::{ensure, Result};
use clap::Subcommand;
use course_core::cli::{set, TrainOptions, UnitArgs, VectorsOption};
use course_core::recipe::SequenceRun;

/// The recipe: settings -> data -> model -> `Trainer::fit` -> submission.
pub fn train<A: Answers>(args: TrainArgs) -> Result<()> {
    let request = args.options.request();
    // The course's own run starts from random vectors; the others from unit 5's word2vec.
    let use_unit5 = args.preset != Preset::Faithful && !request.resumes();
    let run = SequenceRun {
        unit: "unit7",
        preset: args.preset,
        request: &request,
        vectors: args.vectors.load(use_unit5)?,
    };
    run.train(
        |settings, width| args.apply(settings, width),
        |path, model| {
            ensure!(
                model.lstm_by_hand != Some(true) || model.cell == CellKind::Lstm,
                "--lstm-by-hand runs your LSTM cell: it needs --cell lstm, not {:?}",
                model.cell
            );
            let classifier = RnnClassifier::<A>::new(path, model);
            if model.cell == CellKind::Lstm {
                println!("{}", lstm_line(classifier.runs_by_hand(), model));
            }
            Ok(classifier)
        },
    )?;
    Ok(())
}

/// Which LSTM runs, and why: the learner sees it before the first epoch.
fn lstm_line(by_hand: bool, model: &crate::model::RnnConfig) -> &'static str {
    match (by_hand, model.lstm_by_hand) {
        (true, None) => "LSTM: step by step through lstm_over_time (faster on a CPU; --lstm-by-hand false for libtorch's)",
        (true, Some(_)) => "LSTM: step by step through lstm_over_time (--lstm-by-hand true)",
        (false, None) => "LSTM: libtorch's fused kernel (faster on a GPU; --lstm-by-hand true for lstm_over_time)",
        (false, Some(_)) => "LSTM: libtorch's (--lstm-by-hand false)",
    }
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
    #[arg(long = "config", value_enum, default_value_t = Preset::Tuned, conflicts_with = "resume")]
    pub preset: Preset,
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
    /// libtorch's LSTM: the same numbers [default: by hand on a CPU, where it is faster, and
    /// always in the exercise; libtorch's on a GPU]
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
        set(&mut model.lstm_by_hand, self.lstm_by_hand.map(Some));
        set(&mut model.dim, width);
        set(&mut config.layout.max_len, self.max_len.map(Some));
    }
}
