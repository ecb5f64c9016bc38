//! What the [`Trainer`](super::Trainer) hands back: an evaluation, the report of a fit, and the
//! two ways a fit ends early (the loss diverged, a signal asked to stop).

use crate::tracking::EpochMetrics;
use std::path::{Path, PathBuf};

/// Loss and accuracy over a labelled dataset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub loss: f64,
    pub accuracy: f64,
}

/// What `fit` did.
#[derive(Debug, Clone)]
pub struct FitReport {
    pub history: Vec<EpochMetrics>,
    /// The epoch with the best validation accuracy (the last one when none was validated).
    pub best_epoch: usize,
    /// Its validation accuracy; `None` when no epoch was validated (`Validation::WhenChoosing`).
    pub best_validation_accuracy: Option<f64>,
    pub stopped_early: bool,
    /// `best.safetensors` and `last.safetensors`, when the trainer has a run folder.
    pub best_checkpoint: Option<PathBuf>,
    pub last_checkpoint: Option<PathBuf>,
}

/// The loss became NaN or infinite: training stopped, no checkpoint was written.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingDiverged {
    pub epoch: usize,
    /// The step within the epoch (1-based).
    pub step: usize,
    pub loss: f64,
}

impl std::fmt::Display for TrainingDiverged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the loss became {} at epoch {}, step {}: training stopped and no checkpoint was \
             overwritten. Try a lower learning rate or gradient clipping (gradient_clip_norm).",
            self.loss, self.epoch, self.step
        )
    }
}

impl std::error::Error for TrainingDiverged {}

/// Training stopped at Ctrl-C or SIGTERM, after saving where it was.
#[derive(Debug, Clone)]
pub struct Interrupted {
    /// The checkpoint that holds the run (`None`: the run has no folder; nothing was saved).
    pub checkpoint: Option<PathBuf>,
    pub epoch: usize,
    /// Batches of `epoch` trained.
    pub batches_done: usize,
    pub batches: usize,
}

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "stopped by a signal (Ctrl-C or SIGTERM) in epoch {}, after batch {} of {}",
            self.epoch, self.batches_done, self.batches
        )?;
        match &self.checkpoint {
            Some(path) => {
                let run = path
                    .parent()
                    .and_then(Path::parent)
                    .and_then(Path::file_name)
                    .map(|name| name.to_string_lossy().to_string())
                    .unwrap_or_default();
                write!(
                    f,
                    ": saved in {}. To continue, run the same program with `--resume {run}`",
                    path.display()
                )
            }
            None => write!(f, "; this run keeps no folder, so nothing was saved"),
        }
    }
}

impl std::error::Error for Interrupted {}
