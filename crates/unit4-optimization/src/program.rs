//! The unit's program, shared by `--example solution` and `--example exercise`:
//! `train` (the faithful or the tuned run), `lr-find` and `search`.

use crate::configs::{self, RunConfig};
use crate::model::Mlp;
use crate::search::{random_trials, results_table, SearchSpace, TrialResult};
use crate::Learner;
use anyhow::Result;
use clap::{Subcommand, ValueEnum};
use course_core::cli::VocabularyOptions;
use course_core::data::DataDir;
use course_core::prepared::BagOfWordsData;
use course_core::tracking::{runs_root, Run};
use course_core::training::{fit_and_submit, LrFinder, Splits, Trainer};
use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;
use tch::nn::VarStore;

/// The command line: a command, or with none, `train` (its options work without the word).
pub type Args = course_core::cli::UnitArgs<Command, TrainArgs>;

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Train, validate, predict the test set and write a submission (runs/unit4/<name>/); the
    /// default
    Train(TrainArgs),
    /// Sweep the learning rate of the tuned model and suggest one (runs/unit4/lr_finder.png)
    LrFind {
        #[arg(long)]
        data: Option<PathBuf>,
        #[arg(long, default_value_t = 300)]
        steps: usize,
    },
    /// Train short runs over learning rate x weight decay x dropout; print the table
    Search {
        /// Draw N random trials instead of the whole grid
        #[arg(long)]
        random: Option<usize>,
        /// Epochs per trial
        #[arg(long, default_value_t = 3)]
        epochs: usize,
        #[arg(long, default_value_t = 123)]
        seed: u64,
        #[arg(long)]
        data: Option<PathBuf>,
    },
}

#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    #[arg(long, value_enum, default_value_t = Which::Tuned)]
    pub config: Which,
    #[arg(long, default_value_t = 123)]
    pub seed: u64,
    #[command(flatten)]
    pub overrides: Overrides,
    /// Folder with the Kaggle files (default: IMDB_DIR, then datasets/imdb, then the sample)
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Name of the run folder (default: the config, seed and time)
    #[arg(long)]
    pub run_name: Option<String>,
}

/// Changes to the chosen configuration, to try your own ideas from the command line.
#[derive(clap::Args, Debug, Default)]
pub struct Overrides {
    #[arg(long)]
    pub epochs: Option<usize>,
    #[command(flatten)]
    pub vocabulary: VocabularyOptions,
    /// Hidden layer widths, e.g. --hidden 64,32
    #[arg(long, value_delimiter = ',')]
    pub hidden: Option<Vec<i64>>,
    #[arg(long)]
    pub dropout: Option<f64>,
    #[arg(long)]
    pub batch_norm: Option<bool>,
    #[arg(long)]
    pub log_counts: Option<bool>,
    /// Peak learning rate of the config's optimiser
    #[arg(long)]
    pub lr: Option<f64>,
    /// Weight decay of the config's optimiser
    #[arg(long)]
    pub weight_decay: Option<f64>,
    #[arg(long)]
    pub batch_size: Option<usize>,
}

impl Overrides {
    pub fn apply(&self, config: &mut RunConfig) {
        use course_core::training::OptimizerConfig as O;
        if let Some(v) = self.epochs {
            config.trainer.epochs = v;
        }
        self.vocabulary
            .apply(&mut config.max_features, &mut config.terms);
        if let Some(v) = &self.hidden {
            config.mlp.hidden = v.clone();
        }
        if let Some(v) = self.dropout {
            config.mlp.dropout = v;
        }
        if let Some(v) = self.batch_norm {
            config.mlp.batch_norm = v;
        }
        if let Some(v) = self.log_counts {
            config.mlp.log_counts = v;
        }
        if let Some(v) = self.batch_size {
            config.trainer.batch_size = v;
        }
        match &mut config.trainer.optimizer {
            O::Sgd {
                lr, weight_decay, ..
            }
            | O::Adam {
                lr, weight_decay, ..
            }
            | O::AdamW {
                lr, weight_decay, ..
            } => {
                if let Some(v) = self.lr {
                    *lr = v;
                }
                if let Some(v) = self.weight_decay {
                    *weight_decay = v;
                }
            }
        }
    }
}

/// Which run configuration.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// The course's MLP and settings, as they were
    Faithful,
    /// Tuned: bigger vocabulary, log counts, dropout, AdamW, warm-up + cosine
    Tuned,
}

pub fn run<L: Learner>(args: Args) -> Result<()> {
    match args.into_command(Command::Train) {
        Command::Train(TrainArgs {
            config,
            seed,
            overrides,
            data,
            run_name,
        }) => {
            let mut run_config = match config {
                Which::Faithful => configs::faithful(seed),
                Which::Tuned => configs::tuned(seed),
            };
            overrides.apply(&mut run_config);
            let name = run_name.unwrap_or_else(|| {
                let which = format!("{config:?}").to_lowercase();
                format!(
                    "{which}-seed{seed}-{}",
                    course_core::tracking::timestamp_name()
                )
            });
            train::<L>(&DataDir::resolve(data.as_deref())?, run_config, &name)
        }
        Command::LrFind { data, steps } => lr_find::<L>(&DataDir::resolve(data.as_deref())?, steps),
        Command::Search {
            random,
            epochs,
            seed,
            data,
        } => search::<L>(&DataDir::resolve(data.as_deref())?, random, epochs, seed),
    }
}

/// One full run with its folder, checkpoints and submission. Returns the test accuracy when
/// the test labels are known (the offline scorer).
pub fn train<L: Learner>(data_dir: &DataDir, config: RunConfig, run_name: &str) -> Result<()> {
    println!("Data: {data_dir}");
    let data = BagOfWordsData::load_terms(data_dir, config.max_features, config.terms)?;
    let mut run = Run::create("unit4", Some(run_name))?;
    run.describe(
        "model",
        json!({ "mlp": &config.mlp, "n_features": data.vectorizer.len() }),
    )?;
    run.describe(
        "data",
        json!({ "folder": data_dir.to_string(), "max_features": config.max_features }),
    )?;
    println!("Run folder: {}", run.path().display());
    let mut trainer = Trainer::new(config.trainer.clone()).with_run(run);
    println!(
        "Device: {}",
        course_core::device::describe(trainer.device())
    );
    tch::manual_seed(config.trainer.seed as i64);
    let mut vars = VarStore::new(trainer.device());
    let model = Mlp::<L>::new(&vars.root(), data.vectorizer.len() as i64, &config.mlp);
    let splits = Splits {
        train: &data.train,
        validation: &data.validation,
        test: &data.test,
        test_ids: &data.test_ids,
        data: data_dir,
    };
    fit_and_submit(&mut trainer, &model, &mut vars, &splits, "unit4", None)?;
    Ok(())
}

fn lr_find<L: Learner>(data_dir: &DataDir, steps: usize) -> Result<()> {
    let config = configs::tuned(123);
    let data = BagOfWordsData::load_terms(data_dir, config.max_features, config.terms)?;
    tch::manual_seed(123);
    let mut vars = VarStore::new(course_core::device::best_device());
    let model = Mlp::<L>::new(&vars.root(), data.vectorizer.len() as i64, &config.mlp);
    let finder = LrFinder {
        steps,
        batch_size: config.trainer.batch_size,
        ..LrFinder::default()
    };
    let finding = finder.run(&config.trainer.optimizer, &model, &mut vars, &data.train)?;
    let path = runs_root().join("unit4/lr_finder.png");
    std::fs::create_dir_all(path.parent().expect("a file in runs/unit4"))?;
    course_core::tracking::plot::lr_finder(&path, &finding)?;
    println!(
        "Swept {} steps from {:.0e} to {:.1e}; the loss falls fastest at {:.1e}",
        finding.lrs.len(),
        finding.lrs.first().copied().unwrap_or(f64::NAN),
        finding.lrs.last().copied().unwrap_or(f64::NAN),
        finding.suggestion
    );
    println!("Plot: {}", path.display());
    Ok(())
}

fn search<L: Learner>(
    data_dir: &DataDir,
    random: Option<usize>,
    epochs: usize,
    seed: u64,
) -> Result<()> {
    let base = configs::tuned(seed);
    let data = BagOfWordsData::load_terms(data_dir, base.max_features, base.terms)?;
    let space = SearchSpace::default();
    let trials = match random {
        Some(n) => random_trials(&space, n, seed),
        None => L::grid(&space),
    };
    println!("{} trials of {epochs} epochs on {data_dir}", trials.len());
    let mut results = Vec::new();
    for (index, trial) in trials.iter().enumerate() {
        let started = Instant::now();
        let mut config = base.clone();
        config.mlp.dropout = trial.dropout;
        config.trainer.epochs = epochs;
        config.trainer.progress = false;
        config.trainer.optimizer = course_core::training::OptimizerConfig::AdamW {
            lr: trial.learning_rate,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: trial.weight_decay,
        };
        tch::manual_seed(seed as i64);
        let mut vars = VarStore::new(course_core::device::best_device());
        let model = Mlp::<L>::new(&vars.root(), data.vectorizer.len() as i64, &config.mlp);
        let report =
            Trainer::new(config.trainer).fit(&model, &mut vars, &data.train, &data.validation)?;
        let result = TrialResult {
            trial: *trial,
            best_validation_accuracy: report.best_validation_accuracy,
            best_epoch: report.best_epoch,
            seconds: started.elapsed().as_secs_f64(),
        };
        println!(
            "trial {:>2}/{}: lr {:.0e}, weight decay {}, dropout {} -> val acc {:.4} ({:.1}s)",
            index + 1,
            trials.len(),
            trial.learning_rate,
            trial.weight_decay,
            trial.dropout,
            result.best_validation_accuracy,
            result.seconds
        );
        results.push(result);
    }
    let table = results_table(&results);
    println!("\n{table}");
    let path = runs_root().join("unit4/search.md");
    std::fs::create_dir_all(path.parent().expect("a file in runs/unit4"))?;
    course_core::fs::write_bytes_atomically(&path, table.as_bytes())?;
    println!("Table: {}", path.display());
    Ok(())
}
