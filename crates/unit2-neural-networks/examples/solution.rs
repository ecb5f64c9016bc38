//! Unit 2's solution: the bag-of-words baseline with a hand-written training loop.
//!
//! ```sh
//! cargo run -p unit2-neural-networks --example solution -- --epochs 10
//! ```

use clap::Parser;
use unit2_neural_networks::program::{train, Args};

fn main() -> anyhow::Result<()> {
    let options = Args::parse().options("solution")?;
    train::<unit2_neural_networks::Solution>(&options)?;
    Ok(())
}
