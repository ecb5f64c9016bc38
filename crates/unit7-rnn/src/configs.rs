//! The runs of unit 7: the course's, as it ran, and ours.

use crate::model::{RnnConfig, TimePooling};
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
    pub model: RnnConfig,
    pub trainer: TrainerConfig,
}

impl UnitConfig for Settings {
    fn trainer_mut(&mut self) -> &mut TrainerConfig {
        &mut self.trainer
    }
}

/// The course's run: every review padded to 2,200 ids and run through the LSTM, padding
/// included, then averaged over all 2,200 positions; AdamW 6e-4, batches of 32, 30 epochs.
/// For a GPU: a CPU steps through 2,200 positions per batch, one at a time.
pub fn faithful(seed: u64) -> Settings {
    Settings {
        num_words: 10_000,
        layout: SequenceLayout::COURSE,
        model: RnnConfig::course(),
        trainer: TrainerConfig {
            epochs: 30,
            batch_size: 32,
            optimizer: OptimizerConfig::adamw(6e-4),
            seed,
            ..TrainerConfig::default()
        },
    }
}

/// Ours: the same layers; packed sequences (padding never enters the LSTM) cut at 500 words and
/// grouped by length, the mean and the max over the real words, dropout on the word vectors and
/// the review vector, early stopping.
pub fn tuned(seed: u64) -> Settings {
    Settings {
        num_words: 10_000,
        layout: SequenceLayout::dynamic(500),
        model: RnnConfig {
            pooling: TimePooling::MeanMax,
            dropout: 0.3,
            ..RnnConfig::course()
        },
        trainer: TrainerConfig {
            epochs: 12,
            batch_size: 32,
            optimizer: OptimizerConfig::adamw(1e-3),
            bucket_chunk_batches: Some(50),
            gradient_clip_norm: Some(1.0),
            early_stopping: Some(EarlyStopping {
                monitor: Monitor::ValidationAccuracy,
                patience: 2,
                min_delta: 0.0,
            }),
            seed,
            ..TrainerConfig::default()
        },
    }
}
