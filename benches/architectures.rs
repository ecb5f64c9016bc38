//! Every architecture of the course at fixed shapes (issue #9): batches of 32, sequences of 256
//! and 512 ids where sequences apply, every review as long as the batch (no padding), so that
//! PyTorch gets exactly the same work. For each: an inference forward (no gradients) and a whole
//! training step (forward, cross-entropy, backward, the course's AdamW step), in float32 and
//! with its products in bfloat16 (`train_step_bf16`, `course_core::mixed_precision`). Unit 9's
//! prediction pass, MiniLM with 8-bit weights, has a forward of its own (`minilm_int8`).
//!
//! The models are the units' own (`unit3_trainer::model`, ...) with their reference settings;
//! word dropout is off (it is a regulariser, not part of the architecture, and PyTorch's side
//! would need its own copy of it). `benches/python/architectures.py` times the same models and
//! shapes in PyTorch, and `benches/python/compare.py` puts the two side by side.
//!
//! `cargo bench -p course-benches --bench architectures` (or `make bench-architectures`, which
//! also runs the Python side and the comparison).

use course_benches::models::{cases, minilm_int8, BATCH, LENGTHS};
use course_core::mixed_precision::with_bf16;
use course_core::training::{Optimizer, OptimizerConfig};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use std::time::Duration;
use tch::{Device, Kind, Tensor};

fn architectures(c: &mut Criterion) {
    tch::manual_seed(0);
    let mut group = c.benchmark_group("architectures");
    // Flat sampling: every sample runs the same number of steps, so a step that takes seconds
    // (MiniLM's training step) is run 10 times rather than criterion's 1 + 2 + ... + 10 = 55.
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(6));
    for (build, length) in cases(&LENGTHS) {
        let Some(case) = build(Device::Cpu) else {
            eprintln!("models/all-minilm-l6-v2 is missing (make models): MiniLM skipped");
            continue;
        };
        let parameter = length.map_or("-".to_string(), |l| l.to_string());
        let targets = Tensor::randint(2, [BATCH], (Kind::Int64, Device::Cpu));
        group.bench_function(
            BenchmarkId::new(format!("{}/forward", case.name), &parameter),
            |b| b.iter(|| tch::no_grad(|| (case.logits)(false))),
        );
        let mut optimizer = Optimizer::new(OptimizerConfig::adamw(case.lr), &case.vars);
        // The same step with the products in bfloat16 (`train_step_bf16`): what `--bf16 on`
        // trains with; faster only on a CPU that multiplies bfloat16 natively.
        for (step, bf16) in [("train_step", false), ("train_step_bf16", true)] {
            group.bench_function(
                BenchmarkId::new(format!("{}/{step}", case.name), &parameter),
                |b| {
                    b.iter(|| {
                        optimizer.zero_grad();
                        let logits = with_bf16(bf16, || (case.logits)(true));
                        let loss = logits
                            .to_kind(Kind::Float)
                            .cross_entropy_for_logits(&targets);
                        loss.backward();
                        optimizer.step();
                        loss
                    })
                },
            );
        }
    }
    group.finish();
}

/// Unit 9's prediction pass: MiniLM's forward with 8-bit linear maps, at the 512 tokens it
/// predicts from, beside `architectures/minilm/forward/512` (float32, above).
fn prediction_int8(c: &mut Criterion) {
    if unit9_pretrained::int8::fbgemm_answers().is_err() {
        eprintln!("fbgemm's 8-bit kernels do not answer here: minilm_int8 skipped");
        return;
    }
    tch::manual_seed(0);
    let Some(case) = minilm_int8(512) else {
        eprintln!("models/all-minilm-l6-v2 is missing (make models): MiniLM skipped");
        return;
    };
    let mut group = c.benchmark_group("architectures");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(6));
    group.bench_function(BenchmarkId::new("minilm_int8/forward", 512), |b| {
        b.iter(|| tch::no_grad(|| (case.logits)(false)))
    });
    group.finish();
}

/// This machine's ceiling: a 2,048 x 2,048 by 2,048 x 2,048 float product (17.2 GFLOP).
fn matmul_ceiling(c: &mut Criterion) {
    let a = Tensor::randn([2_048, 2_048], (Kind::Float, Device::Cpu));
    let b = Tensor::randn([2_048, 2_048], (Kind::Float, Device::Cpu));
    let mut group = c.benchmark_group("architectures");
    group.sample_size(10);
    group.bench_function("matmul_2048", |bench| bench.iter(|| a.matmul(&b)));
    group.finish();
}

criterion_group!(benches, matmul_ceiling, architectures, prediction_int8);
criterion_main!(benches);
