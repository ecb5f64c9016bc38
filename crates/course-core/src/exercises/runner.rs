//! The `main` of every unit's `tests/tasks.rs` (a test without libtest's harness).
//!
//! Run by `cargo test -p <unit> [--features exercise]`, it checks every task and prints the
//! progress report and a libtest-style closing line; it fails unless every task passes.
//!
//! Run by `course verify` with `--json`, it prints one JSON [`Report`] per line instead, as it
//! goes: the tasks, then each task's start and outcome. `course verify` reads them with a clock
//! running, so a check that never ends is stopped and reported, and the run goes on from the next
//! task (`--from N`).

use super::{progress_report, run_task, Outcome, Task, TaskInfo};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::time::Instant;

/// One line of the `--json` output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Report {
    /// First: the unit's tasks, in order.
    Tasks { unit: String, tasks: Vec<TaskInfo> },
    /// Task `task` (from 1) starts.
    Start { task: usize },
    /// Task `task` ended so.
    Finished { task: usize, outcome: Outcome },
}

/// What the command line asked for.
struct Options {
    json: bool,
    /// The first task to run, from 1.
    from: usize,
}

impl Options {
    /// `--json` and `--from N`; anything else (libtest's own flags, a test-name filter that
    /// `cargo test` passes on) is ignored.
    fn parse(args: impl Iterator<Item = String>) -> Options {
        let mut options = Options {
            json: false,
            from: 1,
        };
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--json" => options.json = true,
                "--from" => {
                    if let Some(n) = args.next().and_then(|n| n.parse().ok()) {
                        options.from = n;
                    }
                }
                _ => {}
            }
        }
        options
    }
}

/// Checks `tasks` of `unit` and exits: 0 when every task passed, 1 otherwise.
pub fn main(unit: &str, tasks: &[Task]) -> ! {
    let options = Options::parse(std::env::args().skip(1));
    let all_passed = if options.json {
        report_as_json(unit, tasks, options.from);
        true
    } else {
        report_as_text(unit, tasks)
    };
    std::process::exit(if all_passed { 0 } else { 1 })
}

fn report_as_json(unit: &str, tasks: &[Task], from: usize) {
    let mut out = std::io::stdout().lock();
    let mut send = |report: Report| {
        // A closed pipe means `course verify` stopped listening: nothing left to do.
        // Each report on a line of its own, even after a learner's `print!` without a newline.
        let line = serde_json::to_string(&report).expect("reports serialise");
        if write!(out, "\n{line}\n").and_then(|_| out.flush()).is_err() {
            std::process::exit(1);
        }
    };
    send(Report::Tasks {
        unit: unit.to_string(),
        tasks: tasks.iter().map(Task::info).collect(),
    });
    for (index, task) in tasks.iter().enumerate().skip(from.saturating_sub(1)) {
        send(Report::Start { task: index + 1 });
        let outcome = run_task(task, true);
        send(Report::Finished {
            task: index + 1,
            outcome,
        });
    }
}

/// The report a person reads, ending with a line in libtest's format so that tools which count
/// `cargo test`'s results count these checks too.
fn report_as_text(unit: &str, tasks: &[Task]) -> bool {
    let started = Instant::now();
    let outcomes: Vec<Outcome> = tasks.iter().map(|task| run_task(task, false)).collect();
    let infos: Vec<TaskInfo> = tasks.iter().map(Task::info).collect();
    println!("\n{}", progress_report(unit, &infos, &outcomes));
    let passed = outcomes.iter().filter(|o| o.passed()).count();
    let failed = outcomes.len() - passed;
    let verdict = if failed == 0 { "ok" } else { "FAILED" };
    println!(
        "test result: {verdict}. {passed} passed; {failed} failed; 0 ignored; 0 measured; 0 \
         filtered out; finished in {:.2}s\n",
        started.elapsed().as_secs_f64()
    );
    failed == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_take_json_and_from_and_ignore_the_rest() {
        let parse = |args: &[&str]| Options::parse(args.iter().map(|a| a.to_string()));
        let options = parse(&["--nocapture", "--json", "--from", "3", "some_filter"]);
        assert!(options.json);
        assert_eq!(options.from, 3);
        let options = parse(&[]);
        assert!(!options.json);
        assert_eq!(options.from, 1);
    }

    #[test]
    fn reports_read_back_as_they_were_written() {
        let reports = [
            Report::Start { task: 2 },
            Report::Finished {
                task: 2,
                outcome: Outcome::Failed("expected 3, got 4".into()),
            },
            Report::Finished {
                task: 3,
                outcome: Outcome::NotStarted,
            },
        ];
        for report in reports {
            let line = serde_json::to_string(&report).unwrap();
            assert_eq!(
                serde_json::from_str::<Report>(&line).unwrap(),
                report,
                "{line}"
            );
        }
    }
}
