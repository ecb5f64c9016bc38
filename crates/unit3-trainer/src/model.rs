//! `Linear(n_features, 2)` over word counts, as a trainer [`Model`].

use course_core::training::Model;
use tch::nn;
use tch::Tensor;

/// The course's unit 3 model: one linear layer from the counts of the vocabulary's terms (the
/// course's 10,000 words, or `--vocabulary large`'s 100,000 words and pairs) to 2 logits.
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

impl Model for BagOfWordsClassifier {
    type Input = Tensor;

    /// No dropout or batch norm here, so `train` changes nothing.
    fn forward(&self, counts: &Tensor, _train: bool) -> Tensor {
        counts.apply(&self.linear)
    }
    // `loss` keeps its default: cross-entropy over the two logits.
}
