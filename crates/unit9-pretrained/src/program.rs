//! The unit's recipes, shared by `--example solution` and `--example exercise`: `train` (the
//! head, the top layers, or everything), `predict` (with the head a model already has, e.g. a
//! sentiment model's: zero-shot) and `evaluate` (a run's weights at another length or
//! precision). Their flags are in [`crate::cli`].

pub use crate::cli::{Args, Command};
use crate::cli::{EvaluateArgs, PredictArgs, TrainArgs};
use crate::configs::{Mode, Precision, Settings, KEEP, MAX_LEN};
use crate::model::{HeadOnly, LoadedModel, Pooling, PretrainedClassifier};
use crate::reviews::{encoder_output_key, head_only_splits, ReviewSplits, TokenizedReviews};
use crate::Answers;
use anyhow::{bail, Context, Result};
use course_core::data::DataDir;
use course_core::recipe::{
    find_run, fit_and_submit, fit_or_resume, load_best, parameter_count, predict_and_submit,
    start_run, Splits, TestSet,
};
use course_core::tracking::{runs_root, RunInfo};
use course_core::training::{load_weights_from, FitReport, Trainer, TrainerConfig};
use serde_json::json;
use std::path::Path;
use std::time::Instant;
use tch::nn::VarStore;

pub fn run<A: Answers>(args: Args) -> Result<()> {
    match args.into_command(Command::Train) {
        Command::Train(train_args) => train::<A>(train_args),
        Command::Predict(predict_args) => predict::<A>(predict_args),
        Command::Evaluate(evaluate_args) => evaluate::<A>(evaluate_args),
    }
}

/// Settings -> pre-trained model -> freeze what does not train -> fit -> submission.
fn train<A: Answers>(args: TrainArgs) -> Result<()> {
    let started = Instant::now();
    let request = args.options.request();
    let start = start_run(
        "unit9",
        &format!("{:?}", args.mode),
        &request,
        |seed| Settings::new(args.mode, seed),
        |settings| args.apply(settings),
    )?;
    let (settings, data, mut run) = (start.config, start.data, start.run);
    println!("Data: {data}");
    tch::manual_seed(settings.trainer.seed as i64);
    let trainer = Trainer::new(settings.trainer.clone());
    let mut vars = VarStore::new(trainer.device());
    let LoadedModel { folder, model, .. } =
        LoadedModel::load(settings.model.as_deref(), settings.pooling, &mut vars)?;
    let lengths = (settings.max_len, settings.predict_max_len());
    let reviews = ReviewSplits::tokenize::<A>(&folder, lengths, settings.keep, &data)?;

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
            // The frozen encoder reads every review once; the head then trains on those
            // vectors for as many epochs as it needs, each of them cheap.
            let key = encoder_output_key(&folder, &settings, &data)?;
            let [train, validation, test] =
                head_only_splits(&model, &reviews, key, trainer.device())?;
            let splits = Splits {
                train: &train,
                validation: &validation,
                test: &test,
                test_ids: &reviews.test_ids,
                data: &data,
            };
            let head = HeadOnly(&model);
            fit_and_submit(&mut trainer, &head, &mut vars, &splits, "unit9", resume)?.0
        }
        Mode::Top | Mode::Full => {
            let precision =
                model.prediction_precision(settings.predict_precision, trainer.device());
            let splits = (&reviews, &data);
            fine_tune(&mut trainer, model, &mut vars, splits, precision, resume)?
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    if let Some(run) = trainer.run() {
        run.write_summary("wall_seconds", seconds)?;
    }
    match report.best_validation_accuracy {
        Some(accuracy) => {
            println!("Done in {seconds:.0} s (best validation accuracy {accuracy:.4})")
        }
        None => println!("Done in {seconds:.0} s"),
    }
    Ok(())
}

/// Fine-tuning (the top layers or everything): the trainer fits on reviews cut to the training
/// length and keeps the best epoch; those weights (in 8-bit with `Precision::Int8`) then read
/// the validation and test reviews at the prediction length, and the submission is theirs.
fn fine_tune(
    trainer: &mut Trainer,
    mut model: PretrainedClassifier,
    vars: &mut VarStore,
    (reviews, data): (&ReviewSplits, &DataDir),
    precision: Precision,
    resume: Option<&Path>,
) -> Result<FitReport> {
    let clock = Instant::now();
    let fit_on = (&reviews.train, &reviews.validation);
    let report = fit_or_resume(trainer, &model, vars, fit_on, resume)?;
    let training_seconds = clock.elapsed().as_secs_f64();

    // The submission's model: the best epoch's weights, read at the prediction length.
    load_best(trainer, vars, &report)?;
    model.switch_to(precision);
    trainer.set_bf16(precision.bf16());
    let clock = Instant::now();
    let validation = trainer.evaluate(&model, &reviews.final_validation)?;
    let validation_seconds = clock.elapsed().as_secs_f64();
    let (mean, longest) = reviews.final_validation.length_stats();
    println!(
        "The submission's model ({precision:?}, up to {longest} tokens per review, {mean:.0} on \
         average): validation accuracy {:.4}",
        validation.accuracy
    );
    // predict_and_submit records its own seconds_prediction.
    let without_run = runs_root().join("unit9/submission.csv");
    predict_and_submit(trainer, &model, &test_set(reviews, data), &without_run)?;
    if let Some(run) = trainer.run() {
        run.write_summary("submission_validation_accuracy", validation.accuracy)?;
        // What it predicted with: the settings' precision, unless 8-bit weights do not run here.
        run.write_summary("submission_precision", precision)?;
        run.write_summary("seconds_training_and_validation", training_seconds)?;
        run.write_summary("seconds_submission_validation", validation_seconds)?;
    }
    Ok(report)
}

/// Zero-shot: the model's own head (a sentiment model's) predicts, nothing is trained. The
/// submission goes to `runs/unit9/zero-shot-submission.csv`.
fn predict<A: Answers>(predict_args: PredictArgs) -> Result<()> {
    let data = DataDir::resolve(predict_args.data.as_deref())?;
    let args = predict_args.model;
    println!("Data: {data}");
    println!("Device: {}", predict_args.device.on_this_machine()?);
    let trainer = Trainer::new(TrainerConfig {
        batch_size: 16,
        device: predict_args.device,
        ..TrainerConfig::default()
    });
    let mut vars = VarStore::new(trainer.device());
    let pooling = args.pooling.unwrap_or(Pooling::First);
    let loaded = LoadedModel::load(args.model.as_deref(), pooling, &mut vars)?;
    let (folder, model) = (&loaded.folder, &loaded.model);
    if loaded.head_is_new {
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
    let reviews = ReviewSplits::tokenize::<A>(folder, (max_len, max_len), keep, &data)?;
    let evaluation = trainer.evaluate(model, &reviews.validation)?;
    println!(
        "Validation accuracy {:.4} (labels {labels:?})",
        evaluation.accuracy
    );
    let submission = runs_root().join("unit9/zero-shot-submission.csv");
    predict_and_submit(&trainer, model, &test_set(&reviews, &data), &submission)?;
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
    let data_folder = info.config["data_folder"].as_str().map(Path::new);
    let data = DataDir::resolve(data_folder)?;
    let mut trainer_settings = settings.trainer.clone();
    trainer_settings.device = args.device.unwrap_or(trainer_settings.device);
    println!("Device: {}", trainer_settings.device.on_this_machine()?);
    let mut trainer = Trainer::new(trainer_settings);
    let mut vars = VarStore::new(trainer.device());
    let LoadedModel {
        folder: model_folder,
        mut model,
        ..
    } = LoadedModel::load(settings.model.as_deref(), settings.pooling, &mut vars)?;
    load_weights_from(&checkpoint, &mut vars)?;
    let max_len = args.max_len.unwrap_or(settings.predict_max_len());
    let lengths = (settings.max_len, max_len);
    let reviews = ReviewSplits::tokenize::<A>(&model_folder, lengths, settings.keep, &data)?;
    let asked = args.precision.unwrap_or(settings.predict_precision);
    let precision = model.prediction_precision(asked, trainer.device());
    model.switch_to(precision);
    trainer.set_bf16(precision.bf16());
    let clock = Instant::now();
    let validation = trainer.evaluate(&model, &reviews.final_validation)?;
    println!(
        "{}: validation accuracy {:.4} at {max_len} tokens per review, {precision:?} ({} reviews \
         in {:.0} s)",
        checkpoint.display(),
        validation.accuracy,
        reviews.final_validation.sequences.len(),
        clock.elapsed().as_secs_f64()
    );
    Ok(())
}

fn test_set<'a>(reviews: &'a ReviewSplits, data: &'a DataDir) -> TestSet<'a, TokenizedReviews> {
    TestSet {
        reviews: &reviews.test,
        ids: &reviews.test_ids,
        data,
    }
}
