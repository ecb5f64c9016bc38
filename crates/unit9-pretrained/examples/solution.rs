//! Unit 9 with the solution's code:
//!
//! ```sh
//! make models                                                                  # all-MiniLM-L6-v2, once
//! cargo run -p unit9-pretrained --example solution -- train                    # the head alone
//! cargo run -p unit9-pretrained --example solution -- train --mode full        # fine-tune everything
//! cargo run -p unit9-pretrained --example solution -- train --model distilbert-base-uncased --mode full
//! cargo run -p unit9-pretrained --example solution -- predict --model siebert/sentiment-roberta-large-english
//! ```

use clap::Parser;
use unit9_pretrained::program::{run, Args};

fn main() -> anyhow::Result<()> {
    run::<unit9_pretrained::Solution>(Args::parse())
}
