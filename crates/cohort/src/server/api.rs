//! The JSON API the `course` command talks to.

use super::{auth, Shared};
use crate::problem::{Answer, Problem};
use crate::store::NewSubmission;
use crate::wire::*;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use std::sync::Arc;

type Reply<T> = Answer<Json<T>>;

/// A JSON body, or a clear 400/413 instead of axum's plain-text rejection.
fn body<T>(parsed: Result<Json<T>, JsonRejection>) -> Answer<T> {
    match parsed {
        Ok(Json(value)) => Ok(value),
        Err(rejection) if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
            Err(super::too_large())
        }
        Err(rejection) => Err(Problem::BadInput(format!(
            "the request: {}",
            rejection.body_text()
        ))),
    }
}

pub async fn join(
    State(shared): State<Arc<Shared>>,
    request: Result<Json<JoinRequest>, JsonRejection>,
) -> Reply<JoinReply> {
    let request = body(request)?;
    auth::count_request(
        &shared,
        &format!("code {}", crate::secret::hash(&request.code)),
    )?;
    let reply = shared
        .with_store(move |_, store| {
            let (learner, token) = store.join(&request.code, &request.name)?;
            Ok(JoinReply {
                learner: learner.id,
                name: learner.name,
                token,
                cohort: store.cohort_name()?,
            })
        })
        .await?;
    Ok(Json(reply))
}

pub async fn submit(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    request: Result<Json<SubmissionRequest>, JsonRejection>,
) -> Reply<SubmissionReply> {
    let learner = auth::learner(&shared, &headers).await?;
    let request = body(request)?;
    shared.unit(&request.unit)?;
    check_progress(&request.progress)?;
    let settings = request
        .settings
        .as_ref()
        .map_or("null", |raw| raw.get())
        .to_string();
    if settings.len() > MAX_SETTINGS_BYTES {
        return Err(Problem::BadInput(format!(
            "the run's settings have {} bytes; a config.json of at most {MAX_SETTINGS_BYTES} is taken",
            settings.len()
        )));
    }
    if request.client_id.as_ref().is_some_and(|id| id.len() > 64) {
        return Err(Problem::BadInput(
            "a client id is at most 64 characters".into(),
        ));
    }
    if let Some(v) = request
        .validation_accuracy
        .filter(|v| !(0.0..=1.0).contains(v))
    {
        return Err(Problem::BadInput(format!(
            "a validation accuracy is between 0 and 1, not {v}"
        )));
    }
    // Scored first, outside the database's lock: the submissions under way score in parallel,
    // and only their records wait for each other.
    let scoring = Arc::clone(&shared);
    let (request, (score, file_sha256)) = tokio::task::spawn_blocking(move || {
        let scored = scoring.test.score(request.csv.as_bytes());
        scored.map(|scored| (request, scored))
    })
    .await
    .map_err(|e| Problem::Internal(e.into()))??;
    let reply = shared
        .with_store(move |_, store| {
            let submission = NewSubmission {
                unit: request.unit.clone(),
                test_accuracy: score.accuracy(),
                correct: score.correct,
                total: score.total,
                validation_accuracy: request.validation_accuracy,
                run_name: request.run.chars().take(200).collect(),
                settings,
                client_id: request.client_id.clone(),
                seed: request.seed,
                tests_seen: request.tests_seen,
                commit: request.commit.map(|c| c.chars().take(64).collect()),
                file_sha256,
            };
            let id = store.add_submission(&learner, &submission, &request.progress)?;
            let board = store.board_entries(&request.unit)?;
            let rank = board
                .iter()
                .find(|entry| entry.learner == learner.id)
                .map_or(0, |entry| entry.rank);
            Ok(SubmissionReply {
                submission: id,
                unit: request.unit.clone(),
                test_accuracy: score.accuracy(),
                correct: score.correct,
                total: score.total,
                rank,
                entries: board.len(),
                board: format!("/unit/{}", request.unit),
            })
        })
        .await?;
    Ok(Json(reply))
}

/// A progress report names exercise units (`unit1` ... `unit9`: unit 1 has exercises but no
/// board), each at most once, with plausible counts.
fn check_progress(progress: &std::collections::BTreeMap<String, UnitProgress>) -> Answer<()> {
    for (unit, report) in progress {
        let number = unit.strip_prefix("unit").and_then(|n| n.parse::<u8>().ok());
        let canonical = number.is_some_and(|n| (1..=9).contains(&n) && *unit == format!("unit{n}"));
        if !canonical {
            return Err(Problem::BadInput(format!(
                "progress for {unit:?}: exercise units are unit1 ... unit9"
            )));
        }
        if report.done > report.total || report.total > 100 {
            return Err(Problem::BadInput(format!(
                "progress for {unit}: {} of {} tasks done is not a count of tasks",
                report.done, report.total
            )));
        }
    }
    Ok(())
}

pub async fn progress(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    request: Result<Json<ProgressReport>, JsonRejection>,
) -> Answer<Json<serde_json::Value>> {
    let learner = auth::learner(&shared, &headers).await?;
    let report = body(request)?;
    check_progress(&report.progress)?;
    shared
        .with_store(move |_, store| store.report_progress(&learner, &report.progress))
        .await?;
    Ok(Json(serde_json::json!({ "recorded": true })))
}

/// A unit's board, with the rows to beat.
pub(crate) fn board_of(shared: &Shared, store: &crate::store::Store, unit: &str) -> Answer<Board> {
    let info = shared.unit(unit)?;
    Ok(Board {
        unit: info.name.clone(),
        model: info.model.clone(),
        course: info.course,
        reference: info.reference,
        closed: store.closed(unit)?,
        entries: store.board_entries(unit)?,
    })
}

pub async fn board(State(shared): State<Arc<Shared>>, Path(unit): Path<String>) -> Reply<Board> {
    shared.unit(&unit)?;
    let board = shared
        .with_store(move |shared, store| board_of(shared, store, &unit))
        .await?;
    Ok(Json(board))
}

/// Every unit's board, in course order.
pub(crate) fn all_boards(shared: &Shared, store: &crate::store::Store) -> Answer<Vec<Board>> {
    shared
        .units
        .iter()
        .map(|unit| board_of(shared, store, &unit.name))
        .collect()
}

pub async fn boards(State(shared): State<Arc<Shared>>) -> Reply<Vec<Board>> {
    let boards = shared
        .with_store(|shared, store| all_boards(shared, store))
        .await?;
    Ok(Json(boards))
}

pub async fn about(State(shared): State<Arc<Shared>>) -> Reply<About> {
    let cohort = shared.with_store(|_, store| store.cohort_name()).await?;
    Ok(Json(About {
        cohort,
        test_reviews: shared.test.len(),
        data: shared.test.source.clone(),
        units: shared.units.iter().map(|unit| unit.name.clone()).collect(),
    }))
}

pub async fn invite(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    request: Result<Json<InviteRequest>, JsonRejection>,
) -> Reply<InviteReply> {
    auth::instructor(&shared, &headers, false).await?;
    let request = body(request)?;
    let codes = shared
        .with_store(move |_, store| store.add_codes(request.count, request.shared))
        .await?;
    Ok(Json(InviteReply { codes }))
}

pub async fn close(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    request: Result<Json<CloseRequest>, JsonRejection>,
) -> Answer<Json<serde_json::Value>> {
    auth::instructor(&shared, &headers, false).await?;
    let request = body(request)?;
    shared.unit(&request.unit)?;
    let closed = shared
        .with_store(move |_, store| store.close_unit(&request.unit))
        .await?;
    Ok(Json(serde_json::json!({ "closed": closed })))
}
