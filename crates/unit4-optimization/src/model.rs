//! The multilayer perceptron of unit 4, from the course's `2000 -> 10 -> ReLU -> 2` to wider,
//! regularised versions.

use crate::Answers;
use course_core::training::Model;
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;
use tch::{nn, Tensor};

/// The shape of the MLP and its regularisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MlpConfig {
    /// The width of each hidden layer (the course: one layer of 10).
    pub hidden: Vec<i64>,
    /// Batch norm after each hidden linear layer.
    pub batch_norm: bool,
    /// Dropout probability after each hidden block (0: none).
    pub dropout: f64,
    /// Feed `ln(1 + count)` instead of raw counts: a word said ten times is not ten times the
    /// evidence, and large inputs make training unstable.
    pub log_counts: bool,
}

/// One hidden block's layers: what [`Answers::hidden_block`] puts together.
#[derive(Debug)]
pub struct HiddenLayer {
    pub linear: nn::Linear,
    pub batch_norm: Option<nn::BatchNorm>,
    pub dropout: f64,
}

/// The MLP; its hidden blocks run through the learner's [`Answers::hidden_block`].
#[derive(Debug)]
pub struct Mlp<A> {
    hidden: Vec<HiddenLayer>,
    output: nn::Linear,
    log_counts: bool,
    learner: PhantomData<A>,
}

impl<A: Answers> Mlp<A> {
    pub fn new(path: &nn::Path, n_features: i64, config: &MlpConfig) -> Mlp<A> {
        let mut inputs = n_features;
        let mut hidden = Vec::new();
        for (index, &width) in config.hidden.iter().enumerate() {
            let block = path / format!("hidden{index}");
            hidden.push(HiddenLayer {
                linear: nn::linear(&block / "linear", inputs, width, Default::default()),
                batch_norm: config
                    .batch_norm
                    .then(|| nn::batch_norm1d(&block / "batch_norm", width, Default::default())),
                dropout: config.dropout,
            });
            inputs = width;
        }
        Mlp {
            hidden,
            output: nn::linear(path / "output", inputs, 2, Default::default()),
            log_counts: config.log_counts,
            learner: PhantomData,
        }
    }
}

impl<A: Answers> Model for Mlp<A> {
    type Input = Tensor;

    fn forward(&self, counts: &Tensor, train: bool) -> Tensor {
        let mut xs = if self.log_counts {
            counts.log1p()
        } else {
            counts.shallow_clone()
        };
        for layer in &self.hidden {
            xs = A::hidden_block(layer, &xs, train);
        }
        xs.apply(&self.output)
    }
}
