//! The cohort's server on 127.0.0.1 (port 0), used as the `course` command and a browser use it:
//! join, submit, close a unit, read every page and the CSV, and feed it the bad inputs a
//! cohort will meet.

mod common;

use cohort::client::{self, LearnerFiles, Sent, ServerAnswer};
use cohort::server::{Limits, RunningServer, ServerConfig};
use cohort::store::Store;
use cohort::wire::*;
use cohort::UnitInfo;
use common::csv_with;
use std::path::Path;

fn units() -> Vec<UnitInfo> {
    ["unit2", "unit3"]
        .iter()
        .map(|name| UnitInfo {
            name: name.to_string(),
            model: format!("{name}'s model"),
            course: Some(0.75),
            reference: Some(0.875),
        })
        .collect()
}

struct Cohort {
    server: RunningServer,
    instructor: String,
    _folder: tempfile::TempDir,
    database: std::path::PathBuf,
}

fn start_with(limits: Limits) -> Cohort {
    let folder = tempfile::tempdir().unwrap();
    let database = folder.path().join("cohort.sqlite");
    let (store, token) = Store::open(&database, "Test cohort").unwrap();
    let config = ServerConfig {
        store,
        test: common::test_ids(),
        units: units(),
        limits,
    };
    let server = RunningServer::start(config, "127.0.0.1:0").unwrap();
    Cohort {
        server,
        instructor: token.unwrap(),
        _folder: folder,
        database,
    }
}

fn start() -> Cohort {
    start_with(Limits::default())
}

impl Cohort {
    fn url(&self) -> String {
        self.server.url()
    }

    fn invite(&self, count: usize, shared: Option<usize>) -> Vec<String> {
        let reply: InviteReply = client::post(
            &self.url(),
            "/api/invite",
            Some(&self.instructor),
            &InviteRequest { count, shared },
        )
        .unwrap();
        reply.codes.into_iter().map(|(code, _)| code).collect()
    }

    fn join(&self, name: &str) -> (LearnerFiles, client::Credentials, tempfile::TempDir) {
        let code = self.invite(1, None).remove(0);
        let folder = tempfile::tempdir().unwrap();
        let files = LearnerFiles {
            folder: folder.path().join("cohort"),
        };
        let credentials = files.join(&self.url(), &code, name).unwrap();
        (files, credentials, folder)
    }

    fn page(&self, path: &str) -> (u16, String) {
        match ureq::get(&format!("{}{path}", self.url())).call() {
            Ok(response) => (response.status(), response.into_string().unwrap()),
            Err(ureq::Error::Status(status, response)) => (status, response.into_string().unwrap()),
            Err(error) => panic!("{path}: {error}"),
        }
    }
}

fn request(unit: &str, csv: String, validation: f64) -> SubmissionRequest {
    SubmissionRequest {
        unit: unit.into(),
        run: "a-run".into(),
        csv,
        validation_accuracy: Some(validation),
        settings: serde_json::value::to_raw_value(&serde_json::json!({"trainer": {"seed": 7}}))
            .ok(),
        seed: Some(7),
        tests_seen: 2,
        commit: Some("abc1234".into()),
        progress: [(
            "unit2".to_string(),
            UnitProgress {
                done: 2,
                total: 4,
                next: Some(3),
                compiles: true,
            },
        )]
        .into(),
        client_id: None,
    }
}

fn submitted(sent: anyhow::Result<Sent>) -> SubmissionReply {
    match sent.unwrap() {
        Sent::Scored(reply) => reply,
        Sent::Kept(_, why) => panic!("not sent: {why}"),
    }
}

fn refusal(result: anyhow::Result<impl std::fmt::Debug>) -> (u16, String) {
    let error = result.unwrap_err();
    let answer = error
        .downcast_ref::<ServerAnswer>()
        .unwrap_or_else(|| panic!("not a refusal: {error:#}"));
    (answer.status, answer.message.clone())
}

/// Announces an upload of `bytes` bytes (the request head only, as a client about to send it
/// would) and reads the server's answer: its status and body.
fn announce_upload(url: &str, token: &str, bytes: usize) -> (u16, String) {
    use std::io::{Read, Write};
    let address = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "POST /api/submissions HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {bytes}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

#[test]
fn learners_join_submit_and_see_their_rank_and_a_closed_unit_is_final() {
    let cohort = start();
    let (ada_files, ada, _a) = cohort.join("Ada");
    let (grace_files, grace, _g) = cohort.join("Grace");

    let first = submitted(ada_files.submit(&ada, request("unit2", csv_with(6), 0.80)));
    assert_eq!(
        (first.correct, first.total, first.rank, first.entries),
        (6, 8, 1, 1)
    );
    assert_eq!(
        first.test_accuracy, 0.75,
        "the server scores the file itself"
    );
    let grace_first = submitted(grace_files.submit(&grace, request("unit2", csv_with(7), 0.81)));
    assert_eq!((grace_first.rank, grace_first.entries), (1, 2));
    // Grace's later, worse submission replaces her entry: her last choice stands.
    let grace_second = submitted(grace_files.submit(&grace, request("unit2", csv_with(5), 0.79)));
    assert_eq!((grace_second.rank, grace_second.entries), (2, 2));

    let board: Board = client::get(&cohort.url(), "/api/boards/unit2").unwrap();
    let shown: Vec<(usize, &str, f64, usize)> = board
        .entries
        .iter()
        .map(|e| (e.rank, e.name.as_str(), e.test_accuracy, e.submissions))
        .collect();
    assert_eq!(shown, [(1, "Ada", 0.75, 1), (2, "Grace", 0.625, 2)]);
    assert_eq!(board.entries[0].tests_seen, 2);

    // Every page a person reads.
    let (status, home) = cohort.page("/");
    assert_eq!(status, 200);
    assert!(
        home.contains("Test cohort") && home.contains("/unit/unit2") && home.contains("chart.svg"),
        "{home}"
    );
    let (status, unit2) = cohort.page("/unit/unit2");
    assert_eq!(status, 200);
    let ada_at = unit2.find("Ada").unwrap();
    let reference_at = unit2
        .find("this course&#39;s reference run")
        .or(unit2.find("this course's reference run"))
        .unwrap();
    let course_at = unit2.find("original course").unwrap();
    let grace_at = unit2.find("Grace").unwrap();
    assert!(
        reference_at < ada_at && ada_at < course_at && course_at < grace_at,
        "rows to beat where their figures put them:\n{unit2}"
    );
    let (status, history) = cohort.page(&format!("/learner/{}", grace.learner));
    assert_eq!(status, 200);
    assert_eq!(
        history.matches("abc1234").count(),
        2,
        "both of Grace's submissions: {history}"
    );
    assert_eq!(history.matches("on the board").count(), 1);
    let (status, chart) = cohort.page("/chart.svg");
    assert_eq!(status, 200);
    assert!(
        chart.starts_with("<svg") && chart.contains("the cohort"),
        "{}",
        &chart[..200.min(chart.len())]
    );

    // The instructor closes unit 2: its board is final and takes no more submissions.
    let closed: serde_json::Value = client::post(
        &cohort.url(),
        "/api/close",
        Some(&cohort.instructor),
        &CloseRequest {
            unit: "unit2".into(),
        },
    )
    .unwrap();
    assert!(closed["closed"].as_i64().unwrap() > 0);
    let (status, message) = refusal(ada_files.submit(&ada, request("unit2", csv_with(8), 0.9)));
    assert_eq!(status, 409);
    assert!(message.contains("closed"), "{message}");
    assert!(cohort.page("/unit/unit2").1.contains("Final"));
    let board: Board = client::get(&cohort.url(), "/api/boards/unit2").unwrap();
    assert_eq!(
        board.entries[0].test_accuracy, 0.75,
        "the refused submission changed nothing"
    );
    // unit3 is still open.
    submitted(ada_files.submit(&ada, request("unit3", csv_with(8), 0.9)));
}

#[test]
fn the_instructors_page_and_csv_need_the_instructors_token() {
    let cohort = start();
    let (files, ada, _a) = cohort.join("Ada");
    submitted(files.submit(&ada, request("unit2", csv_with(6), 0.8)));

    let (status, page) = cohort.page("/instructor");
    assert_eq!(status, 401);
    assert!(page.contains("Sign in") && !page.contains("Ada"), "{page}");
    assert_eq!(cohort.page("/instructor/progress.csv").0, 401);
    // The status and body of `path` read with `token`.
    let with = |token: &str, path: &str| -> (u16, String) {
        let answer = ureq::get(&format!("{}{path}", cohort.url()))
            .set("Authorization", &format!("Bearer {token}"))
            .call();
        match answer {
            Ok(response) => (response.status(), response.into_string().unwrap()),
            Err(ureq::Error::Status(status, response)) => (status, response.into_string().unwrap()),
            Err(error) => panic!("{path}: {error}"),
        }
    };
    assert_eq!(
        with(&ada.token, "/instructor/progress.csv").0,
        401,
        "a learner's token is not the instructor's"
    );
    let (status, csv) = with(&cohort.instructor, "/instructor/progress.csv");
    assert_eq!(status, 200);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("learner,name,unit,tasks_done,tasks,next_task"),
        "{csv}"
    );
    assert!(
        lines[1].starts_with(&format!("{},Ada,unit2,2,4,3,true,", ada.learner)),
        "{csv}"
    );
    let (_, page) = with(&cohort.instructor, "/instructor");
    assert!(
        page.contains("Ada") && page.contains("2/4") && page.contains("unit2 task 3"),
        "{page}"
    );

    // Signing in through the form sets a cookie the pages accept; a wrong token does not.
    let signed_in = ureq::AgentBuilder::new()
        .redirects(0)
        .build()
        .post(&format!("{}/instructor/sign-in", cohort.url()))
        .send_form(&[("token", cohort.instructor.as_str())])
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    let cookie = signed_in
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert!(signed_in.header("set-cookie").unwrap().contains("HttpOnly"));
    let page = ureq::get(&format!("{}/instructor", cohort.url()))
        .set("Cookie", &cookie)
        .call()
        .unwrap();
    assert!(page.into_string().unwrap().contains("Ada"));
    let wrong = ureq::post(&format!("{}/instructor/sign-in", cohort.url()))
        .send_form(&[("token", "i.wrong")]);
    assert!(matches!(wrong, Err(ureq::Error::Status(401, _))));
    // The cookie alone cannot change anything: closing wants the header.
    let closing = ureq::post(&format!("{}/api/close", cohort.url()))
        .set("Cookie", &cookie)
        .send_json(serde_json::json!({"unit": "unit2"}));
    assert!(matches!(closing, Err(ureq::Error::Status(401, _))));
}

#[test]
fn bad_submissions_get_a_clear_error_and_change_nothing() {
    let cohort = start();
    let (files, ada, _a) = cohort.join("Ada");
    let refused = |csv: String| refusal(files.submit(&ada, request("unit2", csv, 0.8)));
    let cases = [
        (
            csv_with(8).replace("\"8_3\",0\n", ""),
            "no prediction for test review 8_3",
        ),
        (
            csv_with(8) + "\"9_10\",1\n",
            "ids that are not test reviews",
        ),
        (csv_with(8) + "\"1_10\",1\n", "twice"),
        (csv_with(8).replace("\"1_10\",1", "\"1_10\",2"), "0 or 1"),
        ("id,label\n1_10,1\n".to_string(), "header"),
        (String::new(), "header"),
    ];
    for (csv, expected) in cases {
        let (status, message) = refused(csv);
        assert_eq!(status, 400, "{message}");
        assert!(
            message.contains(expected),
            "{expected:?} not in {message:?}"
        );
    }
    // A file a spreadsheet saved (byte-order mark, CRLF, ids unquoted) is read.
    let excel = format!(
        "\u{feff}{}",
        csv_with(7).replace('"', "").replace('\n', "\r\n")
    );
    assert_eq!(
        submitted(files.submit(&ada, request("unit2", excel, 0.8))).correct,
        7
    );
    // A unit that does not exist, a validation accuracy that is not one.
    let (status, message) = refusal(files.submit(&ada, request("unit10", csv_with(8), 0.8)));
    assert_eq!(status, 404);
    assert!(message.contains("unit2, unit3"), "{message}");
    assert_eq!(
        refusal(files.submit(&ada, request("unit2", csv_with(8), 1.5))).0,
        400
    );
    // A 100 MB upload: `course submit` refuses it before sending, and the server refuses it
    // when another client sends it.
    let huge = "x".repeat(100 * 1024 * 1024);
    let message = format!(
        "{:#}",
        files
            .submit(&ada, request("unit2", huge.clone(), 0.8))
            .unwrap_err()
    );
    assert!(message.contains("at most"), "{message}");
    let (status, answer) = announce_upload(&cohort.url(), &ada.token, 100 * 1024 * 1024);
    assert_eq!(status, 413, "{answer}");
    assert!(answer.contains("larger than the server takes"), "{answer}");
    // A wrong token, or none.
    let mut stranger = ada.clone();
    stranger.token = format!("l{}.{}", ada.learner, "0".repeat(64));
    assert_eq!(
        refusal(files.submit(&stranger, request("unit2", csv_with(8), 0.8))).0,
        401
    );
    stranger.token = "no token at all".into();
    assert_eq!(
        refusal(files.submit(&stranger, request("unit2", csv_with(8), 0.8))).0,
        401
    );

    let board: Board = client::get(&cohort.url(), "/api/boards/unit2").unwrap();
    assert_eq!(board.entries.len(), 1);
    assert_eq!(
        (board.entries[0].submissions, board.entries[0].test_accuracy),
        (1, 0.875),
        "only the spreadsheet's file counted"
    );
    assert!(
        std::fs::read_dir(files.folder.join("pending"))
            .unwrap()
            .next()
            .is_none(),
        "refused files are not kept to resend"
    );
}

#[test]
fn bad_joins_are_refused_and_change_nothing() {
    let cohort = start();
    let codes = cohort.invite(1, None);
    let folder = tempfile::tempdir().unwrap();
    let files = LearnerFiles {
        folder: folder.path().to_path_buf(),
    };
    let join = |code: &str, name: &str| refusal(files.join(&cohort.url(), code, name));

    assert_eq!(join("0000-bad-code", "Ada").0, 401);
    let too_long = "x".repeat(33);
    for name in [
        "<script>alert(1)</script>",
        "Robert'); DROP TABLE learners;--",
        "",
        too_long.as_str(),
        "tab\there",
    ] {
        let (status, message) = join(&codes[0], name);
        assert_eq!(status, 400, "{name:?}: {message}");
    }
    files.join(&cohort.url(), &codes[0], "Ada").unwrap();
    let (status, message) = join(&codes[0], "Ada Again");
    assert_eq!(status, 409, "a used code");
    assert!(message.contains("used up"), "{message}");
    let shared = cohort.invite(0, Some(2)).remove(0);
    let (status, message) = join(&shared, "ada");
    assert_eq!(
        status, 409,
        "names are unique, whatever their case: {message}"
    );
    files.join(&cohort.url(), &shared, "Grace").unwrap();
    files.join(&cohort.url(), &shared, "Alan").unwrap();
    assert_eq!(join(&shared, "Edsger").0, 409, "the shared code's limit");

    let (store, _) = Store::open(&cohort.database, "ignored").unwrap();
    assert_eq!(store.counts().unwrap().0, 3, "three learners, nothing else");
    // Instructor actions refuse learners and strangers.
    let credentials = files.credentials().unwrap();
    let invite = |token: &str| {
        refusal(client::post::<_, InviteReply>(
            &cohort.url(),
            "/api/invite",
            Some(token),
            &InviteRequest {
                count: 1,
                shared: None,
            },
        ))
    };
    assert_eq!(invite(&credentials.token).0, 401);
    assert_eq!(invite("i.0123").0, 401);
}

#[test]
fn names_are_escaped_on_every_page() {
    let cohort = start();
    let (files, ada, _a) = cohort.join("Ada");
    submitted(files.submit(&ada, request("unit2", csv_with(6), 0.8)));
    // A name no join accepts, written straight into the file: the pages still escape it.
    let connection = rusqlite::Connection::open(&cohort.database).unwrap();
    connection
        .execute(
            "UPDATE learners SET name = '<b>bold</b>' WHERE id = ?1",
            [ada.learner],
        )
        .unwrap();
    for path in ["/", "/unit/unit2", &format!("/learner/{}", ada.learner)] {
        let (_, page) = cohort.page(path);
        assert!(
            !page.contains("<b>bold</b>") && page.contains("&lt;b&gt;bold&lt;/b&gt;"),
            "{path}: {page}"
        );
    }
    assert_eq!(cohort.page("/learner/99").0, 404);
    assert_eq!(cohort.page("/learner/..%2F..%2Fetc%2Fpasswd").0, 404);
    assert_eq!(cohort.page("/unit/unit10").0, 404);
    assert_eq!(cohort.page("/nothing/here").0, 404);
}

#[test]
fn a_flood_from_one_token_is_slowed_and_other_learners_are_not() {
    let cohort = start_with(Limits {
        burst: 5.0,
        seconds_per_request: 60.0,
    });
    let (files, ada, _a) = cohort.join("Ada");
    let (grace_files, grace, _g) = cohort.join("Grace");
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let sent = client::post::<_, SubmissionReply>(
            &ada.url,
            "/api/submissions",
            Some(&ada.token),
            &request("unit2", csv_with(6), 0.8),
        );
        statuses.push(
            sent.map(|_| 200)
                .unwrap_or_else(|e| e.downcast_ref::<ServerAnswer>().unwrap().status),
        );
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
    submitted(grace_files.submit(&grace, request("unit2", csv_with(6), 0.8)));
    // A submission refused as too many is kept, to be sent later.
    match files
        .submit(&ada, request("unit2", csv_with(6), 0.8))
        .unwrap()
    {
        Sent::Kept(path, why) => assert!(path.exists() && why.contains("429"), "{why}"),
        Sent::Scored(_) => panic!("the flood limit let it through"),
    }
}

#[test]
fn a_submission_that_cannot_reach_the_server_is_kept_and_sent_later() {
    let cohort = start();
    let (files, mut ada, _a) = cohort.join("Ada");
    let url = ada.url.clone();
    // The server is away (nothing listens on port 9 of loopback).
    ada.url = "http://127.0.0.1:9".into();
    let kept = match files
        .submit(&ada, request("unit2", csv_with(6), 0.8))
        .unwrap()
    {
        Sent::Kept(path, why) => {
            assert!(why.contains("cannot reach"), "{why}");
            path
        }
        Sent::Scored(_) => panic!("nothing listens there"),
    };
    assert!(kept.exists());
    // The server is back.
    ada.url = url;
    let sent = files.send_pending(&ada).unwrap();
    assert_eq!(sent.len(), 1);
    assert!(matches!(
        sent.into_iter().next().unwrap().1.unwrap(),
        Sent::Scored(_)
    ));
    assert!(!kept.exists());
    assert!(files.send_pending(&ada).unwrap().is_empty());
}

#[test]
fn a_submission_sent_twice_is_recorded_once() {
    let cohort = start();
    let (_files, ada, _a) = cohort.join("Ada");
    let mut once = request("unit2", csv_with(6), 0.8);
    once.client_id = Some("3f2a9c".into());
    let send = || {
        client::post::<_, SubmissionReply>(&ada.url, "/api/submissions", Some(&ada.token), &once)
            .unwrap()
    };
    let (first, again) = (send(), send());
    assert_eq!(first.submission, again.submission, "the same record");
    let board: Board = client::get(&cohort.url(), "/api/boards/unit2").unwrap();
    assert_eq!(board.entries[0].submissions, 1);
}

#[test]
fn the_learners_token_file_is_readable_by_its_owner_only() {
    let cohort = start();
    let (files, _ada, _a) = cohort.join("Ada");
    let path = files.folder.join("learner.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    assert!(Path::new(&path).exists());
}

#[test]
fn the_instructor_sees_the_task_a_learner_is_on_and_since_when() {
    let folder = tempfile::tempdir().unwrap();
    let database = folder.path().join("cohort.sqlite");
    let (mut store, _) = Store::open(&database, "c").unwrap();
    let code = store.add_codes(1, None).unwrap().remove(0).0;
    let (ada, _) = store.join(&code, "Ada").unwrap();
    let cell = |done, next, compiles| UnitProgress {
        done,
        total: 5,
        next,
        compiles,
    };
    // A bare `course verify`: unit 1 half done, unit 2 not begun (its next task is 1).
    let report = [
        ("unit1".to_string(), cell(2, Some(3), true)),
        ("unit2".to_string(), cell(0, Some(1), true)),
    ];
    store.report_progress(&ada, &report.into()).unwrap();
    let connection = rusqlite::Connection::open(&database).unwrap();
    connection
        .execute("UPDATE progress SET since = 1000", [])
        .unwrap();
    let on = |store: &Store| {
        store.progress().unwrap()[0]
            .current_task()
            .map(|(u, t, s)| (u.to_string(), t, s))
    };
    assert_eq!(
        on(&store),
        Some(("unit1".to_string(), 3, 1000)),
        "the first unit not done, not the one not begun"
    );
    // The file stops compiling: still on task 3 since then, with its tasks done kept.
    store
        .report_progress(&ada, &[("unit1".to_string(), cell(0, None, false))].into())
        .unwrap();
    assert_eq!(on(&store), Some(("unit1".to_string(), 3, 1000)));
    let unit1 = store.progress().unwrap()[0].units["unit1"].clone();
    assert_eq!((unit1.done, unit1.compiles), (2, false));
    // Task 3 passes: on task 4 from now.
    store
        .report_progress(
            &ada,
            &[("unit1".to_string(), cell(3, Some(4), true))].into(),
        )
        .unwrap();
    let (unit, task, since) = on(&store).unwrap();
    assert_eq!((unit.as_str(), task), ("unit1", 4));
    assert!(since > 1000);
}
