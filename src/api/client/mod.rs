//! The HTTP client of the 帮我吧 API: one method per call, retries, paging, auth.
//!
//! It holds no UI types. Every method is cancel-safe (dropping the future abandons the call).
//!
//! - this file: the configuration, the [`Client`] and the way every call is sent;
//! - `reads.rs`: list, search, show, show many and the lookups (agents, groups, ...);
//! - `writes.rs`: create, update, update many, upload, each write under a `Requestid`;
//! - `http/`: one request on the wire: origin check, timeout, retries with backoff and
//!   jitter (honouring `Retry-After`), status to [`ApiError`] mapping, body size limit.
//! - `auth.rs`: Basic, or a Bearer token from `/api/token.php` cached until shortly before
//!   it expires and replaced once when the server refuses it.
//! - `paging.rs`: page streams that follow `next_page` only on the configured origin.
//!
//! Credentials go only to the configured scheme, host and port: redirects elsewhere are not
//! followed, a foreign `next_page` is replaced by a page + 1 URL, and plain `http://` is
//! refused off loopback unless allowed. TLS verification is never turned off.

mod auth;
mod download;
mod http;
mod paging;
mod reads;
mod writes;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use url::Url;

use self::auth::Credentials;
use self::http::{Answer, Request, Transport};
use super::error::ApiError;
use super::model::Ticket;

pub use self::download::{AsyncSink, DownloadError, Downloader};
pub use self::writes::new_request_id;

/// The vendor's limit of ids per show-many and tickets per update-many call.
pub(crate) const BATCH_SIZE: usize = 100;

/// How the client signs in.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// HTTP Basic `account:password` on every call.
    Basic { account: String, password: String },
    /// A Bearer token from `POST /api/token.php` (Basic `SecretID:Secret`), fetched on first
    /// use and refreshed before it expires.
    Token { secret_id: String, secret: String },
}

impl std::fmt::Debug for Auth {
    // Never print a secret, not even in a panic or a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Basic { account, .. } => write!(f, "Basic({account}, ***)"),
            Auth::Token { secret_id, .. } => write!(f, "Token({secret_id}, ***)"),
        }
    }
}

/// Everything the client needs to know.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `https://www.bangwo8.com` or a self-hosted origin; a path prefix is allowed.
    pub base_url: String,
    pub auth: Auth,
    /// Plain `http://` to a host other than loopback is refused unless this is set.
    pub allow_insecure_http: bool,
    /// A PEM file of extra CA certificates for self-hosted servers.
    pub ca_file: Option<std::path::PathBuf>,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Page size for list and search (the vendor recommends at most 100).
    pub per_page: u32,
    /// Calls in flight at once for show many / update many, and for the pages after the first
    /// once its count is known (`--all`, mark all matching, `G`).
    pub concurrency: usize,
    /// Retry policy for reads (and updates, which are idempotent).
    pub retry: RetryPolicy,
}

impl ClientConfig {
    pub fn new(base_url: impl Into<String>, auth: Auth) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            auth,
            allow_insecure_http: false,
            ca_file: None,
            timeout: Duration::from_secs(20),
            per_page: 100,
            concurrency: 4,
            retry: RetryPolicy::default(),
        }
    }
}

/// Retries on 429, 5xx and dropped connections: exponential backoff with jitter, honouring
/// `Retry-After`, bounded in count and in total time.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// No retry is started once this much time has passed since the first attempt.
    pub max_total: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            first_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_total: Duration::from_secs(30),
        }
    }
}

/// Notified before each retry, so the console can say "retrying in 4 s".
pub type RetryObserver = std::sync::Arc<dyn Fn(&ApiError, Duration) + Send + Sync>;

/// The answer of show many: tickets in the order of the ids asked for; ids the server did not
/// return are listed as missing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShowMany {
    pub tickets: Vec<Ticket>,
    pub missing: Vec<u64>,
    pub bad_items: Vec<super::model::ItemError>,
}

/// Which list a page stream walks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListScope {
    All,
    Company(u64),
    Contact(u64),
}

/// The 帮我吧 API client. Cheap to clone; clones share the connection pool and the token.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    observer: Option<RetryObserver>,
}

struct Inner {
    transport: Transport,
    credentials: Credentials,
    per_page: u32,
    concurrency: usize,
    /// Set once the v2 show call turned out unknown to this server while the legacy one
    /// answered, so that later shows go straight to the legacy call.
    legacy_show: AtomicBool,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.transport.base().as_str())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Checks the configuration (plain http only to loopback unless allowed, a readable CA
    /// file) and sets up the connection pool. Sends nothing.
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        let transport = Transport::new(&config)?;
        let credentials = Credentials::new(&config.auth)?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                credentials,
                per_page: config.per_page.max(1),
                concurrency: config.concurrency.max(1),
                legacy_show: AtomicBool::new(false),
            }),
            observer: None,
        })
    }

    /// Sets a callback told about every retry.
    pub fn with_retry_observer(mut self, observer: RetryObserver) -> Self {
        self.observer = Some(observer);
        self
    }

    /// The configured base URL, as parsed.
    pub(crate) fn base_url(&self) -> &Url {
        self.inner.transport.base()
    }

    /// The configured page size (what a list or search asks for unless told less).
    pub(crate) fn per_page(&self) -> u32 {
        self.inner.per_page
    }

    /// The configured number of calls in flight at once.
    pub(crate) fn concurrency(&self) -> usize {
        self.inner.concurrency
    }

    fn endpoint(&self, path: &str, query: &[(&str, String)]) -> Result<Url, ApiError> {
        self.inner.transport.endpoint(path, query)
    }

    pub(crate) fn same_origin(&self, url: &Url) -> bool {
        self.inner.transport.same_origin(url)
    }

    async fn get_path(&self, path: &str) -> Result<Answer, ApiError> {
        let url = self.endpoint(path, &[])?;
        self.get(url).await
    }

    async fn get(&self, url: Url) -> Result<Answer, ApiError> {
        self.send(Request::get(url)).await
    }

    /// Sends with the configured credentials and the retry policy.
    async fn send(&self, request: Request) -> Result<Answer, ApiError> {
        let request = &request;
        self.inner
            .transport
            .with_retries(request.replay, self.observer.as_ref(), || {
                self.attempt_signed_in(request)
            })
            .await
    }
}

/// An error reported inside an HTTP 200 body with an HTTP-like code (`{"state": "403"}`)
/// becomes the error that status would have been, so that callers handle both alike.
fn in_200<T>(result: Result<T, ApiError>) -> Result<T, ApiError> {
    result
        .map_err(|error| {
            // An error inside an HTTP 200 (a reported one, or a body that does not decode):
            // the request's own log line says 200, so say the error here.
            tracing::warn!(%error, "the answer holds an error");
            error
        })
        .map_err(|error| match error {
            ApiError::Reported {
                code: Some(code),
                message,
            } => match code.trim() {
                "401" => ApiError::BadCredentials,
                "403" => ApiError::Forbidden(Some(message)),
                "404" => ApiError::NotFound(Some(message)),
                _ => ApiError::Reported {
                    code: Some(code),
                    message,
                },
            },
            other => other,
        })
}

/// The ids in their first-seen order, each once.
fn distinct(ids: &[u64]) -> Vec<u64> {
    let mut seen = HashSet::new();
    ids.iter().copied().filter(|id| seen.insert(*id)).collect()
}

fn join_ids(ids: &[u64]) -> String {
    ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
}

fn name_not_found(error: ApiError, what: impl FnOnce() -> String) -> ApiError {
    match error {
        ApiError::NotFound(_) => ApiError::NotFound(Some(what())),
        other => other,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_asked_once_in_order() {
        assert_eq!(distinct(&[5, 3, 5, 1, 3]), vec![5, 3, 1]);
        assert_eq!(join_ids(&[1, 22, 333]), "1,22,333");
    }
}
