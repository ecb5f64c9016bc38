//! The runs of unit 6: the course's, as it ran, and ours.

use crate::model::CnnConfig;
use crate::TimePooling;
use course_core::prepared::SequenceLayout;
use course_core::recipe::{SequenceSettings, SettingsPreset};
use course_core::training::{Bf16, EarlyStopping, Monitor, OptimizerConfig, TrainerConfig};

/// A whole run: vocabulary, sequence layout, model and trainer (saved in the run's
/// `config.json`, which `--resume` reads back).
pub type Settings = SequenceSettings<CnnConfig>;

/// The settings a new run starts from: `--config faithful` or `--config tuned`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// The course's run: 2,200 padded positions, padding included in the max (slow on a CPU)
    Faithful,
    /// Masked padding, dynamic padding, max + mean pooling, early stopping
    Tuned,
    /// Your own: `my_settings` in src/exercise.rs (`course mine unit6` trains them)
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
            // bfloat16 products where the CPU has them: faster epochs, validation as in float32
            // (docs/units/unit6-experiments.md has the measurements).
            bf16: Bf16::WhereNative,
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
