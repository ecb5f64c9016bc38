//! Every architecture of the course at fixed shapes (issue #9): batches of 32, sequences of 256
//! and 512 ids where sequences apply, every review as long as the batch (no padding), so that
//! PyTorch gets exactly the same work. For each: an inference forward (no gradients) and a whole
//! training step (forward, cross-entropy, backward, the course's AdamW step).
//!
//! The models are the units' own (`unit3_trainer::model`, ...) with their reference settings;
//! word dropout is off (it is a regulariser, not part of the architecture, and PyTorch's side
//! would need its own copy of it). `benches/python/architectures.py` times the same models and
//! shapes in PyTorch, and `benches/python/compare.py` puts the two side by side.
//!
//! `cargo bench -p course-benches --bench architectures` (or `make bench-architectures`, which
//! also runs the Python side and the comparison).

use course_core::text::PaddedBatch;
use course_core::training::{Model, Optimizer, OptimizerConfig};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use std::time::Duration;
use tch::nn::VarStore;
use tch::{Device, Kind, Tensor};

const BATCH: i64 = 32;
const LENGTHS: [i64; 2] = [256, 512];
const VOCABULARY: i64 = 10_000;

/// One architecture with its input: `logits(train)` runs the model on it.
struct Case {
    name: String,
    vars: VarStore,
    logits: Box<dyn Fn(bool) -> Tensor>,
    lr: f64,
}

fn case<M>(name: &str, vars: VarStore, model: M, input: M::Input, lr: f64) -> Case
where
    M: Model + 'static,
    M::Input: 'static,
{
    Case {
        name: name.to_string(),
        vars,
        logits: Box::new(move |train| model.forward(&input, train)),
        lr,
    }
}

/// A batch of `length` random word ids per review, every position a real word.
fn full_batch(length: i64, first_id: i64, last_id: i64) -> PaddedBatch {
    PaddedBatch {
        ids: Tensor::randint_low(
            first_id,
            last_id,
            [BATCH, length],
            (Kind::Int64, Device::Cpu),
        ),
        mask: Tensor::ones([BATCH, length], (Kind::Bool, Device::Cpu)),
        lengths: Tensor::full([BATCH], length, (Kind::Int64, Device::Cpu)),
    }
}

/// Word counts of a bag of words, as units 2-4 feed them (dense).
fn counts(features: i64) -> Tensor {
    Tensor::randint(3, [BATCH, features], (Kind::Float, Device::Cpu))
}

fn bag_of_words() -> Case {
    let vars = VarStore::new(Device::Cpu);
    let model = unit3_trainer::model::BagOfWordsClassifier::new(&vars.root(), 10_000);
    case("bag_of_words_linear", vars, model, counts(10_000), 0.05)
}

/// The course's MLP of unit 4 (2,000 words -> 10 -> 2).
fn mlp() -> Case {
    let vars = VarStore::new(Device::Cpu);
    let config = unit4_optimization::configs::faithful(123);
    let model = unit4_optimization::model::Mlp::<unit4_optimization::Solution>::new(
        &vars.root(),
        config.max_features as i64,
        &config.mlp,
    );
    case("mlp", vars, model, counts(config.max_features as i64), 6e-4)
}

fn embedding_mean(length: i64) -> Case {
    let vars = VarStore::new(Device::Cpu);
    let mut config = unit5_embeddings::configs::tuned(123).model;
    config.word_dropout = 0.0;
    let model = unit5_embeddings::model::EmbeddingClassifier::<unit5_embeddings::Solution>::new(
        &vars.root(),
        &config,
    );
    case(
        "embedding_mean",
        vars,
        model,
        full_batch(length, 1, VOCABULARY),
        6e-4,
    )
}

fn text_cnn(length: i64) -> Case {
    let vars = VarStore::new(Device::Cpu);
    let mut config = unit6_cnn::configs::tuned(123).model;
    config.word_dropout = 0.0;
    let model = unit6_cnn::model::TextCnn::<unit6_cnn::Solution>::new(&vars.root(), &config);
    case(
        "text_cnn",
        vars,
        model,
        full_batch(length, 1, VOCABULARY),
        6e-4,
    )
}

fn bilstm(length: i64) -> Case {
    let vars = VarStore::new(Device::Cpu);
    let mut config = unit7_rnn::configs::tuned(123).model;
    config.word_dropout = 0.0;
    let model = unit7_rnn::model::RnnClassifier::<unit7_rnn::Solution>::new(&vars.root(), &config);
    case(
        "bilstm",
        vars,
        model,
        full_batch(length, 1, VOCABULARY),
        1e-3,
    )
}

/// Unit 8's encoder: the course's (feed-forward 2,048) or the small one (256).
fn transformer(length: i64, feed_forward: i64) -> Case {
    let vars = VarStore::new(Device::Cpu);
    let mut config = unit8_transformers::configs::tuned(123).model;
    config.word_dropout = 0.0;
    config.feed_forward = feed_forward;
    let model =
        unit8_transformers::model::TransformerClassifier::<unit8_transformers::Solution>::new(
            &vars.root(),
            &config,
        );
    let name = format!("transformer_ff{feed_forward}");
    case(&name, vars, model, full_batch(length, 1, VOCABULARY), 6e-4)
}

/// all-MiniLM-L6-v2's shape (6 layers, 384 wide) from its config.json, random weights: the time
/// does not depend on the weights. `None` when `make models` has not fetched it.
fn minilm(length: i64) -> Option<Case> {
    use unit9_pretrained::model::{Family, Pooling, PretrainedClassifier, TokenBatch};
    let folder = course_core::workspace_root().join("models/all-minilm-l6-v2");
    let config = std::fs::read_to_string(folder.join("config.json")).ok()?;
    let config: serde_json::Value = serde_json::from_str(&config).ok()?;
    let vars = VarStore::new(Device::Cpu);
    let model = PretrainedClassifier::new(&vars.root(), Family::Bert, &config, Pooling::Mean)
        .expect("MiniLM's config.json describes a BERT");
    let batch = full_batch(length, 1_000, 30_000);
    let input = TokenBatch {
        ids: batch.ids,
        mask: batch.mask.to_kind(Kind::Int64),
    };
    Some(case("minilm", vars, model, input, 5e-5))
}

/// A case to build when its turn comes (one model in memory at a time), and its length.
type Builder = (Box<dyn Fn() -> Option<Case>>, Option<i64>);

/// Every case: the bag-of-words models once, the sequence models at each length.
fn cases() -> Vec<Builder> {
    let mut cases: Vec<Builder> = vec![
        (Box::new(|| Some(bag_of_words())), None),
        (Box::new(|| Some(mlp())), None),
    ];
    for length in LENGTHS {
        let sequence_models: [fn(i64) -> Case; 5] = [
            embedding_mean,
            text_cnn,
            bilstm,
            |length| transformer(length, 2_048),
            |length| transformer(length, 256),
        ];
        for build in sequence_models {
            cases.push((Box::new(move || Some(build(length))), Some(length)));
        }
        cases.push((Box::new(move || minilm(length)), Some(length)));
    }
    cases
}

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
    for (build, length) in cases() {
        let Some(case) = build() else {
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
        group.bench_function(
            BenchmarkId::new(format!("{}/train_step", case.name), &parameter),
            |b| {
                b.iter(|| {
                    optimizer.zero_grad();
                    let loss = (case.logits)(true).cross_entropy_for_logits(&targets);
                    loss.backward();
                    optimizer.step();
                    loss
                })
            },
        );
    }
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

criterion_group!(benches, matmul_ceiling, architectures);
criterion_main!(benches);
