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
            checked_against: "libtorch's linear, batch norm and ReLU on the same layer; dropout's place and rate in training",
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
            checked_against: "libtorch's SGD with momentum step by step, its velocity too, with a changing learning rate",
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
            checked_against: "libtorch's Adam, Adam with L2 and AdamW step by step, m, s and the step count too; tiny gradients",
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
            checked_against: "course-core's `steepest_descent` on synthetic curves: a spike, a floor reached twice, no upturn",
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
        "evaluation output (linear -> batch norm with its running statistics -> ReLU, no dropout \
         when not training)",
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
    // Another probability: dropout(p) drops each unit with probability p and scales the kept
    // ones by 1 / (1 - p); at p = 0.5 dropping and keeping look alike.
    let light = HiddenLayer {
        linear: nn::linear(vars.root() / "light", 6, 5, Default::default()),
        batch_norm: None,
        dropout: 0.2,
    };
    let wide = Tensor::randn([400, 6], (Kind::Float, Device::Cpu));
    let output = A::hidden_block(&light, &wide, true);
    let without_dropout = wide.apply(&light.linear).relu();
    ensure!(
        output.size() == without_dropout.size(),
        "training output with dropout 0.2: expected shape {:?}, got {:?}",
        without_dropout.size(),
        output.size()
    );
    let kept = output.ne(0.0);
    let positive = without_dropout.gt(0.0);
    let kept_share = kept.sum(Kind::Float).double_value(&[])
        / positive.sum(Kind::Float).double_value(&[]).max(1.0);
    ensure!(
        (kept_share - 0.8).abs() < 0.1,
        "training output with dropout 0.2: {:.0}% of the positive units were kept, expected about \
         80%: layer.dropout is the probability to drop a unit, not to keep it",
        kept_share * 100.0
    );
    expect_close(
        "training output with dropout 0.2 where a unit was kept (x 1 / (1 - 0.2) = 1.25; dropout's \
         p is the probability to drop)",
        &output.masked_select(&kept),
        &(&without_dropout / 0.8).masked_select(&kept),
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

/// Runs libtorch's optimiser `config` on a copy of the parameter, step by step beside `yours`,
/// with the learning rate `lrs[step]` at each step (a schedule may change it) and the gradients
/// times `scale`, and compares the parameters after each step. `yours(step, param, grad, lr)`
/// returns the new parameter and whether the optimiser's state it kept is right.
fn against_libtorch(
    what: &str,
    config: impl OptimizerConfig,
    lrs: &[f64; 6],
    scale: f64,
    mut yours: impl FnMut(usize, &Tensor, &Tensor, f64) -> (Tensor, Result<()>),
) -> Result<()> {
    let (start, gradients) = start_and_gradients();
    let vars = nn::VarStore::new(Device::Cpu);
    let param = vars.root().var_copy("p", &start);
    let mut optimiser = config.build(&vars, lrs[0])?;
    let mut mine = start.copy();
    for (step, gradient) in gradients.iter().enumerate() {
        let gradient = gradient * scale;
        optimiser.set_lr(lrs[step]);
        // The gradient of sum(p * g) with respect to p is g.
        optimiser.zero_grad();
        (&param * &gradient).sum(Kind::Float).backward();
        optimiser.step();
        let (next, state) = tch::no_grad(|| yours(step, &mine, &gradient, lrs[step]));
        mine = next;
        expect_close(
            &format!("{what}: the parameter after step {} of 6", step + 1),
            &mine,
            &param.detach(),
            1e-5,
        )?;
        state?;
    }
    Ok(())
}

fn sgd_momentum<A: Answers>() -> Result<()> {
    let changing = [0.1, 0.2, 0.05, 0.1, 0.3, 0.02];
    let cases = [
        ("SGD, learning rate 0.1, momentum 0.9", 0.9, [0.1; 6]),
        ("SGD, learning rate 0.05, momentum 0.5", 0.5, [0.05; 6]),
        (
            "SGD, momentum 0.9, the learning rate changing at each step (as a schedule does)",
            0.9,
            changing,
        ),
    ];
    for (what, momentum, lrs) in cases {
        let mut velocity = Tensor::zeros([3], (Kind::Float, Device::Cpu));
        let mut expected = Tensor::zeros([3], (Kind::Float, Device::Cpu));
        against_libtorch(
            what,
            nn::Sgd {
                momentum,
                ..Default::default()
            },
            &lrs,
            1.0,
            |step, param, grad, lr| {
                let next = A::sgd_momentum_step(param, grad, &mut velocity, lr, momentum);
                expected = &expected * momentum + grad;
                let state = expect_close(
                    &format!(
                        "{what}: the velocity after step {} (v = momentum * v + g: the learning \
                         rate belongs in the parameter's step, not in the velocity)",
                        step + 1
                    ),
                    &velocity,
                    &expected,
                    1e-5,
                );
                (next, state)
            },
        )?;
    }
    Ok(())
}

/// Whether Adam's `state` after step `t` is the running means `mean` and `mean_square` (and the
/// step count), compared at the gradients' scale.
fn adam_state_kept(
    what: &str,
    t: usize,
    scale: f64,
    state: &AdamState,
    mean: &Tensor,
    mean_square: &Tensor,
) -> Result<()> {
    ensure!(
        state.steps == t as i64,
        "{what}: state.steps is {} after step {t}, expected {t} (count each step once)",
        state.steps
    );
    expect_close(
        &format!(
            "{what}: state.mean (m) after step {t}, at the gradients' scale (m = beta1 * m + (1 - \
             beta1) * g, kept without bias correction)"
        ),
        &(&state.mean / scale),
        &(mean / scale),
        1e-5,
    )?;
    expect_close(
        &format!(
            "{what}: state.mean_square (s) after step {t}, at the gradients' scale (s = beta2 * s \
             + (1 - beta2) * g^2, kept without bias correction)"
        ),
        &(&state.mean_square / (scale * scale)),
        &(mean_square / (scale * scale)),
        1e-5,
    )
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
        ("Adam", settings(0.0, false), 1.0),
        (
            "Adam with weight decay 0.5 (an L2 penalty in the gradient)",
            settings(0.5, false),
            1.0,
        ),
        (
            "AdamW with weight decay 0.5 (decoupled)",
            settings(0.5, true),
            1.0,
        ),
        // With gradients of 1e-4, sqrt(s_hat) is about 1e-4 and sqrt(s_hat + eps) about 1.4e-4:
        // where eps goes shows.
        (
            "Adam on gradients of about 1e-4 (where eps = 1e-8 matters: add it after the square \
             root, sqrt(s_hat) + eps)",
            settings(0.0, false),
            1e-4,
        ),
    ];
    for (what, s, scale) in cases {
        let mut state = AdamState::new(&start_and_gradients().0);
        let mut mean = state.mean.zeros_like();
        let mut mean_square = state.mean_square.zeros_like();
        let step = |step: usize, param: &Tensor, grad: &Tensor, _lr: f64| {
            let next = A::adam_step(param, grad, &mut state, &s);
            let grad = if s.decoupled {
                grad.shallow_clone()
            } else {
                grad + param * s.weight_decay
            };
            mean = &mean * s.beta1 + &grad * (1.0 - s.beta1);
            mean_square = &mean_square * s.beta2 + grad.square() * (1.0 - s.beta2);
            let t = step + 1;
            let kept = adam_state_kept(what, t, scale, &state, &mean, &mean_square);
            (next, kept)
        };
        if s.decoupled {
            let config = nn::AdamW {
                beta1: s.beta1,
                beta2: s.beta2,
                wd: s.weight_decay,
                eps: s.eps,
                amsgrad: false,
            };
            against_libtorch(what, config, &[s.lr; 6], scale, step)?;
        } else {
            let config = nn::Adam {
                beta1: s.beta1,
                beta2: s.beta2,
                wd: s.weight_decay,
                eps: s.eps,
                amsgrad: false,
            };
            against_libtorch(what, config, &[s.lr; 6], scale, step)?;
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

/// A curve of 100 steps (rates as in [`curve`]) whose floor, 0.3, is reached twice: at step 50
/// after a gentle fall, and again at step 80 after a bump and a steeper fall. The first lowest
/// loss counts, so the steeper second fall is past it.
fn floor_reached_twice() -> (Vec<f64>, Vec<f64>) {
    let (lrs, _) = curve(100, -3.0, -1.0, 0.0);
    let losses = (0..100)
        .map(|i| {
            let x = i as f64;
            if i <= 50 {
                let t = ((x - 20.0) / 30.0).clamp(0.0, 1.0);
                0.3 + 0.4 * (1.0 - t * t * (3.0 - 2.0 * t))
            } else if i <= 80 {
                let u = (x - 65.0) / 15.0;
                0.3 + 0.3 * (1.0 - u * u).max(0.0)
            } else {
                0.3 + (x - 80.0) * 0.05
            }
        })
        .collect();
    (lrs, losses)
}

/// [`curve`] of 200 steps falling around 1e-3 and diverging past 10^-1.5, with a loss spike (+5)
/// 15 steps after its lowest loss: the fall after the spike is the steepest of the curve, but
/// the run is already diverging there.
fn spike_after_the_lowest() -> (Vec<f64>, Vec<f64>) {
    let (lrs, mut losses) = curve(200, -3.0, -1.5, 0.0);
    let lowest = (0..losses.len())
        .min_by(|&a, &b| losses[a].total_cmp(&losses[b]))
        .unwrap_or(0);
    losses[lowest + 15] += 5.0;
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
        (
            "a curve that never turns up (its lowest loss is its last step: a window needs h \
             steps on each side, so i < n - h too)",
            curve(100, -3.0, 1.0, 0.0),
        ),
        (
            "a curve with a loss spike after its lowest (look only before the lowest loss: \
             past it the run is diverging, however steep a fall there)",
            spike_after_the_lowest(),
        ),
        (
            "a curve whose lowest loss comes twice (the first lowest counts: after it the run \
             is diverging)",
            floor_reached_twice(),
        ),
    ];
    for (what, (lrs, losses)) in &cases {
        let yours = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            A::lr_suggestion(lrs, losses)
        }));
        let yours = match yours {
            Ok(yours) => yours,
            Err(payload) => {
                let message = course_core::exercises::panic_message(payload.as_ref());
                if message.starts_with("not yet implemented") {
                    std::panic::resume_unwind(payload);
                }
                anyhow::bail!("{what}: the code panicked: {message}");
            }
        };
        let expected = steepest_descent(lrs, losses);
        ensure!(
            (yours / expected - 1.0).abs() < 1e-9,
            "{what}: the finder suggests {expected:.3e}, you suggested {yours:.3e} (the steepest \
             windowed slope per log(rate), before the lowest loss)"
        );
    }
    Ok(())
}
