//! Unit 3's program, shared by `--example solution` and `--example exercise`: one run of the
//! bag-of-words classifier through the Trainer: data, model, run folder, submission.

use crate::configs::{Settings, Vocabulary};
use crate::Answers;
use anyhow::Result;
use course_core::cli::{set, TrainOptions, VocabularyOptions};
use course_core::data::DataDir;
use course_core::prepared::BagOfWordsData;
use course_core::recipe::{fit_and_submit, start_run, with_requests, Splits, Submitted};
use course_core::text::Terms;
use course_core::tracking::RunFolder;
use course_core::training::{EarlyStopping, FitReport, Monitor, Trainer, TrainerConfig};
use serde_json::json;
use std::path::PathBuf;
use tch::nn::VarStore;

/// What to run.
pub struct Experiment {
    pub data: DataDir,
    /// What the bag counts: how many terms, and which.
    pub max_features: usize,
    pub terms: Terms,
    pub trainer: TrainerConfig,
    /// The run folder (`None`: nothing is written but the submission at `runs/unit3/submission.csv`).
    pub run: Option<RunFolder>,
    /// Continue from this checkpoint (a run's `checkpoints/last.safetensors`).
    pub resume: Option<PathBuf>,
}

/// What came out.
pub struct Outcome {
    pub report: FitReport,
    pub submitted: Submitted,
}

/// The unit's job: the experiment `args` ask for (a new run, or `--resume`d), trained.
pub fn run<A: Answers>(args: Args) -> Result<Outcome> {
    train::<A>(args.experiment::<A>()?)
}

/// The recipe: loads the data, trains the bag-of-words classifier through the Trainer, and submits.
pub fn train<A: Answers>(experiment: Experiment) -> Result<Outcome> {
    println!("Data: {}", experiment.data);
    let data =
        BagOfWordsData::load_terms(&experiment.data, experiment.max_features, experiment.terms)?;
    let mut trainer = Trainer::new(experiment.trainer);
    if let Some(mut run) = experiment.run {
        run.describe(
            "model",
            json!({
                "name": "bag of words + Linear",
                "n_features": data.vectorizer.len(),
                "terms": experiment.terms,
            }),
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
    let model = A::new_model(&vars.root(), data.vectorizer.len());
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

// ---- The command line ---------------------------------------------------------------------

/// The command line of `--example solution` and `--example exercise`: the shared training
/// flags (`--data`, `--epochs`, `--lr`, `--resume`, ...) and unit 3's. Settings not given come
/// from the learner's [`Answers::trainer_config`] (the course's run).
#[derive(clap::Parser, Debug)]
pub struct Args {
    /// What the bag counts: `large` (100,000 words and word pairs, stop words kept; the
    /// leaderboard's run) or `course` (the course's 10,000 single words, stop words removed);
    /// the three flags below change one of its settings
    #[arg(long, value_enum, default_value_t = Vocabulary::Large, conflicts_with = "resume")]
    pub vocabulary: Vocabulary,
    #[command(flatten)]
    pub vocabulary_options: VocabularyOptions,
    /// Stop after this many epochs without a better validation accuracy
    #[arg(long)]
    pub patience: Option<usize>,
    /// Train and validate on one batch only, write nothing: checks that everything runs
    #[arg(long, conflicts_with = "resume")]
    pub fast_dev_run: bool,
    /// Train and validate on the first N batches: a healthy model fits them perfectly
    #[arg(long)]
    pub overfit_batches: Option<usize>,
    #[command(flatten)]
    pub options: TrainOptions,
}

impl Args {
    /// The experiment these arguments ask for, on the learner's settings.
    pub fn experiment<A: Answers>(&self) -> Result<Experiment> {
        let fresh = |seed| {
            let (max_features, terms) = self.vocabulary.settings();
            Settings {
                max_features,
                terms,
                trainer: A::trainer_config(seed),
            }
        };
        let request = self.options.request();
        if self.fast_dev_run {
            // One batch, nothing written: no run folder.
            let settings = with_requests(fresh(request.seed()), &request, |s| self.apply(s));
            println!("Device: {}", settings.trainer.device.on_this_machine()?);
            return Ok(Experiment {
                data: request.data_dir()?,
                max_features: settings.max_features,
                terms: settings.terms,
                trainer: settings.trainer,
                run: None,
                resume: None,
            });
        }
        let what = format!("{:?}", self.vocabulary);
        let start = start_run("unit3", &what, &request, fresh, |s| self.apply(s))?;
        Ok(Experiment {
            data: start.data,
            max_features: start.config.max_features,
            terms: start.config.terms,
            trainer: start.config.trainer,
            run: Some(start.run),
            resume: start.checkpoint,
        })
    }

    /// Writes the unit's flags that were given over `settings`.
    fn apply(&self, settings: &mut Settings) {
        self.vocabulary_options
            .apply(&mut settings.max_features, &mut settings.terms);
        if let Some(patience) = self.patience {
            settings.trainer.early_stopping = Some(EarlyStopping {
                monitor: Monitor::ValidationAccuracy,
                patience,
                min_delta: 0.0,
            });
        }
        settings.trainer.fast_dev_run = self.fast_dev_run;
        set(
            &mut settings.trainer.overfit_batches,
            self.overfit_batches.map(Some),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn experiment(arguments: &[&str]) -> Experiment {
        let mut all = vec!["solution", "--fast-dev-run"];
        all.extend(arguments);
        Args::try_parse_from(all)
            .unwrap()
            .experiment::<crate::Solution>()
            .unwrap()
    }

    #[test]
    fn the_default_vocabulary_is_the_large_one_and_the_course_one_is_a_flag_away() {
        let large = experiment(&[]);
        assert_eq!(
            (large.max_features, large.terms),
            (100_000, Terms::WORDS_AND_PAIRS)
        );
        let course = experiment(&["--vocabulary", "course"]);
        assert_eq!((course.max_features, course.terms), (10_000, Terms::COURSE));
        // The course's trainer settings either way: only the vocabulary differs.
        assert_eq!(large.trainer, course.trainer);
    }

    #[test]
    fn single_settings_override_the_chosen_vocabulary() {
        let mixed = experiment(&[
            "--vocabulary",
            "course",
            "--max-features",
            "500",
            "--ngrams",
            "2",
            "--keep-stop-words",
            "true",
        ]);
        assert_eq!(mixed.max_features, 500);
        assert_eq!(mixed.terms, Terms::WORDS_AND_PAIRS);
    }

    #[test]
    fn ngrams_other_than_one_or_two_are_refused() {
        let error = Args::try_parse_from(["solution", "--ngrams", "3"]).unwrap_err();
        assert!(error.to_string().contains("1..=2"), "{error}");
    }
}
