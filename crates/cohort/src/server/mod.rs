//! The instructor's server: `course cohort serve`.
//!
//! | path | what |
//! |---|---|
//! | `GET /` | the cohort: every unit's best beside the original course, and a chart |
//! | `GET /unit/{unit}` | a unit's board |
//! | `GET /learner/{id}` | a learner's submissions |
//! | `GET /instructor` | progress per learner per unit, who is on which task since when (signed in) |
//! | `GET /instructor/progress.csv` | the same as CSV (signed in, or `Authorization: Bearer`) |
//! | `POST /api/join`, `/api/submissions`, `/api/progress` | the learner's `course` |
//! | `GET /api/about`, `/api/boards`, `/api/boards/{unit}` | the cohort and its boards as JSON (`course cohort`) |
//! | `POST /api/invite`, `/api/close` | the instructor's `course cohort invite` and `close` |
//!
//! Every request is size-limited and every token rate-limited ([`limits`]); no path from a
//! client names a file: the only files are the database and the server's own test reviews.

mod api;
mod auth;
mod limits;
mod pages;

use crate::problem::Problem;
use crate::scoring::TestIds;
use crate::store::Store;
use crate::UnitInfo;
use anyhow::{Context, Result};
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// The largest request body: a submission file at its largest, in JSON, and some room.
pub const MAX_REQUEST_BYTES: usize = crate::scoring::MAX_SUBMISSION_BYTES + 1024 * 1024;

/// What the server serves.
pub struct ServerConfig {
    pub store: Store,
    pub test: TestIds,
    pub units: Vec<UnitInfo>,
    pub limits: limits::Limits,
}

pub use limits::Limits;

/// What every request handler shares.
pub(crate) struct Shared {
    store: Mutex<Store>,
    test: TestIds,
    units: Vec<UnitInfo>,
    limiter: Mutex<limits::RateLimiter>,
}

impl Shared {
    fn unit(&self, name: &str) -> Result<&UnitInfo, Problem> {
        self.units
            .iter()
            .find(|unit| unit.name == name)
            .ok_or_else(|| {
                let names: Vec<&str> = self.units.iter().map(|u| u.name.as_str()).collect();
                Problem::NotFound(format!(
                    "no unit {name:?}: the units are {}",
                    names.join(", ")
                ))
            })
    }

    /// Runs `work` with the database, off the async threads (SQLite blocks while it syncs).
    async fn with_store<T, F>(self: &Arc<Self>, work: F) -> Result<T, Problem>
    where
        T: Send + 'static,
        F: FnOnce(&Shared, &mut Store) -> Result<T, Problem> + Send + 'static,
    {
        let shared = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let mut store = shared.store.lock().map_err(|_| {
                Problem::Internal(anyhow::anyhow!("the database lock was poisoned"))
            })?;
            work(&shared, &mut store)
        })
        .await
        .map_err(|e| Problem::Internal(e.into()))?
    }
}

/// The router over `config`.
pub fn router(config: ServerConfig) -> Router {
    let shared = Arc::new(Shared {
        store: Mutex::new(config.store),
        test: config.test,
        units: config.units,
        limiter: Mutex::new(limits::RateLimiter::new(config.limits)),
    });
    Router::new()
        .route("/", get(pages::home))
        .route("/chart.svg", get(pages::chart))
        .route("/unit/{unit}", get(pages::board))
        .route("/learner/{id}", get(pages::learner))
        .route("/instructor", get(pages::instructor))
        .route("/instructor/sign-in", post(pages::sign_in))
        .route("/instructor/progress.csv", get(pages::progress_csv))
        .route("/api/join", post(api::join))
        .route("/api/submissions", post(api::submit))
        .route("/api/progress", post(api::progress))
        .route("/api/about", get(api::about))
        .route("/api/boards", get(api::boards))
        .route("/api/boards/{unit}", get(api::board))
        .route("/api/invite", post(api::invite))
        .route("/api/close", post(api::close))
        .fallback(pages::not_found)
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .layer(axum::middleware::from_fn(refuse_announced_large_bodies))
        .with_state(shared)
}

/// What a request over [`MAX_REQUEST_BYTES`] gets.
pub(crate) fn too_large() -> Problem {
    Problem::TooLarge(format!(
        "the request is larger than the server takes ({MAX_REQUEST_BYTES} bytes at most)"
    ))
}

/// A request that announces a body over the limit is refused before any of it is read (a body
/// without a length is cut off at the limit as it arrives, by [`DefaultBodyLimit`]).
async fn refuse_announced_large_bodies(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let announced = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if announced.is_some_and(|bytes| bytes > MAX_REQUEST_BYTES as u64) {
        return too_large().into_response();
    }
    next.run(request).await
}

/// A server running on its own threads (for tests, the demo and the load benchmark).
pub struct RunningServer {
    pub address: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<()>>>,
}

impl RunningServer {
    /// Binds `address` (port 0: any free port) and serves `config` until [`RunningServer::stop`].
    pub fn start(config: ServerConfig, address: &str) -> Result<RunningServer> {
        let listener = std::net::TcpListener::bind(address)
            .with_context(|| format!("cannot listen on {address}"))?;
        listener.set_nonblocking(true)?;
        let address = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || -> Result<()> {
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener)?;
                axum::serve(listener, router(config))
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await
                    .context("the server stopped")
            })
        });
        Ok(RunningServer {
            address,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Stops accepting, finishes the requests under way, and waits.
    pub fn stop(mut self) -> Result<()> {
        self.shut_down()
    }

    fn shut_down(&mut self) -> Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.thread.take() {
            Some(thread) => thread
                .join()
                .map_err(|_| anyhow::anyhow!("the server thread panicked"))?,
            None => Ok(()),
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.shut_down();
    }
}

/// Serves until Ctrl-C or SIGTERM: `course cohort serve`.
pub fn serve_until_stopped(config: ServerConfig, address: &str) -> Result<()> {
    let listener = std::net::TcpListener::bind(address)
        .with_context(|| format!("cannot listen on {address} (is another server on that port?)"))?;
    listener.set_nonblocking(true)?;
    println!(
        "Serving on http://{} (Ctrl-C stops it)",
        listener.local_addr()?
    );
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, router(config))
            .with_graceful_shutdown(async {
                stop_signal().await;
                println!("Stopping: the requests under way finish first.");
            })
            .await
            .context("the server stopped")
    })
}

/// Ctrl-C, or SIGTERM (what a service manager sends).
async fn stop_signal() {
    let terminate = async {
        #[cfg(unix)]
        if let Ok(mut term) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            term.recv().await;
            return;
        }
        std::future::pending::<()>().await
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
}

/// Whether an address only this machine can reach (anything else wants TLS in front).
pub fn is_loopback(address: &str) -> bool {
    address
        .parse::<SocketAddr>()
        .map(|a| a.ip().is_loopback())
        .unwrap_or_else(|_| address.starts_with("localhost:"))
}

impl Problem {
    /// The HTTP status that says what kind of problem it is.
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Problem::BadInput(_) => StatusCode::BAD_REQUEST,
            Problem::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Problem::NotFound(_) => StatusCode::NOT_FOUND,
            Problem::Conflict(_) => StatusCode::CONFLICT,
            Problem::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Problem::TooMany(..) => StatusCode::TOO_MANY_REQUESTS,
            Problem::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        if let Problem::Internal(error) = &self {
            eprintln!("error: {error:#}");
        }
        let status = self.status();
        let retry = match &self {
            Problem::TooMany(_, seconds) => Some(seconds.to_string()),
            _ => None,
        };
        let body = Json(crate::wire::ErrorReply {
            error: self.to_string(),
        });
        match retry {
            Some(seconds) => (status, [("retry-after", seconds)], body).into_response(),
            None => (status, body).into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_loopback_addresses_are_loopback() {
        assert!(super::is_loopback("127.0.0.1:7878"));
        assert!(super::is_loopback("[::1]:80"));
        assert!(super::is_loopback("localhost:7878"));
        assert!(!super::is_loopback("0.0.0.0:7878"));
        assert!(!super::is_loopback("192.0.2.1:7878"));
    }
}
