//! Unit 8 with your code from `src/exercise.rs`:
//!
//! ```sh
//! cargo run -p course -- verify unit8                                   # what is still missing
//! cargo run -p unit8-transformers --example exercise -- train
//! ```

use clap::Parser;
use unit8_transformers::program::{run, Args};

fn main() -> anyhow::Result<()> {
    run::<unit8_transformers::Exercise>(Args::parse())
}
