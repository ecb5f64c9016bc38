//! One unit 3 run: data, model, trainer, run folder, submission.

use crate::Learner;
use anyhow::Result;
use course_core::data::DataDir;
use course_core::prepared::BagOfWordsData;
use course_core::tracking::Run;
use course_core::training::{
    fit_and_submit, EarlyStopping, FitReport, Monitor, OptimizerConfig, Splits, Submitted, Trainer,
    TrainerConfig,
};
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
pub fn run<L: Learner>(experiment: Experiment) -> Result<Outcome> {
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
    let model = L::new_model(&vars.root(), data.vectorizer.len());
    let splits = Splits {
        train: &data.train,
        validation: &data.validation,
        test: &data.test,
        test_ids: &data.test_ids,
        data: &experiment.data,
    };
    let (report, submitted) = fit_and_submit(
        &mut trainer,
        &model,
        &mut vars,
        &splits,
        "unit3",
        experiment.resume.as_deref(),
    )?;
    Ok(Outcome { report, submitted })
}

/// The command line of `--example solution` and `--example exercise`. Settings not given come
/// from the learner's [`Learner::trainer_config`] (the course's run).
#[derive(clap::Parser, Debug)]
pub struct Args {
    /// Folder with the Kaggle files (default: IMDB_DIR, then datasets/imdb, then the sample)
    #[arg(long)]
    pub data: Option<PathBuf>,
    #[arg(long)]
    pub epochs: Option<usize>,
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// Learning rate of plain SGD
    #[arg(long)]
    pub learning_rate: Option<f64>,
    #[arg(long, default_value_t = 10_000)]
    pub max_features: usize,
    #[arg(long, default_value_t = 123)]
    pub seed: u64,
    /// Stop after this many epochs without a better validation accuracy
    #[arg(long)]
    pub patience: Option<usize>,
    /// Name of the run folder (default: the date and time)
    #[arg(long)]
    pub run_name: Option<String>,
    /// Continue a run from its checkpoint (its folder is reused)
    #[arg(long)]
    pub resume: Option<PathBuf>,
    /// Train and validate on one batch only, write nothing: checks that everything runs
    #[arg(long)]
    pub fast_dev_run: bool,
    /// Train and validate on the first N batches: a healthy model fits them perfectly
    #[arg(long)]
    pub overfit_batches: Option<usize>,
}

impl Args {
    /// The experiment these arguments ask for, on the learner's settings.
    pub fn experiment<L: Learner>(&self) -> Result<Experiment> {
        let mut trainer = L::trainer_config(self.seed);
        if let Some(epochs) = self.epochs {
            trainer.epochs = epochs;
        }
        if let Some(batch_size) = self.batch_size {
            trainer.batch_size = batch_size;
        }
        if let Some(lr) = self.learning_rate {
            trainer.optimizer = OptimizerConfig::sgd(lr);
        }
        trainer.early_stopping = self.patience.map(|patience| EarlyStopping {
            monitor: Monitor::ValidationAccuracy,
            patience,
            min_delta: 0.0,
        });
        trainer.fast_dev_run = self.fast_dev_run;
        trainer.overfit_batches = self.overfit_batches;
        let run = match &self.resume {
            // checkpoints/last.safetensors -> the run folder two levels up
            Some(checkpoint) => Some(Run::at(
                checkpoint
                    .parent()
                    .and_then(|p| p.parent())
                    .unwrap_or(checkpoint),
            )?),
            None if self.fast_dev_run => None,
            None => Some(Run::create("unit3", self.run_name.as_deref())?),
        };
        Ok(Experiment {
            data: DataDir::resolve(self.data.as_deref())?,
            max_features: self.max_features,
            trainer,
            run,
            resume: self.resume.clone(),
        })
    }
}
