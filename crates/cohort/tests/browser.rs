//! The cohort's pages in a real browser: headless Chromium from Debian's packages, driven by its
//! chromedriver over the W3C WebDriver protocol (JSON over HTTP on 127.0.0.1). The test reads
//! what a person sees (the rendered text, not the HTML), signs in as the instructor through the
//! form, and takes screenshots.
//!
//! Without `/usr/bin/chromium` and `/usr/bin/chromedriver` the test says so and passes, unless
//! `COURSE_BROWSER_TESTS=required` (CI installs both and sets it).
//! `COHORT_SCREENSHOTS=DIR` keeps the screenshots there (the book's are made that way).

mod common;

use cohort::client::{self, LearnerFiles, Sent};
use cohort::server::{RunningServer, ServerConfig};
use cohort::store::Store;
use cohort::wire::*;
use cohort::UnitInfo;
use common::csv_with;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A chromedriver on a free loopback port, and one browser session.
struct Browser {
    driver: Child,
    base: String,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn start() -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while ureq::get(&format!("{base}/status")).call().is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer on {base}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap();
        let arguments = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1100,800",
        ];
        let mut arguments: Vec<String> = arguments.iter().map(|a| a.to_string()).collect();
        arguments.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": CHROMIUM, "args": arguments }
        }}});
        let mut browser = Browser {
            driver,
            base,
            session: String::new(),
            _profile: profile,
        };
        let reply = browser.call("POST", "/session", Some(capabilities));
        browser.session = reply["sessionId"].as_str().expect("a session").to_string();
        browser
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let request = ureq::request(method, &url);
        let answer = match body {
            Some(body) => request.send_json(body),
            None => request.call(),
        };
        match answer {
            Ok(response) => response.into_json::<Value>().unwrap()["value"].clone(),
            Err(ureq::Error::Status(status, response)) => panic!(
                "WebDriver {method} {path}: {status} {}",
                response.into_string().unwrap_or_default()
            ),
            Err(error) => panic!("WebDriver {method} {path}: {error}"),
        }
    }

    fn open(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    fn find(&self, css: &str) -> String {
        let found = self.call(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        );
        found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no {css} on the page"))
            .to_string()
    }

    /// The page's text as it is rendered (what a person reads).
    fn text(&self) -> String {
        let body = self.find("body");
        self.call("GET", &format!("/element/{body}/text"), None)
            .as_str()
            .unwrap()
            .to_string()
    }

    fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.call(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({ "text": text })),
        );
    }

    fn click(&self, css: &str) {
        let element = self.find(css);
        self.call(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        );
    }

    fn screenshot(&self, path: &Path) {
        use base64::Engine;
        let encoded = self.call("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().unwrap())
            .unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::write(path, png).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = ureq::delete(&format!("{}/session/{}", self.base, self.session)).call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn browser_available() -> bool {
    let present = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    if !present {
        let required = std::env::var("COURSE_BROWSER_TESTS").is_ok_and(|v| v == "required");
        assert!(!required, "COURSE_BROWSER_TESTS=required but {CHROMIUM} or {CHROMEDRIVER} is missing: apt-get install chromium chromium-driver");
        eprintln!("skipped: no {CHROMIUM} and {CHROMEDRIVER} here (apt-get install chromium chromium-driver)");
    }
    present
}

#[test]
fn a_person_reads_the_board_and_the_instructor_signs_in_to_see_progress() {
    if !browser_available() {
        return;
    }
    let folder = tempfile::tempdir().unwrap();
    let (store, instructor) =
        Store::open(&folder.path().join("cohort.sqlite"), "Spring cohort").unwrap();
    let instructor = instructor.unwrap();
    let units: Vec<UnitInfo> = [
        ("unit2", "bag of words + MLP", 0.87228, 0.8722),
        ("unit3", "bag of words, the trainer", 0.87228, 0.8885),
    ]
    .iter()
    .map(|&(name, model, course, reference)| UnitInfo {
        name: name.into(),
        model: model.into(),
        course: Some(course),
        reference: Some(reference),
    })
    .collect();
    let config = ServerConfig {
        store,
        test: common::test_ids(),
        units,
        limits: Default::default(),
    };
    let server = RunningServer::start(config, "127.0.0.1:0").unwrap();
    let url = server.url();
    let invite: InviteReply = client::post(
        &url,
        "/api/invite",
        Some(&instructor),
        &InviteRequest {
            count: 2,
            shared: None,
        },
    )
    .unwrap();
    for ((name, right, next), (code, _)) in [("Ada", 8, Some(3)), ("Grace <3", 6, None)]
        .into_iter()
        .zip(invite.codes)
    {
        let name = name.replace(" <3", "");
        let files = LearnerFiles {
            folder: folder.path().join(&name),
        };
        let credentials = files.join(&url, &code, &name).unwrap();
        let request = SubmissionRequest {
            unit: "unit2".into(),
            run: "mine-1".into(),
            csv: csv_with(right),
            validation_accuracy: Some(0.8),
            tests_seen: 3,
            progress: [(
                "unit2".to_string(),
                UnitProgress {
                    done: next.map_or(4, |n| n - 1),
                    total: 4,
                    next,
                    compiles: true,
                },
            )]
            .into(),
            ..Default::default()
        };
        assert!(matches!(
            files.submit(&credentials, request).unwrap(),
            Sent::Scored(_)
        ));
    }

    let browser = Browser::start();
    let shots: PathBuf = std::env::var_os("COHORT_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| folder.path().to_path_buf());
    std::fs::create_dir_all(&shots).unwrap();

    browser.open(&format!("{url}/unit/unit2"));
    let board = browser.text();
    let lines: Vec<&str> = board.lines().collect();
    let line_of = |what: &str| {
        lines
            .iter()
            .position(|l| l.contains(what))
            .unwrap_or_else(|| panic!("{what:?} not shown:\n{board}"))
    };
    assert!(board.contains("unit2: bag of words + MLP"), "{board}");
    assert!(
        lines[line_of("Ada")].contains("1.0000"),
        "Ada's score beside her name: {board}"
    );
    assert!(
        line_of("Ada") < line_of("original course")
            && line_of("original course") < line_of("Grace"),
        "{board}"
    );
    browser.screenshot(&shots.join("cohort-board.png"));

    browser.open(&format!("{url}/instructor"));
    let before = browser.text();
    assert!(
        before.contains("Sign in") && !before.contains("Ada"),
        "{before}"
    );
    browser.type_into("input[name=token]", &instructor);
    browser.click("button[type=submit]");
    let progress = browser.text();
    assert!(progress.contains("the cohort's progress"), "{progress}");
    let ada = progress
        .lines()
        .find(|l| l.starts_with("Ada"))
        .unwrap_or_else(|| panic!("{progress}"));
    assert!(ada.contains("2/4") && ada.contains("unit2 task 3"), "{ada}");
    let grace = progress.lines().find(|l| l.starts_with("Grace")).unwrap();
    assert!(grace.contains("4/4"), "{grace}");
    browser.screenshot(&shots.join("cohort-instructor.png"));
}
