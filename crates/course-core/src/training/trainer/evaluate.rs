//! Evaluation and prediction: the model in evaluation mode (`train = false`), no gradients,
//! bigger batches sorted by length.

use super::report::Evaluation;
use super::tally::count_correct;
use super::Trainer;
use crate::training::model::{Dataset, Model};
use anyhow::{bail, Context, Result};
use tch::{Device, Kind, Tensor};

impl Trainer {
    /// Mean loss and accuracy over a labelled dataset.
    pub fn evaluate<M, D>(&self, model: &M, data: &D) -> Result<Evaluation>
    where
        M: Model,
        D: Dataset<Input = M::Input>,
    {
        let rows: Vec<usize> = (0..data.len()).collect();
        self.evaluate_rows(model, data, &rows, self.device())
    }

    pub(super) fn evaluate_rows<M, D>(
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
            let logits = self.forward(model, &data.inputs(&batch, device)?, false);
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
            let logits = self.forward(model, &data.inputs(&batch, device)?, false);
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

/// The labels of `rows` as a tensor on `device`.
pub(crate) fn labels_of(labels: &[i64], rows: &[usize], device: Device) -> Tensor {
    let picked: Vec<i64> = rows.iter().map(|&r| labels[r]).collect();
    crate::device::from_cpu(Tensor::from_slice(&picked), device)
}
