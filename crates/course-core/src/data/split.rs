//! The course's train/validation split: shuffle every labelled review with a seed, keep the
//! first 80 % for training and the rest for validation (20,000 / 5,000 on the full data).

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Row indices of the two parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub train: Vec<usize>,
    pub validation: Vec<usize>,
}

/// The fraction the course keeps for validation (5,000 of 25,000).
pub const VALIDATION_FRACTION: f64 = 0.2;

/// The seed every unit uses, so that all units validate on the same reviews.
pub const SPLIT_SEED: u64 = 42;

/// Shuffles `0..n` with `seed` and cuts it: the same `n` and seed always give the same split.
pub fn train_validation_split(n: usize, validation_fraction: f64, seed: u64) -> Split {
    assert!(
        (0.0..1.0).contains(&validation_fraction),
        "validation_fraction must be in [0, 1), got {validation_fraction}"
    );
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let n_validation = (n as f64 * validation_fraction).round() as usize;
    let validation = order.split_off(n - n_validation);
    Split {
        train: order,
        validation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_course_split_is_20000_and_5000_and_deterministic() {
        let a = train_validation_split(25_000, VALIDATION_FRACTION, SPLIT_SEED);
        let b = train_validation_split(25_000, VALIDATION_FRACTION, SPLIT_SEED);
        assert_eq!((a.train.len(), a.validation.len()), (20_000, 5_000));
        assert_eq!(a, b);
        let c = train_validation_split(25_000, VALIDATION_FRACTION, SPLIT_SEED + 1);
        assert_ne!(
            a.validation, c.validation,
            "another seed must give another split"
        );
    }

    #[test]
    fn the_parts_cover_every_row_once() {
        let split = train_validation_split(1_001, 0.2, 7);
        let mut all: Vec<usize> = split
            .train
            .iter()
            .chain(&split.validation)
            .copied()
            .collect();
        all.sort_unstable();
        assert_eq!(all, (0..1_001).collect::<Vec<_>>());
    }
}
