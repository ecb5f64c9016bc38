//! Unit 6 with the solution's code:
//!
//! ```sh
//! cargo run -p unit6-cnn --example solution -- train                    # our text CNN
//! cargo run -p unit6-cnn --example solution -- train --config faithful  # the course's run (GPU)
//! cargo run -p unit6-cnn --example solution -- images                   # 2-D CNN on shapes
//! ```

use clap::Parser;
use unit6_cnn::program::{run, Args};

fn main() -> anyhow::Result<()> {
    run::<unit6_cnn::Solution>(Args::parse())
}
