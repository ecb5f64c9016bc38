//! The checks of unit 2's tasks, run against [`Solution`](crate::Solution) by `cargo test` and
//! against `Exercise` (`src/exercise.rs`) by `course verify unit2`.

use crate::Answers;
use anyhow::{ensure, Result};
use course_core::exercises::{expect_close, Task};
use tch::nn::{self, Module, OptimizerConfig};
use tch::{Device, Kind, Tensor};

const FILE: &str = "crates/unit2-neural-networks/src/exercise.rs";

/// Unit 2's tasks, in the order a learner does them.
pub fn tasks<A: Answers>() -> Vec<Task> {
    vec![
        Task {
            name: "softmax",
            file: FILE,
            hints: &[
                "let shifted = logits - logits.amax(-1, true); keepdim true keeps [batch, 1], which broadcasts over the row.",
                "let e = shifted.exp(); e / e.sum_dim_intlist(-1, true, Kind::Float)",
            ],
            check: softmax::<A>,
        },
        Task {
            name: "cross-entropy",
            file: FILE,
            hints: &[
                "logits.log_softmax(-1, Kind::Float) gives every class's log-probability.",
                "gather(1, &targets.unsqueeze(1), false) picks each row's target column: [batch, 1].",
                "Minus the mean of those: -(...).mean(Kind::Float).",
            ],
            check: cross_entropy::<A>,
        },
        Task {
            name: "one training step (forward, loss, zero grad, backward, step)",
            file: FILE,
            hints: &[
                "The order: forward, loss, zero_grad, backward, step.",
                "correct = logits.argmax(-1, false).eq_tensor(targets).sum(Kind::Int64), as i64 with i64::try_from.",
            ],
            check: training_step::<A>,
        },
        Task {
            name: "validation accuracy over batches",
            file: FILE,
            hints: &[
                "let _guard = tch::no_grad_guard(); keeps gradients off until the end of the function.",
                "Count correct rows and all rows over every batch, then divide once: batches differ in size.",
            ],
            check: accuracy::<A>,
        },
    ]
}

fn softmax<A: Answers>() -> Result<()> {
    let logits =
        Tensor::from_slice(&[1.0f32, 2.0, 3.0, -1.0, 0.0, 1.0, 1000.0, 0.0, -1000.0]).view([3, 3]);
    let probabilities = A::softmax(&logits);
    expect_close(
        "softmax (the last row has logits of +-1000: subtract the row maximum first)",
        &probabilities,
        &logits.softmax(-1, Kind::Float),
        1e-6,
    )
}

fn cross_entropy<A: Answers>() -> Result<()> {
    let logits =
        Tensor::from_slice(&[2.0f32, -1.0, 0.5, 0.5, -3.0, 4.0, 100.0, -100.0]).view([4, 2]);
    let targets = Tensor::from_slice(&[0i64, 1, 0, 1]);
    let loss = A::cross_entropy(&logits, &targets);
    ensure!(
        loss.size().is_empty(),
        "the loss must be one number (shape []), got shape {:?}: take the mean over rows",
        loss.size()
    );
    expect_close(
        "cross-entropy (one row has logits of +-100: use log_softmax, not log(softmax))",
        &loss,
        &logits.cross_entropy_for_logits(&targets),
        1e-5,
    )
}

/// Two copies of the same small model, one trained by the learner's step, one by the reference
/// steps written here; their weights must stay equal.
fn training_step<A: Answers>() -> Result<()> {
    let make = || {
        let vars = nn::VarStore::new(Device::Cpu);
        let layer = nn::linear(vars.root() / "layer", 3, 2, Default::default());
        (vars, layer)
    };
    let (mut learner_vars, learner_model) = make();
    let (reference_vars, reference_model) = make();
    learner_vars.copy(&reference_vars)?;
    let mut learner_sgd = nn::Sgd::default().build(&learner_vars, 0.1)?;
    let mut reference_sgd = nn::Sgd::default().build(&reference_vars, 0.1)?;
    let inputs =
        Tensor::from_slice(&[1.0f32, 0.0, -1.0, 0.5, 2.0, 0.0, -1.0, 1.0, 1.0]).view([3, 3]);
    let targets = Tensor::from_slice(&[1i64, 0, 1]);
    let before = learner_model.ws.copy();
    for step in 1..=3 {
        let (loss, correct) = A::training_step(&learner_model, &mut learner_sgd, &inputs, &targets);
        let logits = reference_model.forward(&inputs);
        let reference_loss = logits.cross_entropy_for_logits(&targets);
        let reference_correct = logits
            .argmax(-1, false)
            .eq_tensor(&targets)
            .sum(Kind::Int64)
            .int64_value(&[]);
        reference_sgd.zero_grad();
        reference_loss.backward();
        reference_sgd.step();
        ensure!(
            (loss - reference_loss.double_value(&[])).abs() < 1e-5,
            "step {step}: returned loss {loss:.6}, expected {:.6} (the loss before this step's update)",
            reference_loss.double_value(&[])
        );
        ensure!(
            correct == reference_correct,
            "step {step}: returned {correct} correct rows, expected {reference_correct}"
        );
        if step == 1 {
            ensure!(
                learner_model
                    .ws
                    .not_equal_tensor(&before)
                    .any()
                    .int64_value(&[])
                    == 1,
                "the weights did not change: call optimizer.step() after loss.backward()"
            );
        }
        let drift = (&learner_model.ws - &reference_model.ws)
            .abs()
            .max()
            .double_value(&[]);
        ensure!(
            drift < 1e-6,
            "after step {step} the weights differ from a correct step by {drift:.2e}{}",
            if step > 1 {
                " (are the gradients zeroed before backward? they add up otherwise)"
            } else {
                ""
            }
        );
    }
    Ok(())
}

fn accuracy<A: Answers>() -> Result<()> {
    // A fixed "model": the class is 1 when the first feature is positive. Its scale is a weight
    // that requires gradients, and it notes whether its output would be recorded for backward:
    // with gradients off (no_grad) it is not.
    #[derive(Debug)]
    struct FirstFeature {
        scale: Tensor,
        recorded_for_backward: std::cell::Cell<bool>,
    }
    impl Module for FirstFeature {
        fn forward(&self, xs: &Tensor) -> Tensor {
            let first = xs.narrow(1, 0, 1) * &self.scale;
            if first.requires_grad() {
                self.recorded_for_backward.set(true);
            }
            Tensor::cat(&[-&first, first], 1)
        }
    }
    let model = FirstFeature {
        scale: Tensor::from(1.0f32).set_requires_grad(true),
        recorded_for_backward: std::cell::Cell::new(false),
    };
    // Batch 1: 3 rows, all right. Batch 2: 1 row, wrong. 3 of 4 right = 0.75 (the mean of the
    // batch accuracies, 0.5, would be wrong).
    let batches = vec![
        (
            Tensor::from_slice(&[1.0f32, 0.0, -2.0, 0.0, 3.0, 0.0]).view([3, 2]),
            Tensor::from_slice(&[1i64, 0, 1]),
        ),
        (
            Tensor::from_slice(&[-1.0f32, 0.0]).view([1, 2]),
            Tensor::from_slice(&[1i64]),
        ),
    ];
    let accuracy = A::accuracy(&model, &mut batches.into_iter());
    ensure!(
        (accuracy - 0.75).abs() < 1e-9,
        "accuracy over batches of 3 rows (all right) and 1 row (wrong) should be 0.75, got {accuracy}"
    );
    ensure!(
        !model.recorded_for_backward.get(),
        "gradients were on while the model ran: every forward pass was recorded for a backward \
         pass that never comes (memory and time). Turn them off for the whole loop: \
         let _guard = tch::no_grad_guard();"
    );
    Ok(())
}
