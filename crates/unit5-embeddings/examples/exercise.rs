//! Unit 5 with the exercise's code:
//!
//! ```sh
//! cargo run -p unit5-embeddings --example exercise -- train                          # masked mean, learned table
//! cargo run -p unit5-embeddings --example exercise -- train --pooling mean-max
//! cargo run -p unit5-embeddings --example exercise -- train --init glove             # after `make models`
//! cargo run -p unit5-embeddings --example exercise -- word2vec                       # then: train --init word2vec
//! cargo run -p unit5-embeddings --example exercise -- neighbours awful brilliant plot
//! ```

use clap::Parser;
use unit5_embeddings::program::{run, Args};

fn main() -> anyhow::Result<()> {
    run::<unit5_embeddings::Exercise>(Args::parse())
}
