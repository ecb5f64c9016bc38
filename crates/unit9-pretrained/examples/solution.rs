//! Unit 9 with the solution's code:
//!
//! ```sh
//! make models                                                                  # all-MiniLM-L6-v2, once
//! cargo run -p unit9-pretrained --example solution                          # fine-tune MiniLM (about 50 min on 2 cores)
//! cargo run -p unit9-pretrained --example solution -- train --mode head      # the head alone, on the frozen encoder
//! cargo run -p unit9-pretrained --example solution -- train --model distilbert-base-uncased --mode full
//! cargo run -p unit9-pretrained --example solution -- predict --model siebert/sentiment-roberta-large-english
//! ```

use clap::Parser;
use unit9_pretrained::program::{run, Args};

fn main() -> anyhow::Result<()> {
    run::<unit9_pretrained::Solution>(Args::parse())
}
