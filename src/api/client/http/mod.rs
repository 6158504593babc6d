//! One request on the wire: origin checks, timeouts, retries with backoff, error mapping.
//!
//! Nothing here knows the 帮我吧 calls; `mod.rs` builds [`Request`]s and decodes [`Answer`]s.
//!
//! - this file: the transport (one attempt, redirects kept on the origin, the body read
//!   within its limit) and the log line of a request;
//! - `origin.rs`: the configured base URL checked (plain http only to loopback);
//! - `retry.rs`: the retry loop, backoff with jitter, `Retry-After`;
//! - `errors.rs`: a refused answer or a network failure as an [`ApiError`] in plain words.

mod errors;
mod origin;
mod retry;

use std::time::{Duration, Instant};

use reqwest::Method;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use url::Url;

pub(super) use self::errors::network_error;
use self::errors::status_error;
use self::origin::{checked_base_url, origin_text};
use super::{ClientConfig, RetryPolicy};
use crate::api::error::ApiError;

/// The most a response body may weigh; a larger one is refused rather than held in memory.
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
/// The most a CA file may hold: a whole system bundle is a few hundred KiB; a device or a
/// growing file must not fill the memory.
const CA_FILE_LIMIT: u64 = 4 * 1024 * 1024;

fn read_ca_file(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut pem = Vec::new();
    std::fs::File::open(path)?
        .take(CA_FILE_LIMIT + 1)
        .read_to_end(&mut pem)?;
    if pem.len() as u64 > CA_FILE_LIMIT {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than {} MiB, the limit", CA_FILE_LIMIT >> 20),
        ));
    }
    Ok(pem)
}

/// Same-origin redirects followed before giving up.
const MAX_REDIRECTS: usize = 5;
/// Longest server excerpt shown in an error, in characters.
pub(crate) const EXCERPT_CHARS: usize = 120;

/// What a request carries.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    Empty,
    Json(Value),
    Form(Vec<(String, String)>),
    Binary {
        bytes: Vec<u8>,
        content_type: &'static str,
    },
}

/// Whether a request may be sent again after a failure that might have reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Reads, updates (idempotent) and creates carrying a `Requestid` (the server drops the
    /// duplicate): retried on 429, 5xx, timeouts and dropped connections.
    Safe,
    /// Retried only when the server certainly did not act: 429, 503, connection refused.
    OnlyIfUnprocessed,
}

#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) body: Body,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) replay: Replay,
}

impl Request {
    pub(crate) fn get(url: Url) -> Self {
        Request {
            method: Method::GET,
            url,
            body: Body::Empty,
            headers: Vec::new(),
            replay: Replay::Safe,
        }
    }
}

/// A 2xx answer, body read whole.
#[derive(Debug, Clone)]
pub struct Answer {
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

/// The reqwest client, the configured origin and the retry policy.
pub(crate) struct Transport {
    http: reqwest::Client,
    /// The base URL as configured, without a trailing slash, query or fragment.
    prefix: String,
    base: Url,
    retry: RetryPolicy,
}

impl Transport {
    pub(crate) fn new(config: &ClientConfig) -> Result<Self, ApiError> {
        let base = checked_base_url(&config.base_url, config.allow_insecure_http)?;
        if config.timeout.is_zero() {
            return Err(ApiError::Config(
                "the request timeout must be above zero".into(),
            ));
        }
        let origin = base.origin();
        // Credentials never go to another origin: follow a redirect only on the configured
        // one (reqwest keeps the Authorization header there) and hand any other back to us.
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > MAX_REDIRECTS || attempt.url().origin() != origin {
                attempt.stop()
            } else {
                attempt.follow()
            }
        });
        let mut builder = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .redirect(redirects)
            .user_agent(concat!("gongdan/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = &config.ca_file {
            let pem = read_ca_file(path).map_err(|err| {
                ApiError::Config(format!("cannot read the CA file {}: {err}", path.display()))
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|err| {
                ApiError::Config(format!("the CA file {} is not PEM: {err}", path.display()))
            })?;
            if certs.is_empty() {
                return Err(ApiError::Config(format!(
                    "the CA file {} holds no certificate",
                    path.display()
                )));
            }
            // Added to the platform's roots; verification itself always stays on.
            builder = builder.tls_certs_merge(certs);
        }
        let http = builder
            .build()
            .map_err(|err| ApiError::Config(format!("cannot set up HTTPS: {err}")))?;
        let prefix = base.as_str().trim_end_matches('/').to_owned();
        Ok(Transport {
            http,
            prefix,
            base,
            retry: config.retry.clone(),
        })
    }

    pub(crate) fn base(&self) -> &Url {
        &self.base
    }

    /// `{base}{path}?{query}`; `path` starts with `/`.
    pub(crate) fn endpoint(&self, path: &str, query: &[(&str, String)]) -> Result<Url, ApiError> {
        let mut url = Url::parse(&format!("{}{path}", self.prefix))
            .map_err(|err| ApiError::Config(format!("cannot build a URL for {path}: {err}")))?;
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (key, value) in query {
                pairs.append_pair(key, value);
            }
        }
        Ok(url)
    }

    /// Whether `url` has the configured scheme, host and port.
    pub(crate) fn same_origin(&self, url: &Url) -> bool {
        url.origin() == self.base.origin()
    }

    /// One attempt, no retry. `authorization` is the whole header value.
    pub(crate) async fn attempt(
        &self,
        request: &Request,
        authorization: Option<&HeaderValue>,
    ) -> Result<Answer, ApiError> {
        if !self.same_origin(&request.url) {
            // Defensive: every URL is built from the base or checked by paging already.
            return Err(ApiError::Config(format!(
                "refusing to send credentials to {}, which is not the configured server",
                origin_text(&request.url)
            )));
        }
        let mut builder = self
            .http
            .request(request.method.clone(), request.url.clone());
        if let Some(value) = authorization {
            let mut value = value.clone();
            value.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, value);
        }
        for (name, value) in &request.headers {
            builder = builder.header(name.clone(), value.clone());
        }
        builder = match &request.body {
            Body::Empty => builder,
            Body::Json(value) => builder.json(value),
            Body::Form(pairs) => builder.form(pairs),
            Body::Binary {
                bytes,
                content_type,
            } => builder
                .header(reqwest::header::CONTENT_TYPE, *content_type)
                .body(bytes.clone()),
        };
        let sent = Instant::now();
        let logged = LoggedRequest::of(request);
        let mut response = match builder.send().await {
            Ok(response) => response,
            Err(err) => {
                let error = network_error(&err, &request.url);
                logged.failed(sent.elapsed(), &error);
                return Err(error);
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        let body = match read_body(&mut response, &request.url).await {
            Ok(body) => body,
            Err(error) => {
                logged.failed(sent.elapsed(), &error);
                return Err(error);
            }
        };
        if status.is_success() {
            logged.answered(status.as_u16(), sent.elapsed(), body.len());
            Ok(Answer { headers, body })
        } else {
            let error = status_error(status, &headers, &body);
            logged.refused(status.as_u16(), sent.elapsed(), &error);
            Err(error)
        }
    }
}

/// What a log line says of a request: the method, the path and the names of the query's
/// parameters (never their values, which can be a customer's name in a search, and never a
/// header but the request id). Credentials travel only in the `Authorization` header, which
/// is not read here.
struct LoggedRequest {
    method: reqwest::Method,
    path: String,
    query_keys: String,
    request_id: Option<String>,
}

impl LoggedRequest {
    fn of(request: &Request) -> LoggedRequest {
        let query_keys = request
            .url
            .query_pairs()
            .map(|(key, _)| key.into_owned())
            .collect::<Vec<_>>()
            .join(",");
        let request_id = request
            .headers
            .iter()
            .find(|(name, _)| name.as_str().eq_ignore_ascii_case("requestid"))
            .and_then(|(_, value)| value.to_str().ok())
            .map(str::to_owned);
        LoggedRequest {
            method: request.method.clone(),
            path: request.url.path().to_owned(),
            query_keys,
            request_id,
        }
    }

    fn answered(&self, status: u16, took: Duration, bytes: usize) {
        tracing::debug!(
            method = %self.method,
            path = %self.path,
            query = %self.query_keys,
            status,
            ms = took.as_millis() as u64,
            bytes,
            request_id = self.request_id.as_deref().unwrap_or("-"),
            "request"
        );
    }

    /// A non-2xx answer: the status and the error it means.
    fn refused(&self, status: u16, took: Duration, error: &ApiError) {
        tracing::warn!(
            method = %self.method,
            path = %self.path,
            query = %self.query_keys,
            status,
            ms = took.as_millis() as u64,
            request_id = self.request_id.as_deref().unwrap_or("-"),
            %error,
            "request refused"
        );
    }

    /// No answer (network) or one that could not be read.
    fn failed(&self, took: Duration, error: &ApiError) {
        tracing::warn!(
            method = %self.method,
            path = %self.path,
            query = %self.query_keys,
            ms = took.as_millis() as u64,
            request_id = self.request_id.as_deref().unwrap_or("-"),
            %error,
            "request failed"
        );
    }
}

/// Reads the body, refusing one above [`MAX_BODY_BYTES`].
async fn read_body(response: &mut reqwest::Response, url: &Url) -> Result<Vec<u8>, ApiError> {
    if response
        .content_length()
        .is_some_and(|length| length > MAX_BODY_BYTES as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|err| network_error(&err, url))?
    {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn too_large() -> ApiError {
    ApiError::Decode {
        path: "(body)".into(),
        message: format!("the answer is larger than {} MiB", MAX_BODY_BYTES >> 20),
    }
}
