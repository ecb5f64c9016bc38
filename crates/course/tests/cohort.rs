//! `course cohort serve` as an instructor starts it, killed in the middle of a load: every
//! submission it acknowledged is there after a restart, and nothing half-written is.

use cohort::client::{self, LearnerFiles, Sent};
use cohort::wire::*;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// `course` with the learner's files and runs in `home`; success and stdout + stderr.
fn course(home: &Path, args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_course"))
        .args(args)
        .env("COURSE_COHORT_DIR", home.join("cohort"))
        .env("COURSE_RUNS_DIR", home.join("runs"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

/// A finished run as a unit's program leaves it: its files, and a submission for the sample.
fn finished_run(runs: &Path, unit: &str, name: &str, validation: f64, seed: usize) {
    let folder = runs.join(unit).join(name);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("submission.csv"), sample_submission(seed)).unwrap();
    let summary =
        serde_json::json!({ "best_validation_accuracy": validation, "test_accuracy": 0.5 });
    std::fs::write(folder.join("summary.json"), summary.to_string()).unwrap();
    let config = serde_json::json!({ "unit": unit, "trainer": { "seed": 7 } });
    std::fs::write(folder.join("config.json"), config.to_string()).unwrap();
}

#[test]
fn a_learner_joins_submits_and_reads_the_boards_with_the_course_command() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    // Before joining: what to do.
    let (ok, out) = course(home, &["submit", "unit2"]);
    assert!(!ok && out.contains("course cohort join"), "{out}");
    let (ok, out) = course(home, &["cohort"]);
    assert!(!ok && out.contains("course cohort join"), "{out}");

    let database = home.join("server/cohort.sqlite");
    let (mut server, url) = serve(&database);
    let token_file = database.with_extension("instructor-token");
    let token_file = token_file.to_str().unwrap();
    let (ok, out) = course(
        home,
        &[
            "cohort",
            "invite",
            "--count",
            "1",
            "--server",
            &url,
            "--token-file",
            token_file,
        ],
    );
    assert!(ok, "{out}");
    let code = out.split_whitespace().next().unwrap().to_string();
    let (ok, out) = course(
        home,
        &["cohort", "join", &url, "not-a-code", "--name", "Ada"],
    );
    assert!(!ok && out.contains("not one of this cohort's"), "{out}");
    let (ok, out) = course(
        home,
        &["cohort", "join", &url, &code, "--name", "<b>Ada</b>"],
    );
    assert!(!ok && out.contains("letters, digits"), "{out}");
    let (ok, out) = course(home, &["cohort", "join", &url, &code, "--name", "Ada"]);
    assert!(ok, "{out}");

    let (ok, out) = course(home, &["submit", "unit2"]);
    assert!(
        !ok && out.contains("none of your unit2 runs") && out.contains("1000 test reviews"),
        "{out}"
    );
    finished_run(&home.join("runs"), "unit2", "mine-a", 0.70, 1);
    finished_run(&home.join("runs"), "unit2", "mine-b", 0.80, 2);
    let (ok, out) = course(home, &["submit", "unit2"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("Submitting unit2/mine-b") && out.contains("Rank 1 of 1"),
        "chosen by validation: {out}"
    );
    let (ok, out) = course(home, &["submit", "unit2", "--run", "mine-z"]);
    assert!(!ok && out.contains("mine-a, mine-b"), "{out}");
    let (ok, out) = course(home, &["submit", "unit10"]);
    assert!(!ok && out.contains("no unit \"unit10\""), "{out}");
    let (ok, out) = course(home, &["cohort"]);
    assert!(ok && out.contains("> ") && out.contains("Ada"), "{out}");

    // The server goes away: the submission is kept, and sent once it is back.
    server.kill().unwrap();
    server.wait().unwrap();
    let (ok, out) = course(home, &["submit", "unit2", "--run", "mine-a"]);
    assert!(ok && out.contains("course submit --pending"), "{out}");
    let (mut server, again) = serve_on(&database, url.trim_start_matches("http://"));
    assert_eq!(again, url);
    // Back: the next submission sends the kept one first, so the newer run is the entry.
    let (ok, out) = course(home, &["submit", "unit2", "--run", "mine-b"]);
    assert!(
        ok && out.contains("First, what was pending") && out.contains("unit2: sent"),
        "{out}"
    );
    let board: Board = client::get(&url, "/api/boards/unit2").unwrap();
    assert_eq!(board.entries[0].submissions, 3, "{board:?}");
    assert_eq!(
        board.entries[0].validation_accuracy,
        Some(0.80),
        "mine-b is the entry: {board:?}"
    );
    let (ok, out) = course(home, &["submit", "--pending"]);
    assert!(ok && out.contains("Nothing is pending"), "{out}");

    let (ok, out) = course(
        home,
        &[
            "cohort",
            "close",
            "unit2",
            "--server",
            &url,
            "--token-file",
            token_file,
        ],
    );
    assert!(ok && out.contains("unit2 is closed"), "{out}");
    let (ok, out) = course(home, &["submit", "unit2"]);
    assert!(!ok && out.contains("closed"), "{out}");
    server.kill().unwrap();
    server.wait().unwrap();
}

/// Starts the server on a free loopback port; returns it and its address.
fn serve(database: &Path) -> (Child, String) {
    serve_on(database, "127.0.0.1:0")
}

fn serve_on(database: &Path, address: &str) -> (Child, String) {
    let sample = course_core::workspace_root().join("datasets/imdb-sample");
    let mut child = Command::new(env!("CARGO_BIN_EXE_course"))
        .args(["cohort", "serve", "--address", address, "--database"])
        .arg(database)
        .arg("--data")
        .arg(&sample)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("the server prints its address")
            .unwrap();
        if let Some(rest) = line.strip_prefix("Serving on ") {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    // Keep reading its output so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, url)
}

fn sample_submission(seed: usize) -> String {
    let test = course_core::data::DataDir::bundled_sample().test().unwrap();
    let mut out = String::from("id,sentiment\n");
    for (k, review) in test.iter().enumerate() {
        out.push_str(&format!("\"{}\",{}\n", review.id, (k * 7 + seed) % 3 % 2));
    }
    out
}

#[test]
fn a_server_killed_during_a_load_keeps_every_acknowledged_submission_and_nothing_half_written() {
    let folder = tempfile::tempdir().unwrap();
    let database = folder.path().join("cohort.sqlite");
    let (mut server, url) = serve(&database);
    let instructor = std::fs::read_to_string(database.with_extension("instructor-token")).unwrap();
    let codes: InviteReply = client::post(
        &url,
        "/api/invite",
        Some(instructor.trim()),
        &InviteRequest {
            count: 12,
            shared: None,
        },
    )
    .unwrap();

    let acknowledged = Arc::new(Mutex::new(Vec::<(i64, f64)>::new()));
    let learners: Vec<_> = codes
        .codes
        .iter()
        .enumerate()
        .map(|(k, (code, _))| {
            let files = LearnerFiles {
                folder: folder.path().join(format!("learner{k}")),
            };
            let credentials = files.join(&url, code, &format!("Learner {k}")).unwrap();
            (files, credentials)
        })
        .collect();
    let threads: Vec<_> = learners
        .into_iter()
        .enumerate()
        .map(|(k, (files, credentials))| {
            let acknowledged = Arc::clone(&acknowledged);
            std::thread::spawn(move || {
                for round in 0..40 {
                    let request = SubmissionRequest {
                        unit: if round % 2 == 0 { "unit2" } else { "unit3" }.into(),
                        run: format!("run-{round}"),
                        csv: sample_submission(k + round),
                        validation_accuracy: Some(0.5),
                        tests_seen: round + 1,
                        ..Default::default()
                    };
                    match files.submit(&credentials, request) {
                        Ok(Sent::Scored(reply)) => acknowledged
                            .lock()
                            .unwrap()
                            .push((reply.submission, reply.test_accuracy)),
                        _ => return, // the server is gone
                    }
                }
            })
        })
        .collect();
    // Kill it (SIGKILL: no chance to tidy up) once the load is well under way.
    while acknowledged.lock().unwrap().len() < 40 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    server.kill().unwrap();
    server.wait().unwrap();
    for thread in threads {
        thread.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 40);

    // Restarted on the same file: everything acknowledged is there, with the score it was given.
    let (mut server, url) = serve(&database);
    let connection = rusqlite::Connection::open(&database).unwrap();
    let check: String = connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    for (id, accuracy) in &acknowledged {
        let stored: f64 = connection
            .query_row(
                "SELECT test_accuracy FROM submissions WHERE id = ?1",
                [id],
                |row| row.get(0),
            )
            .unwrap_or_else(|_| panic!("acknowledged submission {id} is missing after the kill"));
        assert_eq!(stored, *accuracy);
    }
    // Nothing half-written: every row stored is whole and scored on the full test set.
    let (rows, whole): (i64, i64) = connection
        .query_row(
            "SELECT COUNT(*), SUM(total = 1000 AND correct BETWEEN 0 AND 1000 AND length(file_sha256) = 64) FROM submissions",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert_eq!(rows, whole);
    assert!(
        rows as usize >= acknowledged.len() && rows as usize <= acknowledged.len() + 12,
        "at most one unacknowledged submission per learner: {rows}"
    );
    // The boards read back and still take submissions.
    let board: Board = client::get(&url, "/api/boards/unit2").unwrap();
    assert!(!board.entries.is_empty());
    server.kill().unwrap();
    server.wait().unwrap();
}
