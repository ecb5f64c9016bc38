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
