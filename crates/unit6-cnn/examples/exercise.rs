//! Unit 6 with your code from `src/exercise.rs`:
//!
//! ```sh
//! cargo run -p course -- verify unit6                                   # what is still missing
//! cargo run -p unit6-cnn --example exercise -- images
//! cargo run -p unit6-cnn --example exercise -- train
//! ```

use clap::Parser;
use unit6_cnn::program::{run, Args};

fn main() -> anyhow::Result<()> {
    run::<unit6_cnn::Exercise>(Args::parse())
}
