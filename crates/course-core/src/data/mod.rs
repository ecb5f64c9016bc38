//! The IMDb reviews of Kaggle's "Bag of Words Meets Bags of Popcorn".
//!
//! * [`kaggle`]: read and write the three TSV files exactly as Kaggle ships them.
//! * [`source`]: find the data (`--data`, `IMDB_DIR`, `datasets/imdb/`, the bundled sample).
//! * [`split`]: the course's seeded train/validation split.
//! * [`submission`]: write a Kaggle submission, and score one offline.
//! * [`aclimdb`]: convert the Stanford `aclImdb/` folders into the Kaggle files.

pub mod aclimdb;
pub mod kaggle;
pub mod source;
pub mod split;
pub mod submission;

pub use kaggle::{read_reviews, write_reviews, KaggleFile, Review};
pub use source::{DataDir, DataOrigin};
pub use split::{train_validation_split, Split};
