//! Checkpoints: the weights, the optimiser's state and the trainer's own state (epoch, step,
//! history, best epoch, early stopping, schedule, and how far into an epoch) in one
//! `.safetensors` file, so that a resumed run goes on exactly where the saved one was.

use super::plan::EpochPlan;
use super::report::Interrupted;
use super::tally::EpochTally;
use super::Trainer;
use crate::tracking::EpochMetrics;
use crate::training::config::TrainerConfig;
use crate::training::decisions::EarlyStoppingState;
use crate::training::optimizer::Optimizer;
use crate::training::schedule::LrScheduler;
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Instant;
use tch::nn::VarStore;
use tch::{Device, Tensor};

/// Everything needed to continue a run: stored in every checkpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct TrainerState {
    /// Epochs completed.
    pub epoch: usize,
    pub global_step: usize,
    pub history: Vec<EpochMetrics>,
    pub best_epoch: usize,
    /// `None` before the first epoch (JSON has no infinities).
    pub best_validation_accuracy: Option<f64>,
    #[serde(flatten)]
    pub early_stopping: EarlyStoppingState,
    pub scheduler: LrScheduler,
    /// Batches of epoch `epoch + 1` already trained, when the checkpoint was saved inside an
    /// epoch (after some minutes, or at Ctrl-C); 0 at the end of an epoch.
    #[serde(default)]
    pub batches_done: usize,
    /// That epoch's training loss and accuracy so far.
    #[serde(default)]
    pub epoch_so_far: Option<EpochSoFar>,
}

/// The sums behind an epoch's training loss and accuracy, and its seconds, part way through.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct EpochSoFar {
    pub loss_sum: f64,
    pub correct: i64,
    pub seen: usize,
    pub steps_read: usize,
    pub seconds: f64,
}

impl TrainerState {
    /// The state before the first epoch.
    pub fn new(config: &TrainerConfig, plan: &EpochPlan) -> TrainerState {
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

    /// The state saved in `checkpoint` (its weights go into `vars`, its optimiser state into
    /// `optimizer`), said in one line.
    pub fn resumed(
        checkpoint: &Path,
        vars: &mut VarStore,
        optimizer: &mut Optimizer,
    ) -> Result<TrainerState> {
        let state = load_checkpoint(checkpoint, vars, optimizer)?;
        if state.batches_done == 0 {
            println!(
                "Resuming from {} after epoch {}",
                checkpoint.display(),
                state.epoch
            );
        } else {
            println!(
                "Resuming from {} in epoch {}, after batch {}",
                checkpoint.display(),
                state.epoch + 1,
                state.batches_done
            );
        }
        Ok(state)
    }

    /// Whether early stopping has seen `patience` epochs in a row without improvement.
    pub fn early_stopping_says_stop(&self, config: &TrainerConfig) -> bool {
        config
            .early_stopping
            .as_ref()
            .is_some_and(|early| self.epoch > 0 && self.early_stopping.says_stop(early))
    }
}

/// When, inside an epoch, the `last` checkpoint is saved: at a stop signal, or every
/// `checkpoint_minutes`.
pub(super) struct SaveInsideEpoch {
    pub epoch: usize,
    pub batches: usize,
    pub started: Instant,
    pub last_saved: Instant,
}

impl Trainer {
    /// After batch `index` (an optimiser step, not the epoch's last batch): saves the `last`
    /// checkpoint with the epoch's place and sums when a signal asked to stop (then returns
    /// [`Interrupted`]) or when the last save is `checkpoint_minutes` old.
    pub(super) fn checkpoint_inside_epoch(
        &self,
        index: usize,
        stop_requested: bool,
        saves: &mut SaveInsideEpoch,
        tally: &mut EpochTally,
        (vars, optimizer, state): (&VarStore, &Optimizer, &mut TrainerState),
    ) -> Result<()> {
        let due = self
            .config
            .checkpoint_minutes
            .is_some_and(|minutes| saves.last_saved.elapsed().as_secs_f64() >= minutes * 60.0);
        if !stop_requested && !due {
            return Ok(());
        }
        tally.add_waiting(saves.epoch)?;
        state.batches_done = index + 1;
        let seconds = tally.earlier_seconds + saves.started.elapsed().as_secs_f64();
        state.epoch_so_far = Some(tally.so_far(seconds));
        let checkpoint = self.save_last(vars, optimizer, state)?;
        state.batches_done = 0;
        state.epoch_so_far = None;
        saves.last_saved = Instant::now();
        if stop_requested {
            bail!(Interrupted {
                checkpoint,
                epoch: saves.epoch,
                batches_done: index + 1,
                batches: saves.batches,
            });
        }
        Ok(())
    }

    /// Saves the `last` checkpoint when the run writes files; returns its path.
    pub(super) fn save_last(
        &self,
        vars: &VarStore,
        optimizer: &Optimizer,
        state: &TrainerState,
    ) -> Result<Option<PathBuf>> {
        match self.checkpoint_path("last") {
            Some(path) => {
                save_checkpoint(&path, vars, optimizer, state)?;
                Ok(Some(path))
            }
            None => Ok(None),
        }
    }

    /// `checkpoints/<which>.safetensors` of the run, when this fit writes files.
    pub(super) fn checkpoint_path(&self, which: &str) -> Option<PathBuf> {
        self.run_writing_files()
            .map(|run| run.checkpoint_path(which))
    }
}

/// The name of the tensor that holds a checkpoint's [`TrainerState`] as JSON bytes.
const STATE_TENSOR: &str = "trainer/state_json";

/// Writes weights, optimiser state and trainer state into one `.safetensors` file, atomically.
pub(super) fn save_checkpoint(
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
