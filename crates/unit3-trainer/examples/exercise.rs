//! Unit 3 with your model and settings from `src/exercise.rs`:
//! `cargo run -p unit3-trainer --features exercise --example exercise` (same options as `--example solution`).

use clap::Parser;
use unit3_trainer::program::{run, Args};
use unit3_trainer::Exercise;

fn main() -> anyhow::Result<()> {
    course_core::exercises::explain_unfinished_tasks(
        "unit3",
        "crates/unit3-trainer/src/exercise.rs",
        "tasks 1-3",
    );
    run::<Exercise>(Args::parse())?;
    Ok(())
}
