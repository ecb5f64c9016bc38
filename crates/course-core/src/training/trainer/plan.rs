//! Which batches each epoch trains on, in which order, and the seed of each step.

use crate::batching::Batcher;
use crate::training::config::TrainerConfig;
use crate::training::model::Dataset;
use anyhow::{bail, ensure, Result};

/// The seed of one training step: (seed, epoch, batch) -> a number no other step of the run
/// gets. Dropout masks depend only on it, so a run continued from any step draws what the
/// uninterrupted run drew.
pub(super) fn step_seed(seed: u64, epoch: usize, batch: usize) -> i64 {
    seed.wrapping_add((epoch as u64) << 32)
        .wrapping_add(batch as u64) as i64
}

/// Which batches each epoch trains on, and how many epochs and optimiser steps there are.
pub(super) struct EpochPlan {
    pub epochs: usize,
    pub steps_per_epoch: usize,
    batcher: Batcher,
    train_rows: Vec<usize>,
    /// The debugging aids' fixed batches (`fast_dev_run`, `overfit_batches`), the same every
    /// epoch; `None`: every row, shuffled per epoch.
    pub fixed_batches: Option<Vec<Vec<usize>>>,
}

impl EpochPlan {
    pub fn new<D: Dataset>(config: &TrainerConfig, train: &D) -> Result<EpochPlan> {
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
    pub fn batches(&self, epoch: usize) -> Vec<Vec<usize>> {
        match &self.fixed_batches {
            Some(batches) => batches.clone(),
            None => self.batcher.epoch(&self.train_rows, epoch as u64).collect(),
        }
    }
}
