//! Unit 3's reference solution: the bag-of-words model trained by the Trainer, tracked in
//! `runs/unit3/<run-name>/`, and submitted.
//!
//! ```sh
//! cargo run -p unit3-trainer --example solution                      # 30 epochs, as the course
//! cargo run -p unit3-trainer --example solution -- --fast-dev-run    # one batch: does it run?
//! cargo run -p unit3-trainer --example solution -- --resume runs/unit3/<name>/checkpoints/last.safetensors
//! ```

use clap::Parser;
use course_core::data::DataDir;
use course_core::tracking::Run;
use course_core::training::{EarlyStopping, Monitor, OptimizerConfig, TrainerConfig};
use std::path::PathBuf;
use unit3_trainer::experiment::{run, Experiment};

#[derive(Parser)]
struct Args {
    /// Folder with the Kaggle files (default: IMDB_DIR, then datasets/imdb, then the sample)
    #[arg(long)]
    data: Option<PathBuf>,
    #[arg(long, default_value_t = 30)]
    epochs: usize,
    #[arg(long, default_value_t = 32)]
    batch_size: usize,
    #[arg(long, default_value_t = 0.05)]
    learning_rate: f64,
    #[arg(long, default_value_t = 10_000)]
    max_features: usize,
    #[arg(long, default_value_t = 123)]
    seed: u64,
    /// Stop after this many epochs without a better validation accuracy
    #[arg(long)]
    patience: Option<usize>,
    /// Name of the run folder (default: the date and time)
    #[arg(long)]
    run_name: Option<String>,
    /// Continue a run from its checkpoint (its folder is reused)
    #[arg(long)]
    resume: Option<PathBuf>,
    /// Train and validate on one batch only, write nothing: checks that everything runs
    #[arg(long)]
    fast_dev_run: bool,
    /// Train and validate on the first N batches: a healthy model fits them perfectly
    #[arg(long)]
    overfit_batches: Option<usize>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let trainer = TrainerConfig {
        epochs: args.epochs,
        batch_size: args.batch_size,
        optimizer: OptimizerConfig::sgd(args.learning_rate),
        seed: args.seed,
        early_stopping: args.patience.map(|patience| EarlyStopping {
            monitor: Monitor::ValidationAccuracy,
            patience,
            min_delta: 0.0,
        }),
        fast_dev_run: args.fast_dev_run,
        overfit_batches: args.overfit_batches,
        ..TrainerConfig::default()
    };
    let run_folder = match &args.resume {
        // checkpoints/last.safetensors -> the run folder two levels up
        Some(checkpoint) => Some(Run::at(
            checkpoint
                .parent()
                .and_then(|p| p.parent())
                .unwrap_or(checkpoint),
        )?),
        None if args.fast_dev_run => None,
        None => Some(Run::create("unit3", args.run_name.as_deref())?),
    };
    run(Experiment {
        data: DataDir::resolve(args.data.as_deref())?,
        max_features: args.max_features,
        trainer,
        run: run_folder,
        resume: args.resume,
    })?;
    Ok(())
}
