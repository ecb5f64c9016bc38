//! The Trainer: learns, stops early, checkpoints the best epoch, resumes exactly, refuses NaN,
//! is reproducible, and its run folder holds everything (events parse back).

use course_core::device::exclusive_torch_rng as serial;
use course_core::tracking::tensorboard::read_event_file;
use course_core::tracking::{read_metrics_csv, RunFolder};
use course_core::training::*;
use std::cell::Cell;
use std::path::Path;
use tch::nn::{self, Module, VarStore};
use tch::{Device, Kind, Tensor};

/// Two Gaussian blobs in 2-D, far apart: linearly separable. `flip` labels are flipped.
fn blobs(n: usize, seed: i64, flip: f64) -> TensorDataset {
    tch::manual_seed(seed);
    let labels = Tensor::randint(2, [n as i64], (Kind::Int64, Device::Cpu));
    let centers = labels.to_kind(Kind::Float).unsqueeze(1) * 6.0 - 3.0;
    let inputs = Tensor::randn([n as i64, 2], (Kind::Float, Device::Cpu)) + centers;
    let mut labels = Vec::<i64>::try_from(&labels).unwrap();
    let flips = Vec::<f32>::try_from(Tensor::rand([n as i64], (Kind::Float, Device::Cpu))).unwrap();
    for (label, u) in labels.iter_mut().zip(flips) {
        if (u as f64) < flip {
            *label = 1 - *label;
        }
    }
    TensorDataset {
        inputs,
        labels: Some(labels),
    }
}

/// A small MLP with dropout, so that checkpoints and resuming meet real randomness.
struct Mlp {
    hidden: nn::Linear,
    out: nn::Linear,
    nan_after_calls: Option<usize>,
    calls: Cell<usize>,
}

impl Mlp {
    fn new(vars: &VarStore, inputs: i64) -> Mlp {
        let root = vars.root();
        Mlp {
            hidden: nn::linear(&root / "hidden", inputs, 16, Default::default()),
            out: nn::linear(&root / "out", 16, 2, Default::default()),
            nan_after_calls: None,
            calls: Cell::new(0),
        }
    }
}

impl Model for Mlp {
    type Input = Tensor;
    fn forward(&self, input: &Tensor, train: bool) -> Tensor {
        let logits = input
            .apply(&self.hidden)
            .relu()
            .dropout(0.2, train)
            .apply(&self.out);
        if train {
            self.calls.set(self.calls.get() + 1);
            if self.nan_after_calls.is_some_and(|n| self.calls.get() > n) {
                return logits * f64::NAN;
            }
        }
        logits
    }
}

fn config(epochs: usize) -> TrainerConfig {
    TrainerConfig {
        epochs,
        batch_size: 16,
        optimizer: OptimizerConfig::adamw(0.01),
        schedule: Schedule::WarmupCosine {
            warmup_steps: 5,
            min_lr: 1e-4,
        },
        seed: 5,
        device: DeviceChoice::Cpu,
        progress: false,
        ..TrainerConfig::default()
    }
}

fn weights(vars: &VarStore) -> Vec<(String, Tensor)> {
    let mut w: Vec<_> = vars.variables().into_iter().collect();
    w.sort_by(|a, b| a.0.cmp(&b.0));
    w
}

fn without_seconds(history: &[EpochMetrics]) -> Vec<EpochMetrics> {
    history
        .iter()
        .map(|m| EpochMetrics {
            seconds: 0.0,
            ..m.clone()
        })
        .collect()
}

#[test]
fn learns_a_separable_problem_to_100_percent_and_predicts_probabilities() {
    let _serial = serial();
    let (train, validation) = (blobs(256, 1, 0.0), blobs(128, 2, 0.0));
    tch::manual_seed(0);
    let mut vars = VarStore::new(Device::Cpu);
    let model = Mlp::new(&vars, 2);
    let mut trainer = Trainer::new(config(8));
    let report = trainer.fit(&model, &mut vars, &train, &validation).unwrap();
    assert_eq!(report.history.len(), 8);
    assert_eq!(
        report.best_validation_accuracy,
        Some(1.0),
        "{:?}",
        report.history
    );
    assert_eq!(trainer.evaluate(&model, &validation).unwrap().accuracy, 1.0);

    let probabilities = trainer.predict(&model, &validation).unwrap();
    assert_eq!(probabilities.size(), [128, 2]);
    let sums = probabilities.sum_dim_intlist(-1, false, Kind::Float);
    assert!(sums.allclose(
        &Tensor::ones([128], (Kind::Float, Device::Cpu)),
        1e-5,
        1e-5,
        false
    ));
}

#[test]
fn the_same_seed_gives_the_same_metrics() {
    let _serial = serial();
    let (train, validation) = (blobs(200, 3, 0.1), blobs(100, 4, 0.1));
    let run = || {
        tch::manual_seed(0);
        let mut vars = VarStore::new(Device::Cpu);
        let model = Mlp::new(&vars, 2);
        let report = Trainer::new(config(4))
            .fit(&model, &mut vars, &train, &validation)
            .unwrap();
        without_seconds(&report.history)
    };
    assert_eq!(run(), run());
}

#[test]
fn early_stopping_stops_when_validation_stops_improving() {
    let _serial = serial();
    let (train, validation) = (blobs(64, 5, 0.0), blobs(64, 6, 0.0));
    let mut vars = VarStore::new(Device::Cpu);
    let model = Mlp::new(&vars, 2);
    let mut cfg = config(50);
    cfg.optimizer = OptimizerConfig::sgd(0.0); // nothing ever changes: no improvement after epoch 1
    cfg.schedule = Schedule::Constant;
    cfg.early_stopping = Some(EarlyStopping {
        monitor: Monitor::ValidationLoss,
        patience: 3,
        min_delta: 0.0,
    });
    let report = Trainer::new(cfg)
        .fit(&model, &mut vars, &train, &validation)
        .unwrap();
    assert!(report.stopped_early);
    assert_eq!(
        report.history.len(),
        4,
        "epoch 1 sets the best, then 3 epochs without improvement"
    );
}

#[test]
fn the_trainers_decisions_are_those_of_decisions_replay_over_its_own_metrics() {
    let _serial = serial();
    let (train, validation) = (blobs(300, 7, 0.25), blobs(200, 8, 0.25));
    let mut stops = Vec::new();
    for (patience, min_delta) in [(2, 0.0), (3, 0.01), (100, 0.0)] {
        tch::manual_seed(1);
        let mut vars = VarStore::new(Device::Cpu);
        let model = Mlp::new(&vars, 2);
        let mut cfg = config(12);
        cfg.optimizer = OptimizerConfig::sgd(0.5); // noisy: accuracy goes up, down and ties
        cfg.schedule = Schedule::Constant;
        let early = EarlyStopping {
            monitor: Monitor::ValidationAccuracy,
            patience,
            min_delta,
        };
        cfg.early_stopping = Some(early.clone());
        let report = Trainer::new(cfg)
            .fit(&model, &mut vars, &train, &validation)
            .unwrap();
        let scores: Vec<ValidationScores> = report
            .history
            .iter()
            .map(|m| ValidationScores {
                accuracy: m.validation_accuracy.unwrap(),
                loss: m.validation_loss.unwrap(),
            })
            .collect();
        let replayed = decisions::replay(&scores, Some(&early));
        assert_eq!(
            replayed.best_epoch, report.best_epoch,
            "patience {patience}"
        );
        assert_eq!(
            replayed.stopped_after,
            report.stopped_early.then_some(report.history.len()),
            "patience {patience}, min_delta {min_delta}"
        );
        stops.push(report.stopped_early);
    }
    assert_eq!(
        stops,
        [true, true, false],
        "the cases should cover stopping and not"
    );
}

#[test]
fn the_best_checkpoint_holds_the_best_epoch_and_the_run_folder_is_complete() {
    let _serial = serial();
    let (train, validation) = (blobs(300, 7, 0.25), blobs(200, 8, 0.25));
    let dir = tempfile::tempdir().unwrap();
    tch::manual_seed(0);
    let mut vars = VarStore::new(Device::Cpu);
    let model = Mlp::new(&vars, 2);
    let mut cfg = config(8);
    cfg.optimizer = OptimizerConfig::sgd(0.5); // noisy: validation accuracy goes up and down
    cfg.schedule = Schedule::Constant;
    let mut run = RunFolder::at(&dir.path().join("unit3/test-run")).unwrap();
    run.describe("model", "2 -> 16 -> 2 MLP").unwrap();
    let mut trainer = Trainer::new(cfg).with_run(run);
    let report = trainer.fit(&model, &mut vars, &train, &validation).unwrap();

    let best = report
        .history
        .iter()
        .map(|m| m.validation_accuracy.unwrap())
        .fold(0.0, f64::max);
    let first_best = report
        .history
        .iter()
        .find(|m| m.validation_accuracy == Some(best))
        .unwrap()
        .epoch;
    assert_eq!(
        (report.best_epoch, report.best_validation_accuracy),
        (first_best, Some(best))
    );

    let mut fresh = VarStore::new(Device::Cpu);
    let reloaded = Mlp::new(&fresh, 2);
    load_weights_from(report.best_checkpoint.as_ref().unwrap(), &mut fresh).unwrap();
    assert_eq!(
        trainer.evaluate(&reloaded, &validation).unwrap().accuracy,
        best
    );
    load_weights_from(report.last_checkpoint.as_ref().unwrap(), &mut fresh).unwrap();
    let last = report.history.last().unwrap().validation_accuracy;
    assert_eq!(
        Some(trainer.evaluate(&reloaded, &validation).unwrap().accuracy),
        last
    );

    let folder = dir.path().join("unit3/test-run");
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("config.json")).unwrap())
            .unwrap();
    assert_eq!(config["model"], "2 -> 16 -> 2 MLP");
    assert_eq!(config["trainer"]["optimizer"]["name"], "sgd");
    assert_eq!(
        read_metrics_csv(&folder.join("metrics.csv")).unwrap(),
        report.history
    );
    let png = std::fs::read(folder.join("learning_curves.png")).unwrap();
    assert!(
        png.starts_with(b"\x89PNG"),
        "learning_curves.png is not a PNG"
    );
    let leftovers: Vec<_> = walk(&folder)
        .into_iter()
        .filter(|p| p.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn tensorboard_events_parse_back_to_the_metrics() {
    let _serial = serial();
    let (train, validation) = (blobs(64, 9, 0.0), blobs(32, 10, 0.0));
    let dir = tempfile::tempdir().unwrap();
    let mut vars = VarStore::new(Device::Cpu);
    let model = Mlp::new(&vars, 2);
    let mut trainer = Trainer::new(config(3)).with_run(RunFolder::at(dir.path()).unwrap());
    let report = trainer.fit(&model, &mut vars, &train, &validation).unwrap();

    let events = walk(dir.path())
        .into_iter()
        .find(|p| p.contains("events.out.tfevents."))
        .unwrap();
    let scalars = read_event_file(Path::new(&events)).unwrap();
    let validation_accuracy: Vec<(i64, f32)> = scalars
        .iter()
        .filter(|s| s.tag == "accuracy/validation")
        .map(|s| (s.step, s.value))
        .collect();
    let expected: Vec<(i64, f32)> = report
        .history
        .iter()
        .map(|m| (m.step as i64, m.validation_accuracy.unwrap() as f32))
        .collect();
    assert_eq!(validation_accuracy, expected);
    assert_eq!(scalars.iter().filter(|s| s.tag == "loss/train").count(), 3);
}

#[test]
fn resuming_from_a_checkpoint_gives_the_weights_of_an_uninterrupted_run() {
    let _serial = serial();
    let (train, validation) = (blobs(160, 11, 0.1), blobs(64, 12, 0.1));
    let make = |vars: &VarStore| {
        tch::manual_seed(42);
        Mlp::new(vars, 2)
    };

    let mut straight_vars = VarStore::new(Device::Cpu);
    let straight_model = make(&straight_vars);
    let straight = Trainer::new(config(6))
        .fit(&straight_model, &mut straight_vars, &train, &validation)
        .unwrap();

    // A run that dies during epoch 4 (its loss turns NaN), leaving the checkpoint of epoch 3.
    let dir = tempfile::tempdir().unwrap();
    let mut vars = VarStore::new(Device::Cpu);
    let mut model = make(&vars);
    model.nan_after_calls = Some(3 * 10); // 160 rows / 16 = 10 batches per epoch
    let mut trainer = Trainer::new(config(6)).with_run(RunFolder::at(dir.path()).unwrap());
    let err = trainer
        .fit(&model, &mut vars, &train, &validation)
        .unwrap_err();
    assert!(err.to_string().contains("epoch 4, step 1"), "{err}");
    drop(trainer); // the run ends, and its folder is free for the next process

    let mut resumed_vars = VarStore::new(Device::Cpu);
    let resumed_model = make(&resumed_vars);
    let mut trainer = Trainer::new(config(6)).with_run(RunFolder::at(dir.path()).unwrap());
    let last = dir.path().join("checkpoints/last.safetensors");
    let resumed = trainer
        .resume(
            &last,
            &resumed_model,
            &mut resumed_vars,
            &train,
            &validation,
        )
        .unwrap();

    assert_eq!(resumed.history.len(), 6);
    assert_eq!(
        without_seconds(&resumed.history[3..]),
        without_seconds(&straight.history[3..])
    );
    for ((name, a), (_, b)) in weights(&straight_vars)
        .iter()
        .zip(weights(&resumed_vars).iter())
    {
        assert!(a.equal(b), "{name} differs after resuming");
    }
}

#[test]
fn a_nan_loss_stops_with_epoch_and_step_and_keeps_the_best_checkpoint() {
    let _serial = serial();
    let (train, validation) = (blobs(64, 13, 0.0), blobs(32, 14, 0.0));
    let dir = tempfile::tempdir().unwrap();
    let mut vars = VarStore::new(Device::Cpu);
    let mut model = Mlp::new(&vars, 2);
    model.nan_after_calls = Some(4 + 2); // 4 batches per epoch: NaN at epoch 2, step 3
    let mut trainer = Trainer::new(config(5)).with_run(RunFolder::at(dir.path()).unwrap());
    let err = trainer
        .fit(&model, &mut vars, &train, &validation)
        .unwrap_err();
    let diverged = err
        .downcast_ref::<TrainingDiverged>()
        .expect("a TrainingDiverged error");
    assert_eq!((diverged.epoch, diverged.step), (2, 3));
    assert!(err.to_string().contains("epoch 2, step 3"), "{err}");

    let metrics = read_metrics_csv(&dir.path().join("metrics.csv")).unwrap();
    assert_eq!(metrics.len(), 1, "only the finished epoch is recorded");
    let mut fresh = VarStore::new(Device::Cpu);
    let reloaded = Mlp::new(&fresh, 2);
    load_weights_from(&dir.path().join("checkpoints/best.safetensors"), &mut fresh).unwrap();
    let accuracy = trainer.evaluate(&reloaded, &validation).unwrap().accuracy;
    assert_eq!(
        Some(accuracy),
        metrics[0].validation_accuracy,
        "the best checkpoint is epoch 1's, intact"
    );
}

#[test]
fn overfitting_one_batch_reaches_100_percent_and_fast_dev_run_writes_nothing() {
    let _serial = serial();
    // Random labels on random points: only memorising can fit them.
    tch::manual_seed(3);
    let inputs = Tensor::randn([64, 10], (Kind::Float, Device::Cpu));
    let labels =
        Vec::<i64>::try_from(Tensor::randint(2, [64], (Kind::Int64, Device::Cpu))).unwrap();
    let data = TensorDataset {
        inputs,
        labels: Some(labels),
    };
    let mut vars = VarStore::new(Device::Cpu);
    let model = Mlp::new(&vars, 10);
    let mut cfg = config(150);
    cfg.overfit_batches = Some(1);
    cfg.schedule = Schedule::Constant;
    let report = Trainer::new(cfg)
        .fit(&model, &mut vars, &data, &data)
        .unwrap();
    assert_eq!(
        report.history.last().unwrap().validation_accuracy,
        Some(1.0)
    );

    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(30);
    cfg.fast_dev_run = true;
    let mut trainer = Trainer::new(cfg).with_run(RunFolder::at(&dir.path().join("dev")).unwrap());
    let report = trainer.fit(&model, &mut vars, &data, &data).unwrap();
    assert_eq!(
        (report.history.len(), report.history[0].step),
        (1, 1),
        "one batch, one epoch"
    );
    assert!(report.best_checkpoint.is_none());
    assert!(!dir.path().join("dev/metrics.csv").exists());
}

#[test]
fn unlabelled_training_data_is_an_error() {
    let _serial = serial();
    let data = TensorDataset {
        inputs: Tensor::zeros([4, 2], (Kind::Float, Device::Cpu)),
        labels: None,
    };
    let mut vars = VarStore::new(Device::Cpu);
    let model = Mlp::new(&vars, 2);
    let err = Trainer::new(config(1))
        .fit(&model, &mut vars, &data, &data)
        .unwrap_err();
    assert!(err.to_string().contains("no labels"), "{err}");
}

/// A plain `nn::Linear` works as a `Module` too; the trainer does not need it.
#[allow(dead_code)]
fn linear_is_a_module(l: &nn::Linear, x: &Tensor) -> Tensor {
    l.forward(x)
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path.display().to_string());
        }
    }
    out
}

#[test]
fn the_lr_finder_sweeps_suggests_a_rate_and_puts_the_weights_back() {
    let _serial = serial();
    let data = blobs(2048, 21, 0.0);
    tch::manual_seed(21);
    let mut vars = VarStore::new(Device::Cpu);
    let model = Mlp::new(&vars, 2);
    let before: Vec<(String, Tensor)> = vars
        .variables()
        .into_iter()
        .map(|(name, t)| (name, t.copy()))
        .collect();
    let finder = LrFinder {
        min_lr: 1e-5,
        max_lr: 10.0,
        steps: 100,
        ..LrFinder::default()
    };
    let finding = finder
        .run(&OptimizerConfig::sgd(0.0), &model, &mut vars, &data)
        .unwrap();
    assert!(finding.lrs.len() > 20 && finding.lrs.len() <= 100);
    assert!(finding.lrs.windows(2).all(|w| w[1] > w[0]), "rates grow");
    assert!(
        finding.suggestion > 1e-4 && finding.suggestion < 10.0,
        "suggestion {}",
        finding.suggestion
    );
    let lowest = finding.losses.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(
        lowest < finding.losses[0] * 0.5,
        "the loss fell: {:?}",
        finding.losses
    );
    let after = vars.variables();
    for (name, value) in before {
        assert!(
            after[&name].equal(&value),
            "{name} was not restored after the sweep"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("lr_finder.png");
    course_core::tracking::plot::lr_finder(&png, &finding.lrs, &finding.losses, finding.suggestion)
        .unwrap();
    assert!(std::fs::metadata(&png).unwrap().len() > 1000);
}

#[test]
fn accumulating_four_batches_of_8_steps_like_one_batch_of_32() {
    let _serial = serial();
    let train = blobs(128, 11, 0.0);
    let validation = blobs(32, 12, 0.0);
    let train_with = |batch_size: usize, accumulate_batches: usize| {
        tch::manual_seed(3);
        let mut vars = VarStore::new(Device::Cpu);
        // No dropout: the two runs must see the same function of the same rows.
        let model = nn::linear(vars.root() / "linear", 2, 2, Default::default());
        struct Linear(nn::Linear);
        impl Model for Linear {
            type Input = Tensor;
            fn forward(&self, input: &Tensor, _train: bool) -> Tensor {
                self.0.forward(input)
            }
        }
        let config = TrainerConfig {
            epochs: 2,
            batch_size,
            accumulate_batches,
            optimizer: OptimizerConfig::sgd(0.5),
            seed: 4,
            device: DeviceChoice::Cpu,
            progress: false,
            ..TrainerConfig::default()
        };
        Trainer::new(config)
            .fit(&Linear(model), &mut vars, &train, &validation)
            .unwrap();
        weights(&vars)
    };
    let (big, accumulated, small) = (train_with(32, 1), train_with(8, 4), train_with(8, 1));
    for ((name, a), (_, b)) in big.iter().zip(&accumulated) {
        assert!(a.allclose(b, 1e-5, 1e-6, false), "{name}: {a} vs {b}");
    }
    // And the comparison can fail: four separate steps of 8 end elsewhere.
    assert!(big
        .iter()
        .zip(&small)
        .any(|((_, a), (_, b))| !a.allclose(b, 1e-5, 1e-6, false)));
}

/// A checkpoint keeps the epoch's running sums as JSON numbers: they must read back to the very
/// same f64, or a run resumed inside an epoch reports a loss one unit in the last place off.
#[test]
fn checkpoint_numbers_read_back_to_the_same_bits() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
    for _ in 0..200_000 {
        // Sums of losses times batch sizes, as an epoch accumulates them.
        let value: f64 = rng.random_range(0.0..5_000.0) * rng.random_range(0.5..1.5);
        let text = serde_json::to_string(&value).unwrap();
        let back: f64 = serde_json::from_str(&text).unwrap();
        assert_eq!(
            back.to_bits(),
            value.to_bits(),
            "{value:e} came back as {back:e}"
        );
    }
}

/// A model that records the kind of its logits: what the arithmetic inside the forward was.
struct KindSpy<'a> {
    inner: &'a Mlp,
    seen: std::cell::RefCell<Vec<Kind>>,
}

impl Model for KindSpy<'_> {
    type Input = Tensor;
    fn forward(&self, input: &Tensor, train: bool) -> Tensor {
        let logits = self.inner.forward(input, train);
        self.seen.borrow_mut().push(logits.kind());
        logits
    }
}

#[test]
fn bf16_runs_the_products_in_bfloat16_and_still_learns() {
    let _serial = serial();
    let (train, validation) = (blobs(256, 1, 0.0), blobs(128, 2, 0.0));
    tch::manual_seed(0);
    let mut vars = VarStore::new(Device::Cpu);
    let mlp = Mlp::new(&vars, 2);
    let spy = KindSpy {
        inner: &mlp,
        seen: Default::default(),
    };
    let mut trainer = Trainer::new(TrainerConfig {
        bf16: Bf16::On,
        ..config(8)
    });
    let report = trainer.fit(&spy, &mut vars, &train, &validation).unwrap();
    assert_eq!(
        report.best_validation_accuracy,
        Some(1.0),
        "{:?}",
        report.history
    );
    let seen = spy.seen.take();
    assert!(
        !seen.is_empty() && seen.iter().all(|&k| k == Kind::BFloat16),
        "{seen:?}"
    );
    // The weights the optimiser keeps stay float32.
    assert!(weights(&vars).iter().all(|(_, w)| w.kind() == Kind::Float));
    // Probabilities come back float32, and `set_bf16` turns bfloat16 off for what follows.
    let probabilities = trainer.predict(&spy, &validation).unwrap();
    assert_eq!(probabilities.kind(), Kind::Float);
    trainer.set_bf16(Bf16::Off);
    trainer.evaluate(&spy, &validation).unwrap();
    assert_eq!(spy.seen.take().last(), Some(&Kind::Float));
}

#[test]
fn when_choosing_skips_the_validation_of_a_lone_epoch_and_keeps_it_with_more() {
    let _serial = serial();
    let (train, validation) = (blobs(256, 1, 0.0), blobs(128, 2, 0.0));
    let fit = |epochs: usize, folder: &Path| {
        tch::manual_seed(0);
        let mut vars = VarStore::new(Device::Cpu);
        let mlp = Mlp::new(&vars, 2);
        let mut trainer = Trainer::new(TrainerConfig {
            validation: Validation::WhenChoosing,
            ..config(epochs)
        })
        .with_run(RunFolder::at(folder).unwrap());
        let report = trainer.fit(&mlp, &mut vars, &train, &validation).unwrap();
        // Whatever was validated, the trained weights still learn the problem.
        let accuracy = trainer.evaluate(&mlp, &validation).unwrap().accuracy;
        (report, accuracy)
    };
    let dir = tempfile::tempdir().unwrap();

    // One epoch: nothing to choose, no validation pass; the epoch is the run's.
    let (report, accuracy) = fit(1, &dir.path().join("one"));
    assert_eq!(report.best_validation_accuracy, None);
    assert_eq!(report.best_epoch, 1);
    assert_eq!(report.history[0].validation_accuracy, None);
    assert_eq!(report.history[0].validation_loss, None);
    assert!(report.best_checkpoint.as_ref().unwrap().is_file());
    assert!(accuracy > 0.9, "{accuracy}");
    // metrics.csv leaves the two cells empty and reads back the same.
    let metrics = dir.path().join("one/metrics.csv");
    let text = std::fs::read_to_string(&metrics).unwrap();
    assert!(text.lines().nth(1).unwrap().contains(",,"), "{text}");
    let read = read_metrics_csv(&metrics).unwrap();
    assert_eq!(without_seconds(&read), without_seconds(&report.history));

    // Two epochs: the validation chooses between them.
    let (report, _) = fit(2, &dir.path().join("two"));
    assert!(report.best_validation_accuracy.is_some());
    assert!(report
        .history
        .iter()
        .all(|m| m.validation_accuracy.is_some()));

    // Every epoch is the default; early stopping needs the validation, so it validates too.
    assert!(config(1).validates(1));
    let early = TrainerConfig {
        validation: Validation::WhenChoosing,
        early_stopping: Some(EarlyStopping {
            monitor: Monitor::ValidationAccuracy,
            patience: 1,
            min_delta: 0.0,
        }),
        ..config(1)
    };
    assert!(early.validates(1));
    assert!(!TrainerConfig {
        validation: Validation::WhenChoosing,
        ..config(1)
    }
    .validates(1));
}
