//! The optimisers' state and settings for tasks 4 and 5, where you write one step of SGD with
//! momentum and of Adam / AdamW by hand. With `g` the gradient, `p` the parameter, `t` the step
//! (from 1) and `lr` the learning rate:
//!
//! ```text
//! SGD with momentum:  v = momentum * v + g             p = p - lr * v
//! Adam:               g = g + weight_decay * p         (an L2 penalty, when weight_decay > 0)
//!                     m = beta1 * m + (1 - beta1) * g
//!                     s = beta2 * s + (1 - beta2) * g^2
//!                     m_hat = m / (1 - beta1^t)        s_hat = s / (1 - beta2^t)
//!                     p = p - lr * m_hat / (sqrt(s_hat) + eps)
//! AdamW:              p = p * (1 - lr * weight_decay)  (decoupled: the weights shrink directly,
//!                     then the Adam step without the   the gradient never sees the decay)
//!                     penalty
//! ```
//!
//! Both start from zeros: `v`, `m` and `s` have the parameter's shape.

use tch::Tensor;

/// What Adam carries from step to step for one parameter.
#[derive(Debug)]
pub struct AdamState {
    /// Steps taken so far (0 before the first).
    pub steps: i64,
    /// The running mean of the gradients, `m`.
    pub mean: Tensor,
    /// The running mean of the squared gradients, `s`.
    pub mean_square: Tensor,
}

impl AdamState {
    /// The state before the first step of a parameter shaped like `param`.
    pub fn new(param: &Tensor) -> AdamState {
        AdamState {
            steps: 0,
            mean: param.zeros_like(),
            mean_square: param.zeros_like(),
        }
    }
}

/// Adam's settings; `decoupled` makes it AdamW.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdamSettings {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    pub weight_decay: f64,
    /// AdamW: the weight decay shrinks the weights directly instead of joining the gradient.
    pub decoupled: bool,
}
