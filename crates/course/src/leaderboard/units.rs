//! The nine units as the leaderboard runs them: each one's arguments (quick and full), how its
//! figures are read back, and the original course's figure it is compared with.

use super::{read_summary, run_folder, Mode};
use anyhow::Result;
use clap::Parser;
use course_core::device::DeviceChoice;
use std::time::Instant;

/// What every unit of one leaderboard shares.
#[derive(Clone)]
pub struct Plan {
    pub mode: Mode,
    /// The data folder, absolute: the units run wherever `course` was started (commands show
    /// paths inside the workspace relative to it, as a learner types them there).
    pub data: String,
    /// Every unit's run folder is `runs/<unit>/<run_name>`.
    pub run_name: String,
    /// `--device` for every unit that trains on one (`None`: each unit's default, auto).
    pub device: Option<DeviceChoice>,
    /// `--seed` for the unit (`None`: its default, 123).
    pub seed: Option<u64>,
}

/// A unit's figures after its run.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub validation: Option<f64>,
    pub test: Option<f64>,
    pub test_reviews: Option<u64>,
    /// Anything the row should say besides (unit 1 has no IMDb model).
    pub detail: Option<String>,
    /// Where the time went, from the run folder (units without one: `None`).
    pub time: Option<TimeSplit>,
}

/// A run's time in its parts: the epochs (with their validation) and the prediction of the
/// validation and test reviews for the submission. The rest of the row's wall time is reading,
/// tokenizing and whatever the unit prepared first.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TimeSplit {
    pub epochs: usize,
    pub training_seconds: f64,
    pub prediction_seconds: f64,
}

/// One row of the leaderboard.
pub struct Unit {
    pub name: &'static str,
    pub package: &'static str,
    pub model: &'static str,
    /// The original course's test accuracy for this unit's reference model.
    pub course: Option<f64>,
    /// The arguments of `--example solution` for this plan.
    pub arguments: fn(&Plan) -> Vec<String>,
    /// Runs the solution with those arguments, as its example binary would.
    pub run: fn(&[String], &Plan) -> Result<Figures>,
}

impl Unit {
    /// The unit's arguments for `plan`, with the plan's `--device` and `--seed` (unit 1's toy
    /// models have neither: they run on the CPU, seeded by their own program).
    pub fn arguments_for(&self, plan: &Plan) -> Vec<String> {
        let mut arguments = (self.arguments)(plan);
        if self.name == "unit1" {
            return arguments;
        }
        if let Some(device) = plan.device {
            arguments.extend(["--device".to_string(), device.to_string()]);
        }
        if let Some(seed) = plan.seed {
            arguments.extend(["--seed".to_string(), seed.to_string()]);
        }
        arguments
    }

    pub fn answers_to(&self, typed: &str) -> bool {
        let typed = typed.trim().to_lowercase();
        typed == self.name || typed == self.package || format!("unit{typed}") == self.name
    }
}

/// `cargo run [--release] -p <crate> --example solution -- <arguments>` (as this build was made),
/// as a learner would type it
/// in the workspace (paths inside it shown relative to it).
pub fn command_line(package: &str, arguments: &[String]) -> String {
    let quoted: Vec<String> = arguments
        .iter()
        .map(|a| {
            let a = super::rows::shown_path(std::path::Path::new(a));
            if a.contains(' ') {
                format!("'{a}'")
            } else {
                a.clone()
            }
        })
        .collect();
    format!(
        "{} -p {package} --example solution -- {}",
        cargo_run(),
        quoted.join(" ")
    )
}

/// How this build of `course` was made, so that a row records the command that ran: `cargo run`
/// for the dev profile, `cargo run --release` for release.
fn cargo_run() -> &'static str {
    if cfg!(debug_assertions) {
        "cargo run"
    } else {
        "cargo run --release"
    }
}

/// Parses `arguments` as the unit's example binary would (`solution` is its name).
fn parse<A: Parser>(arguments: &[String]) -> Result<A> {
    let argv = std::iter::once("solution".to_string()).chain(arguments.iter().cloned());
    Ok(A::try_parse_from(argv)?)
}

fn strings(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

/// `train --data D --run-name N` followed by the quick or the full extras.
fn train_arguments(plan: &Plan, quick: &[&str], full: &[&str]) -> Vec<String> {
    let mut arguments = strings(&["train", "--data", &plan.data, "--run-name", &plan.run_name]);
    arguments.extend(strings(match plan.mode {
        Mode::Quick => quick,
        Mode::Full => full,
    }));
    arguments
}

/// Units 4-9 share the shape of their programs: `program::run::<Solution>(Args)`, a run folder
/// with `summary.json`.
macro_rules! program_unit {
    ($name:literal, $crate_name:ident) => {
        |arguments: &[String], plan: &Plan| -> Result<Figures> {
            let args = parse::<$crate_name::program::Args>(arguments)?;
            $crate_name::program::run::<$crate_name::Solution>(args)?;
            read_summary(&run_folder($name, &plan.run_name))
        }
    };
}

/// Every unit, in course order.
pub static UNITS: [Unit; 9] = [
    Unit {
        name: "unit1",
        package: "unit1-fundamentals",
        model: "perceptron and logistic regression, toy 2-D data (no IMDb model)",
        course: None,
        arguments: |plan| {
            let out = run_folder("unit1", &plan.run_name);
            strings(&["--out", &out.display().to_string()])
        },
        run: |arguments, _plan| {
            let args = parse::<unit1_fundamentals::program::Args>(arguments)?;
            let results = unit1_fundamentals::program::run::<unit1_fundamentals::Solution>(args)?;
            Ok(Figures {
                detail: Some(format!(
                    "accuracy on the toy data: perceptron {:.2}, logistic regression {:.2}",
                    results.perceptron_accuracy, results.logistic_regression_accuracy
                )),
                ..Figures::default()
            })
        },
    },
    Unit {
        name: "unit2",
        package: "unit2-neural-networks",
        // The course has no unit 2 figure; unit 3 trains this same model through Lightning.
        model: "bag of words (10,000 words) + Linear, hand-written loop (course: unit 3's figure, same model)",
        course: Some(0.87228),
        arguments: |plan| {
            let submission = run_folder("unit2", &plan.run_name).join("submission.csv");
            strings(&["--data", &plan.data, "--submission", &submission.display().to_string()])
        },
        run: |arguments, _plan| {
            let args = parse::<unit2_neural_networks::program::Args>(arguments)?;
            let summary = unit2_neural_networks::program::run::<unit2_neural_networks::Solution>(args)?;
            Ok(Figures {
                validation: Some(summary.best_validation_accuracy),
                test: Some(summary.test_accuracy),
                ..Figures::default()
            })
        },
    },
    Unit {
        name: "unit3",
        package: "unit3-trainer",
        model: "bag of words of 100,000 words and pairs + Linear through the Trainer (course: 10,000 words)",
        course: Some(0.87228),
        arguments: |plan| {
            let mut arguments = strings(&["--data", &plan.data, "--run-name", &plan.run_name]);
            if plan.mode == Mode::Quick {
                arguments.extend(strings(&["--epochs", "10"]));
            }
            arguments
        },
        run: |arguments, plan| {
            use unit3_trainer::program::{run, Args};
            run::<unit3_trainer::Solution>(parse::<Args>(arguments)?)?;
            read_summary(&run_folder("unit3", &plan.run_name))
        },
    },
    Unit {
        name: "unit4",
        package: "unit4-optimization",
        model: "tuned MLP: 100,000 words and pairs, dropout, AdamW, warm-up + cosine",
        course: Some(0.85352),
        arguments: |plan| train_arguments(plan, &["--epochs", "5"], &[]),
        run: program_unit!("unit4", unit4_optimization),
    },
    Unit {
        name: "unit5",
        package: "unit5-embeddings",
        model: "Embedding(10000, 128), masked mean, Linear (learned table)",
        course: Some(0.88032),
        arguments: |plan| train_arguments(plan, &["--epochs", "10"], &[]),
        run: program_unit!("unit5", unit5_embeddings),
    },
    Unit {
        name: "unit6",
        package: "unit6-cnn",
        model: "text CNN (kernels 3, 4, 5), masked max + mean pooling",
        course: Some(0.84536),
        arguments: |plan| train_arguments(plan, &["--epochs", "8", "--random-init"], &[]),
        run: program_unit!("unit6", unit6_cnn),
    },
    Unit {
        name: "unit7",
        package: "unit7-rnn",
        model: "bidirectional LSTM (64), mean + max (step by step on a CPU, packed on a GPU)",
        course: Some(0.86724),
        arguments: |plan| train_arguments(plan, &["--epochs", "4", "--random-init"], &[]),
        run: program_unit!("unit7", unit7_rnn),
    },
    Unit {
        name: "unit8",
        package: "unit8-transformers",
        model: "1-layer Transformer encoder (feed-forward 256), masked mean",
        course: Some(0.85952),
        arguments: |plan| train_arguments(plan, &["--epochs", "6", "--random-init"], &[]),
        run: program_unit!("unit8", unit8_transformers),
    },
    Unit {
        name: "unit9",
        package: "unit9-pretrained",
        // The course fine-tuned DistilBERT on a GPU; here MiniLM, fine-tuned on the CPU.
        model: "all-MiniLM-L6-v2 fine-tuned (1 epoch, 256 tokens), predicting from 512 tokens with 8-bit weights (course: DistilBERT fine-tuned)",
        course: Some(0.91472),
        // Quick: fine-tuning on 64 tokens, predicting from 128 (1 min 18 s on 2 cores).
        arguments: |plan| train_arguments(plan, &["--max-len", "64", "--predict-max-len", "128"], &[]),
        run: program_unit!("unit9", unit9_pretrained),
    },
];

/// What a unit needs before its run, done and described. The full leaderboard's units 6-8 start
/// from unit 5's word2vec vectors, as their defaults do: trained here first when missing (the
/// quick one starts them at random: `--random-init`).
pub fn prepare(unit: &Unit, plan: &Plan) -> Result<Vec<String>> {
    let needs_word2vec =
        plan.mode == Mode::Full && ["unit6", "unit7", "unit8"].contains(&unit.name);
    if !needs_word2vec {
        return Ok(Vec::new());
    }
    let vectors = course_core::cli::unit5_word2vec_vectors();
    if vectors.exists() {
        return Ok(vec![format!(
            "embedding table from unit 5's word2vec vectors ({}), trained earlier",
            super::rows::shown_path(&vectors)
        )]);
    }
    let arguments = strings(&["word2vec", "--data", &plan.data]);
    let command = command_line("unit5-embeddings", &arguments);
    println!("Unit 5's word2vec vectors are missing; training them first: {command}");
    let started = Instant::now();
    unit5_embeddings::program::run::<unit5_embeddings::Solution>(parse(&arguments)?)?;
    Ok(vec![format!(
        "embedding table from unit 5's word2vec vectors, trained first by `{command}` in {} (included in the time)",
        super::rows::duration(started.elapsed().as_secs_f64())
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(mode: Mode) -> Plan {
        Plan {
            mode,
            data: "datasets/imdb".to_string(),
            run_name: "leaderboard-test".to_string(),
            device: None,
            seed: None,
        }
    }

    #[test]
    fn every_units_arguments_parse_as_its_example_would() {
        let on_gpu = Plan {
            device: Some(DeviceChoice::Cuda(0)),
            ..plan(Mode::Quick)
        };
        let seeded = Plan {
            seed: Some(7),
            ..plan(Mode::Full)
        };
        for plan in [plan(Mode::Quick), plan(Mode::Full), on_gpu, seeded] {
            let mode = plan.mode;
            for unit in &UNITS {
                let arguments = unit.arguments_for(&plan);
                if plan.device.is_some() && unit.name != "unit1" {
                    assert!(
                        arguments.ends_with(&strings(&["--device", "cuda:0"])),
                        "{arguments:?}"
                    );
                }
                let has_seed = arguments.ends_with(&strings(&["--seed", "7"]));
                assert_eq!(
                    has_seed,
                    plan.seed.is_some() && unit.name != "unit1",
                    "{}: {arguments:?}",
                    unit.name
                );
                let parsed = match unit.name {
                    "unit1" => parse::<unit1_fundamentals::program::Args>(&arguments).map(drop),
                    "unit2" => parse::<unit2_neural_networks::program::Args>(&arguments).map(drop),
                    "unit3" => parse::<unit3_trainer::program::Args>(&arguments).map(drop),
                    "unit4" => parse::<unit4_optimization::program::Args>(&arguments).map(drop),
                    "unit5" => parse::<unit5_embeddings::program::Args>(&arguments).map(drop),
                    "unit6" => parse::<unit6_cnn::program::Args>(&arguments).map(drop),
                    "unit7" => parse::<unit7_rnn::program::Args>(&arguments).map(drop),
                    "unit8" => parse::<unit8_transformers::program::Args>(&arguments).map(drop),
                    "unit9" => parse::<unit9_pretrained::program::Args>(&arguments).map(drop),
                    other => panic!("no parser for {other}"),
                };
                assert!(parsed.is_ok(), "{} {mode:?}: {:?}", unit.name, parsed.err());
                if unit.name != "unit1" {
                    assert!(
                        arguments.contains(&"datasets/imdb".to_string()),
                        "{}",
                        unit.name
                    );
                }
            }
        }
    }

    #[test]
    fn the_command_line_is_the_one_a_learner_types() {
        let unit = &UNITS[5];
        let line = command_line(unit.package, &(unit.arguments)(&plan(Mode::Quick)));
        assert_eq!(
            line,
            format!(
                "{} -p unit6-cnn --example solution -- train --data datasets/imdb --run-name \
                 leaderboard-test --epochs 8 --random-init",
                cargo_run()
            )
        );
    }
}
