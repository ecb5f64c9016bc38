//! The toy dataset of unit 1: 20 points in two dimensions, two classes that a straight line can
//! separate, generated from a seed (so no download, and the same points for everyone).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tch::{Kind, Tensor};

/// Points and their 0/1 labels.
#[derive(Debug, Clone, PartialEq)]
pub struct ToyData {
    pub points: Vec<[f64; 2]>,
    pub labels: Vec<u8>,
}

impl ToyData {
    /// `n` points: class 0 scattered around (2, 600), class 1 around (6, 200). The two features
    /// have very different scales and are not centred on zero, as real features often are:
    /// gradient descent struggles with them until they are standardised (one of the unit's
    /// lessons). Points closer than 0.5 to the line `y = 100 x` (in units of the first feature)
    /// are drawn again, so the classes are separable.
    pub fn generate(n: usize, seed: u64) -> ToyData {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut data = ToyData {
            points: Vec::with_capacity(n),
            labels: Vec::with_capacity(n),
        };
        while data.points.len() < n {
            let label = (data.points.len() % 2) as u8;
            let centre = if label == 0 { [2.0, 6.0] } else { [6.0, 2.0] };
            let point = [
                centre[0] + 1.5 * gaussian(&mut rng),
                centre[1] + 1.5 * gaussian(&mut rng),
            ];
            // Signed distance to y = x, positive on class 1's side.
            let side = (point[0] - point[1]) / 2f64.sqrt();
            let right_side = if label == 1 { side } else { -side };
            if right_side > 0.5 {
                data.points.push([point[0], 100.0 * point[1]]);
                data.labels.push(label);
            }
        }
        data
    }

    /// The course's dataset: 20 points.
    pub fn course() -> ToyData {
        ToyData::generate(20, 1)
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The points as a `[n, 2]` float tensor and the labels as `[n]` floats.
    pub fn tensors(&self) -> (Tensor, Tensor) {
        let flat: Vec<f32> = self.points.iter().flatten().map(|&v| v as f32).collect();
        let features = Tensor::from_slice(&flat).view([self.len() as i64, 2]);
        let labels = Tensor::from_slice(&self.labels).to_kind(Kind::Float);
        (features, labels)
    }
}

/// A standard normal draw (Box-Muller), so the crate needs no distributions library.
fn gaussian(rng: &mut impl Rng) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// Standardised features: every column shifted to mean 0 and scaled to standard deviation 1.
/// Returns the scaled features with the mean and standard deviation used, so new points (or a
/// plot's grid) can be scaled the same way.
pub fn standardise(features: &Tensor) -> (Tensor, Tensor, Tensor) {
    let mean = features.mean_dim(0, true, Kind::Float);
    let std = features.std_dim(0, true, true);
    ((features - &mean) / &std, mean, std)
}
