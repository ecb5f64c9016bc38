//! What the Trainer costs: the same MLP trained for the same 256 steps (plus one validation
//! pass) by the course's Trainer and by a bare tch loop, side by side. Goal: at most 5 % more.
//! Then one AdamW step over 22.7 million numbers (MiniLM's size, unit 9), by the course's
//! optimiser and by libtorch's own (`tch::nn::AdamW`).

use course_core::training::{
    DeviceChoice, Model, OptimizerConfig, TensorDataset, Trainer, TrainerConfig,
};
use criterion::{criterion_group, criterion_main, Criterion};
use tch::nn::{self, Module, OptimizerConfig as _};
use tch::{Device, Kind, Tensor};

const TRAIN_ROWS: i64 = 8192;
const FEATURES: i64 = 256;
const BATCH: usize = 32;

#[derive(Debug)]
struct Mlp {
    hidden: nn::Linear,
    out: nn::Linear,
}

impl Mlp {
    fn new(vars: &nn::VarStore) -> Mlp {
        Mlp {
            hidden: nn::linear(vars.root() / "hidden", FEATURES, 64, Default::default()),
            out: nn::linear(vars.root() / "out", 64, 2, Default::default()),
        }
    }
}

impl Module for Mlp {
    fn forward(&self, xs: &Tensor) -> Tensor {
        xs.apply(&self.hidden).relu().apply(&self.out)
    }
}

impl Model for Mlp {
    type Input = Tensor;
    fn forward(&self, input: &Tensor, _train: bool) -> Tensor {
        Module::forward(self, input)
    }
}

fn data(rows: i64, seed: i64) -> (Tensor, Tensor) {
    tch::manual_seed(seed);
    let inputs = Tensor::randn([rows, FEATURES], (Kind::Float, Device::Cpu));
    let labels = inputs
        .sum_dim_intlist(-1, false, Kind::Float)
        .gt(0.0)
        .to_kind(Kind::Int64);
    (inputs, labels)
}

fn bare_loop(train: &(Tensor, Tensor), validation: &(Tensor, Tensor)) -> f64 {
    let vars = nn::VarStore::new(Device::Cpu);
    let model = Mlp::new(&vars);
    let mut optimizer = nn::Sgd::default().build(&vars, 0.05).unwrap();
    let order = Tensor::randperm(TRAIN_ROWS, (Kind::Int64, Device::Cpu));
    for batch in order.split(BATCH as i64, 0) {
        let inputs = train.0.index_select(0, &batch);
        let targets = train.1.index_select(0, &batch);
        let loss = Module::forward(&model, &inputs).cross_entropy_for_logits(&targets);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
    }
    let _no_grad = tch::no_grad_guard();
    let predicted = Module::forward(&model, &validation.0).argmax(-1, false);
    predicted
        .eq_tensor(&validation.1)
        .to_kind(Kind::Float)
        .mean(Kind::Float)
        .double_value(&[])
}

fn with_trainer(train: &TensorDataset, validation: &TensorDataset) -> f64 {
    let mut vars = nn::VarStore::new(Device::Cpu);
    let model = Mlp::new(&vars);
    let config = TrainerConfig {
        epochs: 1,
        batch_size: BATCH,
        optimizer: OptimizerConfig::sgd(0.05),
        device: DeviceChoice::Cpu,
        progress: false,
        ..TrainerConfig::default()
    };
    let report = Trainer::new(config)
        .fit(&model, &mut vars, train, validation)
        .unwrap();
    report
        .best_validation_accuracy
        .expect("every epoch is validated by default")
}

fn trainer_overhead(c: &mut Criterion) {
    let (train, validation) = (data(TRAIN_ROWS, 1), data(1024, 2));
    let as_dataset = |(inputs, labels): &(Tensor, Tensor)| TensorDataset {
        inputs: inputs.shallow_clone(),
        labels: Some(Vec::<i64>::try_from(labels).unwrap()),
    };
    let (train_set, validation_set) = (as_dataset(&train), as_dataset(&validation));
    // Both must actually learn (chance is 0.5), or the comparison means nothing.
    let (bare, trained) = (
        bare_loop(&train, &validation),
        with_trainer(&train_set, &validation_set),
    );
    eprintln!("validation accuracy after one epoch: bare loop {bare:.3}, trainer {trained:.3}");
    assert!(
        bare > 0.75 && trained > 0.75,
        "bare {bare}, trainer {trained}"
    );

    // This machine's speed drifts over seconds (shared cores), which skews two benchmarks run
    // one after the other. Alternating the two, round by round, compares them under the same
    // conditions: the median of the per-round ratios is the overhead.
    let mut ratios: Vec<f64> = (0..21)
        .map(|_| {
            let started = std::time::Instant::now();
            bare_loop(&train, &validation);
            let bare = started.elapsed().as_secs_f64();
            let started = std::time::Instant::now();
            with_trainer(&train_set, &validation_set);
            started.elapsed().as_secs_f64() / bare
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    eprintln!(
        "trainer / bare loop, alternating rounds: median {:.3}, quartiles {:.3}-{:.3}",
        ratios[10], ratios[5], ratios[15]
    );

    let mut group = c.benchmark_group("trainer_overhead");
    group.sample_size(30);
    group.bench_function("bare_tch_loop_256_steps", |b| {
        b.iter(|| bare_loop(&train, &validation))
    });
    group.bench_function("trainer_256_steps", |b| {
        b.iter(|| with_trainer(&train_set, &validation_set))
    });
    group.finish();
}

/// One AdamW step over `NUMBERS` parameters in 12 tensors, the gradients already there.
fn adamw_step(c: &mut Criterion) {
    const NUMBERS: i64 = 22_700_000;
    let with_gradients = || {
        let vars = nn::VarStore::new(Device::Cpu);
        for part in 0..12 {
            let weight = vars
                .root()
                .randn(&format!("w{part}"), &[NUMBERS / 12], 0.0, 1.0);
            let gradient = Tensor::randn([NUMBERS / 12], (Kind::Float, Device::Cpu)) * 1e-3;
            (&weight * gradient).sum(Kind::Float).backward();
        }
        vars
    };
    let (lr, beta1, beta2, eps, weight_decay) = (1e-3, 0.9, 0.999, 1e-8, 0.01);
    let ours = with_gradients();
    let mut course = course_core::training::optimizer::Optimizer::new(
        OptimizerConfig::AdamW {
            lr,
            beta1,
            beta2,
            eps,
            weight_decay,
        },
        &ours,
    );
    let theirs = with_gradients();
    let mut libtorch = nn::AdamW {
        beta1,
        beta2,
        wd: weight_decay,
        eps,
        amsgrad: false,
    }
    .build(&theirs, lr)
    .unwrap();

    let mut group = c.benchmark_group("optimizer");
    group.sample_size(20);
    group.bench_function("adamw_step_22_7m_course", |b| b.iter(|| course.step()));
    group.bench_function("adamw_step_22_7m_libtorch", |b| b.iter(|| libtorch.step()));
    group.finish();
}

criterion_group!(benches, trainer_overhead, adamw_step);
criterion_main!(benches);
