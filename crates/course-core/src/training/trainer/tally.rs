//! An epoch's training loss and accuracy, added up as the batches go by.

use super::checkpoint::EpochSoFar;
use super::report::TrainingDiverged;
use tch::{Kind, Tensor};

/// The training loss and accuracy of an epoch, read from libtorch every `READ_EVERY` steps
/// rather than at every step: for a small model each extra library round trip per step is a
/// visible share of the step's time. The losses and logits of the steps in between wait,
/// detached from the graph; a NaN or infinite loss among them is still found and named by its
/// step (the weights it spoilt are never checkpointed: the run stops before the epoch ends).
#[derive(Default)]
pub(super) struct EpochTally {
    /// Seconds of this epoch trained before the checkpoint this run continues from.
    pub earlier_seconds: f64,
    waiting_losses: Vec<Tensor>,
    waiting_logits: Vec<Tensor>,
    waiting_targets: Vec<Tensor>,
    waiting_rows: Vec<usize>,
    steps_added: usize,
    loss_sum: f64,
    correct: i64,
    seen: usize,
}

impl EpochTally {
    const READ_EVERY: usize = 25;

    /// A tally that goes on from the sums a checkpoint saved inside the epoch.
    pub fn continuing(so_far: Option<EpochSoFar>) -> EpochTally {
        let so_far = so_far.unwrap_or_default();
        EpochTally {
            earlier_seconds: so_far.seconds,
            steps_added: so_far.steps_read,
            loss_sum: so_far.loss_sum,
            correct: so_far.correct,
            seen: so_far.seen,
            ..EpochTally::default()
        }
    }

    /// The sums so far (call [`EpochTally::add_waiting`] first), for a checkpoint.
    pub fn so_far(&self, seconds: f64) -> EpochSoFar {
        EpochSoFar {
            loss_sum: self.loss_sum,
            correct: self.correct,
            seen: self.seen,
            steps_read: self.steps_added,
            seconds,
        }
    }

    /// Keeps one step's loss and logits until the next [`EpochTally::add_waiting`].
    pub fn record(&mut self, loss: &Tensor, logits: &Tensor, targets: Tensor, rows: usize) {
        // Handles, not copies and not `detach()` (one more libtorch call per step): after
        // `backward()` the graph behind them has freed its buffers, so keeping them is cheap,
        // and they are only read under `no_grad`.
        self.waiting_losses.push(loss.shallow_clone());
        self.waiting_logits.push(logits.shallow_clone());
        self.waiting_targets.push(targets);
        self.waiting_rows.push(rows);
    }

    /// Whether enough steps wait to be worth one read from libtorch.
    pub fn read_due(&self) -> bool {
        self.waiting_losses.len() >= Self::READ_EVERY
    }

    /// Adds the waiting steps to the sums; fails on the first one whose loss is not finite.
    pub fn add_waiting(&mut self, epoch: usize) -> Result<(), TrainingDiverged> {
        if self.waiting_losses.is_empty() {
            return Ok(());
        }
        let _no_grad = tch::no_grad_guard();
        // On the CPU before float64: Apple's GPU (MPS) has no float64.
        let losses = Tensor::stack(&self.waiting_losses, 0).to_device(tch::Device::Cpu);
        let losses =
            Vec::<f64>::try_from(losses.to_kind(Kind::Double)).expect("a loss is a scalar");
        for (offset, (&loss, &rows)) in losses.iter().zip(&self.waiting_rows).enumerate() {
            if !loss.is_finite() {
                return Err(TrainingDiverged {
                    epoch,
                    step: self.steps_added + offset + 1,
                    loss,
                });
            }
            self.loss_sum += loss * rows as f64;
            self.seen += rows;
        }
        let logits = Tensor::cat(&self.waiting_logits, 0);
        self.correct += count_correct(&logits, &Tensor::cat(&self.waiting_targets, 0));
        self.steps_added += losses.len();
        self.waiting_losses.clear();
        self.waiting_logits.clear();
        self.waiting_targets.clear();
        self.waiting_rows.clear();
        Ok(())
    }

    pub fn mean_loss(&self) -> f64 {
        self.loss_sum / self.seen.max(1) as f64
    }

    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.seen.max(1) as f64
    }
}

/// How many rows' highest logit is their target class.
pub(super) fn count_correct(logits: &Tensor, targets: &Tensor) -> i64 {
    logits
        .argmax(-1, false)
        .eq_tensor(targets)
        .sum(Kind::Int64)
        .int64_value(&[])
}
