//! Unit 3's exercise: the bag-of-words model as a trainer `Model`, and the run's settings.
//! Check with `cargo run -p course -- verify unit3` (or `cargo test -p unit3-trainer --features
//! exercise`); train with `cargo run -p unit3-trainer --example exercise`.

use crate::Learner;
use course_core::training::{Model, TrainerConfig};
use tch::{nn, Tensor};

/// Your answers.
pub struct Exercise;

/// Your bag-of-words model.
#[derive(Debug)]
pub struct BagOfWordsModel {
    // TODO (task 1): the model's layer, e.g. `linear: nn::Linear`.
}

impl BagOfWordsModel {
    pub fn new(path: &nn::Path, n_features: usize) -> BagOfWordsModel {
        // TODO (task 1): one linear layer from `n_features` word counts to 2 logits, created
        // with `nn::linear(path / "linear", n_features as i64, 2, Default::default())`.
        let _ = (path, n_features);
        todo!("task 1: build the linear layer")
    }
}

impl Model for BagOfWordsModel {
    type Input = Tensor;

    fn forward(&self, counts: &Tensor, train: bool) -> Tensor {
        // TODO (task 2): the logits, `counts.apply(&self.linear)`. `train` tells training from
        // evaluation; it matters for dropout and batch norm (unit 4), not here.
        let _ = (counts, train);
        todo!("task 2: the forward pass")
    }
    // The loss keeps the trait's default: cross-entropy over the logits.
}

impl Learner for Exercise {
    type Model = BagOfWordsModel;

    fn new_model(path: &nn::Path, n_features: usize) -> BagOfWordsModel {
        BagOfWordsModel::new(path, n_features)
    }

    fn trainer_config(seed: u64) -> TrainerConfig {
        // TODO (task 3): a `TrainerConfig` with the course's settings: 30 epochs, batch size 32,
        // `OptimizerConfig::sgd(0.05)`, `Schedule::Constant`, `seed`; the rest from
        // `..TrainerConfig::default()`.
        let _ = seed;
        todo!("task 3: configure the run")
    }
}
