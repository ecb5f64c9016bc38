//! Unit 3's tasks, done. Try `src/exercise.rs` first!

use crate::model::BagOfWordsClassifier;
use crate::Answers;
use course_core::training::Monitor;
use course_core::training::{
    EarlyStopping, OptimizerConfig, RunDecisions, Schedule, TrainerConfig, ValidationScores,
};
use tch::nn;

/// The reference answers.
pub struct Solution;

impl Answers for Solution {
    type Model = BagOfWordsClassifier;

    fn new_model(path: &nn::Path, n_features: usize) -> BagOfWordsClassifier {
        BagOfWordsClassifier::new(path, n_features)
    }

    fn trainer_config(seed: u64) -> TrainerConfig {
        TrainerConfig {
            epochs: 30,
            batch_size: 32,
            optimizer: OptimizerConfig::sgd(0.05),
            schedule: Schedule::Constant,
            seed,
            // Everything else (checkpoints of the best and last epochs, progress bars, the
            // device) keeps the Trainer's defaults.
            ..TrainerConfig::default()
        }
    }

    fn run_decisions(epochs: &[ValidationScores], early: Option<&EarlyStopping>) -> RunDecisions {
        let (mut best_accuracy, mut best_epoch) = (f64::NEG_INFINITY, 0);
        // Early stopping's memory: the best monitored value so far, and the epochs since.
        let (mut monitored_best, mut bad_epochs) = (None::<f64>, 0);
        for (index, scores) in epochs.iter().enumerate() {
            let epoch = index + 1;
            // Strictly better: a tie keeps the earlier (already saved) checkpoint.
            if scores.accuracy > best_accuracy {
                best_accuracy = scores.accuracy;
                best_epoch = epoch;
            }
            let Some(early) = early else { continue };
            let (value, improved) = match early.monitor {
                Monitor::ValidationAccuracy => {
                    let value = scores.accuracy;
                    (
                        value,
                        monitored_best.is_none_or(|b| value > b + early.min_delta),
                    )
                }
                Monitor::ValidationLoss => {
                    let value = scores.loss;
                    (
                        value,
                        monitored_best.is_none_or(|b| value < b - early.min_delta),
                    )
                }
            };
            if improved {
                monitored_best = Some(value);
                bad_epochs = 0;
            } else {
                bad_epochs += 1;
            }
            if bad_epochs >= early.patience {
                return RunDecisions {
                    best_epoch,
                    stopped_after: Some(epoch),
                };
            }
        }
        RunDecisions {
            best_epoch,
            stopped_after: None,
        }
    }
}
