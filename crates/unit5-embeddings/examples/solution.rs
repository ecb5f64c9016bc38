//! Unit 5 with the solution's code:
//!
//! ```sh
//! cargo run -p unit5-embeddings --example solution -- train                          # masked mean, learned table
//! cargo run -p unit5-embeddings --example solution -- train --pooling mean-max
//! cargo run -p unit5-embeddings --example solution -- train --init glove             # after `make models`
//! cargo run -p unit5-embeddings --example solution -- word2vec                       # then: train --init word2vec
//! cargo run -p unit5-embeddings --example solution -- neighbours awful brilliant plot
//! ```

use clap::Parser;
use unit5_embeddings::program::{run, Args};

fn main() -> anyhow::Result<()> {
    run::<unit5_embeddings::Solution>(Args::parse())
}
