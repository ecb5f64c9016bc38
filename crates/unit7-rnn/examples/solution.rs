//! Unit 7 with the solution's code:
//!
//! ```sh
//! cargo run -p unit7-rnn --example solution -- train                    # our bidirectional LSTM
//! cargo run -p unit7-rnn --example solution -- train --cell gru         # or a GRU, or --cell rnn
//! cargo run -p unit7-rnn --example solution -- train --config faithful  # the course's run (GPU)
//! ```

use clap::Parser;
use unit7_rnn::program::{run, Args};

fn main() -> anyhow::Result<()> {
    run::<unit7_rnn::Solution>(Args::parse())
}
