//! Everything that defines a training run, in one serialisable struct: the run folder keeps it
//! as `config.json`, and `course runs compare` diffs it between runs.

use serde::{Deserialize, Serialize};

pub use crate::device::DeviceChoice;
pub use crate::mixed_precision::Bf16;

/// How to train. `TrainerConfig::default()` is the course's unit 3 setting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainerConfig {
    pub epochs: usize,
    pub batch_size: usize,
    pub optimizer: OptimizerConfig,
    pub schedule: Schedule,
    /// Rescale the gradients when their global L2 norm exceeds this.
    pub gradient_clip_norm: Option<f64>,
    /// Add up the gradients of this many batches before each optimiser step: the step then
    /// sees `batch_size * accumulate_batches` reviews while memory holds one batch.
    pub accumulate_batches: usize,
    pub early_stopping: Option<EarlyStopping>,
    pub seed: u64,
    pub device: DeviceChoice,
    /// Group reviews of similar length into batches: the number of batches sorted together.
    /// Only used when the dataset reports lengths.
    pub bucket_chunk_batches: Option<usize>,
    /// Debugging aid: run one training batch and one validation batch, write nothing.
    pub fast_dev_run: bool,
    /// Debugging aid: train and validate on the same first `n` training batches. A model that
    /// cannot reach ~100 % here has a bug.
    pub overfit_batches: Option<usize>,
    /// Print a line per epoch, and show a progress bar while it runs (the bar is only ever
    /// drawn on a terminal). `false` keeps benchmarks and tests quiet.
    pub progress: bool,
    /// Also save the `last` checkpoint inside an epoch once this many minutes have passed since
    /// the previous one, so a run killed in a long epoch loses at most that much (`None`: only
    /// at the end of each epoch). It does not change what the run computes.
    pub checkpoint_minutes: Option<f64>,
    /// Whether the forward passes (training, validation, prediction) compute their products in
    /// bfloat16 (`crate::mixed_precision`); the weights and the optimiser stay float32.
    pub bf16: Bf16,
    /// When the validation reviews are scored (runs saved before this setting: every epoch).
    pub validation: Validation,
}

/// When the trainer scores the validation reviews (`--validation`). Their accuracy picks the
/// best checkpoint, and early stopping and the plateau schedule go by them. `WhenChoosing` is
/// for a program that validates its own way next: unit 9 scores the submission's model at the
/// prediction length, so a pass at the training length would only cost time (5,000 reviews,
/// about 100 s).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Validation {
    /// After every epoch
    #[default]
    EveryEpoch,
    /// After every epoch, unless there is nothing to choose (one epoch, no early stopping, no
    /// plateau schedule)
    WhenChoosing,
}

impl TrainerConfig {
    /// Whether the epochs of a run of `epochs` epochs are validated.
    pub fn validates(&self, epochs: usize) -> bool {
        match self.validation {
            Validation::EveryEpoch => true,
            Validation::WhenChoosing => {
                epochs > 1
                    || self.early_stopping.is_some()
                    || matches!(self.schedule, Schedule::ReduceOnPlateau { .. })
            }
        }
    }
}

impl Default for TrainerConfig {
    fn default() -> Self {
        TrainerConfig {
            epochs: 30,
            batch_size: 32,
            optimizer: OptimizerConfig::Sgd {
                lr: 0.05,
                momentum: 0.0,
                weight_decay: 0.0,
            },
            schedule: Schedule::Constant,
            gradient_clip_norm: None,
            accumulate_batches: 1,
            early_stopping: None,
            seed: 123,
            device: DeviceChoice::Auto,
            bucket_chunk_batches: None,
            fast_dev_run: false,
            overfit_batches: None,
            progress: true,
            checkpoint_minutes: Some(5.0),
            bf16: Bf16::Off,
            validation: Validation::EveryEpoch,
        }
    }
}

/// The optimisers of the course. `weight_decay` is an L2 penalty added to the gradient for SGD
/// and Adam, and decoupled (weights shrink directly) for AdamW.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "lowercase")]
pub enum OptimizerConfig {
    Sgd {
        lr: f64,
        momentum: f64,
        weight_decay: f64,
    },
    Adam {
        lr: f64,
        beta1: f64,
        beta2: f64,
        eps: f64,
        weight_decay: f64,
    },
    AdamW {
        lr: f64,
        beta1: f64,
        beta2: f64,
        eps: f64,
        weight_decay: f64,
    },
}

impl OptimizerConfig {
    /// AdamW with PyTorch's defaults (betas 0.9/0.999, eps 1e-8, weight decay 0.01).
    pub fn adamw(lr: f64) -> OptimizerConfig {
        OptimizerConfig::AdamW {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.01,
        }
    }

    /// Adam with PyTorch's defaults.
    pub fn adam(lr: f64) -> OptimizerConfig {
        OptimizerConfig::Adam {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
        }
    }

    /// Plain SGD.
    pub fn sgd(lr: f64) -> OptimizerConfig {
        OptimizerConfig::Sgd {
            lr,
            momentum: 0.0,
            weight_decay: 0.0,
        }
    }

    /// The base learning rate (schedules scale it).
    pub fn lr(&self) -> f64 {
        match *self {
            OptimizerConfig::Sgd { lr, .. }
            | OptimizerConfig::Adam { lr, .. }
            | OptimizerConfig::AdamW { lr, .. } => lr,
        }
    }

    /// The same optimiser with another base learning rate.
    pub fn with_lr(mut self, new_lr: f64) -> OptimizerConfig {
        match &mut self {
            OptimizerConfig::Sgd { lr, .. }
            | OptimizerConfig::Adam { lr, .. }
            | OptimizerConfig::AdamW { lr, .. } => *lr = new_lr,
        }
        self
    }

    /// The same optimiser with another weight decay.
    pub fn with_weight_decay(mut self, decay: f64) -> OptimizerConfig {
        match &mut self {
            OptimizerConfig::Sgd { weight_decay, .. }
            | OptimizerConfig::Adam { weight_decay, .. }
            | OptimizerConfig::AdamW { weight_decay, .. } => *weight_decay = decay,
        }
        self
    }
}

/// How the learning rate changes during training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum Schedule {
    /// The base rate throughout.
    Constant,
    /// Multiply by `gamma` every `every_epochs` epochs.
    Step { every_epochs: usize, gamma: f64 },
    /// Cosine from the base rate down to `min_lr` over the whole run (per step).
    Cosine { min_lr: f64 },
    /// Linear from 0 to the base rate over `warmup_steps`, then cosine down to `min_lr`.
    WarmupCosine { warmup_steps: usize, min_lr: f64 },
    /// Multiply by `factor` when validation loss has not improved for `patience` epochs.
    ReduceOnPlateau {
        factor: f64,
        patience: usize,
        min_lr: f64,
    },
}

/// Stop when the monitored metric has not improved for `patience` epochs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EarlyStopping {
    pub monitor: Monitor,
    pub patience: usize,
    /// An improvement smaller than this does not count.
    pub min_delta: f64,
}

/// A validation metric to watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Monitor {
    ValidationAccuracy,
    ValidationLoss,
}

impl Monitor {
    /// Whether `candidate` beats `best` by more than `min_delta`.
    pub fn improves(self, candidate: f64, best: f64, min_delta: f64) -> bool {
        match self {
            Monitor::ValidationAccuracy => candidate > best + min_delta,
            Monitor::ValidationLoss => candidate < best - min_delta,
        }
    }

    /// The monitored value of an epoch's validation scores.
    pub fn of(self, scores: &super::decisions::ValidationScores) -> f64 {
        match self {
            Monitor::ValidationAccuracy => scores.accuracy,
            Monitor::ValidationLoss => scores.loss,
        }
    }

    /// The value that anything beats.
    pub fn worst(self) -> f64 {
        match self {
            Monitor::ValidationAccuracy => f64::NEG_INFINITY,
            Monitor::ValidationLoss => f64::INFINITY,
        }
    }
}
