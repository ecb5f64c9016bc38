//! Unit 7 with your code from `src/exercise.rs`:
//!
//! ```sh
//! cargo run -p course -- verify unit7                                   # what is still missing
//! cargo run -p unit7-rnn --features exercise --example exercise -- train
//! ```

use clap::Parser;
use unit7_rnn::program::{run, Args};

fn main() -> anyhow::Result<()> {
    course_core::exercises::explain_unfinished_tasks(
        "unit7",
        "crates/unit7-rnn/src/exercise.rs",
        "task 3 (tasks 1 and 2 are checked, not used: the model runs libtorch's LSTM)",
    );
    run::<unit7_rnn::Exercise>(Args::parse())
}
