//! The learner's (and the instructor's) side: joining, submitting, reading the boards.
//!
//! The learner's token is kept in `.course/cohort/learner.json` in their checkout (git ignores
//! `.course/`; the file is readable by its owner only). A submission is written to
//! `.course/cohort/pending/` before it is sent and removed once the server has answered, so one
//! that cannot reach the server is sent by a later `course submit --pending`: nothing is lost.

use crate::wire::*;
use anyhow::{bail, Context, Result};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where a learner's cohort files are.
#[derive(Debug, Clone)]
pub struct LearnerFiles {
    pub folder: PathBuf,
}

/// What joining gave: the server and the learner's token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Credentials {
    pub url: String,
    pub token: String,
    pub learner: i64,
    pub name: String,
    pub cohort: String,
}

/// A submission waiting to be sent (to the server the learner joined, wherever it is then).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    pub request: SubmissionRequest,
}

/// How a send went.
#[derive(Debug)]
pub enum Sent {
    Scored(SubmissionReply),
    /// Not sent: the server could not be reached (or was busy); the file is kept.
    Kept(PathBuf, String),
}

impl LearnerFiles {
    /// `.course/cohort/` in the workspace (`COURSE_COHORT_DIR` when set, as tests do).
    pub fn in_workspace() -> LearnerFiles {
        let folder = match std::env::var_os("COURSE_COHORT_DIR") {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => course_core::workspace_root().join(".course/cohort"),
        };
        LearnerFiles { folder }
    }

    fn credentials_path(&self) -> PathBuf {
        self.folder.join("learner.json")
    }

    fn pending_folder(&self) -> PathBuf {
        self.folder.join("pending")
    }

    /// The learner's credentials, or what to do without them.
    pub fn credentials(&self) -> Result<Credentials> {
        let path = self.credentials_path();
        let text = std::fs::read_to_string(&path).map_err(|_| {
            anyhow::anyhow!(
                "you have not joined a cohort here ({} is missing): run \
                 `course cohort join URL CODE --name NAME` with the address and code from your instructor",
                path.display()
            )
        })?;
        serde_json::from_str(&text)
            .with_context(|| format!("{} is damaged: join again to rewrite it", path.display()))
    }

    /// Joins the cohort at `url` and keeps the token (readable by its owner only).
    pub fn join(&self, url: &str, code: &str, name: &str) -> Result<Credentials> {
        let url = url.trim_end_matches('/').to_string();
        let request = JoinRequest {
            code: code.trim().to_string(),
            name: name.to_string(),
        };
        let reply: JoinReply = post(&url, "/api/join", None, &request)?;
        let credentials = Credentials {
            url,
            token: reply.token,
            learner: reply.learner,
            name: reply.name,
            cohort: reply.cohort,
        };
        write_private(
            &self.credentials_path(),
            &serde_json::to_vec_pretty(&credentials)?,
        )?;
        Ok(credentials)
    }

    /// Keeps `request` as pending, sends it, and removes it once the server has answered.
    /// Send what is pending first ([`LearnerFiles::send_pending`]): an older submission kept
    /// while the server was away, sent after this one, would replace it on the board.
    pub fn submit(
        &self,
        credentials: &Credentials,
        mut request: SubmissionRequest,
    ) -> Result<Sent> {
        if request.csv.len() > crate::scoring::MAX_SUBMISSION_BYTES {
            bail!(
                "the submission file has {} bytes; the server takes at most {} (a submission of \
                 25,000 reviews has about 400 kB): is it a submission?",
                request.csv.len(),
                crate::scoring::MAX_SUBMISSION_BYTES
            );
        }
        // Its own id: sent again after a lost answer, the server records it once.
        let id = crate::secret::new_secret()[..32].to_string();
        request.client_id = Some(id.clone());
        let name = format!(
            "{}-{}-{}-{}.json",
            crate::now(),
            request.unit,
            sanitise(&request.run),
            &id[..8]
        );
        let path = self.pending_folder().join(name);
        let pending = Pending { request };
        course_core::fs::write_bytes_atomically(&path, &serde_json::to_vec(&pending)?)?;
        self.send(credentials, &path)
    }

    /// Sends one pending file.
    fn send(&self, credentials: &Credentials, path: &Path) -> Result<Sent> {
        let pending: Pending =
            serde_json::from_slice(&std::fs::read(path)?).with_context(|| {
                format!(
                    "{} is not a pending submission (left where it is)",
                    path.display()
                )
            })?;
        let answer: Result<SubmissionReply> = post(
            &credentials.url,
            "/api/submissions",
            Some(&credentials.token),
            &pending.request,
        );
        match answer {
            Ok(reply) => {
                std::fs::remove_file(path)?;
                Ok(Sent::Scored(reply))
            }
            Err(error) if worth_retrying(&error) => {
                Ok(Sent::Kept(path.to_path_buf(), format!("{error:#}")))
            }
            Err(error) => {
                // The server read it and refused it: sending it again would not help.
                std::fs::remove_file(path)?;
                Err(error.context(format!(
                    "{}'s submission of {} was refused and dropped (sending it again would not help)",
                    pending.request.unit, pending.request.run
                )))
            }
        }
    }

    /// The pending submissions' files, oldest first.
    pub fn pending(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = match std::fs::read_dir(self.pending_folder()) {
            Ok(entries) => entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect(),
            Err(_) => Vec::new(),
        };
        files.sort();
        files
    }

    /// Sends every pending submission, oldest first; each file with how it went.
    pub fn send_pending(&self, credentials: &Credentials) -> Result<Vec<(PathBuf, Result<Sent>)>> {
        Ok(self
            .pending()
            .into_iter()
            .map(|path| {
                let sent = self.send(credentials, &path);
                (path, sent)
            })
            .collect())
    }
}

/// A run name as part of a file name.
fn sanitise(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect()
}

/// Writes a file only its owner can read, atomically.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    course_core::fs::write_atomically(path, |out| {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            out.get_ref()
                .set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        use std::io::Write;
        out.write_all(bytes)?;
        Ok(())
    })
}

/// Writes the instructor's token beside the database, readable by its owner only.
pub fn write_instructor_token(path: &Path, token: &str) -> Result<()> {
    write_private(path, format!("{token}\n").as_bytes())
}

/// An error that a later try may not meet: the server unreachable, busy, or failing.
fn worth_retrying(error: &anyhow::Error) -> bool {
    match error.downcast_ref::<ServerAnswer>() {
        Some(answer) => answer.status == 429 || answer.status >= 500,
        None => true,
    }
}

/// A refusal from the server: its status and its sentence.
#[derive(Debug)]
pub struct ServerAnswer {
    pub status: u16,
    pub message: String,
}

impl std::fmt::Display for ServerAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the server said ({}): {}", self.status, self.message)
    }
}

impl std::error::Error for ServerAnswer {}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(5))
        .timeout(Duration::from_secs(60))
        .build()
}

fn answer<T: DeserializeOwned>(url: &str, sent: Result<ureq::Response, ureq::Error>) -> Result<T> {
    match sent {
        Ok(response) => response.into_json().with_context(|| {
            format!("{url} answered with something that is not the cohort's JSON")
        }),
        Err(ureq::Error::Status(status, response)) => {
            let message = response
                .into_json::<ErrorReply>()
                .map(|reply| reply.error)
                .unwrap_or_else(|_| "(no reason given)".into());
            Err(ServerAnswer { status, message }.into())
        }
        Err(ureq::Error::Transport(error)) => {
            bail!("cannot reach the cohort server at {url}: {error}")
        }
    }
}

/// `POST url+path` with a JSON body (and a token), its JSON answer.
pub fn post<B: Serialize, T: DeserializeOwned>(
    url: &str,
    path: &str,
    token: Option<&str>,
    body: &B,
) -> Result<T> {
    let mut request = agent().post(&format!("{url}{path}"));
    if let Some(token) = token {
        request = request.set("Authorization", &format!("Bearer {token}"));
    }
    answer(url, request.send_json(body))
}

/// `GET url+path`, its JSON answer.
pub fn get<T: DeserializeOwned>(url: &str, path: &str) -> Result<T> {
    answer(url, agent().get(&format!("{url}{path}")).call())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unreachable_busy_or_failing_servers_are_worth_another_try() {
        let refused = |status| {
            anyhow::Error::from(ServerAnswer {
                status,
                message: "x".into(),
            })
        };
        assert!(worth_retrying(&anyhow::anyhow!("cannot reach")));
        assert!(worth_retrying(&refused(429)));
        assert!(worth_retrying(&refused(503)));
        assert!(!worth_retrying(&refused(400)));
        assert!(!worth_retrying(&refused(409)));
    }

    #[test]
    fn run_names_become_safe_file_names() {
        assert_eq!(sanitise("mine-2026/../x y"), "mine-2026____x_y");
    }
}
