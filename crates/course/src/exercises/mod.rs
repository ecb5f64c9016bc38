//! The learner's loop, as rustlings has it: `course verify`, `watch`, `hint`, `reset`, `list`.
//!
//! Every unit's checks are built and run in a process of their own ([`check`]), so a compile
//! error or an endless loop in one unit's exercise shows up in that unit only.

mod check;
mod progress;
mod reset;
mod watch;

pub use check::Code;
use check::{check, Checked};
use progress::Progress;

use anyhow::{bail, Result};
use course_core::exercises::{progress_report, task_location, Task, TaskInfo};
use std::path::PathBuf;
use std::time::Duration;

/// A unit with an exercise.
pub struct Unit {
    /// "unit7"
    pub name: &'static str,
    /// "unit7-rnn"
    pub package: &'static str,
    /// Its tasks (for their names and hints; checking runs them elsewhere).
    tasks: fn() -> Vec<Task>,
    /// The crate's folder.
    pub dir: PathBuf,
}

impl Unit {
    /// The learner's file.
    pub fn exercise_file(&self) -> PathBuf {
        self.dir.join("src/exercise.rs")
    }

    /// The learner's file, from the workspace root (as git names it).
    pub fn exercise_in_repo(&self) -> String {
        format!("crates/{}/src/exercise.rs", self.package)
    }

    pub fn task_infos(&self) -> Vec<TaskInfo> {
        (self.tasks)().iter().map(Task::info).collect()
    }
}

/// A unit's entry: its name, its crate's package and its crate.
macro_rules! unit {
    ($name:literal, $package:literal, $unit:ident) => {
        Unit {
            name: $name,
            package: $package,
            tasks: $unit::tasks::tasks::<$unit::Solution>,
            dir: course_core::workspace_root().join("crates").join($package),
        }
    };
}

/// Every unit that has exercises, in course order.
pub fn units() -> Vec<Unit> {
    vec![
        unit!("unit1", "unit1-fundamentals", unit1_fundamentals),
        unit!("unit2", "unit2-neural-networks", unit2_neural_networks),
        unit!("unit3", "unit3-trainer", unit3_trainer),
        unit!("unit4", "unit4-optimization", unit4_optimization),
        unit!("unit5", "unit5-embeddings", unit5_embeddings),
        unit!("unit6", "unit6-cnn", unit6_cnn),
        unit!("unit7", "unit7-rnn", unit7_rnn),
        unit!("unit8", "unit8-transformers", unit8_transformers),
        unit!("unit9", "unit9-pretrained", unit9_pretrained),
    ]
}

/// The units named (all when none is), or an error naming the known ones.
fn chosen(names: &[String]) -> Result<Vec<Unit>> {
    let all = units();
    for name in names {
        if !all.iter().any(|u| u.name == name) {
            let known: Vec<&str> = all.iter().map(|u| u.name).collect();
            bail!(
                "no exercises for '{name}'; units with exercises: {}",
                known.join(", ")
            );
        }
    }
    Ok(all
        .into_iter()
        .filter(|u| names.is_empty() || names.iter().any(|n| n == u.name))
        .collect())
}

fn one(name: &str) -> Result<Unit> {
    Ok(chosen(&[name.to_string()])?.remove(0))
}

/// `course verify`: checks the named units (all when none is named), prints each one's progress,
/// and fails unless every task passes.
pub fn verify(names: &[String], code: Code, timeout: Duration) -> Result<()> {
    let mut progress = Progress::load();
    let (mut done, mut total, mut broken) = (0, 0, Vec::new());
    for unit in chosen(names)? {
        let checked = check(&unit, code, timeout)?;
        println!("{}", describe(&unit, &checked));
        if code == Code::Exercise {
            remember(&mut progress, &unit, &checked);
        }
        match checked.score() {
            Some((passed, all)) => {
                done += passed;
                total += all;
            }
            None => broken.push(unit.name),
        }
    }
    if code == Code::Exercise {
        progress.save()?;
    }
    let whose = match code {
        Code::Exercise => "exercises",
        Code::Solution => "solutions",
    };
    if !broken.is_empty() {
        let so_far = match total {
            0 => String::new(),
            _ => format!("{done}/{total} tasks done in the {whose}; "),
        };
        bail!(
            "{so_far}{} does not compile yet: the compiler's first error is above",
            broken.join(" and ")
        );
    }
    if done < total {
        bail!("{done}/{total} tasks done in the {whose}; keep going!");
    }
    println!("All {total} tasks done in the {whose}.");
    Ok(())
}

/// `course verify --expect-stubs`, for CI: the committed stubs compile and every one of their
/// tasks is still to do (so no stub gives an answer away, and every check can fail).
pub fn expect_stubs(timeout: Duration) -> Result<()> {
    let mut wrong = Vec::new();
    for unit in units() {
        let stub = reset::committed_stub(&unit, "HEAD")?;
        let mine = std::fs::read_to_string(unit.exercise_file())?;
        if stub != mine {
            bail!(
                "{} differs from the committed stub: --expect-stubs checks the stubs as \
                 committed (commit them, or `course reset {}`)",
                unit.exercise_in_repo(),
                unit.name
            );
        }
        let checked = check(&unit, Code::Exercise, timeout)?;
        println!("{}", describe(&unit, &checked));
        match &checked {
            Checked::DoesNotCompile { .. } => wrong.push(format!("{} does not compile", unit.name)),
            Checked::Ran { outcomes, .. } => {
                for (index, outcome) in outcomes.iter().enumerate() {
                    if *outcome != course_core::exercises::Outcome::NotStarted {
                        wrong.push(format!(
                            "{} task {}: {outcome:?}, not a todo!()",
                            unit.name,
                            index + 1
                        ));
                    }
                }
            }
        }
    }
    if !wrong.is_empty() {
        bail!(
            "the committed stubs must fail every task:\n{}",
            wrong.join("\n")
        );
    }
    println!("Every committed stub compiles and leaves every task to do.");
    Ok(())
}

/// The report of one unit's check, as `verify` and `watch` print it.
fn describe(unit: &Unit, checked: &Checked) -> String {
    match checked {
        Checked::Ran {
            tasks,
            outcomes,
            printed,
        } => {
            let mut report = progress_report(unit.name, tasks, outcomes);
            if !printed.is_empty() {
                let shown = &printed[printed.len().saturating_sub(10)..];
                report += &format!("Your code printed:\n  {}\n", shown.join("\n  "));
            }
            report
        }
        Checked::DoesNotCompile {
            first_error,
            errors,
        } => {
            let more = match errors {
                1 => String::new(),
                n => format!(" ({} more after it)", n - 1),
            };
            format!(
                "{}: {} does not compile yet. The compiler's first error{more}:\n\n{first_error}\n",
                unit.name,
                unit.exercise_in_repo()
            )
        }
    }
}

fn remember(progress: &mut Progress, unit: &Unit, checked: &Checked) {
    let Some(fingerprint) = progress::fingerprint(&unit.exercise_file()) else {
        return;
    };
    let next = match checked {
        Checked::Ran { outcomes, .. } => outcomes.iter().position(|o| !o.passed()).map(|i| i + 1),
        Checked::DoesNotCompile { .. } => None,
    };
    progress.units.insert(
        unit.name.to_string(),
        progress::Verdict {
            fingerprint,
            score: checked.score(),
            next,
        },
    );
}

/// A unit's progress as last checked, for the cohort: tasks done (`None`: the file did not
/// compile), tasks in all, and the next task.
pub struct LastChecked {
    pub unit: &'static str,
    pub done: Option<usize>,
    pub total: usize,
    pub next: Option<usize>,
}

/// Every checked unit's progress as `course verify` last recorded it (units never checked are
/// left out); nothing is checked again.
pub fn last_checked() -> Vec<LastChecked> {
    let progress = Progress::load();
    units()
        .iter()
        .filter_map(|unit| {
            let verdict = progress.units.get(unit.name)?;
            Some(LastChecked {
                unit: unit.name,
                done: verdict.score.map(|(done, _)| done),
                total: unit.task_infos().len(),
                next: verdict.next,
            })
        })
        .collect()
}

/// `course list`: every unit's progress as last checked, without checking anything.
pub fn list() -> Result<()> {
    let progress = Progress::load();
    for unit in units() {
        let tasks = unit.task_infos();
        let line = match (
            progress.current(unit.name, &unit.exercise_file()),
            progress.units.contains_key(unit.name),
        ) {
            (Some(verdict), _) => match (verdict.score, verdict.next) {
                (Some((done, all)), _) if done == all => format!("{done}/{all} done"),
                (Some((done, all)), Some(next)) => format!(
                    "{done}/{all}, next: task {next}, {} ({})",
                    tasks[next - 1].name,
                    task_location(&tasks[next - 1], next)
                ),
                (Some((done, all)), None) => format!("{done}/{all}"),
                (None, _) => "does not compile".to_string(),
            },
            (None, true) => format!(
                "changed since its last check: cargo run -p course -- verify {}",
                unit.name
            ),
            (None, false) => format!("{} tasks, not checked yet", tasks.len()),
        };
        println!("{:<6} {line}", unit.name);
    }
    Ok(())
}

/// `course hint unitN [task]`: one more hint of the task (the next unmet one by default).
pub fn hint(name: &str, task: Option<usize>) -> Result<()> {
    let unit = one(name)?;
    let mut progress = Progress::load();
    let text = hint_text(&unit, task, &mut progress)?;
    progress.save()?;
    print!("{text}");
    Ok(())
}

/// The hints of a task shown so far, one more than last time.
fn hint_text(unit: &Unit, task: Option<usize>, progress: &mut Progress) -> Result<String> {
    let tasks = unit.task_infos();
    let number = task
        .or_else(|| progress.units.get(unit.name).and_then(|v| v.next))
        .unwrap_or(1);
    let Some(info) = tasks.get(number.wrapping_sub(1)) else {
        bail!("{} has tasks 1 to {}", unit.name, tasks.len());
    };
    let shown = progress.next_hint(unit.name, number, info.hints.len());
    let mut text = format!(
        "{} task {number}: {} ({})\n",
        unit.name,
        info.name,
        task_location(info, number)
    );
    for (index, hint) in info.hints.iter().take(shown).enumerate() {
        text += &format!("  Hint {}/{}: {hint}\n", index + 1, info.hints.len());
    }
    if shown < info.hints.len() {
        text += "  (ask again for the next hint)\n";
    } else {
        text += &format!(
            "  That was the last hint. The answer: crates/{}/src/solution.rs\n",
            unit.package
        );
    }
    Ok(text)
}

/// `course reset unitN [task] [--from REV]`.
pub fn reset(name: &str, task: Option<usize>, revision: &str) -> Result<()> {
    let unit = one(name)?;
    println!("{}", reset::reset(&unit, task, revision)?);
    Ok(())
}

/// `course watch [unitN]`.
pub fn watch(name: Option<&str>, timeout: Duration) -> Result<()> {
    let start = match name {
        Some(name) => Some(one(name)?.name),
        None => None,
    };
    watch::watch(start, timeout)
}

#[cfg(test)]
mod tests {
    use super::units;

    /// Whether a hint reads as Rust to type: a statement, a path, a borrow or a method call.
    fn looks_like_code(hint: &str) -> bool {
        let method_call = hint.match_indices('.').any(|(at, _)| {
            let name: String = hint[at + 1..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            !name.is_empty()
                && name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_')
                && hint[at + 1 + name.len()..].starts_with('(')
        });
        ["; ", ";", "::", "let ", "=>", "&"]
            .iter()
            .any(|mark| hint.contains(mark))
            || method_call
    }

    #[test]
    fn the_rule_tells_code_from_ideas_and_maths() {
        for code in [
            "let shifted = logits - logits.amax(-1, true);",
            "tch::no_grad_guard() keeps gradients off",
            "call logits.log_softmax(-1, Kind::Float)",
            "gather(1, &targets, false)",
            "match x { Some(v) => v }",
        ] {
            assert!(looks_like_code(code), "{code}");
        }
        for idea in [
            "softmax(z)_i = exp(z_i) / sum_j exp(z_j): subtract the row's largest score first.",
            "See 'The maths in short' in the unit's README. A mean of batch means weighs the last, smaller batch too much.",
            "The order matters: forward, loss, clear the old gradients, backward, step.",
        ] {
            assert!(!looks_like_code(idea), "{idea}");
        }
    }

    #[test]
    fn no_task_opens_with_code_and_every_task_climbs_in_steps() {
        let mut offending = Vec::new();
        for unit in units() {
            for (number, task) in unit.task_infos().iter().enumerate() {
                let place = format!("{} task {} ({})", unit.name, number + 1, task.name);
                match task.hints.first() {
                    Some(first) if looks_like_code(first) => {
                        offending.push(format!("{place}: first hint is code: {first}"))
                    }
                    None => offending.push(format!("{place}: no hint")),
                    _ => {}
                }
                if task.hints.len() < 2 {
                    offending.push(format!("{place}: one hint only: the idea, then the tools"));
                }
            }
        }
        assert!(offending.is_empty(), "{}", offending.join("\n"));
    }
}
