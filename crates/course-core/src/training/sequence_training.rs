//! The run every sequence unit (5-8) makes: read and encode the reviews, open a run folder,
//! build the unit's model, fit it through the [`Trainer`], and submit the test predictions.
//! A unit only says how to build its model.

use super::config::TrainerConfig;
use super::model::Model;
use super::submit::{fit_and_submit, Splits, Submitted};
use super::trainer::{FitReport, Trainer};
use crate::data::DataDir;
use crate::prepared::{SequenceData, SequenceLayout};
use crate::text::PaddedBatch;
use crate::tracking::RunFolder;
use anyhow::Result;
use serde_json::json;
use tch::nn::{self, VarStore};

/// One classifier trained on word-id sequences.
pub struct SequenceTraining<'a> {
    /// `unit6`, ...: where the submission goes when the run writes no folder.
    pub unit: &'a str,
    /// The run folder ([`start_run`](super::start_run) opens it).
    pub run: RunFolder,
    /// Continue from this checkpoint (`--resume`); `None` starts from the beginning.
    pub checkpoint: Option<std::path::PathBuf>,
    pub data: &'a DataDir,
    /// Word ids kept, padding included (the course: 10,000).
    pub num_words: usize,
    pub layout: SequenceLayout,
    pub trainer: TrainerConfig,
}

impl SequenceTraining<'_> {
    /// Loads the data, then `build`s the model on the run's variables (it may read the data,
    /// e.g. the word index, to initialise an embedding table) and returns it with a description
    /// for `config.json`; fits, predicts the test reviews with the best checkpoint and submits.
    pub fn train<M, F>(self, build: F) -> Result<Trained<M>>
    where
        M: Model<Input = PaddedBatch>,
        F: FnOnce(&nn::Path, &SequenceData) -> Result<(M, serde_json::Value)>,
    {
        println!("Data: {}", self.data);
        let data = SequenceData::load(self.data, self.num_words, self.layout)?;
        let mut run = self.run;
        let mut trainer = Trainer::new(self.trainer.clone());
        // The same seed gives the same initial weights, whatever the unit.
        tch::manual_seed(self.trainer.seed as i64);
        let mut vars = VarStore::new(trainer.device());
        let (model, description) = build(&vars.root(), &data)?;
        run.describe("model", description)?;
        run.describe(
            "data",
            json!({
                "folder": self.data.to_string(),
                "num_words": self.num_words,
                "layout": self.layout,
            }),
        )?;
        println!(
            "Model: {} parameters; run folder: {}",
            parameter_count(&vars),
            run.path().display()
        );
        trainer = trainer.with_run(run);
        let splits = Splits {
            train: &data.train,
            validation: &data.validation,
            test: &data.test,
            test_ids: &data.test_ids,
            data: self.data,
        };
        let (report, submitted) = fit_and_submit(
            &mut trainer,
            &model,
            &mut vars,
            &splits,
            self.unit,
            self.checkpoint.as_deref(),
        )?;
        let run_folder = trainer.run().map(|run| run.path().to_path_buf());
        Ok(Trained {
            model,
            vars,
            data,
            report,
            submitted,
            run_folder,
        })
    }
}

/// What a [`SequenceTraining`] leaves: the model with its best weights loaded, the data, the figures.
pub struct Trained<M> {
    pub model: M,
    pub vars: VarStore,
    pub data: SequenceData,
    pub report: FitReport,
    pub submitted: Submitted,
    pub run_folder: Option<std::path::PathBuf>,
}

/// The number of trainable numbers in `vars`.
pub fn parameter_count(vars: &VarStore) -> i64 {
    vars.trainable_variables()
        .iter()
        .map(|t| t.numel() as i64)
        .sum()
}
