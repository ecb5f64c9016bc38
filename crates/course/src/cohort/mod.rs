//! `course cohort ...` and `course submit`: taking the course as a cohort.
//!
//! ```sh
//! course cohort serve                         # the instructor: start the cohort's server
//! course cohort invite --count 12             # the instructor: one join code per learner
//! course cohort close unit3                   # the instructor: unit 3's board is final
//! course cohort join http://HOST:7878 CODE --name Ada
//! course submit unit3 [--run NAME]            # score, rank, and your progress
//! course submit --pending                     # send what could not be sent before
//! course cohort                               # the boards, in the terminal
//! course cohort demo                          # a server with three learners, to look at
//! ```

mod demo;
mod submit;

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use cohort::client::{self, LearnerFiles};
use cohort::wire::{Board, CloseRequest, InviteReply, InviteRequest};
use course_core::data::DataDir;
use std::path::{Path, PathBuf};

pub use submit::submit;

/// Where an instructor's server listens unless told otherwise.
pub const DEFAULT_ADDRESS: &str = "127.0.0.1:7878";

#[derive(Subcommand)]
pub enum CohortCommand {
    /// (Instructor) Start the cohort's server: boards, progress, the instructor's page
    Serve {
        /// Address to listen on; 0.0.0.0:7878 for other machines (put TLS in front: docs/cohort.md)
        #[arg(long, default_value = DEFAULT_ADDRESS)]
        address: String,
        /// The cohort's database, a SQLite file [default: runs/cohort/cohort.sqlite]
        #[arg(long)]
        database: Option<PathBuf>,
        /// Folder with the test reviews submissions are scored on [default: datasets/imdb when complete, else the sample]
        #[arg(long)]
        data: Option<PathBuf>,
        /// The cohort's name, shown on every page (kept from the first start)
        #[arg(long, default_value = "IMDb sentiment cohort")]
        name: String,
    },
    /// (Instructor) Print join codes: one per learner, or one shared code with a limit
    Invite {
        /// How many codes of one use each
        #[arg(long, default_value_t = 1)]
        count: usize,
        /// One code that this many learners may use instead
        #[arg(long, value_name = "LEARNERS", conflicts_with = "count")]
        shared: Option<usize>,
        #[command(flatten)]
        instructor: Instructor,
    },
    /// (Instructor) End a unit: its board is frozen and shown as final
    Close {
        unit: String,
        #[command(flatten)]
        instructor: Instructor,
    },
    /// Join a cohort with the address and code from your instructor
    Join {
        url: String,
        code: String,
        /// Your name or a pseudonym, as the boards show it
        #[arg(long)]
        name: String,
    },
    /// Send your exercise progress (as `course verify` last checked it) to the cohort
    Progress,
    /// Start a server over the bundled sample with three learners who train and submit
    /// quick runs, and print its address, to see the pages before a cohort starts
    Demo {
        #[arg(long, default_value = "127.0.0.1:0")]
        address: String,
        /// Stop once the learners have submitted instead of serving until Ctrl-C
        #[arg(long)]
        no_wait: bool,
    },
}

/// How an instructor's command reaches the server.
#[derive(clap::Args)]
pub struct Instructor {
    /// The server's address
    #[arg(long, default_value = "http://127.0.0.1:7878")]
    server: String,
    /// The file holding the instructor's token [default: the one beside the default database]
    #[arg(long)]
    token_file: Option<PathBuf>,
}

impl Instructor {
    fn token(&self) -> Result<String> {
        let path = self
            .token_file
            .clone()
            .unwrap_or_else(|| token_path(&default_database()));
        let token = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "cannot read the instructor's token from {}: start the server once (`course cohort \
                 serve`) to create it, or give --token-file",
                path.display()
            )
        })?;
        Ok(token.trim().to_string())
    }

    fn url(&self) -> &str {
        self.server.trim_end_matches('/')
    }
}

fn default_database() -> PathBuf {
    course_core::tracking::runs_root().join("cohort/cohort.sqlite")
}

/// The instructor's token, beside the database: `cohort.sqlite` -> `cohort.instructor-token`.
pub fn token_path(database: &Path) -> PathBuf {
    database.with_extension("instructor-token")
}

pub fn execute(command: Option<CohortCommand>) -> Result<()> {
    match command {
        None => show_boards(),
        Some(CohortCommand::Serve {
            address,
            database,
            data,
            name,
        }) => serve(
            &address,
            &database.unwrap_or_else(default_database),
            data.as_deref(),
            &name,
        ),
        Some(CohortCommand::Invite {
            count,
            shared,
            instructor,
        }) => {
            let reply: InviteReply = client::post(
                instructor.url(),
                "/api/invite",
                Some(&instructor.token()?),
                &InviteRequest { count, shared },
            )?;
            for (code, uses) in reply.codes {
                println!(
                    "{code}   ({uses} learner{})",
                    if uses == 1 { "" } else { "s" }
                );
            }
            println!(
                "\nA learner joins with: course cohort join {} CODE --name NAME",
                instructor.url()
            );
            Ok(())
        }
        Some(CohortCommand::Close { unit, instructor }) => {
            let reply: serde_json::Value = client::post(
                instructor.url(),
                "/api/close",
                Some(&instructor.token()?),
                &CloseRequest { unit: unit.clone() },
            )?;
            let closed = reply["closed"].as_i64().unwrap_or_default();
            println!(
                "{unit} is closed (since {}): its board is final.",
                cohort::utc(closed)
            );
            Ok(())
        }
        Some(CohortCommand::Join { url, code, name }) => {
            let credentials = LearnerFiles::in_workspace().join(&url, &code, &name)?;
            println!(
                "You joined {:?} as {:?}. Your token is in .course/cohort/learner.json (keep it to yourself).\n\
                 Submit a run with: course submit unit2",
                credentials.cohort, credentials.name
            );
            Ok(())
        }
        Some(CohortCommand::Progress) => submit::send_progress(),
        Some(CohortCommand::Demo { address, no_wait }) => demo::demo(&address, no_wait),
    }
}

/// The units as the server's boards show them: the leaderboard's units with an IMDb model
/// (unit 1's toy models make no submission), with the original course's figure and this
/// course's reference run from `docs/results/`.
pub fn unit_infos() -> Result<Vec<cohort::UnitInfo>> {
    let references = crate::leaderboard::reference_test_accuracy()?;
    Ok(crate::leaderboard::units::UNITS
        .iter()
        .filter(|unit| unit.name != "unit1")
        .map(|unit| cohort::UnitInfo {
            name: unit.name.to_string(),
            model: unit.model.to_string(),
            course: unit.course,
            reference: references
                .iter()
                .find(|(name, _)| name == unit.name)
                .and_then(|(_, test)| *test),
        })
        .collect())
}

/// Opens the database (a new cohort gets an instructor's token, kept beside it) and the test ids.
pub fn server_config(
    database: &Path,
    data: &DataDir,
    name: &str,
) -> Result<cohort::server::ServerConfig> {
    let (store, new_token) = cohort::store::Store::open(database, name)?;
    if let Some(token) = new_token {
        let path = token_path(database);
        client::write_instructor_token(&path, &token)?;
        println!(
            "A new cohort: the instructor's token is in {} (readable by you only).",
            path.display()
        );
    }
    let test = cohort::scoring::TestIds::of(data)?;
    Ok(cohort::server::ServerConfig {
        store,
        test,
        units: unit_infos()?,
        limits: Default::default(),
    })
}

fn serve(address: &str, database: &Path, data: Option<&Path>, name: &str) -> Result<()> {
    let data = DataDir::resolve(data)?;
    let config = server_config(database, &data, name)?;
    println!(
        "Cohort {:?}: database {}, scoring the {} test reviews of {data}",
        config
            .store
            .cohort_name()
            .map_err(|p| anyhow::anyhow!("{p}"))?,
        database.display(),
        config.test.len()
    );
    if !cohort::server::is_loopback(address) {
        println!(
            "warning: {address} can be reached from other machines, and this server speaks plain HTTP: \
             tokens would cross the network readable. Put a TLS reverse proxy in front (docs/cohort.md)."
        );
    }
    println!(
        "Invite learners: course cohort invite --count N (another terminal). Instructor's page: /instructor"
    );
    cohort::server::serve_until_stopped(config, address)
}

fn show_boards() -> Result<()> {
    let credentials = LearnerFiles::in_workspace().credentials()?;
    let boards: Vec<Board> = client::get(&credentials.url, "/api/boards")?;
    println!("{} ({})\n", credentials.cohort, credentials.url);
    for board in boards.iter().filter(|b| !b.entries.is_empty()) {
        print!("{}", board_table(board, credentials.learner));
    }
    if boards.iter().all(|b| b.entries.is_empty()) {
        println!("No submissions yet: be the first with `course submit unit2`.");
    }
    Ok(())
}

/// A board as the terminal shows it; `me` is marked.
pub fn board_table(board: &Board, me: i64) -> String {
    let shown = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.4}"));
    let mut out = format!(
        "{} {}{}  (original course {}, reference run {})\n",
        board.unit,
        board.model,
        if board.closed.is_some() {
            " [final]"
        } else {
            ""
        },
        shown(board.course),
        shown(board.reference)
    );
    out.push_str(
        "  rank  learner                           test   validation  tests seen  submissions\n",
    );
    for entry in &board.entries {
        out.push_str(&format!(
            "{} {:>4}  {:<32} {:.4}  {:>10}  {:>10}  {:>11}\n",
            if entry.learner == me { ">" } else { " " },
            entry.rank,
            entry.name,
            entry.test_accuracy,
            shown(entry.validation_accuracy),
            entry.tests_seen,
            entry.submissions
        ));
    }
    out.push('\n');
    out
}

fn refuse_unknown_unit(unit: &str) -> Result<&'static str> {
    match crate::leaderboard::units::UNITS
        .iter()
        .find(|u| u.answers_to(unit))
    {
        Some(found) => Ok(found.name),
        None => bail!("no unit {unit:?}: give one of unit2 ... unit9"),
    }
}
