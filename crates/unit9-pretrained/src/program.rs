//! The unit's program, shared by `--example solution` and `--example exercise`:
//! `train` (the head, the top layers, or everything) and `predict` (with the head a model
//! already has, e.g. a sentiment model's: zero-shot).

use crate::configs::{Mode, Precision, Settings, KEEP, MAX_LEN};
use crate::folder::{default_model_dir, load_weights, ModelFolder};
use crate::hub;
use crate::model::{HeadOnly, Pooling, PretrainedClassifier};
use crate::reviews::{review_vectors, ReviewSplits, TokenizedReviews, VectorCache};
use crate::{Answers, Keep};
use anyhow::{bail, Context, Result};
use clap::Subcommand;
use course_core::cli::{set, TrainOptions};
use course_core::data::DataDir;
use course_core::tracking::RunInfo;
use course_core::training::start::find_run;
use course_core::training::start_run;
use course_core::training::{
    fit_and_submit, fit_or_resume, load_weights_from, parameter_count, predict_and_submit,
    FitReport, Splits, TensorDataset, Trainer, TrainerConfig,
};
use serde_json::json;
use std::time::Instant;
use tch::nn::VarStore;

pub fn run<A: Answers>(args: Args) -> Result<()> {
    match args.into_command(Command::Train) {
        Command::Train(train_args) => train::<A>(train_args),
        Command::Predict(predict_args) => predict::<A>(predict_args),
        Command::Evaluate(evaluate_args) => evaluate::<A>(evaluate_args),
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
    let lengths = (settings.max_len, settings.predict_max_len());
    let reviews = tokenize::<A>(&folder, lengths, settings.keep, &data)?;

    // What trains: the rest is frozen (your task 3).
    let trainable = match settings.mode {
        Mode::Head => A::freeze_except(&mut vars, &|name| model.is_head(name)),
        Mode::Top => A::freeze_except(&mut vars, &|name| {
            model.is_head_or_top_layer::<A>(name, settings.top_layers)
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
        Mode::Top | Mode::Full => fine_tune(
            &mut trainer,
            model,
            &mut vars,
            &reviews,
            &data,
            settings.predict_precision,
            resume,
        )?,
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

/// Fine-tuning (the top layers or everything): the trainer fits on reviews cut to the training
/// length and keeps the best epoch; those weights (in 8-bit with `Precision::Int8`) then read
/// the validation and test reviews at the prediction length, and the submission is theirs.
fn fine_tune(
    trainer: &mut Trainer,
    mut model: PretrainedClassifier,
    vars: &mut VarStore,
    reviews: &ReviewSplits,
    data: &DataDir,
    precision: Precision,
    resume: Option<&std::path::Path>,
) -> Result<FitReport> {
    let clock = Instant::now();
    let report = fit_or_resume(
        trainer,
        &model,
        vars,
        &reviews.train,
        &reviews.validation,
        resume,
    )?;
    let training_seconds = clock.elapsed().as_secs_f64();

    // The submission's model: the best epoch's weights, read at the prediction length.
    if let Some(best) = &report.best_checkpoint {
        load_weights_from(best, vars)?;
    }
    if precision == Precision::Int8 {
        if model.switch_to_int8() {
            // libtorch prints two warnings on first use: the kernels are deprecated, not gone.
            println!(
                "Predicting with 8-bit weights (libtorch's fbgemm kernels, which torch 2.4 calls \
                 deprecated)"
            );
        } else {
            println!("8-bit weights are for BERT and RoBERTa encoders: predicting in float32");
        }
    }
    let clock = Instant::now();
    let validation = trainer.evaluate(&model, &reviews.final_validation)?;
    let validation_seconds = clock.elapsed().as_secs_f64();
    let (mean, longest) = reviews.final_validation.length_stats();
    println!(
        "The submission's model ({precision:?}, up to {longest} tokens per review, {mean:.0} on average): validation accuracy {:.4}",
        validation.accuracy
    );
    let clock = Instant::now();
    let fallback = course_core::tracking::runs_root().join("unit9/submission.csv");
    predict_and_submit(
        trainer,
        &model,
        vars,
        &report,
        &reviews.test,
        &reviews.test_ids,
        data,
        fallback,
    )?;
    if let Some(run) = trainer.run() {
        run.write_summary("submission_validation_accuracy", validation.accuracy)?;
        run.write_summary("seconds_training_and_validation", training_seconds)?;
        run.write_summary("seconds_submission_validation", validation_seconds)?;
        run.write_summary("seconds_prediction", clock.elapsed().as_secs_f64())?;
    }
    Ok(report)
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
        "{}|{}|{:?}|{:?}|{}|{}|{}|{}",
        folder.weights.display(),
        weights.len(),
        weights.modified().ok(),
        settings.pooling,
        settings.max_len,
        settings.predict_max_len(),
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

/// The reviews as `folder`'s tokenizer reads them, framed to `(training, prediction)` lengths.
fn tokenize<A: Answers>(
    folder: &ModelFolder,
    (max_len, predict_max_len): (usize, usize),
    keep: Keep,
    data: &DataDir,
) -> Result<ReviewSplits> {
    let tokenizer = folder.tokenizer()?;
    let started = Instant::now();
    let reviews = ReviewSplits::load::<A>(data, &tokenizer, max_len, predict_max_len, keep)?;
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
    let max_len = args.max_len.unwrap_or(MAX_LEN);
    let keep = args.keep.unwrap_or(KEEP);
    let reviews = tokenize::<A>(&folder, (max_len, max_len), keep, &data)?;
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

/// A fine-tuned run's best weights scored on the validation reviews at another length or
/// precision, without training again: how the prediction settings were chosen.
fn evaluate<A: Answers>(args: EvaluateArgs) -> Result<()> {
    let folder = find_run("unit9", Some(&args.run))?;
    let info = RunInfo::read(&folder)?;
    let settings: Settings = serde_json::from_value(info.config["settings"].clone())
        .with_context(|| format!("{} holds no unit 9 settings", folder.display()))?;
    if settings.mode == Mode::Head {
        bail!(
            "{} trained the head alone: `evaluate` scores fine-tuned runs",
            folder.display()
        );
    }
    let checkpoint = ["best", "last"]
        .map(|which| folder.join(format!("checkpoints/{which}.safetensors")))
        .into_iter()
        .find(|path| path.exists())
        .with_context(|| format!("{} has no checkpoint yet", folder.display()))?;
    let data_folder = info.config["data_folder"]
        .as_str()
        .map(std::path::PathBuf::from);
    let data = DataDir::resolve(data_folder.as_deref())?;
    let trainer = Trainer::new(settings.trainer.clone());
    let mut vars = VarStore::new(trainer.device());
    let (model_folder, mut model, _) =
        load_model(&settings.model_args(), settings.pooling, &mut vars)?;
    load_weights_from(&checkpoint, &mut vars)?;
    let max_len = args.max_len.unwrap_or(settings.predict_max_len());
    let reviews = tokenize::<A>(
        &model_folder,
        (settings.max_len, max_len),
        settings.keep,
        &data,
    )?;
    let precision = args.precision.unwrap_or(settings.predict_precision);
    if precision == Precision::Int8 && !model.switch_to_int8() {
        bail!("8-bit weights are for BERT and RoBERTa encoders");
    }
    let clock = Instant::now();
    let validation = trainer.evaluate(&model, &reviews.final_validation)?;
    println!(
        "{}: validation accuracy {:.4} at {max_len} tokens per review, {precision:?} ({} reviews in {:.0} s)",
        checkpoint.display(),
        validation.accuracy,
        reviews.final_validation.sequences.len(),
        clock.elapsed().as_secs_f64()
    );
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
    /// Score a fine-tuned run's best weights on the validation reviews at another
    /// --max-len or --precision (nothing is trained or written)
    Evaluate(EvaluateArgs),
}

#[derive(clap::Args, Debug)]
pub struct EvaluateArgs {
    /// The run: its folder, or its name under runs/unit9/
    pub run: std::path::PathBuf,
    /// Tokens per review [default: the run's --predict-max-len]
    #[arg(long)]
    pub max_len: Option<usize>,
    /// The numbers the encoder computes with [default: the run's --predict-precision]
    #[arg(long, value_enum)]
    pub precision: Option<Precision>,
}

#[derive(clap::Args, Debug, Clone)]
pub struct ModelArgs {
    /// A model folder, or a Hugging Face id[@revision] (kept in Hugging Face's cache,
    /// ~/.cache/huggingface/hub)
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
    #[arg(long, value_enum, default_value_t = Mode::Full, conflicts_with = "resume")]
    pub mode: Mode,
    /// Tokens per validation and test review when the trained model predicts [default: 512
    /// for fine-tuning, --max-len for --mode head]
    #[arg(long)]
    pub predict_max_len: Option<usize>,
    /// The numbers the encoder predicts with [default: int8 for fine-tuning, float32 for
    /// --mode head]
    #[arg(long, value_enum)]
    pub predict_precision: Option<Precision>,
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
        set(
            &mut settings.predict_max_len,
            self.predict_max_len.map(Some),
        );
        set(&mut settings.predict_precision, self.predict_precision);
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
