//! What the trainer decides at the end of every epoch, from the validation metrics alone:
//!
//! * **the best checkpoint**: an epoch is the new best when its validation accuracy is higher
//!   than every earlier epoch's (a tie keeps the earlier epoch); `best.safetensors` is saved then;
//! * **early stopping**: with a monitor (accuracy: higher is better; loss: lower is better), a
//!   patience and a minimum improvement, an epoch improves when it beats the best value so far by
//!   more than `min_delta`; the run stops after `patience` epochs in a row that do not.
//!
//! The [`Trainer`](super::Trainer) calls these after each epoch; [`replay`] runs them over a
//! whole run's metrics (unit 3's exercise is checked against it).

use super::config::EarlyStopping;
use serde::{Deserialize, Serialize};

/// Whether an epoch of validation accuracy `accuracy` is the new best (`best`: the best so far,
/// `None` before the first epoch).
pub fn is_new_best(accuracy: f64, best: Option<f64>) -> bool {
    best.is_none_or(|best| accuracy > best)
}

/// Early stopping's memory between epochs. A checkpoint keeps it under the names below (the
/// Trainer's state flattens it in), so that runs saved before it was a type of its own resume.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct EarlyStoppingState {
    /// The best monitored value so far (`None` before the first epoch).
    #[serde(rename = "early_stopping_best")]
    pub best: Option<f64>,
    /// Epochs in a row without an improvement of more than `min_delta`.
    #[serde(rename = "early_stopping_bad_epochs")]
    pub bad_epochs: usize,
}

impl EarlyStoppingState {
    /// Takes an epoch's monitored `value` into account.
    pub fn update(&mut self, early: &EarlyStopping, value: f64) {
        let best = self.best.unwrap_or(early.monitor.worst());
        if early.monitor.improves(value, best, early.min_delta) {
            self.best = Some(value);
            self.bad_epochs = 0;
        } else {
            self.bad_epochs += 1;
        }
    }

    /// Whether `patience` epochs in a row have not improved.
    pub fn says_stop(&self, early: &EarlyStopping) -> bool {
        self.bad_epochs >= early.patience
    }
}

/// One epoch's validation metrics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValidationScores {
    pub accuracy: f64,
    pub loss: f64,
}

/// What a run of these epochs decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunDecisions {
    /// The epoch (from 1) whose checkpoint is `best` (0 for a run of no epochs).
    pub best_epoch: usize,
    /// The epoch after which early stopping ends the run (`None`: it runs every epoch given).
    pub stopped_after: Option<usize>,
}

/// The decisions the Trainer takes over `epochs`, epoch after epoch, stopping where early
/// stopping stops it (later epochs are never trained, so they decide nothing).
pub fn replay(epochs: &[ValidationScores], early: Option<&EarlyStopping>) -> RunDecisions {
    let (mut best, mut best_epoch) = (None, 0);
    let mut stopping = EarlyStoppingState::default();
    for (index, scores) in epochs.iter().enumerate() {
        let epoch = index + 1;
        if is_new_best(scores.accuracy, best) {
            best = Some(scores.accuracy);
            best_epoch = epoch;
        }
        if let Some(early) = early {
            stopping.update(early, early.monitor.of(scores));
            if stopping.says_stop(early) {
                return RunDecisions {
                    best_epoch,
                    stopped_after: Some(epoch),
                };
            }
        }
    }
    RunDecisions {
        best_epoch,
        stopped_after: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::training::Monitor;

    fn scores(accuracies: &[f64]) -> Vec<ValidationScores> {
        accuracies
            .iter()
            .map(|&accuracy| ValidationScores {
                accuracy,
                loss: 1.0 - accuracy,
            })
            .collect()
    }

    #[test]
    fn a_tie_keeps_the_earlier_best_and_patience_counts_epochs_in_a_row() {
        let early = EarlyStopping {
            monitor: Monitor::ValidationAccuracy,
            patience: 2,
            min_delta: 0.0,
        };
        let run = scores(&[0.6, 0.7, 0.7, 0.65, 0.8]);
        assert_eq!(
            replay(&run, None),
            RunDecisions {
                best_epoch: 5,
                stopped_after: None
            }
        );
        assert_eq!(
            replay(&run, Some(&early)),
            RunDecisions {
                best_epoch: 2,
                stopped_after: Some(4)
            }
        );
        assert_eq!(replay(&[], Some(&early)).best_epoch, 0);
    }

    #[test]
    fn a_checkpoint_keeps_early_stopping_under_the_names_it_always_had() {
        let state = EarlyStoppingState {
            best: Some(0.5),
            bad_epochs: 2,
        };
        assert_eq!(
            serde_json::to_value(state).unwrap(),
            serde_json::json!({"early_stopping_best": 0.5, "early_stopping_bad_epochs": 2})
        );
    }
}
