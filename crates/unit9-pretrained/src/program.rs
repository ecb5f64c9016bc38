//! The unit's program, shared by `--example solution` and `--example exercise`:
//! `train` (the head, the top layers, or everything) and `predict` (with the head a model
//! already has, e.g. a sentiment model's: zero-shot).

use crate::configs::{Mode, Settings, KEEP, MAX_LEN};
use crate::folder::{default_model_dir, load_weights, ModelFolder};
use crate::hub;
use crate::model::{HeadOnly, Pooling, PretrainedClassifier};
use crate::reviews::{review_vectors, ReviewSplits, TokenizedReviews, VectorCache};
use crate::{Answers, Keep};
use anyhow::{bail, Result};
use clap::Subcommand;
use course_core::cli::{set, TrainOptions};
use course_core::data::DataDir;
use course_core::training::start_run;
use course_core::training::{
    fit_and_submit, parameter_count, predict_and_submit, FitReport, Splits, TensorDataset, Trainer,
    TrainerConfig,
};
use serde_json::json;
use std::time::Instant;
use tch::nn::VarStore;

pub fn run<A: Answers>(args: Args) -> Result<()> {
    match args.into_command(Command::Train) {
        Command::Train(train_args) => train::<A>(train_args),
        Command::Predict(predict_args) => predict::<A>(predict_args),
    }
}

fn train<A: Answers>(args: TrainArgs) -> Result<()> {
    let started = Instant::now();
    let start = start_run(
        "unit9",
        &format!("{:?}", args.mode),
        &args.options,
        |seed| Settings::new(args.mode, seed),
        |settings| args.apply(settings),
    )?;
    let (settings, data, mut run) = (start.config, start.data, start.run);
    let model_args = settings.model_args();
    println!("Data: {data}");
    tch::manual_seed(settings.trainer.seed as i64);
    let trainer = Trainer::new(settings.trainer.clone());
    let mut vars = VarStore::new(trainer.device());
    let pooling = settings.pooling;
    let (folder, model, _) = load_model(&model_args, pooling, &mut vars)?;
    let reviews = tokenize::<A>(&folder, &model_args, &data)?;

    // What trains: the rest is frozen (your task 3).
    let trainable = match settings.mode {
        Mode::Head => A::freeze_except(&mut vars, &|name| model.is_head(name)),
        Mode::Top => A::freeze_except(&mut vars, &|name| {
            model.is_head_or_top_layer(name, settings.top_layers)
        }),
        Mode::Full => A::freeze_except(&mut vars, &|_| true),
    };
    println!(
        "Training {trainable} of {} numbers ({:?} mode)",
        parameter_count(&vars),
        settings.mode
    );
    run.describe(
        "model",
        json!({
            "folder": folder.path.display().to_string(),
            "family": folder.family,
            "trainable_numbers": trainable,
        }),
    )?;
    let mut trainer = trainer.with_run(run);
    let resume = start.checkpoint.as_deref();
    let report = match settings.mode {
        Mode::Head => {
            let key = encoder_output_key(&folder, &settings, &data)?;
            train_head(
                &mut trainer,
                &model,
                &mut vars,
                &reviews,
                &data,
                key,
                resume,
            )?
        }
        Mode::Top | Mode::Full => {
            let splits = Splits {
                train: &reviews.train,
                validation: &reviews.validation,
                test: &reviews.test,
                test_ids: &reviews.test_ids,
                data: &data,
            };
            fit_and_submit(&mut trainer, &model, &mut vars, &splits, "unit9", resume)?.0
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    if let Some(run) = trainer.run() {
        run.write_summary("wall_seconds", seconds)?;
    }
    println!(
        "Done in {seconds:.0} s (best validation accuracy {:.4})",
        report.best_validation_accuracy
    );
    Ok(())
}

/// The model folder (downloading a hub model first when needed), with its weights loaded into
/// a new classifier; says what was loaded and what starts untrained.
fn load_model(
    args: &ModelArgs,
    pooling: Pooling,
    vars: &mut VarStore,
) -> Result<(ModelFolder, PretrainedClassifier, bool)> {
    let folder = match &args.model {
        Some(model) => hub::resolve(model, &hub::endpoint(), &hub::cache_dir())?,
        None => ModelFolder::open(&default_model_dir())?,
    };
    let model = PretrainedClassifier::new(&vars.root(), folder.family, &folder.config, pooling)?;
    let report = load_weights(vars, &folder.weights, folder.family.prefix())?;
    let encoder_missing: Vec<&String> = report
        .missing
        .iter()
        .filter(|n| !model.is_head(n))
        .collect();
    if !encoder_missing.is_empty() {
        bail!(
            "{} lacks {} of the encoder's weights (first: {}): is it a {:?} model?",
            folder.weights.display(),
            encoder_missing.len(),
            encoder_missing[0],
            folder.family
        );
    }
    let head_is_new = report
        .missing
        .iter()
        .any(|n| model.is_head(n) && !n.contains(".pooler."));
    println!(
        "Model: {:?} from {} ({} tensors loaded, {} of the file unused){}",
        folder.family,
        folder.path.display(),
        report.loaded,
        report.unused.len(),
        if head_is_new {
            "; its classification head is new, initialised at random: train it"
        } else {
            "; classification head included"
        }
    );
    Ok((folder, model, head_is_new))
}

/// Everything the frozen encoder's output depends on, which names its cached vectors: the
/// weights file (path, size, time), the pooling, the length budget, and the data folder by its
/// full path (`--data datasets/imdb` and the same folder reached another way are one data set).
fn encoder_output_key(folder: &ModelFolder, settings: &Settings, data: &DataDir) -> Result<String> {
    let weights = std::fs::metadata(&folder.weights)?;
    let data_folder = std::fs::canonicalize(&data.path).unwrap_or(data.path.clone());
    Ok(format!(
        "{}|{}|{:?}|{:?}|{}|{}|{}",
        folder.weights.display(),
        weights.len(),
        weights.modified().ok(),
        settings.pooling,
        settings.max_len,
        serde_json::to_string(&settings.keep)?,
        data_folder.display()
    ))
}

/// Head-only training: the frozen encoder reads every review once; the head then trains on
/// those vectors for as many epochs as it needs, each a second or two.
fn train_head(
    trainer: &mut Trainer,
    model: &PretrainedClassifier,
    vars: &mut VarStore,
    reviews: &ReviewSplits,
    data: &DataDir,
    cache_key: String,
    resume: Option<&std::path::Path>,
) -> Result<FitReport> {
    let device = trainer.device();
    let encode_started = Instant::now();
    let cache = VectorCache::new(cache_key)?;
    let encode = |split: &TokenizedReviews, what: &str| -> Result<TensorDataset> {
        cache.get_or_make(what, split, || {
            review_vectors(model, split, 64, device, what)
        })
    };
    let train = encode(&reviews.train, "training")?;
    let validation = encode(&reviews.validation, "validation")?;
    let test = encode(&reviews.test, "test")?;
    println!(
        "Review vectors of {} reviews ready in {:.0} s (kept in {} for the next head-only run)",
        train.inputs.size()[0] + validation.inputs.size()[0] + test.inputs.size()[0],
        encode_started.elapsed().as_secs_f64(),
        cache.folder.display()
    );
    let head = HeadOnly(model);
    let splits = Splits {
        train: &train,
        validation: &validation,
        test: &test,
        test_ids: &reviews.test_ids,
        data,
    };
    Ok(fit_and_submit(trainer, &head, vars, &splits, "unit9", resume)?.0)
}

fn tokenize<A: Answers>(
    folder: &ModelFolder,
    args: &ModelArgs,
    data: &DataDir,
) -> Result<ReviewSplits> {
    let tokenizer = folder.tokenizer()?;
    let started = Instant::now();
    let max_len = args.max_len.unwrap_or(MAX_LEN);
    let keep = args.keep.unwrap_or(KEEP);
    let reviews = ReviewSplits::load::<A>(data, &tokenizer, max_len, keep)?;
    let (mean, longest) = reviews.train.length_stats();
    println!(
        "Tokenized in {:.0} s: {mean:.0} tokens per training review on average, at most {longest} (--max-len {})",
        started.elapsed().as_secs_f64(),
        max_len
    );
    Ok(reviews)
}

/// Zero-shot: the model's own head (a sentiment model's) predicts, nothing is trained.
fn predict<A: Answers>(predict_args: PredictArgs) -> Result<()> {
    let data = DataDir::resolve(predict_args.data.as_deref())?;
    let args = predict_args.model;
    println!("Data: {data}");
    let trainer = Trainer::new(TrainerConfig {
        batch_size: 16,
        ..TrainerConfig::default()
    });
    let mut vars = VarStore::new(trainer.device());
    let pooling = args.pooling.unwrap_or(Pooling::First);
    let (folder, model, head_is_new) = load_model(&args, pooling, &mut vars)?;
    if head_is_new {
        bail!(
            "{} has no classification head to predict with: train one (`train --model {}`)",
            folder.path.display(),
            folder.path.display()
        );
    }
    let labels = folder.labels().unwrap_or_default();
    let positive_first = labels
        .first()
        .is_some_and(|l| l.to_lowercase().starts_with("pos"));
    if positive_first {
        bail!(
            "{}'s labels are {labels:?}: unit 9 expects class 0 negative and class 1 positive",
            folder.path.display()
        );
    }
    let reviews = tokenize::<A>(&folder, &args, &data)?;
    let evaluation = trainer.evaluate(&model, &reviews.validation)?;
    println!(
        "Validation accuracy {:.4} (labels {labels:?})",
        evaluation.accuracy
    );
    let report = FitReport {
        best_epoch: 0,
        best_validation_accuracy: evaluation.accuracy,
        stopped_early: false,
        best_checkpoint: None,
        last_checkpoint: None,
        history: Vec::new(),
    };
    let fallback = course_core::tracking::runs_root().join("unit9/zero-shot-submission.csv");
    predict_and_submit(
        &trainer,
        &model,
        &mut vars,
        &report,
        &reviews.test,
        &reviews.test_ids,
        &data,
        fallback,
    )?;
    Ok(())
}

// ---- The command line ---------------------------------------------------------------------

/// The command line: a command, or with none, `train` (its options work without the word).
pub type Args = course_core::cli::UnitArgs<Command, TrainArgs>;

// Parsed once per run: the size of its largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Train a classifier on a pre-trained encoder, predict the test set, write a submission
    /// (runs/unit9/<name>/)
    Train(TrainArgs),
    /// Predict with the classification head the model already has (a sentiment model), no
    /// training: validation accuracy and a submission
    Predict(PredictArgs),
}

#[derive(clap::Args, Debug, Clone)]
pub struct ModelArgs {
    /// A model folder, or a Hugging Face id (downloaded once into models/hub/)
    /// [default: models/all-minilm-l6-v2, from `make models`]
    #[arg(long)]
    pub model: Option<String>,
    /// What the head reads: the first token, or the mean of all tokens [default: mean for
    /// `train`; first for `predict`, as the heads of Hugging Face's classifiers were trained]
    #[arg(long, value_enum)]
    pub pooling: Option<Pooling>,
    /// Tokens per review, the special tokens included [default: 256]
    #[arg(long)]
    pub max_len: Option<usize>,
    /// Which tokens of a longer review to keep [default: head-and-tail]
    #[arg(long, value_enum)]
    pub keep: Option<Keep>,
}

#[derive(clap::Args, Debug)]
pub struct PredictArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    /// Folder with the Kaggle files (default: datasets/imdb when complete, else the sample)
    #[arg(long)]
    pub data: Option<std::path::PathBuf>,
}

/// `train`'s flags: the shared ones (`--data`, `--epochs`, `--lr`, `--resume`, ...), the
/// model's, and what trains.
#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    /// What is trained
    #[arg(long, value_enum, default_value_t = Mode::Head, conflicts_with = "resume")]
    pub mode: Mode,
    /// With --mode top: how many of the last encoder layers train with the head [default: 2]
    #[arg(long)]
    pub top_layers: Option<i64>,
    /// Batches whose gradients add up to one optimiser step
    #[arg(long)]
    pub accumulate: Option<usize>,
    #[command(flatten)]
    pub options: TrainOptions,
}

impl Settings {
    /// The model flags these settings stand for.
    fn model_args(&self) -> ModelArgs {
        ModelArgs {
            model: self.model.clone(),
            pooling: Some(self.pooling),
            max_len: Some(self.max_len),
            keep: Some(self.keep),
        }
    }
}

impl TrainArgs {
    /// Writes the unit's flags that were given over `settings`.
    fn apply(&self, settings: &mut Settings) {
        set(&mut settings.model, self.model.model.clone().map(Some));
        set(&mut settings.pooling, self.model.pooling);
        set(&mut settings.max_len, self.model.max_len);
        set(&mut settings.keep, self.model.keep);
        set(&mut settings.top_layers, self.top_layers);
        set(&mut settings.trainer.accumulate_batches, self.accumulate);
    }
}

#[cfg(test)]
mod tests {
    use super::Args;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Args::command().debug_assert();
    }
}
