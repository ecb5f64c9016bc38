//! The checks of unit 3's tasks, run against [`Solution`](crate::Solution) by `cargo test` and
//! against `Exercise` (`src/exercise.rs`) by `course verify unit3`.

use crate::Answers;
use anyhow::{ensure, Context, Result};
use course_core::exercises::{expect_close, Task};
use course_core::training::decisions::replay;
use course_core::training::{
    DeviceChoice, EarlyStopping, Model, Monitor, OptimizerConfig, RunDecisions, Schedule,
    TensorDataset, Trainer, TrainerConfig, ValidationScores,
};
use tch::nn::VarStore;
use tch::{Device, Kind, Tensor};

const FILE: &str = "crates/unit3-trainer/src/exercise.rs";

/// Unit 3's tasks, in the order a learner does them.
pub fn tasks<A: Answers>() -> Vec<Task> {
    vec![
        Task {
            name: "the model's layer: Linear(n_features, 2)",
            checked_against: "the expected variables: `linear.weight` [2, 7] and `linear.bias` [2]",
            trains: true,
            file: FILE,
            hints: &[
                "The model is one linear map from a review's word counts to two scores, one per class: logits = counts W^T + b, with W of shape [2, n_features] and b of shape [2]. See 'The maths in short' in the unit's README: the model is unit 2's. The Trainer trains only the weights it can find, so where the layer is made matters.",
                "A layer with weights is a field of the model: declare it in the struct, build it in `new`.",
                "tch's fully connected layer is `nn::Linear`, made by `nn::linear(path, inputs, outputs, config)`; its path is `path / \"linear\"`.",
                "nn::linear(path / \"linear\", n_features as i64, 2, Default::default())",
            ],
            check: model_layer::<A>,
        },
        Task {
            name: "the model's forward pass",
            checked_against: "`counts @ weight^T + bias` on set weights, with gradients kept",
            trains: true,
            file: FILE,
            hints: &[
                "The forward pass sends a batch of word counts [batch, n_features] through your layer and gives the logits, [batch, 2]. See 'The maths in short' in the unit's README. This model has no dropout or batch norm, so the training flag changes nothing here.",
                "A tch layer is an `nn::Module`: a tensor goes through it with `Tensor::apply`.",
                "counts.apply(&self.linear)",
            ],
            check: model_forward::<A>,
        },
        Task {
            name: "the course's run settings",
            checked_against: "the course's settings, all else `TrainerConfig::default()`",
            trains: true,
            file: FILE,
            hints: &[
                "The run's settings are one TrainerConfig value: 30 epochs, batches of 32 reviews, plain SGD at learning rate 0.05 held constant, and the given seed. Every other setting keeps the Trainer's default. See 'The maths in short' in the unit's README: the model and the SGD update are unit 2's, only who runs the loop changes.",
                "The fields to set are `epochs`, `batch_size`, `optimizer`, `schedule` and `seed`. The rest comes from the Trainer's defaults.",
                "Struct update syntax fills the rest: TrainerConfig { epochs: ..., ..TrainerConfig::default() }.",
                "The optimiser is OptimizerConfig::sgd(learning_rate); a constant rate is Schedule::Constant.",
            ],
            check: run_settings::<A>,
        },
        Task {
            name: "the Trainer learns with your model",
            checked_against: "≥0.9 validation accuracy in 10 epochs on a toy bag of words",
            trains: true,
            file: FILE,
            hints: &[
                "Nothing new to write: this check trains your model (tasks 1 and 2) with your settings (task 3) through the Trainer on a toy problem. See 'What is here' in the unit's README for what the Trainer does in each epoch. If it fails, the cause is in one of those tasks.",
                "The Trainer finds the weights to train through the path your model was built with: the optimiser moves only the variables made under it.",
                "This trains your model with your settings on a toy problem: tasks 1-3 done right are enough.",
                "Read the error above: a layer that is not under `path` is never trained.",
            ],
            check: trains::<A>,
        },
        Task {
            name: "the trainer's decisions: the best checkpoint and early stopping",
            checked_against: "the Trainer's own rules (`replay`) on edge runs (zero accuracy, gains under min_delta, ties) and random ones",
            trains: false,
            file: FILE,
            hints: &[
                "Two decisions are taken after each epoch: see 'The maths in short' in the unit's README (accuracy, and early stopping with patience P). The best checkpoint is the epoch of the highest validation accuracy, and a tie keeps the earlier one. Early stopping counts the epochs in a row without improvement and stops the run when that count reaches the patience. For accuracy higher is better, for loss lower is better.",
                "Go through `epochs` with `enumerate` (index 0 is epoch 1). `early.monitor` is `Monitor::ValidationAccuracy` or `Monitor::ValidationLoss`. The best monitored value starts as None, and `Option::is_none_or` tells whether a value beats it. Return a `RunDecisions` with `best_epoch` and `stopped_after`.",
                "One pass over the epochs, numbered from 1, keeping: the best accuracy and its epoch; early stopping's best monitored value (None at first) and its count of epochs without improvement.",
                "Improvement: accuracy > best + min_delta, or loss < best - min_delta (the first epoch always improves); an improvement resets the count to 0, anything else adds 1.",
                "When the count reaches early.patience, return at once with stopped_after: Some(that epoch): the best epoch so far is the run's.",
            ],
            check: run_decisions::<A>,
        },
    ]
}

fn model_layer<A: Answers>() -> Result<()> {
    let vars = VarStore::new(Device::Cpu);
    let _model = A::new_model(&vars.root(), 7);
    let mut shapes: Vec<(String, Vec<i64>)> = vars
        .variables()
        .into_iter()
        .map(|(name, t)| (name, t.size()))
        .collect();
    shapes.sort();
    let expected = vec![
        ("linear.bias".to_string(), vec![2]),
        ("linear.weight".to_string(), vec![2, 7]),
    ];
    ensure!(
        shapes == expected,
        "with 7 features the model should hold {expected:?}, it holds {shapes:?}"
    );
    Ok(())
}

fn model_forward<A: Answers>() -> Result<()> {
    let vars = VarStore::new(Device::Cpu);
    let model = A::new_model(&vars.root(), 7);
    let counts = Tensor::arange(35, (Kind::Float, Device::Cpu)).view([5, 7]);
    let weights = vars.variables();
    let (w, b) = (
        weights.get("linear.weight").context("no linear.weight")?,
        weights.get("linear.bias").context("no linear.bias")?,
    );
    // Weights of both signs: class 0's logits come out negative, class 1's positive, so
    // anything after the layer that changes negative numbers (a ReLU) shows.
    tch::no_grad(|| {
        w.shallow_clone()
            .copy_(&(Tensor::arange(14, (Kind::Float, Device::Cpu)).view([2, 7]) - 7.0));
        b.shallow_clone()
            .copy_(&Tensor::from_slice(&[-1.0f32, 1.0]));
    });
    let logits = model.forward(&counts, false);
    expect_close(
        "logits of 5 rows of 7 counts (counts @ weight^T + bias)",
        &logits,
        &(counts.matmul(&w.tr()) + b),
        1e-4,
    )?;
    let training = model.forward(&counts, true);
    expect_close("logits in training mode", &training, &logits, 1e-6)?;
    ensure!(
        training.requires_grad(),
        "the logits carry no gradient back to the layer's weights, so nothing can train: is the \
         forward pass inside no_grad, or the output detached?"
    );
    Ok(())
}

fn run_settings<A: Answers>() -> Result<()> {
    let config = A::trainer_config(42);
    ensure!(
        config.epochs == 30,
        "epochs: {} (the course: 30)",
        config.epochs
    );
    ensure!(
        config.batch_size == 32,
        "batch size: {} (the course: 32)",
        config.batch_size
    );
    ensure!(
        config.optimizer == OptimizerConfig::sgd(0.05),
        "optimizer: {:?} (the course: plain SGD, learning rate 0.05)",
        config.optimizer
    );
    ensure!(
        config.schedule == Schedule::Constant,
        "schedule: {:?} (the course: a constant learning rate)",
        config.schedule
    );
    for seed in [42, 7] {
        let given = A::trainer_config(seed).seed;
        ensure!(
            given == seed,
            "seed: {given} when given {seed} (use the seed given, not a number of your own)"
        );
    }
    // Everything else: the Trainer's defaults, named field by field where they differ.
    let expected = TrainerConfig {
        seed: 42,
        ..TrainerConfig::default()
    };
    let fields = |c: &TrainerConfig| match serde_json::to_value(c) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => Default::default(),
    };
    let (mine, defaults) = (fields(&config), fields(&expected));
    let differing: Vec<String> = defaults
        .iter()
        .filter(|(name, value)| mine.get(*name) != Some(value))
        .map(|(name, value)| {
            let yours = mine.get(name).map(|v| v.to_string()).unwrap_or_default();
            format!("{name}: {yours} (the default: {value})")
        })
        .collect();
    ensure!(
        differing.is_empty(),
        "every other setting should be the Trainer's default (..TrainerConfig::default()); these \
         differ: {}",
        differing.join(", ")
    );
    Ok(())
}

/// A toy bag of words: 20 "words", a review is positive when it has more of words 0-9 than
/// of words 10-19.
fn toy_reviews(rows: i64, seed: i64) -> TensorDataset {
    tch::manual_seed(seed);
    let counts = Tensor::randint(3, [rows, 20], (Kind::Float, Device::Cpu));
    let positive = counts
        .narrow(1, 0, 10)
        .sum_dim_intlist(1, false, Kind::Float);
    let negative = counts
        .narrow(1, 10, 10)
        .sum_dim_intlist(1, false, Kind::Float);
    let labels = positive.gt_tensor(&negative).to_kind(Kind::Int64);
    TensorDataset {
        inputs: counts,
        labels: Some(Vec::<i64>::try_from(labels).unwrap_or_default()),
    }
}

fn trains<A: Answers>() -> Result<()> {
    let _serial = course_core::device::exclusive_torch_rng();
    let (train, validation) = (toy_reviews(512, 1), toy_reviews(256, 2));
    let mut config = A::trainer_config(3);
    config.epochs = 10;
    config.device = DeviceChoice::Cpu;
    config.progress = false;
    tch::manual_seed(3);
    let mut vars = VarStore::new(Device::Cpu);
    let model = A::new_model(&vars.root(), 20);
    let report = Trainer::new(config).fit(&model, &mut vars, &train, &validation)?;
    let accuracy = report
        .best_validation_accuracy
        .context("no epoch was validated: the course's run validates every epoch")?;
    ensure!(
        accuracy >= 0.9,
        "10 epochs on a toy problem reached validation accuracy {accuracy:.3}; expected at least 0.9"
    );
    Ok(())
}

/// Runs of validation scores: accuracies, with the loss going its own way.
fn run(accuracies: &[f64], losses: &[f64]) -> Vec<ValidationScores> {
    accuracies
        .iter()
        .zip(losses)
        .map(|(&accuracy, &loss)| ValidationScores { accuracy, loss })
        .collect()
}

fn early(monitor: Monitor, patience: usize, min_delta: f64) -> EarlyStopping {
    EarlyStopping {
        monitor,
        patience,
        min_delta,
    }
}

fn run_decisions<A: Answers>() -> Result<()> {
    let accuracies = [0.70, 0.80, 0.80, 0.79, 0.805, 0.78, 0.90];
    let losses = [0.60, 0.50, 0.45, 0.44, 0.46, 0.47, 0.30];
    let scores = run(&accuracies, &losses);
    let cases = [
        ("without early stopping", None),
        (
            "accuracy, patience 2 (epoch 3 ties epoch 2: no improvement)",
            Some(early(Monitor::ValidationAccuracy, 2, 0.0)),
        ),
        (
            "accuracy, patience 3, min_delta 0.01 (epoch 5's +0.005 over the best so far, 0.80, \
             is too small to count)",
            Some(early(Monitor::ValidationAccuracy, 3, 0.01)),
        ),
        (
            "loss (lower is better), patience 2",
            Some(early(Monitor::ValidationLoss, 2, 0.0)),
        ),
        (
            "loss, patience 1, min_delta 0.02 (epoch 4's -0.01 is too small)",
            Some(early(Monitor::ValidationLoss, 1, 0.02)),
        ),
    ];
    for (what, early) in &cases {
        let yours = A::run_decisions(&scores, early.as_ref());
        let expected = replay(&scores, early.as_ref());
        ensure!(
            yours == expected,
            "validation accuracies {accuracies:?}, losses {losses:?}, {what}: the Trainer decides \
             {expected:?}, you returned {yours:?}"
        );
    }
    // Edge runs: an accuracy of exactly 0, and gains each smaller than min_delta that add up.
    let edges = [
        (
            "validation accuracy 0 at every epoch, accuracy monitored, patience 2 (epoch 1 is \
             still the best checkpoint: the best so far starts below every accuracy, and the \
             first epoch always improves)",
            vec![0.0, 0.0, 0.0, 0.0],
            vec![0.7, 0.7, 0.7, 0.7],
            early(Monitor::ValidationAccuracy, 2, 0.0),
        ),
        (
            "accuracy creeping up by 0.006 an epoch, patience 3, min_delta 0.01 (a gain smaller \
             than min_delta does not move the best so far: 0.712 beats 0.70 by more than 0.01)",
            vec![0.70, 0.706, 0.712, 0.718, 0.724, 0.730],
            vec![0.5; 6],
            early(Monitor::ValidationAccuracy, 3, 0.01),
        ),
        (
            "validation loss 0.5, 0.4, 0.4, 0.4, loss monitored, patience 2, min_delta 0 (a loss \
             equal to the best so far is a tie, and a tie is no improvement)",
            vec![0.6, 0.7, 0.7, 0.7],
            vec![0.5, 0.4, 0.4, 0.4],
            early(Monitor::ValidationLoss, 2, 0.0),
        ),
    ];
    for (what, accuracies, losses, early) in &edges {
        let scores = run(accuracies, losses);
        let yours = A::run_decisions(&scores, Some(early));
        let expected = replay(&scores, Some(early));
        ensure!(
            yours == expected,
            "validation accuracies {accuracies:?}, {what}: the Trainer decides {expected:?}, you \
             returned {yours:?}"
        );
    }
    let empty = A::run_decisions(&[], Some(&early(Monitor::ValidationLoss, 1, 0.0)));
    ensure!(
        empty
            == RunDecisions {
                best_epoch: 0,
                stopped_after: None
            },
        "a run of no epochs: best_epoch 0 and no stop, got {empty:?}"
    );
    // Many random runs, against the Trainer's own rules.
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    for _ in 0..200 {
        let length = rng.random_range(1..12);
        // Accuracies on a coarse grid, so that ties happen.
        let scores: Vec<ValidationScores> = (0..length)
            .map(|_| ValidationScores {
                accuracy: rng.random_range(0..20) as f64 / 20.0,
                loss: rng.random_range(0..20) as f64 / 20.0,
            })
            .collect();
        let monitor = if rng.random_bool(0.5) {
            Monitor::ValidationAccuracy
        } else {
            Monitor::ValidationLoss
        };
        let early = early(
            monitor,
            rng.random_range(1..4),
            [0.0, 0.06][rng.random_range(0..2)],
        );
        let yours = A::run_decisions(&scores, Some(&early));
        let expected = replay(&scores, Some(&early));
        ensure!(
            yours == expected,
            "{early:?} over {scores:?}: the Trainer decides {expected:?}, you returned {yours:?}"
        );
    }
    Ok(())
}
