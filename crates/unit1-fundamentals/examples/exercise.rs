//! Unit 1 with your code from `src/exercise.rs`:
//! `cargo run -p unit1-fundamentals --example exercise`.

use clap::Parser;
use unit1_fundamentals::program::{run, Args};

fn main() -> anyhow::Result<()> {
    run::<unit1_fundamentals::Exercise>(&Args::parse())?;
    Ok(())
}
