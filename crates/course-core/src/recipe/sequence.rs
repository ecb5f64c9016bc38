//! The run every sequence unit (5-8) makes: open the run from the unit's preset and the
//! request, read and encode the reviews, build the unit's model and start its embedding table,
//! fit it through the [`Trainer`], and submit the test predictions. A unit says only what
//! differs: its presets, its flags, and how it builds its model.

use super::start::{start_run, RunRequest, SettingsPreset, UnitSettings};
use super::submit::{fit_and_submit, Splits, Submitted};
use crate::prepared::{SequenceData, SequenceLayout};
use crate::text::{start_embedding, PaddedBatch, WordVectors};
use crate::training::{FitReport, Model, Trainer, TrainerConfig};
use anyhow::Result;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tch::nn::{self, VarStore};

/// A sequence unit's whole settings for one run: what `config.json` stores.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SequenceSettings<M> {
    /// Word ids kept, padding included (the course: 10,000).
    pub num_words: usize,
    pub layout: SequenceLayout,
    /// The unit's model.
    pub model: M,
    pub trainer: TrainerConfig,
}

impl<M: Serialize + DeserializeOwned + Clone> UnitSettings for SequenceSettings<M> {
    fn trainer_mut(&mut self) -> &mut TrainerConfig {
        &mut self.trainer
    }
}

/// A model the sequence recipe trains: word ids in, two scores out, with an embedding table
/// that pre-trained vectors may start.
pub trait SequenceModel: Model<Input = PaddedBatch> {
    fn embedding_mut(&mut self) -> &mut nn::Embedding;
}

/// One sequence unit's run, before it starts.
pub struct SequenceRun<'a, P> {
    /// `unit5` ... `unit8`: `runs/<unit>/`.
    pub unit: &'static str,
    /// The settings a new run starts from (a resumed run has its own).
    pub preset: P,
    pub request: &'a RunRequest,
    /// Vectors to start a new run's embedding table from (its width becomes the table's);
    /// `None`: random.
    pub vectors: Option<WordVectors>,
}

impl<P, C> SequenceRun<'_, P>
where
    P: SettingsPreset<Settings = SequenceSettings<C>>,
    C: Serialize + DeserializeOwned + Clone,
{
    /// The recipe. `apply` writes the unit's own flags over the settings (it is given the width
    /// of the vectors, when there are some); `build` makes the model on the run's variables.
    pub fn train<M: SequenceModel>(
        self,
        apply: impl Fn(&mut SequenceSettings<C>, Option<i64>),
        build: impl FnOnce(&nn::Path, &C) -> Result<M>,
    ) -> Result<Trained<M>> {
        let width = self.vectors.as_ref().map(|v| v.vectors.size()[1]);
        let preset = self.preset;
        let start = start_run(
            self.unit,
            &preset.name(),
            self.request,
            |seed| preset.settings(seed),
            |settings| apply(settings, width),
        )?;
        let settings = start.config;
        println!("Data: {}", start.data);
        let data = SequenceData::load(&start.data, settings.num_words, settings.layout)?;

        // The same seed gives the same initial weights, whatever the unit.
        tch::manual_seed(settings.trainer.seed as i64);
        let mut trainer = Trainer::new(settings.trainer.clone());
        let mut vars = VarStore::new(trainer.device());
        let mut model = build(&vars.root(), &settings.model)?;
        let init = start_embedding(
            model.embedding_mut(),
            &data.word_index,
            self.vectors.as_ref(),
        )?;

        let mut run = start.run;
        run.describe("model", json!({ "config": &settings.model, "init": init }))?;
        run.describe(
            "data",
            json!({
                "folder": start.data.to_string(),
                "num_words": settings.num_words,
                "layout": settings.layout,
            }),
        )?;
        println!(
            "Model: {} parameters; run folder: {}",
            parameter_count(&vars),
            run.path().display()
        );
        let run_folder = run.path().to_path_buf();
        trainer = trainer.with_run(run);
        let splits = Splits {
            train: &data.train,
            validation: &data.validation,
            test: &data.test,
            test_ids: &data.test_ids,
            data: &start.data,
        };
        let resume = start.checkpoint.as_deref();
        let (report, submitted) =
            fit_and_submit(&mut trainer, &model, &mut vars, &splits, self.unit, resume)?;
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

/// What a [`SequenceRun`] leaves: the model with its best weights loaded, the data, the figures.
pub struct Trained<M> {
    pub model: M,
    pub vars: VarStore,
    pub data: SequenceData,
    pub report: FitReport,
    pub submitted: Submitted,
    pub run_folder: std::path::PathBuf,
}

/// The number of trainable numbers in `vars`.
pub fn parameter_count(vars: &VarStore) -> i64 {
    vars.trainable_variables()
        .iter()
        .map(|t| t.numel() as i64)
        .sum()
}
