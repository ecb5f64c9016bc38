//! Unit 1 with the reference answers: `cargo run -p unit1-fundamentals --example solution`.

use clap::Parser;
use unit1_fundamentals::program::{run, Args};

fn main() -> anyhow::Result<()> {
    run::<unit1_fundamentals::Solution>(Args::parse())?;
    Ok(())
}
