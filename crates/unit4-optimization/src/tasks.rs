//! The checks of unit 4's tasks, run against [`Solution`](crate::Solution) by `cargo test` and
//! against `Exercise` (`src/exercise.rs`) by `course verify unit4`.

use crate::model::HiddenLayer;
use crate::optimisers::{AdamSettings, AdamState};
use crate::search::{SearchSpace, Trial};
use crate::Answers;
use anyhow::{ensure, Result};
use course_core::exercises::{expect_close, Task};
use course_core::training::{LrScheduler, Schedule};
use tch::nn::{self, ModuleT, OptimizerConfig};
use tch::{Device, Kind, Tensor};

const FILE: &str = "crates/unit4-optimization/src/exercise.rs";

/// Unit 4's tasks, in the order a learner does them.
pub fn tasks<A: Answers>() -> Vec<Task> {
    vec![
        Task {
            name: "warm-up + cosine learning-rate schedule",
            checked_against: "the Trainer's own `LrScheduler` (WarmupCosine) at nine steps",
            trains: false,
            file: FILE,
            hints: &[
                "Two phases: see 'Warm-up then cosine' in 'The maths in short' of the unit's README. First the rate climbs in a straight line to the peak over the warm-up steps, so the first steps from random weights stay small. Then it follows half a cosine wave from the peak down to min_lr, reached at the last step and kept after it. The course counts step 0 as the first warm-up step, so its rate is not 0.",
                "Only f64 arithmetic: convert the usize steps with `as f64`, and cap the progress at 1 with `min`. `cos` is a method of f64, and `PI` is in the standard library's f64 constants.",
                "During warm-up the rate climbs in a straight line to the peak: peak_lr * (step + 1) / warmup_steps.",
                "After it: progress = (step - warmup_steps) / (total_steps - warmup_steps), at most 1; min_lr + (peak_lr - min_lr) * (1 + cos(pi * progress)) / 2.",
            ],
            check: warmup_cosine::<A>,
        },
        Task {
            name: "hidden block: linear, batch norm, ReLU, dropout",
            checked_against: "libtorch's linear, batch norm and ReLU on the same layer; dropout's effects",
            trains: true,
            file: FILE,
            hints: &[
                "A hidden block is four steps in a fixed order: the linear map, batch norm (only when the layer has one), ReLU, dropout. See 'Dropout' and 'Batch norm' in 'The maths in short' of the unit's README. Both behave differently in training and in evaluation: batch norm uses the batch's statistics only while training, and dropout drops units only while training.",
                "`apply` runs the layer's linear map. The batch norm is an Option, and its `forward_t` (from `nn::ModuleT`) takes the training flag. The tensor methods `relu` and `dropout` finish the block, `dropout` with the probability `layer.dropout` and the flag.",
                "xs.apply(&layer.linear), then, if let Some(bn) = &layer.batch_norm, bn.forward_t(&h, train).",
                "Then .relu() and .dropout(layer.dropout, train).",
            ],
            check: hidden_block::<A>,
        },
        Task {
            name: "the search grid",
            checked_against: "a hand-listed 2×3×2 grid: count and order",
            trains: false,
            file: FILE,
            hints: &[
                "A grid search tries every combination of the candidate values: every learning rate with every weight decay with every dropout. See 'What is here' in the unit's README (the search file). The order matters for the check: learning rate outermost, then weight decay, dropout innermost.",
                "`space.learning_rates`, `space.weight_decays` and `space.dropouts` are vectors of f64. Each combination becomes one `Trial` with the fields `learning_rate`, `weight_decay` and `dropout`, pushed onto a Vec.",
                "Three nested loops: for lr { for weight_decay { for dropout { push a Trial } } }.",
            ],
            check: grid::<A>,
        },
        Task {
            name: "SGD with momentum by hand, against libtorch's SGD",
            checked_against: "libtorch's SGD with momentum over six steps, two settings",
            trains: false,
            file: FILE,
            hints: &[
                "Momentum keeps part of the previous direction: see 'Momentum' in 'The maths in short' of the unit's README, and the formulas at the top of the optimisers file (src/optimisers.rs). The velocity remembers past gradients, so steps along a steady direction grow and steps that flip sign cancel out. Two lines: the velocity first, then the parameter, with the new velocity.",
                "A tensor multiplies by an f64 directly (`&t * 0.9`), and tensors add to each other. `velocity` is a mutable reference: assign the new value through it (`*velocity = ...`) so that the next step sees it.",
                "*velocity = &*velocity * momentum + grad; then param - &*velocity * lr.",
            ],
            check: sgd_momentum::<A>,
        },
        Task {
            name: "Adam and AdamW by hand, against libtorch's",
            checked_against: "libtorch's Adam, Adam with L2 and AdamW over six steps",
            trains: false,
            file: FILE,
            hints: &[
                "Adam keeps two running means per weight, of the gradient and of its square, and divides one by the square root of the other: see 'Adam' in 'The maths in short' of the unit's README, and the formulas at the top of src/optimisers.rs. Both means start at zero, so early on they are too small: dividing by 1 - beta^t, with t counting steps from 1, corrects that. Adam and AdamW differ only in where the weight decay goes: into the gradient, or straight onto the weights.",
                "Order: decay (AdamW: shrink p; Adam: add weight_decay * p to g), steps += 1, the two running means, bias correction, the step.",
                "The state to update is `state.steps`, `state.mean` and `state.mean_square`, and `settings.decoupled` tells AdamW from Adam. The tensor methods `square` and `sqrt` and the f64 method `powi` are all the maths you need.",
                "The bias correction divides by 1 - beta^t with t = state.steps after counting this step: beta1.powi(t as i32).",
                "p' = p - lr * m_hat / (s_hat.sqrt() + eps), with p already shrunk for AdamW.",
            ],
            check: adam::<A>,
        },
        Task {
            name: "the learning-rate finder's suggestion from its loss curve",
            checked_against: "course-core's `steepest_descent` on four synthetic curves",
            trains: false,
            file: FILE,
            hints: &[
                "The finder's curve is a loss per learning rate, with the rates growing exponentially: see 'The learning-rate finder' in 'The maths in short' of the unit's README. Suggest the rate where the loss falls fastest per unit of log(rate). Look only before the lowest loss, since after it the run diverges. Measure each slope across a window of h steps on each side, because neighbouring steps differ mostly by batch noise.",
                "`min_by` with `total_cmp` finds the index of the lowest loss. `ln` is the natural log of an f64. `saturating_sub` keeps a usize from going below 0. `get` gives an Option, for a curve that may be empty.",
                "First the index of the lowest loss (min_by with total_cmp), and h = (n / 20).max(2).",
                "A closure slope(i) = (losses[i + h] - losses[i - h]) / (lrs[i + h].ln() - lrs[i - h].ln()); the candidates are h..lowest.min(n.saturating_sub(h)).",
                "Keep the candidate whose slope is smallest (most negative); none: lrs.get(lowest).copied().unwrap_or(1e-3) / 10.0.",
            ],
            check: lr_suggestion::<A>,
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
    let positive = without_dropout.gt(0.0).sum(Kind::Int64).int64_value(&[]);
    let kept_count = kept.sum(Kind::Int64).int64_value(&[]);
    ensure!(
        kept_count < positive,
        "in training mode no unit was dropped: apply dropout(layer.dropout, train)"
    );
    let doubled = (&without_dropout * 2.0).masked_select(&kept);
    expect_close(
        "training output where dropout kept a unit (batch statistics, then x2 for p = 0.5)",
        &output.masked_select(&kept),
        &doubled,
        1e-4,
    )?;
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

/// The parameter and the gradients of 6 steps for the optimiser checks: signs that change, so
/// momentum and the running means matter.
fn start_and_gradients() -> (Tensor, Vec<Tensor>) {
    let start = Tensor::from_slice(&[0.5f32, -1.0, 2.0]);
    let gradients = [
        [1.0f32, -2.0, 0.5],
        [0.8, -1.0, -0.5],
        [-0.3, 0.4, 1.0],
        [1.2, 0.0, -2.0],
        [0.1, -0.1, 0.3],
        [-1.0, 2.0, 0.2],
    ]
    .iter()
    .map(|g| Tensor::from_slice(g))
    .collect();
    (start, gradients)
}

/// Runs libtorch's optimiser `config` at `lr` on a copy of the parameter, step by step beside
/// `yours`, and compares the parameters after each step.
fn against_libtorch(
    what: &str,
    config: impl OptimizerConfig,
    lr: f64,
    mut yours: impl FnMut(&Tensor, &Tensor) -> Tensor,
) -> Result<()> {
    let (start, gradients) = start_and_gradients();
    let vars = nn::VarStore::new(Device::Cpu);
    let param = vars.root().var_copy("p", &start);
    let mut optimiser = config.build(&vars, lr)?;
    let mut mine = start.copy();
    for (step, gradient) in gradients.iter().enumerate() {
        // The gradient of sum(p * g) with respect to p is g.
        optimiser.zero_grad();
        (&param * gradient).sum(Kind::Float).backward();
        optimiser.step();
        mine = tch::no_grad(|| yours(&mine, gradient));
        expect_close(
            &format!("{what}: the parameter after step {} of 6", step + 1),
            &mine,
            &param.detach(),
            1e-5,
        )?;
    }
    Ok(())
}

fn sgd_momentum<A: Answers>() -> Result<()> {
    for (lr, momentum) in [(0.1, 0.9), (0.05, 0.5)] {
        let mut velocity = Tensor::zeros([3], (Kind::Float, Device::Cpu));
        against_libtorch(
            &format!("SGD, learning rate {lr}, momentum {momentum}"),
            nn::Sgd {
                momentum,
                ..Default::default()
            },
            lr,
            |param, grad| A::sgd_momentum_step(param, grad, &mut velocity, lr, momentum),
        )?;
    }
    Ok(())
}

fn adam<A: Answers>() -> Result<()> {
    let settings = |weight_decay: f64, decoupled: bool| AdamSettings {
        lr: 0.1,
        beta1: 0.9,
        beta2: 0.99,
        eps: 1e-8,
        weight_decay,
        decoupled,
    };
    let cases = [
        ("Adam", settings(0.0, false)),
        (
            "Adam with weight decay 0.5 (an L2 penalty in the gradient)",
            settings(0.5, false),
        ),
        (
            "AdamW with weight decay 0.5 (decoupled)",
            settings(0.5, true),
        ),
    ];
    for (what, s) in cases {
        let mut state = AdamState::new(&start_and_gradients().0);
        let mut step = |param: &Tensor, grad: &Tensor| A::adam_step(param, grad, &mut state, &s);
        if s.decoupled {
            let config = nn::AdamW {
                beta1: s.beta1,
                beta2: s.beta2,
                wd: s.weight_decay,
                eps: s.eps,
                amsgrad: false,
            };
            against_libtorch(what, config, s.lr, &mut step)?;
        } else {
            let config = nn::Adam {
                beta1: s.beta1,
                beta2: s.beta2,
                wd: s.weight_decay,
                eps: s.eps,
                amsgrad: false,
            };
            against_libtorch(what, config, s.lr, &mut step)?;
        }
    }
    Ok(())
}

/// A finder's curve over `n` rates from 1e-6 to 1: flat, a fall centred on `fall_at`, a floor,
/// then divergence after `diverge_at`; `noise` adds a fixed, irregular jitter.
fn curve(n: usize, fall_at: f64, diverge_at: f64, noise: f64) -> (Vec<f64>, Vec<f64>) {
    let lrs: Vec<f64> = (0..n)
        .map(|i| 1e-6 * (1e6f64).powf(i as f64 / (n - 1) as f64))
        .collect();
    let losses = lrs
        .iter()
        .enumerate()
        .map(|(i, &lr)| {
            let fall = 1.0 / (1.0 + (-(lr.log10() - fall_at) * 3.0).exp());
            let blow_up = if lr.log10() > diverge_at {
                (lr.log10() - diverge_at) * 4.0
            } else {
                0.0
            };
            // Irregular, not periodic: a short window cannot average it away.
            let zig = noise * (((i * 7919) % 13) as f64 / 6.0 - 1.0);
            0.7 - 0.5 * fall + blow_up + zig
        })
        .collect();
    (lrs, losses)
}

fn lr_suggestion<A: Answers>() -> Result<()> {
    use course_core::training::lr_finder::steepest_descent;
    let cases = [
        (
            "a smooth curve of 200 steps falling around 1e-3",
            curve(200, -3.0, -1.0, 0.0),
        ),
        (
            "the same curve with batch noise",
            curve(200, -3.0, -1.0, 0.03),
        ),
        (
            "a curve that diverges soon after its fall",
            curve(120, -4.0, -3.3, 0.01),
        ),
        (
            "a curve of 4 steps (too short for a window)",
            curve(4, -3.0, -1.0, 0.0),
        ),
    ];
    for (what, (lrs, losses)) in &cases {
        let yours = A::lr_suggestion(lrs, losses);
        let expected = steepest_descent(lrs, losses);
        ensure!(
            (yours / expected - 1.0).abs() < 1e-9,
            "{what}: the finder suggests {expected:.3e}, you suggested {yours:.3e} (the steepest \
             windowed slope per log(rate), before the lowest loss)"
        );
    }
    Ok(())
}
