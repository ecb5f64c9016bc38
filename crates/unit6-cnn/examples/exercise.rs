//! Unit 6 with your code from `src/exercise.rs`:
//!
//! ```sh
//! cargo run -p course -- verify unit6                                   # what is still missing
//! cargo run -p unit6-cnn --features exercise --example exercise -- images
//! cargo run -p unit6-cnn --features exercise --example exercise -- train
//! ```

use clap::Parser;
use unit6_cnn::program::{run, Args};

fn main() -> anyhow::Result<()> {
    course_core::exercises::explain_unfinished_tasks(
        "unit6",
        "crates/unit6-cnn/src/exercise.rs",
        "tasks 2 and 3 (`images`: task 1)",
    );
    run::<unit6_cnn::Exercise>(Args::parse())
}
