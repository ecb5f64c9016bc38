//! Our SGD, Adam and AdamW take the same steps as libtorch's own optimisers.

use course_core::training::{Optimizer, OptimizerConfig};
use tch::nn::{self, Module, VarStore};
use tch::{Device, Kind, Tensor};

/// Trains `Linear(6, 3)` for 8 steps with one of ours and with libtorch's, from the same
/// start, and returns the largest weight difference.
fn largest_difference(ours: OptimizerConfig, theirs: impl nn::OptimizerConfig) -> f64 {
    let _serial = course_core::device::exclusive_torch_rng();
    tch::manual_seed(1);
    let inputs = Tensor::randn([32, 6], (Kind::Float, Device::Cpu));
    let targets = Tensor::randint(3, [32], (Kind::Int64, Device::Cpu));

    let build = |vars: &VarStore| {
        tch::manual_seed(2);
        nn::linear(vars.root() / "layer", 6, 3, Default::default())
    };
    let (vars_a, vars_b) = (VarStore::new(Device::Cpu), VarStore::new(Device::Cpu));
    let (layer_a, layer_b) = (build(&vars_a), build(&vars_b));
    let mut optimizer_a = Optimizer::new(ours, &vars_a);
    let mut optimizer_b = theirs.build(&vars_b, 0.05).unwrap();
    for _ in 0..8 {
        optimizer_a.zero_grad();
        layer_a
            .forward(&inputs)
            .cross_entropy_for_logits(&targets)
            .backward();
        optimizer_a.step();
        optimizer_b.zero_grad();
        layer_b
            .forward(&inputs)
            .cross_entropy_for_logits(&targets)
            .backward();
        optimizer_b.step();
    }
    let difference = (&layer_a.ws - &layer_b.ws).abs().max().double_value(&[]);
    let moved = (&layer_a.ws - &build(&VarStore::new(Device::Cpu)).ws)
        .abs()
        .max()
        .double_value(&[]);
    assert!(moved > 1e-3, "the weights must have moved ({moved})");
    difference
}

#[test]
fn sgd_with_momentum_and_weight_decay_matches_libtorch() {
    let ours = OptimizerConfig::Sgd {
        lr: 0.05,
        momentum: 0.9,
        weight_decay: 0.01,
    };
    let theirs = nn::Sgd {
        momentum: 0.9,
        dampening: 0.0,
        wd: 0.01,
        nesterov: false,
    };
    assert!(largest_difference(ours, theirs) < 1e-6);
}

#[test]
fn adam_matches_libtorch() {
    let ours = OptimizerConfig::Adam {
        lr: 0.05,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weight_decay: 0.01,
    };
    let theirs = nn::Adam {
        beta1: 0.9,
        beta2: 0.999,
        wd: 0.01,
        eps: 1e-8,
        amsgrad: false,
    };
    assert!(largest_difference(ours, theirs) < 1e-5);
}

#[test]
fn adamw_matches_libtorch() {
    let ours = OptimizerConfig::AdamW {
        lr: 0.05,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weight_decay: 0.1,
    };
    let theirs = nn::AdamW {
        beta1: 0.9,
        beta2: 0.999,
        wd: 0.1,
        eps: 1e-8,
        amsgrad: false,
    };
    assert!(largest_difference(ours, theirs) < 1e-5);
}

#[test]
fn clipping_bounds_the_gradient_norm() {
    let vars = VarStore::new(Device::Cpu);
    let layer = nn::linear(vars.root(), 4, 2, Default::default());
    let mut optimizer = Optimizer::new(OptimizerConfig::sgd(0.1), &vars);
    (layer.forward(&Tensor::ones([8, 4], (Kind::Float, Device::Cpu))) * 1000.0)
        .sum(Kind::Float)
        .backward();
    let before = optimizer.clip_grad_norm(1.0);
    assert!(before > 1.0);
    let after: f64 = vars
        .trainable_variables()
        .iter()
        .map(|v| v.grad().square().sum(Kind::Float).double_value(&[]))
        .sum::<f64>()
        .sqrt();
    assert!((after - 1.0).abs() < 1e-3, "norm after clipping: {after}");
}
