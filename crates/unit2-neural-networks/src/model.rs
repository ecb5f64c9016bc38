//! The bag-of-words classifier: one linear layer from word counts to two logits.

use tch::nn::{self, Module};
use tch::Tensor;

/// `Linear(n_features, 2)`: a score for "negative" and one for "positive".
#[derive(Debug)]
pub struct BagOfWordsClassifier {
    linear: nn::Linear,
}

impl BagOfWordsClassifier {
    pub fn new(path: &nn::Path, n_features: usize) -> BagOfWordsClassifier {
        let linear = nn::linear(path / "linear", n_features as i64, 2, Default::default());
        BagOfWordsClassifier { linear }
    }
}

impl Module for BagOfWordsClassifier {
    /// `counts`: `[batch, n_features]` floats -> logits `[batch, 2]`.
    fn forward(&self, counts: &Tensor) -> Tensor {
        counts.apply(&self.linear)
    }
}

/// A multilayer perceptron: `Linear(inputs, hidden) -> ReLU -> Linear(hidden, 2)`. The hidden
/// layer with its non-linearity is what lets it learn XOR, which no single linear layer can.
#[derive(Debug)]
pub struct Mlp {
    hidden: nn::Linear,
    output: nn::Linear,
}

impl Mlp {
    pub fn new(path: &nn::Path, inputs: i64, hidden: i64) -> Mlp {
        Mlp {
            hidden: nn::linear(path / "hidden", inputs, hidden, Default::default()),
            output: nn::linear(path / "output", hidden, 2, Default::default()),
        }
    }
}

impl Module for Mlp {
    fn forward(&self, xs: &Tensor) -> Tensor {
        xs.apply(&self.hidden).relu().apply(&self.output)
    }
}

/// The XOR problem: four corners of a square, class 1 where exactly one coordinate is 1.
pub fn xor_data() -> (Tensor, Tensor) {
    let inputs = Tensor::from_slice(&[0f32, 0., 0., 1., 1., 0., 1., 1.]).view([4, 2]);
    let targets = Tensor::from_slice(&[0i64, 1, 1, 0]);
    (inputs, targets)
}
