//! The end of every unit's run: predict the test reviews (with the best checkpoint, after a
//! fit), write the Kaggle submission into the run folder, score it offline, and record the
//! figures.

use crate::data::submission::{score_file, write_submission, Score};
use crate::data::DataDir;
use crate::training::{load_weights_from, Dataset, FitReport, Model, Trainer};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use tch::nn::VarStore;

/// Where the submission went and how it scored.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub path: PathBuf,
    pub score: Score,
}

/// The reviews to predict, their Kaggle ids, and where they came from (they are scored from it).
pub struct TestSet<'a, D> {
    pub reviews: &'a D,
    pub ids: &'a [String],
    pub data: &'a DataDir,
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

impl<'a, D> Splits<'a, D> {
    pub fn test_set(&self) -> TestSet<'a, D> {
        TestSet {
            reviews: self.test,
            ids: self.test_ids,
            data: self.data,
        }
    }
}

/// Predicts `test` with the model as it is, writes the submission (into the trainer's run
/// folder, or to `without_run` when it has none), scores it and, with a run folder, adds the
/// test accuracy and the seconds it took (`seconds_prediction`) to `summary.json`.
pub fn predict_and_submit<M, D>(
    trainer: &Trainer,
    model: &M,
    test: &TestSet<D>,
    without_run: &Path,
) -> Result<Submitted>
where
    M: Model,
    D: Dataset<Input = M::Input>,
{
    let clock = std::time::Instant::now();
    let probabilities = trainer.predict(model, test.reviews)?;
    let classes = Vec::<i64>::try_from(probabilities.argmax(-1, false))
        .context("cannot read the predictions")?;
    let predictions: Vec<u8> = classes.into_iter().map(|c| c as u8).collect();

    let path = match trainer.run() {
        Some(run) => run.submission_path(),
        None => without_run.to_path_buf(),
    };
    write_submission(&path, test.ids, &predictions)?;
    let score = score_file(&path, &test.data.test()?)?;
    println!(
        "Submission {}: offline leaderboard accuracy {:.5} ({} of {} test reviews)",
        path.display(),
        score.accuracy(),
        score.correct,
        score.total
    );
    if let Some(run) = trainer.run() {
        run.write_summary("seconds_prediction", clock.elapsed().as_secs_f64())?;
        run.write_summary("test_accuracy", score.accuracy())?;
        run.write_summary("test_reviews", score.total)?;
        run.write_summary("data", test.data.to_string())?;
    }
    Ok(Submitted { path, score })
}

/// Fits (or continues from the checkpoint `resume`) and says which epoch was best.
pub fn fit_or_resume<M, D>(
    trainer: &mut Trainer,
    model: &M,
    vars: &mut VarStore,
    (train, validation): (&D, &D),
    resume: Option<&Path>,
) -> Result<FitReport>
where
    M: Model,
    D: Dataset<Input = M::Input>,
{
    let report = match resume {
        Some(checkpoint) => trainer.resume(checkpoint, model, vars, train, validation)?,
        None => trainer.fit(model, vars, train, validation)?,
    };
    match report.best_validation_accuracy {
        Some(accuracy) => println!(
            "Best validation accuracy {accuracy:.4} at epoch {}{}",
            report.best_epoch,
            if report.stopped_early {
                " (stopped early)"
            } else {
                ""
            }
        ),
        None => println!("Trained {} epoch(s), not validated", report.best_epoch),
    }
    Ok(report)
}

/// Loads the best epoch's weights (when the run saved them) and records which epoch it was.
pub fn load_best(trainer: &Trainer, vars: &mut VarStore, report: &FitReport) -> Result<()> {
    if let Some(best) = &report.best_checkpoint {
        load_weights_from(best, vars)?;
        println!(
            "Predicting with the best checkpoint (epoch {})",
            report.best_epoch
        );
    }
    if let Some(run) = trainer.run() {
        run.write_summary("best_epoch", report.best_epoch)?;
        if let Some(accuracy) = report.best_validation_accuracy {
            run.write_summary("best_validation_accuracy", accuracy)?;
        }
    }
    Ok(())
}

/// A unit's whole run: fit (or continue from the checkpoint `resume`), say which epoch was
/// best, then predict the test reviews with the best checkpoint and submit (without a run
/// folder, to `runs/<unit>/submission.csv`).
pub fn fit_and_submit<M, D>(
    trainer: &mut Trainer,
    model: &M,
    vars: &mut VarStore,
    splits: &Splits<D>,
    unit: &str,
    resume: Option<&Path>,
) -> Result<(FitReport, Submitted)>
where
    M: Model,
    D: Dataset<Input = M::Input>,
{
    let fit_on = (splits.train, splits.validation);
    let report = fit_or_resume(trainer, model, vars, fit_on, resume)?;
    load_best(trainer, vars, &report)?;
    let without_run = crate::tracking::runs_root()
        .join(unit)
        .join("submission.csv");
    let submitted = predict_and_submit(trainer, model, &splits.test_set(), &without_run)?;
    Ok((report, submitted))
}
