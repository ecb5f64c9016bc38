//! The exercise mechanism every unit uses, in the spirit of rustlings.
//!
//! Each unit crate writes the learner's part twice, behind one trait of its own (called
//! `Answers` in every unit): `Solution` implements it, and `Exercise` (in `src/exercise.rs`,
//! compiled only with the unit's `exercise` feature) implements it with stubs: `todo!()` under a
//! `// TODO (task N)` comment that states the task. The unit's checks are a list of [`Task`]s,
//! generic over the trait, so the same checks run against either:
//!
//! * `cargo test -p <unit>` checks the solution (`make test` and CI do this);
//! * `cargo test -p <unit> --features exercise` checks the learner's exercise;
//! * `course verify`, `course watch` and `course list` build that same test in a process of its
//!   own, one unit at a time, so a learner's compile error or endless loop in one unit never
//!   stops another unit, the solutions or `make test` ([`runner`] is that test's `main`).
//!
//! A check says what is still wrong ("expected shape [4, 2], got [4]") rather than only failing.

pub mod mistakes;
pub mod runner;

use serde::{Deserialize, Serialize};
use std::panic::{self, AssertUnwindSafe};

/// One thing a learner has to make work.
pub struct Task {
    /// Short name: "perceptron update rule".
    pub name: &'static str,
    /// What the check compares the learner's code with, completing "checked against ...":
    /// "libtorch's `lstm_cell` on the same weights". The chapter's exercise list shows it.
    pub checked_against: &'static str,
    /// Whether the unit's exercise run (`--features exercise --example exercise`) trains with
    /// the learner's code for this task; `false`: checked only.
    pub trains: bool,
    /// The file where the learner writes it, from the workspace root.
    pub file: &'static str,
    /// Hints, from a nudge to nearly the answer: `course hint` shows one more at each call.
    pub hints: &'static [&'static str],
    /// Runs the check: `Err` says what is still wrong.
    pub check: fn() -> anyhow::Result<()>,
}

/// What a report needs of a task: the [`Task`] without its check, as the checking process
/// sends it to `course verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskInfo {
    pub name: String,
    pub checked_against: String,
    pub trains: bool,
    pub file: String,
    pub hints: Vec<String>,
}

impl Task {
    pub fn info(&self) -> TaskInfo {
        TaskInfo {
            name: self.name.to_string(),
            checked_against: self.checked_against.to_string(),
            trains: self.trains,
            file: self.file.to_string(),
            hints: self.hints.iter().map(|h| h.to_string()).collect(),
        }
    }
}

/// What happened when a task's check ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Passed,
    /// The stub is still there (the code hit `todo!()`).
    NotStarted,
    /// The code runs but is wrong; the text says how.
    Failed(String),
    /// The check did not finish within this many seconds (an endless loop?) and was stopped.
    TimedOut(u64),
}

impl Outcome {
    pub fn passed(&self) -> bool {
        matches!(self, Outcome::Passed)
    }

    /// What went wrong, for the report (nothing for a pass or a stub).
    pub fn problem(&self) -> Option<String> {
        match self {
            Outcome::Passed | Outcome::NotStarted => None,
            Outcome::Failed(wrong) => Some(wrong.clone()),
            Outcome::TimedOut(seconds) => Some(format!(
                "the check was stopped after {seconds} s: does a loop of yours never end? \
                 (`--timeout` gives it longer)"
            )),
        }
    }
}

/// What a caught panic says: its message, without the C++ backtrace libtorch's errors carry
/// (their first lines say what went wrong).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "the code panicked".to_string());
    // A libtorch error unwrapped with `unwrap()` shows its Debug form, where the newline before
    // the trace is written as the two characters `\n`.
    match message
        .find("\nException raised from")
        .or_else(|| message.find("\\nException raised from"))
    {
        Some(end) => format!("{}\")", &message[..end]),
        None => message,
    }
}

/// Runs one task's check, turning panics into outcomes. With `quiet`, the panic messages are not
/// printed (the outcome carries them); `course verify` is quiet, tests are not.
pub fn run_task(task: &Task, quiet: bool) -> Outcome {
    // The panic hook is global: tasks that swap it take turns, or one could restore a hook
    // another has silenced.
    static HOOK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = quiet.then(|| HOOK.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
    let previous_hook = quiet.then(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(|_| {}));
        previous
    });
    // Every check starts with gradients on, as a program does: `tch::no_grad` does not restore
    // them when its closure panics, so a learner's `todo!()` inside it would otherwise leave
    // them off for every later task.
    let result = tch::with_grad(|| panic::catch_unwind(AssertUnwindSafe(task.check)));
    if let Some(previous) = previous_hook {
        panic::set_hook(previous);
    }
    match result {
        Ok(Ok(())) => Outcome::Passed,
        Ok(Err(wrong)) => Outcome::Failed(format!("{wrong:#}")),
        Err(payload) => {
            let message = panic_message(payload.as_ref());
            if message.starts_with("not yet implemented") {
                Outcome::NotStarted
            } else {
                Outcome::Failed(format!("the code panicked: {message}"))
            }
        }
    }
}

/// Where task `number` (from 1) waits in the learner's file: `file:line` of its first
/// `TODO (task N)` comment, else of its `todo!("task N` stub, else the file alone.
pub fn task_location(info: &TaskInfo, number: usize) -> String {
    let path = crate::workspace_root().join(&info.file);
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let markers = [
        format!("TODO (task {number})"),
        format!("todo!(\"task {number}"),
    ];
    markers
        .iter()
        .find_map(|marker| text.lines().position(|line| line.contains(marker.as_str())))
        .map(|index| format!("{}:{}", info.file, index + 1))
        .unwrap_or_else(|| info.file.clone())
}

/// For `--example exercise`: says which tasks of `file` the run uses, and turns a `todo!()` the
/// run reaches into a message (the tasks still to do, in order, and the command that checks
/// them) instead of a panic with a backtrace.
pub fn explain_unfinished_tasks(unit: &'static str, file: &'static str, uses: &str) {
    println!("This run uses your {uses} from {file}.");
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let message = panic_message(info.payload());
        match message.strip_prefix("not yet implemented: task ") {
            Some(reached) => {
                eprintln!("{}", unfinished_message(unit, file, reached));
                std::process::exit(2);
            }
            None => default_hook(info),
        }
    }));
}

/// The message for a run that reached `todo!("task <reached>")`.
fn unfinished_message(unit: &str, file: &str, reached: &str) -> String {
    let text = std::fs::read_to_string(crate::workspace_root().join(file)).unwrap_or_default();
    let mut message = format!("\nThe run stopped at task {reached}: it is still a todo!().\n");
    let stubs: Vec<String> = text
        .lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let start = line.find("todo!(\"task ")? + "todo!(\"".len();
            let stub = line[start..]
                .trim_end()
                .trim_end_matches(')')
                .trim_end_matches('"');
            Some(format!("  {stub} ({file}:{})", index + 1))
        })
        .collect();
    if !stubs.is_empty() {
        message += &format!("Still to do in {file}, in order:\n{}\n", stubs.join("\n"));
    }
    message + &format!("Check your tasks with: cargo run -p course -- verify {unit}")
}

/// A learner-facing summary: tasks passed out of all, each task's state, and the first unmet
/// task with its `file:line` and what is wrong. No hint: as in rustlings, a hint is shown only
/// when the learner asks for one (`course hint`, or `h` in `course watch`).
pub fn progress_report(unit: &str, tasks: &[TaskInfo], outcomes: &[Outcome]) -> String {
    let passed = outcomes.iter().filter(|o| o.passed()).count();
    let mut report = format!("{unit}: {passed}/{} tasks done\n", tasks.len());
    for (number, (task, outcome)) in tasks.iter().zip(outcomes).enumerate() {
        let mark = match outcome {
            Outcome::Passed => "done",
            Outcome::NotStarted => "todo",
            Outcome::Failed(_) => "WRONG",
            Outcome::TimedOut(_) => "HUNG",
        };
        report += &format!("  [{mark:>5}] {}. {}\n", number + 1, task.name);
    }
    if let Some((index, (task, outcome))) = tasks
        .iter()
        .zip(outcomes)
        .enumerate()
        .find(|(_, (_, o))| !o.passed())
    {
        let number = index + 1;
        report += &format!(
            "Next: task {number}, {} ({})\n",
            task.name,
            task_location(task, number)
        );
        if let Some(wrong) = outcome.problem() {
            report += &format!("  What is wrong: {wrong}\n");
        }
        if !task.hints.is_empty() {
            report += &format!(
                "  Stuck? {} hint(s), one at each ask: cargo run -p course -- hint {unit} {number} \
                 (h in watch)\n",
                task.hints.len()
            );
        }
    }
    report
}

/// `Err` with a message unless `actual` and `expected` agree within `tolerance` everywhere.
/// Both are compared as flat lists of numbers after their shapes are checked.
pub fn expect_close(
    what: &str,
    actual: &tch::Tensor,
    expected: &tch::Tensor,
    tolerance: f64,
) -> anyhow::Result<()> {
    if actual.size() != expected.size() {
        anyhow::bail!(
            "{what}: expected shape {:?}, got {:?}",
            expected.size(),
            actual.size()
        );
    }
    let flat = |t: &tch::Tensor| -> Vec<f64> {
        Vec::<f64>::try_from(
            t.detach()
                .to_device(tch::Device::Cpu)
                .to_kind(tch::Kind::Double)
                .flatten(0, -1),
        )
        .unwrap_or_default()
    };
    let (a, e) = (flat(actual), flat(expected));
    if let Some((index, (x, y))) = a
        .iter()
        .zip(&e)
        .enumerate()
        // A NaN counts as a difference (a plain `>` would let it through).
        .find(|(_, (x, y))| (*x - *y).abs() > tolerance || x.is_nan() != y.is_nan())
    {
        anyhow::bail!("{what}: element {index} is {x:.6}, expected {y:.6}");
    }
    Ok(())
}

/// A small training run the learner's code must pass (a toy problem only a working model
/// learns): AdamW at `lr` for `epochs` from `seed`, batches of 32, and the best validation
/// accuracy must reach `at_least`.
#[derive(Debug, Clone, Copy)]
pub struct MustLearn {
    pub epochs: usize,
    pub lr: f64,
    pub seed: u64,
    pub at_least: f64,
}

impl MustLearn {
    /// Trains the model `build` makes on `train` and checks it on `validation`; the error says
    /// how far it got.
    pub fn check<M, D>(
        &self,
        what: &str,
        train: &D,
        validation: &D,
        build: impl FnOnce(&tch::nn::Path) -> M,
    ) -> anyhow::Result<()>
    where
        M: crate::training::Model,
        D: crate::training::Dataset<Input = M::Input>,
    {
        use crate::training::{OptimizerConfig, Trainer, TrainerConfig};
        let mut trainer = Trainer::new(TrainerConfig {
            epochs: self.epochs,
            optimizer: OptimizerConfig::adamw(self.lr),
            progress: false,
            seed: self.seed,
            device: crate::training::DeviceChoice::Cpu,
            ..TrainerConfig::default()
        });
        tch::manual_seed(self.seed as i64);
        let mut vars = tch::nn::VarStore::new(tch::Device::Cpu);
        let model = build(&vars.root());
        let accuracy = trainer
            .fit(&model, &mut vars, train, validation)?
            .best_validation_accuracy
            .ok_or_else(|| anyhow::anyhow!("no epoch was validated"))?;
        anyhow::ensure!(
            accuracy >= self.at_least,
            "validation accuracy {accuracy:.3}{what} after {} epochs (at least {} expected)",
            self.epochs,
            self.at_least
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passes() -> anyhow::Result<()> {
        Ok(())
    }
    fn stub() -> anyhow::Result<()> {
        todo!("write the update rule")
    }
    fn wrong() -> anyhow::Result<()> {
        anyhow::bail!("expected 3, got 4")
    }
    fn task(check: fn() -> anyhow::Result<()>) -> Task {
        Task {
            name: "a task",
            checked_against: "a value worked out by hand",
            trains: false,
            file: "src/exercise.rs",
            hints: &["read the docs", "read them again"],
            check,
        }
    }

    #[test]
    fn outcomes_tell_stubs_from_wrong_code() {
        assert_eq!(run_task(&task(passes), true), Outcome::Passed);
        assert_eq!(run_task(&task(stub), true), Outcome::NotStarted);
        assert_eq!(
            run_task(&task(wrong), true),
            Outcome::Failed("expected 3, got 4".into())
        );
    }

    #[test]
    fn the_report_names_the_first_unmet_task_and_shows_no_hint_until_asked() {
        let tasks = [task(passes), task(wrong), task(stub)];
        let outcomes: Vec<Outcome> = tasks.iter().map(|t| run_task(t, true)).collect();
        let infos: Vec<TaskInfo> = tasks.iter().map(Task::info).collect();
        let report = progress_report("unit0", &infos, &outcomes);
        assert!(report.starts_with("unit0: 1/3 tasks done"), "{report}");
        assert!(report.contains("Next: task 2"), "{report}");
        assert!(report.contains("expected 3, got 4"), "{report}");
        assert!(
            !report.contains("read the docs"),
            "no hint unless asked: {report}"
        );
        assert!(
            report.contains("2 hint(s)") && report.contains("hint unit0 2"),
            "{report}"
        );
    }

    #[test]
    fn an_unfinished_run_lists_the_tasks_still_to_do_in_order() {
        let file = "crates/unit3-trainer/src/solution.rs";
        let message = unfinished_message("unit3", file, "3: configure the run");
        assert!(
            message.contains("stopped at task 3: configure the run"),
            "{message}"
        );
        assert!(message.contains("verify unit3"), "{message}");
    }

    fn panics_without_gradients() -> anyhow::Result<()> {
        tch::no_grad(|| todo!("a stub called inside no_grad"))
    }
    fn needs_gradients() -> anyhow::Result<()> {
        let weight = tch::Tensor::from(2.0f32).set_requires_grad(true);
        anyhow::ensure!((&weight * 3.0).requires_grad(), "gradients are off");
        Ok(())
    }

    #[test]
    fn a_stub_inside_no_grad_leaves_gradients_on_for_the_next_task() {
        assert_eq!(
            run_task(&task(panics_without_gradients), true),
            Outcome::NotStarted
        );
        assert_eq!(run_task(&task(needs_gradients), true), Outcome::Passed);
    }

    #[test]
    fn a_libtorch_error_keeps_its_message_and_loses_its_trace() {
        let printed =
            "called `Result::unwrap()` on an `Err` value: Torch(\"The size of tensor a (2) \
                       must match the size of tensor b (3)\\nException raised from infer_size \
                       at ExpandUtils.cpp:31\\nframe #0: c10::Error\")";
        let message = panic_message(&printed.to_string());
        assert!(message.ends_with("tensor b (3)\")"), "{message}");
        let direct = "Torch(\"bad shape\nException raised from x\nframe #0\")".to_string();
        assert_eq!(panic_message(&direct), "Torch(\"bad shape\")");
    }

    #[test]
    fn expect_close_reports_shape_and_value_differences() {
        let a = tch::Tensor::from_slice(&[1.0f32, 2.0]);
        let b = tch::Tensor::from_slice(&[1.0f32, 2.5]);
        assert!(expect_close("x", &a, &a, 1e-6).is_ok());
        let err = expect_close("x", &a, &b, 1e-3).unwrap_err().to_string();
        assert!(err.contains("element 1"), "{err}");
        let err = expect_close("x", &a, &a.unsqueeze(0), 1e-3)
            .unwrap_err()
            .to_string();
        assert!(err.contains("shape"), "{err}");
    }
}
