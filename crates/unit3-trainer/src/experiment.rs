//! One unit 3 run: data, model, trainer, run folder, submission.

use crate::model::BagOfWordsClassifier;
use anyhow::Result;
use course_core::data::DataDir;
use course_core::prepared::BagOfWordsData;
use course_core::tracking::Run;
use course_core::training::{predict_and_submit, FitReport, Submitted, Trainer, TrainerConfig};
use serde_json::json;
use std::path::PathBuf;
use tch::nn::VarStore;

/// What to run.
pub struct Experiment {
    pub data: DataDir,
    pub max_features: usize,
    pub trainer: TrainerConfig,
    /// The run folder (`None`: nothing is written but the submission at `runs/unit3/submission.csv`).
    pub run: Option<Run>,
    /// Continue from this checkpoint (a run's `checkpoints/last.safetensors`).
    pub resume: Option<PathBuf>,
}

/// What came out.
pub struct Outcome {
    pub report: FitReport,
    pub submitted: Submitted,
}

/// Loads the data, trains the bag-of-words classifier through the Trainer, and submits.
pub fn run(experiment: Experiment) -> Result<Outcome> {
    println!("Data: {}", experiment.data);
    let data = BagOfWordsData::load(&experiment.data, experiment.max_features)?;
    let mut trainer = Trainer::new(experiment.trainer);
    println!(
        "Device: {}",
        course_core::device::describe(trainer.device())
    );
    if let Some(mut run) = experiment.run {
        run.describe(
            "model",
            json!({ "name": "bag of words + Linear", "n_features": data.vectorizer.len() }),
        )?;
        run.describe(
            "data",
            json!({
                "folder": experiment.data.to_string(),
                "train": data.train.counts.len(),
                "validation": data.validation.counts.len(),
                "test": data.test.counts.len(),
                "max_features": experiment.max_features,
            }),
        )?;
        println!("Run folder: {}", run.path().display());
        trainer = trainer.with_run(run);
    }

    tch::manual_seed(trainer.config().seed as i64);
    let mut vars = VarStore::new(trainer.device());
    let model = BagOfWordsClassifier::new(&vars.root(), data.vectorizer.len());
    let report = match &experiment.resume {
        Some(checkpoint) => {
            trainer.resume(checkpoint, &model, &mut vars, &data.train, &data.validation)?
        }
        None => trainer.fit(&model, &mut vars, &data.train, &data.validation)?,
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
    let fallback = course_core::tracking::runs_root().join("unit3/submission.csv");
    let submitted = predict_and_submit(
        &trainer,
        &model,
        &mut vars,
        &report,
        &data.test,
        &data.test_ids,
        &experiment.data,
        fallback,
    )?;
    Ok(Outcome { report, submitted })
}
