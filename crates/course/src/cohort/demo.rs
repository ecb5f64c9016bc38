//! `course cohort demo`: a cohort to look at before a real one starts. A server over the
//! bundled sample, three learners who join with codes, train real quick runs of units 2 and 3,
//! and submit them through the same client as `course submit`; then the pages' address.

use super::submit::{finished_runs, request_for};
use anyhow::{bail, Context, Result};
use cohort::client::{self, LearnerFiles, Sent};
use cohort::wire::{InviteReply, InviteRequest, ProgressReport, UnitProgress};
use course_core::data::DataDir;
use std::collections::BTreeMap;

/// Who trains what: a learner, then (unit, seed) in the order they submit. Grace's second
/// unit 2 submission replaces her first on the board, as a chosen Kaggle entry does.
const PLAN: [(&str, &[(&str, u64)]); 3] = [
    ("Ada", &[("unit2", 1), ("unit3", 1)]),
    ("Grace", &[("unit2", 2), ("unit3", 2), ("unit2", 3)]),
    ("Alan", &[("unit2", 4)]),
];

pub fn demo(address: &str, no_wait: bool) -> Result<()> {
    let started = course_core::tracking::timestamp_name();
    let folder = course_core::tracking::runs_root()
        .join("cohort-demo")
        .join(&started);
    // The demo learners' runs go into the demo's folder, not among yours (where `course submit`
    // and `course mine` would count them). Set before any other thread starts.
    std::env::set_var("COURSE_RUNS_DIR", folder.join("runs"));
    let database = folder.join("cohort.sqlite");
    let config = super::server_config(
        &database,
        &DataDir::bundled_sample(),
        "Demo cohort (the bundled sample)",
    )?;
    let server = cohort::server::RunningServer::start(config, address)?;
    let url = server.url();
    println!(
        "Demo cohort serving on {url} (database {})",
        database.display()
    );
    let instructor = std::fs::read_to_string(super::token_path(&database))?
        .trim()
        .to_string();
    let invited: InviteReply = client::post(
        &url,
        "/api/invite",
        Some(&instructor),
        &InviteRequest {
            count: PLAN.len(),
            shared: None,
        },
    )?;
    for ((name, runs), (code, _)) in PLAN.iter().zip(&invited.codes) {
        let files = LearnerFiles {
            folder: folder.join("learners").join(name.to_lowercase()),
        };
        let credentials = files.join(&url, code, name)?;
        println!("\n{name} joined with code {code}");
        for (k, (unit, seed)) in runs.iter().enumerate() {
            let run_name = format!("cohort-demo-{}-{started}-{k}", name.to_lowercase());
            let run = crate::leaderboard::train_quick(unit, &run_name, *seed)?;
            let unit_runs = run.parent().context("a run folder has a unit folder")?;
            let finished = finished_runs(unit_runs, None)?;
            let this = finished
                .iter()
                .find(|r| r.name == run_name)
                .with_context(|| format!("{} did not finish with a submission", run.display()))?;
            // Each of the learner's finished runs of this unit showed them a test score.
            let seen = runs[..=k].iter().filter(|(u, _)| u == unit).count();
            let mut request = request_for(unit, this, seen)?;
            request.progress = example_progress(name);
            match files.submit(&credentials, request)? {
                Sent::Scored(reply) => println!(
                    "{name} submitted {unit} (seed {seed}): test accuracy {:.4}, rank {} of {}",
                    reply.test_accuracy, reply.rank, reply.entries
                ),
                Sent::Kept(_, why) => {
                    bail!("the demo's own server did not take a submission: {why}")
                }
            }
        }
        let report = ProgressReport {
            progress: example_progress(name),
        };
        let _: serde_json::Value =
            client::post(&url, "/api/progress", Some(&credentials.token), &report)?;
    }
    println!(
        "\nThe demo cohort: {url}/ (boards: {url}/unit/unit2, {url}/unit/unit3)\n\
         Instructor's page: {url}/instructor, signed in with the token in {}\n\
         The learners' progress on it is an example (they have no exercise files); their runs are real.",
        super::token_path(&database).display()
    );
    if no_wait {
        return server.stop();
    }
    println!("Serving until Ctrl-C.");
    loop {
        std::thread::park();
    }
}

/// Example exercise progress for the demo's learners, over the units' real task counts.
fn example_progress(name: &str) -> BTreeMap<String, UnitProgress> {
    let on_task: &[(&str, Option<usize>, bool)] = match name {
        "Ada" => &[
            ("unit1", None, true),
            ("unit2", None, true),
            ("unit3", Some(4), true),
        ],
        "Grace" => &[("unit1", None, true), ("unit2", Some(3), true)],
        _ => &[("unit1", Some(2), false)],
    };
    let units = crate::exercises::units();
    on_task
        .iter()
        .filter_map(|&(unit, next, compiles)| {
            let total = units.iter().find(|u| u.name == unit)?.task_infos().len();
            let done = next.map_or(total, |n| n - 1);
            let done = if compiles { done } else { 0 };
            Some((
                unit.to_string(),
                UnitProgress {
                    done,
                    total,
                    next,
                    compiles,
                },
            ))
        })
        .collect()
}
