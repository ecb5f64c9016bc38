//! Every unit's program, as `cargo run -p unitN-... --example solution` starts it: one entry
//! shape (`program::run(Args)`), training with no arguments, and one set of training flags.

use clap::Parser;
use course_core::cli::TrainOptions;
use std::path::Path;

/// The shared flags as a unit's `train` read them.
fn check_shared_flags(unit: &str, options: &TrainOptions) {
    assert_eq!(options.lr, Some(0.01), "{unit}: --lr");
    assert_eq!(options.epochs, Some(1), "{unit}: --epochs");
    assert_eq!(
        options.data.as_deref(),
        Some(Path::new("D")),
        "{unit}: --data"
    );
    assert_eq!(
        options.resume,
        Some(Some(Path::new("X").to_path_buf())),
        "{unit}: --resume"
    );
    assert_eq!(options.seed, Some(7), "{unit}: --seed");
    assert_eq!(options.batch_size, Some(16), "{unit}: --batch-size");
    assert_eq!(
        options.device,
        Some(course_core::training::DeviceChoice::Cpu),
        "{unit}: --device"
    );
}

const SHARED: [&str; 15] = [
    "solution",
    "--lr",
    "0.01",
    "--epochs",
    "1",
    "--resume",
    "X",
    "--data",
    "D",
    "--seed",
    "7",
    "--batch-size",
    "16",
    "--device",
    "cpu",
];

/// Units 4-9 have several commands; with none, they train, and `train`'s flags work without
/// the word `train`.
macro_rules! trains {
    ($unit:ident, $arguments:expr) => {{
        use $unit::program::{Args, Command};
        let command = Args::try_parse_from($arguments)
            .unwrap_or_else(|e| panic!("{}: {e}", stringify!($unit)))
            .into_command(Command::Train);
        match command {
            Command::Train(train) => train,
            #[allow(unreachable_patterns)]
            other => panic!("{}: {other:?}", stringify!($unit)),
        }
    }};
}

#[test]
fn every_unit_trains_when_given_no_arguments() {
    // Units 1-3 have one job and no commands: their arguments parse from nothing.
    assert!(unit1_fundamentals::program::Args::try_parse_from(["solution"]).is_ok());
    assert!(unit2_neural_networks::program::Args::try_parse_from(["solution"]).is_ok());
    assert!(unit3_trainer::program::Args::try_parse_from(["solution"]).is_ok());
    trains!(unit4_optimization, ["solution"]);
    trains!(unit5_embeddings, ["solution"]);
    trains!(unit6_cnn, ["solution"]);
    trains!(unit7_rnn, ["solution"]);
    trains!(unit8_transformers, ["solution"]);
    trains!(unit9_pretrained, ["solution"]);
}

#[test]
fn every_unit_that_trains_on_the_reviews_takes_the_same_flags() {
    let unit2 = unit2_neural_networks::program::Args::try_parse_from(SHARED).unwrap();
    check_shared_flags("unit2", &unit2.options);
    let unit3 = unit3_trainer::program::Args::try_parse_from(SHARED).unwrap();
    check_shared_flags("unit3", &unit3.options);
    check_shared_flags("unit4", &trains!(unit4_optimization, SHARED).options);
    check_shared_flags("unit5", &trains!(unit5_embeddings, SHARED).options);
    check_shared_flags("unit6", &trains!(unit6_cnn, SHARED).options);
    check_shared_flags("unit7", &trains!(unit7_rnn, SHARED).options);
    check_shared_flags("unit8", &trains!(unit8_transformers, SHARED).options);
    check_shared_flags("unit9", &trains!(unit9_pretrained, SHARED).options);
    // Unit 1 learns from 2-D toy points: no reviews, no run folder; its loop takes the same
    // names for what it has.
    let unit1 = unit1_fundamentals::program::Args::try_parse_from([
        "solution", "--lr", "0.01", "--epochs", "1", "--seed", "7",
    ])
    .unwrap();
    assert_eq!((unit1.lr, unit1.epochs, unit1.seed), (0.01, 1, 7));
}

#[test]
fn resume_alone_continues_the_latest_run_and_a_new_run_setting_beside_it_is_refused() {
    let latest = trains!(unit7_rnn, ["solution", "--resume"]);
    assert_eq!(latest.options.resume, Some(None));
    // `--config` chooses a new run's settings: beside --resume it is an error, not ignored.
    let both = unit7_rnn::program::Args::try_parse_from([
        "solution", "--resume", "x", "--config", "faithful",
    ]);
    assert!(both.is_err());
    let error = unit3_trainer::program::Args::try_parse_from([
        "solution",
        "--resume",
        "x",
        "--vocabulary",
        "course",
    ])
    .unwrap_err();
    assert!(error.to_string().contains("cannot be used with"), "{error}");
}
