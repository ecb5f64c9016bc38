//! Unit 2 with your training loop from `src/exercise.rs`:
//! `cargo run -p unit2-neural-networks --example exercise`.

use clap::Parser;
use unit2_neural_networks::run::{run, Args};

fn main() -> anyhow::Result<()> {
    let options = Args::parse().options("exercise")?;
    run::<unit2_neural_networks::Exercise>(&options)?;
    Ok(())
}
