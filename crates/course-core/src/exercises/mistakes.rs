//! Proving a unit's checks: wrong answers each check must catch.
//!
//! A check that passes the solution and fails a `todo!()` proves little: a `todo!()` fails every
//! check. Each unit's `tests/mistakes.rs` writes the mistakes a learner plausibly makes (a sign,
//! an off-by-one, the mask forgotten, `zero_grad` forgotten...), each an `Answers` implementation
//! that is the solution except for that one mistake, and [`assert_all_caught`] checks that each
//! one
//!
//! * passes every task before its own (the learner is pointed at the right task),
//! * fails its own task with a message (not a `todo!()`, not a pass),
//! * and that the message says something that leads to the mistake (`says`).
//!
//! `docs/exercises.md` shows per task how many mistakes its check is proven to catch;
//! [`assert_documented`] keeps that table honest.

use super::{run_task, Outcome, Task};

/// One wrong answer and the task that must catch it.
pub struct Mistake {
    /// The task the mistake is in, from 1: it must fail, the tasks before it must pass.
    pub task: usize,
    /// The mistake, as a learner makes it: "divides by the padded length".
    pub what: &'static str,
    /// The unit's tasks, checked against the wrong answer (`tasks::<Wrong<ByPaddedLength>>`).
    pub tasks: fn() -> Vec<Task>,
    /// Words the failure must contain (case-insensitively), so that it leads to the mistake.
    pub says: &'static str,
}

/// `Ok(the failure message)` when the mistake is caught as it should be, else why it is not.
pub fn caught(mistake: &Mistake) -> Result<String, String> {
    let tasks = (mistake.tasks)();
    let number = mistake.task;
    let own = tasks
        .get(number.wrapping_sub(1))
        .ok_or_else(|| format!("the unit has no task {number}"))?;
    for (index, earlier) in tasks[..number - 1].iter().enumerate() {
        let outcome = run_task(earlier, true);
        if !outcome.passed() {
            return Err(format!(
                "task {} ({}) fails too, so the learner is sent to the wrong task: {outcome:?}",
                index + 1,
                earlier.name
            ));
        }
    }
    match run_task(own, true) {
        Outcome::Failed(message) => {
            if message
                .to_lowercase()
                .contains(&mistake.says.to_lowercase())
            {
                Ok(message)
            } else {
                Err(format!(
                    "caught, but the message does not say \"{}\": {message}",
                    mistake.says
                ))
            }
        }
        Outcome::Passed => Err("its task passes: the check lets the mistake through".into()),
        other => Err(format!("its task ends as {other:?}, not as a failure")),
    }
}

/// Checks every mistake of `unit` and panics with the list of those not caught as they should be.
/// Prints each caught mistake with the message a learner would read.
pub fn assert_all_caught(unit: &str, mistakes: &[Mistake]) {
    let mut problems = Vec::new();
    for mistake in mistakes {
        match caught(mistake) {
            Ok(message) => println!(
                "{unit} task {}: caught \"{}\": {}",
                mistake.task,
                mistake.what,
                first_line(&message)
            ),
            Err(problem) => problems.push(format!(
                "{unit} task {} \"{}\": {problem}",
                mistake.task, mistake.what
            )),
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {} mistakes are not caught as they should be:\n{}",
        problems.len(),
        mistakes.len(),
        problems.join("\n")
    );
}

fn first_line(message: &str) -> &str {
    let line = message.lines().next().unwrap_or_default();
    match line.char_indices().nth(160) {
        Some((end, _)) => &line[..end],
        None => line,
    }
}

/// How many mistakes each of `task_count` tasks is proven to catch, task 1 first.
pub fn counts(task_count: usize, mistakes: &[Mistake]) -> Vec<usize> {
    (1..=task_count)
        .map(|task| mistakes.iter().filter(|m| m.task == task).count())
        .collect()
}

/// The rows of `docs/exercises.md`'s table for `unit`: `| unit5 | 1 | masked mean ... | 3 |`,
/// one per task, as [`assert_documented`] expects them.
pub fn table_rows(unit: &str, tasks: &[Task], mistakes: &[Mistake]) -> Vec<String> {
    tasks
        .iter()
        .zip(counts(tasks.len(), mistakes))
        .enumerate()
        .map(|(index, (task, count))| {
            format!("| {unit} | {} | {} | {count} |", index + 1, task.name)
        })
        .collect()
}

/// Panics unless `docs/exercises.md` holds exactly [`table_rows`] for `unit` (the message has the
/// rows to paste), and unless task N has at least `at_least[N - 1]` mistakes (0 for a task that
/// only puts earlier tasks together and has no code of its own to get wrong).
pub fn assert_documented(unit: &str, tasks: &[Task], mistakes: &[Mistake], at_least: &[usize]) {
    assert_eq!(
        at_least.len(),
        tasks.len(),
        "{unit}: one minimum per task expected"
    );
    let path = crate::workspace_root().join("docs/exercises.md");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let prefix = format!("| {unit} |");
    let documented: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with(&prefix))
        .collect();
    let expected = table_rows(unit, tasks, mistakes);
    assert!(
        documented == expected,
        "{}'s table of mistakes is not what the tests prove; its rows should read:\n{}",
        path.display(),
        expected.join("\n")
    );
    for (index, (count, least)) in counts(tasks.len(), mistakes)
        .iter()
        .zip(at_least)
        .enumerate()
    {
        assert!(
            count >= least,
            "{unit} task {} has {count} mistakes written; at least {least} expected",
            index + 1
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passes() -> anyhow::Result<()> {
        Ok(())
    }
    fn fails() -> anyhow::Result<()> {
        anyhow::bail!("expected shape [2], got [3]")
    }
    fn task(check: fn() -> anyhow::Result<()>) -> Task {
        Task {
            name: "a task",
            checked_against: "a value worked out by hand",
            trains: false,
            file: "src/exercise.rs",
            hints: &[],
            check,
        }
    }
    fn mistake(task: usize, tasks: fn() -> Vec<Task>, says: &'static str) -> Mistake {
        Mistake {
            task,
            what: "a mistake",
            tasks,
            says,
        }
    }

    #[test]
    fn a_mistake_is_caught_only_by_its_own_task_with_words_that_help() {
        let second_fails = || vec![task(passes), task(fails)];
        assert!(caught(&mistake(2, second_fails, "SHAPE")).is_ok());
        let problem = caught(&mistake(2, second_fails, "the mask")).unwrap_err();
        assert!(problem.contains("does not say"), "{problem}");
        let both_fail = || vec![task(fails), task(fails)];
        let problem = caught(&mistake(2, both_fail, "shape")).unwrap_err();
        assert!(problem.contains("task 1"), "{problem}");
        let passing = || vec![task(passes), task(passes)];
        let problem = caught(&mistake(2, passing, "shape")).unwrap_err();
        assert!(problem.contains("lets the mistake through"), "{problem}");
        assert!(caught(&mistake(3, passing, "")).is_err());
        assert!(caught(&mistake(0, passing, "")).is_err());
    }

    #[test]
    fn the_table_has_a_row_per_task_with_its_count() {
        let tasks = [task(passes), task(passes)];
        let two = || vec![task(passes), task(fails)];
        let mistakes = [mistake(2, two, "x"), mistake(2, two, "y")];
        assert_eq!(counts(2, &mistakes), vec![0, 2]);
        assert_eq!(
            table_rows("unit0", &tasks, &mistakes),
            vec!["| unit0 | 1 | a task | 0 |", "| unit0 | 2 | a task | 2 |"]
        );
    }
}
