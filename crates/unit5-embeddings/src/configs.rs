//! The runs of unit 5: the course's, faithful to its flaw, and ours.

use crate::model::EmbeddingConfig;
use crate::Pooling;
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
    pub model: EmbeddingConfig,
    pub trainer: TrainerConfig,
}

impl UnitConfig for Settings {
    fn trainer_mut(&mut self) -> &mut TrainerConfig {
        &mut self.trainer
    }
}

fn adamw(lr: f64, weight_decay: f64) -> OptimizerConfig {
    OptimizerConfig::AdamW {
        lr,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weight_decay,
    }
}

/// The course's run: every review padded to 2,200 ids and averaged over all 2,200 positions
/// (its padding mask never fired), `Embedding(10000, 128) -> mean -> Linear(128, 2)`, AdamW
/// 6e-4, batches of 32, 30 epochs. Slow on a CPU: each batch carries 2,200 positions.
pub fn faithful(seed: u64) -> Settings {
    Settings {
        num_words: 10_000,
        layout: SequenceLayout::COURSE,
        model: EmbeddingConfig {
            vocab_size: 10_000,
            dim: 128,
            pooling: Pooling::UnmaskedMean,
            dropout: 0.0,
            word_dropout: 0.0,
            freeze_embedding: false,
        },
        trainer: TrainerConfig {
            epochs: 30,
            batch_size: 32,
            optimizer: adamw(6e-4, 0.01),
            seed,
            ..TrainerConfig::default()
        },
    }
}

/// Ours: the same table and optimiser, padding really masked, half of each training review's
/// words left out at random (word dropout: the model cannot rest on a few words), batches padded
/// only to their longest review (cut at 1,000 ids) and grouped by length, and early stopping.
pub fn tuned(seed: u64) -> Settings {
    Settings {
        num_words: 10_000,
        layout: SequenceLayout::dynamic(1_000),
        model: EmbeddingConfig {
            vocab_size: 10_000,
            dim: 128,
            pooling: Pooling::Mean,
            dropout: 0.0,
            word_dropout: 0.5,
            freeze_embedding: false,
        },
        trainer: TrainerConfig {
            epochs: 30,
            batch_size: 32,
            optimizer: adamw(6e-4, 0.01),
            bucket_chunk_batches: Some(50),
            early_stopping: Some(EarlyStopping {
                monitor: Monitor::ValidationAccuracy,
                patience: 4,
                min_delta: 0.0,
            }),
            seed,
            ..TrainerConfig::default()
        },
    }
}
