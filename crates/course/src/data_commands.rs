//! `course data ...`: check, convert and sample the Kaggle files.

use anyhow::{bail, Result};
use clap::Subcommand;
use course_core::data::aclimdb::convert_aclimdb;
use course_core::data::{write_reviews, DataDir, KaggleFile, Review};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Subcommand)]
pub enum DataCommand {
    /// Read every Kaggle file of the data folder and report what is there
    Check {
        #[arg(long)]
        data: Option<PathBuf>,
    },
    /// Turn the Stanford aclImdb/ folders into the three Kaggle files
    ConvertAclimdb { aclimdb: PathBuf, out: PathBuf },
    /// Draw a small sample of the full data, in the same format (how datasets/imdb-sample was made)
    Sample {
        /// Folder with the full Kaggle files
        #[arg(long)]
        from: PathBuf,
        #[arg(long)]
        to: PathBuf,
        #[arg(long, default_value_t = 2000)]
        labelled: usize,
        #[arg(long, default_value_t = 1000)]
        test: usize,
        #[arg(long, default_value_t = 1000)]
        unlabelled: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
}

pub fn execute(command: DataCommand) -> Result<()> {
    match command {
        DataCommand::Check { data } => check(DataDir::resolve(data.as_deref())?),
        DataCommand::ConvertAclimdb { aclimdb, out } => {
            let converted = convert_aclimdb(&aclimdb, &out)?;
            println!(
                "Wrote {} labelled, {} test and {} unlabelled reviews to {}",
                converted.labelled,
                converted.test,
                converted.unlabelled,
                out.display()
            );
            Ok(())
        }
        DataCommand::Sample {
            from,
            to,
            labelled,
            test,
            unlabelled,
            seed,
        } => {
            let source = DataDir::resolve(Some(&from))?;
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            for (file, n) in [
                (KaggleFile::LabeledTrain, labelled),
                (KaggleFile::Test, test),
                (KaggleFile::UnlabeledTrain, unlabelled),
            ] {
                let mut reviews = source.read(file)?;
                if n > reviews.len() {
                    bail!(
                        "asked for {n} reviews of {}, which has {}",
                        file.stem(),
                        reviews.len()
                    );
                }
                reviews.shuffle(&mut rng);
                reviews.truncate(n);
                let path = to.join(format!("{}.tsv.gz", file.stem()));
                write_reviews(&path, file, &reviews)?;
                println!("{}: {} reviews", path.display(), reviews.len());
            }
            Ok(())
        }
    }
}

fn check(data: DataDir) -> Result<()> {
    println!("Data: {data}");
    for file in [
        KaggleFile::LabeledTrain,
        KaggleFile::Test,
        KaggleFile::UnlabeledTrain,
    ] {
        let Some(path) = data.find(file) else {
            println!("  {:<20} missing", file.stem());
            continue;
        };
        let started = Instant::now();
        let reviews = data.read(file)?;
        println!(
            "  {:<20} {:>6} reviews{}  ({}, read and checked in {:.2}s)",
            file.stem(),
            reviews.len(),
            balance(&reviews),
            path.display(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn balance(reviews: &[Review]) -> String {
    let positive = reviews.iter().filter(|r| r.sentiment == Some(1)).count();
    if reviews.iter().all(|r| r.sentiment.is_none()) {
        String::new()
    } else {
        format!(
            ", {positive} positive / {} negative",
            reviews.len() - positive
        )
    }
}
