//! The runs of unit 7: the course's, as it ran, and ours.

use crate::model::{RnnConfig, TimePooling};
use course_core::prepared::SequenceLayout;
use course_core::recipe::{SequenceSettings, SettingsPreset};
use course_core::training::{EarlyStopping, Monitor, OptimizerConfig, TrainerConfig};

/// A whole run: vocabulary, sequence layout, model and trainer (saved in the run's
/// `config.json`, which `--resume` reads back).
pub type Settings = SequenceSettings<RnnConfig>;

/// The settings a new run starts from: `--config faithful`, ...
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// The course's run: 2,200 padded positions through the LSTM, padding averaged in (GPU)
    Faithful,
    /// Packed sequences, masked mean + max, dropout, early stopping
    Tuned,
    /// Your own: `my_settings` in src/exercise.rs (`course mine unit7` trains them)
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
/// the review vector, early stopping after the first epoch that does not improve.
///
/// Batches of 128 (AdamW 3e-3): it reached a higher validation accuracy than batches of 32 at
/// 1e-3, and in fewer epochs; on a CPU the LSTM runs by hand
/// ([`crate::model::by_hand_is_faster`]), where an epoch of 128s is faster than an epoch of 32s
/// through libtorch's LSTM (docs/units/unit7-experiments.md has the figures).
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
            batch_size: 128,
            optimizer: OptimizerConfig::adamw(3e-3),
            bucket_chunk_batches: Some(50),
            gradient_clip_norm: Some(1.0),
            early_stopping: Some(EarlyStopping {
                monitor: Monitor::ValidationAccuracy,
                patience: 1,
                min_delta: 0.0,
            }),
            seed,
            ..TrainerConfig::default()
        },
    }
}
