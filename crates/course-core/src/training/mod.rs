//! The trainer: what Lightning does for the original course, in Rust.
//!
//! A model implements [`Model`] (its forward pass), its data implements [`Dataset`], and a
//! [`Trainer`] configured by one [`TrainerConfig`] does the rest: batching, the optimiser and its
//! learning-rate schedule, gradient clipping, validation, checkpoints (best and last), early
//! stopping, resuming, progress bars, and, with a [`RunFolder`](crate::tracking::RunFolder), the run folder
//! with metrics, TensorBoard events, plots and the submission.

pub mod config;
pub mod decisions;
pub mod lr_finder;
pub mod model;
pub mod optimizer;
pub mod schedule;
pub mod signals;
pub mod trainer;

pub use crate::tracking::EpochMetrics;
pub use config::{
    Bf16, DeviceChoice, EarlyStopping, Monitor, OptimizerConfig, Schedule, TrainerConfig,
    Validation,
};
pub use decisions::{RunDecisions, ValidationScores};
pub use lr_finder::{LrFinder, LrFinding};
pub use model::{Dataset, Model, TensorDataset};
pub use optimizer::Optimizer;
pub use schedule::LrScheduler;
pub use trainer::{
    load_weights_from, Evaluation, FitReport, Interrupted, Trainer, TrainingDiverged,
};
