//! Checking one unit's tasks in processes of their own.
//!
//! 1. Build the unit's `tasks` test with cargo (`--features exercise` for the learner's code).
//!    A compile error stops only this unit; the learner sees the compiler's first error.
//! 2. Run it with `--json`: it reports each task's start and outcome as a line
//!    (`course_core::exercises::runner`). A task that does not finish in time is stopped,
//!    reported as such, and the run goes on from the next task.

use super::Unit;
use anyhow::{Context, Result};
use course_core::exercises::runner::Report;
use course_core::exercises::{Outcome, TaskInfo};
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Whose code the tasks run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// The learner's `src/exercise.rs`.
    Exercise,
    /// The unit's `src/solution.rs`.
    Solution,
}

/// What checking a unit found.
pub enum Checked {
    /// The code compiled; one outcome per task.
    Ran {
        tasks: Vec<TaskInfo>,
        outcomes: Vec<Outcome>,
        /// Lines the code printed while it was checked (a learner's `println!`).
        printed: Vec<String>,
    },
    /// The code does not compile.
    DoesNotCompile {
        /// The compiler's first error, as rustc shows it (with its `file:line`).
        first_error: String,
        errors: usize,
    },
}

impl Checked {
    /// (tasks passed, tasks in all), or `None` when the code does not compile.
    pub fn score(&self) -> Option<(usize, usize)> {
        match self {
            Checked::Ran { outcomes, .. } => Some((
                outcomes.iter().filter(|o| o.passed()).count(),
                outcomes.len(),
            )),
            Checked::DoesNotCompile { .. } => None,
        }
    }
}

/// Builds and runs `unit`'s checks against `code`, each task within `timeout`.
pub fn check(unit: &Unit, code: Code, timeout: Duration) -> Result<Checked> {
    match build(unit, code)? {
        Build::Ready(executable) => run(unit, &executable, timeout),
        Build::Failed {
            first_error,
            errors,
        } => Ok(Checked::DoesNotCompile {
            first_error,
            errors,
        }),
    }
}

enum Build {
    Ready(PathBuf),
    Failed { first_error: String, errors: usize },
}

/// `cargo test --no-run` of the unit's `tasks` test, read as JSON messages.
fn build(unit: &Unit, code: Code) -> Result<Build> {
    let mut command = workspace_cargo::cargo_command();
    command
        .args(["test", "--no-run", "--message-format=json"])
        .args(["-p", unit.package, "--test", "tasks"]);
    if code == Code::Exercise {
        command.args(["--features", "exercise"]);
    }
    // cargo's own progress ("Compiling unit7-rnn ...") goes to the terminal as usual.
    let output = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .context("could not run cargo to build the checks; is cargo on your PATH?")?;
    let mut errors = Vec::new();
    let mut executable = None;
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        match message["reason"].as_str() {
            Some("compiler-message") if message["message"]["level"] == "error" => {
                if let Some(rendered) = message["message"]["rendered"].as_str() {
                    errors.push(rendered.trim_end().to_string());
                }
            }
            Some("compiler-artifact") if message["target"]["name"] == "tasks" => {
                executable = message["executable"].as_str().map(PathBuf::from);
            }
            _ => {}
        }
    }
    // rustc ends with "error: aborting due to N previous errors": a summary, not an error.
    errors.retain(|e| !e.starts_with("error: aborting due to"));
    match (output.status.success(), executable) {
        (true, Some(executable)) => Ok(Build::Ready(executable)),
        _ if !errors.is_empty() => Ok(Build::Failed {
            first_error: errors[0].clone(),
            errors: errors.len(),
        }),
        _ => anyhow::bail!(
            "cargo could not build {}'s checks, and the compiler named no error in the code: \
             cargo's own messages above say why",
            unit.name
        ),
    }
}

/// What the checking process sent: a report, or a line its code printed.
enum Line {
    Report(Report),
    Printed(String),
}

/// Runs the checks, restarting after the task that hung or crashed.
fn run(unit: &Unit, executable: &PathBuf, timeout: Duration) -> Result<Checked> {
    let mut tasks: Option<Vec<TaskInfo>> = None;
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut printed = Vec::new();
    loop {
        let from = outcomes.len() + 1;
        let mut child = Command::new(executable)
            .args(["--json", "--from", &from.to_string()])
            .current_dir(&unit.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("could not start {}", executable.display()))?;
        let lines = read_lines(&mut child);
        let stderr = read_all(&mut child);
        let mut running: Option<(usize, Instant)> = None;
        let ended = loop {
            let wait = match running {
                Some((_, started)) => timeout.saturating_sub(started.elapsed()),
                // Between tasks (loading libtorch, building the task list) the clock is generous.
                None => timeout.max(Duration::from_secs(60)),
            };
            match lines.recv_timeout(wait) {
                Ok(Line::Report(Report::Tasks { tasks: list, .. })) => tasks = Some(list),
                Ok(Line::Report(Report::Start { task })) => running = Some((task, Instant::now())),
                Ok(Line::Report(Report::Finished { outcome, .. })) => {
                    outcomes.push(outcome);
                    running = None;
                }
                Ok(Line::Printed(line)) => printed.push(line),
                Err(RecvTimeoutError::Timeout) => break Ended::TimedOut(running.map(|r| r.0)),
                Err(RecvTimeoutError::Disconnected) => break Ended::Exited(running.map(|r| r.0)),
            }
        };
        let _ = child.kill();
        let status = child.wait().ok();
        let total = tasks.as_ref().map(Vec::len);
        match ended {
            Ended::TimedOut(Some(_)) => outcomes.push(Outcome::TimedOut(timeout.as_secs())),
            Ended::Exited(Some(_)) => {
                let last_words = stderr.join().unwrap_or_default();
                outcomes.push(Outcome::Failed(format!(
                    "the check crashed its process ({}){}",
                    status.map_or("killed".to_string(), |s| s.to_string()),
                    tail(&last_words)
                )));
            }
            Ended::Exited(None) if Some(outcomes.len()) == total => break,
            Ended::Exited(None) | Ended::TimedOut(None) => {
                let last_words = stderr.join().unwrap_or_default();
                anyhow::bail!(
                    "{}'s checks stopped before reporting ({}){}",
                    unit.name,
                    status.map_or("killed".to_string(), |s| s.to_string()),
                    tail(&last_words)
                );
            }
        }
        if Some(outcomes.len()) == total {
            break;
        }
    }
    Ok(Checked::Ran {
        tasks: tasks.unwrap_or_default(),
        outcomes,
        printed,
    })
}

enum Ended {
    /// Nothing came in time; the task that was running, if one was.
    TimedOut(Option<usize>),
    /// The process closed its output; the task that was running, if one was.
    Exited(Option<usize>),
}

/// The child's stdout, line by line, on a channel (so the reader can wait with a clock).
fn read_lines(child: &mut Child) -> Receiver<Line> {
    let stdout = child.stdout.take().expect("stdout is piped");
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line.is_empty() {
                continue;
            }
            let parsed = match serde_json::from_str::<Report>(&line) {
                Ok(report) => Line::Report(report),
                Err(_) => Line::Printed(line),
            };
            if send.send(parsed).is_err() {
                break;
            }
        }
    });
    receive
}

/// The child's stderr, kept whole, for when it crashes.
fn read_all(child: &mut Child) -> std::thread::JoinHandle<String> {
    let mut stderr = child.stderr.take().expect("stderr is piped");
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    })
}

/// The last lines of what a crashed process wrote, to show after its exit status.
fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return String::new();
    }
    let last = &lines[lines.len().saturating_sub(8)..];
    format!("; it last wrote:\n    {}", last.join("\n    "))
}
