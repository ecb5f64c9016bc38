//! `course reset unitN [task]`: the committed stub back, for the whole file or one task.
//!
//! The stub is the file as git has it at a revision (`HEAD` unless told otherwise: if you commit
//! your answers, say `--from origin/main`). For one task, each item of the stub (a `fn` or a
//! `struct`) that holds a `TODO (task N)` replaces the item of the same name in your file; the
//! rest of your file stays as it is.

use super::Unit;
use anyhow::{bail, Context, Result};
use std::process::Command;

/// The exercise file of `unit` as committed at `revision`.
pub fn committed_stub(unit: &Unit, revision: &str) -> Result<String> {
    let path = format!("{}:{}", revision, unit.exercise_in_repo());
    let output = Command::new("git")
        .args(["show", &path])
        .current_dir(course_core::workspace_root())
        .output()
        .context("could not run git, which keeps the stubs; is git installed?")?;
    if !output.status.success() {
        bail!(
            "git has no {} at {revision}: {}",
            unit.exercise_in_repo(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8(output.stdout)?)
}

/// Puts the stub of `unit` (all of it, or task `task`'s items) back into the learner's file.
/// Returns what was restored, for the message.
pub fn reset(unit: &Unit, task: Option<usize>, revision: &str) -> Result<String> {
    let stub = committed_stub(unit, revision)?;
    let path = unit.exercise_file();
    let restored = match task {
        None => {
            course_core::fs::write_bytes_atomically(&path, stub.as_bytes())?;
            format!(
                "{} is the stub of {revision} again",
                unit.exercise_in_repo()
            )
        }
        Some(number) => {
            let mine = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let (merged, items) = reset_task(&mine, &stub, number)?;
            course_core::fs::write_bytes_atomically(&path, merged.as_bytes())?;
            format!(
                "task {number} of {} is the stub of {revision} again ({})",
                unit.name,
                items.join(", ")
            )
        }
    };
    Ok(restored)
}

/// `mine` with every item of `stub` that holds `TODO (task N)` in place of the same item.
/// Returns the new text and the names of the items replaced.
fn reset_task(mine: &str, stub: &str, number: usize) -> Result<(String, Vec<String>)> {
    let marker = format!("TODO (task {number})");
    let stub_lines: Vec<&str> = stub.lines().collect();
    let mut items: Vec<(String, std::ops::RangeInclusive<usize>)> = Vec::new();
    for (at, _) in stub_lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains(&marker))
    {
        let (name, range) = enclosing_item(&stub_lines, at)
            .with_context(|| format!("the stub's task {number} is not inside a fn or struct"))?;
        if !items.iter().any(|(n, _)| *n == name) {
            items.push((name, range));
        }
    }
    if items.is_empty() {
        bail!("the stub has no task {number}");
    }
    let mut text: Vec<String> = mine.lines().map(str::to_string).collect();
    for (name, stub_range) in &items {
        let borrowed: Vec<&str> = text.iter().map(String::as_str).collect();
        let start = borrowed
            .iter()
            .position(|line| item_name(line).as_deref() == Some(name.as_str()))
            .with_context(|| {
                format!("your file has no `{name}` any more: reset the whole file instead")
            })?;
        let end = item_end(&borrowed, start)
            .with_context(|| format!("the braces of `{name}` in your file do not close"))?;
        let replacement: Vec<String> = stub_lines[stub_range.clone()]
            .iter()
            .map(|l| l.to_string())
            .collect();
        text.splice(start..=end, replacement);
    }
    let names = items.into_iter().map(|(name, _)| name).collect();
    Ok((text.join("\n") + "\n", names))
}

/// `fn name` or `struct name` when `line` starts such an item.
fn item_name(line: &str) -> Option<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "fn" || *w == "struct")?;
    // Only visibility may come before the keyword.
    if !words[..at].iter().all(|w| w.starts_with("pub")) {
        return None;
    }
    let name: String = words
        .get(at + 1)?
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    Some(format!("{} {name}", words[at]))
}

/// The item around line `at`: its name and its lines.
fn enclosing_item(lines: &[&str], at: usize) -> Option<(String, std::ops::RangeInclusive<usize>)> {
    (0..=at).rev().find_map(|start| {
        let name = item_name(lines[start])?;
        let end = item_end(lines, start)?;
        (end >= at).then_some((name, start..=end))
    })
}

/// The line where the item starting at `start` closes its braces.
fn item_end(lines: &[&str], start: usize) -> Option<usize> {
    let mut depth = 0i64;
    let mut opened = false;
    for (index, line) in lines.iter().enumerate().skip(start) {
        for change in braces(line) {
            depth += change;
            opened |= change > 0;
        }
        if opened && depth == 0 {
            return Some(index);
        }
        if !opened && line.trim_end().ends_with(';') {
            return Some(index);
        }
    }
    None
}

/// +1 / -1 for each brace of `line` outside strings, characters and comments.
fn braces(line: &str) -> Vec<i64> {
    let mut changes = Vec::new();
    let mut chars = line.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_string => {
                chars.next();
            }
            '"' => in_string = !in_string,
            '/' if !in_string && chars.peek() == Some(&'/') => break,
            '\'' if !in_string => {
                // A character literal such as '{' (a lifetime has no closing quote nearby).
                let rest: String = chars.clone().take(3).collect();
                if rest.chars().nth(1) == Some('\'') {
                    chars.nth(1);
                }
            }
            '{' if !in_string => changes.push(1),
            '}' if !in_string => changes.push(-1),
            _ => {}
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    const STUB: &str = "use x;

pub struct Model {
    // TODO (task 1): a field
}

impl Answers for Exercise {
    fn first(a: i64) -> i64 {
        // TODO (task 1): the first
        todo!(\"task 1\")
    }

    fn second(a: i64) -> i64 {
        // TODO (task 2): the second, with a '{' and \"}\"
        todo!(\"task 2\")
    }
}
";

    #[test]
    fn one_task_comes_back_and_the_others_stay() {
        let mine = STUB
            .replace("    // TODO (task 1): a field\n", "    weights: Tensor,\n")
            .replace(
                "        // TODO (task 1): the first\n        todo!(\"task 1\")\n",
                "        if a > 0 {\n            a\n        } else {\n            -a\n        }\n",
            )
            .replace(
                "        // TODO (task 2): the second, with a '{' and \"}\"\n        todo!(\"task 2\")\n",
                "        a * 2\n",
            );
        let (merged, items) = reset_task(&mine, STUB, 1).unwrap();
        assert_eq!(items, ["struct Model", "fn first"]);
        assert!(merged.contains("// TODO (task 1): a field"), "{merged}");
        assert!(merged.contains("todo!(\"task 1\")"), "{merged}");
        assert!(merged.contains("a * 2"), "task 2 is kept: {merged}");
        assert!(!merged.contains("weights"), "{merged}");

        let (merged, items) = reset_task(&mine, STUB, 2).unwrap();
        assert_eq!(items, ["fn second"]);
        assert!(
            merged.contains("todo!(\"task 2\")") && merged.contains("-a"),
            "{merged}"
        );
        assert!(reset_task(&mine, STUB, 3).is_err());
    }

    #[test]
    fn a_missing_item_is_an_error_that_says_what_to_do() {
        let mine = "use x;\n";
        let error = reset_task(mine, STUB, 2).unwrap_err().to_string();
        assert!(
            error.contains("fn second") && error.contains("whole file"),
            "{error}"
        );
    }
}
