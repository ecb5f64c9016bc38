//! Unit 2 with your training loop from `src/exercise.rs`:
//! `cargo run -p unit2-neural-networks --features exercise --example exercise`.

use clap::Parser;
use unit2_neural_networks::program::{train, Args};

fn main() -> anyhow::Result<()> {
    course_core::exercises::explain_unfinished_tasks(
        "unit2",
        "crates/unit2-neural-networks/src/exercise.rs",
        "tasks 3-5 (the training step with your task 2 inside it, the accuracy, and each epoch)",
    );
    let options = Args::parse().options("exercise")?;
    train::<unit2_neural_networks::Exercise>(&options)?;
    Ok(())
}
