//! Unit 8 with your code from `src/exercise.rs`:
//!
//! ```sh
//! cargo run -p course -- verify unit8                                   # what is still missing
//! cargo run -p unit8-transformers --features exercise --example exercise -- train
//! ```

use clap::Parser;
use unit8_transformers::program::{run, Args};

fn main() -> anyhow::Result<()> {
    course_core::exercises::explain_unfinished_tasks(
        "unit8",
        "crates/unit8-transformers/src/exercise.rs",
        "tasks 1-4: your positions, attention and encoder layer",
    );
    run::<unit8_transformers::Exercise>(Args::parse())
}
