//! Unit 4 with the solution's code:
//!
//! ```sh
//! cargo run -p unit4-optimization --example solution -- train                     # the tuned run
//! cargo run -p unit4-optimization --example solution -- train --config faithful   # the course's
//! cargo run -p unit4-optimization --example solution -- lr-find
//! cargo run -p unit4-optimization --example solution -- search --random 6
//! ```

use clap::Parser;
use unit4_optimization::program::{run, Args};

fn main() -> anyhow::Result<()> {
    run::<unit4_optimization::Solution>(Args::parse())
}
