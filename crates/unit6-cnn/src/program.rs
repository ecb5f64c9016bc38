//! The unit's program, shared by `--example solution` and `--example exercise`:
//! `train` (the text CNN on the reviews) and `images` (a 2-D CNN on drawn shapes).

use crate::configs::{Preset, Settings};
use crate::images::{self, ShapeCnn};
use crate::model::TextCnn;
use crate::{Answers, TimePooling};
use anyhow::Result;
use clap::Subcommand;
use course_core::cli::{set, TrainOptions, VectorsOption};
use course_core::recipe::SequenceRun;
use course_core::tracking::{timestamp_name, RunFolder};
use course_core::training::{OptimizerConfig, Trainer, TrainerConfig};
use tch::nn::VarStore;

pub fn run<A: Answers>(args: Args) -> Result<()> {
    match args.into_command(Command::Train) {
        Command::Train(train_args) => train::<A>(train_args),
        Command::Images {
            epochs,
            images,
            seed,
            run_name,
        } => {
            let name = run_name.unwrap_or_else(|| format!("shapes-{}", timestamp_name()));
            let accuracy = train_shapes::<A>(epochs, images, seed, &name)?;
            println!("Validation accuracy on the shapes: {accuracy:.4}");
            Ok(())
        }
    }
}

/// The recipe: settings -> data -> model -> `Trainer::fit` -> submission.
fn train<A: Answers>(args: TrainArgs) -> Result<()> {
    let request = args.options.request();
    // The course's own run starts from random vectors; the others from unit 5's word2vec.
    let use_unit5 = args.preset != Preset::Faithful && !request.resumes();
    let run = SequenceRun {
        unit: "unit6",
        preset: args.preset,
        request: &request,
        vectors: args.vectors.load(use_unit5)?,
    };
    run.train(
        |settings, width| args.apply(settings, width),
        |path, model| Ok(TextCnn::<A>::new(path, model)),
    )?;
    Ok(())
}

/// Trains the shapes CNN in its own run folder, draws `predictions.png`, and returns the
/// validation accuracy.
pub fn train_shapes<A: Answers>(
    epochs: usize,
    images: usize,
    seed: u64,
    run_name: &str,
) -> Result<f64> {
    let train = images::draw_shapes(images, seed);
    let validation = images::draw_shapes((images / 4).max(1), seed + 1);
    let run = RunFolder::create("unit6", Some(run_name))?;
    let config = TrainerConfig {
        epochs,
        batch_size: 32,
        optimizer: OptimizerConfig::adamw(5e-3),
        seed,
        ..TrainerConfig::default()
    };
    let mut trainer = Trainer::new(config).with_run(run);
    tch::manual_seed(seed as i64);
    let mut vars = VarStore::new(trainer.device());
    let model = ShapeCnn::<A>::new(&vars.root());
    trainer.fit(&model, &mut vars, &train, &validation)?;
    let predicted = images::classes(&trainer.predict(&model, &validation)?)?;
    let accuracy = images::accuracy(&predicted, validation.labels.as_deref().unwrap_or(&[]));
    if let Some(run) = trainer.run() {
        let plot = run.path().join("predictions.png");
        images::plot_predictions(&plot, &validation, &predicted)?;
        println!("Predictions: {}", plot.display());
        run.write_summary("validation_accuracy", accuracy)?;
    }
    Ok(accuracy)
}

// ---- The command line ---------------------------------------------------------------------

/// The command line: a command, or with none, `train` (its options work without the word).
pub type Args = course_core::cli::UnitArgs<Command, TrainArgs>;

// Parsed once per run: the size of its largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Train the text CNN, predict the test set, write a submission (runs/unit6/<name>/)
    Train(TrainArgs),
    /// Train a small 2-D CNN on images of shapes drawn here (runs/unit6/shapes-<time>/)
    Images {
        #[arg(long, default_value_t = 8)]
        epochs: usize,
        /// Training images (a quarter as many more for validation)
        #[arg(long, default_value_t = 2_000)]
        images: usize,
        #[arg(long, default_value_t = 123)]
        seed: u64,
        #[arg(long)]
        run_name: Option<String>,
    },
}

/// `train`'s flags: the shared ones (`--data`, `--epochs`, `--lr`, `--resume`, ...) and this
/// unit's model's.
#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    /// The settings a new run starts from
    #[arg(long = "config", value_enum, default_value_t = Preset::Tuned, conflicts_with = "resume")]
    pub preset: Preset,
    /// How each filter's responses become features
    #[arg(long, value_enum)]
    pub pooling: Option<TimePooling>,
    /// Dropout on the pooled features
    #[arg(long)]
    pub dropout: Option<f64>,
    /// Zero each word vector of a training review with this probability
    #[arg(long)]
    pub word_dropout: Option<f64>,
    /// Filters per width
    #[arg(long)]
    pub filters: Option<i64>,
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
        set(&mut model.pooling, self.pooling);
        set(&mut model.dropout, self.dropout);
        set(&mut model.word_dropout, self.word_dropout);
        set(&mut model.filters, self.filters);
        set(&mut model.dim, width);
        set(&mut config.layout.max_len, self.max_len.map(Some));
    }
}
