//! Unit 7 with your code from `src/exercise.rs`:
//!
//! ```sh
//! cargo run -p course -- verify unit7                                   # what is still missing
//! cargo run -p unit7-rnn --example exercise -- train
//! ```

use clap::Parser;
use unit7_rnn::program::{run, Args};

fn main() -> anyhow::Result<()> {
    run::<unit7_rnn::Exercise>(Args::parse())
}
