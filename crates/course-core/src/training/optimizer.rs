//! SGD (with momentum), Adam and AdamW, written out so their update rules can be read, and their
//! state (momentum buffers, moment estimates, step count) can go into a checkpoint: resuming a
//! run then continues exactly where it stopped.
//!
//! The updates follow PyTorch's `torch.optim.SGD`, `Adam` and `AdamW`.

use super::config::OptimizerConfig;
use anyhow::{bail, Result};
use tch::nn::VarStore;
use tch::Tensor;

/// One trainable tensor and the optimiser's memory about it.
struct Slot {
    name: String,
    param: Tensor,
    /// SGD: momentum buffer. Adam/AdamW: first moment (mean of gradients).
    first: Option<Tensor>,
    /// Adam/AdamW: second moment (mean of squared gradients).
    second: Option<Tensor>,
}

impl Slot {
    /// The parameter's gradient, `None` when no backward pass has made one since the last
    /// `zero_grad` (which removes gradients rather than filling them with zeros).
    fn gradient(&self) -> Option<Tensor> {
        let grad = self.param.grad();
        grad.defined().then_some(grad)
    }
}

pub struct Optimizer {
    config: OptimizerConfig,
    /// libtorch's own SGD over the same parameters. It clears gradients (see
    /// [`Optimizer::zero_grad`]) and does the plain SGD update (see [`Optimizer::step`]).
    libtorch: tch::nn::Optimizer,
    /// The learning rate `libtorch` holds, so it is only told when the schedule changes it.
    libtorch_lr: f64,
    slots: Vec<Slot>,
    /// Updates done so far (Adam's bias correction needs it).
    steps: i64,
    lr: f64,
}

impl Optimizer {
    /// An optimiser for every trainable variable of `vars`, in name order.
    pub fn new(config: OptimizerConfig, vars: &VarStore) -> Optimizer {
        let mut named: Vec<(String, Tensor)> = vars
            .variables()
            .into_iter()
            .filter(|(_, t)| t.requires_grad())
            .collect();
        named.sort_by(|a, b| a.0.cmp(&b.0));
        let slots = named
            .into_iter()
            .map(|(name, param)| Slot {
                name,
                param,
                first: None,
                second: None,
            })
            .collect();
        let lr = config.lr();
        let weight_decay = match config {
            OptimizerConfig::Sgd { weight_decay, .. } => weight_decay,
            _ => 0.0,
        };
        let sgd = tch::nn::Sgd {
            wd: weight_decay,
            ..Default::default()
        };
        let libtorch = tch::nn::OptimizerConfig::build(sgd, vars, lr)
            .expect("libtorch can always build an SGD optimiser");
        Optimizer {
            libtorch,
            libtorch_lr: lr,
            config,
            slots,
            steps: 0,
            lr,
        }
    }

    pub fn lr(&self) -> f64 {
        self.lr
    }

    /// Sets the learning rate (schedules call this).
    pub fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }

    /// Clears the gradients before the next backward pass (they accumulate otherwise).
    pub fn zero_grad(&mut self) {
        // Like PyTorch's `zero_grad(set_to_none=True)`: the gradients are removed, so the next
        // backward pass writes fresh ones instead of adding to zeros. libtorch's own optimiser
        // object does this in one call.
        self.libtorch.zero_grad();
    }

    /// Rescales all gradients so that their global L2 norm is at most `max_norm`; returns the
    /// norm before clipping.
    pub fn clip_grad_norm(&mut self, max_norm: f64) -> f64 {
        let _guard = tch::no_grad_guard();
        let grads: Vec<Tensor> = self.slots.iter().filter_map(Slot::gradient).collect();
        if grads.is_empty() {
            return 0.0;
        }
        let norms: Vec<Tensor> = grads.iter().map(|g| g.norm().unsqueeze(0)).collect();
        let total = Tensor::cat(&norms, 0).norm().double_value(&[]);
        if total > max_norm {
            let scale = max_norm / (total + 1e-6);
            for mut g in grads {
                let _ = g.g_mul_scalar_(scale);
            }
        }
        total
    }

    /// One update of every parameter that has a gradient.
    pub fn step(&mut self) {
        self.steps += 1;
        if matches!(self.config, OptimizerConfig::Sgd { momentum, .. } if momentum == 0.0) {
            self.plain_sgd_step(); // libtorch turns gradients off inside its own step
            return;
        }
        let _guard = tch::no_grad_guard();
        let (lr, t) = (self.lr, self.steps as f64);
        for slot in &mut self.slots {
            let Some(grad) = slot.gradient() else {
                continue;
            };
            let Slot {
                param,
                first,
                second,
                ..
            } = slot;
            match self.config {
                OptimizerConfig::Sgd {
                    momentum,
                    weight_decay,
                    ..
                } => {
                    let mut g = grad.shallow_clone();
                    if weight_decay != 0.0 {
                        g = &g + &*param * weight_decay;
                    }
                    if momentum != 0.0 {
                        // buffer = momentum * buffer + g   (PyTorch starts the buffer at g)
                        let buffer = match first.take() {
                            None => g.copy(),
                            Some(mut b) => {
                                let _ = b.g_mul_scalar_(momentum).g_add_(&g);
                                b
                            }
                        };
                        g = buffer.shallow_clone();
                        *first = Some(buffer);
                    }
                    let _ = param.g_sub_(&(g * lr));
                }
                OptimizerConfig::Adam {
                    beta1,
                    beta2,
                    eps,
                    weight_decay,
                    ..
                }
                | OptimizerConfig::AdamW {
                    beta1,
                    beta2,
                    eps,
                    weight_decay,
                    ..
                } => {
                    let decoupled = matches!(self.config, OptimizerConfig::AdamW { .. });
                    let mut g = grad.shallow_clone();
                    if weight_decay != 0.0 {
                        if decoupled {
                            // AdamW: shrink the weights directly, apart from the gradient.
                            let _ = param.g_mul_scalar_(1.0 - lr * weight_decay);
                        } else {
                            g = &g + &*param * weight_decay;
                        }
                    }
                    let m = first.get_or_insert_with(|| param.zeros_like());
                    let v = second.get_or_insert_with(|| param.zeros_like());
                    // m = beta1 * m + (1 - beta1) * g     (m moves 1 - beta1 of the way to g)
                    // v = beta2 * v + (1 - beta2) * g^2
                    let _ = m.lerp_(&g, 1.0 - beta1);
                    let _ = v.lerp_(&g.square(), 1.0 - beta2);
                    // Bias correction (early on m and v lean towards their zero start):
                    //   w -= lr * m_hat / (sqrt(v_hat) + eps),  m_hat = m / (1 - beta1^t),
                    //   v_hat = v / (1 - beta2^t).
                    // Written as few whole-tensor passes as possible: on MiniLM's 22.7 million
                    // numbers each pass costs milliseconds, and a step used to make 34.
                    let (correction1, correction2) = (1.0 - beta1.powf(t), 1.0 - beta2.powf(t));
                    let mut denominator = v.sqrt();
                    let _ = denominator
                        .g_div_scalar_(correction2.sqrt())
                        .g_add_scalar_(eps)
                        .g_mul_scalar_(-correction1 / lr);
                    // w += m / denominator, the denominator carrying -lr / (1 - beta1^t).
                    let _ = param.addcdiv_(&*m, &denominator);
                }
            }
        }
    }

    /// SGD without momentum, `w = w - lr * (g + weight_decay * w)`, keeps no state, so libtorch's
    /// own SGD can do it: one call for all parameters instead of several per parameter from Rust,
    /// which is most of an optimiser step's cost on small models.
    fn plain_sgd_step(&mut self) {
        if self.libtorch_lr != self.lr {
            self.libtorch.set_lr(self.lr);
            self.libtorch_lr = self.lr;
        }
        self.libtorch.step();
    }

    /// The optimiser's state as named tensors, for a checkpoint.
    pub fn state_tensors(&self) -> Vec<(String, Tensor)> {
        let mut out = vec![("optim/steps".to_string(), Tensor::from(self.steps))];
        for slot in &self.slots {
            if let Some(first) = &slot.first {
                out.push((format!("optim/first/{}", slot.name), first.shallow_clone()));
            }
            if let Some(second) = &slot.second {
                out.push((
                    format!("optim/second/{}", slot.name),
                    second.shallow_clone(),
                ));
            }
        }
        out
    }

    /// Restores the state saved by [`Optimizer::state_tensors`].
    pub fn load_state(&mut self, tensors: &[(String, Tensor)]) -> Result<()> {
        let find = |name: &str| tensors.iter().find(|(n, _)| n == name).map(|(_, t)| t);
        let Some(steps) = find("optim/steps") else {
            bail!("the checkpoint holds no optimiser state (optim/steps)");
        };
        self.steps = steps.int64_value(&[]);
        for slot in &mut self.slots {
            let device = slot.param.device();
            slot.first = find(&format!("optim/first/{}", slot.name)).map(|t| t.to_device(device));
            slot.second = find(&format!("optim/second/{}", slot.name)).map(|t| t.to_device(device));
        }
        Ok(())
    }

    /// The number of updates done.
    pub fn steps(&self) -> i64 {
        self.steps
    }
}
