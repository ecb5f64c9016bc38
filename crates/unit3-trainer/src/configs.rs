//! The runs of unit 3: the course's model and Trainer settings (your task 3) on one of two
//! vocabularies.

use course_core::recipe::UnitSettings;
use course_core::text::Terms;
use course_core::training::TrainerConfig;
use serde::{Deserialize, Serialize};

/// Unit 3's settings: what the bag of words counts, and the trainer's (saved in the run's
/// `config.json`, which `--resume` reads back).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    pub max_features: usize,
    pub terms: Terms,
    pub trainer: TrainerConfig,
}

impl UnitSettings for Settings {
    fn trainer_mut(&mut self) -> &mut TrainerConfig {
        &mut self.trainer
    }
}

/// The two vocabularies of unit 3. The model and the Trainer's settings are the same for both;
/// only what the bag of words counts changes (README: how `large` was chosen on validation).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vocabulary {
    /// The course's `CountVectorizer(max_features=10000, stop_words="english")`
    Course,
    /// The 100,000 most frequent words and word pairs of the training split, stop words kept
    Large,
}

impl Vocabulary {
    /// `(max_features, terms)`.
    pub fn settings(self) -> (usize, Terms) {
        match self {
            Vocabulary::Course => (10_000, Terms::COURSE),
            Vocabulary::Large => (100_000, Terms::WORDS_AND_PAIRS),
        }
    }
}
