//! Unit 2's reference solution: the bag-of-words baseline with a hand-written training loop.
//!
//! ```sh
//! cargo run --release -p unit2-neural-networks --example solution -- --epochs 10
//! ```

use clap::Parser;
use course_core::data::DataDir;
use std::path::PathBuf;
use unit2_neural_networks::run::{run, RunOptions};
use unit2_neural_networks::training::LoopConfig;

/// Train Linear(10000, 2) on word counts with SGD, then write a Kaggle submission.
#[derive(Parser)]
struct Args {
    /// Folder with the Kaggle files (default: IMDB_DIR, then datasets/imdb, then the sample)
    #[arg(long)]
    data: Option<PathBuf>,
    #[arg(long, default_value_t = 10)]
    epochs: usize,
    #[arg(long, default_value_t = 0.05)]
    learning_rate: f64,
    #[arg(long, default_value_t = 10_000)]
    max_features: usize,
    #[arg(long, default_value_t = 123)]
    seed: u64,
    #[arg(long, default_value = "runs/unit2/solution/submission.csv")]
    submission: PathBuf,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let options = RunOptions {
        data: DataDir::resolve(args.data.as_deref())?,
        max_features: args.max_features,
        loop_config: LoopConfig {
            epochs: args.epochs,
            learning_rate: args.learning_rate,
            seed: args.seed,
            ..LoopConfig::default()
        },
        submission: args.submission,
    };
    run(&options)?;
    Ok(())
}
