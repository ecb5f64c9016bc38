//! The unit's program, shared by `--example solution`, `--example exercise` and `course baseline`:
//! read the reviews, train the bag-of-words classifier with the hand-written loop, submit.

use crate::model::BagOfWordsClassifier;
use crate::training::{self, LoopConfig};
use crate::Answers;
use anyhow::Result;
use course_core::cli::TrainOptions;
use course_core::data::submission::{score_file, write_submission};
use course_core::data::DataDir;
use course_core::device::{ChosenDevice, DeviceChoice};
use course_core::prepared::BagOfWordsData;
use course_core::tracking::{check_run_name, runs_root};
use std::path::PathBuf;
use std::time::Instant;
use tch::nn;

/// Everything one run needs.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub data: DataDir,
    pub max_features: usize,
    pub loop_config: LoopConfig,
    /// Where the Kaggle submission is written.
    pub submission: PathBuf,
    /// Where to train, and why there (printed).
    pub device: ChosenDevice,
}

/// What a run achieved.
#[derive(Debug, Clone)]
pub struct RunSummary {
    pub best_validation_accuracy: f64,
    pub final_validation_accuracy: f64,
    /// The offline leaderboard score of the submission (test labels come from the ids).
    pub test_accuracy: f64,
    pub seconds: f64,
}

/// The unit's job, as the command line asks.
pub fn run<A: Answers>(args: Args) -> Result<RunSummary> {
    train::<A>(&args.options("solution")?)
}

/// The recipe: reads the data, trains the bag-of-words classifier, predicts the test reviews,
/// writes and scores the submission, printing progress as it goes.
pub fn train<A: Answers>(options: &RunOptions) -> Result<RunSummary> {
    let started = Instant::now();
    let device = options.device.device;
    let xor = xor_warm_up::<A>()?;
    println!("Warm-up: an MLP (2 -> 8 -> ReLU -> 2) learns XOR to accuracy {xor:.2}");
    println!("Data:   {}", options.data);
    println!("Device: {}", options.device);

    let data = BagOfWordsData::load(&options.data, options.max_features)?;
    println!(
        "Reviews: {} train, {} validation, {} test; vocabulary of {} words ({:.1}s)",
        data.train.counts.len(),
        data.validation.counts.len(),
        data.test.counts.len(),
        data.vectorizer.len(),
        started.elapsed().as_secs_f64()
    );

    tch::manual_seed(options.loop_config.seed as i64);
    let vars = nn::VarStore::new(device);
    let model = BagOfWordsClassifier::new(&vars.root(), data.vectorizer.len());
    let history = training::train::<A>(
        &model,
        &vars,
        &data.train,
        &data.validation,
        &options.loop_config,
        |m| {
            println!(
                "epoch {:>3}  train loss {:.4}  train acc {:.4}  val acc {:.4}",
                m.epoch, m.train_loss, m.train_accuracy, m.validation_accuracy
            )
        },
    )?;

    let predictions = training::predict(&model, &data.test.counts, device)?;
    write_submission(&options.submission, &data.test_ids, &predictions)?;
    let test = options.data.test()?;
    let score = score_file(&options.submission, &test)?;
    let summary = RunSummary {
        best_validation_accuracy: history
            .iter()
            .map(|m| m.validation_accuracy)
            .fold(0.0, f64::max),
        final_validation_accuracy: history.last().map_or(0.0, |m| m.validation_accuracy),
        test_accuracy: score.accuracy(),
        seconds: started.elapsed().as_secs_f64(),
    };
    println!("Submission: {}", options.submission.display());
    write_summary_beside(&options.submission, &summary)?;
    println!(
        "Offline leaderboard: {:.5} accuracy on {} test reviews ({} correct); {:.1}s in all",
        summary.test_accuracy, score.total, score.correct, summary.seconds
    );
    Ok(summary)
}

/// A run folder's `summary.json`, as the Trainer's runs have one, when the submission is in a
/// run folder (`runs/unit2/<run name>/`): `course submit` and `course mine` read it. The model
/// that wrote the submission is the last epoch's, so its validation accuracy is the final one.
fn write_summary_beside(submission: &std::path::Path, summary: &RunSummary) -> Result<()> {
    if !submission.starts_with(runs_root().join("unit2")) {
        return Ok(()); // a submission written elsewhere gets no file beside it
    }
    let Some(folder) = submission.parent() else {
        return Ok(());
    };
    let text = serde_json::json!({
        "best_validation_accuracy": summary.best_validation_accuracy,
        "final_validation_accuracy": summary.final_validation_accuracy,
        "test_accuracy": summary.test_accuracy,
        "seconds": summary.seconds,
    });
    course_core::fs::write_bytes_atomically(
        &folder.join("summary.json"),
        text.to_string().as_bytes(),
    )
}

/// Trains the small [`Mlp`](crate::model::Mlp) on XOR with the learner's training step and
/// returns its accuracy: a quick check of the loop before the real data.
pub fn xor_warm_up<A: Answers>() -> Result<f64> {
    use tch::nn::OptimizerConfig;
    tch::manual_seed(2);
    let vars = nn::VarStore::new(tch::Device::Cpu);
    let mlp = crate::model::Mlp::new(&vars.root(), 2, 8);
    let mut optimizer = nn::Sgd::default().build(&vars, 0.3)?;
    let (inputs, targets) = crate::model::xor_data();
    for _ in 0..300 {
        A::training_step(&mlp, &mut optimizer, &inputs, &targets);
    }
    Ok(A::accuracy(&mlp, &mut std::iter::once((inputs, targets))))
}

// ---- The command line ---------------------------------------------------------------------

/// The command line of `--example solution` and `--example exercise`: the shared training flags
/// (`--data`, `--epochs`, `--lr`, `--batch-size`, `--seed`, `--run-name`, `--device`) and the
/// vocabulary's size. The defaults are the course's unit 2: 10 epochs of SGD at 0.05.
#[derive(clap::Parser, Debug)]
pub struct Args {
    /// Words in the bag: the most frequent of the training split
    #[arg(long, default_value_t = 10_000)]
    pub max_features: usize,
    /// Where the Kaggle submission goes [default: runs/unit2/<run name>/submission.csv]
    #[arg(long)]
    pub submission: Option<PathBuf>,
    #[command(flatten)]
    pub options: TrainOptions,
}

impl Args {
    /// The run these arguments ask for; `example` names the default submission folder.
    pub fn options(&self, example: &str) -> Result<RunOptions> {
        let request = self.options.request();
        request.refuse_resume(
            "unit 2's loop is the one you write by hand, and it keeps no checkpoints (unit 3's \
             Trainer does): run it again; on the full data it takes a few minutes",
        )?;
        let name = match &self.options.run_name {
            Some(name) => {
                check_run_name(name)?;
                name.as_str()
            }
            None => example,
        };
        let submission = self
            .submission
            .clone()
            .unwrap_or_else(|| runs_root().join("unit2").join(name).join("submission.csv"));
        let defaults = LoopConfig::default();
        Ok(RunOptions {
            data: request.data_dir()?,
            max_features: self.max_features,
            loop_config: LoopConfig {
                epochs: self.options.epochs.unwrap_or(defaults.epochs),
                batch_size: self.options.batch_size.unwrap_or(defaults.batch_size),
                learning_rate: self.options.lr.unwrap_or(defaults.learning_rate),
                seed: request.seed(),
            },
            submission,
            device: self
                .options
                .device
                .unwrap_or(DeviceChoice::Auto)
                .on_this_machine()?,
        })
    }
}
