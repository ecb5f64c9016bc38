//! Unit 1 with your code from `src/exercise.rs`:
//! `cargo run -p unit1-fundamentals --features exercise --example exercise`.

use clap::Parser;
use unit1_fundamentals::program::{run, Args};

fn main() -> anyhow::Result<()> {
    course_core::exercises::explain_unfinished_tasks(
        "unit1",
        "crates/unit1-fundamentals/src/exercise.rs",
        "tasks 1-5",
    );
    run::<unit1_fundamentals::Exercise>(Args::parse())?;
    Ok(())
}
