//! Unit 8 with the solution's code:
//!
//! ```sh
//! cargo run -p unit8-transformers --example solution -- train                      # the small encoder
//! cargo run -p unit8-transformers --example solution -- train --config tuned   # the course's layer, masked
//! cargo run -p unit8-transformers --example solution -- train --config faithful    # the course's run (GPU)
//! ```

use clap::Parser;
use unit8_transformers::program::{run, Args};

fn main() -> anyhow::Result<()> {
    run::<unit8_transformers::Solution>(Args::parse())
}
