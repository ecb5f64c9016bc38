//! Wrong answers a learner plausibly writes for unit 1's tasks, each the solution but for one
//! mistake. Each must fail its own task, with words that lead to the mistake, while the tasks
//! before it pass (see course_core::exercises::mistakes).

use course_core::exercises::mistakes::{assert_all_caught, assert_documented, Mistake};
use std::marker::PhantomData;
use tch::{Kind, Tensor};
use unit1_fundamentals::perceptron::Perceptron;
use unit1_fundamentals::tasks::tasks;
use unit1_fundamentals::toy_data::ToyData;
use unit1_fundamentals::{Answers, Solution};

/// The solution, function by function: a mistake overrides the one it gets wrong.
trait Patch {
    fn perceptron_update(perceptron: &mut Perceptron, features: [f64; 2], label: u8) -> bool {
        Solution::perceptron_update(perceptron, features, label)
    }
    fn train_perceptron(perceptron: &mut Perceptron, data: &ToyData, max_epochs: usize) -> usize {
        Solution::train_perceptron(perceptron, data, max_epochs)
    }
    fn sigmoid(z: &Tensor) -> Tensor {
        Solution::sigmoid(z)
    }
    fn binary_cross_entropy(probabilities: &Tensor, labels: &Tensor) -> Tensor {
        Solution::binary_cross_entropy(probabilities, labels)
    }
    fn logistic_gradients(x: &Tensor, y: &Tensor, w: &Tensor, b: &Tensor) -> (Tensor, Tensor) {
        Solution::logistic_gradients(x, y, w, b)
    }
}

/// Answers with the mistake `P`.
struct Wrong<P>(PhantomData<P>);

impl<P: Patch> Answers for Wrong<P> {
    fn perceptron_update(perceptron: &mut Perceptron, features: [f64; 2], label: u8) -> bool {
        P::perceptron_update(perceptron, features, label)
    }
    fn train_perceptron(perceptron: &mut Perceptron, data: &ToyData, max_epochs: usize) -> usize {
        P::train_perceptron(perceptron, data, max_epochs)
    }
    fn sigmoid(z: &Tensor) -> Tensor {
        P::sigmoid(z)
    }
    fn binary_cross_entropy(probabilities: &Tensor, labels: &Tensor) -> Tensor {
        P::binary_cross_entropy(probabilities, labels)
    }
    fn logistic_gradients(x: &Tensor, y: &Tensor, w: &Tensor, b: &Tensor) -> (Tensor, Tensor) {
        P::logistic_gradients(x, y, w, b)
    }
}

// --- task 1: the perceptron update rule ---------------------------------------------------

/// The update rule, given the error and the step a mistake computed, and whether it moves the
/// bias: the shape of most task-1 mistakes.
fn update(
    perceptron: &mut Perceptron,
    features: [f64; 2],
    error: f64,
    step: f64,
    move_bias: bool,
) -> bool {
    if error == 0.0 {
        return false;
    }
    perceptron.weights[0] += step * features[0];
    perceptron.weights[1] += step * features[1];
    if move_bias {
        perceptron.bias += step;
    }
    true
}

struct LearningRateIgnored;
impl Patch for LearningRateIgnored {
    fn perceptron_update(p: &mut Perceptron, x: [f64; 2], label: u8) -> bool {
        let error = label as f64 - p.predict(x) as f64;
        update(p, x, error, error, true)
    }
}

struct ErrorSignFlipped;
impl Patch for ErrorSignFlipped {
    fn perceptron_update(p: &mut Perceptron, x: [f64; 2], label: u8) -> bool {
        let error = p.predict(x) as f64 - label as f64;
        update(p, x, error, p.learning_rate * error, true)
    }
}

struct BiasNeverMoves;
impl Patch for BiasNeverMoves {
    fn perceptron_update(p: &mut Perceptron, x: [f64; 2], label: u8) -> bool {
        let error = label as f64 - p.predict(x) as f64;
        update(p, x, error, p.learning_rate * error, false)
    }
}

/// Predicts 1 on a score of exactly 0 (`>=` for `>`): zero weights then call every point 1.
struct ZeroScoreIsClassOne;
impl Patch for ZeroScoreIsClassOne {
    fn perceptron_update(p: &mut Perceptron, x: [f64; 2], label: u8) -> bool {
        let prediction = u8::from(p.score(x) >= 0.0);
        let error = label as f64 - prediction as f64;
        update(p, x, error, p.learning_rate * error, true)
    }
}

struct AlwaysSaysMistake;
impl Patch for AlwaysSaysMistake {
    fn perceptron_update(p: &mut Perceptron, x: [f64; 2], label: u8) -> bool {
        Solution::perceptron_update(p, x, label);
        true
    }
}

// --- task 2: stop when an epoch makes no mistake ---------------------------------------------

/// Counts epochs from 0: returns one less than the epoch that made no mistake.
struct EpochsFromZero;
impl Patch for EpochsFromZero {
    fn train_perceptron(p: &mut Perceptron, data: &ToyData, max_epochs: usize) -> usize {
        for epoch in 0..max_epochs {
            let mistakes = data
                .points
                .iter()
                .zip(&data.labels)
                .filter(|(&x, &y)| Self::perceptron_update(p, x, y))
                .count();
            if mistakes == 0 {
                return epoch;
            }
        }
        max_epochs
    }
}

struct NeverStopsEarly;
impl Patch for NeverStopsEarly {
    fn train_perceptron(p: &mut Perceptron, data: &ToyData, max_epochs: usize) -> usize {
        for _ in 0..max_epochs {
            for (&x, &y) in data.points.iter().zip(&data.labels) {
                Self::perceptron_update(p, x, y);
            }
        }
        max_epochs
    }
}

/// `all(|..| !update(..))` stops at the first mistake: the rest of the epoch is never trained.
struct EpochEndsAtFirstMistake;
impl Patch for EpochEndsAtFirstMistake {
    fn train_perceptron(p: &mut Perceptron, data: &ToyData, max_epochs: usize) -> usize {
        for epoch in 1..=max_epochs {
            let clean = data
                .points
                .iter()
                .zip(&data.labels)
                .all(|(&x, &y)| !Self::perceptron_update(p, x, y));
            if clean {
                return epoch;
            }
        }
        max_epochs
    }
}

/// The cap returned as `max_epochs - 1` (the last index) when no epoch was clean.
struct CapOffByOne;
impl Patch for CapOffByOne {
    fn train_perceptron(p: &mut Perceptron, data: &ToyData, max_epochs: usize) -> usize {
        let stopped = Solution::train_perceptron(p, data, max_epochs);
        let clean_epoch = data
            .points
            .iter()
            .zip(&data.labels)
            .all(|(&x, &y)| p.predict(x) == y);
        if clean_epoch {
            stopped
        } else {
            max_epochs - 1
        }
    }
}

/// Stops as soon as the weights classify every point after an epoch, one epoch before the epoch
/// without a mistake the task asks for.
struct StopsWhenAllRight;
impl Patch for StopsWhenAllRight {
    fn train_perceptron(perceptron: &mut Perceptron, data: &ToyData, max_epochs: usize) -> usize {
        for epoch in 1..=max_epochs {
            for (&point, &label) in data.points.iter().zip(&data.labels) {
                Self::perceptron_update(perceptron, point, label);
            }
            if perceptron.accuracy(&data.points, &data.labels) == 1.0 {
                return epoch;
            }
        }
        max_epochs
    }
}

// --- task 3: sigmoid ---------------------------------------------------------------------------

struct ExpOfZ;
impl Patch for ExpOfZ {
    fn sigmoid(z: &Tensor) -> Tensor {
        (z.exp() + 1.0).reciprocal()
    }
}

struct NoReciprocal;
impl Patch for NoReciprocal {
    fn sigmoid(z: &Tensor) -> Tensor {
        (-z).exp() + 1.0
    }
}

/// e^z / (1 + e^z): the same function on paper, NaN once e^z overflows.
struct OverflowingForm;
impl Patch for OverflowingForm {
    fn sigmoid(z: &Tensor) -> Tensor {
        let e = z.exp();
        &e / (&e + 1.0)
    }
}

/// The scores clamped into [-20, 20] "so that exp never overflows": far scores get a
/// probability e^-20 = 2e-9 where it should be e^-30 = 9e-14.
struct ScoresClamped;
impl Patch for ScoresClamped {
    fn sigmoid(z: &Tensor) -> Tensor {
        Solution::sigmoid(&z.clamp(-20.0, 20.0))
    }
}

/// 1 - 1 / (1 + e^z): right on paper, but 1 - (almost 1) loses every digit of a tiny
/// probability.
struct OneMinusTheOtherSide;
impl Patch for OneMinusTheOtherSide {
    fn sigmoid(z: &Tensor) -> Tensor {
        -(z.exp() + 1.0).reciprocal() + 1.0
    }
}

// --- task 4: binary cross-entropy --------------------------------------------------------------

fn one_minus(t: &Tensor) -> Tensor {
    -t + 1.0
}

fn bce_terms(p: &Tensor, y: &Tensor) -> Tensor {
    let p = p.clamp(1e-7, 1.0 - 1e-7);
    -(y * p.log() + one_minus(y) * one_minus(&p).log())
}

struct NoClamp;
impl Patch for NoClamp {
    fn binary_cross_entropy(p: &Tensor, y: &Tensor) -> Tensor {
        (-(y * p.log() + one_minus(y) * one_minus(p).log())).mean(Kind::Float)
    }
}

struct SumNotMean;
impl Patch for SumNotMean {
    fn binary_cross_entropy(p: &Tensor, y: &Tensor) -> Tensor {
        bce_terms(p, y).sum(Kind::Float)
    }
}

struct MinusForgotten;
impl Patch for MinusForgotten {
    fn binary_cross_entropy(p: &Tensor, y: &Tensor) -> Tensor {
        (-bce_terms(p, y)).mean(Kind::Float)
    }
}

/// Uses log p for both classes: the second term should be log(1 - p).
struct LogPForBothClasses;
impl Patch for LogPForBothClasses {
    fn binary_cross_entropy(p: &Tensor, y: &Tensor) -> Tensor {
        let p = p.clamp(1e-7, 1.0 - 1e-7);
        (-(y * p.log() + one_minus(y) * p.log())).mean(Kind::Float)
    }
}

struct MeanKeepsADimension;
impl Patch for MeanKeepsADimension {
    fn binary_cross_entropy(p: &Tensor, y: &Tensor) -> Tensor {
        bce_terms(p, y).mean_dim(0, true, Kind::Float)
    }
}

/// log(p + 1e-7) and log(1 - p + 1e-7) instead of clamping p: finite, but not the loss asked for
/// where p is 0 or 1.
struct EpsilonInsideTheLog;
impl Patch for EpsilonInsideTheLog {
    fn binary_cross_entropy(p: &Tensor, y: &Tensor) -> Tensor {
        (-(y * (p + 1e-7).log() + one_minus(y) * (one_minus(p) + 1e-7).log())).mean(Kind::Float)
    }
}

// --- task 5: logistic-regression gradients -----------------------------------------------------

fn dz(x: &Tensor, y: &Tensor, w: &Tensor, b: &Tensor) -> Tensor {
    (x.matmul(w) + b).sigmoid() - y
}

struct NotDividedByN;
impl Patch for NotDividedByN {
    fn logistic_gradients(x: &Tensor, y: &Tensor, w: &Tensor, b: &Tensor) -> (Tensor, Tensor) {
        let dz = dz(x, y, w, b);
        (x.transpose(0, 1).matmul(&dz), dz.sum(dz.kind()))
    }
}

struct LabelMinusProbability;
impl Patch for LabelMinusProbability {
    fn logistic_gradients(x: &Tensor, y: &Tensor, w: &Tensor, b: &Tensor) -> (Tensor, Tensor) {
        let dz = -dz(x, y, w, b) / x.size()[0] as f64;
        (x.transpose(0, 1).matmul(&dz), dz.sum(dz.kind()))
    }
}

/// dL/db as the mean of dL/dz, which is already divided by n: divided twice.
struct BiasGradientMean;
impl Patch for BiasGradientMean {
    fn logistic_gradients(x: &Tensor, y: &Tensor, w: &Tensor, b: &Tensor) -> (Tensor, Tensor) {
        let dz = dz(x, y, w, b) / x.size()[0] as f64;
        (x.transpose(0, 1).matmul(&dz), dz.mean(dz.kind()))
    }
}

struct BiasGradientKeepsADimension;
impl Patch for BiasGradientKeepsADimension {
    fn logistic_gradients(x: &Tensor, y: &Tensor, w: &Tensor, b: &Tensor) -> (Tensor, Tensor) {
        let dz = dz(x, y, w, b) / x.size()[0] as f64;
        let grad_b = dz.sum_dim_intlist(0, true, dz.kind());
        (x.transpose(0, 1).matmul(&dz), grad_b)
    }
}

/// The chain rule written out, dL/dp * dp/dz = -(y / p - (1 - y) / (1 - p)) * p (1 - p) / n:
/// the same on paper, 0 / 0 = NaN once p rounds to exactly 1.
struct ChainRuleNotSimplified;
impl Patch for ChainRuleNotSimplified {
    fn logistic_gradients(x: &Tensor, y: &Tensor, w: &Tensor, b: &Tensor) -> (Tensor, Tensor) {
        let p = (x.matmul(w) + b).sigmoid();
        let dl_dp = -(y / &p - one_minus(y) / one_minus(&p));
        let dz = dl_dp * &p * one_minus(&p) / x.size()[0] as f64;
        (x.transpose(0, 1).matmul(&dz), dz.sum(dz.kind()))
    }
}

fn mistakes() -> Vec<Mistake> {
    vec![
        Mistake {
            task: 1,
            what: "the learning rate left out of the step",
            tasks: tasks::<Wrong<LearningRateIgnored>>,
            says: "learning rate",
        },
        Mistake {
            task: 1,
            what: "error = prediction - label (the sign flipped)",
            tasks: tasks::<Wrong<ErrorSignFlipped>>,
            says: "expected w = [2, 3]",
        },
        Mistake {
            task: 1,
            what: "the bias never updated",
            tasks: tasks::<Wrong<BiasNeverMoves>>,
            says: "b = 1",
        },
        Mistake {
            task: 1,
            what: "a score of 0 predicted as class 1 (>= for >)",
            tasks: tasks::<Wrong<ZeroScoreIsClassOne>>,
            says: "predicted as 0 is a mistake",
        },
        Mistake {
            task: 1,
            what: "returns true even when the point was right",
            tasks: tasks::<Wrong<AlwaysSaysMistake>>,
            says: "return false",
        },
        Mistake {
            task: 2,
            what: "epochs counted from 0",
            tasks: tasks::<Wrong<EpochsFromZero>>,
            says: "the first epoch without a mistake is epoch",
        },
        Mistake {
            task: 2,
            what: "never stops before max_epochs",
            tasks: tasks::<Wrong<NeverStopsEarly>>,
            says: "ran all 1000 epochs",
        },
        Mistake {
            task: 2,
            what: "the epoch ends at its first mistake (`all` short-circuits)",
            tasks: tasks::<Wrong<EpochEndsAtFirstMistake>>,
            says: "the first epoch without a mistake",
        },
        Mistake {
            task: 2,
            what: "max_epochs - 1 returned at the cap",
            tasks: tasks::<Wrong<CapOffByOne>>,
            says: "max_epochs = 1",
        },
        Mistake {
            task: 2,
            what:
                "stops when the weights get every point right, not after an epoch without a mistake",
            tasks: tasks::<Wrong<StopsWhenAllRight>>,
            says: "the first epoch without a mistake",
        },
        Mistake {
            task: 3,
            what: "exp(z) for exp(-z)",
            tasks: tasks::<Wrong<ExpOfZ>>,
            says: "sigmoid",
        },
        Mistake {
            task: 3,
            what: "1 + exp(-z) without the reciprocal",
            tasks: tasks::<Wrong<NoReciprocal>>,
            says: "sigmoid",
        },
        Mistake {
            task: 3,
            what: "e^z / (1 + e^z), which overflows",
            tasks: tasks::<Wrong<OverflowingForm>>,
            says: "overflow",
        },
        Mistake {
            task: 3,
            what: "the scores clamped into [-20, 20] against overflow",
            tasks: tasks::<Wrong<ScoresClamped>>,
            says: "relative",
        },
        Mistake {
            task: 3,
            what: "1 - 1 / (1 + e^z), which loses tiny probabilities",
            tasks: tasks::<Wrong<OneMinusTheOtherSide>>,
            says: "relative",
        },
        Mistake {
            task: 4,
            what: "log(0) not kept away (no clamp)",
            tasks: tasks::<Wrong<NoClamp>>,
            says: "clamp",
        },
        Mistake {
            task: 4,
            what: "the sum for the mean",
            tasks: tasks::<Wrong<SumNotMean>>,
            says: "binary cross-entropy",
        },
        Mistake {
            task: 4,
            what: "the minus sign forgotten",
            tasks: tasks::<Wrong<MinusForgotten>>,
            says: "binary cross-entropy",
        },
        Mistake {
            task: 4,
            what: "log p in the class-0 term (for log(1 - p))",
            tasks: tasks::<Wrong<LogPForBothClasses>>,
            says: "binary cross-entropy",
        },
        Mistake {
            task: 4,
            what: "a mean that keeps a dimension (shape [1])",
            tasks: tasks::<Wrong<MeanKeepsADimension>>,
            says: "shape []",
        },
        Mistake {
            task: 4,
            what: "log(p + 1e-7) for clamping p",
            tasks: tasks::<Wrong<EpsilonInsideTheLog>>,
            says: "clamp",
        },
        Mistake {
            task: 5,
            what: "dL/dz not divided by n",
            tasks: tasks::<Wrong<NotDividedByN>>,
            says: "numerical gradient",
        },
        Mistake {
            task: 5,
            what: "y - p for p - y",
            tasks: tasks::<Wrong<LabelMinusProbability>>,
            says: "numerical gradient",
        },
        Mistake {
            task: 5,
            what: "dL/db as a mean (divided by n twice)",
            tasks: tasks::<Wrong<BiasGradientMean>>,
            says: "dL/db",
        },
        Mistake {
            task: 5,
            what: "dL/db of shape [1]",
            tasks: tasks::<Wrong<BiasGradientKeepsADimension>>,
            says: "shape []",
        },
        Mistake {
            task: 5,
            what: "the chain rule not simplified (NaN once p rounds to 1)",
            tasks: tasks::<Wrong<ChainRuleNotSimplified>>,
            says: "large scores",
        },
    ]
}

#[test]
fn every_mistake_fails_its_own_task_with_words_that_lead_to_it() {
    assert_all_caught("unit1", &mistakes());
}

#[test]
fn the_exercises_page_shows_how_many_mistakes_each_check_catches() {
    assert_documented("unit1", &tasks::<Solution>(), &mistakes(), &[3; 5]);
}
