//! `course`: one command for the course's chores.
//!
//! ```sh
//! course leaderboard --quick                  # every unit on the bundled sample, a few minutes
//! course leaderboard [unit6 ...]               # the solutions on the full data
//! course demo                                # what `make demo` runs: leaderboard --quick
//! course baseline                            # unit 2's bag of words on the bundled sample
//! course data check [--data DIR]             # read and check the Kaggle files
//! course data convert-aclimdb aclImdb/ datasets/imdb/
//! course score runs/unit2/solution/submission.csv
//! course runs                                # every run, best validation and test accuracy
//! course runs compare unit3/a unit3/b        # configuration differences and metrics
//! course verify [unit1 ...]                  # check your exercises: tasks done, what is next
//! course watch [unit1]                        # check again at each save of your exercise
//! course hint unit1 [task]                    # one more hint
//! course reset unit1 [task]                   # the stub back
//! course list                                 # every unit's progress, as last checked
//! course mine unit7                           # train your own settings; your leaderboard
//! course cohort serve                         # an instructor's server for a cohort
//! course cohort join URL CODE --name Ada      # join a cohort
//! course submit unit7                         # your run scored and ranked by the cohort's server
//! course cohort                               # the cohort's boards
//! course docs [--check]                       # each chapter's exercise list and result table
//! ```

mod chapters;
mod cohort;
mod data_commands;
mod exercises;
mod leaderboard;
mod mine;
mod runs_commands;

use anyhow::Result;
use clap::{Parser, Subcommand};
use course_core::data::DataDir;
use course_core::device::DeviceChoice;
use std::path::PathBuf;
use std::time::Duration;
use unit2_neural_networks::program::{train, RunOptions};
use unit2_neural_networks::training::LoopConfig;

#[derive(Parser)]
#[command(
    name = "course",
    about = "Deep learning in Rust: the IMDb sentiment course",
    version
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run each unit's solution and show validation and test accuracy and wall time
    /// beside the original course's figures (writes docs/results.md from the rows in docs/results/; --quick: runs/leaderboard/)
    Leaderboard {
        /// Units to run, e.g. unit6 unit7 (default: all)
        units: Vec<String>,
        /// The bundled sample and few epochs: every unit in a few minutes (a check, not a result)
        #[arg(long)]
        quick: bool,
        /// Another data folder (default: the sample with --quick, else datasets/imdb)
        #[arg(long)]
        data: Option<PathBuf>,
        /// Where the results table goes (default: docs/results.md; runs/leaderboard/quick.md with --quick)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Train every unit on this device: auto, cpu, cuda, cuda:N or mps [default: auto]
        #[arg(long)]
        device: Option<DeviceChoice>,
        /// Run each unit with N seeds (123, 7, 42, ...; unit 9 at most 2) and report the mean and the range [default: one run, seed 123]
        #[arg(long, default_value_t = 0, value_name = "N")]
        seeds: usize,
    },
    /// What `make demo` runs: every unit on the bundled sample (`leaderboard --quick`)
    Demo,
    /// Train unit 2's bag-of-words baseline on the bundled sample and write a submission
    Baseline {
        /// Folder with the Kaggle files (default: the bundled sample)
        #[arg(long)]
        data: Option<PathBuf>,
        #[arg(long, default_value_t = 5)]
        epochs: usize,
        #[arg(long, default_value = "runs/demo/submission.csv")]
        submission: PathBuf,
        /// auto, cpu, cuda, cuda:N or mps
        #[arg(long, default_value_t = DeviceChoice::Auto)]
        device: DeviceChoice,
    },
    /// Check, convert or sample the IMDb data
    #[command(subcommand)]
    Data(data_commands::DataCommand),
    /// List the runs under runs/, or compare some side by side
    Runs {
        #[command(subcommand)]
        command: Option<runs_commands::RunsCommand>,
        /// The runs folder (default: COURSE_RUNS_DIR, else runs/ in the workspace)
        #[arg(long, global = true)]
        dir: Option<PathBuf>,
    },
    /// Check your exercises (all units, or those named): tasks done and the next one to do
    Verify {
        /// Units to check, e.g. unit1 unit3 (default: all)
        units: Vec<String>,
        /// Check the solutions instead of the exercises
        #[arg(long, conflicts_with = "expect_stubs")]
        solutions: bool,
        /// For CI: check that the committed stubs compile and leave every task to do
        #[arg(long, conflicts_with = "units")]
        expect_stubs: bool,
        /// Seconds a task's check may take before it is stopped as hung
        #[arg(long, default_value_t = 120)]
        timeout: u64,
    },
    /// Check a unit's exercise each time you save it, and move on as tasks pass
    Watch {
        /// The unit to start with (default: the first one not done)
        unit: Option<String>,
        /// Seconds a task's check may take before it is stopped as hung
        #[arg(long, default_value_t = 120)]
        timeout: u64,
    },
    /// One more hint for a task (the next one to do by default); ask again for more
    Hint { unit: String, task: Option<usize> },
    /// Put the committed stub back into your exercise file: all of it, or one task
    Reset {
        unit: String,
        task: Option<usize>,
        /// The git revision whose stub to restore (if you committed your answers: origin/main)
        #[arg(long, default_value = "HEAD")]
        from: String,
    },
    /// Every unit's progress as last checked (checks nothing)
    List,
    /// Train your own settings (`my_settings` in the unit's src/exercise.rs) with your code, then
    /// show your leaderboard: your best run by validation per unit, and its test score
    Mine {
        /// The unit to train (unit3 ... unit8); without one, only the leaderboard
        unit: Option<String>,
        /// Folder with the Kaggle files [default: datasets/imdb when complete, else the sample]
        #[arg(long)]
        data: Option<PathBuf>,
    },
    /// Take the course as a cohort: the boards (no subcommand), joining, and the instructor's server
    Cohort {
        #[command(subcommand)]
        command: Option<cohort::CohortCommand>,
    },
    /// Send a finished run's submission to your cohort: the server scores and ranks it
    Submit {
        /// The unit, e.g. unit3
        #[arg(required_unless_present = "pending")]
        unit: Option<String>,
        /// The run to submit [default: your finished run with the best validation accuracy]
        #[arg(long, conflicts_with = "pending")]
        run: Option<String>,
        /// Send the submissions that could not reach the server before
        #[arg(long)]
        pending: bool,
    },
    /// Write each chapter's exercise list and result table from the code and docs/results/
    Docs {
        /// Change nothing; fail when a chapter differs from what would be written
        #[arg(long)]
        check: bool,
    },
    /// Score a submission offline against the test reviews (labels from the ids' ratings)
    Score {
        submission: PathBuf,
        /// Folder with testData.tsv(.gz) (default: IMDB_DIR, datasets/imdb, the sample)
        #[arg(long)]
        data: Option<PathBuf>,
    },
}

fn main() {
    if let Err(error) = dispatch(Cli::parse()) {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Leaderboard {
            units,
            quick,
            data,
            out,
            device,
            seeds,
        } => leaderboard::leaderboard(leaderboard::Request {
            units,
            mode: if quick {
                leaderboard::Mode::Quick
            } else {
                leaderboard::Mode::Full
            },
            data,
            out,
            device,
            seeds,
        }),
        Command::Verify {
            units,
            solutions,
            expect_stubs,
            timeout,
        } => {
            let timeout = Duration::from_secs(timeout);
            if expect_stubs {
                exercises::expect_stubs(timeout)
            } else if solutions {
                exercises::verify(&units, exercises::Code::Solution, timeout)
            } else {
                exercises::verify(&units, exercises::Code::Exercise, timeout)
            }
        }
        Command::Watch { unit, timeout } => {
            exercises::watch(unit.as_deref(), Duration::from_secs(timeout))
        }
        Command::Hint { unit, task } => exercises::hint(&unit, task),
        Command::Reset { unit, task, from } => exercises::reset(&unit, task, &from),
        Command::List => exercises::list(),
        Command::Mine { unit, data } => mine::mine(unit.as_deref(), data.as_deref()),
        Command::Demo => leaderboard::leaderboard(leaderboard::Request {
            units: Vec::new(),
            mode: leaderboard::Mode::Quick,
            data: None,
            out: None,
            device: None,
            seeds: 0,
        }),
        Command::Baseline {
            data,
            epochs,
            submission,
            device,
        } => {
            let data = match data {
                Some(dir) => DataDir::resolve(Some(&dir))?,
                None => DataDir::bundled_sample(),
            };
            let loop_config = LoopConfig {
                epochs,
                ..LoopConfig::default()
            };
            train::<unit2_neural_networks::Solution>(&RunOptions {
                data,
                max_features: 10_000,
                loop_config,
                submission,
                device: device.on_this_machine()?,
            })?;
            Ok(())
        }
        Command::Data(command) => data_commands::execute(command),
        Command::Cohort { command } => cohort::execute(command),
        Command::Docs { check } => chapters::docs(check),
        Command::Submit { unit, run, pending } => {
            cohort::submit(unit.as_deref(), run.as_deref(), pending)
        }
        Command::Runs { command, dir } => runs_commands::execute(command, dir),
        Command::Score { submission, data } => {
            let data = DataDir::resolve(data.as_deref())?;
            let score = course_core::data::submission::score_file(&submission, &data.test()?)?;
            println!(
                "{}: accuracy {:.5} ({} of {} test reviews)",
                submission.display(),
                score.accuracy(),
                score.correct,
                score.total
            );
            Ok(())
        }
    }
}
