//! Errors of the API client, each with a message a support agent understands.

use std::time::Duration;

/// What went wrong with a call. `Display` is the plain-words message shown in the status line.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum ApiError {
    #[error("sign-in refused: check the account and password (HTTP 401)")]
    BadCredentials,
    #[error("this account's role may not do that (HTTP 403){}", detail(.0))]
    Forbidden(Option<String>),
    #[error("not found{}", detail(.0))]
    NotFound(Option<String>),
    #[error("the server refused a value: {0}")]
    InvalidValue(String),
    #[error("rate limited by the server{}", wait(.retry_after))]
    RateLimited { retry_after: Option<Duration> },
    #[error("server error (HTTP {status}){}", detail(.excerpt))]
    Server {
        status: u16,
        excerpt: Option<String>,
    },
    /// An error the server reported inside an HTTP 200 body (`errcode`/`errmsg`, `state`).
    #[error("the server answered with an error: {message}{}", code_suffix(.code))]
    Reported {
        code: Option<String>,
        message: String,
    },
    #[error("network: {0}")]
    Network(NetworkError),
    #[error("could not read the server's answer at {path}: {message}")]
    Decode { path: String, message: String },
    #[error("{0}")]
    Query(#[from] QueryError),
    /// A configuration problem found before anything was sent (plain http, bad base URL).
    #[error("{0}")]
    Config(String),
    /// The server answered with a redirect to another origin (named here), which is not
    /// followed so that the credentials stay with the configured server: the server's
    /// doing, not a bad flag.
    #[error(
        "the server redirects to {0}; not followed, so that the credentials stay with the \
         configured server (check the base URL)"
    )]
    Redirected(String),
}

/// The network failures worth telling apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkError {
    Timeout,
    ConnectionReset,
    ConnectionRefused,
    Dns(String),
    Other(String),
}

impl std::fmt::Display for NetworkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NetworkError::Timeout => f.write_str("the server did not answer in time"),
            NetworkError::ConnectionReset => f.write_str("the connection was dropped"),
            NetworkError::ConnectionRefused => f.write_str("the server refused the connection"),
            NetworkError::Dns(host) => write!(f, "could not find the host {host}"),
            NetworkError::Other(what) => f.write_str(what),
        }
    }
}

/// A search query the client refuses to send, because the server would read it as
/// something else.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum QueryError {
    #[error("a search value cannot contain a space: {0:?}")]
    SpaceInValue(String),
    #[error("a search value cannot be empty")]
    EmptyValue,
    #[error("not a date (YYYY-MM-DD): {0:?}")]
    BadDate(String),
    #[error("not a field name: {0:?}")]
    BadField(String),
}

impl ApiError {
    /// Whether a write that ended with this error may have been applied all the same: the
    /// request may have reached the server and only its answer was lost (a dropped
    /// connection, a timeout, an answer cut short or unreadable). Such a write's outcome is
    /// unknown, not failed: sending it again is safe only under its first `Requestid`.
    /// Refusals the server answered (4xx, 500, 503, an error in a 200) are failures; so is
    /// a connection refused (nothing reached the server).
    pub(crate) fn outcome_unknown(&self) -> bool {
        match self {
            ApiError::Network(network) => !matches!(
                network,
                NetworkError::ConnectionRefused | NetworkError::Dns(_)
            ),
            ApiError::Decode { .. } => true,
            // A gateway that lost the backend's answer (or gave up waiting for it): the
            // backend may well have applied the write.
            ApiError::Server { status, .. } => matches!(status, 502 | 504),
            _ => false,
        }
    }

    /// Whether the same request may succeed if sent again later (the client's own retries
    /// have already been spent when a caller sees the error).
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            ApiError::RateLimited { .. } => true,
            // Not implemented / version not supported will not change by waiting.
            ApiError::Server { status, .. } => !matches!(status, 501 | 505),
            ApiError::Network(network) => matches!(
                network,
                NetworkError::Timeout
                    | NetworkError::ConnectionReset
                    | NetworkError::ConnectionRefused
            ),
            _ => false,
        }
    }
}

fn detail(text: &Option<String>) -> String {
    match text {
        Some(text) if !text.is_empty() => format!(": {text}"),
        _ => String::new(),
    }
}

fn wait(after: &Option<Duration>) -> String {
    match after {
        Some(after) => format!("; retry in {} s", after.as_secs().max(1)),
        None => String::new(),
    }
}

fn code_suffix(code: &Option<String>) -> String {
    match code {
        Some(code) => format!(" (code {code})"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A write that may have reached the server is "outcome unknown"; one the server
    /// answered in full, or that never left, failed.
    #[test]
    fn lost_answers_are_unknown_and_answered_refusals_are_failures() {
        let unknown = [
            ApiError::Network(NetworkError::Timeout),
            ApiError::Network(NetworkError::ConnectionReset),
            // What reqwest says when the runtime shuts down with the call in flight.
            ApiError::Network(NetworkError::Other(
                "runtime dropped the dispatch task".into(),
            )),
            ApiError::Decode {
                path: "(body)".into(),
                message: "EOF while parsing".into(),
            },
            ApiError::Server {
                status: 504,
                excerpt: None,
            },
        ];
        for error in unknown {
            assert!(error.outcome_unknown(), "{error:?}");
        }
        let failed = [
            ApiError::Network(NetworkError::ConnectionRefused),
            ApiError::Network(NetworkError::Dns("example.invalid".into())),
            ApiError::BadCredentials,
            ApiError::InvalidValue("bad".into()),
            ApiError::Server {
                status: 500,
                excerpt: None,
            },
            ApiError::Reported {
                code: None,
                message: "工单不存在".into(),
            },
        ];
        for error in failed {
            assert!(!error.outcome_unknown(), "{error:?}");
        }
    }
}
