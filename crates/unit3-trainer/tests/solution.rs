//! Unit 3's solution: the Trainer does what unit 2's hand-written loop did, and a run leaves a
//! complete folder behind.

use course_core::data::DataDir;
use course_core::prepared::BagOfWordsData;
use course_core::tracking::RunFolder;
use course_core::training::{DeviceChoice, OptimizerConfig, Trainer, TrainerConfig};
use tch::nn::VarStore;
use unit3_trainer::model::BagOfWordsClassifier;
use unit3_trainer::program::{train, Experiment};

fn sgd_config(epochs: usize) -> TrainerConfig {
    TrainerConfig {
        epochs,
        optimizer: OptimizerConfig::sgd(0.05),
        device: DeviceChoice::Cpu,
        progress: false,
        ..TrainerConfig::default()
    }
}

#[test]
fn the_trainer_matches_the_hand_written_loop_of_unit_2() {
    let _serial = course_core::device::exclusive_torch_rng();
    let data = BagOfWordsData::load(&DataDir::bundled_sample(), 10_000).unwrap();
    let seed = TrainerConfig::default().seed;

    tch::manual_seed(seed as i64);
    let mut vars = VarStore::new(tch::Device::Cpu);
    let model = BagOfWordsClassifier::new(&vars.root(), data.vectorizer.len());
    let report = Trainer::new(sgd_config(3))
        .fit(&model, &mut vars, &data.train, &data.validation)
        .unwrap();

    tch::manual_seed(seed as i64);
    let loop_vars = VarStore::new(tch::Device::Cpu);
    let loop_model = unit2_neural_networks::model::BagOfWordsClassifier::new(
        &loop_vars.root(),
        data.vectorizer.len(),
    );
    let loop_config = unit2_neural_networks::training::LoopConfig {
        epochs: 3,
        seed,
        ..Default::default()
    };
    let by_hand = unit2_neural_networks::training::train::<unit2_neural_networks::Solution>(
        &loop_model,
        &loop_vars,
        &data.train,
        &data.validation,
        &loop_config,
        |_| {},
    )
    .unwrap();

    for (trainer, hand) in report.history.iter().zip(&by_hand) {
        assert!(
            (trainer.train_loss - hand.train_loss).abs() < 1e-5,
            "{trainer:?} vs {hand:?}"
        );
        assert_eq!(trainer.validation_accuracy, Some(hand.validation_accuracy));
    }
}

#[test]
fn a_run_on_the_sample_leaves_a_complete_run_folder() {
    let _serial = course_core::device::exclusive_torch_rng();
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("unit3/sample");
    let outcome = train::<unit3_trainer::Solution>(Experiment {
        data: DataDir::bundled_sample(),
        max_features: 10_000,
        terms: course_core::text::Terms::COURSE,
        trainer: sgd_config(4),
        run: Some(RunFolder::at(&folder).unwrap()),
        resume: None,
    })
    .unwrap();
    assert!(outcome
        .report
        .best_validation_accuracy
        .is_some_and(|a| a > 0.7));
    assert!(
        outcome.submitted.score.accuracy() > 0.7,
        "{:?}",
        outcome.submitted.score
    );
    assert_eq!(outcome.submitted.path, folder.join("submission.csv"));
    for file in [
        "config.json",
        "metrics.csv",
        "learning_curves.png",
        "summary.json",
        "submission.csv",
    ] {
        assert!(folder.join(file).is_file(), "{file} is missing");
    }
    for checkpoint in ["best", "last"] {
        assert!(folder
            .join(format!("checkpoints/{checkpoint}.safetensors"))
            .is_file());
    }
    let events = std::fs::read_dir(&folder).unwrap().flatten().any(|e| {
        e.file_name()
            .to_string_lossy()
            .starts_with("events.out.tfevents.")
    });
    assert!(events, "no TensorBoard event file");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(
        summary["test_accuracy"].as_f64().unwrap(),
        outcome.submitted.score.accuracy()
    );
    assert_eq!(
        summary["best_epoch"].as_u64().unwrap() as usize,
        outcome.report.best_epoch
    );
}
