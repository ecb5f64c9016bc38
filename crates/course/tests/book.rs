//! The course book (`docs/`, built by mdBook): every chapter exists, every `{{#include}}` finds
//! its file, and no link inside the book points at nothing. mdBook itself does not fail on a
//! broken relative link, so this is what keeps `make docs` honest (it runs this test first).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn docs() -> PathBuf {
    course_core::workspace_root().join("docs")
}

/// The targets of the Markdown links `[text](target)` in `text`, outside fenced code blocks.
fn links(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let mut rest = line;
        while let Some(start) = rest.find("](") {
            let after = &rest[start + 2..];
            let Some(end) = after.find(')') else { break };
            found.push(after[..end].trim().to_string());
            rest = &after[end..];
        }
    }
    found
}

/// `text` with each `{{#include path}}` replaced by the file it names (relative to `dir`), as
/// mdBook does, in pieces: each with the folder its relative links start from (an included
/// file's own folder, as where it is read on its own: a unit's README links its pictures as
/// `img/...`, and `make docs` copies them beside the chapter's page). A missing file is an
/// error naming the chapter.
fn expand_includes(
    text: &str,
    dir: &Path,
    chapter: &Path,
) -> Result<Vec<(PathBuf, String)>, String> {
    let mut pieces = vec![(dir.to_path_buf(), String::new())];
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(path) = trimmed
            .strip_prefix("{{#include ")
            .and_then(|rest| rest.strip_suffix("}}"))
        {
            let file = dir.join(path.trim());
            let included = std::fs::read_to_string(&file).map_err(|error| {
                format!(
                    "{} includes {}, which cannot be read: {error}",
                    chapter.display(),
                    file.display()
                )
            })?;
            pieces.push((file.parent().unwrap().to_path_buf(), included));
            pieces.push((dir.to_path_buf(), String::new()));
        } else {
            let own = &mut pieces.last_mut().unwrap().1;
            own.push_str(line);
            own.push('\n');
        }
    }
    Ok(pieces)
}

fn is_external(target: &str) -> bool {
    target.starts_with("http://")
        || target.starts_with("https://")
        || target.starts_with("mailto:")
        || target.starts_with('#')
        || target.starts_with('<')
}

/// Every problem of the book in `docs`: missing chapters and includes, links to nothing, links
/// to Markdown files that are not chapters (mdBook would not render them).
fn problems(docs: &Path) -> Vec<String> {
    let summary = docs.join("SUMMARY.md");
    let Ok(summary_text) = std::fs::read_to_string(&summary) else {
        return vec![format!("{} is missing", summary.display())];
    };
    let chapters: BTreeSet<PathBuf> = links(&summary_text)
        .into_iter()
        .map(|target| docs.join(target))
        .collect();
    let mut problems = Vec::new();
    for chapter in &chapters {
        let Ok(text) = std::fs::read_to_string(chapter) else {
            problems.push(format!(
                "SUMMARY.md lists {}, which does not exist",
                chapter.display()
            ));
            continue;
        };
        let dir = chapter.parent().unwrap();
        let pieces = match expand_includes(&text, dir, chapter) {
            Ok(pieces) => pieces,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        for (dir, target) in pieces
            .iter()
            .flat_map(|(dir, text)| links(text).into_iter().map(move |t| (dir, t)))
        {
            if is_external(&target) {
                continue;
            }
            let file = target.split('#').next().unwrap_or_default();
            let path = dir.join(file);
            if !path.exists() {
                problems.push(format!(
                    "{} links to `{target}`, which does not exist",
                    chapter.display()
                ));
            } else if file.ends_with(".md") && !chapters.contains(&path) {
                problems.push(format!(
                    "{} links to `{target}`, which is not a chapter of SUMMARY.md",
                    chapter.display()
                ));
            }
        }
    }
    problems
}

#[test]
fn every_chapter_include_and_link_of_the_book_resolves() {
    let problems = problems(&docs());
    assert!(
        problems.is_empty(),
        "the book has broken links:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_unit_has_a_chapter() {
    let summary = std::fs::read_to_string(docs().join("SUMMARY.md")).unwrap();
    for unit in 1..=9 {
        assert!(
            summary.contains(&format!("(units/unit{unit}.md)")),
            "unit {unit} has no chapter in docs/SUMMARY.md"
        );
    }
}

#[test]
fn the_checker_finds_what_is_broken() {
    let book = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = book.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "SUMMARY.md",
        "# Summary\n[Intro](intro.md)\n- [Gone](gone.md)\n- [Part](part.md)\n",
    );
    write(
        "intro.md",
        "[ok](part.md) [anchor](part.md#x) [web](https://example.com) [page](#top)\n\
         [nothing](nothing.png) [stray](stray.md)\n```\n[in code](not-checked.md)\n```\n",
    );
    write("stray.md", "not in the summary");
    write("part.md", "{{#include missing.md}}\n");
    let found = problems(book.path()).join("\n");
    for expected in [
        "gone.md, which does not exist",
        "links to `nothing.png`, which does not exist",
        "links to `stray.md`, which is not a chapter",
        "includes",
    ] {
        assert!(found.contains(expected), "{expected} in:\n{found}");
    }
    assert_eq!(
        found.lines().count(),
        4,
        "nothing else is reported:\n{found}"
    );
}
