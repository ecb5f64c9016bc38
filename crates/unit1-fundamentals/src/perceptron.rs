//! The perceptron, in plain Rust: two weights, a bias, and a threshold.

/// `predict(x) = 1 if w . x + b > 0, else 0`.
#[derive(Debug, Clone, PartialEq)]
pub struct Perceptron {
    pub weights: [f64; 2],
    pub bias: f64,
    /// How far one mistake moves the weights (the classic perceptron uses 1).
    pub learning_rate: f64,
}

impl Perceptron {
    /// All weights zero, as the classic perceptron starts.
    pub fn new(learning_rate: f64) -> Perceptron {
        Perceptron {
            weights: [0.0, 0.0],
            bias: 0.0,
            learning_rate,
        }
    }

    /// `w . x + b`: positive on the class-1 side of the line.
    pub fn score(&self, features: [f64; 2]) -> f64 {
        self.weights[0] * features[0] + self.weights[1] * features[1] + self.bias
    }

    pub fn predict(&self, features: [f64; 2]) -> u8 {
        u8::from(self.score(features) > 0.0)
    }

    /// The fraction of points classified correctly.
    pub fn accuracy(&self, points: &[[f64; 2]], labels: &[u8]) -> f64 {
        let correct = points
            .iter()
            .zip(labels)
            .filter(|(p, &l)| self.predict(**p) == l)
            .count();
        correct as f64 / points.len().max(1) as f64
    }

    /// The decision boundary `w0 x + w1 y + b = 0` as `y = slope x + intercept` (`None` when
    /// the line is vertical or the weights are still zero).
    pub fn boundary(&self) -> Option<(f64, f64)> {
        (self.weights[1].abs() > 1e-12).then(|| {
            (
                -self.weights[0] / self.weights[1],
                -self.bias / self.weights[1],
            )
        })
    }
}
