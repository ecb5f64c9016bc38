//! The runs of unit 9: what trains (the head, the top layers, or everything), and the
//! trainer's settings for each.

use crate::model::Pooling;
use crate::Keep;
use clap::ValueEnum;
use course_core::recipe::UnitSettings;
use course_core::training::{
    Bf16, EarlyStopping, Monitor, OptimizerConfig, Schedule, TrainerConfig, Validation,
};

/// Tokens per review, the special tokens included, unless `--max-len` says otherwise.
pub const MAX_LEN: usize = 256;
/// Tokens per validation and test review when fine-tuned weights predict, unless
/// `--predict-max-len` says otherwise: a model trained on 256 tokens reads longer reviews well
/// (its position embeddings go to 512), and reading the whole review is worth it where it is
/// cheap: a prediction pass costs a third of a training pass.
pub const PREDICT_MAX_LEN: usize = 512;
/// Which tokens of a longer review are kept, unless `--keep` says otherwise.
pub const KEEP: Keep = Keep::HeadAndTail;

/// The numbers the encoder's linear layers predict the test reviews with.
#[derive(
    ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize,
)]
pub enum Precision {
    /// The trained weights as they are
    #[default]
    Float32,
    /// 8-bit weights (`src/int8.rs`): faster on a CPU, a little less exact
    Int8,
    /// float32 weights, bfloat16 products (`course_core::mixed_precision`)
    Bf16,
}

impl Precision {
    /// The trainer's arithmetic for predicting at this precision: bfloat16 products for
    /// `Bf16` only (the 8-bit kernels take float32 inputs).
    pub fn bf16(self) -> Bf16 {
        match self {
            Precision::Bf16 => Bf16::On,
            Precision::Float32 | Precision::Int8 => Bf16::Off,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Mode {
    /// Everything (fine-tuning): the unit's result
    Full,
    /// The head and the last --top-layers layers of the encoder
    Top,
    /// The head alone on the frozen encoder's mean vector: a lesson (a sentence embedding is
    /// not a sentiment feature), not the unit's result. The encoder reads each review once.
    Head,
}

/// A unit 9 run's settings (saved in the run's `config.json`, which `--resume` reads back).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Settings {
    /// A model folder or hub id; `None`: models/all-minilm-l6-v2.
    pub model: Option<String>,
    pub pooling: Pooling,
    pub max_len: usize,
    /// Tokens per validation and test review for the submission's model; `None`: `max_len`.
    #[serde(default)]
    pub predict_max_len: Option<usize>,
    /// How the submission's model multiplies (runs from before this setting: float32).
    #[serde(default)]
    pub predict_precision: Precision,
    pub keep: Keep,
    pub mode: Mode,
    pub top_layers: i64,
    pub trainer: TrainerConfig,
}

impl UnitSettings for Settings {
    fn trainer_mut(&mut self) -> &mut TrainerConfig {
        &mut self.trainer
    }
}

impl Settings {
    /// A new run's settings for `mode`: MiniLM from `models/`, the mean of its tokens, 256
    /// tokens per review (head and tail), and the trainer's settings of the mode. Fine-tuned
    /// weights predict from 512 tokens per review with 8-bit weights; the frozen encoder of
    /// head-only training reads the test reviews as it read the training reviews.
    pub fn new(mode: Mode, seed: u64) -> Settings {
        let fine_tuned = mode != Mode::Head;
        Settings {
            model: None,
            pooling: Pooling::Mean,
            max_len: MAX_LEN,
            predict_max_len: fine_tuned.then_some(PREDICT_MAX_LEN),
            predict_precision: if fine_tuned {
                Precision::Int8
            } else {
                Precision::Float32
            },
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
            // One epoch of fine-tuning is most of what it gives (unit 9's README).
            epochs: if mode == Mode::Full { 1 } else { 2 },
            batch_size: 16,
            accumulate_batches: 2,
            optimizer: OptimizerConfig::adamw(if mode == Mode::Full { 5e-5 } else { 1e-4 }),
            schedule: Schedule::WarmupCosine {
                warmup_steps: 60,
                min_lr: 1e-6,
            },
            gradient_clip_norm: Some(1.0),
            bucket_chunk_batches: Some(50),
            // Faster steps on a CPU that multiplies bfloat16 natively, the same validation
            // (docs/units/unit9-experiments.md has the timings).
            bf16: Bf16::WhereNative,
            // One epoch leaves nothing to choose: no validation pass at the training length,
            // since the submission's model is validated at the prediction length next.
            validation: Validation::WhenChoosing,
            seed,
            ..TrainerConfig::default()
        },
    }
}

impl Settings {
    /// Tokens per review when predicting.
    pub fn predict_max_len(&self) -> usize {
        self.predict_max_len.unwrap_or(self.max_len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fine_tuning_trains_in_bf16_where_native_and_predicts_in_the_precision_asked() {
        for mode in [Mode::Full, Mode::Top] {
            assert_eq!(Settings::new(mode, 1).trainer.bf16, Bf16::WhereNative);
        }
        // The head alone is cheap to train: float32.
        assert_eq!(Settings::new(Mode::Head, 1).trainer.bf16, Bf16::Off);
        // The 8-bit kernels take float32 inputs: predicting in int8 turns bfloat16 off.
        assert_eq!(Precision::Int8.bf16(), Bf16::Off);
        assert_eq!(Precision::Float32.bf16(), Bf16::Off);
        assert_eq!(Precision::Bf16.bf16(), Bf16::On);
    }

    #[test]
    fn settings_saved_before_bf16_read_as_float32() {
        let mut saved = serde_json::to_value(Settings::new(Mode::Full, 1)).unwrap();
        saved["trainer"].as_object_mut().unwrap().remove("bf16");
        let read: Settings = serde_json::from_value(saved).unwrap();
        assert_eq!(read.trainer.bf16, Bf16::Off);
    }
}
