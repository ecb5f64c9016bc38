//! The learning-rate finder (Leslie Smith's range test, as Lightning's `lr_find`): train for a
//! few hundred steps while the learning rate grows exponentially from tiny to huge, record the
//! loss at each, and suggest the rate where the loss falls fastest. The model's weights are put
//! back afterwards, so the real run starts from the same place.

use super::model::{Dataset, Model};
use super::optimizer::Optimizer;
use super::trainer::labels_of;
use super::OptimizerConfig;
use crate::batching::Batcher;
use anyhow::{bail, Context, Result};
use tch::nn::VarStore;
use tch::Tensor;

/// How to sweep.
#[derive(Debug, Clone)]
pub struct LrFinder {
    pub min_lr: f64,
    pub max_lr: f64,
    pub steps: usize,
    pub batch_size: usize,
    pub seed: u64,
}

impl Default for LrFinder {
    fn default() -> Self {
        LrFinder {
            min_lr: 1e-6,
            max_lr: 1.0,
            steps: 200,
            batch_size: 32,
            seed: 123,
        }
    }
}

/// The sweep: the rate and the smoothed loss of every step, and the suggested rate.
#[derive(Debug, Clone)]
pub struct LrFinding {
    pub lrs: Vec<f64>,
    pub losses: Vec<f64>,
    pub suggestion: f64,
}

impl LrFinder {
    /// Runs the sweep with `optimizer`'s kind (its own learning rate is ignored).
    pub fn run<M, D>(
        &self,
        optimizer: &OptimizerConfig,
        model: &M,
        vars: &mut VarStore,
        data: &D,
    ) -> Result<LrFinding>
    where
        M: Model,
        D: Dataset<Input = M::Input>,
    {
        if !(self.min_lr > 0.0 && self.max_lr > self.min_lr && self.steps >= 10) {
            bail!("the learning-rate finder needs 0 < min_lr < max_lr and at least 10 steps");
        }
        let labels = data
            .labels()
            .context("the learning-rate finder needs labels")?;
        if data.is_empty() {
            bail!("the learning-rate finder needs data");
        }
        let saved = snapshot(vars);
        let mut optim = Optimizer::new(optimizer.clone(), vars);
        let rows: Vec<usize> = (0..data.len()).collect();
        let batcher = Batcher::new(self.batch_size).shuffle(self.seed);
        let growth = (self.max_lr / self.min_lr).powf(1.0 / (self.steps - 1) as f64);
        let (mut lrs, mut losses) = (Vec::new(), Vec::new());
        let (mut smoothed, mut best) = (0.0, f64::INFINITY);
        let device = vars.device();
        'sweep: for epoch in 0.. {
            for batch in batcher.epoch(&rows, epoch) {
                let step = lrs.len();
                if step == self.steps {
                    break 'sweep;
                }
                let lr = self.min_lr * growth.powi(step as i32);
                optim.set_lr(lr);
                let inputs = data.inputs(&batch, device)?;
                let targets = labels_of(labels, &batch, device);
                let loss = model.loss(&model.forward(&inputs, true), &targets);
                optim.zero_grad();
                loss.backward();
                optim.step();
                // An exponential moving average (bias-corrected) makes the curve readable.
                let value = loss.double_value(&[]);
                smoothed = 0.98 * smoothed + 0.02 * value;
                let corrected = smoothed / (1.0 - 0.98f64.powi(step as i32 + 1));
                lrs.push(lr);
                losses.push(corrected);
                best = best.min(corrected);
                if !corrected.is_finite() || corrected > 4.0 * best {
                    break 'sweep; // diverged: larger rates only get worse
                }
            }
        }
        restore(vars, &saved)?;
        let suggestion = steepest_descent(&lrs, &losses);
        Ok(LrFinding {
            lrs,
            losses,
            suggestion,
        })
    }
}

/// The rate where the loss falls fastest per unit of log(rate), looking only before the lowest
/// loss (beyond it the run is diverging) and measuring each slope across a window of steps
/// (neighbouring steps differ mostly by batch noise). A curve too short for a window gives a
/// tenth of the rate of its lowest loss. (Unit 4's exercise is checked against it.)
pub fn steepest_descent(lrs: &[f64], losses: &[f64]) -> f64 {
    let n = losses.len();
    let lowest = (0..n)
        .min_by(|&a, &b| losses[a].total_cmp(&losses[b]))
        .unwrap_or(0);
    let half_window = (n / 20).max(2);
    let slope = |i: usize| {
        let (a, b) = (i - half_window, i + half_window);
        (losses[b] - losses[a]) / (lrs[b].ln() - lrs[a].ln())
    };
    (half_window..lowest.min(n.saturating_sub(half_window)))
        .min_by(|&a, &b| slope(a).total_cmp(&slope(b)))
        .map_or(lrs.get(lowest).copied().unwrap_or(1e-3) / 10.0, |i| lrs[i])
}

fn snapshot(vars: &VarStore) -> Vec<(String, Tensor)> {
    let _no_grad = tch::no_grad_guard();
    vars.variables()
        .into_iter()
        .map(|(name, tensor)| (name, tensor.copy()))
        .collect()
}

fn restore(vars: &mut VarStore, saved: &[(String, Tensor)]) -> Result<()> {
    let _no_grad = tch::no_grad_guard();
    let mut variables = vars.variables();
    for (name, value) in saved {
        variables
            .get_mut(name)
            .with_context(|| format!("variable {name} vanished during the sweep"))?
            .copy_(value);
    }
    Ok(())
}
