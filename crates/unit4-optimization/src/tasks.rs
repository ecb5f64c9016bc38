//! The checks of unit 4's tasks, run against [`Solution`](crate::Solution) by `cargo test` and
//! against `Exercise` (`src/exercise.rs`) by `course verify unit4`.

use crate::model::HiddenLayer;
use crate::search::{SearchSpace, Trial};
use crate::Answers;
use anyhow::{ensure, Result};
use course_core::exercises::{expect_close, Task};
use course_core::training::{LrScheduler, Schedule};
use tch::nn::{self, ModuleT};
use tch::{Device, Kind, Tensor};

const FILE: &str = "crates/unit4-optimization/src/exercise.rs";

/// Unit 4's tasks, in the order a learner does them.
pub fn tasks<A: Answers>() -> Vec<Task> {
    vec![
        Task {
            name: "warm-up + cosine learning-rate schedule",
            file: FILE,
            hints: &[
                "During warm-up the rate climbs in a straight line to the peak: peak_lr * (step + 1) / warmup_steps.",
                "After it: progress = (step - warmup_steps) / (total_steps - warmup_steps), at most 1; min_lr + (peak_lr - min_lr) * (1 + cos(pi * progress)) / 2.",
            ],
            check: warmup_cosine::<A>,
        },
        Task {
            name: "hidden block: linear, batch norm, ReLU, dropout",
            file: FILE,
            hints: &[
                "xs.apply(&layer.linear), then, if let Some(bn) = &layer.batch_norm, bn.forward_t(&h, train).",
                "Then .relu() and .dropout(layer.dropout, train).",
            ],
            check: hidden_block::<A>,
        },
        Task {
            name: "the search grid",
            file: FILE,
            hints: &[
                "Three nested loops: for lr { for weight_decay { for dropout { push a Trial } } }.",
            ],
            check: grid::<A>,
        },
    ]
}

fn warmup_cosine<A: Answers>() -> Result<()> {
    let (total, warmup, peak, min) = (100, 10, 0.1, 0.001);
    // The Trainer's own schedule is the reference.
    let reference = LrScheduler::new(
        Schedule::WarmupCosine {
            warmup_steps: warmup,
            min_lr: min,
        },
        peak,
        total,
    );
    for step in [0, 4, 9, 10, 30, 55, 80, 99, 120] {
        let yours = A::warmup_cosine_lr(step, total, warmup, peak, min);
        let expected = reference.lr(step, 1);
        ensure!(
            (yours - expected).abs() < 1e-9,
            "step {step} of {total} (warm-up {warmup}, peak {peak}, min {min}): got {yours:.6}, expected {expected:.6}{}",
            if step >= total { " (past the end, stay at min_lr)" } else { "" }
        );
    }
    Ok(())
}

fn hidden_block<A: Answers>() -> Result<()> {
    let _serial = course_core::device::exclusive_torch_rng();
    tch::manual_seed(4);
    let vars = nn::VarStore::new(Device::Cpu);
    let layer = HiddenLayer {
        linear: nn::linear(vars.root() / "linear", 6, 5, Default::default()),
        batch_norm: Some(nn::batch_norm1d(vars.root() / "bn", 5, Default::default())),
        dropout: 0.5,
    };
    let xs = Tensor::randn([8, 6], (Kind::Float, Device::Cpu));
    let bn = layer.batch_norm.as_ref().expect("made above");

    // Evaluation: deterministic, running statistics, no dropout.
    let expected = bn.forward_t(&xs.apply(&layer.linear), false).relu();
    expect_close(
        "evaluation output (linear -> batch norm -> ReLU, no dropout when not training)",
        &A::hidden_block(&layer, &xs, false),
        &expected,
        1e-5,
    )?;

    // Training: batch statistics, and dropout zeroes about half and doubles the rest.
    let output = A::hidden_block(&layer, &xs, true);
    let without_dropout = bn.forward_t(&xs.apply(&layer.linear), true).relu();
    ensure!(
        output.size() == [8, 5],
        "training output: expected shape [8, 5], got {:?}",
        output.size()
    );
    let kept = output.ne(0.0);
    let doubled = (&without_dropout * 2.0).masked_select(&kept);
    expect_close(
        "training output where dropout kept a unit (batch statistics, then x2 for p = 0.5)",
        &output.masked_select(&kept),
        &doubled,
        1e-4,
    )?;
    let positive = without_dropout.gt(0.0).sum(Kind::Int64).int64_value(&[]);
    let kept = kept.sum(Kind::Int64).int64_value(&[]);
    ensure!(
        kept < positive,
        "in training mode no unit was dropped: apply dropout(layer.dropout, train)"
    );
    let plain = HiddenLayer {
        linear: nn::linear(vars.root() / "plain", 6, 5, Default::default()),
        batch_norm: None,
        dropout: 0.0,
    };
    expect_close(
        "a block without batch norm or dropout (just linear -> ReLU)",
        &A::hidden_block(&plain, &xs, true),
        &xs.apply(&plain.linear).relu(),
        1e-6,
    )
}

fn grid<A: Answers>() -> Result<()> {
    let space = SearchSpace {
        learning_rates: vec![0.1, 0.01],
        weight_decays: vec![0.0, 0.5, 1.0],
        dropouts: vec![0.2, 0.4],
    };
    let trials = A::grid(&space);
    ensure!(
        trials.len() == 12,
        "2 learning rates x 3 weight decays x 2 dropouts make 12 trials, got {}",
        trials.len()
    );
    let first = Trial {
        learning_rate: 0.1,
        weight_decay: 0.0,
        dropout: 0.2,
    };
    let second = Trial {
        dropout: 0.4,
        ..first
    };
    ensure!(
        trials[0] == first && trials[1] == second,
        "the first two trials should be {first:?} and {second:?} (dropout varies fastest), got {:?} and {:?}",
        trials[0],
        trials[1]
    );
    let last = Trial {
        learning_rate: 0.01,
        weight_decay: 1.0,
        dropout: 0.4,
    };
    ensure!(
        trials[11] == last,
        "the last trial should be {last:?}, got {:?}",
        trials[11]
    );
    Ok(())
}
