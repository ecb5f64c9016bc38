//! Every unit's program, as `cargo run -p unitN-... --example solution` starts it.

use clap::Parser;

/// Units 4-9 have several commands; with none, they train.
macro_rules! trains_with_no_arguments {
    ($unit:ident) => {{
        use $unit::program::{Args, Command};
        let command = Args::try_parse_from(["solution"])
            .unwrap_or_else(|e| panic!("{}: {e}", stringify!($unit)))
            .into_command(Command::Train);
        assert!(
            matches!(command, Command::Train(_)),
            "{}: {command:?}",
            stringify!($unit)
        );
    }};
}

#[test]
fn every_unit_trains_when_given_no_arguments() {
    // Units 1-3 have one job and no commands: their arguments parse from nothing.
    assert!(unit1_fundamentals::program::Args::try_parse_from(["solution"]).is_ok());
    assert!(unit2_neural_networks::run::Args::try_parse_from(["solution"]).is_ok());
    assert!(unit3_trainer::experiment::Args::try_parse_from(["solution"]).is_ok());
    trains_with_no_arguments!(unit4_optimization);
    trains_with_no_arguments!(unit5_embeddings);
    trains_with_no_arguments!(unit6_cnn);
    trains_with_no_arguments!(unit7_rnn);
    trains_with_no_arguments!(unit8_transformers);
    trains_with_no_arguments!(unit9_pretrained);
}
