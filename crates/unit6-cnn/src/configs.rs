//! The runs of unit 6: the course's, as it ran, and ours.

use crate::model::CnnConfig;
use crate::TimePooling;
use course_core::prepared::SequenceLayout;
use course_core::training::{EarlyStopping, Monitor, OptimizerConfig, TrainerConfig, UnitConfig};
use serde::{Deserialize, Serialize};

/// A whole run: vocabulary, sequence layout, model and trainer (saved in the run's
/// `config.json`, which `--resume` reads back).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    /// Word ids kept, padding included (the course: 10,000).
    pub num_words: usize,
    pub layout: SequenceLayout,
    pub model: CnnConfig,
    pub trainer: TrainerConfig,
}

impl UnitConfig for Settings {
    fn trainer_mut(&mut self) -> &mut TrainerConfig {
        &mut self.trainer
    }
}

/// The course's run: every review padded to 2,200 ids, max-pooled over all of them, AdamW
/// 6e-4, batches of 32, 30 epochs. Meant for a GPU: on a CPU each batch carries 2,200 positions
/// through three convolutions.
pub fn faithful(seed: u64) -> Settings {
    Settings {
        num_words: 10_000,
        layout: SequenceLayout::COURSE,
        model: CnnConfig::course(),
        trainer: TrainerConfig {
            epochs: 30,
            batch_size: 32,
            optimizer: OptimizerConfig::adamw(6e-4),
            seed,
            ..TrainerConfig::default()
        },
    }
}

/// Ours: the same layers and optimiser; padding masked, batches padded only to their longest
/// review (cut at 1,000 ids) and grouped by length, each filter's mean response kept beside its
/// max, 30 % of each training review's words zeroed (word dropout), and early stopping.
pub fn tuned(seed: u64) -> Settings {
    Settings {
        num_words: 10_000,
        layout: SequenceLayout::dynamic(1_000),
        model: CnnConfig {
            pooling: TimePooling::MaxMean,
            mask_padding: true,
            word_dropout: 0.3,
            ..CnnConfig::course()
        },
        trainer: TrainerConfig {
            epochs: 20,
            batch_size: 32,
            optimizer: OptimizerConfig::adamw(6e-4),
            bucket_chunk_batches: Some(50),
            early_stopping: Some(EarlyStopping {
                monitor: Monitor::ValidationAccuracy,
                patience: 3,
                min_delta: 0.0,
            }),
            seed,
            ..TrainerConfig::default()
        },
    }
}
