//! Wrong answers a learner plausibly writes for unit 2's tasks, each the solution but for one
//! mistake. Each must fail its own task, with words that lead to the mistake, while the tasks
//! before it pass (see course_core::exercises::mistakes).

use course_core::exercises::mistakes::{assert_all_caught, assert_documented, Mistake};
use std::marker::PhantomData;
use tch::nn::{self, Module};
use tch::{Kind, Tensor};
use unit2_neural_networks::tasks::tasks;
use unit2_neural_networks::{Answers, EpochShuffle, Solution};

/// The solution, function by function: a mistake overrides the one it gets wrong.
trait Patch {
    fn softmax(logits: &Tensor) -> Tensor {
        Solution::softmax(logits)
    }
    fn cross_entropy(logits: &Tensor, targets: &Tensor) -> Tensor {
        Solution::cross_entropy(logits, targets)
    }
    fn training_step<M: Module>(
        model: &M,
        optimizer: &mut nn::Optimizer,
        inputs: &Tensor,
        targets: &Tensor,
    ) -> (f64, i64) {
        Solution::training_step(model, optimizer, inputs, targets)
    }
    fn accuracy<M: Module>(model: &M, batches: &mut dyn Iterator<Item = (Tensor, Tensor)>) -> f64 {
        Solution::accuracy(model, batches)
    }
    fn train_epoch<M: Module>(
        model: &M,
        optimizer: &mut nn::Optimizer,
        rows: usize,
        batch_of: &dyn Fn(&[usize]) -> (Tensor, Tensor),
        shuffle: EpochShuffle,
    ) -> (f64, f64) {
        Solution::train_epoch(model, optimizer, rows, batch_of, shuffle)
    }
}

/// Answers with the mistake `P`.
struct Wrong<P>(PhantomData<P>);

impl<P: Patch> Answers for Wrong<P> {
    fn softmax(logits: &Tensor) -> Tensor {
        P::softmax(logits)
    }
    fn cross_entropy(logits: &Tensor, targets: &Tensor) -> Tensor {
        P::cross_entropy(logits, targets)
    }
    fn training_step<M: Module>(
        model: &M,
        optimizer: &mut nn::Optimizer,
        inputs: &Tensor,
        targets: &Tensor,
    ) -> (f64, i64) {
        P::training_step(model, optimizer, inputs, targets)
    }
    fn accuracy<M: Module>(model: &M, batches: &mut dyn Iterator<Item = (Tensor, Tensor)>) -> f64 {
        P::accuracy(model, batches)
    }
    fn train_epoch<M: Module>(
        model: &M,
        optimizer: &mut nn::Optimizer,
        rows: usize,
        batch_of: &dyn Fn(&[usize]) -> (Tensor, Tensor),
        shuffle: EpochShuffle,
    ) -> (f64, f64) {
        P::train_epoch(model, optimizer, rows, batch_of, shuffle)
    }
}

// --- task 1: softmax -------------------------------------------------------------------------

struct MaximumNotSubtracted;
impl Patch for MaximumNotSubtracted {
    fn softmax(logits: &Tensor) -> Tensor {
        let e = logits.exp();
        &e / e.sum_dim_intlist(-1, true, Kind::Float)
    }
}

/// One maximum for the whole batch: rows far below it underflow to 0 / 0.
struct BatchMaximumSubtracted;
impl Patch for BatchMaximumSubtracted {
    fn softmax(logits: &Tensor) -> Tensor {
        let e = (logits - logits.max()).exp();
        &e / e.sum_dim_intlist(-1, true, Kind::Float)
    }
}

struct SumOverColumns;
impl Patch for SumOverColumns {
    fn softmax(logits: &Tensor) -> Tensor {
        let e = (logits - logits.amax(-1, true)).exp();
        &e / e.sum_dim_intlist(0, true, Kind::Float)
    }
}

/// The row sums without keepdim are [batch]: they broadcast along the columns instead.
struct SumWithoutKeepdim;
impl Patch for SumWithoutKeepdim {
    fn softmax(logits: &Tensor) -> Tensor {
        let e = (logits - logits.amax(-1, true)).exp();
        &e / e.sum_dim_intlist(-1, false, Kind::Float)
    }
}

// --- task 2: cross-entropy ---------------------------------------------------------------------

struct LogOfSoftmax;
impl Patch for LogOfSoftmax {
    fn cross_entropy(logits: &Tensor, targets: &Tensor) -> Tensor {
        let picked = Self::softmax(logits)
            .log()
            .gather(1, &targets.unsqueeze(1), false);
        -picked.mean(Kind::Float)
    }
}

struct SumOverRows;
impl Patch for SumOverRows {
    fn cross_entropy(logits: &Tensor, targets: &Tensor) -> Tensor {
        let log_p = logits.log_softmax(-1, Kind::Float);
        -log_p
            .gather(1, &targets.unsqueeze(1), false)
            .sum(Kind::Float)
    }
}

struct MinusForgotten;
impl Patch for MinusForgotten {
    fn cross_entropy(logits: &Tensor, targets: &Tensor) -> Tensor {
        let log_p = logits.log_softmax(-1, Kind::Float);
        log_p
            .gather(1, &targets.unsqueeze(1), false)
            .mean(Kind::Float)
    }
}

/// Every class's log-probability averaged, not only the target's.
struct EveryClassAveraged;
impl Patch for EveryClassAveraged {
    fn cross_entropy(logits: &Tensor, _targets: &Tensor) -> Tensor {
        -logits.log_softmax(-1, Kind::Float).mean(Kind::Float)
    }
}

struct OneLossPerRow;
impl Patch for OneLossPerRow {
    fn cross_entropy(logits: &Tensor, targets: &Tensor) -> Tensor {
        let log_p = logits.log_softmax(-1, Kind::Float);
        -log_p.gather(1, &targets.unsqueeze(1), false).squeeze_dim(1)
    }
}

// --- task 3: one training step -----------------------------------------------------------------

fn correct(logits: &Tensor, targets: &Tensor, dim: i64) -> i64 {
    logits
        .argmax(dim, false)
        .eq_tensor(targets)
        .sum(Kind::Int64)
        .int64_value(&[])
}

struct ZeroGradForgotten;
impl Patch for ZeroGradForgotten {
    fn training_step<M: Module>(
        model: &M,
        optimizer: &mut nn::Optimizer,
        inputs: &Tensor,
        targets: &Tensor,
    ) -> (f64, i64) {
        let logits = model.forward(inputs);
        let loss = Self::cross_entropy(&logits, targets);
        loss.backward();
        optimizer.step();
        (loss.double_value(&[]), correct(&logits, targets, -1))
    }
}

struct StepForgotten;
impl Patch for StepForgotten {
    fn training_step<M: Module>(
        model: &M,
        optimizer: &mut nn::Optimizer,
        inputs: &Tensor,
        targets: &Tensor,
    ) -> (f64, i64) {
        let logits = model.forward(inputs);
        let loss = Self::cross_entropy(&logits, targets);
        optimizer.zero_grad();
        loss.backward();
        (loss.double_value(&[]), correct(&logits, targets, -1))
    }
}

/// zero_grad between backward and step: the step sees no gradient.
struct ZeroGradAfterBackward;
impl Patch for ZeroGradAfterBackward {
    fn training_step<M: Module>(
        model: &M,
        optimizer: &mut nn::Optimizer,
        inputs: &Tensor,
        targets: &Tensor,
    ) -> (f64, i64) {
        let logits = model.forward(inputs);
        let loss = Self::cross_entropy(&logits, targets);
        loss.backward();
        optimizer.zero_grad();
        optimizer.step();
        (loss.double_value(&[]), correct(&logits, targets, -1))
    }
}

struct ArgmaxOverTheBatch;
impl Patch for ArgmaxOverTheBatch {
    fn training_step<M: Module>(
        model: &M,
        optimizer: &mut nn::Optimizer,
        inputs: &Tensor,
        targets: &Tensor,
    ) -> (f64, i64) {
        let logits = model.forward(inputs);
        let loss = Self::cross_entropy(&logits, targets);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        // dim 0 is the batch: the argmax over it is one row index per class, not a class per row.
        (loss.double_value(&[]), correct(&logits, targets, 0))
    }
}

/// The loss measured again after the step: the loss of the updated model, not of this step.
struct LossAfterTheStep;
impl Patch for LossAfterTheStep {
    fn training_step<M: Module>(
        model: &M,
        optimizer: &mut nn::Optimizer,
        inputs: &Tensor,
        targets: &Tensor,
    ) -> (f64, i64) {
        let (_, right) = Solution::training_step(model, optimizer, inputs, targets);
        let loss = tch::no_grad(|| Self::cross_entropy(&model.forward(inputs), targets));
        (loss.double_value(&[]), right)
    }
}

// --- task 4: validation accuracy ---------------------------------------------------------------

fn right_and_seen<M: Module>(model: &M, inputs: &Tensor, targets: &Tensor) -> (i64, i64) {
    (
        correct(&model.forward(inputs), targets, -1),
        targets.size()[0],
    )
}

struct MeanOfBatchAccuracies;
impl Patch for MeanOfBatchAccuracies {
    fn accuracy<M: Module>(model: &M, batches: &mut dyn Iterator<Item = (Tensor, Tensor)>) -> f64 {
        let _no_grad = tch::no_grad_guard();
        let shares: Vec<f64> = batches
            .map(|(x, y)| {
                let (right, seen) = right_and_seen(model, &x, &y);
                right as f64 / seen as f64
            })
            .collect();
        shares.iter().sum::<f64>() / shares.len() as f64
    }
}

struct GradientsLeftOn;
impl Patch for GradientsLeftOn {
    fn accuracy<M: Module>(model: &M, batches: &mut dyn Iterator<Item = (Tensor, Tensor)>) -> f64 {
        let (mut right, mut seen) = (0, 0);
        for (x, y) in batches {
            let (r, s) = right_and_seen(model, &x, &y);
            right += r;
            seen += s;
        }
        right as f64 / seen as f64
    }
}

/// correct / seen in integers: 3 / 4 = 0.
struct IntegerDivision;
impl Patch for IntegerDivision {
    fn accuracy<M: Module>(model: &M, batches: &mut dyn Iterator<Item = (Tensor, Tensor)>) -> f64 {
        let _no_grad = tch::no_grad_guard();
        let (mut right, mut seen) = (0i64, 0i64);
        for (x, y) in batches {
            let (r, s) = right_and_seen(model, &x, &y);
            right += r;
            seen += s;
        }
        (right / seen) as f64
    }
}

/// Divides by the number of batches instead of the number of rows.
struct PerBatchCount;
impl Patch for PerBatchCount {
    fn accuracy<M: Module>(model: &M, batches: &mut dyn Iterator<Item = (Tensor, Tensor)>) -> f64 {
        let _no_grad = tch::no_grad_guard();
        let (mut right, mut count) = (0i64, 0i64);
        for (x, y) in batches {
            right += right_and_seen(model, &x, &y).0;
            count += 1;
        }
        right as f64 / count as f64
    }
}

// --- task 5: one epoch of the loop -------------------------------------------------------------

/// An epoch over `order`'s batches, its metrics averaged over rows or over batches.
fn epoch_over<M: Module>(
    model: &M,
    optimizer: &mut nn::Optimizer,
    batches: Vec<Vec<usize>>,
    batch_of: &dyn Fn(&[usize]) -> (Tensor, Tensor),
    mean_over_batches: bool,
) -> (f64, f64) {
    let (mut loss_sum, mut correct, mut seen, mut shares) = (0.0, 0i64, 0usize, 0.0);
    let count = batches.len() as f64;
    for batch in batches {
        let (inputs, targets) = batch_of(&batch);
        let (loss, right) = Solution::training_step(model, optimizer, &inputs, &targets);
        if mean_over_batches {
            loss_sum += loss;
            shares += right as f64 / batch.len() as f64;
        } else {
            loss_sum += loss * batch.len() as f64;
            correct += right;
            seen += batch.len();
        }
    }
    if mean_over_batches {
        (loss_sum / count, shares / count)
    } else {
        (loss_sum / seen as f64, correct as f64 / seen as f64)
    }
}

fn shuffled(rows: usize, seed: u64) -> Vec<usize> {
    use rand::seq::SliceRandom;
    use rand::SeedableRng;
    let mut order: Vec<usize> = (0..rows).collect();
    order.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(seed));
    order
}

fn cut(order: &[usize], size: usize) -> Vec<Vec<usize>> {
    order.chunks(size).map(<[usize]>::to_vec).collect()
}

struct NeverShuffled;
impl Patch for NeverShuffled {
    fn train_epoch<M: Module>(
        model: &M,
        optimizer: &mut nn::Optimizer,
        rows: usize,
        batch_of: &dyn Fn(&[usize]) -> (Tensor, Tensor),
        shuffle: EpochShuffle,
    ) -> (f64, f64) {
        let order: Vec<usize> = (0..rows).collect();
        epoch_over(
            model,
            optimizer,
            cut(&order, shuffle.batch_size),
            batch_of,
            false,
        )
    }
}

/// Shuffled with the seed alone: every epoch sees the same order.
struct SameOrderEveryEpoch;
impl Patch for SameOrderEveryEpoch {
    fn train_epoch<M: Module>(
        model: &M,
        optimizer: &mut nn::Optimizer,
        rows: usize,
        batch_of: &dyn Fn(&[usize]) -> (Tensor, Tensor),
        shuffle: EpochShuffle,
    ) -> (f64, f64) {
        let order = shuffled(rows, shuffle.seed);
        epoch_over(
            model,
            optimizer,
            cut(&order, shuffle.batch_size),
            batch_of,
            false,
        )
    }
}

/// The last, smaller batch dropped.
struct LastBatchDropped;
impl Patch for LastBatchDropped {
    fn train_epoch<M: Module>(
        model: &M,
        optimizer: &mut nn::Optimizer,
        rows: usize,
        batch_of: &dyn Fn(&[usize]) -> (Tensor, Tensor),
        shuffle: EpochShuffle,
    ) -> (f64, f64) {
        let order = shuffled(rows, shuffle.seed + shuffle.epoch as u64);
        let full: Vec<Vec<usize>> = order
            .chunks_exact(shuffle.batch_size)
            .map(<[usize]>::to_vec)
            .collect();
        epoch_over(model, optimizer, full, batch_of, false)
    }
}

/// The metrics as the mean of the batches' means.
struct MeanOfBatchMeans;
impl Patch for MeanOfBatchMeans {
    fn train_epoch<M: Module>(
        model: &M,
        optimizer: &mut nn::Optimizer,
        rows: usize,
        batch_of: &dyn Fn(&[usize]) -> (Tensor, Tensor),
        shuffle: EpochShuffle,
    ) -> (f64, f64) {
        let order = shuffled(rows, shuffle.seed + shuffle.epoch as u64);
        epoch_over(
            model,
            optimizer,
            cut(&order, shuffle.batch_size),
            batch_of,
            true,
        )
    }
}

fn mistakes() -> Vec<Mistake> {
    vec![
        Mistake {
            task: 1,
            what: "the row maximum not subtracted",
            tasks: tasks::<Wrong<MaximumNotSubtracted>>,
            says: "subtract the row maximum",
        },
        Mistake {
            task: 1,
            what: "the batch's maximum subtracted, not each row's",
            tasks: tasks::<Wrong<BatchMaximumSubtracted>>,
            says: "subtract the row maximum",
        },
        Mistake {
            task: 1,
            what: "summed over the batch (dimension 0)",
            tasks: tasks::<Wrong<SumOverColumns>>,
            says: "softmax",
        },
        Mistake {
            task: 1,
            what: "row sums without keepdim",
            tasks: tasks::<Wrong<SumWithoutKeepdim>>,
            says: "softmax",
        },
        Mistake {
            task: 2,
            what: "log(softmax) for log_softmax",
            tasks: tasks::<Wrong<LogOfSoftmax>>,
            says: "use log_softmax",
        },
        Mistake {
            task: 2,
            what: "the sum over rows for the mean",
            tasks: tasks::<Wrong<SumOverRows>>,
            says: "cross-entropy",
        },
        Mistake {
            task: 2,
            what: "the minus sign forgotten",
            tasks: tasks::<Wrong<MinusForgotten>>,
            says: "cross-entropy",
        },
        Mistake {
            task: 2,
            what: "every class averaged, not the target's",
            tasks: tasks::<Wrong<EveryClassAveraged>>,
            says: "cross-entropy",
        },
        Mistake {
            task: 2,
            what: "one loss per row, not their mean",
            tasks: tasks::<Wrong<OneLossPerRow>>,
            says: "shape []",
        },
        Mistake {
            task: 3,
            what: "zero_grad forgotten",
            tasks: tasks::<Wrong<ZeroGradForgotten>>,
            says: "zeroed before backward",
        },
        Mistake {
            task: 3,
            what: "optimizer.step() forgotten",
            tasks: tasks::<Wrong<StepForgotten>>,
            says: "call optimizer.step()",
        },
        Mistake {
            task: 3,
            what: "zero_grad between backward and step",
            tasks: tasks::<Wrong<ZeroGradAfterBackward>>,
            says: "did not change",
        },
        Mistake {
            task: 3,
            what: "argmax over the batch dimension",
            tasks: tasks::<Wrong<ArgmaxOverTheBatch>>,
            says: "must match the size",
        },
        Mistake {
            task: 3,
            what: "the loss measured again after the step",
            tasks: tasks::<Wrong<LossAfterTheStep>>,
            says: "before this step's update",
        },
        Mistake {
            task: 4,
            what: "the mean of the batches' accuracies",
            tasks: tasks::<Wrong<MeanOfBatchAccuracies>>,
            says: "should be 0.75",
        },
        Mistake {
            task: 4,
            what: "gradients left on",
            tasks: tasks::<Wrong<GradientsLeftOn>>,
            says: "no_grad_guard",
        },
        Mistake {
            task: 4,
            what: "integer division",
            tasks: tasks::<Wrong<IntegerDivision>>,
            says: "should be 0.75",
        },
        Mistake {
            task: 4,
            what: "divided by the number of batches",
            tasks: tasks::<Wrong<PerBatchCount>>,
            says: "should be 0.75",
        },
        Mistake {
            task: 5,
            what: "the rows never shuffled",
            tasks: tasks::<Wrong<NeverShuffled>>,
            says: "shuffled with seed + epoch",
        },
        Mistake {
            task: 5,
            what: "the same order every epoch (seed without + epoch)",
            tasks: tasks::<Wrong<SameOrderEveryEpoch>>,
            says: "shuffled with seed + epoch",
        },
        Mistake {
            task: 5,
            what: "the last, smaller batch dropped",
            tasks: tasks::<Wrong<LastBatchDropped>>,
            says: "the last (5 rows) too",
        },
        Mistake {
            task: 5,
            what: "the epoch's metrics as a mean of batch means",
            tasks: tasks::<Wrong<MeanOfBatchMeans>>,
            says: "the mean over rows",
        },
    ]
}

#[test]
fn every_mistake_fails_its_own_task_with_words_that_lead_to_it() {
    assert_all_caught("unit2", &mistakes());
}

#[test]
fn the_exercises_page_shows_how_many_mistakes_each_check_catches() {
    assert_documented("unit2", &tasks::<Solution>(), &mistakes(), &[3; 5]);
}
