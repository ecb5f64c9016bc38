//! Unit 3's solution: the bag-of-words model trained by the Trainer, tracked in
//! `runs/unit3/<run-name>/`, and submitted.
//!
//! ```sh
//! cargo run -p unit3-trainer --example solution                      # 30 epochs, as the course
//! cargo run -p unit3-trainer --example solution -- --fast-dev-run    # one batch: does it run?
//! cargo run -p unit3-trainer --example solution -- --resume runs/unit3/<name>/checkpoints/last.safetensors
//! ```

use clap::Parser;
use unit3_trainer::program::{run, Args};
use unit3_trainer::Solution;

fn main() -> anyhow::Result<()> {
    run::<Solution>(Args::parse())?;
    Ok(())
}
