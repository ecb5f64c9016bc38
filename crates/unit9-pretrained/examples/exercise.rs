//! Unit 9 with your code (`src/exercise.rs`): the same commands as `--example solution`.

use clap::Parser;
use unit9_pretrained::program::{run, Args};

fn main() -> anyhow::Result<()> {
    course_core::exercises::explain_unfinished_tasks(
        "unit9",
        "crates/unit9-pretrained/src/exercise.rs",
        "tasks 1-4 (task 4 decides the layers of --mode top)",
    );
    run::<unit9_pretrained::Exercise>(Args::parse())
}
