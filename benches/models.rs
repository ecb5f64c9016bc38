//! Every architecture of the course at fixed shapes, shared by the `architectures` benchmark
//! and the GPU check (`gpu-check`): batches of 32, sequences of 256 and 512 ids where sequences
//! apply, every review as long as the batch (no padding). The models are the units' own
//! (`unit3_trainer::model`, ...) with their tuned settings; word dropout is off (a regulariser,
//! not part of the architecture).

use course_core::text::PaddedBatch;
use course_core::training::Model;
use tch::nn::VarStore;
use tch::{Device, Kind, Tensor};

/// Reviews per batch.
pub const BATCH: i64 = 32;
/// The sequence lengths the benchmark times.
pub const LENGTHS: [i64; 2] = [256, 512];
const VOCABULARY: i64 = 10_000;

/// One architecture with its input: `logits(train)` runs the model on it.
pub struct Case {
    pub name: String,
    pub vars: VarStore,
    pub logits: Box<dyn Fn(bool) -> Tensor>,
    pub lr: f64,
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

/// The inputs are drawn on the CPU from a seed of their own, then moved: the same batch on
/// every device, whatever the weights' initialisation drew before.
fn input_seed() {
    tch::manual_seed(7);
}

/// A batch of `length` random word ids per review, every position a real word.
fn full_batch(length: i64, first_id: i64, last_id: i64, device: Device) -> PaddedBatch {
    input_seed();
    let cpu = (Kind::Int64, Device::Cpu);
    PaddedBatch {
        ids: Tensor::randint_low(first_id, last_id, [BATCH, length], cpu).to_device(device),
        mask: Tensor::ones([BATCH, length], (Kind::Bool, device)),
        lengths: Tensor::full([BATCH], length, (Kind::Int64, device)),
    }
}

/// Word counts of a bag of words, as units 2-4 feed them (dense).
fn counts(features: i64, device: Device) -> Tensor {
    input_seed();
    Tensor::randint(3, [BATCH, features], (Kind::Float, Device::Cpu)).to_device(device)
}

fn bag_of_words(device: Device) -> Case {
    let vars = VarStore::new(device);
    let model = unit3_trainer::model::BagOfWordsClassifier::new(&vars.root(), 10_000);
    case(
        "bag_of_words_linear",
        vars,
        model,
        counts(10_000, device),
        0.05,
    )
}

/// The course's MLP of unit 4 (2,000 words -> 10 -> 2).
fn mlp(device: Device) -> Case {
    let vars = VarStore::new(device);
    let config = unit4_optimization::configs::faithful(123);
    let model = unit4_optimization::model::Mlp::<unit4_optimization::Solution>::new(
        &vars.root(),
        config.max_features as i64,
        &config.mlp,
    );
    case(
        "mlp",
        vars,
        model,
        counts(config.max_features as i64, device),
        6e-4,
    )
}

fn embedding_mean(length: i64, device: Device) -> Case {
    let vars = VarStore::new(device);
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
        full_batch(length, 1, VOCABULARY, device),
        6e-4,
    )
}

fn text_cnn(length: i64, device: Device) -> Case {
    let vars = VarStore::new(device);
    let mut config = unit6_cnn::configs::tuned(123).model;
    config.word_dropout = 0.0;
    let model = unit6_cnn::model::TextCnn::<unit6_cnn::Solution>::new(&vars.root(), &config);
    case(
        "text_cnn",
        vars,
        model,
        full_batch(length, 1, VOCABULARY, device),
        6e-4,
    )
}

fn bilstm(length: i64, device: Device) -> Case {
    let vars = VarStore::new(device);
    let mut config = unit7_rnn::configs::tuned(123).model;
    config.word_dropout = 0.0;
    let model = unit7_rnn::model::RnnClassifier::<unit7_rnn::Solution>::new(&vars.root(), &config);
    case(
        "bilstm",
        vars,
        model,
        full_batch(length, 1, VOCABULARY, device),
        1e-3,
    )
}

/// Unit 8's encoder: the course's (feed-forward 2,048) or the small one (256).
fn transformer(length: i64, feed_forward: i64, device: Device) -> Case {
    let vars = VarStore::new(device);
    let mut config = unit8_transformers::configs::tuned(123).model;
    config.word_dropout = 0.0;
    config.feed_forward = feed_forward;
    let model =
        unit8_transformers::model::TransformerClassifier::<unit8_transformers::Solution>::new(
            &vars.root(),
            &config,
        );
    let name = format!("transformer_ff{feed_forward}");
    case(
        &name,
        vars,
        model,
        full_batch(length, 1, VOCABULARY, device),
        6e-4,
    )
}

/// all-MiniLM-L6-v2's shape (6 layers, 384 wide) from its config.json, random weights: the time
/// does not depend on the weights. `None` when `make models` has not fetched it.
fn minilm(length: i64, device: Device) -> Option<Case> {
    minilm_at(length, device, false)
}

/// MiniLM as unit 9 predicts with it on a CPU: its linear maps in 8 bits (`switch_to_int8`),
/// forward only (nothing trains through 8-bit weights). `None` without `make models`.
pub fn minilm_int8(length: i64) -> Option<Case> {
    minilm_at(length, Device::Cpu, true)
}

fn minilm_at(length: i64, device: Device, int8: bool) -> Option<Case> {
    use unit9_pretrained::model::{Family, Pooling, PretrainedClassifier, TokenBatch};
    let folder = course_core::workspace_root().join("models/all-minilm-l6-v2");
    let config = std::fs::read_to_string(folder.join("config.json")).ok()?;
    let config: serde_json::Value = serde_json::from_str(&config).ok()?;
    let vars = VarStore::new(device);
    let mut model = PretrainedClassifier::new(&vars.root(), Family::Bert, &config, Pooling::Mean)
        .expect("MiniLM's config.json describes a BERT");
    if int8 {
        model.switch_to_int8();
    }
    let batch = full_batch(length, 1_000, 30_000, device);
    let input = TokenBatch {
        ids: batch.ids,
        mask: batch.mask.to_kind(Kind::Int64),
    };
    let name = if int8 { "minilm_int8" } else { "minilm" };
    Some(case(name, vars, model, input, 5e-5))
}

/// A case to build when its turn comes (one model in memory at a time), on a device, and its
/// length.
pub type Builder = (Box<dyn Fn(Device) -> Option<Case>>, Option<i64>);

/// Every case: the bag-of-words models once, the sequence models at each of `lengths`.
pub fn cases(lengths: &[i64]) -> Vec<Builder> {
    let mut cases: Vec<Builder> = vec![
        (Box::new(|device| Some(bag_of_words(device))), None),
        (Box::new(|device| Some(mlp(device))), None),
    ];
    for &length in lengths {
        let sequence_models: [fn(i64, Device) -> Case; 5] = [
            embedding_mean,
            text_cnn,
            bilstm,
            |length, device| transformer(length, 2_048, device),
            |length, device| transformer(length, 256, device),
        ];
        for build in sequence_models {
            cases.push((
                Box::new(move |device| Some(build(length, device))),
                Some(length),
            ));
        }
        cases.push((Box::new(move |device| minilm(length, device)), Some(length)));
    }
    cases
}

/// How far the GPU's logits may be from the CPU's: at most this fraction of the CPU logits'
/// largest magnitude (or of 1, when they are smaller). cuDNN runs convolutions in TF32 on
/// Ampere and newer GPUs (10-bit mantissas, about 1e-3 relative), and sums in another order
/// everywhere; a wrong mask, a missing layer or a weight on the wrong device is off by far more.
pub const RELATIVE_TOLERANCE: f64 = 5e-3;

/// One architecture's forward pass on the CPU and on another device, on the same weights and
/// the same batch.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub name: String,
    pub length: Option<i64>,
    pub cpu_ms: f64,
    pub device_ms: f64,
    /// The largest |CPU logit - device logit|.
    pub largest_difference: f64,
    /// What the difference is measured against: max(1, the largest |CPU logit|).
    pub scale: f64,
}

impl Comparison {
    pub fn agrees(&self) -> bool {
        within_tolerance(self.largest_difference, self.scale)
    }
}

/// Whether a difference is within [`RELATIVE_TOLERANCE`] of `scale`.
pub fn within_tolerance(difference: f64, scale: f64) -> bool {
    difference.is_finite() && difference <= RELATIVE_TOLERANCE * scale
}

/// Builds the case on the CPU and on `device`, gives the second the first's weights, and runs
/// both forward passes without gradients (the second once to warm up, then timed). `None` when
/// the case cannot be built (MiniLM without `make models`).
pub fn compare_forward(
    build: &dyn Fn(Device) -> Option<Case>,
    length: Option<i64>,
    device: Device,
) -> Option<anyhow::Result<Comparison>> {
    let timed = |case: &Case| {
        let started = std::time::Instant::now();
        let logits = tch::no_grad(|| (case.logits)(false)).to_device(Device::Cpu);
        (logits, started.elapsed().as_secs_f64() * 1e3)
    };
    let cpu = build(Device::Cpu)?;
    let mut other = build(device)?;
    Some((|| {
        other.vars.copy(&cpu.vars)?;
        let (expected, cpu_ms) = timed(&cpu);
        let _warm_up = timed(&other);
        let (got, device_ms) = timed(&other);
        anyhow::ensure!(
            got.size() == expected.size(),
            "{}: logits {:?} on {device:?}, {:?} on the CPU",
            cpu.name,
            got.size(),
            expected.size()
        );
        let largest = |t: Tensor| t.abs().max().double_value(&[]);
        Ok(Comparison {
            name: cpu.name.clone(),
            length,
            cpu_ms,
            device_ms,
            largest_difference: largest(&got - &expected),
            scale: largest(expected).max(1.0),
        })
    })())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_weights_on_the_same_device_agree_exactly() {
        for (build, length) in cases(&[16]).into_iter().take(7) {
            let comparison = compare_forward(&*build, length, Device::Cpu)
                .expect("built")
                .unwrap();
            assert_eq!(comparison.largest_difference, 0.0, "{comparison:?}");
            assert!(comparison.agrees());
        }
    }

    #[test]
    fn differences_beyond_the_tolerance_or_not_a_number_disagree() {
        assert!(within_tolerance(4e-3, 1.0));
        assert!(!within_tolerance(6e-3, 1.0));
        assert!(within_tolerance(0.04, 10.0));
        assert!(!within_tolerance(f64::NAN, 1.0));
    }
}
