//! Unit 9 with your code (`src/exercise.rs`): the same commands as `--example solution`.

use clap::Parser;
use unit9_pretrained::program::{run, Args};

fn main() -> anyhow::Result<()> {
    run::<unit9_pretrained::Exercise>(Args::parse())
}
