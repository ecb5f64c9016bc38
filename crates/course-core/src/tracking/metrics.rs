//! What a run records of each epoch.

use serde::{Deserialize, Serialize};

/// One row of `metrics.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochMetrics {
    pub epoch: usize,
    /// Optimiser steps done by the end of this epoch.
    pub step: usize,
    /// The learning rate of the epoch's last step.
    pub lr: f64,
    pub train_loss: f64,
    pub train_accuracy: f64,
    /// `None`: the epoch was not validated (`TrainerConfig::validation`).
    pub validation_loss: Option<f64>,
    pub validation_accuracy: Option<f64>,
    /// Wall time of the epoch (training + validation).
    pub seconds: f64,
}
