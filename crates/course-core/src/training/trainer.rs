//! The [`Trainer`]: the training loop every unit from 3 on uses.

use super::config::TrainerConfig;
use super::decisions::{self, EarlyStoppingState, ValidationScores};
use super::interrupt;
use super::model::{Dataset, Model};
use super::optimizer::Optimizer;
use super::schedule::LrScheduler;
use crate::batching::Batcher;
use crate::tracking::RunFolder;
use anyhow::{bail, ensure, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Instant;
use tch::nn::VarStore;
use tch::{Device, Kind, Tensor};

/// One row of `metrics.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochMetrics {
    pub epoch: usize,
    /// Optimiser steps done by the end of this epoch.
    pub step: usize,
    /// The learning rate of the epoch's last step.
    pub lr: f64,
    pub train_loss: f64,
    pub train_accuracy: f64,
    pub validation_loss: f64,
    pub validation_accuracy: f64,
    /// Wall time of the epoch (training + validation).
    pub seconds: f64,
}

/// Loss and accuracy over a labelled dataset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub loss: f64,
    pub accuracy: f64,
}

/// What `fit` did.
#[derive(Debug, Clone)]
pub struct FitReport {
    pub history: Vec<EpochMetrics>,
    /// The epoch with the best validation accuracy.
    pub best_epoch: usize,
    pub best_validation_accuracy: f64,
    pub stopped_early: bool,
    /// `best.safetensors` and `last.safetensors`, when the trainer has a run folder.
    pub best_checkpoint: Option<PathBuf>,
    pub last_checkpoint: Option<PathBuf>,
}

/// The loss became NaN or infinite: training stopped, no checkpoint was written.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingDiverged {
    pub epoch: usize,
    /// The step within the epoch (1-based).
    pub step: usize,
    pub loss: f64,
}

impl std::fmt::Display for TrainingDiverged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the loss became {} at epoch {}, step {}: training stopped and no checkpoint was \
             overwritten. Try a lower learning rate or gradient clipping (gradient_clip_norm).",
            self.loss, self.epoch, self.step
        )
    }
}

impl std::error::Error for TrainingDiverged {}

/// Everything needed to continue a run: stored in every checkpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct TrainerState {
    /// Epochs completed.
    epoch: usize,
    global_step: usize,
    history: Vec<EpochMetrics>,
    best_epoch: usize,
    /// `None` before the first epoch (JSON has no infinities).
    best_validation_accuracy: Option<f64>,
    #[serde(flatten)]
    early_stopping: EarlyStoppingState,
    scheduler: LrScheduler,
    /// Batches of epoch `epoch + 1` already trained, when the checkpoint was saved inside an
    /// epoch (after some minutes, or at Ctrl-C); 0 at the end of an epoch.
    #[serde(default)]
    batches_done: usize,
    /// That epoch's training loss and accuracy so far.
    #[serde(default)]
    epoch_so_far: Option<EpochSoFar>,
}

/// The sums behind an epoch's training loss and accuracy, and its seconds, part way through.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct EpochSoFar {
    loss_sum: f64,
    correct: i64,
    seen: usize,
    steps_read: usize,
    seconds: f64,
}

/// Training stopped at Ctrl-C or SIGTERM, after saving where it was.
#[derive(Debug, Clone)]
pub struct Interrupted {
    /// The checkpoint that holds the run (`None`: the run has no folder; nothing was saved).
    pub checkpoint: Option<PathBuf>,
    pub epoch: usize,
    /// Batches of `epoch` trained.
    pub batches_done: usize,
    pub batches: usize,
}

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "stopped by a signal (Ctrl-C or SIGTERM) in epoch {}, after batch {} of {}",
            self.epoch, self.batches_done, self.batches
        )?;
        match &self.checkpoint {
            Some(path) => {
                let run = path
                    .parent()
                    .and_then(Path::parent)
                    .and_then(Path::file_name)
                    .map(|name| name.to_string_lossy().to_string())
                    .unwrap_or_default();
                write!(
                    f,
                    ": saved in {}. To continue, run the same program with `--resume {run}`",
                    path.display()
                )
            }
            None => write!(f, "; this run keeps no folder, so nothing was saved"),
        }
    }
}

impl std::error::Error for Interrupted {}

impl TrainerState {
    /// The state before the first epoch.
    fn new(config: &TrainerConfig, plan: &EpochPlan) -> TrainerState {
        TrainerState {
            epoch: 0,
            global_step: 0,
            history: Vec::new(),
            best_epoch: 0,
            best_validation_accuracy: None,
            early_stopping: EarlyStoppingState::default(),
            scheduler: LrScheduler::new(
                config.schedule.clone(),
                config.optimizer.lr(),
                plan.epochs * plan.steps_per_epoch,
            ),
            batches_done: 0,
            epoch_so_far: None,
        }
    }

    /// Whether early stopping has seen `patience` epochs in a row without improvement.
    fn early_stopping_says_stop(&self, config: &TrainerConfig) -> bool {
        config
            .early_stopping
            .as_ref()
            .is_some_and(|early| self.epoch > 0 && self.early_stopping.says_stop(early))
    }
}

/// Where [`Trainer::train_epoch`] is: the epoch, its batches, and what to do on a signal.
struct EpochPlace<'a> {
    epoch: usize,
    epochs: usize,
    batches: &'a [Vec<usize>],
    writes_files: bool,
    training: &'a interrupt::Training,
}

/// The seed of one training step: (seed, epoch, batch) -> a number no other step of the run
/// gets.
fn step_seed(seed: u64, epoch: usize, batch: usize) -> i64 {
    seed.wrapping_add((epoch as u64) << 32)
        .wrapping_add(batch as u64) as i64
}

/// Which batches each epoch trains on, and how many epochs and optimiser steps there are.
struct EpochPlan {
    epochs: usize,
    steps_per_epoch: usize,
    batcher: Batcher,
    train_rows: Vec<usize>,
    /// The debugging aids' fixed batches (`fast_dev_run`, `overfit_batches`), the same every
    /// epoch; `None`: every row, shuffled per epoch.
    fixed_batches: Option<Vec<Vec<usize>>>,
}

impl EpochPlan {
    fn new<D: Dataset>(config: &TrainerConfig, train: &D) -> Result<EpochPlan> {
        ensure!(
            config.accumulate_batches >= 1,
            "accumulate_batches must be at least 1"
        );
        let train_rows: Vec<usize> = (0..train.len()).collect();
        if train_rows.is_empty() {
            bail!("the training data is empty");
        }
        let mut batcher = Batcher::new(config.batch_size).shuffle(config.seed);
        if let (Some(chunk), Some(lengths)) = (config.bucket_chunk_batches, train.lengths()) {
            batcher = batcher.bucket_by_length(lengths, chunk);
        }
        let fixed_batches: Option<Vec<Vec<usize>>> = if config.fast_dev_run {
            Some(vec![
                train_rows[..config.batch_size.min(train_rows.len())].to_vec()
            ])
        } else {
            config.overfit_batches.map(|n| {
                train_rows
                    .chunks(config.batch_size)
                    .take(n)
                    .map(<[usize]>::to_vec)
                    .collect()
            })
        };
        let batches_per_epoch = match &fixed_batches {
            Some(batches) => batches.len(),
            None => batcher.n_batches(train_rows.len()),
        };
        Ok(EpochPlan {
            epochs: if config.fast_dev_run {
                1
            } else {
                config.epochs
            },
            steps_per_epoch: batches_per_epoch.div_ceil(config.accumulate_batches),
            batcher,
            train_rows,
            fixed_batches,
        })
    }

    /// The batches of `epoch`, in order: the same for the same seed and epoch.
    fn batches(&self, epoch: usize) -> Vec<Vec<usize>> {
        match &self.fixed_batches {
            Some(batches) => batches.clone(),
            None => self.batcher.epoch(&self.train_rows, epoch as u64).collect(),
        }
    }
}

/// The name of the tensor that holds a checkpoint's [`TrainerState`] as JSON bytes.
const STATE_TENSOR: &str = "trainer/state_json";

pub struct Trainer {
    config: TrainerConfig,
    run: Option<RunFolder>,
}

impl Trainer {
    pub fn new(config: TrainerConfig) -> Trainer {
        Trainer { config, run: None }
    }

    /// Record the run in `run`'s folder (config, metrics, events, plot, checkpoints).
    pub fn with_run(mut self, run: RunFolder) -> Trainer {
        self.run = Some(run);
        self
    }

    pub fn config(&self) -> &TrainerConfig {
        &self.config
    }

    pub fn run(&self) -> Option<&RunFolder> {
        self.run.as_ref()
    }

    /// The device of the configuration: build the model's `VarStore` on it.
    pub fn device(&self) -> Device {
        self.config.device.device()
    }

    /// Trains from scratch.
    pub fn fit<M, D>(
        &mut self,
        model: &M,
        vars: &mut VarStore,
        train: &D,
        validation: &D,
    ) -> Result<FitReport>
    where
        M: Model,
        D: Dataset<Input = M::Input>,
    {
        self.fit_from(None, model, vars, train, validation)
    }

    /// Continues the run saved in `checkpoint` (weights, optimiser state, schedule, history)
    /// up to `config.epochs`. The result equals that of an uninterrupted run.
    pub fn resume<M, D>(
        &mut self,
        checkpoint: &Path,
        model: &M,
        vars: &mut VarStore,
        train: &D,
        validation: &D,
    ) -> Result<FitReport>
    where
        M: Model,
        D: Dataset<Input = M::Input>,
    {
        self.fit_from(Some(checkpoint), model, vars, train, validation)
    }

    /// The loop: for each epoch, train on every batch, validate, then the epoch's bookkeeping
    /// (metrics, best epoch, early stopping, checkpoints). From a checkpoint, it goes on after the
    /// checkpoint's epoch.
    fn fit_from<M, D>(
        &mut self,
        checkpoint: Option<&Path>,
        model: &M,
        vars: &mut VarStore,
        train: &D,
        validation: &D,
    ) -> Result<FitReport>
    where
        M: Model,
        D: Dataset<Input = M::Input>,
    {
        let plan = EpochPlan::new(&self.config, train)?;
        let mut optimizer = Optimizer::new(self.config.optimizer.clone(), vars);
        let mut state = match checkpoint {
            None => TrainerState::new(&self.config, &plan),
            Some(path) => {
                let state = load_checkpoint(path, vars, &mut optimizer)?;
                if state.batches_done == 0 {
                    println!(
                        "Resuming from {} after epoch {}",
                        path.display(),
                        state.epoch
                    );
                } else {
                    println!(
                        "Resuming from {} in epoch {}, after batch {}",
                        path.display(),
                        state.epoch + 1,
                        state.batches_done
                    );
                }
                state
            }
        };
        let writes_files = !self.config.fast_dev_run && self.run.is_some();
        if let Some(run) = self.run.as_ref().filter(|_| writes_files) {
            run.write_config(&self.config)?;
        }

        // A resumed run that had already stopped early (and was stopped while predicting)
        // trains no further.
        let mut stopped_early = state.early_stopping_says_stop(&self.config);
        let first_epoch = if stopped_early {
            plan.epochs + 1
        } else {
            state.epoch + 1
        };
        let training = interrupt::Training::start();
        for epoch in first_epoch..=plan.epochs {
            let started = Instant::now();
            let batches = plan.batches(epoch);
            let place = EpochPlace {
                epoch,
                epochs: plan.epochs,
                batches: &batches,
                writes_files,
                training: &training,
            };
            let trained =
                self.train_epoch(model, train, vars, &mut optimizer, &mut state, place)?;
            let evaluation = match &plan.fixed_batches {
                // Debugging aids validate on the batches they train on.
                Some(fixed) => self.evaluate_rows(model, train, &fixed.concat(), vars.device())?,
                None => self.evaluate(model, validation)?,
            };
            let metrics = EpochMetrics {
                epoch,
                step: state.global_step,
                lr: optimizer.lr(),
                train_loss: trained.mean_loss(),
                train_accuracy: trained.accuracy(),
                validation_loss: evaluation.loss,
                validation_accuracy: evaluation.accuracy,
                seconds: trained.earlier_seconds + started.elapsed().as_secs_f64(),
            };
            stopped_early = self.end_epoch(metrics, &mut state, vars, &optimizer, writes_files)?;
            if training.stop_requested() && epoch < plan.epochs && !stopped_early {
                return Err(Interrupted {
                    checkpoint: self.last_checkpoint_path(writes_files),
                    epoch,
                    batches_done: batches.len(),
                    batches: batches.len(),
                }
                .into());
            }
            if stopped_early {
                println!(
                    "Early stopping after epoch {epoch}: no improvement for {} epochs",
                    state.early_stopping.bad_epochs
                );
                break;
            }
        }

        let checkpoint = |which: &str| {
            self.run
                .as_ref()
                .filter(|_| writes_files)
                .map(|r| r.checkpoint_path(which))
        };
        Ok(FitReport {
            best_epoch: state.best_epoch,
            best_validation_accuracy: state.best_validation_accuracy.unwrap_or(0.0),
            stopped_early,
            best_checkpoint: checkpoint("best"),
            last_checkpoint: checkpoint("last"),
            history: state.history,
        })
    }

    /// One epoch of training: for each batch, the forward pass, the loss and its gradients, and
    /// (every `accumulate_batches` batches) an optimiser step at the schedule's learning rate.
    /// Returns the epoch's training loss and accuracy. A run continued from a checkpoint saved
    /// inside this epoch starts at the batch after it.
    fn train_epoch<M, D>(
        &mut self,
        model: &M,
        train: &D,
        vars: &VarStore,
        optimizer: &mut Optimizer,
        state: &mut TrainerState,
        place: EpochPlace,
    ) -> Result<StepLog>
    where
        M: Model,
        D: Dataset<Input = M::Input>,
    {
        let device = self.device();
        let labels = train.labels().context("the training data has no labels")?;
        let accumulate = self.config.accumulate_batches;
        let (epoch, batches) = (place.epoch, place.batches);
        let progress = progress_bar(batches.len(), epoch, place.epochs, self.config.progress);
        let first = std::mem::take(&mut state.batches_done);
        let mut step_log = StepLog::continuing(state.epoch_so_far.take());
        progress.set_position(first as u64);
        let started = Instant::now();
        let mut since_checkpoint = Instant::now();
        for (index, rows) in batches.iter().enumerate().skip(first) {
            // Dropout masks depend only on (seed, epoch, batch): a run continued from any
            // step draws what the uninterrupted run drew.
            tch::manual_seed(step_seed(self.config.seed, epoch, index));
            optimizer.set_lr(state.scheduler.lr(state.global_step, epoch));
            let inputs = train.inputs(rows, device)?;
            let targets = labels_of(labels, rows, device);

            let logits = model.forward(&inputs, true);
            let loss = model.loss(&logits, &targets);
            if index % accumulate == 0 {
                optimizer.zero_grad();
            }
            if accumulate == 1 {
                loss.backward();
            } else {
                // The mean over the whole window, so the step is the one a big batch gives.
                (&loss / accumulate as f64).backward();
            }
            let last_batch = index + 1 == batches.len();
            let steps_now = (index + 1) % accumulate == 0 || last_batch;
            if steps_now {
                if let Some(max_norm) = self.config.gradient_clip_norm {
                    optimizer.clip_grad_norm(max_norm);
                }
                optimizer.step();
                state.global_step += 1;
            }

            step_log.record(&loss, &logits, targets, rows.len());
            if last_batch || (index + 1) % StepLog::READ_EVERY == 0 {
                if let Err(diverged) = step_log.read(epoch) {
                    progress.abandon();
                    return Err(diverged.into());
                }
                if !progress.is_hidden() {
                    progress.set_message(format!(
                        "loss {:.4} acc {:.4}",
                        step_log.mean_loss(),
                        step_log.accuracy()
                    ));
                }
            }
            progress.inc(1);

            // Inside the epoch, after an optimiser step: save when asked to stop, or when the
            // last save is old enough.
            let stop = place.training.stop_requested();
            let due = self
                .config
                .checkpoint_minutes
                .is_some_and(|minutes| since_checkpoint.elapsed().as_secs_f64() >= minutes * 60.0);
            if steps_now && !last_batch && (stop || due) {
                if let Err(diverged) = step_log.read(epoch) {
                    progress.abandon();
                    return Err(diverged.into());
                }
                state.batches_done = index + 1;
                let seconds = step_log.earlier_seconds + started.elapsed().as_secs_f64();
                state.epoch_so_far = Some(step_log.so_far(seconds));
                let checkpoint = self.save_last(vars, optimizer, state, place.writes_files)?;
                state.batches_done = 0;
                state.epoch_so_far = None;
                since_checkpoint = Instant::now();
                if stop {
                    progress.abandon();
                    return Err(Interrupted {
                        checkpoint,
                        epoch,
                        batches_done: index + 1,
                        batches: batches.len(),
                    }
                    .into());
                }
            }
        }
        progress.finish_and_clear();
        Ok(step_log)
    }

    /// Saves the `last` checkpoint when the run writes files; returns its path.
    fn save_last(
        &self,
        vars: &VarStore,
        optimizer: &Optimizer,
        state: &TrainerState,
        writes_files: bool,
    ) -> Result<Option<PathBuf>> {
        match self.last_checkpoint_path(writes_files) {
            Some(path) => {
                save_checkpoint(&path, vars, optimizer, state)?;
                Ok(Some(path))
            }
            None => Ok(None),
        }
    }

    fn last_checkpoint_path(&self, writes_files: bool) -> Option<PathBuf> {
        self.run
            .as_ref()
            .filter(|_| writes_files)
            .map(|run| run.checkpoint_path("last"))
    }

    /// The end of an epoch: print and record its metrics, note the best epoch, count the epochs
    /// without improvement for early stopping, and write the checkpoints (`best` when it is the
    /// best so far, `last` always) and the metrics files. Returns whether to stop early.
    fn end_epoch(
        &mut self,
        metrics: EpochMetrics,
        state: &mut TrainerState,
        vars: &VarStore,
        optimizer: &Optimizer,
        writes_files: bool,
    ) -> Result<bool> {
        state.scheduler.end_epoch(metrics.validation_loss);
        if self.config.progress {
            println!(
                "epoch {:>3}/{}  lr {:.2e}  train loss {:.4} acc {:.4}  val loss {:.4} acc {:.4}  ({:.1}s)",
                metrics.epoch,
                if self.config.fast_dev_run { 1 } else { self.config.epochs },
                metrics.lr,
                metrics.train_loss,
                metrics.train_accuracy,
                metrics.validation_loss,
                metrics.validation_accuracy,
                metrics.seconds
            );
        }
        // The decisions of `decisions`: the best checkpoint, and early stopping's count.
        let is_best =
            decisions::is_new_best(metrics.validation_accuracy, state.best_validation_accuracy);
        if is_best {
            state.best_validation_accuracy = Some(metrics.validation_accuracy);
            state.best_epoch = metrics.epoch;
        }
        if let Some(early) = &self.config.early_stopping {
            let scores = ValidationScores {
                accuracy: metrics.validation_accuracy,
                loss: metrics.validation_loss,
            };
            state
                .early_stopping
                .update(early, early.monitor.of(&scores));
        }
        state.epoch = metrics.epoch;
        state.history.push(metrics);

        if let Some(run) = self.run.as_mut().filter(|_| writes_files) {
            if is_best {
                save_checkpoint(&run.checkpoint_path("best"), vars, optimizer, state)?;
            }
            save_checkpoint(&run.checkpoint_path("last"), vars, optimizer, state)?;
            run.record_epochs(&state.history)?;
        }
        Ok(state.early_stopping_says_stop(&self.config))
    }

    /// Mean loss and accuracy over a labelled dataset (no gradients, `train = false`).
    pub fn evaluate<M, D>(&self, model: &M, data: &D) -> Result<Evaluation>
    where
        M: Model,
        D: Dataset<Input = M::Input>,
    {
        let rows: Vec<usize> = (0..data.len()).collect();
        self.evaluate_rows(model, data, &rows, self.device())
    }

    fn evaluate_rows<M, D>(
        &self,
        model: &M,
        data: &D,
        rows: &[usize],
        device: Device,
    ) -> Result<Evaluation>
    where
        M: Model,
        D: Dataset<Input = M::Input>,
    {
        let labels = data
            .labels()
            .context("cannot evaluate on data without labels")?;
        let _no_grad = tch::no_grad_guard();
        let (mut loss_sum, mut correct) = (0.0, 0i64);
        for batch in self.evaluation_batches(data, rows) {
            let targets = labels_of(labels, &batch, device);
            let logits = model.forward(&data.inputs(&batch, device)?, false);
            loss_sum += model.loss(&logits, &targets).double_value(&[]) * batch.len() as f64;
            correct += count_correct(&logits, &targets);
        }
        let n = rows.len().max(1) as f64;
        Ok(Evaluation {
            loss: loss_sum / n,
            accuracy: correct as f64 / n,
        })
    }

    /// Class probabilities `[rows, classes]` for every row, in row order.
    pub fn predict<M, D>(&self, model: &M, data: &D) -> Result<Tensor>
    where
        M: Model,
        D: Dataset<Input = M::Input>,
    {
        let device = self.device();
        let _no_grad = tch::no_grad_guard();
        let rows: Vec<usize> = (0..data.len()).collect();
        let mut order = Vec::with_capacity(rows.len());
        let mut parts = Vec::new();
        for batch in self.evaluation_batches(data, &rows) {
            let logits = model.forward(&data.inputs(&batch, device)?, false);
            parts.push(logits.softmax(-1, Kind::Float).to_device(Device::Cpu));
            order.extend(batch.iter().map(|&r| r as i64));
        }
        if parts.is_empty() {
            bail!("nothing to predict: the dataset is empty");
        }
        // Batches may be sorted by length: put each row's probabilities back in its place.
        let stacked = Tensor::cat(&parts, 0);
        let positions = Tensor::from_slice(&order);
        Ok(stacked.zeros_like().index_copy(0, &positions, &stacked))
    }

    /// Batches for evaluation and prediction: bigger than training batches, and sorted by
    /// length when the data has lengths (less padding; the order does not change the result).
    fn evaluation_batches<D: Dataset>(&self, data: &D, rows: &[usize]) -> Vec<Vec<usize>> {
        let mut rows = rows.to_vec();
        if let Some(lengths) = data.lengths() {
            rows.sort_by_key(|&r| lengths[r]);
        }
        rows.chunks(self.config.batch_size * 4)
            .map(<[usize]>::to_vec)
            .collect()
    }
}

/// The training loss and accuracy of an epoch, read from libtorch every `READ_EVERY` steps
/// rather than at every step: for a small model each extra library round trip per step is a
/// visible share of the step's time. The losses and logits of the steps in between wait,
/// detached from the graph; a NaN or infinite loss among them is still found and named by its
/// step (the weights it spoilt are never checkpointed: the run stops before the epoch ends).
#[derive(Default)]
struct StepLog {
    /// Seconds of this epoch trained before the checkpoint this run continues from.
    earlier_seconds: f64,
    pending_losses: Vec<Tensor>,
    pending_logits: Vec<Tensor>,
    pending_targets: Vec<Tensor>,
    pending_rows: Vec<usize>,
    steps_read: usize,
    loss_sum: f64,
    correct: i64,
    seen: usize,
}

impl StepLog {
    const READ_EVERY: usize = 25;

    /// A log that goes on from the sums a checkpoint saved inside the epoch.
    fn continuing(so_far: Option<EpochSoFar>) -> StepLog {
        let so_far = so_far.unwrap_or_default();
        StepLog {
            earlier_seconds: so_far.seconds,
            steps_read: so_far.steps_read,
            loss_sum: so_far.loss_sum,
            correct: so_far.correct,
            seen: so_far.seen,
            ..StepLog::default()
        }
    }

    /// The sums so far (read every waiting step first), for a checkpoint.
    fn so_far(&self, seconds: f64) -> EpochSoFar {
        EpochSoFar {
            loss_sum: self.loss_sum,
            correct: self.correct,
            seen: self.seen,
            steps_read: self.steps_read,
            seconds,
        }
    }

    fn record(&mut self, loss: &Tensor, logits: &Tensor, targets: Tensor, rows: usize) {
        // Handles, not copies and not `detach()` (one more libtorch call per step): after
        // `backward()` the graph behind them has freed its buffers, so keeping them is cheap,
        // and they are only read under `no_grad`.
        self.pending_losses.push(loss.shallow_clone());
        self.pending_logits.push(logits.shallow_clone());
        self.pending_targets.push(targets);
        self.pending_rows.push(rows);
    }

    /// Reads the waiting steps; fails on the first one whose loss is not finite.
    fn read(&mut self, epoch: usize) -> std::result::Result<(), TrainingDiverged> {
        if self.pending_losses.is_empty() {
            return Ok(());
        }
        let _no_grad = tch::no_grad_guard();
        let losses =
            Vec::<f64>::try_from(Tensor::stack(&self.pending_losses, 0).to_kind(Kind::Double))
                .expect("a loss is a scalar");
        for (offset, (&loss, &rows)) in losses.iter().zip(&self.pending_rows).enumerate() {
            if !loss.is_finite() {
                return Err(TrainingDiverged {
                    epoch,
                    step: self.steps_read + offset + 1,
                    loss,
                });
            }
            self.loss_sum += loss * rows as f64;
            self.seen += rows;
        }
        let logits = Tensor::cat(&self.pending_logits, 0);
        self.correct += count_correct(&logits, &Tensor::cat(&self.pending_targets, 0));
        self.steps_read += losses.len();
        self.pending_losses.clear();
        self.pending_logits.clear();
        self.pending_targets.clear();
        self.pending_rows.clear();
        Ok(())
    }

    fn mean_loss(&self) -> f64 {
        self.loss_sum / self.seen.max(1) as f64
    }

    fn accuracy(&self) -> f64 {
        self.correct as f64 / self.seen.max(1) as f64
    }
}

/// The labels of `rows` as a tensor on `device`.
pub(crate) fn labels_of(labels: &[i64], rows: &[usize], device: Device) -> Tensor {
    let picked: Vec<i64> = rows.iter().map(|&r| labels[r]).collect();
    crate::device::from_cpu(Tensor::from_slice(&picked), device)
}

fn count_correct(logits: &Tensor, targets: &Tensor) -> i64 {
    logits
        .argmax(-1, false)
        .eq_tensor(targets)
        .sum(Kind::Int64)
        .int64_value(&[])
}

fn progress_bar(len: usize, epoch: usize, epochs: usize, enabled: bool) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    // indicatif draws only when stderr is a terminal: logs and tests stay clean.
    let bar = ProgressBar::new(len as u64);
    let style = ProgressStyle::with_template("epoch {prefix} [{bar:30}] {pos}/{len} {msg} ({eta})")
        .expect("valid template")
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_prefix(format!("{epoch}/{epochs}"));
    bar
}

/// Writes weights, optimiser state and trainer state into one `.safetensors` file, atomically.
fn save_checkpoint(
    path: &Path,
    vars: &VarStore,
    optimizer: &Optimizer,
    state: &TrainerState,
) -> Result<()> {
    let mut tensors: Vec<(String, Tensor)> = vars
        .variables()
        .into_iter()
        .map(|(name, t)| (format!("model/{name}"), t.detach().to_device(Device::Cpu)))
        .collect();
    tensors.extend(
        optimizer
            .state_tensors()
            .into_iter()
            .map(|(n, t)| (n, t.to_device(Device::Cpu))),
    );
    let json = serde_json::to_vec(state)?;
    tensors.push((STATE_TENSOR.to_string(), Tensor::from_slice(&json)));
    crate::fs::replace_atomically(path, |temporary| {
        Tensor::write_safetensors(&tensors, temporary)
            .with_context(|| format!("cannot write the checkpoint {}", temporary.display()))
    })
}

/// Loads a checkpoint's weights into `vars` and its state into `optimizer`. Returns the
/// trainer state stored with them.
fn load_checkpoint(
    path: &Path,
    vars: &mut VarStore,
    optimizer: &mut Optimizer,
) -> Result<TrainerState> {
    let tensors = read_checkpoint_weights(path, vars)?;
    optimizer.load_state(&tensors)?;
    let state = tensors
        .iter()
        .find(|(n, _)| n == STATE_TENSOR)
        .with_context(|| format!("{} is not a trainer checkpoint", path.display()))?;
    let bytes = Vec::<u8>::try_from(&state.1)?;
    Ok(serde_json::from_slice(&bytes)?)
}

fn load_weights(tensors: &[(String, Tensor)], vars: &mut VarStore) -> Result<()> {
    let _no_grad = tch::no_grad_guard();
    for (name, mut variable) in vars.variables() {
        let Some((_, saved)) = tensors.iter().find(|(n, _)| n == &format!("model/{name}")) else {
            bail!("the checkpoint has no weights for {name}: was it saved from another model?");
        };
        if saved.size() != variable.size() {
            bail!(
                "{name}: the checkpoint has shape {:?}, the model {:?}",
                saved.size(),
                variable.size()
            );
        }
        variable.copy_(saved);
    }
    Ok(())
}

/// Loads only the weights of a checkpoint (to predict with the best epoch's model).
pub fn load_weights_from(path: &Path, vars: &mut VarStore) -> Result<()> {
    read_checkpoint_weights(path, vars).map(|_| ())
}

/// Reads a checkpoint file, copies its weights into `vars`, and returns all its tensors.
fn read_checkpoint_weights(path: &Path, vars: &mut VarStore) -> Result<Vec<(String, Tensor)>> {
    let tensors = Tensor::read_safetensors(path)
        .with_context(|| format!("cannot read the checkpoint {}", path.display()))?;
    load_weights(&tensors, vars).with_context(|| format!("in {}", path.display()))?;
    Ok(tensors)
}
