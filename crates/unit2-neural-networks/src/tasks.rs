//! The checks of unit 2's tasks, run against [`Solution`](crate::Solution) by `cargo test` and
//! against `Exercise` (`src/exercise.rs`) by `course verify unit2`.

use crate::{Answers, EpochShuffle, Solution};
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
            checked_against: "libtorch's `softmax`, with ±1000 logits",
            trains: false,
            file: FILE,
            hints: &[
                "softmax(z)_i = exp(z_i) / sum_j exp(z_j), along each row: see 'The maths in short' in the unit's README (softmax and cross-entropy). Subtracting the row's largest score from every score first changes nothing mathematically, because the factor cancels in the division. But it keeps every exp at most 1, so exp cannot overflow on large logits.",
                "Three tensor methods do it: `amax` (the largest value along a dimension), `exp`, and `sum_dim_intlist` (a sum along a dimension). Keep the reduced dimension (keepdim true): a [batch, 1] column broadcasts over each row of [batch, classes].",
                "let shifted = logits - logits.amax(-1, true); keepdim true keeps [batch, 1], which broadcasts over the row.",
                "let e = shifted.exp(); e / e.sum_dim_intlist(-1, true, Kind::Float)",
            ],
            check: softmax::<A>,
        },
        Task {
            name: "cross-entropy",
            checked_against: "libtorch's `cross_entropy_for_logits`, with ±100 logits",
            trains: true,
            file: FILE,
            hints: &[
                "The loss of a row is minus the log of the probability the model gives the right class, -log p_y, with p the softmax of the row's logits: see 'The maths in short' in the unit's README. Averaged over the rows, it is one number. Taking the log of a softmax can give log 0 for very confident rows. A log-softmax computed in one go stays finite.",
                "`log_softmax` gives every class's log-probability, [batch, classes]. `gather` along dimension 1 picks one column per row, given an index tensor of shape [batch, 1] (`unsqueeze` gives the targets that shape). `mean` turns the result into shape [].",
                "logits.log_softmax(-1, Kind::Float) gives every class's log-probability.",
                "gather(1, &targets.unsqueeze(1), false) picks each row's target column: [batch, 1].",
                "Minus the mean of those: -(...).mean(Kind::Float).",
            ],
            check: cross_entropy::<A>,
        },
        Task {
            name: "one training step (forward, loss, zero grad, backward, step)",
            checked_against: "a reference SGD step on a copy of the model, three steps",
            trains: true,
            file: FILE,
            hints: &[
                "A training step has five parts in a fixed order: see 'The training loop' in 'The maths in short' of the unit's README. Compute the logits, then the loss, clear the old gradients, compute the new ones, and move the weights. Why clear them? In tch the gradients of each backward pass add up to the ones already stored.",
                "The order: forward, loss, zero_grad, backward, step.",
                "`model.forward(inputs)` gives the logits and your `Self::cross_entropy` the loss. The optimizer has `zero_grad` and `step`, the loss tensor has `backward`. The loss as f64 is `loss.double_value(&[])`.",
                "correct = logits.argmax(-1, false).eq_tensor(targets).sum(Kind::Int64), as i64 with int64_value(&[]) (or i64::try_from).",
            ],
            check: training_step::<A>,
        },
        Task {
            name: "validation accuracy over batches",
            checked_against: "hand-worked 0.75 over uneven batches, gradients off",
            trains: true,
            file: FILE,
            hints: &[
                "Accuracy is the share of rows whose largest logit is the target's class: see 'The training loop' in 'The maths in short' of the unit's README. Nothing is learned here, so autograd need not record anything: switching gradients off saves memory. Batches may differ in size: what does that do to a mean of the batches' accuracies?",
                "`tch::no_grad_guard()` switches gradients off until the value it returns is dropped. For each batch: `model.forward`, then `argmax(-1, false)` gives the predicted classes [batch], `eq_tensor` compares them with the targets, and `sum(Kind::Int64)` counts the matches. `targets.size()[0]` is the batch's number of rows.",
                "let _guard = tch::no_grad_guard(); keeps gradients off until the end of the function.",
                "Count correct rows and all rows over every batch, then divide once: batches differ in size.",
            ],
            check: accuracy::<A>,
        },
        Task {
            name: "one epoch of the loop: a seeded shuffle, batches, a step on each",
            checked_against: "the given loop (course `Batcher` + reference step) over three epochs",
            trains: true,
            file: FILE,
            hints: &[
                "An epoch visits every training row once, in a new random order each epoch. The order must still be the same in every run with the same seed. See 'The training loop' in 'The maths in short' of the unit's README. The epoch's loss and accuracy are means over rows, not over batches, and the last batch may be smaller.",
                "Shuffle a Vec of the row numbers 0..rows with rand's `SliceRandom` (its `shuffle` method) and the generator `ChaCha8Rng` from `seed_from_u64(shuffle.seed + shuffle.epoch)`. `chunks(shuffle.batch_size)` cuts the order into batches. `batch_of` turns a batch of row numbers into (inputs, targets), and your `Self::training_step` trains on them.",
                "let mut order: Vec<usize> = (0..rows).collect(); order.shuffle(&mut ChaCha8Rng::seed_from_u64(shuffle.seed + shuffle.epoch as u64)); with rand::seq::SliceRandom and rand::SeedableRng in scope.",
                "for batch in order.chunks(shuffle.batch_size): let (inputs, targets) = batch_of(batch); then Self::training_step.",
                "Add loss * batch.len() and the correct count over the epoch, and divide both by the rows seen: the last batch is smaller, so a mean of batch means would weigh its rows more.",
            ],
            check: train_epoch::<A>,
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

/// 37 rows of 3 features: batches of 8 leave a last batch of 5.
fn epoch_rows() -> (Tensor, Tensor) {
    let _serial = course_core::device::exclusive_torch_rng();
    tch::manual_seed(21);
    let inputs = Tensor::randn([37, 3], (Kind::Float, Device::Cpu));
    let targets = inputs
        .sum_dim_intlist(1, false, Kind::Float)
        .gt(0.0)
        .to_kind(Kind::Int64);
    (inputs, targets)
}

/// The given loop's epoch, as it was before you wrote yours: the course's `Batcher` shuffles.
fn reference_epoch<M: Module>(
    model: &M,
    optimizer: &mut nn::Optimizer,
    batch_of: &dyn Fn(&[usize]) -> (Tensor, Tensor),
    shuffle: EpochShuffle,
) -> (f64, f64) {
    let batcher = course_core::batching::Batcher::new(shuffle.batch_size).shuffle(shuffle.seed);
    let rows: Vec<usize> = (0..37).collect();
    let (mut loss_sum, mut correct, mut seen) = (0.0, 0i64, 0usize);
    for batch in batcher.epoch(&rows, shuffle.epoch as u64) {
        let (inputs, targets) = batch_of(&batch);
        let (loss, right) = Solution::training_step(model, optimizer, &inputs, &targets);
        loss_sum += loss * batch.len() as f64;
        correct += right;
        seen += batch.len();
    }
    (loss_sum / seen as f64, correct as f64 / seen as f64)
}

fn train_epoch<A: Answers>() -> Result<()> {
    let (inputs, targets) = epoch_rows();
    let batch_of = |rows: &[usize]| {
        let index = Tensor::from_slice(&rows.iter().map(|&r| r as i64).collect::<Vec<_>>());
        (
            inputs.index_select(0, &index),
            targets.index_select(0, &index),
        )
    };
    let make = || {
        let vars = nn::VarStore::new(Device::Cpu);
        let layer = nn::linear(vars.root() / "layer", 3, 2, Default::default());
        (vars, layer)
    };
    let (mut learner_vars, learner_model) = make();
    let (reference_vars, reference_model) = make();
    learner_vars.copy(&reference_vars)?;
    let mut learner_sgd = nn::Sgd::default().build(&learner_vars, 0.5)?;
    let mut reference_sgd = nn::Sgd::default().build(&reference_vars, 0.5)?;
    for epoch in 1..=3 {
        let shuffle = EpochShuffle {
            batch_size: 8,
            seed: 5,
            epoch,
        };
        let (loss, accuracy) =
            A::train_epoch(&learner_model, &mut learner_sgd, 37, &batch_of, shuffle);
        let (expected_loss, expected_accuracy) =
            reference_epoch(&reference_model, &mut reference_sgd, &batch_of, shuffle);
        let drift = (&learner_model.ws - &reference_model.ws)
            .abs()
            .max()
            .double_value(&[]);
        ensure!(
            drift < 1e-6,
            "after epoch {epoch} of 37 rows in batches of 8 (seed 5), the weights differ from the \
             given loop's by {drift:.2e}: are the rows shuffled with seed + epoch, every batch \
             trained, the last (5 rows) too?"
        );
        ensure!(
            (loss - expected_loss).abs() < 1e-6,
            "epoch {epoch}: training loss {loss:.6}, the given loop's {expected_loss:.6} (the mean \
             over rows: weigh each batch's loss by its rows)"
        );
        ensure!(
            (accuracy - expected_accuracy).abs() < 1e-9,
            "epoch {epoch}: training accuracy {accuracy:.6}, the given loop's \
             {expected_accuracy:.6} (correct rows / rows)"
        );
    }
    Ok(())
}
