//! The checks of unit 1's tasks, run against [`Solution`](crate::Solution) by `cargo test` and
//! against `Exercise` (`src/exercise.rs`) by `course verify unit1`.

use crate::perceptron::Perceptron;
use crate::toy_data::ToyData;
use crate::Answers;
use anyhow::{ensure, Result};
use course_core::exercises::{expect_close, Task};
use tch::{Kind, Tensor};

const FILE: &str = "crates/unit1-fundamentals/src/exercise.rs";

/// Unit 1's tasks, in the order a learner does them.
pub fn tasks<A: Answers>() -> Vec<Task> {
    vec![
        Task {
            name: "perceptron update rule",
            checked_against: "hand-worked updates of a tiny perceptron, mistakes and non-mistakes",
            trains: true,
            file: FILE,
            hints: &[
                "The perceptron learns only from its mistakes: see 'The maths in short' in the unit's README. The error is label minus prediction, so it is +1, -1 or 0. The prediction is 1 when w . x + b > 0, else 0. An error of 0 means nothing to learn. Otherwise, move the boundary towards the point, scaled by the learning rate.",
                "The perceptron predicts for you: `perceptron.predict(features)` gives 0 or 1. Turn the label and the prediction into f64 before subtracting. Return true only when the error is not 0.",
                "On an error: w += learning_rate * error * x (each weight with its own feature) and b += learning_rate * error.",
            ],
            check: perceptron_update::<A>,
        },
        Task {
            name: "stop training when an epoch makes no mistake",
            checked_against: "full accuracy, and epoch-by-epoch updates with your task 1",
            trains: true,
            file: FILE,
            hints: &[
                "An epoch is one pass over all the points, in order. If a whole epoch makes no mistake, no weight moved, so the next epoch would do exactly the same: that is the time to stop. See 'The maths in short' in the unit's README: when a line separates the classes, the mistakes run out.",
                "Your task 1 already reports on each point: `Self::perceptron_update` returns true when it found a mistake. Walk `data.points` together with `data.labels` (zip them) and count the true results of the epoch.",
                "One epoch = one pass over the points in order, counting the updates that found an error.",
                "Return the epoch's number (from 1) as soon as its count is 0; after max_epochs, return max_epochs.",
            ],
            check: train_perceptron::<A>,
        },
        Task {
            name: "sigmoid",
            checked_against: "libtorch's `sigmoid`, including ±100, to a relative 1e-5 at large negative scores",
            trains: true,
            file: FILE,
            hints: &[
                "sigmoid(z) = 1 / (1 + exp(-z)), element by element: see 'The maths in short' in the unit's README. Build it in small steps: negate z, take the exponential, add 1, take the reciprocal. Why this form? For z = -100, exp(-z) overflows to infinity, and 1 / (1 + infinity) = 0 is still right. A form that divides two exponentials would give infinity / infinity, which is NaN.",
                "Tensors have the methods `exp` and `reciprocal`, and the unary minus works on a tensor. Adding a number to a tensor adds it to every element. The shape never changes. Do not call the built-in sigmoid.",
                "exp(-z) is (-z).exp(); adding 1 to every element is `+ 1.0`.",
                "1 / t is t.reciprocal().",
            ],
            check: sigmoid::<A>,
        },
        Task {
            name: "binary cross-entropy",
            checked_against: "libtorch's `binary_cross_entropy`, and the clamped loss at p = 0 or 1",
            trains: true,
            file: FILE,
            hints: &[
                "For one example the loss is -(y log p + (1 - y) log(1 - p)): see 'The maths in short' in the unit's README. The task's loss is its mean over the examples, a single number. When p is exactly 0 or 1, one of the logs is log 0 = -infinity. Keep p a tiny bit away from 0 and 1 first, inside [1e-7, 1 - 1e-7].",
                "Tensor methods that help: `clamp` (a lower and an upper bound), `log`, and `mean` with `Kind::Float`. Probabilities and labels have the same shape [n], so every step works element by element. The result must have shape [], which is what the mean gives.",
                "p.clamp(1e-7, 1.0 - 1e-7) keeps log away from 0.",
                "-(y * p.log() + (1 - y) * (1 - p).log()), then .mean(Kind::Float).",
            ],
            check: binary_cross_entropy::<A>,
        },
        Task {
            name: "logistic-regression gradients by hand (numerical gradient check)",
            checked_against: "central-difference gradients of libtorch's loss, and autograd at scores near ±40",
            trains: true,
            file: FILE,
            hints: &[
                "Follow the chain rule from the loss back to w and b: see 'The maths in short' in the unit's README. With z = x . w + b and p = sigmoid(z), the sigmoid's derivative is p (1 - p). It cancels against the derivative of the log terms, which leaves a very short gradient with respect to z. The loss is a mean over n rows: what does that do to each row's gradient?",
                "With z = x . w + b: dL/dz_i = (p_i - y_i) / n (the sigmoid's derivative cancels the log's). z_i depends on w through x_i, and on b with slope 1.",
                "Your `Self::sigmoid` gives p from `features.matmul(weights) + bias`, shape [n]. n is `features.size()[0]`. `transpose(0, 1)` turns x [n, 2] into [2, n]. `sum` adds a tensor up to shape [].",
                "dL/dw = x^T (dL/dz), a matrix-vector product; dL/db = the sum of dL/dz.",
            ],
            check: logistic_gradients::<A>,
        },
    ]
}

fn perceptron_update<A: Answers>() -> Result<()> {
    let mut p = Perceptron::new(1.0);
    // All-zero weights score 0, which predicts class 0: for a class-1 point that is a mistake.
    let mistake = A::perceptron_update(&mut p, [2.0, 3.0], 1);
    ensure!(
        mistake,
        "a class-1 point predicted as 0 is a mistake: return true"
    );
    ensure!(
        p.weights == [2.0, 3.0] && p.bias == 1.0,
        "after a class-1 mistake on (2, 3) from zero weights, expected w = [2, 3], b = 1; got w = {:?}, b = {}",
        p.weights,
        p.bias
    );
    let before = p.clone();
    let mistake = A::perceptron_update(&mut p, [2.0, 3.0], 1);
    ensure!(
        !mistake && p == before,
        "a point already classified right must change nothing and return false"
    );
    // Now (1, 1) scores 2 + 3 + 1 > 0, predicted 1, but it is class 0.
    let mut half = Perceptron {
        learning_rate: 0.5,
        ..p.clone()
    };
    ensure!(
        A::perceptron_update(&mut half, [1.0, 1.0], 0),
        "a class-0 point predicted as 1 is a mistake"
    );
    ensure!(
        half.weights == [1.5, 2.5] && half.bias == 0.5,
        "with learning rate 0.5, a class-0 mistake on (1, 1) from w = [2, 3], b = 1 should give w = [1.5, 2.5], b = 0.5; got w = {:?}, b = {} (is the learning rate used?)",
        half.weights,
        half.bias
    );
    Ok(())
}

fn train_perceptron<A: Answers>() -> Result<()> {
    let data = ToyData::course();
    let mut p = Perceptron::new(1.0);
    let epochs = A::train_perceptron(&mut p, &data, 1000);
    let accuracy = p.accuracy(&data.points, &data.labels);
    ensure!(
        accuracy == 1.0,
        "after training, accuracy on the (separable) toy data is {accuracy}, expected 1.0"
    );
    ensure!(
        epochs < 1000,
        "training ran all 1000 epochs: it should stop after the first epoch without a mistake"
    );
    // The same epochs, done point by point with task 1, must land on the same weights and
    // need exactly that many epochs.
    let mut reference = Perceptron::new(1.0);
    let mut needed = 0;
    for epoch in 1..=1000 {
        let mistakes = data
            .points
            .iter()
            .zip(&data.labels)
            .filter(|(&x, &y)| A::perceptron_update(&mut reference, x, y))
            .count();
        if mistakes == 0 {
            needed = epoch;
            break;
        }
    }
    ensure!(
        epochs == needed,
        "returned {epochs} epochs, but the first epoch without a mistake is epoch {needed}"
    );
    ensure!(
        p == reference,
        "the weights differ from updating every point in order, epoch after epoch"
    );
    let mut capped = Perceptron::new(1.0);
    let ran = A::train_perceptron(&mut capped, &data, 1);
    ensure!(ran == 1, "with max_epochs = 1, return 1 (got {ran})");
    Ok(())
}

fn sigmoid<A: Answers>() -> Result<()> {
    let z = Tensor::from_slice(&[-30.0f32, -2.0, 0.0, 0.5, 3.0, 30.0]).view([2, 3]);
    expect_close("sigmoid", &A::sigmoid(&z), &z.sigmoid(), 1e-6)?;
    // exp overflows float32 above about 88: a form that divides two exponentials gives NaN.
    let large = Tensor::from_slice(&[-100.0f32, 100.0]);
    expect_close(
        "sigmoid of -100 and 100 (exp(100) overflows: only 1 / (1 + exp(-z)) stays finite)",
        &A::sigmoid(&large),
        &large.sigmoid(),
        1e-6,
    )?;
    // Far negative scores have tiny probabilities, which float32 holds to about 1e-7 relative;
    // their logs are what a loss sees, so an absolute 1e-6 is no test. A clamped score or
    // 1 - 1 / (1 + e^z) is off by orders of magnitude there.
    let far = [-80.0f64, -50.0, -30.0, -15.0];
    let yours = A::sigmoid(&Tensor::from_slice(&far.map(|z| z as f32)));
    let yours = Vec::<f64>::try_from(yours.to_kind(Kind::Double).flatten(0, -1))?;
    ensure!(
        yours.len() == far.len(),
        "sigmoid of {far:?}: expected {} values, got {}",
        far.len(),
        yours.len()
    );
    for (&z, &got) in far.iter().zip(&yours) {
        let expected = 1.0 / (1.0 + (-z).exp());
        let relative = ((got - expected) / expected).abs();
        ensure!(
            relative < 1e-5,
            "sigmoid({z}): got {got:e}, expected {expected:e} (a relative error of {relative:.1e}, \
             more than 1e-5): a tiny probability must keep its digits, since its log is the \
             loss. Compute 1 / (1 + exp(-z)) on the scores as they are: no clamping of z, and \
             no 1 - (something close to 1)"
        );
    }
    Ok(())
}

fn binary_cross_entropy<A: Answers>() -> Result<()> {
    let p = Tensor::from_slice(&[0.9f32, 0.2, 0.6, 0.5]);
    let y = Tensor::from_slice(&[1.0f32, 0.0, 0.0, 1.0]);
    let expected = p.binary_cross_entropy::<Tensor>(&y, None, tch::Reduction::Mean);
    let loss = A::binary_cross_entropy(&p, &y);
    ensure!(
        loss.size().is_empty(),
        "the loss must be one number (shape []), got shape {:?}: take the mean",
        loss.size()
    );
    expect_close("binary cross-entropy", &loss, &expected, 1e-5)?;
    let certain = A::binary_cross_entropy(
        &Tensor::from_slice(&[1.0f32, 0.0]),
        &Tensor::from_slice(&[0.0f32, 1.0]),
    )
    .double_value(&[]);
    ensure!(
        certain.is_finite(),
        "a probability of exactly 0 or 1 gives an infinite loss ({certain}): clamp p first"
    );
    // Confidently wrong: the loss is that of p clamped into [1e-7, 1 - 1e-7], about 16.
    let expected = Tensor::from_slice(&[1.0f32 - 1e-7, 1e-7])
        .binary_cross_entropy::<Tensor>(
            &Tensor::from_slice(&[0.0f32, 1.0]),
            None,
            tch::Reduction::Mean,
        )
        .double_value(&[]);
    ensure!(
        (certain - expected).abs() < 1e-3,
        "probabilities of exactly 1 and 0 for classes 0 and 1: the loss is {certain:.4}, expected \
         {expected:.4}, the loss of p clamped into [1e-7, 1 - 1e-7]: clamp p itself (not log(p + \
         eps), nor other bounds)"
    );
    Ok(())
}

fn logistic_gradients<A: Answers>() -> Result<()> {
    let options = (Kind::Double, tch::Device::Cpu);
    let x = Tensor::from_slice(&[0.5, -1.0, 1.5, 2.0, -0.3, 0.8, 1.1, -1.7])
        .view([4, 2])
        .to_kind(Kind::Double);
    let y = Tensor::from_slice(&[1.0, 0.0, 1.0, 0.0]).to_kind(Kind::Double);
    let w = Tensor::from_slice(&[0.3, -0.2]).to_kind(Kind::Double);
    let b = Tensor::from_slice(&[0.1]).to_kind(Kind::Double).view([]);
    // The loss, computed with libtorch's own functions, for the numerical check.
    let loss = |w: &Tensor, b: &Tensor| -> f64 {
        let p = (x.matmul(w) + b).sigmoid();
        p.binary_cross_entropy::<Tensor>(&y, None, tch::Reduction::Mean)
            .double_value(&[])
    };
    let (grad_w, grad_b) = A::logistic_gradients(&x, &y, &w, &b);
    ensure!(
        grad_w.size() == [2] && grad_b.size().is_empty(),
        "expected grad_w of shape [2] and grad_b of shape []; got {:?} and {:?}",
        grad_w.size(),
        grad_b.size()
    );
    // Central differences: (L(w + h) - L(w - h)) / 2h approximates each partial derivative.
    let h = 1e-6;
    let mut numeric_w = Vec::new();
    for i in 0..2 {
        let bump = Tensor::zeros([2], options).index_fill(0, &Tensor::from(i as i64), h);
        numeric_w.push((loss(&(&w + &bump), &b) - loss(&(&w - &bump), &b)) / (2.0 * h));
    }
    let numeric_b = (loss(&w, &(&b + h)) - loss(&w, &(&b - h))) / (2.0 * h);
    expect_close(
        "dL/dw against the numerical gradient",
        &grad_w,
        &Tensor::from_slice(&numeric_w),
        1e-6,
    )?;
    expect_close(
        "dL/db against the numerical gradient",
        &grad_b,
        &Tensor::from(numeric_b),
        1e-6,
    )?;
    // Large scores, rightly classified: p of the first row rounds to exactly 1. The simplified
    // dL/dz = (p - y) / n stays finite; dL/dp * dp/dz written out is 0 / 0 there. The reference
    // is autograd through libtorch's stable loss on the scores (logits).
    let x = Tensor::from_slice(&[100.0, 0.0, -100.0, 0.0, 0.5, -1.0, 2.0, -0.3])
        .view([4, 2])
        .to_kind(Kind::Double);
    let w = Tensor::from_slice(&[0.4, -0.2])
        .to_kind(Kind::Double)
        .set_requires_grad(true);
    let b = Tensor::from_slice(&[0.1])
        .to_kind(Kind::Double)
        .view([])
        .set_requires_grad(true);
    (x.matmul(&w) + &b)
        .binary_cross_entropy_with_logits::<Tensor>(&y, None, None, tch::Reduction::Mean)
        .backward();
    let (grad_w, grad_b) = tch::no_grad(|| A::logistic_gradients(&x, &y, &w.detach(), &b.detach()));
    let what = "with large scores (x . w + b about 40 and -40, where p rounds to exactly 1 for a \
                class-1 row): keep dL/dz = (p - y) / n, which stays finite, where dL/dp * dp/dz \
                written out divides 0 by 0";
    expect_close(&format!("dL/dw {what}"), &grad_w, &w.grad(), 1e-6)?;
    expect_close(&format!("dL/db {what}"), &grad_b, &b.grad(), 1e-6)
}
