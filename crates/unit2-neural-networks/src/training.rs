//! The training loop, written by hand as in the course's unit 2 (unit 3 replaces it with the
//! Trainer). Every epoch: the learner's [`Answers::train_epoch`] (shuffled mini-batches, one
//! training step each: [`Answers::training_step`]); then accuracy on the validation split
//! ([`Answers::accuracy`]).

use crate::{Answers, EpochShuffle};
use anyhow::{bail, Context, Result};
use course_core::prepared::CountsDataset;
use course_core::text::SparseCounts;
use tch::nn::{self, Module, OptimizerConfig};
use tch::{Device, Tensor};

/// What the loop needs to know.
#[derive(Debug, Clone)]
pub struct LoopConfig {
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
    pub seed: u64,
}

impl Default for LoopConfig {
    /// The course's unit 2: SGD with learning rate 0.05, batches of 32, 10 epochs.
    fn default() -> Self {
        LoopConfig {
            epochs: 10,
            batch_size: 32,
            learning_rate: 0.05,
            seed: 123,
        }
    }
}

/// The metrics of one epoch.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochMetrics {
    pub epoch: usize,
    pub train_loss: f64,
    pub train_accuracy: f64,
    pub validation_accuracy: f64,
}

/// Trains `model` (whose weights live in `vars`) with plain SGD, calling `on_epoch` after
/// every epoch. Returns the metrics of every epoch.
pub fn train<A: Answers>(
    model: &impl Module,
    vars: &nn::VarStore,
    train: &CountsDataset,
    validation: &CountsDataset,
    config: &LoopConfig,
    mut on_epoch: impl FnMut(&EpochMetrics),
) -> Result<Vec<EpochMetrics>> {
    let train_counts = &train.counts;
    let train_labels = train
        .labels
        .as_deref()
        .context("the training data has no labels")?;
    let validation_labels = validation
        .labels
        .as_deref()
        .context("the validation data has no labels")?;
    if train_counts.len() != train_labels.len() {
        bail!(
            "{} training rows but {} labels",
            train_counts.len(),
            train_labels.len()
        );
    }
    let device = vars.device();
    let mut optimizer = nn::Sgd::default().build(vars, config.learning_rate)?;
    // The rows were checked above, so making a batch of them cannot fail on their account.
    let batch_of = |rows: &[usize]| {
        let inputs = train_counts
            .dense_batch(rows, device)
            .expect("rows checked against the training data");
        (inputs, labels_tensor(train_labels, rows, device))
    };

    let mut history = Vec::with_capacity(config.epochs);
    for epoch in 1..=config.epochs {
        let shuffle = EpochShuffle {
            batch_size: config.batch_size,
            seed: config.seed,
            epoch,
        };
        let (train_loss, train_accuracy) = A::train_epoch(
            model,
            &mut optimizer,
            train_counts.len(),
            &batch_of,
            shuffle,
        );
        let metrics = EpochMetrics {
            epoch,
            train_loss,
            train_accuracy,
            validation_accuracy: accuracy::<A>(
                model,
                &validation.counts,
                validation_labels,
                device,
            )?,
        };
        on_epoch(&metrics);
        history.push(metrics);
    }
    Ok(history)
}

/// The fraction of `counts` rows whose predicted class equals the label, counted by the
/// learner's [`Answers::accuracy`] over batches of 512 rows.
pub fn accuracy<A: Answers>(
    model: &impl Module,
    counts: &SparseCounts,
    labels: &[i64],
    device: Device,
) -> Result<f64> {
    if counts.len() != labels.len() {
        bail!("{} rows but {} labels", counts.len(), labels.len());
    }
    let rows: Vec<usize> = (0..counts.len()).collect();
    // Batches are made as the learner's loop asks for them: all 5,000 validation rows as
    // dense 10,000-word vectors at once would take 200 MB.
    let mut failure = None;
    let mut batches = rows
        .chunks(512)
        .map_while(|batch| match counts.dense_batch(batch, device) {
            Ok(inputs) => Some((inputs, labels_tensor(labels, batch, device))),
            Err(error) => {
                failure = Some(error);
                None
            }
        });
    let accuracy = A::accuracy(model, &mut batches);
    drop(batches);
    match failure {
        Some(error) => Err(error),
        None => Ok(accuracy),
    }
}

/// The predicted class (0 or 1) of every row, computed in batches without gradients.
pub fn predict(model: &impl Module, counts: &SparseCounts, device: Device) -> Result<Vec<u8>> {
    let _no_grad = tch::no_grad_guard();
    let rows: Vec<usize> = (0..counts.len()).collect();
    let mut predictions = Vec::with_capacity(counts.len());
    for batch in rows.chunks(512) {
        let classes = model
            .forward(&counts.dense_batch(batch, device)?)
            .argmax(-1, false);
        predictions.extend(
            Vec::<i64>::try_from(classes.to_device(Device::Cpu))?
                .into_iter()
                .map(|c| c as u8),
        );
    }
    Ok(predictions)
}

fn labels_tensor(labels: &[i64], rows: &[usize], device: Device) -> Tensor {
    let picked: Vec<i64> = rows.iter().map(|&i| labels[i]).collect();
    Tensor::from_slice(&picked).to_device(device)
}
