//! A small hyper-parameter search: a grid (every combination) or random trials, each a short
//! training run through the Trainer, compared by best validation accuracy.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// The values to try for each hyper-parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchSpace {
    pub learning_rates: Vec<f64>,
    pub weight_decays: Vec<f64>,
    pub dropouts: Vec<f64>,
}

impl Default for SearchSpace {
    /// Around the tuned run: 3 x 3 x 2 = 18 combinations.
    fn default() -> Self {
        SearchSpace {
            learning_rates: vec![3e-4, 1e-3, 3e-3],
            weight_decays: vec![0.0, 0.05, 0.5],
            dropouts: vec![0.5, 0.7],
        }
    }
}

/// One combination to train.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    pub learning_rate: f64,
    pub weight_decay: f64,
    pub dropout: f64,
}

/// `n` trials, each value drawn uniformly from its list: random search, which covers the
/// values that matter better than a grid of the same size when some hyper-parameters matter
/// little.
pub fn random_trials(space: &SearchSpace, n: usize, seed: u64) -> Vec<Trial> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut pick = |values: &[f64]| values[rng.random_range(0..values.len())];
    (0..n)
        .map(|_| Trial {
            learning_rate: pick(&space.learning_rates),
            weight_decay: pick(&space.weight_decays),
            dropout: pick(&space.dropouts),
        })
        .collect()
}

/// What one trial reached.
#[derive(Debug, Clone, PartialEq)]
pub struct TrialResult {
    pub trial: Trial,
    pub best_validation_accuracy: f64,
    pub best_epoch: usize,
    pub seconds: f64,
}

/// The results as a table, best first.
pub fn results_table(results: &[TrialResult]) -> String {
    let mut sorted = results.to_vec();
    sorted.sort_by(|a, b| {
        b.best_validation_accuracy
            .total_cmp(&a.best_validation_accuracy)
    });
    let mut table = String::from(
        "| rank | learning rate | weight decay | dropout | best val acc | epoch | seconds |\n|---|---|---|---|---|---|---|\n",
    );
    for (rank, r) in sorted.iter().enumerate() {
        table += &format!(
            "| {} | {:.0e} | {} | {} | {:.4} | {} | {:.1} |\n",
            rank + 1,
            r.trial.learning_rate,
            r.trial.weight_decay,
            r.trial.dropout,
            r.best_validation_accuracy,
            r.best_epoch,
            r.seconds
        );
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_trials_come_from_the_space_and_repeat_with_the_seed() {
        let space = SearchSpace::default();
        let trials = random_trials(&space, 20, 5);
        assert_eq!(trials.len(), 20);
        for t in &trials {
            assert!(space.learning_rates.contains(&t.learning_rate));
            assert!(space.weight_decays.contains(&t.weight_decay));
            assert!(space.dropouts.contains(&t.dropout));
        }
        assert_eq!(trials, random_trials(&space, 20, 5));
        assert_ne!(trials, random_trials(&space, 20, 6));
    }

    #[test]
    fn the_table_ranks_the_best_first() {
        let result = |acc| TrialResult {
            trial: Trial {
                learning_rate: 1e-3,
                weight_decay: 0.0,
                dropout: 0.5,
            },
            best_validation_accuracy: acc,
            best_epoch: 1,
            seconds: 1.0,
        };
        let table = results_table(&[result(0.8), result(0.9)]);
        let rows: Vec<&str> = table.lines().skip(2).collect();
        assert!(
            rows[0].contains("0.9000") && rows[1].contains("0.8000"),
            "{table}"
        );
    }
}
