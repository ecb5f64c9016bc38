//! The leaderboard's rows: what one unit's run measured, saved as JSON, shown as a Markdown table.

use super::seeds::{compare, Spread, Standing, UnitResult};
use super::units::{Figures, Plan, TimeSplit, Unit};
use super::Mode;
use anyhow::{Context, Result};
use course_core::tracking::plot;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Where the leaderboard ran: written into every row.
pub struct Machine {
    pub cpu: String,
    pub device: String,
    pub commit: String,
    pub build: &'static str,
}

impl Machine {
    pub fn here() -> Machine {
        let model = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find(|line| line.starts_with("model name"))
                    .and_then(|line| line.split(':').nth(1))
                    .map(|name| name.trim().to_string())
            })
            .unwrap_or_else(|| std::env::consts::ARCH.to_string());
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let memory = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|text| {
                let line = text.lines().find(|line| line.starts_with("MemTotal"))?;
                let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
                Some(format!(", {:.0} GiB", kb / 1024.0 / 1024.0))
            })
            .unwrap_or_default();
        Machine {
            cpu: format!("{model}, {cores} cores{memory}"),
            device: course_core::device::describe(course_core::device::best_device()),
            commit: git_commit(),
            // The dev profile is optimised too (opt-level 2); release is what the rows promise.
            build: if cfg!(debug_assertions) {
                "dev"
            } else {
                "release"
            },
        }
    }

    pub fn describe(&self) -> String {
        format!(
            "Machine: {}; device: {}; {} build of commit {}",
            self.cpu, self.device, self.build, self.commit
        )
    }
}

/// The checked-out commit, `+` when the tree has changes (`unknown` outside git).
pub fn git_commit() -> String {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(course_core::workspace_root())
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_string())
    };
    match git(&["rev-parse", "--short", "HEAD"]) {
        Some(commit) => {
            let changed = git(&["status", "--porcelain", "--untracked-files=no"])
                .is_some_and(|status| !status.is_empty());
            if changed {
                format!("{commit}+")
            } else {
                commit
            }
        }
        None => "unknown".to_string(),
    }
}

/// One unit's line of the leaderboard.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    pub unit: String,
    pub model: String,
    pub mode: String,
    pub data: String,
    pub command: String,
    /// `--seed` of the run (`None`: the unit's default, 123, given by no flag).
    #[serde(default)]
    pub seed: Option<u64>,
    pub validation: Option<f64>,
    pub test: Option<f64>,
    pub test_reviews: Option<u64>,
    /// The original course's figure.
    pub course: Option<f64>,
    /// Wall time of the whole unit: reading, training, predicting (and what it prepared).
    pub seconds: f64,
    /// When the unit finished (UTC).
    pub finished: String,
    pub commit: String,
    pub machine: String,
    pub device: String,
    pub build: String,
    pub notes: Vec<String>,
    pub error: Option<String>,
    /// Where the time went (rows from before it was recorded: `None`).
    #[serde(default)]
    pub time: Option<TimeSplit>,
}

impl Row {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        unit: &Unit,
        plan: &Plan,
        machine: &Machine,
        command: String,
        seconds: f64,
        mut notes: Vec<String>,
        figures: Option<Figures>,
        error: Option<String>,
    ) -> Row {
        let figures = figures.unwrap_or_default();
        notes.extend(figures.detail);
        Row {
            unit: unit.name.to_string(),
            model: unit.model.to_string(),
            mode: plan.mode.name().to_string(),
            data: shown_path(Path::new(&plan.data)),
            command,
            seed: plan.seed,
            validation: figures.validation,
            test: figures.test,
            test_reviews: figures.test_reviews,
            course: unit.course,
            seconds,
            finished: course_core::tracking::timestamp_name(),
            commit: machine.commit.clone(),
            machine: machine.cpu.clone(),
            device: machine.device.clone(),
            build: machine.build.to_string(),
            notes,
            error,
            time: figures.time,
        }
    }

    /// `reading and preparing 12 s, 1 epoch 35 min 29 s, predicting 15 min 00 s`: the row's wall
    /// time in parts.
    pub fn time_shown(&self) -> Option<String> {
        let time = self.time?;
        let reading = (self.seconds - time.training_seconds - time.prediction_seconds).max(0.0);
        let epochs = match time.epochs {
            1 => format!("1 epoch {}", duration(time.training_seconds)),
            n => format!(
                "{n} epochs {} ({} each)",
                duration(time.training_seconds),
                duration(time.training_seconds / n.max(1) as f64)
            ),
        };
        Some(format!(
            "reading and preparing {}, {epochs}, predicting {}",
            duration(reading),
            duration(time.prediction_seconds)
        ))
    }

    /// Saves the row as `<folder>/<unit>.json` (`<unit>-seed<N>.json` for a run of `--seeds`),
    /// replacing the previous row of that unit and seed.
    pub fn save(&self, folder: &Path) -> Result<()> {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
        let text = serde_json::to_string_pretty(self)?;
        let name = match self.seed {
            Some(seed) => format!("{}-seed{seed}.json", self.unit),
            None => format!("{}.json", self.unit),
        };
        course_core::fs::write_bytes_atomically(&folder.join(name), text.as_bytes())
    }

    /// Every row saved in `folder`, in course order (none when the folder does not exist).
    pub fn load_all(folder: &Path) -> Result<Vec<Row>> {
        let Ok(entries) = std::fs::read_dir(folder) else {
            return Ok(Vec::new());
        };
        let mut rows = Vec::new();
        for entry in entries {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                let row: Row = serde_json::from_str(&text).with_context(|| {
                    format!(
                        "{} is not a leaderboard row: delete it and run its unit again",
                        path.display()
                    )
                })?;
                rows.push(row);
            }
        }
        rows.sort_by(|a, b| (&a.unit, a.seed).cmp(&(&b.unit, b.seed)));
        Ok(rows)
    }
}

/// A path as commands show it: relative to the workspace when inside it.
pub fn shown_path(path: &Path) -> String {
    let root = course_core::workspace_root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// `42 s`, `3 min 05 s`, `1 h 02 min`.
pub fn duration(seconds: f64) -> String {
    let whole = seconds.round() as u64;
    match whole {
        _ if seconds < 10.0 => format!("{seconds:.1} s"),
        0..=59 => format!("{seconds:.0} s"),
        60..=3599 => format!("{} min {:02} s", whole / 60, whole % 60),
        _ => format!("{} h {:02} min", whole / 3600, whole % 3600 / 60),
    }
}

fn accuracy(value: Option<f64>) -> String {
    value.map_or("-".to_string(), |v| format!("{v:.5}"))
}

/// The test accuracy (the mean over seeds) minus the course's, signed, and with several seeds
/// whether the difference is beyond their spread.
fn difference(result: &UnitResult, course: Option<f64>) -> String {
    let (Some(test), Some(course)) = (result.test(), course) else {
        return "-".to_string();
    };
    let signed = format!("{:+.5}", test.mean - course);
    if test.runs == 1 {
        return signed;
    }
    match compare(&test, &Spread::exact(course)) {
        Standing::Beats => format!("{signed} (above, beyond the spread)"),
        Standing::Trails => format!("{signed} (below, beyond the spread)"),
        Standing::WithinSpread => format!("{signed} (within the spread)"),
    }
}

fn shown(spread: Option<Spread>) -> String {
    spread.map_or("-".to_string(), |s| s.shown())
}

/// `123, 7, 42`; `default` for a run made without `--seed`.
fn seeds_shown(result: &UnitResult) -> String {
    let seeds: Vec<String> = result
        .seeds()
        .iter()
        .map(|seed| seed.map_or("default".to_string(), |s| s.to_string()))
        .collect();
    seeds.join(", ")
}

/// The rows as a Markdown table (also readable in a terminal), one line per unit: with several
/// seeds, the mean and the range of their figures. Full rows stand beside the original course's
/// figure; quick rows (the bundled sample, a few epochs) beside this course's full-data figure
/// (`full`) and the original's, never compared with them as if measured alike.
pub fn table(rows: &[Row], mode: Mode, full: &[Row]) -> String {
    let mut text = match mode {
        Mode::Full => String::from(
            "| unit | model | best validation | test | course | test - course | seeds | wall time (newest run) |\n\
             |---|---|---|---|---|---|---|---|\n",
        ),
        Mode::Quick => String::from(
            "| unit | model | sample: best validation | sample: test | full data: this course | \
             full data: original course | wall time |\n|---|---|---|---|---|---|---|\n",
        ),
    };
    let full_results = UnitResult::all(full);
    let results = UnitResult::all(rows);
    for result in &results {
        let first = result.runs[0];
        let (validation, test) = match result.error() {
            Some(_) => ("failed".to_string(), "failed".to_string()),
            None => (shown(result.validation()), shown(result.test())),
        };
        let time = duration(result.seconds());
        text += &match mode {
            Mode::Full => format!(
                "| {} | {} | {validation} | {test} | {} | {} | {} | {time} |\n",
                first.unit,
                first.model,
                accuracy(first.course),
                difference(result, first.course),
                seeds_shown(result),
            ),
            Mode::Quick => format!(
                "| {} | {} | {validation} | {test} | {} | {} | {time} |\n",
                first.unit,
                first.model,
                shown(test_of(&full_results, &first.unit)),
                accuracy(first.course),
            ),
        };
    }
    if mode == Mode::Quick {
        text += &format!("\n{}", quick_reading(&results, &full_results));
    }
    // The notes of the runs behind the table, each once (three seeds often say the same).
    let mut notes: Vec<String> = results
        .iter()
        .flat_map(|result| result.runs.iter().copied())
        .flat_map(|row| {
            let error = row
                .error
                .iter()
                .map(|e| format!("{}: failed: {e}", row.unit));
            let notes = row.notes.iter().map(|n| format!("{}: {n}", row.unit));
            error.chain(notes).collect::<Vec<_>>()
        })
        .collect();
    notes.dedup();
    if !notes.is_empty() {
        text += "\n";
        for note in notes {
            text += &format!("- {note}\n");
        }
    }
    text
}

/// A unit's test figure among `results` (its finished runs).
fn test_of(results: &[UnitResult], unit: &str) -> Option<Spread> {
    results.iter().find(|r| r.unit() == unit)?.test()
}

/// How to read the quick table: what its figures show, and why a unit after unit 4 may trail
/// unit 2's bag of words there (named when it happens; on the full data a unit trails or beats
/// it only beyond the spread of their seeds).
fn quick_reading(results: &[UnitResult], full: &[UnitResult]) -> String {
    let mut text = String::from(
        "The sample columns come from 1,600 training reviews and a few epochs: they show that \
         every unit trains end to end. What each unit is worth is in the full-data columns.\n",
    );
    let Some(baseline) = test_of(results, "unit2") else {
        return text;
    };
    let baseline_full = test_of(full, "unit2");
    let (mut beaten_on_full_data, mut behind_on_both, mut too_close) =
        (Vec::new(), Vec::new(), Vec::new());
    for result in results.iter().filter(|r| r.unit() >= "unit5") {
        if !matches!(result.test(), Some(test) if test.mean < baseline.mean) {
            continue;
        }
        let standing = match (test_of(full, result.unit()), &baseline_full) {
            (Some(unit), Some(bag)) => Some(compare(&unit, bag)),
            _ => None,
        };
        match standing {
            Some(Standing::Beats) => beaten_on_full_data.push(result.unit()),
            Some(Standing::WithinSpread) => too_close.push(result.unit()),
            _ => behind_on_both.push(result.unit()),
        }
    }
    if !beaten_on_full_data.is_empty() {
        text +=
            &format!(
            "{} on the sample, where 1,600 reviews are too few to learn word vectors from, and \
             {} on the full data.\n",
            trail(&beaten_on_full_data),
            if beaten_on_full_data.len() == 1 { "beats it" } else { "beat it" }
        );
    }
    if !too_close.is_empty() {
        text += &format!(
            "{} on the sample; on the full data the two are within the spread of their seeds.\n",
            trail(&too_close)
        );
    }
    if !behind_on_both.is_empty() {
        text += &format!(
            "{} on the sample, and on the full data too: {} README says why.\n",
            trail(&behind_on_both),
            if behind_on_both.len() == 1 {
                "its"
            } else {
                "their"
            }
        );
    }
    text
}

/// "unit6 trails unit 2's bag of words", "unit6, unit7 trail ...".
fn trail(units: &[&str]) -> String {
    let verb = if units.len() == 1 { "trails" } else { "trail" };
    format!("{} {verb} unit 2's bag of words", units.join(", "))
}

/// How to read the full table: one figure beats another only where their means differ by more
/// than the larger spread of their seeds; each unit against unit 2's bag of words, the figure to
/// beat from unit 5 on.
fn reading_across_seeds(results: &[UnitResult]) -> String {
    let mut text = String::from(
        "A figure of several seeds is their mean, with the lowest and the highest in brackets. \
         One figure beats another only where the means differ by more than the larger of the \
         two ranges; with one seed a row is one draw, not a verdict.\n",
    );
    let Some(bag) = test_of(results, "unit2") else {
        return text;
    };
    let mut lines = Vec::new();
    for result in results.iter().filter(|r| r.unit() > "unit2") {
        let Some(test) = result.test() else { continue };
        if test.runs < 2 && bag.runs < 2 {
            continue;
        }
        let verdict = match compare(&test, &bag) {
            Standing::Beats => "beats unit 2's bag of words beyond the spread",
            Standing::Trails => "trails unit 2's bag of words beyond the spread",
            Standing::WithinSpread => "is within the spread of unit 2's bag of words",
        };
        lines.push(format!(
            "- {} {verdict} ({} against {})",
            result.unit(),
            test.shown(),
            bag.shown()
        ));
    }
    if !lines.is_empty() {
        text += &format!("\n{}\n", lines.join("\n"));
    }
    text
}

/// The results chart: each unit's test accuracy (the mean of its seeds, a whisker from the
/// lowest to the highest) beside the original course's figure.
fn draw_chart(path: &Path, results: &[UnitResult]) -> Result<()> {
    let results: Vec<&UnitResult> = results.iter().filter(|r| r.test().is_some()).collect();
    let groups: Vec<String> = results.iter().map(|r| r.unit().to_string()).collect();
    let tests: Vec<Spread> = results.iter().filter_map(|r| r.test()).collect();
    let course = results.iter().map(|r| r.runs[0].course).collect();
    let ranges = tests
        .iter()
        .map(|t| (t.runs > 1).then_some((t.lowest, t.highest)))
        .collect();
    let series = [
        plot::BarSeries::new("original course", course),
        plot::BarSeries::new(
            "this course (mean of its seeds)",
            tests.iter().map(|t| Some(t.mean)).collect(),
        )
        .with_ranges(ranges),
    ];
    let lowest = series
        .iter()
        .filter_map(plot::BarSeries::lowest)
        .fold(1.0f64, f64::min);
    // Bars start a little under the lowest figure, at a round number, so differences show.
    let y_from = ((lowest - 0.02) * 20.0).floor() / 20.0;
    let title = "Test accuracy on the 25,000 reviews";
    plot::accuracy_bars(path, title, &groups, &series, y_from.clamp(0.0, 0.9))
}

/// Writes the results page (atomically) from every saved row of one mode; the full data's page
/// gets its chart beside it (`results.md` -> `results.png`).
pub fn write_results(path: &Path, mode: Mode, rows: &[Row], full: &[Row]) -> Result<()> {
    let (command, about) = match mode {
        Mode::Full => (
            "cargo run --release -p course -- leaderboard",
            "Each unit's solution on the full data (20,000 training and 5,000 \
             validation reviews from Kaggle's labelled file; the test accuracy is the offline \
             score of the submission on the 25,000 test reviews), with its default settings.",
        ),
        Mode::Quick => (
            "cargo run --release -p course -- leaderboard --quick",
            "Each unit's solution on the bundled sample (1,600 training, 400 \
             validation and 1,000 test reviews) with few epochs: a check that every unit still \
             trains, not a result to compare with the course's full-data figures.",
        ),
    };
    let mut text = format!(
        "# Results\n\n<!-- Written by `{command}`: run it again rather than editing. -->\n\n{about}\n\n"
    );
    text += &table(rows, mode, full);
    // The runs behind the table: a unit's seeded runs stand in for its older run without a seed.
    let results = UnitResult::all(rows);
    if mode == Mode::Full {
        let chart = path.with_extension("png");
        draw_chart(&chart, &results)?;
        let file = chart.file_name().unwrap_or_default().to_string_lossy();
        text += &format!(
            "\n![Each unit's test accuracy beside the original course's figure; a whisker spans \
             the unit's seeds]({file})\n"
        );
        text += &format!("\n{}", reading_across_seeds(&results));
    }
    text += "\n## How each row was measured\n\n";
    // Each unit's runs behind its figures, then the run its wall time comes from when that one is
    // not among them.
    let listed = results.iter().flat_map(|result| {
        let runs = result.runs.iter().map(|row| (*row, ""));
        runs.chain(
            result
                .newest_beside_the_runs()
                .map(|row| (row, " (the wall time's run)")),
        )
    });
    for (row, role) in listed {
        let seed = row
            .seed
            .map_or(String::new(), |seed| format!(", seed {seed}"));
        let time = row
            .time_shown()
            .map_or(String::new(), |time| format!("  Time: {time}.\n"));
        text += &format!(
            "- **{}**{seed}{role}, finished {} UTC, commit {}, {} build, {}, {}:\n  `{}`\n{time}",
            row.unit, row.finished, row.commit, row.build, row.machine, row.device, row.command
        );
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    course_core::fs::write_bytes_atomically(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(unit: &str, test: Option<f64>, error: Option<&str>) -> Row {
        Row {
            unit: unit.to_string(),
            model: "a model".to_string(),
            mode: "quick".to_string(),
            data: "datasets/imdb-sample".to_string(),
            command: format!("cargo run --release -p {unit} --example solution"),
            seed: None,
            validation: test.map(|t| t + 0.01),
            test,
            test_reviews: Some(1000),
            course: Some(0.87228),
            seconds: 75.0,
            finished: "2026-11-26_23-00-00".to_string(),
            commit: "abc1234".to_string(),
            machine: "a CPU".to_string(),
            device: "CPU (2 threads)".to_string(),
            build: "release".to_string(),
            notes: vec!["a note".to_string()],
            time: None,
            error: error.map(str::to_string),
        }
    }

    #[test]
    fn the_table_shows_the_difference_to_the_course_and_the_failures() {
        let text = table(
            &[
                row("unit3", Some(0.9), None),
                row("unit4", Some(0.8), None),
                row("unit5", None, Some("no data")),
            ],
            Mode::Full,
            &[],
        );
        assert!(
            text.contains(
                "| unit3 | a model | 0.91000 | 0.90000 | 0.87228 | +0.02772 | default | 1 min 15 s |"
            ),
            "{text}"
        );
        assert!(text.contains("| -0.07228 |"), "{text}");
        assert!(
            text.contains("| unit5 | a model | failed | failed |"),
            "{text}"
        );
        assert!(text.contains("- unit5: failed: no data"), "{text}");
    }

    fn seeded(unit: &str, seed: u64, test: f64) -> Row {
        Row {
            seed: Some(seed),
            mode: "full".to_string(),
            ..row(unit, Some(test), None)
        }
    }

    #[test]
    fn several_seeds_make_one_line_of_mean_and_range_and_verdicts_go_by_the_spread() {
        let rows = [
            row("unit2", Some(0.5), None), // an older run without a seed: the seeded ones count
            seeded("unit2", 123, 0.8723),
            seeded("unit2", 7, 0.8731),
            seeded("unit2", 42, 0.8719),
            seeded("unit6", 123, 0.8958),
            seeded("unit6", 7, 0.8962),
            seeded("unit6", 42, 0.8970),
            seeded("unit8", 123, 0.8832),
            seeded("unit8", 7, 0.8852),
            seeded("unit8", 42, 0.8721),
        ];
        let text = table(&rows, Mode::Full, &[]);
        assert!(
            text.contains(
                "| unit6 | a model | 0.90633 (0.90580-0.90700, 3 seeds) | 0.89633 \
                 (0.89580-0.89700, 3 seeds) | 0.87228 | +0.02405 (above, beyond the spread) | \
                 7, 42, 123 | 1 min 15 s |"
            ),
            "{text}"
        );
        assert_eq!(text.matches("| unit2 |").count(), 1, "{text}");
        assert_eq!(
            text.matches("- unit6: a note").count(),
            1,
            "three seeds' same note, once: {text}"
        );
        assert!(!text.contains("0.50000"), "{text}");
        let reading = reading_across_seeds(&UnitResult::all(&rows));
        assert!(
            reading.contains("- unit6 beats unit 2's bag of words beyond the spread"),
            "{reading}"
        );
        assert!(
            reading.contains("- unit8 is within the spread of unit 2's bag of words"),
            "{reading}"
        );

        // The page lists the runs behind the table: not the older run the seeds stand in for.
        let folder = tempfile::tempdir().unwrap();
        let page = folder.path().join("results.md");
        write_results(&page, Mode::Full, &rows, &[]).unwrap();
        let page = std::fs::read_to_string(page).unwrap();
        assert!(page.contains("- **unit2**, seed 42, finished"), "{page}");
        assert!(!page.contains("- **unit2**, finished"), "{page}");
        // Its chart beside it, a real PNG, named on the page.
        assert!(page.contains("](results.png)"), "{page}");
        let chart = std::fs::read(folder.path().join("results.png")).unwrap();
        assert!(chart.starts_with(b"\x89PNG"), "the chart is not a PNG");

        // The quick table's reading asks the full data's seeds before saying "trails".
        let quick = [
            row("unit2", Some(0.81), None),
            row("unit8", Some(0.7), None),
        ];
        let text = table(&quick, Mode::Quick, &rows);
        assert!(
            text.contains("unit8 trails unit 2's bag of words on the sample; on the full data the two are within the spread"),
            "{text}"
        );
        assert!(!text.contains("full data too"), "{text}");
    }

    #[test]
    fn the_wall_time_is_the_newest_runs_and_the_page_says_which_run_that_is() {
        let at = |row: Row, finished: &str, seconds: f64| Row {
            finished: finished.to_string(),
            seconds,
            ..row
        };
        let rows = [
            // Seeds run beside other work, then a sitting of the whole leaderboard, alone.
            at(seeded("unit3", 123, 0.889), "2026-12-03_19-09-45", 880.0),
            at(seeded("unit3", 7, 0.888), "2026-12-03_19-18-51", 546.0),
            at(row("unit3", Some(0.889), None), "2026-12-06_02-07-10", 46.0),
            // A default run older than the seeds, and a failed newer seed: the last finished
            // seed's time.
            at(row("unit4", Some(0.9), None), "2026-11-29_23-40-00", 147.0),
            at(seeded("unit4", 123, 0.901), "2026-12-03_19-25-23", 127.0),
            Row {
                error: Some("stopped".to_string()),
                ..at(seeded("unit4", 7, 0.9), "2026-12-03_19-27-51", 10.0)
            },
        ];
        let text = table(&rows, Mode::Full, &[]);
        assert!(text.contains("wall time (newest run) |"), "{text}");
        assert!(text.contains("| 7, 123 | 46 s |"), "{text}");
        assert!(text.contains("| 2 min 07 s |"), "{text}");

        let folder = tempfile::tempdir().unwrap();
        let page = folder.path().join("results.md");
        write_results(&page, Mode::Full, &rows, &[]).unwrap();
        let page = std::fs::read_to_string(page).unwrap();
        assert!(
            page.contains("- **unit3** (the wall time's run), finished 2026-12-06_02-07-10"),
            "{page}"
        );
        assert!(page.contains("- **unit3**, seed 7, finished"), "{page}");
        assert!(
            !page.contains("- **unit4** (the wall time's run)"),
            "{page}"
        );
        assert!(!page.contains("- **unit4**, finished"), "{page}");
    }

    #[test]
    fn seeded_rows_are_saved_beside_each_other() {
        let folder = tempfile::tempdir().unwrap();
        seeded("unit7", 7, 0.5).save(folder.path()).unwrap();
        seeded("unit7", 123, 0.6).save(folder.path()).unwrap();
        row("unit7", Some(0.7), None).save(folder.path()).unwrap();
        let rows = Row::load_all(folder.path()).unwrap();
        let seeds: Vec<Option<u64>> = rows.iter().map(|r| r.seed).collect();
        assert_eq!(seeds, [None, Some(7), Some(123)]);
        assert!(folder.path().join("unit7-seed123.json").exists());
    }

    #[test]
    fn the_quick_table_stands_sample_figures_beside_full_data_ones_without_subtracting() {
        let quick = [
            row("unit2", Some(0.81), None),
            row("unit6", Some(0.66), None),
            row("unit7", Some(0.83), None),
        ];
        let full = [
            row("unit2", Some(0.87228), None),
            row("unit6", Some(0.89788), None),
            row("unit9", Some(0.81684), None),
        ];
        let text = table(&quick, Mode::Quick, &full);
        assert!(
            text.contains("| sample: test | full data: this course |"),
            "{text}"
        );
        assert!(!text.contains("test - course"), "{text}");
        assert!(
            text.contains("| unit6 | a model | 0.67000 | 0.66000 | 0.89788 | 0.87228 |"),
            "{text}"
        );
        assert!(
            text.contains("| unit7 | a model | 0.84000 | 0.83000 | - | 0.87228 |"),
            "{text}"
        );
        // The unit that trails the bag of words on the sample is named, with the reason.
        assert!(
            text.contains("unit6 trails unit 2's bag of words on the sample, where")
                && text.contains("beats it on the full data"),
            "{text}"
        );
        assert!(
            !text.contains("unit7 trail") && !text.contains("unit6, unit7"),
            "{text}"
        );
        // One that trails on the full data too is not said to beat it there.
        let quick = [
            row("unit2", Some(0.81), None),
            row("unit9", Some(0.7), None),
        ];
        let text = table(&quick, Mode::Quick, &full);
        assert!(
            text.contains("unit9 trails unit 2's bag of words on the sample, and on the full data"),
            "{text}"
        );
        assert!(!text.contains("beat"), "{text}");
    }

    #[test]
    fn rows_are_saved_replaced_and_read_back_in_course_order() {
        let folder = tempfile::tempdir().unwrap();
        row("unit7", Some(0.5), None).save(folder.path()).unwrap();
        row("unit3", Some(0.6), None).save(folder.path()).unwrap();
        row("unit7", Some(0.7), None).save(folder.path()).unwrap();
        let rows = Row::load_all(folder.path()).unwrap();
        let units: Vec<(&str, Option<f64>)> =
            rows.iter().map(|r| (r.unit.as_str(), r.test)).collect();
        assert_eq!(units, [("unit3", Some(0.6)), ("unit7", Some(0.7))]);

        std::fs::write(folder.path().join("unit9.json"), "{ half a row").unwrap();
        let error = format!("{:#}", Row::load_all(folder.path()).unwrap_err());
        assert!(
            error.contains("unit9.json is not a leaderboard row"),
            "{error}"
        );
        assert!(Row::load_all(&folder.path().join("none"))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn a_rows_time_is_split_into_reading_training_and_predicting() {
        let mut three_epochs = row("unit7", Some(0.9), None);
        three_epochs.seconds = 500.0;
        assert_eq!(
            three_epochs.time_shown(),
            None,
            "rows from before the split"
        );
        three_epochs.time = Some(TimeSplit {
            epochs: 3,
            training_seconds: 429.0,
            prediction_seconds: 40.0,
        });
        assert_eq!(
            three_epochs.time_shown().unwrap(),
            "reading and preparing 31 s, 3 epochs 7 min 09 s (2 min 23 s each), predicting 40 s"
        );
        let mut one_epoch = three_epochs.clone();
        one_epoch.time = Some(TimeSplit {
            epochs: 1,
            training_seconds: 400.0,
            prediction_seconds: 90.0,
        });
        assert_eq!(
            one_epoch.time_shown().unwrap(),
            "reading and preparing 10 s, 1 epoch 6 min 40 s, predicting 1 min 30 s"
        );

        // The results page says it under the row's command.
        let folder = tempfile::tempdir().unwrap();
        let page = folder.path().join("results.md");
        write_results(&page, Mode::Quick, &[three_epochs], &[]).unwrap();
        let page = std::fs::read_to_string(page).unwrap();
        assert!(
            page.contains("--example solution`\n  Time: reading and preparing 31 s, 3 epochs"),
            "{page}"
        );
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(0.42), "0.4 s");
        assert_eq!(duration(42.4), "42 s");
        assert_eq!(duration(185.0), "3 min 05 s");
        assert_eq!(duration(3_720.0), "1 h 02 min");
    }
}
