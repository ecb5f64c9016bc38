//! Unit 3's exercise: your code, where each `todo!()` stands.
//!
//! * `cargo run -p course -- watch unit3` checks your tasks each time you save this file;
//!   `verify unit3` checks them once, `hint unit3` gives a hint.
//! * `cargo run -p unit3-trainer --features exercise --example exercise`
//!   trains with it.
//!
//! This file is compiled only with `--features exercise`: a mistake here never stops the
//! solutions, `make test` or another unit. `cargo run -p course -- reset unit3` brings the
//! stub back.

use crate::Answers;
use course_core::training::{EarlyStopping, Model, RunDecisions, TrainerConfig, ValidationScores};
use tch::{nn, Tensor};

/// Your answers.
pub struct Exercise;

/// Your bag-of-words model.
#[derive(Debug)]
pub struct BagOfWordsClassifier {
    // TODO (task 1): the model's weights live here, as a field (see `new` below).
}

impl BagOfWordsClassifier {
    pub fn new(path: &nn::Path, n_features: usize) -> BagOfWordsClassifier {
        // TODO (task 1): the model is one linear map from a review's word counts to two scores
        // (logits), one per class:   logits = counts W^T + b,   W [2, n_features], b [2].
        // Make the layer under `path / "linear"`, so the Trainer finds and trains its weights
        // (and the checks find them by that name), and keep it in the struct.
        // Worth looking up in tch: `nn::linear`, `nn::LinearConfig`.
        let _ = (path, n_features);
        todo!("task 1: build the linear layer")
    }
}

impl Model for BagOfWordsClassifier {
    type Input = Tensor;

    fn forward(&self, counts: &Tensor, train: bool) -> Tensor {
        // TODO (task 2): the forward pass. counts [batch, n_features] (floats) -> logits
        // [batch, 2], through your layer. `train` tells training from evaluation; it changes
        // what dropout and batch norm do (unit 4), not what this model does.
        // Worth looking up: `Tensor::apply`, `nn::Module`.
        let _ = (counts, train);
        todo!("task 2: the forward pass")
    }
    // The loss keeps the trait's default: cross-entropy over the logits.
}

impl Answers for Exercise {
    type Model = BagOfWordsClassifier;

    fn new_model(path: &nn::Path, n_features: usize) -> BagOfWordsClassifier {
        BagOfWordsClassifier::new(path, n_features)
    }

    fn trainer_config(seed: u64) -> TrainerConfig {
        // TODO (task 3): the course's settings for this run, as a `TrainerConfig`: 30 epochs,
        // batches of 32 reviews, plain SGD at learning rate 0.05 held constant, and the `seed`
        // given; every other setting as the Trainer's default.
        // Worth looking up: `TrainerConfig`'s fields, `OptimizerConfig`, `Schedule`.
        let _ = seed;
        todo!("task 3: configure the run")
    }

    fn run_decisions(epochs: &[ValidationScores], early: Option<&EarlyStopping>) -> RunDecisions {
        // TODO (task 5): two decisions the Trainer takes after every epoch, over a whole run of
        // validation scores (epoch 1 first):
        // * the best checkpoint: the epoch of the highest validation accuracy; a tie keeps the
        //   earlier epoch (its checkpoint is already saved);
        // * early stopping, when `early` is given: an epoch improves when its monitored value
        //   (`early.monitor`: accuracy, higher is better; loss, lower is better) beats the best
        //   so far by more than `early.min_delta` (the first epoch always improves). After
        //   `early.patience` epochs in a row without improvement the run stops: return that
        //   epoch in `stopped_after`, and ignore the epochs after it (they are never trained).
        // Return `best_epoch` 0 for an empty run, and `stopped_after: None` when it never stops.
        // Worth looking up: `Monitor`'s variants, `Option::is_none_or`, `enumerate`.
        let _ = (epochs, early);
        todo!("task 5: the best checkpoint and early stopping")
    }
}
