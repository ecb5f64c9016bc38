//! The runs of unit 5: the course's, faithful to its flaw, and ours.

use crate::model::EmbeddingConfig;
use crate::Pooling;
use course_core::prepared::SequenceLayout;
use course_core::recipe::{SequenceSettings, SettingsPreset};
use course_core::training::{EarlyStopping, Monitor, OptimizerConfig, TrainerConfig};

/// A whole run: vocabulary, sequence layout, model and trainer (saved in the run's
/// `config.json`, which `--resume` reads back).
pub type Settings = SequenceSettings<EmbeddingConfig>;

/// The settings a new run starts from: `--config faithful`, ...
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// The course's run: 2,200 padded positions averaged, padding included
    Faithful,
    /// Masked pooling, dynamic padding, length buckets, early stopping
    Tuned,
    /// Your own: `my_settings` in src/exercise.rs (`course mine unit5` trains them)
    Mine,
}

impl SettingsPreset for Preset {
    type Settings = Settings;

    fn settings(self, seed: u64) -> Settings {
        match self {
            Preset::Faithful => faithful(seed),
            Preset::Tuned => tuned(seed),
            Preset::Mine => crate::my_settings(seed),
        }
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
