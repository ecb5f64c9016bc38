//! Unit 5 with the exercise's code:
//!
//! ```sh
//! cargo run -p unit5-embeddings --features exercise --example exercise -- train                          # masked mean, learned table
//! cargo run -p unit5-embeddings --features exercise --example exercise -- train --pooling mean-max
//! cargo run -p unit5-embeddings --features exercise --example exercise -- train --init glove             # after `make models`
//! cargo run -p unit5-embeddings --features exercise --example exercise -- word2vec                       # then: train --init word2vec
//! cargo run -p unit5-embeddings --features exercise --example exercise -- neighbours awful brilliant plot
//! ```

use clap::Parser;
use unit5_embeddings::program::{run, Args};

fn main() -> anyhow::Result<()> {
    course_core::exercises::explain_unfinished_tasks(
        "unit5",
        "crates/unit5-embeddings/src/exercise.rs",
        "tasks 1 and 2 (`word2vec`: task 3)",
    );
    run::<unit5_embeddings::Exercise>(Args::parse())
}
