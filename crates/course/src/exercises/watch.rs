//! `course watch [unitN]`: checks the unit each time its exercise file is saved, shows the
//! progress and the task to do next with its `file:line`, and moves on to the next unit when
//! every task passes. Keys (then Enter): `h` a hint, `l` the list, `n`/`p` next/previous unit,
//! `r` check again, `q` quit.
//!
//! The file is polled (its content's fingerprint, four times a second) rather than watched with
//! file-system events: editors that save by writing a new file and renaming it over the old one
//! would silently end an event watch on the file.

use super::check::{check, Code};
use super::progress::{fingerprint, Progress};
use super::{describe, hint_text, list, remember, units, Unit};
use anyhow::Result;
use std::io::{BufRead, IsTerminal, Write};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

const POLL: Duration = Duration::from_millis(250);

pub fn watch(start: Option<&str>, timeout: Duration) -> Result<()> {
    let units = units();
    let mut progress = Progress::load();
    let mut index = match start {
        Some(name) => units.iter().position(|u| u.name == name).unwrap_or(0),
        None => first_unfinished(&units, &progress),
    };
    let keys = read_keys();
    let mut banner = String::new();
    loop {
        let unit = &units[index];
        clear_screen();
        print!("{banner}");
        banner.clear();
        println!(
            "Watching {} (save it to check again). Keys, then Enter: h hint · l list · n/p next/previous unit · r check · q quit\n",
            unit.exercise_in_repo()
        );
        let seen = fingerprint(&unit.exercise_file());
        let all_passed = match check(unit, Code::Exercise, timeout) {
            Ok(checked) => {
                if let Some((done, all)) = checked.score() {
                    println!("{}\n", bar(done, all));
                }
                println!("{}", describe(unit, &checked));
                remember(&mut progress, unit, &checked);
                progress.save()?;
                matches!(checked.score(), Some((done, all)) if done == all)
            }
            Err(error) => {
                println!("error: {error:#}");
                false
            }
        };
        if all_passed && index + 1 < units.len() {
            banner = format!(
                "{} is done! Compare your code with the solution: crates/{}/src/solution.rs\n\n",
                unit.name, unit.package
            );
            index += 1;
            continue;
        }
        if all_passed {
            println!("Every unit's tasks pass: the course's exercises are done!");
        }
        // Wait for a save or a key.
        loop {
            let _ = std::io::stdout().flush();
            match keys.recv_timeout(POLL) {
                Ok(key) => match key.trim() {
                    "q" => return Ok(()),
                    "h" => {
                        print!("{}", hint_text(unit, None, &mut progress)?);
                        progress.save()?;
                    }
                    "l" => list()?,
                    "n" if index + 1 < units.len() => {
                        index += 1;
                        break;
                    }
                    "p" if index > 0 => {
                        index -= 1;
                        break;
                    }
                    "r" | "" => break,
                    other => println!("unknown key {other:?}: h, l, n, p, r or q"),
                },
                Err(RecvTimeoutError::Timeout) => {}
                // No keyboard (stdin closed): keep watching the file.
                Err(RecvTimeoutError::Disconnected) => std::thread::sleep(POLL),
            }
            if fingerprint(&unit.exercise_file()) != seen {
                break;
            }
        }
    }
}

/// The first unit not known to be done (by the remembered verdicts).
fn first_unfinished(units: &[Unit], progress: &Progress) -> usize {
    units
        .iter()
        .position(|unit| {
            !matches!(
                progress.current(unit.name, &unit.exercise_file()).and_then(|v| v.score),
                Some((done, all)) if done == all
            )
        })
        .unwrap_or(0)
}

/// `[#####-----] 2/4 tasks`
fn bar(done: usize, all: usize) -> String {
    const WIDTH: usize = 30;
    let filled = WIDTH * done / all.max(1);
    format!(
        "[{}{}] {done}/{all} tasks",
        "#".repeat(filled),
        "-".repeat(WIDTH - filled)
    )
}

fn clear_screen() {
    if std::io::stdout().is_terminal() {
        print!("\x1b[2J\x1b[H");
    }
}

/// Lines typed on stdin, on a channel (closed when stdin closes).
fn read_keys() -> Receiver<String> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bar_fills_with_the_tasks_done() {
        assert_eq!(super::bar(0, 3), format!("[{}] 0/3 tasks", "-".repeat(30)));
        assert_eq!(
            super::bar(2, 4),
            format!("[{}{}] 2/4 tasks", "#".repeat(15), "-".repeat(15))
        );
    }
}
