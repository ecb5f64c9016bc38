//! The runs of unit 9: what trains (the head, the top layers, or everything), and the
//! trainer's settings for each.

use crate::model::Pooling;
use crate::Keep;
use clap::ValueEnum;
use course_core::training::{
    EarlyStopping, Monitor, OptimizerConfig, Schedule, TrainerConfig, UnitConfig,
};

/// Tokens per review, the special tokens included, unless `--max-len` says otherwise.
pub const MAX_LEN: usize = 256;
/// Which tokens of a longer review are kept, unless `--keep` says otherwise.
pub const KEEP: Keep = Keep::HeadAndTail;

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Mode {
    /// The head alone: the frozen encoder reads each review once, the head trains in seconds
    Head,
    /// The head and the last --top-layers layers of the encoder
    Top,
    /// Everything (fine-tuning)
    Full,
}

/// A unit 9 run's settings (saved in the run's `config.json`, which `--resume` reads back).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Settings {
    /// A model folder or hub id; `None`: models/all-minilm-l6-v2.
    pub model: Option<String>,
    pub pooling: Pooling,
    pub max_len: usize,
    pub keep: Keep,
    pub mode: Mode,
    pub top_layers: i64,
    pub trainer: TrainerConfig,
}

impl UnitConfig for Settings {
    fn trainer_mut(&mut self) -> &mut TrainerConfig {
        &mut self.trainer
    }
}

impl Settings {
    /// A new run's settings for `mode`: MiniLM from `models/`, the mean of its tokens, 256
    /// tokens per review (head and tail), and the trainer's settings of the mode.
    pub fn new(mode: Mode, seed: u64) -> Settings {
        Settings {
            model: None,
            pooling: Pooling::Mean,
            max_len: MAX_LEN,
            keep: KEEP,
            mode,
            top_layers: 2,
            trainer: trainer_config(mode, seed),
        }
    }
}

/// The trainer's settings for each mode; `--epochs`, `--lr`, ... change them.
pub fn trainer_config(mode: Mode, seed: u64) -> TrainerConfig {
    let early_stopping = |patience| {
        Some(EarlyStopping {
            monitor: Monitor::ValidationAccuracy,
            patience,
            min_delta: 0.0,
        })
    };
    match mode {
        Mode::Head => TrainerConfig {
            epochs: 30,
            batch_size: 32,
            optimizer: OptimizerConfig::adamw(1e-3),
            early_stopping: early_stopping(3),
            seed,
            ..TrainerConfig::default()
        },
        Mode::Top | Mode::Full => TrainerConfig {
            epochs: 2,
            batch_size: 16,
            accumulate_batches: 2,
            optimizer: OptimizerConfig::adamw(if mode == Mode::Full { 5e-5 } else { 1e-4 }),
            schedule: Schedule::WarmupCosine {
                warmup_steps: 60,
                min_lr: 1e-6,
            },
            gradient_clip_norm: Some(1.0),
            bucket_chunk_batches: Some(50),
            seed,
            ..TrainerConfig::default()
        },
    }
}
