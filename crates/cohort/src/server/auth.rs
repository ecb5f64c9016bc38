//! Who is asking: a learner's token or the instructor's, from `Authorization: Bearer` or (for
//! the instructor's pages in a browser) the cookie that signing in sets. The cookie is read by
//! `GET` pages only: everything that changes the cohort wants the header, so a page elsewhere
//! cannot make a signed-in browser change anything.

use super::Shared;
use crate::problem::{Answer, Problem};
use crate::store::Learner;
use axum::http::HeaderMap;
use std::sync::Arc;
use std::time::Instant;

pub const INSTRUCTOR_COOKIE: &str = "cohort_instructor";

/// The token in `Authorization: Bearer <token>`.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get("authorization")?.to_str().ok()?;
    value
        .strip_prefix("Bearer ")
        .map(|token| token.trim().to_string())
}

/// The instructor's token in the sign-in cookie.
pub fn instructor_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == INSTRUCTOR_COOKIE)
        .map(|(_, token)| token.to_string())
}

/// Counts a request of `key` against the flood limit.
pub fn count_request(shared: &Shared, key: &str) -> Answer<()> {
    let mut limiter = shared
        .limiter
        .lock()
        .map_err(|_| Problem::Internal(anyhow::anyhow!("the rate limiter's lock was poisoned")))?;
    limiter.take(key, Instant::now()).map_err(|seconds| {
        Problem::TooMany(
            format!("too many requests at once: wait {seconds} s and send again"),
            seconds,
        )
    })
}

/// The learner whose token the request carries.
pub async fn learner(shared: &Arc<Shared>, headers: &HeaderMap) -> Answer<Learner> {
    let token = bearer(headers).ok_or_else(|| {
        Problem::Unauthorized(
            "no token: join the cohort first (course cohort join URL CODE --name NAME)".into(),
        )
    })?;
    let found = shared
        .with_store(move |_, store| store.learner_of(&token))
        .await?;
    let learner = found.ok_or_else(|| {
        Problem::Unauthorized(
            "this token is not a learner's of this cohort: join again, or check .course/cohort/learner.json".into(),
        )
    })?;
    count_request(shared, &format!("learner {}", learner.id))?;
    Ok(learner)
}

/// Refuses a request without the instructor's token (`cookie`: the sign-in cookie counts too).
pub async fn instructor(shared: &Arc<Shared>, headers: &HeaderMap, cookie: bool) -> Answer<()> {
    let token = bearer(headers)
        .or_else(|| cookie.then(|| instructor_cookie(headers)).flatten())
        .ok_or_else(|| Problem::Unauthorized("the instructor's token is needed".into()))?;
    let ok = shared
        .with_store(move |_, store| store.is_instructor(&token))
        .await?;
    // Wrong tokens are counted apart: a flood of them cannot lock the instructor out.
    if ok {
        count_request(shared, "instructor")
    } else {
        count_request(shared, "wrong instructor tokens")?;
        Err(Problem::Unauthorized(
            "that is not the instructor's token".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_come_from_the_header_or_the_sign_in_cookie() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer(&headers), None);
        headers.insert("authorization", "Bearer l1.abc".parse().unwrap());
        headers.insert(
            "cookie",
            "theme=dark; cohort_instructor=i.xyz".parse().unwrap(),
        );
        assert_eq!(bearer(&headers).as_deref(), Some("l1.abc"));
        assert_eq!(instructor_cookie(&headers).as_deref(), Some("i.xyz"));
        headers.insert("authorization", "Basic abc".parse().unwrap());
        assert_eq!(bearer(&headers), None);
    }
}
