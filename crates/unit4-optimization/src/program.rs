//! The unit's program, shared by `--example solution` and `--example exercise`:
//! `train` (the faithful or the tuned run), `lr-find` and `search`.

use crate::configs::{self, Preset, Settings};
use crate::model::Mlp;
use crate::search::{random_trials, results_table, SearchSpace, TrialResult};
use crate::Answers;
use anyhow::{Context, Result};
use clap::Subcommand;
use course_core::cli::{set, TrainOptions, VocabularyOptions};
use course_core::data::DataDir;
use course_core::prepared::BagOfWordsData;
use course_core::recipe::{fit_and_submit, start_run, SettingsPreset, Splits};
use course_core::tracking::runs_root;
use course_core::training::{DeviceChoice, LrFinder, Trainer};
use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;
use tch::nn::VarStore;

pub fn run<A: Answers>(args: Args) -> Result<()> {
    match args.into_command(Command::Train) {
        Command::Train(train_args) => train::<A>(train_args),
        Command::LrFind {
            data,
            steps,
            device,
        } => lr_find::<A>(&DataDir::resolve(data.as_deref())?, steps, device),
        Command::Search {
            random,
            epochs,
            seed,
            data,
            device,
        } => {
            let data = DataDir::resolve(data.as_deref())?;
            search::<A>(&data, (random, epochs, seed), device)
        }
    }
}

/// The recipe: settings -> data -> model -> `Trainer::fit` -> submission.
pub fn train<A: Answers>(args: TrainArgs) -> Result<()> {
    let preset = args.preset;
    let start = start_run(
        "unit4",
        &preset.name(),
        &args.options.request(),
        |seed| preset.settings(seed),
        |settings| args.apply(settings),
    )?;
    let (config, data_dir, mut run) = (start.config, start.data, start.run);
    println!("Data: {data_dir}");
    let data = BagOfWordsData::load_terms(&data_dir, config.max_features, config.terms)?;
    run.describe(
        "model",
        json!({ "mlp": &config.mlp, "n_features": data.vectorizer.len() }),
    )?;
    println!("Run folder: {}", run.path().display());
    let mut trainer = Trainer::new(config.trainer.clone()).with_run(run);
    tch::manual_seed(config.trainer.seed as i64);
    let mut vars = VarStore::new(trainer.device());
    let model = Mlp::<A>::new(&vars.root(), data.vectorizer.len() as i64, &config.mlp);
    let splits = Splits {
        train: &data.train,
        validation: &data.validation,
        test: &data.test,
        test_ids: &data.test_ids,
        data: &data_dir,
    };
    let resume = start.checkpoint.as_deref();
    fit_and_submit(&mut trainer, &model, &mut vars, &splits, "unit4", resume)?;
    Ok(())
}

fn lr_find<A: Answers>(data_dir: &DataDir, steps: usize, device: DeviceChoice) -> Result<()> {
    let device = device.on_this_machine()?;
    println!("Device: {device}");
    let config = configs::tuned(123);
    let data = BagOfWordsData::load_terms(data_dir, config.max_features, config.terms)?;
    tch::manual_seed(123);
    let mut vars = VarStore::new(device.device);
    let model = Mlp::<A>::new(&vars.root(), data.vectorizer.len() as i64, &config.mlp);
    let finder = LrFinder {
        steps,
        batch_size: config.trainer.batch_size,
        ..LrFinder::default()
    };
    let finding = finder.run(&config.trainer.optimizer, &model, &mut vars, &data.train)?;
    let path = runs_root().join("unit4/lr_finder.png");
    std::fs::create_dir_all(path.parent().expect("a file in runs/unit4"))?;
    course_core::tracking::plot::lr_finder(
        &path,
        &finding.lrs,
        &finding.losses,
        finding.suggestion,
    )?;
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

fn search<A: Answers>(
    data_dir: &DataDir,
    (random, epochs, seed): (Option<usize>, usize, u64),
    device: DeviceChoice,
) -> Result<()> {
    println!("Device: {}", device.on_this_machine()?);
    let mut base = configs::tuned(seed);
    base.trainer.device = device;
    let data = BagOfWordsData::load_terms(data_dir, base.max_features, base.terms)?;
    let space = SearchSpace::default();
    let trials = match random {
        Some(n) => random_trials(&space, n, seed),
        None => A::grid(&space),
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
        let mut vars = VarStore::new(device.device());
        let model = Mlp::<A>::new(&vars.root(), data.vectorizer.len() as i64, &config.mlp);
        let report =
            Trainer::new(config.trainer).fit(&model, &mut vars, &data.train, &data.validation)?;
        let result = TrialResult {
            trial: *trial,
            best_validation_accuracy: report
                .best_validation_accuracy
                .context("a search trial validates every epoch")?,
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

// ---- The command line ---------------------------------------------------------------------

/// The command line: a command, or with none, `train` (its options work without the word).
pub type Args = course_core::cli::UnitArgs<Command, TrainArgs>;

// Parsed once per run: the size of its largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
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
        /// auto, cpu, cuda, cuda:N or mps
        #[arg(long, default_value_t = DeviceChoice::Auto)]
        device: DeviceChoice,
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
        /// auto, cpu, cuda, cuda:N or mps
        #[arg(long, default_value_t = DeviceChoice::Auto)]
        device: DeviceChoice,
    },
}

/// `train`'s flags: the shared ones (`--data`, `--epochs`, `--lr`, `--resume`, ...), the
/// vocabulary's, and this unit's model's: try your own ideas from the command line.
#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    /// The settings a new run starts from
    #[arg(long = "config", value_enum, default_value_t = Preset::Tuned, conflicts_with = "resume")]
    pub preset: Preset,
    #[command(flatten)]
    pub vocabulary: VocabularyOptions,
    /// Hidden layer widths, e.g. --hidden 64,32
    #[arg(long, value_delimiter = ',')]
    pub hidden: Option<Vec<i64>>,
    #[arg(long)]
    pub dropout: Option<f64>,
    #[arg(long)]
    pub batch_norm: Option<bool>,
    /// Feed log(1 + count) instead of the counts
    #[arg(long)]
    pub log_counts: Option<bool>,
    /// Weight decay of the config's optimiser
    #[arg(long)]
    pub weight_decay: Option<f64>,
    #[command(flatten)]
    pub options: TrainOptions,
}

impl TrainArgs {
    /// Writes the unit's flags that were given over `config`.
    pub fn apply(&self, config: &mut Settings) {
        self.vocabulary
            .apply(&mut config.max_features, &mut config.terms);
        set(&mut config.mlp.hidden, self.hidden.clone());
        set(&mut config.mlp.dropout, self.dropout);
        set(&mut config.mlp.batch_norm, self.batch_norm);
        set(&mut config.mlp.log_counts, self.log_counts);
        if let Some(decay) = self.weight_decay {
            config.trainer.optimizer = config.trainer.optimizer.clone().with_weight_decay(decay);
        }
    }
}
