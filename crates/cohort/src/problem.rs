//! What can go wrong with a request, as the server answers it: bad input, a missing or wrong
//! token, something that does not exist, a conflict (a name taken, a unit closed), too many
//! requests, or the server's own fault. Each carries a sentence that says what to do.

use std::fmt;

#[derive(Debug)]
pub enum Problem {
    /// 400: the request itself is wrong (a bad file, name or unit).
    BadInput(String),
    /// 401: no token, or a wrong one.
    Unauthorized(String),
    /// 404: no such unit, learner or page.
    NotFound(String),
    /// 409: a name taken, a code used up, a unit closed.
    Conflict(String),
    /// 413: the request is larger than the server takes.
    TooLarge(String),
    /// 429: too many requests from one token; try again after this many seconds.
    TooMany(String, u64),
    /// 500: the server's fault (logged on its side).
    Internal(anyhow::Error),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::BadInput(message)
            | Problem::Unauthorized(message)
            | Problem::NotFound(message)
            | Problem::Conflict(message)
            | Problem::TooLarge(message)
            | Problem::TooMany(message, _) => f.write_str(message),
            Problem::Internal(error) => write!(f, "the server failed: {error:#}"),
        }
    }
}

impl From<rusqlite::Error> for Problem {
    fn from(error: rusqlite::Error) -> Problem {
        Problem::Internal(error.into())
    }
}

impl From<anyhow::Error> for Problem {
    fn from(error: anyhow::Error) -> Problem {
        Problem::Internal(error)
    }
}

pub type Answer<T> = Result<T, Problem>;
