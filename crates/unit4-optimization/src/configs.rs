//! The two runs of unit 4: the course's (faithful, under-trained) and the tuned one.

use crate::model::MlpConfig;
use course_core::recipe::{SettingsPreset, UnitSettings};
use course_core::text::Terms;
use course_core::training::{EarlyStopping, Monitor, OptimizerConfig, Schedule, TrainerConfig};
use serde::{Deserialize, Serialize};

/// A whole run: vocabulary size, model, and trainer settings (saved in the run's
/// `config.json`, which `--resume` reads back).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    pub max_features: usize,
    /// What counts as a term (the course: single words, stop words removed).
    pub terms: Terms,
    pub mlp: MlpConfig,
    pub trainer: TrainerConfig,
}

/// The settings a new run starts from: `--config faithful` or `--config tuned`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// The course's MLP and settings, as they were
    Faithful,
    /// Tuned: bigger vocabulary, log counts, dropout, AdamW, warm-up + cosine
    Tuned,
    /// Your own: `my_settings` in src/exercise.rs (`course mine unit4` trains them)
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

impl UnitSettings for Settings {
    fn trainer_mut(&mut self) -> &mut TrainerConfig {
        &mut self.trainer
    }
}

/// The course's run: 2,000 words, `2000 -> 10 -> ReLU -> 2`, SGD lr 0.001, 30 epochs of 32.
pub fn faithful(seed: u64) -> Settings {
    Settings {
        max_features: 2_000,
        terms: Terms::COURSE,
        mlp: MlpConfig {
            hidden: vec![10],
            batch_norm: false,
            dropout: 0.0,
            log_counts: false,
        },
        trainer: TrainerConfig {
            epochs: 30,
            batch_size: 32,
            optimizer: OptimizerConfig::sgd(0.001),
            schedule: Schedule::Constant,
            seed,
            ..TrainerConfig::default()
        },
    }
}

/// The tuned run (see the unit README for the runs that led here): a vocabulary of 100,000
/// words and word pairs with the stop words kept ("not good" survives), log counts, a hidden
/// layer of 32 with heavy dropout, AdamW with weight decay, warm-up + cosine, and early stopping.
pub fn tuned(seed: u64) -> Settings {
    let epochs = 8;
    let batch_size = 64;
    let steps_per_epoch = 20_000 / batch_size;
    Settings {
        max_features: 100_000,
        terms: Terms::WORDS_AND_PAIRS,
        mlp: MlpConfig {
            hidden: vec![32],
            batch_norm: false,
            dropout: 0.7,
            log_counts: true,
        },
        trainer: TrainerConfig {
            epochs,
            batch_size,
            optimizer: OptimizerConfig::AdamW {
                lr: 1e-3,
                beta1: 0.9,
                beta2: 0.999,
                eps: 1e-8,
                weight_decay: 0.05,
            },
            schedule: Schedule::WarmupCosine {
                warmup_steps: steps_per_epoch / 2,
                min_lr: 1e-5,
            },
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
