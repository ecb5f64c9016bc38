//! The runs of unit 8: the course's, as it ran, ours with the course's layer, and a small one.

use crate::model::TransformerConfig;
use course_core::prepared::SequenceLayout;
use course_core::recipe::{SequenceSettings, SettingsPreset};
use course_core::training::{
    Bf16, EarlyStopping, Monitor, OptimizerConfig, Schedule, TrainerConfig,
};

/// A whole run: vocabulary, sequence layout, model and trainer (saved in the run's
/// `config.json`, which `--resume` reads back).
pub type Settings = SequenceSettings<TransformerConfig>;

/// The settings a new run starts from: `--config faithful`, ...
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// The course's run: 2,200 padded positions, no working mask (GPU)
    Faithful,
    /// The course's layer (feed-forward 2,048), masked, cut at 512 words, warm-up + cosine
    Tuned,
    /// The reference with a feed-forward block of 256: several times faster
    Small,
    /// Your own: `my_settings` in src/exercise.rs (`course mine unit8` trains them)
    Mine,
}

impl SettingsPreset for Preset {
    type Settings = Settings;

    fn settings(self, seed: u64) -> Settings {
        match self {
            Preset::Faithful => faithful(seed),
            Preset::Tuned => tuned(seed),
            Preset::Mine => crate::my_settings(seed),
            Preset::Small => small(seed),
        }
    }
}

/// The course's run: every review padded to 2,200 ids, attention over all of them (the mask
/// never fired), the mean over all 2,200 positions; AdamW 6e-4, batches of 32, 30 epochs.
/// For a GPU: each batch computes 2,200 x 2,200 attention weights per head.
pub fn faithful(seed: u64) -> Settings {
    Settings {
        num_words: 10_000,
        layout: SequenceLayout::COURSE,
        model: TransformerConfig::course(),
        trainer: TrainerConfig {
            epochs: 30,
            batch_size: 32,
            optimizer: OptimizerConfig::adamw(6e-4),
            seed,
            ..TrainerConfig::default()
        },
    }
}

/// Ours, with the course's layer (d_model 128, 2 heads, feed-forward 2,048, dropout 0.1):
/// padding masked out of attention and the mean, reviews cut at 512 words and grouped by
/// length, a warm-up then cosine learning rate, early stopping.
pub fn tuned(seed: u64) -> Settings {
    Settings {
        num_words: 10_000,
        layout: SequenceLayout::dynamic(512),
        model: TransformerConfig {
            mask_padding: true,
            max_positions: 512,
            ..TransformerConfig::course()
        },
        trainer: TrainerConfig {
            epochs: 8,
            batch_size: 32,
            optimizer: OptimizerConfig::adamw(6e-4),
            schedule: Schedule::WarmupCosine {
                warmup_steps: 300,
                min_lr: 1e-5,
            },
            gradient_clip_norm: Some(1.0),
            bucket_chunk_batches: Some(50),
            // bfloat16 products where the CPU has them: more epochs per hour, validation as
            // in float32 (docs/units/unit8-experiments.md has the timings).
            bf16: Bf16::WhereNative,
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

/// The tuned run with a feed-forward block of 256 instead of 2,048: the layer's cost is
/// mostly that block, so this one trains several times faster.
pub fn small(seed: u64) -> Settings {
    let mut config = tuned(seed);
    config.model.feed_forward = 256;
    config
}
