//! Unit 4 with the exercise's code:
//!
//! ```sh
//! cargo run -p unit4-optimization --features exercise --example exercise -- train                     # the tuned run
//! cargo run -p unit4-optimization --features exercise --example exercise -- train --config faithful   # the course's
//! cargo run -p unit4-optimization --features exercise --example exercise -- lr-find
//! cargo run -p unit4-optimization --features exercise --example exercise -- search --random 6
//! ```

use clap::Parser;
use unit4_optimization::program::{run, Args};

fn main() -> anyhow::Result<()> {
    course_core::exercises::explain_unfinished_tasks(
        "unit4",
        "crates/unit4-optimization/src/exercise.rs",
        "task 2 (`search` also task 3; task 1 is checked, not used: the Trainer schedules the rate)",
    );
    run::<unit4_optimization::Exercise>(Args::parse())
}
