//! What the trainer needs from a model and from a dataset.

use anyhow::Result;
use tch::{Device, Tensor};

/// A classifier the [`Trainer`](super::Trainer) can train: implement `forward` once.
pub trait Model {
    /// What one batch of inputs looks like (a tensor of counts, a padded batch of ids, ...).
    type Input;

    /// Logits `[batch, classes]`. `train` is true during training (dropout on, batch norm
    /// updating its statistics) and false for validation and prediction.
    fn forward(&self, input: &Self::Input, train: bool) -> Tensor;

    /// The loss to minimise; cross-entropy over the logits unless overridden.
    fn loss(&self, logits: &Tensor, targets: &Tensor) -> Tensor {
        logits.cross_entropy_for_logits(targets)
    }
}

/// Rows the trainer can cut into batches.
pub trait Dataset {
    type Input;

    /// The number of rows.
    fn len(&self) -> usize;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The inputs of `rows`, on `device`.
    fn inputs(&self, rows: &[usize], device: Device) -> Result<Self::Input>;

    /// The class of every row, or `None` for unlabelled data (the test reviews).
    fn labels(&self) -> Option<&[i64]>;

    /// The length of every row, for length bucketing (`None`: all rows cost the same).
    fn lengths(&self) -> Option<Vec<usize>> {
        None
    }
}

/// Rows of a dense input tensor with their labels: toy problems, unit 1, tests.
pub struct TensorDataset {
    /// `[rows, features...]`, on the CPU.
    pub inputs: Tensor,
    pub labels: Option<Vec<i64>>,
}

impl Dataset for TensorDataset {
    type Input = Tensor;

    fn len(&self) -> usize {
        self.inputs.size()[0] as usize
    }

    fn inputs(&self, rows: &[usize], device: Device) -> Result<Tensor> {
        let index: Vec<i64> = rows.iter().map(|&r| r as i64).collect();
        let rows = self.inputs.index_select(0, &Tensor::from_slice(&index));
        Ok(crate::device::from_cpu(rows, device))
    }

    fn labels(&self) -> Option<&[i64]> {
        self.labels.as_deref()
    }
}
