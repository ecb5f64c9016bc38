//! The unit's program, shared by `--example solution` and `--example exercise`: `train`, then
//! a picture of one validation review's attention.

use crate::configs::{Preset, Settings};
use crate::model::{Positions, TransformerClassifier};
use crate::Answers;
use anyhow::{Context, Result};
use clap::Subcommand;
use course_core::cli::{set, TrainOptions, VectorsOption};
use course_core::prepared::SequenceData;
use course_core::recipe::SequenceRun;
use course_core::text::{PaddedBatch, Truncation};
use std::path::Path;

pub fn run<A: Answers>(args: Args) -> Result<()> {
    match args.into_command(Command::Train) {
        Command::Train(train_args) => train::<A>(train_args),
    }
}

/// The recipe: settings -> data -> model -> `Trainer::fit` -> submission -> attention plot.
fn train<A: Answers>(args: TrainArgs) -> Result<()> {
    let request = args.options.request();
    // The course's own run starts from random vectors; the others from unit 5's word2vec.
    let use_unit5 = args.preset != Preset::Faithful && !request.resumes();
    let run = SequenceRun {
        unit: "unit8",
        preset: args.preset,
        request: &request,
        vectors: args.vectors.load(use_unit5)?,
    };
    let trained = run.train(
        |settings, width| args.apply(settings, width),
        |path, model| {
            let (d_model, heads) = (model.d_model, model.heads);
            anyhow::ensure!(
                heads > 0 && d_model % heads == 0,
                "--heads {heads}: the word vectors' {d_model} dimensions must split evenly into \
                 the heads (pick a divisor of {d_model})"
            );
            Ok(TransformerClassifier::<A>::new(path, model))
        },
    )?;
    let path = trained.run_folder.join("attention.png");
    plot_attention(&trained.model, &trained.data, &path)?;
    println!("Attention of a validation review: {}", path.display());
    Ok(())
}

/// The first words of the first validation review through the trained model, and the last
/// layer's attention weights of every head, drawn.
pub fn plot_attention<A: Answers>(
    model: &TransformerClassifier<A>,
    data: &SequenceData,
    path: &Path,
) -> Result<()> {
    const WORDS: usize = 24;
    let review = data
        .validation
        .sequences
        .first()
        .context("no validation review to draw")?;
    let device = model.device();
    let batch = PaddedBatch::new(
        &[review.as_slice()],
        Some(WORDS),
        false,
        Truncation::KeepStart,
        device,
    );
    let (_, _, maps) = tch::no_grad(|| model.encode(&batch, false));
    let last = maps.last().context("the model has no layer")?;
    let heads = last.size()[1];
    let mut weights = Vec::with_capacity(heads as usize);
    for head in 0..heads {
        let map = last.get(0).get(head).to_device(tch::Device::Cpu);
        let rows: Vec<Vec<f32>> = Vec::<Vec<f32>>::try_from(map)?;
        weights.push(rows);
    }
    let length = batch.ids.size()[1] as usize;
    let words: Vec<String> = review
        .iter()
        .take(length)
        .map(|&id| data.word_index.word(id).unwrap_or("?").to_string())
        .collect();
    crate::plot::attention_map(path, &words, &weights)
}

// ---- The command line ---------------------------------------------------------------------

/// The command line: a command, or with none, `train` (its options work without the word).
pub type Args = course_core::cli::UnitArgs<Command, TrainArgs>;

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Train the encoder, predict the test set, write a submission and attention.png
    /// (runs/unit8/<name>/)
    Train(TrainArgs),
}

/// `train`'s flags: the shared ones (`--data`, `--epochs`, `--lr`, `--resume`, ...) and this
/// unit's model's.
#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    /// The settings a new run starts from
    #[arg(long = "config", value_enum, default_value_t = Preset::Small, conflicts_with = "resume")]
    pub preset: Preset,
    /// Positional encodings
    #[arg(long, value_enum)]
    pub positions: Option<Positions>,
    /// Hidden width of the feed-forward block
    #[arg(long)]
    pub feed_forward: Option<i64>,
    #[arg(long)]
    pub heads: Option<i64>,
    #[arg(long)]
    pub layers: Option<i64>,
    #[arg(long)]
    pub dropout: Option<f64>,
    /// Leave out each word of a training review with this probability
    #[arg(long)]
    pub word_dropout: Option<f64>,
    /// Cut reviews at this many words
    #[arg(long)]
    pub max_len: Option<usize>,
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
        set(&mut model.positions, self.positions);
        set(&mut model.feed_forward, self.feed_forward);
        set(&mut model.heads, self.heads);
        set(&mut model.layers, self.layers);
        set(&mut model.dropout, self.dropout);
        set(&mut model.word_dropout, self.word_dropout);
        set(&mut model.d_model, width);
        set(&mut model.max_positions, self.max_len.map(|n| n as i64));
        set(&mut config.layout.max_len, self.max_len.map(Some));
    }
}
