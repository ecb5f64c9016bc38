//! `course docs`: what a chapter states about the code comes from one source, as rustlings'
//! docs come from its info file. Each unit's README has two generated blocks:
//!
//! * the exercise list, from the unit's `tasks()`: number, title, what the check compares the
//!   learner's code with, and whether the exercise's training run uses it;
//! * the result table, from the rows in `docs/results/` (the mean and range over its seeds).
//!
//! `course docs` rewrites the blocks between their markers; `course docs --check` (run by a test
//! in `make test`) fails when a chapter differs from what it would write.

use anyhow::{bail, Context, Result};
use std::path::PathBuf;

/// The markers around a generated block: `<!-- NAME: ... -->` ... `<!-- /NAME -->`.
const TASKS: &str = "tasks";
const RESULT: &str = "result";

fn opening(block: &str) -> String {
    format!(
        "<!-- {block}: written by `cargo run -p course -- docs` from the unit's tasks and \
         docs/results/; edit those, not this -->"
    )
}

fn closing(block: &str) -> String {
    format!("<!-- /{block} -->")
}

/// A chapter and the blocks it must hold.
struct Chapter {
    unit: &'static str,
    readme: PathBuf,
    blocks: Vec<(&'static str, String)>,
}

/// Every unit's chapter with its generated blocks (unit 1 has no IMDb result).
fn chapters() -> Result<Vec<Chapter>> {
    let mut chapters = Vec::new();
    for unit in crate::exercises::units() {
        let mut blocks = vec![(TASKS, task_list(&unit))];
        if unit.name != "unit1" {
            let table = crate::leaderboard::chapter_result_table(unit.name)?
                .with_context(|| format!("docs/results/ has no row of {}", unit.name))?;
            blocks.push((RESULT, table));
        }
        chapters.push(Chapter {
            unit: unit.name,
            readme: unit.dir.join("README.md"),
            blocks,
        });
    }
    Ok(chapters)
}

/// The numbered list of a unit's tasks.
fn task_list(unit: &crate::exercises::Unit) -> String {
    let mut list = String::new();
    for (number, task) in unit.task_infos().iter().enumerate() {
        let trains = if task.trains {
            "The exercise's training run uses your code."
        } else {
            "Checked only: the training run uses the course's own."
        };
        list += &format!(
            "{}. **{}**: checked against {}. {trains}\n",
            number + 1,
            task.name,
            task.checked_against
        );
    }
    list
}

/// `text` with the block `name` replaced by `content`; an error when its markers are missing.
fn with_block(text: &str, name: &str, content: &str) -> Result<String> {
    let (open, close) = (opening(name), closing(name));
    let start = text
        .find(&open)
        .with_context(|| format!("no line {open}"))?;
    let end = text[start..]
        .find(&close)
        .map(|at| start + at)
        .with_context(|| format!("no line {close} after {open}"))?;
    Ok(format!(
        "{}{open}\n{content}{}",
        &text[..start],
        &text[end..]
    ))
}

/// Each chapter as `course docs` would write it, beside what it is now.
fn regenerated() -> Result<Vec<(Chapter, String, String)>> {
    let mut out = Vec::new();
    for chapter in chapters()? {
        let now = std::fs::read_to_string(&chapter.readme)
            .with_context(|| format!("cannot read {}", chapter.readme.display()))?;
        let mut wanted = now.clone();
        for (name, content) in &chapter.blocks {
            wanted = with_block(&wanted, name, content)
                .with_context(|| format!("{}: the {name} block", chapter.readme.display()))?;
        }
        out.push((chapter, now, wanted));
    }
    Ok(out)
}

/// `course docs [--check]`.
pub fn docs(check: bool) -> Result<()> {
    let mut stale = Vec::new();
    for (chapter, now, wanted) in regenerated()? {
        if now == wanted {
            continue;
        }
        if check {
            stale.push(format!("{} ({})", chapter.readme.display(), chapter.unit));
        } else {
            course_core::fs::write_bytes_atomically(&chapter.readme, wanted.as_bytes())?;
            println!("rewrote {}'s generated blocks", chapter.readme.display());
        }
    }
    if !stale.is_empty() {
        bail!(
            "these chapters differ from the code's tasks or docs/results/: {}\nRun: cargo run -p course -- docs",
            stale.join(", ")
        );
    }
    if check {
        println!(
            "Every chapter's exercise list and result table are as the code and docs/results/ say."
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_is_replaced_between_its_markers_and_the_rest_stays() {
        let text = format!(
            "before\n{}\nold\n{}\nafter\n",
            opening("tasks"),
            closing("tasks")
        );
        let new = with_block(&text, "tasks", "1. new\n").unwrap();
        assert_eq!(
            new,
            format!(
                "before\n{}\n1. new\n{}\nafter\n",
                opening("tasks"),
                closing("tasks")
            )
        );
        assert!(with_block("no markers", "tasks", "x").is_err());
    }

    #[test]
    fn every_chapter_is_as_the_code_and_the_results_say() {
        let stale: Vec<String> = regenerated()
            .unwrap()
            .into_iter()
            .filter(|(_, now, wanted)| now != wanted)
            .map(|(chapter, _, _)| chapter.readme.display().to_string())
            .collect();
        assert!(
            stale.is_empty(),
            "stale chapters (run `cargo run -p course -- docs`): {stale:?}"
        );
    }
}

/// The commands and paths the chapters name, checked against the code: every `cargo run`,
/// `cargo test`, `cargo bench` and `make` line of a chapter or book page parses with the program
/// it runs (clap, as the program itself parses it; `--help` counts as parsed), and every path it
/// names in backticks is there.
/// The pages a learner reads as lessons: the units' chapters, the README and the book's guides
/// (the experiments pages and benchmarks keep the commands as they were run, flags of their
/// day included).
#[cfg(test)]
fn named_in_the_chapters_pages() -> Vec<PathBuf> {
    let root = course_core::workspace_root();
    let mut pages: Vec<PathBuf> = crate::exercises::units()
        .iter()
        .map(|unit| unit.dir.join("README.md"))
        .collect();
    pages.push(root.join("README.md"));
    for page in [
        "introduction",
        "setup",
        "exercises",
        "training-runs",
        "cohort",
        "glossary",
    ] {
        pages.push(root.join("docs").join(format!("{page}.md")));
    }
    pages
}

#[cfg(test)]
mod named_in_the_chapters {
    use clap::Parser;
    use std::path::{Path, PathBuf};

    fn pages() -> Vec<PathBuf> {
        super::named_in_the_chapters_pages()
    }

    /// The shell commands of a page: its `sh` blocks' lines and its inline `cargo ...` / `make ...`
    /// spans, without comments, joined where a line ends in `\`.
    fn commands(text: &str) -> Vec<String> {
        let mut found = Vec::new();
        let mut in_shell = false;
        let mut pending = String::new();
        for line in text.lines() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("```") {
                in_shell = !in_shell && (trimmed == "```sh" || trimmed == "```bash");
                continue;
            }
            if in_shell {
                let code = line.split(" #").next().unwrap_or("").trim();
                pending.push_str(code.trim_end_matches('\\'));
                pending.push(' ');
                if !code.ends_with('\\') {
                    found.push(pending.trim().to_string());
                    pending.clear();
                }
                continue;
            }
            for (k, span) in line.split('`').enumerate() {
                if k % 2 == 1 && (span.starts_with("cargo ") || span.starts_with("make ")) {
                    found.push(span.trim().to_string());
                }
            }
        }
        // `<unit>` and the like stand for a choice: those lines are patterns, not commands.
        found.retain(|c| (c.starts_with("cargo ") || c.starts_with("make ")) && !c.contains('<'));
        found
    }

    /// Words of a command, with `[optional parts]` and `...` dropped (they stand for choices).
    fn words(command: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut depth = 0;
        for word in command.split_whitespace() {
            let opens = word.matches('[').count();
            let closes = word.matches(']').count();
            if depth == 0 && opens == 0 && word != "..." {
                out.push(word.trim_matches('\'').to_string());
            }
            depth = (depth + opens).saturating_sub(closes);
        }
        out
    }

    /// Whether clap's answer means the command line is right (help and version are).
    fn accepted<T>(parsed: Result<T, clap::Error>) -> Result<(), String> {
        match parsed {
            Ok(_) => Ok(()),
            Err(e)
                if matches!(
                    e.kind(),
                    clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
                ) =>
            {
                Ok(())
            }
            Err(e) => Err(e.to_string()),
        }
    }

    /// Parses `arguments` with the program of `package`'s examples.
    fn parse_unit(package: &str, arguments: &[String]) -> Result<(), String> {
        let line = std::iter::once("example".to_string()).chain(arguments.iter().cloned());
        macro_rules! parse {
            ($krate:ident) => {
                accepted($krate::program::Args::try_parse_from(line))
            };
        }
        match package {
            "unit1-fundamentals" => parse!(unit1_fundamentals),
            "unit2-neural-networks" => parse!(unit2_neural_networks),
            "unit3-trainer" => parse!(unit3_trainer),
            "unit4-optimization" => parse!(unit4_optimization),
            "unit5-embeddings" => parse!(unit5_embeddings),
            "unit6-cnn" => parse!(unit6_cnn),
            "unit7-rnn" => parse!(unit7_rnn),
            "unit8-transformers" => parse!(unit8_transformers),
            "unit9-pretrained" => parse!(unit9_pretrained),
            other => Err(format!("no package {other} with examples")),
        }
    }

    /// What is wrong with one command, if anything.
    fn check_command(command: &str, makefile: &str) -> Result<(), String> {
        let words = words(command);
        if words[0] == "make" {
            return match words.get(1) {
                Some(target)
                    if makefile
                        .lines()
                        .any(|l| l.starts_with(&format!("{target}:"))) =>
                {
                    Ok(())
                }
                Some(target) => Err(format!("the Makefile has no target {target}")),
                None => Ok(()),
            };
        }
        let package = words
            .iter()
            .position(|w| w == "-p")
            .and_then(|at| words.get(at + 1));
        let rest: Vec<String> = match words.iter().position(|w| w == "--") {
            Some(at) => words[at + 1..].to_vec(),
            None => Vec::new(),
        };
        let root = course_core::workspace_root();
        let crate_dir = |package: &str| match package {
            "course-benches" => root.join("benches"),
            name => root.join("crates").join(name),
        };
        if let Some(package) = package {
            if !crate_dir(package).join("Cargo.toml").exists() {
                return Err(format!("no package {package}"));
            }
        }
        let flag = |name: &str| {
            words
                .iter()
                .position(|w| w == name)
                .and_then(|at| words.get(at + 1))
        };
        if let (Some(package), Some(example)) = (package, flag("--example")) {
            if !crate_dir(package)
                .join("examples")
                .join(format!("{example}.rs"))
                .exists()
            {
                return Err(format!("{package} has no example {example}"));
            }
            return parse_unit(package, &rest);
        }
        if let (Some(package), Some(target)) = (package, flag("--bin").or(flag("--bench"))) {
            let manifest = std::fs::read_to_string(crate_dir(package).join("Cargo.toml")).unwrap();
            if !manifest.contains(&format!("name = \"{target}\"")) && package != target {
                return Err(format!("{package} has no binary or bench {target}"));
            }
            return Ok(());
        }
        if words[1] == "run" && package.is_some_and(|p| p == "course") {
            let line = std::iter::once("course".to_string()).chain(rest);
            return accepted(crate::Cli::try_parse_from(line));
        }
        Ok(())
    }

    #[test]
    fn every_command_in_a_chapter_parses_with_the_program_it_runs() {
        let makefile =
            std::fs::read_to_string(course_core::workspace_root().join("Makefile")).unwrap();
        let mut wrong = Vec::new();
        let mut checked = 0;
        for page in pages() {
            let text = std::fs::read_to_string(&page).unwrap();
            for command in commands(&text) {
                checked += 1;
                if let Err(why) = check_command(&command, &makefile) {
                    wrong.push(format!("{}: `{command}`: {why}", page.display()));
                }
            }
        }
        assert!(
            checked > 60,
            "only {checked} commands found: is the reader broken?"
        );
        assert!(
            wrong.is_empty(),
            "{} of {checked} commands are wrong:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    }

    #[test]
    fn a_wrong_flag_or_program_is_caught() {
        let makefile = "test:\n";
        assert!(check_command(
            "cargo run -p unit7-rnn --example solution -- train --cell gru",
            makefile
        )
        .is_ok());
        assert!(check_command(
            "cargo run -p unit7-rnn --example solution -- train --no-such-flag",
            makefile
        )
        .is_err());
        assert!(check_command("cargo run -p unit7-rnn --example nothing", makefile).is_err());
        assert!(check_command("cargo run -p course -- verify unit7", makefile).is_ok());
        assert!(check_command("cargo run -p course -- verfy unit7", makefile).is_err());
        assert!(check_command("make test", makefile).is_ok());
        assert!(check_command("make tset", makefile).is_err());
        assert_eq!(
            commands("```sh\ncargo run -p course -- watch   # a comment\n```\nsee `make demo`."),
            ["cargo run -p course -- watch", "make demo"]
        );
    }

    /// Backticked paths of a page: words with a `/` and a file or folder name that exists in a
    /// fresh clone (run outputs, downloads and placeholders aside).
    fn paths(text: &str) -> Vec<String> {
        let generated = [
            "runs/",
            "models/",
            "target/",
            "datasets/imdb/",
            ".course/",
            ".venv",
            "checkpoints/",
            "~",
            "http",
            "$",
        ];
        text.split('`')
            .skip(1)
            .step_by(2)
            .filter(|span| {
                span.contains('/')
                    && !span.contains(' ')
                    && !span.contains('<')
                    && !span.contains('*')
            })
            .filter(|span| !generated.iter().any(|g| span.starts_with(g)))
            .filter(|span| span.ends_with('/') || Path::new(span).extension().is_some())
            .filter(|span| !span.contains("unitN") && !span.contains("NN") && !span.contains("N."))
            .map(|span| span.trim_end_matches([':', ',', '.']).to_string())
            .collect()
    }

    #[test]
    fn every_path_a_chapter_names_is_there() {
        let root = course_core::workspace_root();
        let mut missing = Vec::new();
        for page in pages() {
            let text = std::fs::read_to_string(&page).unwrap();
            let here = page.parent().unwrap();
            // A book page may name a unit crate's file for every unit (`src/exercise.rs`).
            let in_a_unit = |path: &str| {
                crate::exercises::units()
                    .iter()
                    .any(|u| u.dir.join(path).exists())
            };
            for path in paths(&text) {
                if !here.join(&path).exists() && !root.join(&path).exists() && !in_a_unit(&path) {
                    missing.push(format!("{}: `{path}`", page.display()));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "paths named but not there:\n{}",
            missing.join("\n")
        );
    }

    /// Every file a chapter names without its folder (`mod.rs`) is in a folder the page named
    /// before it (`crates/course-core/src/training/trainer/`), or in the unit crate's `src/`,
    /// `tests/` or `examples/` (any unit's, on a book page).
    #[test]
    fn every_file_a_chapter_names_by_its_name_alone_is_where_the_page_says() {
        let root = course_core::workspace_root();
        let unit_dirs: Vec<PathBuf> = crate::exercises::units()
            .iter()
            .map(|u| u.dir.clone())
            .collect();
        let mut missing = Vec::new();
        for page in pages() {
            let text = std::fs::read_to_string(&page).unwrap();
            let here = page.parent().unwrap().to_path_buf();
            let crates: Vec<PathBuf> = if unit_dirs.contains(&here) {
                vec![here.clone()]
            } else {
                unit_dirs.clone()
            };
            let mut folders: Vec<PathBuf> = Vec::new();
            for span in text.split('`').skip(1).step_by(2) {
                if span.ends_with('/') && !span.contains(' ') {
                    folders.push(root.join(span));
                    folders.push(here.join(span));
                }
                let bare = !span.contains('/') && !span.contains(' ') && span.ends_with(".rs");
                if !bare {
                    continue;
                }
                let in_a_crate = crates.iter().any(|dir| {
                    ["src", "tests", "examples"]
                        .iter()
                        .any(|sub| dir.join(sub).join(span).exists())
                });
                let in_a_folder_named = folders.iter().any(|folder| folder.join(span).exists());
                if !in_a_crate && !in_a_folder_named {
                    missing.push(format!("{}: `{span}`", page.display()));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "files named where they are not:\n{}",
            missing.join("\n")
        );
    }
}

/// The Rust items the chapters name: every function (`fit_from()`, `train_epoch`), path
/// (`course_core::x::Y`) and type (`RunFolder`) in backticks is defined in the workspace, or in tch or rust-bert,
/// whose sources cargo keeps, or is one of a few names of Rust's own.
#[cfg(test)]
mod items_named_in_the_chapters {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    /// Names of Rust's standard library and language that chapters use as words.
    const RUST_OWN: &[&str] = &[
        "Vec",
        "Option",
        "Result",
        "Some",
        "None",
        "Ok",
        "Err",
        "String",
        "HashMap",
        "Box",
        "Mutex",
        "Arc",
        "Drop",
        "Default",
        "Clone",
        "Debug",
        "Send",
        "Sync",
        "Self",
        "f32",
        "f64",
        "i64",
        "u8",
        "todo",
        "unimplemented",
        "panic",
        "assert",
        "println",
        "main",
        "std",
        "Rc",
        "Fn",
        "FnMut",
    ];

    /// Names that are not Rust's: the original course's Python libraries (which chapters compare
    /// with), libtorch's own operators, and the CPU flags the course reads.
    const OTHER_NAMES: &[&str] = &[
        "Tokenizer",
        "CountVectorizer",
        "LightningModule",
        "DataLoader",
        "pack_padded_sequence",
        "_pack_padded_sequence",
        "_pad_packed_sequence",
        "avx512_bf16",
        "amx_bf16",
    ];

    /// Every `.rs` file below `dir`.
    fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            if path.is_dir() && name != "target" && !name.starts_with('.') {
                sources(&path, out);
            } else if name.ends_with(".rs") {
                out.push(path);
            }
        }
    }

    /// The source folders of tch and rust-bert, as `cargo metadata` finds them (offline).
    fn dependency_sources() -> Vec<PathBuf> {
        let output = workspace_cargo::cargo_command()
            .args(["metadata", "--offline", "--format-version", "1"])
            .output()
            .expect("cargo runs");
        let metadata: serde_json::Value =
            serde_json::from_slice(&output.stdout).unwrap_or_default();
        let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
        packages
            .iter()
            .filter(|p| {
                matches!(
                    p["name"].as_str(),
                    Some("tch" | "rust-bert" | "torch-sys" | "clap")
                )
            })
            .filter_map(|p| {
                Some(
                    Path::new(p["manifest_path"].as_str()?)
                        .parent()?
                        .join("src"),
                )
            })
            .collect()
    }

    /// Every name a Rust file defines: after `fn`, `struct`, `enum`, `trait`, `type`, `mod`,
    /// `const`, `static` or `macro_rules!`, and the enum variants and fields that open a line.
    fn defined_names() -> BTreeSet<String> {
        let mut files = Vec::new();
        let root = course_core::workspace_root();
        for dir in [root.join("crates"), root.join("benches")]
            .into_iter()
            .chain(dependency_sources())
        {
            sources(&dir, &mut files);
        }
        let mut names: BTreeSet<String> = crate::exercises::units()
            .iter()
            .map(|unit| unit.package.replace('-', "_"))
            .chain(["course_core", "cohort", "tch", "rust_bert"].map(String::from))
            .collect();
        let is_word = |c: char| c.is_alphanumeric() || c == '_';
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let words: Vec<&str> = text
                .split(|c: char| !is_word(c) && c != '!')
                .filter(|w| !w.is_empty())
                .collect();
            for pair in words.windows(2) {
                if matches!(
                    pair[0],
                    "fn" | "struct"
                        | "enum"
                        | "trait"
                        | "type"
                        | "mod"
                        | "const"
                        | "static"
                        | "macro_rules!"
                ) {
                    names.insert(pair[1].trim_end_matches('!').to_string());
                }
            }
            for line in text.lines() {
                let line = line
                    .trim_start()
                    .trim_start_matches("pub(crate) ")
                    .trim_start_matches("pub ");
                let name: String = line.chars().take_while(|&c| is_word(c)).collect();
                let after = line[name.len()..].trim_start();
                let variant = name.starts_with(char::is_uppercase)
                    && (after.is_empty() || after.starts_with(['(', '{', ',']));
                let field = name.starts_with(|c: char| c.is_lowercase() || c == '_')
                    && after.starts_with(':')
                    && !after.starts_with("::");
                if variant || field {
                    names.insert(name);
                }
            }
        }
        names
    }

    /// The items a page names: the last segment of each backticked function call, path or
    /// CamelCase type (a span with spaces, a flag or a file is not an item).
    fn items(text: &str) -> Vec<String> {
        let mut found = Vec::new();
        for span in text.split('`').skip(1).step_by(2) {
            if span.contains(' ')
                || span.contains('/')
                || span.starts_with('-')
                || span.contains('.') && !span.contains("::")
            {
                continue;
            }
            let head = span.split(['(', '<', '!']).next().unwrap_or("");
            // `fit_from()` or `train_epoch(...)` is a function; `pool(h)` is maths.
            let is_call = span.ends_with(')')
                && span.contains('(')
                && !head.is_empty()
                && (span.ends_with("()") || head.contains('_') || head.contains("::"));
            let is_path = head.contains("::");
            // A CamelCase word of four letters or more (`T_w` is maths, not a type).
            let is_type = head.len() > 3
                && head.chars().next().is_some_and(char::is_uppercase)
                && head.chars().any(char::is_lowercase)
                && head.chars().all(|c| c.is_alphanumeric() || c == '_');
            // A snake_case name with an underscore (`fit_from`): a function, field or module.
            let is_snake = head.len() > 3
                && head.contains('_')
                && head
                    .chars()
                    .all(|c| c.is_lowercase() || c.is_ascii_digit() || c == '_');
            if is_call || is_path || is_type || is_snake {
                for segment in head.split("::").filter(|s| !s.is_empty()) {
                    found.push(segment.trim_start_matches('&').to_string());
                }
            }
        }
        found
    }

    #[test]
    fn every_function_path_and_type_a_chapter_names_is_defined() {
        let defined = defined_names();
        let mut missing = Vec::new();
        for page in super::named_in_the_chapters_pages() {
            let text = std::fs::read_to_string(&page).unwrap();
            for item in items(&text) {
                let known =
                    RUST_OWN.contains(&item.as_str()) || OTHER_NAMES.contains(&item.as_str());
                if !defined.contains(&item) && !known {
                    missing.push(format!("{}: `{item}`", page.display()));
                }
            }
        }
        missing.dedup();
        assert!(
            missing.is_empty(),
            "named but defined nowhere:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn items_are_read_from_calls_paths_and_types_only() {
        let text = "call `fit_from()` or `course_core::tracking::RunFolder`, see `Trainer`, run `--seed 7`, open `src/x.rs`, the `lr`, `pool(h)`, `train_epoch`";
        assert_eq!(
            items(text),
            [
                "fit_from",
                "course_core",
                "tracking",
                "RunFolder",
                "Trainer",
                "train_epoch"
            ]
        );
    }
}
