//! Wrong answers a learner plausibly writes for unit 4's tasks, each the solution but for one
//! mistake. Each must fail its own task, with words that lead to the mistake, while the tasks
//! before it pass (see course_core::exercises::mistakes).

use course_core::exercises::mistakes::{assert_all_caught, assert_documented, Mistake};
use std::f64::consts::PI;
use std::marker::PhantomData;
use tch::nn::ModuleT;
use tch::Tensor;
use unit4_optimization::model::HiddenLayer;
use unit4_optimization::optimisers::{AdamSettings, AdamState};
use unit4_optimization::search::{SearchSpace, Trial};
use unit4_optimization::tasks::tasks;
use unit4_optimization::{Answers, Solution};

/// The solution, function by function: a mistake overrides the one it gets wrong.
trait Patch {
    fn warmup_cosine_lr(step: usize, total: usize, warmup: usize, peak: f64, min: f64) -> f64 {
        Solution::warmup_cosine_lr(step, total, warmup, peak, min)
    }
    fn hidden_block(layer: &HiddenLayer, xs: &Tensor, train: bool) -> Tensor {
        Solution::hidden_block(layer, xs, train)
    }
    fn grid(space: &SearchSpace) -> Vec<Trial> {
        Solution::grid(space)
    }
    fn sgd_momentum_step(p: &Tensor, g: &Tensor, v: &mut Tensor, lr: f64, momentum: f64) -> Tensor {
        Solution::sgd_momentum_step(p, g, v, lr, momentum)
    }
    fn adam_step(p: &Tensor, g: &Tensor, state: &mut AdamState, s: &AdamSettings) -> Tensor {
        Solution::adam_step(p, g, state, s)
    }
    fn lr_suggestion(lrs: &[f64], losses: &[f64]) -> f64 {
        Solution::lr_suggestion(lrs, losses)
    }
}

/// Answers with the mistake `P`.
struct Wrong<P>(PhantomData<P>);

impl<P: Patch> Answers for Wrong<P> {
    fn warmup_cosine_lr(step: usize, total: usize, warmup: usize, peak: f64, min: f64) -> f64 {
        P::warmup_cosine_lr(step, total, warmup, peak, min)
    }
    fn hidden_block(layer: &HiddenLayer, xs: &Tensor, train: bool) -> Tensor {
        P::hidden_block(layer, xs, train)
    }
    fn grid(space: &SearchSpace) -> Vec<Trial> {
        P::grid(space)
    }
    fn sgd_momentum_step(p: &Tensor, g: &Tensor, v: &mut Tensor, lr: f64, momentum: f64) -> Tensor {
        P::sgd_momentum_step(p, g, v, lr, momentum)
    }
    fn adam_step(p: &Tensor, g: &Tensor, state: &mut AdamState, s: &AdamSettings) -> Tensor {
        P::adam_step(p, g, state, s)
    }
    fn lr_suggestion(lrs: &[f64], losses: &[f64]) -> f64 {
        P::lr_suggestion(lrs, losses)
    }
}

// --- task 1: warm-up + cosine ----------------------------------------------------------------

/// The cosine part from `progress`, with the solution's warm-up.
fn cosine(progress: f64, peak: f64, min: f64) -> f64 {
    min + 0.5 * (peak - min) * (1.0 + (PI * progress).cos())
}

/// peak * step / warmup: the first step trains at a rate of 0.
struct WarmupFromZero;
impl Patch for WarmupFromZero {
    fn warmup_cosine_lr(step: usize, total: usize, warmup: usize, peak: f64, min: f64) -> f64 {
        if step < warmup {
            return peak * step as f64 / warmup as f64;
        }
        Solution::warmup_cosine_lr(step, total, warmup, peak, min)
    }
}

/// Progress not capped at 1: past the end, the cosine climbs again.
struct ProgressNotCapped;
impl Patch for ProgressNotCapped {
    fn warmup_cosine_lr(step: usize, total: usize, warmup: usize, peak: f64, min: f64) -> f64 {
        if step < warmup {
            return Solution::warmup_cosine_lr(step, total, warmup, peak, min);
        }
        cosine((step - warmup) as f64 / (total - warmup) as f64, peak, min)
    }
}

/// peak * (1 + cos) / 2: decays to 0, not to min_lr.
struct MinimumLeftOut;
impl Patch for MinimumLeftOut {
    fn warmup_cosine_lr(step: usize, total: usize, warmup: usize, peak: f64, min: f64) -> f64 {
        if step < warmup {
            return Solution::warmup_cosine_lr(step, total, warmup, peak, min);
        }
        let progress = ((step - warmup) as f64 / (total - warmup) as f64).min(1.0);
        cosine(progress, peak, 0.0)
    }
}

/// The decay measured over all the steps, warm-up included.
struct DecayOverAllSteps;
impl Patch for DecayOverAllSteps {
    fn warmup_cosine_lr(step: usize, total: usize, warmup: usize, peak: f64, min: f64) -> f64 {
        if step < warmup {
            return Solution::warmup_cosine_lr(step, total, warmup, peak, min);
        }
        cosine((step as f64 / total as f64).min(1.0), peak, min)
    }
}

/// Progress in integers: 0 until the very end.
struct IntegerProgress;
impl Patch for IntegerProgress {
    fn warmup_cosine_lr(step: usize, total: usize, warmup: usize, peak: f64, min: f64) -> f64 {
        if step < warmup {
            return Solution::warmup_cosine_lr(step, total, warmup, peak, min);
        }
        let progress = ((step - warmup) / (total - warmup)).min(1) as f64;
        cosine(progress, peak, min)
    }
}

// --- task 2: the hidden block ------------------------------------------------------------------

fn normalised(layer: &HiddenLayer, xs: &Tensor, train: bool) -> Tensor {
    let xs = xs.apply(&layer.linear);
    match &layer.batch_norm {
        Some(batch_norm) => batch_norm.forward_t(&xs, train),
        None => xs,
    }
}

/// Batch norm always in training mode: evaluation uses the batch's statistics.
struct BatchNormAlwaysTraining;
impl Patch for BatchNormAlwaysTraining {
    fn hidden_block(layer: &HiddenLayer, xs: &Tensor, train: bool) -> Tensor {
        normalised(layer, xs, true)
            .relu()
            .dropout(layer.dropout, train)
    }
}

struct DropoutAlwaysOn;
impl Patch for DropoutAlwaysOn {
    fn hidden_block(layer: &HiddenLayer, xs: &Tensor, train: bool) -> Tensor {
        normalised(layer, xs, train)
            .relu()
            .dropout(layer.dropout, true)
    }
}

struct DropoutForgotten;
impl Patch for DropoutForgotten {
    fn hidden_block(layer: &HiddenLayer, xs: &Tensor, train: bool) -> Tensor {
        normalised(layer, xs, train).relu()
    }
}

struct ReluBeforeBatchNorm;
impl Patch for ReluBeforeBatchNorm {
    fn hidden_block(layer: &HiddenLayer, xs: &Tensor, train: bool) -> Tensor {
        let mut xs = xs.apply(&layer.linear).relu();
        if let Some(batch_norm) = &layer.batch_norm {
            xs = batch_norm.forward_t(&xs, train);
        }
        xs.dropout(layer.dropout, train)
    }
}

struct BatchNormSkipped;
impl Patch for BatchNormSkipped {
    fn hidden_block(layer: &HiddenLayer, xs: &Tensor, train: bool) -> Tensor {
        xs.apply(&layer.linear).relu().dropout(layer.dropout, train)
    }
}

/// Batch norm only while training, as if it were dropout: evaluation skips it.
struct BatchNormOnlyInTraining;
impl Patch for BatchNormOnlyInTraining {
    fn hidden_block(layer: &HiddenLayer, xs: &Tensor, train: bool) -> Tensor {
        let xs = if train {
            normalised(layer, xs, train)
        } else {
            xs.apply(&layer.linear)
        };
        xs.relu().dropout(layer.dropout, train)
    }
}

/// `layer.dropout` taken as the probability to keep a unit, not to drop it.
struct DropoutAsKeepProbability;
impl Patch for DropoutAsKeepProbability {
    fn hidden_block(layer: &HiddenLayer, xs: &Tensor, train: bool) -> Tensor {
        normalised(layer, xs, train)
            .relu()
            .dropout(1.0 - layer.dropout, train)
    }
}

/// Dropout straight after the linear map, before batch norm and ReLU.
struct DropoutBeforeBatchNorm;
impl Patch for DropoutBeforeBatchNorm {
    fn hidden_block(layer: &HiddenLayer, xs: &Tensor, train: bool) -> Tensor {
        let mut xs = xs.apply(&layer.linear).dropout(layer.dropout, train);
        if let Some(batch_norm) = &layer.batch_norm {
            xs = batch_norm.forward_t(&xs, train);
        }
        xs.relu()
    }
}

// --- task 3: the search grid -------------------------------------------------------------------

/// The learning rate varies fastest, dropout slowest.
struct LoopsInsideOut;
impl Patch for LoopsInsideOut {
    fn grid(space: &SearchSpace) -> Vec<Trial> {
        let mut trials = Vec::new();
        for &dropout in &space.dropouts {
            for &weight_decay in &space.weight_decays {
                for &learning_rate in &space.learning_rates {
                    trials.push(Trial {
                        learning_rate,
                        weight_decay,
                        dropout,
                    });
                }
            }
        }
        trials
    }
}

/// The lists zipped together: one trial per position, not every combination.
struct ZippedNotCrossed;
impl Patch for ZippedNotCrossed {
    fn grid(space: &SearchSpace) -> Vec<Trial> {
        space
            .learning_rates
            .iter()
            .zip(&space.weight_decays)
            .zip(&space.dropouts)
            .map(|((&learning_rate, &weight_decay), &dropout)| Trial {
                learning_rate,
                weight_decay,
                dropout,
            })
            .collect()
    }
}

/// `0..len - 1`: the last value of each list is never tried.
struct LastValueMissed;
impl Patch for LastValueMissed {
    fn grid(space: &SearchSpace) -> Vec<Trial> {
        let all_but_last = |values: &[f64]| values[..values.len() - 1].to_vec();
        Solution::grid(&SearchSpace {
            learning_rates: space.learning_rates.clone(),
            weight_decays: all_but_last(&space.weight_decays),
            dropouts: space.dropouts.clone(),
        })
    }
}

// --- task 4: SGD with momentum -----------------------------------------------------------------

/// The velocity never kept: every step is plain SGD.
struct VelocityNotKept;
impl Patch for VelocityNotKept {
    fn sgd_momentum_step(p: &Tensor, g: &Tensor, _v: &mut Tensor, lr: f64, _m: f64) -> Tensor {
        p - g * lr
    }
}

/// v = m v + (1 - m) g: a running mean, which libtorch's SGD does not take (no dampening).
struct DampenedVelocity;
impl Patch for DampenedVelocity {
    fn sgd_momentum_step(p: &Tensor, g: &Tensor, v: &mut Tensor, lr: f64, m: f64) -> Tensor {
        *v = &*v * m + g * (1.0 - m);
        p - &*v * lr
    }
}

/// The parameter moved with last step's velocity, then the velocity updated.
struct StaleVelocity;
impl Patch for StaleVelocity {
    fn sgd_momentum_step(p: &Tensor, g: &Tensor, v: &mut Tensor, lr: f64, m: f64) -> Tensor {
        let moved = p - &*v * lr;
        *v = &*v * m + g;
        moved
    }
}

struct UphillStep;
impl Patch for UphillStep {
    fn sgd_momentum_step(p: &Tensor, g: &Tensor, v: &mut Tensor, lr: f64, m: f64) -> Tensor {
        *v = &*v * m + g;
        p + &*v * lr
    }
}

/// The learning rate folded into the velocity, v = m v + lr g and p' = p - v: the same steps
/// while the rate stays constant, not when a schedule changes it, and not the velocity asked for.
struct LearningRateInTheVelocity;
impl Patch for LearningRateInTheVelocity {
    fn sgd_momentum_step(p: &Tensor, g: &Tensor, v: &mut Tensor, lr: f64, m: f64) -> Tensor {
        *v = &*v * m + g * lr;
        p - &*v
    }
}

// --- task 5: Adam and AdamW --------------------------------------------------------------------

/// Adam with the parts a mistake can change.
struct AdamRecipe {
    bias_correction: bool,
    count_after: bool,
    decay: fn(&Tensor, &Tensor, &AdamSettings) -> (Tensor, Tensor),
    root: bool,
    eps_inside_root: bool,
    /// m kept as beta1 m + g, the (1 - beta1) applied only at the step.
    unscaled_mean: bool,
}

fn right_decay(p: &Tensor, g: &Tensor, s: &AdamSettings) -> (Tensor, Tensor) {
    if s.decoupled {
        (p * (1.0 - s.lr * s.weight_decay), g.shallow_clone())
    } else {
        (p.shallow_clone(), g + p * s.weight_decay)
    }
}

const ADAM: AdamRecipe = AdamRecipe {
    bias_correction: true,
    count_after: false,
    decay: right_decay,
    root: true,
    eps_inside_root: false,
    unscaled_mean: false,
};

impl AdamRecipe {
    fn step(&self, p: &Tensor, g: &Tensor, state: &mut AdamState, s: &AdamSettings) -> Tensor {
        let (p, g) = (self.decay)(p, g, s);
        if !self.count_after {
            state.steps += 1;
        }
        let unscaled = if self.unscaled_mean {
            1.0
        } else {
            1.0 - s.beta1
        };
        state.mean = &state.mean * s.beta1 + &g * unscaled;
        state.mean_square = &state.mean_square * s.beta2 + g.square() * (1.0 - s.beta2);
        let t = state.steps as i32;
        let (m, v) = if self.unscaled_mean {
            (
                &state.mean * ((1.0 - s.beta1) / (1.0 - s.beta1.powi(t))),
                &state.mean_square / (1.0 - s.beta2.powi(t)),
            )
        } else if self.bias_correction {
            (
                &state.mean / (1.0 - s.beta1.powi(t)),
                &state.mean_square / (1.0 - s.beta2.powi(t)),
            )
        } else {
            (state.mean.copy(), state.mean_square.copy())
        };
        if self.count_after {
            state.steps += 1;
        }
        let denominator = if self.eps_inside_root {
            (v + s.eps).sqrt()
        } else if self.root {
            v.sqrt() + s.eps
        } else {
            v + s.eps
        };
        p - m / denominator * s.lr
    }
}

macro_rules! adam_mistake {
    ($name:ident, $($field:ident: $value:expr),+) => {
        struct $name;
        impl Patch for $name {
            fn adam_step(p: &Tensor, g: &Tensor, state: &mut AdamState, s: &AdamSettings) -> Tensor {
                AdamRecipe { $($field: $value,)+ ..ADAM }.step(p, g, state, s)
            }
        }
    };
}

adam_mistake!(NoBiasCorrection, bias_correction: false);
adam_mistake!(StepCountedAfterTheCorrection, count_after: true);
adam_mistake!(NoSquareRoot, root: false);
adam_mistake!(EpsInsideTheRoot, eps_inside_root: true);
adam_mistake!(MeanKeptUnscaled, unscaled_mean: true);
adam_mistake!(DecayAlwaysInTheGradient, decay: |p, g, s| {
    (p.shallow_clone(), g + p * s.weight_decay)
});
adam_mistake!(DecayAlwaysDecoupled, decay: |p, g, s| {
    (p * (1.0 - s.lr * s.weight_decay), g.shallow_clone())
});
adam_mistake!(ShrunkWithoutTheLearningRate, decay: |p, g, s| {
    if s.decoupled {
        (p * (1.0 - s.weight_decay), g.shallow_clone())
    } else {
        right_decay(p, g, s)
    }
});

// --- task 6: the learning-rate finder's suggestion ---------------------------------------------

/// The suggestion with the parts a mistake can change: the window, the slope's x axis (log rate
/// or rate), whether the steepest is the most negative or the largest slope, and the fallback.
struct Suggestion {
    half_window: fn(usize) -> usize,
    per_log_rate: bool,
    most_negative: bool,
    fallback: bool,
    /// The candidates end at the lowest loss only, not also h before the end.
    no_end_bound: bool,
    /// The last of equal lowest losses, not the first.
    last_lowest: bool,
    /// Every step with a window, past the lowest loss too.
    whole_curve: bool,
}

const SUGGESTION: Suggestion = Suggestion {
    half_window: |n| (n / 20).max(2),
    per_log_rate: true,
    most_negative: true,
    fallback: true,
    no_end_bound: false,
    last_lowest: false,
    whole_curve: false,
};

impl Suggestion {
    fn suggest(&self, lrs: &[f64], losses: &[f64]) -> f64 {
        let n = losses.len();
        let lowest = if self.last_lowest {
            (0..n).fold(
                0,
                |best, i| if losses[i] <= losses[best] { i } else { best },
            )
        } else {
            (0..n)
                .min_by(|&a, &b| losses[a].total_cmp(&losses[b]))
                .unwrap_or(0)
        };
        let h = (self.half_window)(n);
        let x = |i: usize| {
            if self.per_log_rate {
                lrs[i].ln()
            } else {
                lrs[i]
            }
        };
        let slope = |i: usize| (losses[i + h] - losses[i - h]) / (x(i + h) - x(i - h));
        let candidates = if self.whole_curve {
            h..n.saturating_sub(h)
        } else if self.no_end_bound {
            h..lowest
        } else {
            h..lowest.min(n.saturating_sub(h))
        };
        let pick = if self.most_negative {
            candidates.min_by(|&a, &b| slope(a).total_cmp(&slope(b)))
        } else {
            candidates.max_by(|&a, &b| slope(a).total_cmp(&slope(b)))
        };
        match pick {
            Some(i) => lrs[i],
            None if self.fallback => lrs.get(lowest).copied().unwrap_or(1e-3) / 10.0,
            None => panic!("no step has a window on both sides"),
        }
    }
}

macro_rules! suggestion_mistake {
    ($name:ident, $($field:ident: $value:expr),+) => {
        struct $name;
        impl Patch for $name {
            fn lr_suggestion(lrs: &[f64], losses: &[f64]) -> f64 {
                Suggestion { $($field: $value,)+ ..SUGGESTION }.suggest(lrs, losses)
            }
        }
    };
}

suggestion_mistake!(NeighbouringSteps, half_window: |_| 1);
suggestion_mistake!(SlopePerRate, per_log_rate: false);
suggestion_mistake!(SteepestAscent, most_negative: false);
suggestion_mistake!(NoFallback, fallback: false);
suggestion_mistake!(NoMinimumWindow, half_window: |n| n / 20);
suggestion_mistake!(NoEndBound, no_end_bound: true);
suggestion_mistake!(LastOfEqualLowest, last_lowest: true);
suggestion_mistake!(WholeCurve, whole_curve: true);

/// The rate of the lowest loss: already too large, the loss is about to climb.
struct RateOfTheLowestLoss;
impl Patch for RateOfTheLowestLoss {
    fn lr_suggestion(lrs: &[f64], losses: &[f64]) -> f64 {
        let lowest = (0..losses.len())
            .min_by(|&a, &b| losses[a].total_cmp(&losses[b]))
            .unwrap_or(0);
        lrs[lowest]
    }
}

fn mistakes() -> Vec<Mistake> {
    vec![
        Mistake {
            task: 1,
            what: "warm-up from 0 (step / warmup, not (step + 1) / warmup)",
            tasks: tasks::<Wrong<WarmupFromZero>>,
            says: "step 0 of 100",
        },
        Mistake {
            task: 1,
            what: "progress not capped at 1",
            tasks: tasks::<Wrong<ProgressNotCapped>>,
            says: "past the end",
        },
        Mistake {
            task: 1,
            what: "decays to 0, not to min_lr",
            tasks: tasks::<Wrong<MinimumLeftOut>>,
            says: "min 0.001",
        },
        Mistake {
            task: 1,
            what: "the decay measured from step 0, not from the warm-up's end",
            tasks: tasks::<Wrong<DecayOverAllSteps>>,
            says: "warm-up 10",
        },
        Mistake {
            task: 1,
            what: "progress in integers",
            tasks: tasks::<Wrong<IntegerProgress>>,
            says: "expected",
        },
        Mistake {
            task: 2,
            what: "batch norm always in training mode",
            tasks: tasks::<Wrong<BatchNormAlwaysTraining>>,
            says: "evaluation output",
        },
        Mistake {
            task: 2,
            what: "dropout on in evaluation too",
            tasks: tasks::<Wrong<DropoutAlwaysOn>>,
            says: "no dropout when not training",
        },
        Mistake {
            task: 2,
            what: "dropout forgotten",
            tasks: tasks::<Wrong<DropoutForgotten>>,
            says: "no unit was dropped",
        },
        Mistake {
            task: 2,
            what: "ReLU before batch norm",
            tasks: tasks::<Wrong<ReluBeforeBatchNorm>>,
            says: "training output",
        },
        Mistake {
            task: 2,
            what: "batch norm skipped",
            tasks: tasks::<Wrong<BatchNormSkipped>>,
            says: "batch norm",
        },
        Mistake {
            task: 2,
            what: "batch norm only while training (skipped in evaluation)",
            tasks: tasks::<Wrong<BatchNormOnlyInTraining>>,
            says: "running statistics",
        },
        Mistake {
            task: 2,
            what: "layer.dropout taken as the probability to keep",
            tasks: tasks::<Wrong<DropoutAsKeepProbability>>,
            says: "probability to drop",
        },
        Mistake {
            task: 2,
            what: "dropout before batch norm and ReLU",
            tasks: tasks::<Wrong<DropoutBeforeBatchNorm>>,
            says: "training output",
        },
        Mistake {
            task: 3,
            what: "the loops inside out (learning rate fastest)",
            tasks: tasks::<Wrong<LoopsInsideOut>>,
            says: "dropout varies fastest",
        },
        Mistake {
            task: 3,
            what: "the lists zipped, not crossed",
            tasks: tasks::<Wrong<ZippedNotCrossed>>,
            says: "make 12 trials",
        },
        Mistake {
            task: 3,
            what: "a list's last value never tried",
            tasks: tasks::<Wrong<LastValueMissed>>,
            says: "make 12 trials",
        },
        Mistake {
            task: 4,
            what: "the velocity never kept (plain SGD)",
            tasks: tasks::<Wrong<VelocityNotKept>>,
            says: "the velocity after step 1",
        },
        Mistake {
            task: 4,
            what: "a dampened velocity, v = m v + (1 - m) g",
            tasks: tasks::<Wrong<DampenedVelocity>>,
            says: "momentum 0.9",
        },
        Mistake {
            task: 4,
            what: "the parameter moved with last step's velocity",
            tasks: tasks::<Wrong<StaleVelocity>>,
            says: "after step 1",
        },
        Mistake {
            task: 4,
            what: "a step uphill (+ lr v)",
            tasks: tasks::<Wrong<UphillStep>>,
            says: "after step 1",
        },
        Mistake {
            task: 4,
            what: "the learning rate folded into the velocity (v = m v + lr g, p - v)",
            tasks: tasks::<Wrong<LearningRateInTheVelocity>>,
            says: "velocity",
        },
        Mistake {
            task: 5,
            what: "no bias correction",
            tasks: tasks::<Wrong<NoBiasCorrection>>,
            says: "Adam: the parameter after step 2",
        },
        Mistake {
            task: 5,
            what: "the step counted after the bias correction (t from 0)",
            tasks: tasks::<Wrong<StepCountedAfterTheCorrection>>,
            says: "after step 1",
        },
        Mistake {
            task: 5,
            what: "the square root of s_hat forgotten",
            tasks: tasks::<Wrong<NoSquareRoot>>,
            says: "after step 1",
        },
        Mistake {
            task: 5,
            what: "AdamW's decay put into the gradient (Adam's L2)",
            tasks: tasks::<Wrong<DecayAlwaysInTheGradient>>,
            says: "AdamW",
        },
        Mistake {
            task: 5,
            what: "Adam's L2 decay decoupled",
            tasks: tasks::<Wrong<DecayAlwaysDecoupled>>,
            says: "an L2 penalty in the gradient",
        },
        Mistake {
            task: 5,
            what: "AdamW's weights shrunk by weight_decay, not lr * weight_decay",
            tasks: tasks::<Wrong<ShrunkWithoutTheLearningRate>>,
            says: "AdamW",
        },
        Mistake {
            task: 5,
            what: "eps inside the square root",
            tasks: tasks::<Wrong<EpsInsideTheRoot>>,
            says: "eps",
        },
        Mistake {
            task: 5,
            what: "m kept as beta1 m + g (the 1 - beta1 only at the step)",
            tasks: tasks::<Wrong<MeanKeptUnscaled>>,
            says: "state.mean",
        },
        Mistake {
            task: 6,
            what: "the rate of the lowest loss",
            tasks: tasks::<Wrong<RateOfTheLowestLoss>>,
            says: "the finder suggests",
        },
        Mistake {
            task: 6,
            what: "slopes between neighbouring steps (no window)",
            tasks: tasks::<Wrong<NeighbouringSteps>>,
            says: "with batch noise",
        },
        Mistake {
            task: 6,
            what: "the slope per unit of rate, not of log(rate)",
            tasks: tasks::<Wrong<SlopePerRate>>,
            says: "per log(rate)",
        },
        Mistake {
            task: 6,
            what: "the largest slope (steepest climb)",
            tasks: tasks::<Wrong<SteepestAscent>>,
            says: "the finder suggests",
        },
        Mistake {
            task: 6,
            what: "no answer for a curve too short for a window",
            tasks: tasks::<Wrong<NoFallback>>,
            says: "panicked",
        },
        Mistake {
            task: 6,
            what: "h = n / 20 without the minimum of 2",
            tasks: tasks::<Wrong<NoMinimumWindow>>,
            says: "the finder suggests",
        },
        Mistake {
            task: 6,
            what: "candidates up to the lowest loss only, not also h before the end",
            tasks: tasks::<Wrong<NoEndBound>>,
            says: "never turns up",
        },
        Mistake {
            task: 6,
            what: "the last of equal lowest losses, not the first",
            tasks: tasks::<Wrong<LastOfEqualLowest>>,
            says: "first",
        },
        Mistake {
            task: 6,
            what: "slopes over the whole curve, past the lowest loss too",
            tasks: tasks::<Wrong<WholeCurve>>,
            says: "spike after its lowest",
        },
    ]
}

#[test]
fn every_mistake_fails_its_own_task_with_words_that_lead_to_it() {
    assert_all_caught("unit4", &mistakes());
}

#[test]
fn the_exercises_page_shows_how_many_mistakes_each_check_catches() {
    assert_documented("unit4", &tasks::<Solution>(), &mistakes(), &[3; 6]);
}
