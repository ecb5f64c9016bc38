//! The Stanford "Large Movie Review Dataset" folders, turned into Kaggle's three files.
//!
//! Users who download `aclImdb_v1.tar.gz` from <https://ai.stanford.edu/~amaas/data/sentiment/>
//! get `train/{pos,neg,unsup}/` and `test/{pos,neg}/`, one review per `<number>_<rating>.txt`.
//! Kaggle's files are the same reviews: this converter writes them in Kaggle's format (rows
//! shuffled with a fixed seed, as Kaggle's are) so everything else reads one format.

use super::kaggle::{write_reviews, KaggleFile, Review};
use anyhow::{bail, Context, Result};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::path::Path;

/// How many reviews of each file were written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub labelled: usize,
    pub test: usize,
    pub unlabelled: usize,
}

/// Converts `aclimdb` (the folder holding `train/` and `test/`) into `<out>/*.tsv.gz`.
pub fn convert_aclimdb(aclimdb: &Path, out: &Path) -> Result<Converted> {
    if !aclimdb.join("train").is_dir() || !aclimdb.join("test").is_dir() {
        bail!(
            "{} does not look like the aclImdb folder: it needs train/ and test/ inside",
            aclimdb.display()
        );
    }
    let mut labelled = read_folder(&aclimdb.join("train/pos"), Some(1))?;
    labelled.extend(read_folder(&aclimdb.join("train/neg"), Some(0))?);
    let mut test = read_folder(&aclimdb.join("test/pos"), None)?;
    test.extend(read_folder(&aclimdb.join("test/neg"), None)?);
    let unsup = aclimdb.join("train/unsup");
    let mut unlabelled = if unsup.is_dir() {
        read_folder(&unsup, None)?
    } else {
        Vec::new()
    };

    let mut rng = ChaCha8Rng::seed_from_u64(2011);
    for (file, reviews) in [
        (KaggleFile::LabeledTrain, &mut labelled),
        (KaggleFile::Test, &mut test),
        (KaggleFile::UnlabeledTrain, &mut unlabelled),
    ] {
        if reviews.is_empty() {
            continue;
        }
        reviews.shuffle(&mut rng);
        write_reviews(&out.join(format!("{}.tsv.gz", file.stem())), file, reviews)?;
    }
    Ok(Converted {
        labelled: labelled.len(),
        test: test.len(),
        unlabelled: unlabelled.len(),
    })
}

/// Reads every `<number>_<rating>.txt` of a folder; the id is the file name without `.txt`.
fn read_folder(dir: &Path, sentiment: Option<u8>) -> Result<Vec<Review>> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    let mut reviews = Vec::new();
    for entry in entries {
        let path = entry?.path();
        let Some(id) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".txt"))
        else {
            continue;
        };
        let Some((_, rating)) = id.split_once('_') else {
            bail!(
                "{}: expected a file named <number>_<rating>.txt",
                path.display()
            );
        };
        rating.parse::<u8>().with_context(|| {
            format!("{}: the rating {rating:?} is not a number", path.display())
        })?;
        let review = std::fs::read_to_string(&path)
            .with_context(|| format!("{} is not readable UTF-8 text", path.display()))?;
        reviews.push(Review {
            id: id.to_string(),
            sentiment,
            review,
        });
    }
    reviews.sort_by(|a, b| a.id.cmp(&b.id)); // read_dir order varies between machines
    Ok(reviews)
}
