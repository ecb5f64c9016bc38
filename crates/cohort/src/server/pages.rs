//! The pages, rendered on the server and readable without JavaScript. maud escapes every value
//! it is given, so a name can never become markup.

use super::api::{all_boards, board_of};
use super::{auth, Shared};
use crate::problem::Problem;
use crate::store::LearnerProgress;
use crate::wire::Board;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup, DOCTYPE};
use std::sync::Arc;

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}\
table{border-collapse:collapse;margin:1rem 0}td,th{padding:.3rem .7rem;border-bottom:1px solid #ddd;text-align:left}\
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}tr.to-beat td{color:#666;font-style:italic}\
.closed{background:#fff3cd;padding:.5rem 1rem}.stuck{color:#b00}.done{color:#080}nav a{margin-right:1rem}";

fn page(title: &str, content: Markup) -> Html<String> {
    Html(
        html! {
            (DOCTYPE)
            html lang="en" {
                head { meta charset="utf-8"; title { (title) } style { (maud::PreEscaped(STYLE)) } }
                body {
                    nav { a href="/" { "Cohort" } a href="/instructor" { "Instructor" } }
                    h1 { (title) }
                    (content)
                }
            }
        }
        .into_string(),
    )
}

fn accuracy(value: Option<f64>) -> String {
    value.map_or("—".into(), |v| format!("{v:.4}"))
}

/// A page that says what went wrong, with the problem's status.
fn problem_page(problem: Problem) -> Response {
    let status = problem.status();
    let message = problem.to_string();
    // The page's title names the kind of problem ("Not Found", "Too Many Requests").
    let title = status.canonical_reason().unwrap_or("Something went wrong");
    (status, page(title, html! { p { (message) } })).into_response()
}

pub async fn home(State(shared): State<Arc<Shared>>) -> Response {
    let result = shared
        .with_store(|shared, store| Ok((store.cohort_name()?, all_boards(shared, store)?)))
        .await;
    let (name, boards) = match result {
        Ok(found) => found,
        Err(problem) => return problem_page(problem),
    };
    page(&name, html! {
        p { "Each unit's board ranks every learner's last submission by the test accuracy this server computed. \
             Runs are chosen by validation accuracy; the boards also count the test scores each learner had seen." }
        img src="/chart.svg" alt="The cohort's best test accuracy per unit beside the original course's and this course's reference run" width="900" height="460";
        table {
            tr { th { "unit" } th { "model" } th.n { "original course" } th.n { "reference run" }
                 th.n { "cohort's best" } th { "by" } th.n { "learners" } th { "" } }
            @for board in &boards {
                @let best = board.entries.first();
                tr {
                    td { a href={ "/unit/" (board.unit) } { (board.unit) } }
                    td { (board.model) }
                    td.n { (accuracy(board.course)) }
                    td.n { (accuracy(board.reference)) }
                    td.n { (accuracy(best.map(|e| e.test_accuracy))) }
                    td { @if let Some(e) = best { a href={ "/learner/" (e.learner) } { (e.name) } } }
                    td.n { (board.entries.len()) }
                    td { @if board.closed.is_some() { "final" } }
                }
            }
        }
    })
    .into_response()
}

pub async fn board(State(shared): State<Arc<Shared>>, Path(unit): Path<String>) -> Response {
    let board = match shared
        .with_store(move |shared, store| board_of(shared, store, &unit))
        .await
    {
        Ok(board) => board,
        Err(problem) => return problem_page(problem),
    };
    let title = format!("{}: {}", board.unit, board.model);
    page(&title, html! {
        @if let Some(closed) = board.closed {
            p.closed { "Final: the instructor closed this unit at " (crate::utc(closed)) "." }
        }
        table {
            tr { th.n { "rank" } th { "learner" } th.n { "test" } th.n { "validation" }
                 th.n { "test scores seen" } th.n { "submissions" } th { "last submission" } }
            @for row in board_rows(&board) {
                @match row {
                    BoardRow::Entry(entry) => tr {
                        td.n { (entry.rank) }
                        td { a href={ "/learner/" (entry.learner) } { (entry.name) } }
                        td.n { (accuracy(Some(entry.test_accuracy))) }
                        td.n { (accuracy(entry.validation_accuracy)) }
                        td.n { (entry.tests_seen) }
                        td.n { (entry.submissions) }
                        td { (crate::utc(entry.submitted)) }
                    },
                    BoardRow::ToBeat(name, value) => tr.to-beat {
                        td {} td { (name) } td.n { (accuracy(Some(value))) } td {} td {} td {} td {}
                    },
                }
            }
        }
        p { "A learner's entry is the submission they sent last; a later one replaces it." }
    })
    .into_response()
}

enum BoardRow<'a> {
    Entry(&'a crate::wire::BoardEntry),
    /// The original course's figure or this course's reference run: a row to beat, unranked.
    ToBeat(&'static str, f64),
}

/// The board's entries with the rows to beat where their accuracy puts them (after the
/// learners who equal them).
fn board_rows(board: &Board) -> Vec<BoardRow<'_>> {
    let accuracy_of = |row: &BoardRow| match row {
        BoardRow::Entry(entry) => entry.test_accuracy,
        BoardRow::ToBeat(_, value) => *value,
    };
    let mut rows: Vec<BoardRow> = board.entries.iter().map(BoardRow::Entry).collect();
    let to_beat = [
        ("original course", board.course),
        ("this course's reference run", board.reference),
    ];
    rows.extend(
        to_beat
            .into_iter()
            .filter_map(|(name, value)| Some(BoardRow::ToBeat(name, value?))),
    );
    // A stable sort: the entries keep their order (ties by time), the rows to beat come after equals.
    rows.sort_by(|a, b| accuracy_of(b).total_cmp(&accuracy_of(a)));
    rows
}

pub async fn learner(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return problem_page(Problem::NotFound(format!("no learner {id:?}")));
    };
    let found = shared
        .with_store(move |_, store| Ok((store.learner(id)?, store.history(id)?)))
        .await;
    let (learner, history) = match found {
        Ok((Some(learner), history)) => (learner, history),
        Ok((None, _)) => return problem_page(Problem::NotFound(format!("no learner {id}"))),
        Err(problem) => return problem_page(problem),
    };
    page(
        &format!("{}'s submissions", learner.name),
        html! {
            table {
                tr { th { "when" } th { "unit" } th { "run" } th.n { "test" } th.n { "validation" }
                     th.n { "test scores seen" } th.n { "seed" } th { "commit" } th { "" } }
                @for row in &history {
                    tr {
                        td { (crate::utc(row.created)) }
                        td { a href={ "/unit/" (row.unit) } { (row.unit) } }
                        td { (row.run_name) }
                        td.n { (accuracy(Some(row.test_accuracy))) }
                        td.n { (accuracy(row.validation_accuracy)) }
                        td.n { (row.tests_seen) }
                        td.n { (row.seed.map_or(String::new(), |s| s.to_string())) }
                        td { (row.commit.clone().unwrap_or_default()) }
                        td { @if row.entry { "on the board" } }
                    }
                }
            }
        },
    )
    .into_response()
}

/// How long ago, in the largest whole unit.
fn ago(seconds: i64) -> String {
    let seconds = (crate::now() - seconds).max(0);
    match seconds {
        0..=119 => format!("{seconds} s"),
        120..=7_199 => format!("{} min", seconds / 60),
        7_200..=172_799 => format!("{} h", seconds / 3600),
        _ => format!("{} days", seconds / 86_400),
    }
}

/// A learner on one task longer than this is shown as stuck.
pub const STUCK_AFTER_SECONDS: i64 = 2 * 86_400;

fn sign_in_form(message: Option<&str>) -> Html<String> {
    page(
        "Instructor",
        html! {
            @if let Some(message) = message { p.stuck { (message) } }
            p { "Sign in with the instructor's token (printed when the cohort was created, and kept in the file beside its database)." }
            form method="post" action="/instructor/sign-in" {
                label { "Token " input type="password" name="token" autocomplete="off" size="70"; }
                " " button type="submit" { "Sign in" }
            }
        },
    )
}

pub async fn instructor(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    match auth::instructor(&shared, &headers, true).await {
        Ok(()) => {}
        Err(Problem::Unauthorized(_)) => {
            return (StatusCode::UNAUTHORIZED, sign_in_form(None)).into_response()
        }
        Err(problem) => return problem_page(problem),
    }
    let found = shared
        .with_store(|shared, store| {
            // Every unit with a board, and unit 1 (exercises, no board) when someone reported it.
            let learners = store.progress()?;
            let mut units: Vec<String> = shared.units.iter().map(|u| u.name.clone()).collect();
            units.extend(learners.iter().flat_map(|l| l.units.keys().cloned()));
            units.sort_by_key(|unit| {
                unit.trim_start_matches("unit")
                    .parse::<u32>()
                    .unwrap_or(u32::MAX)
            });
            units.dedup();
            Ok((units, learners))
        })
        .await;
    let (units, learners) = match found {
        Ok(found) => found,
        Err(problem) => return problem_page(problem),
    };
    page("Instructor: the cohort's progress", html! {
        p { "Tasks done per unit as each learner's " code { "course verify" } " last reported them (sent with every "
            code { "course submit" } " and " code { "course cohort progress" } "). "
            a href="/instructor/progress.csv" { "Download as CSV" } }
        table {
            tr { th { "learner" } th { "last activity" } th.n { "submissions" }
                 @for unit in &units { th.n { (unit) } } th { "on task" } }
            @for row in &learners { (progress_row(row, &units)) }
        }
    })
    .into_response()
}

fn progress_row(row: &LearnerProgress, units: &[String]) -> Markup {
    html! {
        tr {
            td { a href={ "/learner/" (row.learner.id) } { (row.learner.name) } }
            td { (ago(row.last_activity)) " ago" }
            td.n { (row.submissions) }
            @for unit in units {
                @match row.units.get(unit) {
                    Some(cell) if !cell.compiles => td.n.stuck title="the exercise did not compile" { "does not compile" },
                    Some(cell) if cell.done == cell.total => td.n.done { (cell.done) "/" (cell.total) },
                    Some(cell) => td.n { (cell.done) "/" (cell.total) },
                    None => td.n { "—" },
                }
            }
            @match row.current_task() {
                Some((unit, task, since)) if crate::now() - since > STUCK_AFTER_SECONDS =>
                    td.stuck { "stuck? " (unit) " task " (task) " for " (ago(since)) },
                Some((unit, task, since)) => td { (unit) " task " (task) " for " (ago(since)) },
                None => td {},
            }
        }
    }
}

#[derive(serde::Deserialize)]
pub struct SignIn {
    token: String,
}

pub async fn sign_in(State(shared): State<Arc<Shared>>, Form(form): Form<SignIn>) -> Response {
    let mut headers = HeaderMap::new();
    let token = form.token.trim().to_string();
    match format!("Bearer {token}").parse() {
        Ok(value) => headers.insert("authorization", value),
        Err(_) => {
            return (
                StatusCode::UNAUTHORIZED,
                sign_in_form(Some("That is not the instructor's token.")),
            )
                .into_response()
        }
    };
    match auth::instructor(&shared, &headers, false).await {
        Ok(()) => {
            let cookie = format!(
                "{}={token}; HttpOnly; SameSite=Strict; Path=/",
                auth::INSTRUCTOR_COOKIE
            );
            ([(header::SET_COOKIE, cookie)], Redirect::to("/instructor")).into_response()
        }
        Err(Problem::Unauthorized(_)) => (
            StatusCode::UNAUTHORIZED,
            sign_in_form(Some("That is not the instructor's token.")),
        )
            .into_response(),
        Err(problem) => problem_page(problem),
    }
}

pub async fn progress_csv(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if let Err(problem) = auth::instructor(&shared, &headers, true).await {
        return problem.into_response();
    }
    match shared.with_store(|_, store| store.progress()).await {
        Ok(learners) => (
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            progress_table(&learners),
        )
            .into_response(),
        Err(problem) => problem.into_response(),
    }
}

/// One row per learner and unit reported: what the instructor's page shows, for a spreadsheet.
pub fn progress_table(learners: &[LearnerProgress]) -> String {
    let mut out = String::from("learner,name,unit,tasks_done,tasks,next_task,compiles,on_task_since_utc,last_activity_utc,submissions\n");
    for row in learners {
        for (unit, cell) in &row.units {
            let fields = [
                row.learner.id.to_string(),
                csv_field(&row.learner.name),
                unit.clone(),
                cell.done.to_string(),
                cell.total.to_string(),
                cell.next.map_or(String::new(), |n| n.to_string()),
                cell.compiles.to_string(),
                crate::utc(cell.since),
                crate::utc(row.last_activity),
                row.submissions.to_string(),
            ];
            out.push_str(&fields.join(","));
            out.push('\n');
        }
    }
    out
}

/// A CSV field, quoted when it holds a comma, a quote or a line break; a leading `=`, `+`, `-`
/// or `@` gets a `'` so that a spreadsheet does not run it as a formula.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

pub async fn chart(State(shared): State<Arc<Shared>>) -> Response {
    let boards = shared
        .with_store(|shared, store| all_boards(shared, store))
        .await;
    let boards = match boards {
        Ok(boards) => boards,
        Err(problem) => return problem.into_response(),
    };
    match crate::chart::cohort_chart(&boards) {
        Ok(svg) => ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response(),
        Err(error) => Problem::Internal(error).into_response(),
    }
}

pub async fn not_found() -> Response {
    problem_page(Problem::NotFound(
        "there is no such page here: the cohort's pages start at /".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("Ada"), "Ada");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\", ok"), "\"say \"\"hi\"\", ok\"");
        assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
    }
}
