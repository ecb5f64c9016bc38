//! The bag-of-words baseline learns, and the same seed gives the same run.

use course_core::data::DataDir;
use course_core::prepared::{BagOfWordsData, CountsDataset};
use tch::nn;
use unit2_neural_networks::model::BagOfWordsClassifier;
use unit2_neural_networks::training::{self, EpochMetrics, LoopConfig};
use unit2_neural_networks::Solution;

fn train_on_sample(data: &BagOfWordsData, seed: u64) -> Vec<EpochMetrics> {
    tch::manual_seed(seed as i64);
    let vars = nn::VarStore::new(tch::Device::Cpu);
    let model = BagOfWordsClassifier::new(&vars.root(), data.vectorizer.len());
    let config = LoopConfig {
        epochs: 3,
        seed,
        ..LoopConfig::default()
    };
    training::train::<Solution>(
        &model,
        &vars,
        &data.train,
        &data.validation,
        &config,
        |_| {},
    )
    .unwrap()
}

#[test]
fn the_baseline_learns_the_sample_and_is_reproducible() {
    let _serial = course_core::device::exclusive_torch_rng();
    let data = BagOfWordsData::load(&DataDir::bundled_sample(), 10_000).unwrap();
    assert_eq!(
        (
            data.train.counts.len(),
            data.validation.counts.len(),
            data.test.counts.len()
        ),
        (1_600, 400, 1_000)
    );

    let first = train_on_sample(&data, 7);
    assert!(
        first[2].train_loss < first[0].train_loss,
        "the training loss must fall: {first:?}"
    );
    assert!(
        first[2].validation_accuracy > 0.7,
        "validation accuracy too low: {first:?}"
    );

    let again = train_on_sample(&data, 7);
    assert_eq!(first, again, "the same seed must give the same metrics");
}

#[test]
fn mismatched_rows_and_labels_are_an_error() {
    let _serial = course_core::device::exclusive_torch_rng();
    let data = BagOfWordsData::load(&DataDir::bundled_sample(), 100).unwrap();
    let vars = nn::VarStore::new(tch::Device::Cpu);
    let model = BagOfWordsClassifier::new(&vars.root(), 100);
    let error_training_on = |train: &CountsDataset| {
        let config = LoopConfig::default();
        training::train::<Solution>(&model, &vars, train, &data.validation, &config, |_| {})
            .unwrap_err()
            .to_string()
    };
    let mut short = CountsDataset {
        counts: data.train.counts.clone(),
        labels: data.train.labels.clone(),
    };
    short.labels.as_mut().unwrap().pop();
    let err = error_training_on(&short);
    assert!(err.contains("labels"), "{err}");
    short.labels = None;
    let err = error_training_on(&short);
    assert!(err.contains("no labels"), "{err}");
}
