//! The unit's program, shared by `--example solution` and `--example exercise`: `train`, then
//! a picture of one validation review's attention.

use crate::configs;
use crate::model::{Positions, TransformerClassifier};
use crate::Learner;
use anyhow::{Context, Result};
use clap::{Subcommand, ValueEnum};
use course_core::cli::{TrainOptions, VectorsOption};
use course_core::prepared::SequenceData;
use course_core::text::start_embedding;
use course_core::text::{PaddedBatch, Truncation};
use course_core::training::SequenceRun;
use serde_json::json;
use std::path::Path;

/// The command line: a command, or with none, `train` (its options work without the word).
pub type Args = course_core::cli::UnitArgs<Command, TrainArgs>;

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Train the encoder, predict the test set, write a submission and attention.png
    /// (runs/unit8/<name>/)
    Train(TrainArgs),
}

#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    #[arg(long, value_enum, default_value_t = Which::Small)]
    pub config: Which,
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

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// The course's run: 2,200 padded positions, no working mask (GPU)
    Faithful,
    /// The course's layer (feed-forward 2,048), masked, cut at 512 words, warm-up + cosine
    Reference,
    /// The reference with a feed-forward block of 256: several times faster
    Small,
}

pub fn run<L: Learner>(args: Args) -> Result<()> {
    match args.into_command(Command::Train) {
        Command::Train(train_args) => train::<L>(train_args),
    }
}

fn train<L: Learner>(args: TrainArgs) -> Result<()> {
    let seed = args.options.seed;
    let mut config = match args.config {
        Which::Faithful => configs::faithful(seed),
        Which::Reference => configs::reference(seed),
        Which::Small => configs::small(seed),
    };
    args.options.apply(&mut config.trainer);
    let model = &mut config.model;
    if let Some(positions) = args.positions {
        model.positions = positions;
    }
    if let Some(width) = args.feed_forward {
        model.feed_forward = width;
    }
    if let Some(heads) = args.heads {
        model.heads = heads;
    }
    if let Some(layers) = args.layers {
        model.layers = layers;
    }
    if let Some(dropout) = args.dropout {
        model.dropout = dropout;
    }
    if let Some(p) = args.word_dropout {
        model.word_dropout = p;
    }
    if let Some(max_len) = args.max_len {
        config.layout.max_len = Some(max_len);
        model.max_positions = max_len as i64;
    }
    // The course's own run starts from random vectors; the others from unit 5's word2vec.
    let pretrained = args.vectors.load(args.config != Which::Faithful)?;
    if let Some(vectors) = &pretrained {
        config.model.d_model = vectors.vectors.size()[1];
    }
    let (d_model, heads) = (config.model.d_model, config.model.heads);
    anyhow::ensure!(
        heads > 0 && d_model % heads == 0,
        "--heads {heads}: the word vectors' {d_model} dimensions must split evenly into the heads \
         (pick a divisor of {d_model})"
    );
    let data = args.options.data_dir()?;
    let name = args
        .options
        .run_name(&format!("{:?}", args.config).to_lowercase());
    let run = SequenceRun {
        unit: "unit8",
        run_name: &name,
        data: &data,
        num_words: config.num_words,
        layout: config.layout,
        trainer: config.trainer.clone(),
    };
    let trained = run.train(|path, data| {
        let mut model = TransformerClassifier::<L>::new(path, &config.model);
        let init = start_embedding(&mut model.embedding, &data.word_index, pretrained.as_ref())?;
        Ok((model, json!({ "config": &config.model, "init": init })))
    })?;
    if let Some(folder) = &trained.run_folder {
        let path = folder.join("attention.png");
        plot_attention(&trained.model, &trained.data, &path)?;
        println!("Attention of a validation review: {}", path.display());
    }
    Ok(())
}

/// The first words of the first validation review through the trained model, and the last
/// layer's attention weights of every head, drawn.
pub fn plot_attention<L: Learner>(
    model: &TransformerClassifier<L>,
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
