//! The end of every unit's run: predict the test reviews with the best checkpoint, write the
//! Kaggle submission into the run folder, score it offline, and record the figures.

use super::model::{Dataset, Model};
use super::trainer::{load_weights_from, FitReport, Trainer};
use crate::data::submission::{score_file, write_submission, Score};
use crate::data::DataDir;
use anyhow::{Context, Result};
use std::path::PathBuf;
use tch::nn::VarStore;

/// Where the submission went and how it scored.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub path: PathBuf,
    pub score: Score,
}

/// Loads the best checkpoint (when the run saved one), predicts `test`, writes the submission
/// (into the run folder, or `fallback` without one), scores it against `data`'s test reviews
/// and, with a run, adds the figures to `summary.json`.
#[allow(clippy::too_many_arguments)]
pub fn predict_and_submit<M, D>(
    trainer: &Trainer,
    model: &M,
    vars: &mut VarStore,
    report: &FitReport,
    test: &D,
    test_ids: &[String],
    data: &DataDir,
    fallback: PathBuf,
) -> Result<Submitted>
where
    M: Model,
    D: Dataset<Input = M::Input>,
{
    if let Some(best) = &report.best_checkpoint {
        load_weights_from(best, vars)?;
        println!(
            "Predicting with the best checkpoint (epoch {})",
            report.best_epoch
        );
    }
    let probabilities = trainer.predict(model, test)?;
    let classes = Vec::<i64>::try_from(probabilities.argmax(-1, false))
        .context("cannot read the predictions")?;
    let predictions: Vec<u8> = classes.into_iter().map(|c| c as u8).collect();

    let path = trainer.run().map_or(fallback, |run| run.submission_path());
    write_submission(&path, test_ids, &predictions)?;
    let score = score_file(&path, &data.test()?)?;
    println!(
        "Submission {}: offline leaderboard accuracy {:.5} ({} of {} test reviews)",
        path.display(),
        score.accuracy(),
        score.correct,
        score.total
    );
    if let Some(run) = trainer.run() {
        run.write_summary("test_accuracy", score.accuracy())?;
        run.write_summary("test_reviews", score.total)?;
        run.write_summary("best_epoch", report.best_epoch)?;
        run.write_summary("best_validation_accuracy", report.best_validation_accuracy)?;
        run.write_summary("data", data.to_string())?;
    }
    Ok(Submitted { path, score })
}

/// A unit's data as a run uses it: train and validation to fit on, test to predict.
pub struct Splits<'a, D> {
    pub train: &'a D,
    pub validation: &'a D,
    pub test: &'a D,
    pub test_ids: &'a [String],
    /// Where the reviews came from (the test reviews are scored from it).
    pub data: &'a DataDir,
}

/// Fits (or continues from the checkpoint `resume`) and says which epoch was best.
pub fn fit_or_resume<M, D>(
    trainer: &mut Trainer,
    model: &M,
    vars: &mut VarStore,
    train: &D,
    validation: &D,
    resume: Option<&std::path::Path>,
) -> Result<FitReport>
where
    M: Model,
    D: Dataset<Input = M::Input>,
{
    let report = match resume {
        Some(checkpoint) => trainer.resume(checkpoint, model, vars, train, validation)?,
        None => trainer.fit(model, vars, train, validation)?,
    };
    println!(
        "Best validation accuracy {:.4} at epoch {}{}",
        report.best_validation_accuracy,
        report.best_epoch,
        if report.stopped_early {
            " (stopped early)"
        } else {
            ""
        }
    );
    Ok(report)
}

/// A unit's whole run: fit (or continue from the checkpoint `resume`), say which epoch was
/// best, then predict the test reviews with the best checkpoint and submit
/// ([`predict_and_submit`]). Without a run folder the submission goes to
/// `runs/<unit>/submission.csv`.
pub fn fit_and_submit<M, D>(
    trainer: &mut Trainer,
    model: &M,
    vars: &mut VarStore,
    splits: &Splits<D>,
    unit: &str,
    resume: Option<&std::path::Path>,
) -> Result<(FitReport, Submitted)>
where
    M: Model,
    D: Dataset<Input = M::Input>,
{
    let report = fit_or_resume(
        trainer,
        model,
        vars,
        splits.train,
        splits.validation,
        resume,
    )?;
    let fallback = crate::tracking::runs_root()
        .join(unit)
        .join("submission.csv");
    let submitted = predict_and_submit(
        trainer,
        model,
        vars,
        &report,
        splits.test,
        splits.test_ids,
        splits.data,
        fallback,
    )?;
    Ok((report, submitted))
}
