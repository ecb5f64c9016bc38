//! `course verify`: every unit's exercise tasks, checked, with the progress of each unit and
//! the next thing to do (as rustlings does). `--solutions` checks the reference solutions.

use anyhow::{bail, Result};
use course_core::exercises::{progress_report, run_task, Outcome, Task};

/// One unit's tasks, against the exercise or the solution.
struct UnitTasks {
    name: &'static str,
    tasks: fn(solutions: bool) -> Vec<Task>,
}

/// A unit's entry: its name and its crate, whose `tasks::tasks` is generic over the learner.
macro_rules! unit {
    ($name:literal, $unit:ident) => {
        UnitTasks {
            name: $name,
            tasks: |solutions| {
                if solutions {
                    $unit::tasks::tasks::<$unit::Solution>()
                } else {
                    $unit::tasks::tasks::<$unit::Exercise>()
                }
            },
        }
    };
}

/// Every unit that has exercises, in course order.
fn units() -> Vec<UnitTasks> {
    vec![
        unit!("unit1", unit1_fundamentals),
        unit!("unit2", unit2_neural_networks),
        unit!("unit3", unit3_trainer),
        unit!("unit4", unit4_optimization),
        unit!("unit5", unit5_embeddings),
        unit!("unit6", unit6_cnn),
        unit!("unit7", unit7_rnn),
        unit!("unit8", unit8_transformers),
        unit!("unit9", unit9_pretrained),
    ]
}

/// Checks the named units (all when none is named); fails unless every task passes.
pub fn verify(names: &[String], solutions: bool) -> Result<()> {
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
    let chosen = all
        .iter()
        .filter(|u| names.is_empty() || names.iter().any(|n| n == u.name));
    let (mut done, mut total) = (0, 0);
    for unit in chosen {
        let tasks = (unit.tasks)(solutions);
        let outcomes: Vec<Outcome> = tasks.iter().map(|task| run_task(task, true)).collect();
        println!("{}", progress_report(unit.name, &tasks, &outcomes));
        done += outcomes.iter().filter(|o| o.passed()).count();
        total += tasks.len();
    }
    let whose = if solutions { "solutions" } else { "exercises" };
    if done < total {
        bail!("{done}/{total} tasks done in the {whose}; keep going!");
    }
    println!("All {total} tasks done in the {whose}.");
    Ok(())
}
