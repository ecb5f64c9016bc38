//! `cargo run --release -p course-benches --bin cohort-load`: the cohort's server under a class
//! submitting at once, on loopback. Learners join (one code each), then every learner sends its
//! submissions as fast as the server answers, all starting together; each request's latency is
//! timed. Bounded: `--learners` x `--submissions` requests, each with a 60 s timeout.
//!
//! The server and the load share this machine's cores, so the figures are for both together.

use anyhow::{bail, Context, Result};
use cohort::client::{self, LearnerFiles, Sent};
use cohort::scoring::TestIds;
use cohort::server::{RunningServer, ServerConfig};
use cohort::store::Store;
use cohort::wire::*;
use course_core::data::DataDir;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

const USAGE: &str = "cohort-load [--learners 200] [--submissions 5] [--data DIR]";

fn main() -> Result<()> {
    let (mut learners, mut submissions, mut data) = (200usize, 5usize, None);
    let mut arguments = std::env::args().skip(1);
    while let Some(flag) = arguments.next() {
        let value = arguments
            .next()
            .with_context(|| format!("{flag} needs a value: {USAGE}"))?;
        match flag.as_str() {
            "--learners" => learners = value.parse()?,
            "--submissions" => submissions = value.parse()?,
            "--data" => data = Some(std::path::PathBuf::from(value)),
            _ => bail!("unknown flag {flag}: {USAGE}"),
        }
    }
    if !(1..=1000).contains(&learners) || !(1..=50).contains(&submissions) {
        bail!("1-1000 learners and 1-50 submissions each: a bounded load");
    }
    let data = DataDir::resolve(data.as_deref())?;
    let test = TestIds::of(&data)?;
    let csv = submission_for(test.ids());
    let folder = tempfile::tempdir()?;
    let database = folder.path().join("cohort.sqlite");
    let (store, instructor) = Store::open(&database, "load")?;
    let config = ServerConfig {
        store,
        test,
        units: units(),
        limits: Default::default(),
    };
    let server = RunningServer::start(config, "127.0.0.1:0")?;
    let url = server.url();
    println!(
        "{learners} learners x {submissions} submissions of {} bytes ({data}) to {url}",
        csv.len()
    );

    let invite: InviteReply = client::post(
        &url,
        "/api/invite",
        instructor.as_deref(),
        &InviteRequest {
            count: learners,
            shared: None,
        },
    )?;
    let joined: Vec<_> = invite
        .codes
        .iter()
        .enumerate()
        .map(|(k, (code, _))| {
            let files = LearnerFiles {
                folder: folder.path().join(format!("l{k}")),
            };
            let credentials = files.join(&url, code, &format!("Learner {k}"))?;
            Ok((files, credentials))
        })
        .collect::<Result<_>>()?;

    let start_together = Arc::new(Barrier::new(learners + 1));
    let csv = Arc::new(csv);
    let threads: Vec<_> = joined
        .into_iter()
        .map(|(files, credentials)| {
            let (start_together, csv) = (Arc::clone(&start_together), Arc::clone(&csv));
            std::thread::spawn(move || -> Result<Vec<Duration>> {
                start_together.wait();
                (0..submissions)
                    .map(|round| {
                        let request = SubmissionRequest {
                            unit: ["unit2", "unit3"][round % 2].into(),
                            run: format!("run-{round}"),
                            csv: csv.to_string(),
                            validation_accuracy: Some(0.9),
                            tests_seen: round + 1,
                            ..Default::default()
                        };
                        let clock = Instant::now();
                        match files.submit(&credentials, request)? {
                            Sent::Scored(_) => Ok(clock.elapsed()),
                            Sent::Kept(_, why) => bail!("a submission was not taken: {why}"),
                        }
                    })
                    .collect()
            })
        })
        .collect();
    start_together.wait();
    let clock = Instant::now();
    let mut latencies = Vec::new();
    for thread in threads {
        latencies.extend(
            thread
                .join()
                .map_err(|_| anyhow::anyhow!("a learner's thread panicked"))??,
        );
    }
    let wall = clock.elapsed().as_secs_f64();
    server.stop()?;
    latencies.sort();
    let at = |q: f64| {
        latencies[((latencies.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0
    };
    let size: u64 = std::fs::read_dir(folder.path())?
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("cohort.sqlite"))
        .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
        .sum();
    println!(
        "{} submissions in {wall:.2} s: {:.1} per second; latency ms p50 {:.1}, p90 {:.1}, p99 {:.1}, max {:.1}; database {:.2} MB after (with its write-ahead log)",
        latencies.len(), latencies.len() as f64 / wall, at(0.5), at(0.9), at(0.99), at(1.0), size as f64 / 1e6
    );
    Ok(())
}

fn submission_for(ids: &[String]) -> String {
    let mut out = String::from("id,sentiment\n");
    for (k, id) in ids.iter().enumerate() {
        out.push_str(&format!("\"{id}\",{}\n", k % 2));
    }
    out
}

fn units() -> Vec<cohort::UnitInfo> {
    ["unit2", "unit3"]
        .iter()
        .map(|name| cohort::UnitInfo {
            name: name.to_string(),
            model: String::new(),
            course: None,
            reference: None,
        })
        .collect()
}
