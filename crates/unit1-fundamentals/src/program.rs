//! The unit's program, shared by `--example solution` and `--example exercise` (which differ
//! only in whose [`Answers`] code they run).

use crate::logistic::{self, Training};
use crate::perceptron::Perceptron;
use crate::plot::decision_boundary;
use crate::toy_data::{standardise, ToyData};
use crate::Answers;
use anyhow::Result;
use std::path::PathBuf;
use tch::Kind;

/// Options of the unit-1 program.
#[derive(clap::Parser, Debug)]
pub struct Args {
    /// Epochs of logistic regression (the course: 20)
    #[arg(long, default_value_t = 20)]
    pub epochs: usize,
    /// Learning rate of logistic regression (the course: 0.05)
    #[arg(long, default_value_t = 0.05)]
    pub lr: f64,
    /// Seeds the order of the toy points in each epoch
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Where the plots go (default: runs/unit1)
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// What the toy run reached: accuracies on the toy data it learned from (unit 1 has no
/// validation split; the point is to see the rules work).
#[derive(Debug, Clone, Copy)]
pub struct ToyResults {
    pub perceptron_accuracy: f64,
    /// Logistic regression with the gradient by hand, on standardised features.
    pub logistic_regression_accuracy: f64,
}

pub fn run<A: Answers>(args: Args) -> Result<ToyResults> {
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| course_core::tracking::runs_root().join("unit1"));
    let data = ToyData::course();
    println!("Toy data: {} points, 2 features, 2 classes\n", data.len());

    println!("1. The perceptron (plain Rust)");
    let mut perceptron = Perceptron::new(1.0);
    let epochs = A::train_perceptron(&mut perceptron, &data, 100);
    let perceptron_accuracy = perceptron.accuracy(&data.points, &data.labels);
    println!(
        "   {epochs} epochs, accuracy {perceptron_accuracy:.2}, w = [{:.2}, {:.2}], b = {:.2}",
        perceptron.weights[0], perceptron.weights[1], perceptron.bias
    );
    let path = out.join("perceptron.png");
    let line = [
        perceptron.weights[0],
        perceptron.weights[1],
        perceptron.bias,
    ];
    decision_boundary(&path, "perceptron", &data.points, &data.labels, Some(line))?;
    println!("   plot: {}\n", path.display());

    println!("2. Logistic regression, gradients by hand");
    let (raw, labels) = data.tensors();
    let (scaled, mean, std) = standardise(&raw);
    let training = Training {
        learning_rate: args.lr,
        epochs: args.epochs,
        seed: args.seed as i64,
        ..Training::default()
    };
    for (name, features) in [("raw features", &raw), ("standardised", &scaled)] {
        let (model, losses) = logistic::train_by_hand::<A>(features, &labels, training);
        println!(
            "   {name:<13} loss {:.4} -> {:.4}, accuracy {:.2}",
            losses.first().copied().unwrap_or(f64::NAN),
            losses.last().copied().unwrap_or(f64::NAN),
            model.accuracy::<A>(features, &labels)
        );
    }

    println!("\n3. The same with autograd");
    let (by_hand, _) = logistic::train_by_hand::<A>(&scaled, &labels, training);
    let (autograd, _) = logistic::train_with_autograd::<A>(&scaled, &labels, training);
    let difference = (&by_hand.weights - &autograd.weights)
        .abs()
        .max()
        .double_value(&[]);
    println!("   largest weight difference, by hand vs autograd: {difference:.2e}");

    println!(
        "\n4. Learning rates (standardised features, {} epochs)",
        args.epochs
    );
    for learning_rate in [0.005, 0.05, 0.5, 5.0] {
        let training = Training {
            learning_rate,
            ..training
        };
        let (model, losses) = logistic::train_by_hand::<A>(&scaled, &labels, training);
        println!(
            "   lr {learning_rate:<6} final loss {:.4}, accuracy {:.2}",
            losses.last().copied().unwrap_or(f64::NAN),
            model.accuracy::<A>(&scaled, &labels)
        );
    }

    // The boundary was learned on standardised features; in the original units it is
    // w0 (x - m0) / s0 + w1 (y - m1) / s1 + b = 0.
    let [w0, w1, b] = by_hand.boundary();
    let m = Vec::<f64>::try_from(mean.flatten(0, -1).to_kind(Kind::Double))?;
    let s = Vec::<f64>::try_from(std.flatten(0, -1).to_kind(Kind::Double))?;
    let line = [
        w0 / s[0],
        w1 / s[1],
        b - w0 * m[0] / s[0] - w1 * m[1] / s[1],
    ];
    let path = out.join("logistic_regression.png");
    decision_boundary(
        &path,
        "logistic regression",
        &data.points,
        &data.labels,
        Some(line),
    )?;
    println!("\n   plot: {}", path.display());
    Ok(ToyResults {
        perceptron_accuracy,
        logistic_regression_accuracy: by_hand.accuracy::<A>(&scaled, &labels),
    })
}
