//! Unit 4 with the exercise's code:
//!
//! ```sh
//! cargo run -p unit4-optimization --example exercise -- train                     # the tuned run
//! cargo run -p unit4-optimization --example exercise -- train --config faithful   # the course's
//! cargo run -p unit4-optimization --example exercise -- lr-find
//! cargo run -p unit4-optimization --example exercise -- search --random 6
//! ```

use clap::Parser;
use unit4_optimization::program::{run, Args};

fn main() -> anyhow::Result<()> {
    run::<unit4_optimization::Exercise>(Args::parse())
}
