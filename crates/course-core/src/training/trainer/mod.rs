//! The [`Trainer`]: the training loop every unit from 3 on uses.
//!
//! `fit` runs the epochs; each epoch trains on its batches (forward, loss, backward, optimiser
//! step), validates, and does the epoch's bookkeeping (the best epoch, early stopping,
//! checkpoints, metrics). What is not the loop lives beside it: [`checkpoint`] (saving and
//! resuming), [`plan`] (which batches, which seeds), [`tally`] (the epoch's loss and accuracy),
//! [`evaluate`] (validation and prediction), [`report`] (what a fit returns), and
//! [`signals`](crate::training::signals) (Ctrl-C).

mod checkpoint;
mod evaluate;
mod plan;
mod report;
mod tally;

pub use checkpoint::load_weights_from;
pub(crate) use evaluate::labels_of;
pub use report::{Evaluation, FitReport, Interrupted, TrainingDiverged};

use super::config::{Bf16, TrainerConfig};
use super::decisions::{self, ValidationScores};
use super::model::{Dataset, Model};
use super::optimizer::Optimizer;
use super::signals::StopRequests;
use crate::mixed_precision::with_bf16;
use crate::tracking::{EpochMetrics, RunFolder};
use anyhow::{Context, Result};
use checkpoint::{save_checkpoint, SaveInsideEpoch, TrainerState};
use indicatif::{ProgressBar, ProgressStyle};
use plan::{step_seed, EpochPlan};
use std::path::Path;
use std::time::Instant;
use tally::EpochTally;
use tch::nn::VarStore;
use tch::{Device, Kind, Tensor};

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

    /// Changes whether the products run in bfloat16 from now on: for a model that predicts
    /// in another arithmetic than it trained in.
    pub fn set_bf16(&mut self, bf16: Bf16) {
        self.config.bf16 = bf16;
    }

    /// The model's forward pass, its products in bfloat16 when the settings say so
    /// ([`TrainerConfig::bf16`]); the logits come back float32 for the loss.
    fn forward<M: Model>(&self, model: &M, inputs: &M::Input, train: bool) -> Tensor {
        let bf16 = self.config.bf16.here(self.device());
        with_bf16(bf16, || model.forward(inputs, train)).to_kind(Kind::Float)
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
    /// checkpoint's epoch (or inside it, at the batch after the one saved).
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
            Some(path) => TrainerState::resumed(path, vars, &mut optimizer)?,
        };
        if let Some(run) = self.run_writing_files() {
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
        let signals = StopRequests::listen();
        let validates = self.config.validates(plan.epochs);
        if !validates && self.config.progress && first_epoch <= plan.epochs {
            println!(
                "No validation pass at the end of the epoch: with one epoch there is nothing to \
                 choose (validation: when-choosing)"
            );
        }
        for epoch in first_epoch..=plan.epochs {
            let started = Instant::now();
            let batches = plan.batches(epoch);
            let trained = self.train_epoch(
                model,
                train,
                (vars, &mut optimizer, &mut state),
                (epoch, plan.epochs, &batches),
                &signals,
            )?;
            let evaluation = match &plan.fixed_batches {
                // Debugging aids validate on the batches they train on.
                Some(fixed) => {
                    Some(self.evaluate_rows(model, train, &fixed.concat(), vars.device())?)
                }
                None if validates => Some(self.evaluate(model, validation)?),
                None => None,
            };
            let metrics = EpochMetrics {
                epoch,
                step: state.global_step,
                lr: optimizer.lr(),
                train_loss: trained.mean_loss(),
                train_accuracy: trained.accuracy(),
                validation_loss: evaluation.map(|e| e.loss),
                validation_accuracy: evaluation.map(|e| e.accuracy),
                seconds: trained.earlier_seconds + started.elapsed().as_secs_f64(),
            };
            stopped_early = self.end_epoch(metrics, &mut state, vars, &optimizer)?;
            if stopped_early {
                println!(
                    "Early stopping after epoch {epoch}: no improvement for {} epochs",
                    state.early_stopping.bad_epochs
                );
                break;
            }
            if signals.stop_requested() && epoch < plan.epochs {
                return Err(Interrupted {
                    checkpoint: self.checkpoint_path("last"),
                    epoch,
                    batches_done: batches.len(),
                    batches: batches.len(),
                }
                .into());
            }
        }
        Ok(FitReport {
            best_epoch: state.best_epoch,
            best_validation_accuracy: state.best_validation_accuracy,
            stopped_early,
            best_checkpoint: self.checkpoint_path("best"),
            last_checkpoint: self.checkpoint_path("last"),
            history: state.history,
        })
    }

    /// One epoch of training: for each batch, the forward pass, the loss and its gradients, and
    /// (every `accumulate_batches` batches) an optimiser step at the schedule's learning rate.
    /// Returns the epoch's training loss and accuracy. A run continued from a checkpoint saved
    /// inside this epoch starts at the batch after it.
    fn train_epoch<M, D>(
        &self,
        model: &M,
        train: &D,
        (vars, optimizer, state): (&VarStore, &mut Optimizer, &mut TrainerState),
        (epoch, epochs, batches): (usize, usize, &[Vec<usize>]),
        signals: &StopRequests,
    ) -> Result<EpochTally>
    where
        M: Model,
        D: Dataset<Input = M::Input>,
    {
        let device = self.device();
        let labels = train.labels().context("the training data has no labels")?;
        let accumulate = self.config.accumulate_batches;
        let first = std::mem::take(&mut state.batches_done);
        let mut tally = EpochTally::continuing(state.epoch_so_far.take());
        let progress = progress_bar(batches.len(), epoch, epochs, self.config.progress);
        progress.set_position(first as u64);
        let now = Instant::now();
        let mut saves = SaveInsideEpoch {
            epoch,
            batches: batches.len(),
            started: now,
            last_saved: now,
        };
        let mut batch_loop = || -> Result<()> {
            for (index, rows) in batches.iter().enumerate().skip(first) {
                tch::manual_seed(step_seed(self.config.seed, epoch, index));
                optimizer.set_lr(state.scheduler.lr(state.global_step, epoch));
                let inputs = train.inputs(rows, device)?;
                let targets = labels_of(labels, rows, device);

                let logits = self.forward(model, &inputs, true);
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

                tally.record(&loss, &logits, targets, rows.len());
                if last_batch || tally.read_due() {
                    tally.add_waiting(epoch)?;
                    show_progress(&progress, &tally);
                }
                progress.inc(1);
                if steps_now && !last_batch {
                    let stop = signals.stop_requested();
                    let place = (vars, &*optimizer, &mut *state);
                    self.checkpoint_inside_epoch(index, stop, &mut saves, &mut tally, place)?;
                }
            }
            Ok(())
        };
        match batch_loop() {
            Ok(()) => progress.finish_and_clear(),
            Err(error) => {
                progress.abandon();
                return Err(error);
            }
        }
        Ok(tally)
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
    ) -> Result<bool> {
        let scores = match (metrics.validation_accuracy, metrics.validation_loss) {
            (Some(accuracy), Some(loss)) => Some(ValidationScores { accuracy, loss }),
            _ => None,
        };
        if let Some(scores) = &scores {
            state.scheduler.end_epoch(scores.loss);
        }
        if self.config.progress {
            let validation = match &scores {
                Some(scores) => format!("val loss {:.4} acc {:.4}", scores.loss, scores.accuracy),
                None => "not validated".to_string(),
            };
            println!(
                "epoch {:>3}/{}  lr {:.2e}  train loss {:.4} acc {:.4}  {validation}  ({:.1}s)",
                metrics.epoch,
                if self.config.fast_dev_run {
                    1
                } else {
                    self.config.epochs
                },
                metrics.lr,
                metrics.train_loss,
                metrics.train_accuracy,
                metrics.seconds
            );
        }
        // The decisions of `decisions`: the best checkpoint, and early stopping's count. An
        // epoch that was not validated is the run's (nothing chose against it).
        let is_best = match &scores {
            Some(scores) => decisions::is_new_best(scores.accuracy, state.best_validation_accuracy),
            None => true,
        };
        if is_best {
            state.best_validation_accuracy = scores.as_ref().map(|s| s.accuracy);
            state.best_epoch = metrics.epoch;
        }
        if let (Some(early), Some(scores)) = (&self.config.early_stopping, &scores) {
            state.early_stopping.update(early, early.monitor.of(scores));
        }
        state.epoch = metrics.epoch;
        state.history.push(metrics);

        if let Some(best) = self.checkpoint_path("best").filter(|_| is_best) {
            save_checkpoint(&best, vars, optimizer, state)?;
        }
        self.save_last(vars, optimizer, state)?;
        if let Some(run) = self.run.as_mut().filter(|_| !self.config.fast_dev_run) {
            run.record_epochs(&state.history)?;
        }
        Ok(state.early_stopping_says_stop(&self.config))
    }

    /// The run folder, unless this is a debugging run (`fast_dev_run`), which writes no files.
    fn run_writing_files(&self) -> Option<&RunFolder> {
        self.run.as_ref().filter(|_| !self.config.fast_dev_run)
    }
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

fn show_progress(progress: &ProgressBar, tally: &EpochTally) {
    if !progress.is_hidden() {
        let (loss, accuracy) = (tally.mean_loss(), tally.accuracy());
        progress.set_message(format!("loss {loss:.4} acc {accuracy:.4}"));
    }
}
