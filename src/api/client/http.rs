//! One request on the wire: origin checks, timeouts, retries with backoff, error mapping.
//!
//! Nothing here knows the 帮我吧 calls; `mod.rs` builds [`Request`]s and decodes [`Answer`]s.

use std::future::Future;
use std::time::{Duration, Instant};

use rand::Rng;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use url::Url;

use super::{ClientConfig, RetryObserver, RetryPolicy};
use crate::api::error::{ApiError, NetworkError};

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
    pub method: Method,
    pub url: Url,
    pub body: Body,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub replay: Replay,
}

impl Request {
    pub fn get(url: Url) -> Self {
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
pub(crate) struct Answer {
    pub headers: HeaderMap,
    pub body: Vec<u8>,
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
    pub fn new(config: &ClientConfig) -> Result<Self, ApiError> {
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

    pub fn base(&self) -> &Url {
        &self.base
    }

    /// `{base}{path}?{query}`; `path` starts with `/`.
    pub fn endpoint(&self, path: &str, query: &[(&str, String)]) -> Result<Url, ApiError> {
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
    pub fn same_origin(&self, url: &Url) -> bool {
        url.origin() == self.base.origin()
    }

    /// One attempt, no retry. `authorization` is the whole header value.
    pub async fn attempt(
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

    /// Runs `attempt` until it succeeds, fails for good, or the retry policy says stop.
    pub async fn with_retries<F, Fut>(
        &self,
        replay: Replay,
        observer: Option<&RetryObserver>,
        mut attempt: F,
    ) -> Result<Answer, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Answer, ApiError>>,
    {
        let started = Instant::now();
        let mut attempts = 1;
        loop {
            let error = match attempt().await {
                Ok(answer) => return Ok(answer),
                Err(error) => error,
            };
            let Some(delay) = retry_delay(&self.retry, replay, &error, attempts, started.elapsed())
            else {
                return Err(error);
            };
            if let Some(observer) = observer {
                observer(&error, delay);
            }
            tracing::debug!(%error, ?delay, attempts, "retrying");
            tokio::time::sleep(delay).await;
            attempts += 1;
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

/// Parses and checks the configured base URL: http(s) only, no credentials inside, plain
/// http only to loopback unless explicitly allowed.
pub(crate) fn checked_base_url(text: &str, allow_insecure_http: bool) -> Result<Url, ApiError> {
    let mut url = Url::parse(text.trim())
        .map_err(|err| ApiError::Config(format!("the base URL {text:?} is not a URL: {err}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ApiError::Config(
            "the base URL must not hold an account or password: put them in the config".into(),
        ));
    }
    let Some(host) = url.host() else {
        return Err(ApiError::Config(format!(
            "the base URL {text:?} has no host"
        )));
    };
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&host) => {}
        "http" => {
            return Err(ApiError::Config(format!(
                "plain http:// to {host} would send the password unencrypted: use https://, \
                 or set allow_insecure_http for a trusted network"
            )));
        }
        other => {
            return Err(ApiError::Config(format!(
                "the base URL must start with https:// (not {other}://)"
            )));
        }
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

/// 127.0.0.0/8, ::1 and `localhost`.
pub(crate) fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|ip| ip.is_loopback())
        }
        url::Host::Domain(name) => {
            let name = name.trim_end_matches('.');
            name.eq_ignore_ascii_case("localhost")
        }
    }
}

fn origin_text(url: &Url) -> String {
    crate::text::clean(&url.origin().ascii_serialization())
}

/// When to try again, or `None` to give up.
pub(crate) fn retry_delay(
    policy: &RetryPolicy,
    replay: Replay,
    error: &ApiError,
    attempts: u32,
    elapsed: Duration,
) -> Option<Duration> {
    if attempts >= policy.max_attempts {
        return None;
    }
    let retryable = match (replay, error) {
        (_, ApiError::RateLimited { .. }) => true,
        (_, ApiError::Network(NetworkError::ConnectionRefused)) => true,
        (_, ApiError::Server { status: 503, .. }) => true,
        (Replay::Safe, ApiError::Server { status, .. }) => !matches!(status, 501 | 505),
        (Replay::Safe, ApiError::Network(NetworkError::Timeout))
        | (Replay::Safe, ApiError::Network(NetworkError::ConnectionReset)) => true,
        _ => false,
    };
    if !retryable {
        return None;
    }
    let delay = match error {
        ApiError::RateLimited {
            retry_after: Some(after),
        } => *after,
        _ => backoff(policy, attempts),
    };
    if elapsed.saturating_add(delay) > policy.max_total {
        return None;
    }
    Some(delay)
}

/// Exponential backoff with "equal jitter": half the step fixed, half random, so that many
/// consoles hit by the same outage do not come back in lockstep.
fn backoff(policy: &RetryPolicy, attempts: u32) -> Duration {
    let exponent = attempts.saturating_sub(1).min(20);
    let step = policy
        .first_delay
        .saturating_mul(1u32 << exponent)
        .min(policy.max_delay);
    let half = step / 2;
    let jitter_nanos = rand::rng().random_range(0..=half.as_nanos().min(u64::MAX as u128) as u64);
    half + Duration::from_nanos(jitter_nanos)
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

/// The error for a non-2xx answer.
pub(crate) fn status_error(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ApiError {
    let code = status.as_u16();
    match code {
        300..=399 => {
            let target = headers
                .get(LOCATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|location| Url::parse(location).ok())
                .map(|url| origin_text(&url))
                .unwrap_or_else(|| "another address".into());
            ApiError::Redirected(target)
        }
        401 => ApiError::BadCredentials,
        403 => ApiError::Forbidden(server_message(body)),
        404 => ApiError::NotFound(server_message(body)),
        408 => ApiError::Network(NetworkError::Timeout),
        429 => ApiError::RateLimited {
            retry_after: retry_after(headers),
        },
        400 | 422 => ApiError::InvalidValue(
            server_message(body).unwrap_or_else(|| format!("HTTP {code}, no reason given")),
        ),
        400..=499 => ApiError::InvalidValue(match server_message(body) {
            Some(message) => format!("HTTP {code}: {message}"),
            None => format!("HTTP {code}"),
        }),
        _ => ApiError::Server {
            status: code,
            excerpt: excerpt(body),
        },
    }
}

/// `Retry-After` as seconds or an HTTP date; a date in the past means now.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    const LONGEST: Duration = Duration::from_secs(24 * 3600);
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds).min(LONGEST));
    }
    let when = chrono::DateTime::parse_from_rfc2822(text).ok()?;
    let wait = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO).min(LONGEST))
}

/// The server's own words from an error body: a message field of a JSON body, or a short
/// tag-free excerpt of any other body.
pub(crate) fn server_message(body: &[u8]) -> Option<String> {
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        return json_message(&value).and_then(|text| shorten(&text));
    }
    excerpt(body)
}

fn json_message(value: &Value) -> Option<String> {
    const KEYS: &[&str] = &[
        "message",
        "errmsg",
        "error_description",
        "error_log",
        "msg",
        "detail",
        "error",
        "errors",
    ];
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Object(map) => KEYS
            .iter()
            .filter_map(|key| map.get(*key))
            .find_map(json_message),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(json_message).collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        _ => None,
    }
}

/// A short, tag-free, cleaned excerpt of a body (HTML error pages included).
pub(crate) fn excerpt(body: &[u8]) -> Option<String> {
    // The summary of an error page is near its start; do not scan megabytes for it.
    let text = String::from_utf8_lossy(&body[..body.len().min(64 * 1024)]);
    let text = decode_entities(&strip_tags(&text));
    shorten(&text)
}

/// Collapses whitespace, cleans and cuts to [`EXCERPT_CHARS`].
fn shorten(text: &str) -> Option<String> {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let cleaned = crate::text::clean(&collapsed);
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        return None;
    }
    if cleaned.chars().count() <= EXCERPT_CHARS {
        return Some(cleaned.to_owned());
    }
    let mut cut: String = cleaned.chars().take(EXCERPT_CHARS - 1).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    Some(cut)
}

/// Drops tags, comments, and the contents of `<script>` and `<style>`.
fn strip_tags(text: &str) -> String {
    // ASCII lowercasing keeps byte offsets, so indices found in `lower` apply to `text`.
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut index = 0;
    while index < text.len() {
        let rest = &lower[index..];
        if rest.starts_with("<!--") {
            index = rest.find("-->").map_or(text.len(), |end| index + end + 3);
            out.push(' ');
            continue;
        }
        let skipped = [("<script", "</script"), ("<style", "</style")]
            .iter()
            .find_map(|(open, close)| {
                let opens = rest.starts_with(open)
                    && rest[open.len()..]
                        .chars()
                        .next()
                        .is_some_and(|c| c == '>' || c.is_whitespace());
                opens.then(|| {
                    rest.find(close)
                        .and_then(|end| rest[end..].find('>').map(|gt| index + end + gt + 1))
                        .unwrap_or(text.len())
                })
            });
        if let Some(next) = skipped {
            index = next;
            out.push(' ');
            continue;
        }
        let Some(c) = text[index..].chars().next() else {
            break;
        };
        if c == '<'
            && rest[1..]
                .chars()
                .next()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'))
        {
            index = rest.find('>').map_or(text.len(), |end| index + end + 1);
            out.push(' ');
            continue;
        }
        out.push(c);
        index += c.len_utf8();
    }
    out
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let entity = after
            .find(';')
            .filter(|end| *end <= 10)
            .and_then(|end| entity_char(&after[..end]).map(|c| (c, end)));
        match entity {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity_char(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// Tells apart the network failures a person can act on.
pub(crate) fn network_error(error: &reqwest::Error, url: &Url) -> ApiError {
    use std::error::Error as _;
    let host = url.host_str().map(crate::text::clean).unwrap_or_default();
    if error.is_timeout() {
        return ApiError::Network(NetworkError::Timeout);
    }
    let mut chain = Vec::new();
    let mut source = error.source();
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind;
            match io.kind() {
                ErrorKind::ConnectionRefused => {
                    return ApiError::Network(NetworkError::ConnectionRefused);
                }
                ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::BrokenPipe
                | ErrorKind::UnexpectedEof => {
                    return ApiError::Network(NetworkError::ConnectionReset);
                }
                ErrorKind::TimedOut => return ApiError::Network(NetworkError::Timeout),
                _ => {}
            }
        }
        chain.push(cause.to_string());
        source = cause.source();
    }
    let text = chain.join(": ");
    let lower = text.to_ascii_lowercase();
    if lower.contains("dns error")
        || lower.contains("failed to lookup address")
        || lower.contains("name or service not known")
        || lower.contains("no such host")
    {
        return ApiError::Network(NetworkError::Dns(host));
    }
    if lower.contains("connection closed before message completed")
        || lower.contains("connection reset")
        || error.is_body()
    {
        return ApiError::Network(NetworkError::ConnectionReset);
    }
    let what = shorten(&text).unwrap_or_else(|| "the request failed".into());
    if lower.contains("certificate") {
        return ApiError::Network(NetworkError::Other(format!(
            "the certificate of {host} is not trusted ({what}); for a self-hosted server, \
             set ca_file"
        )));
    }
    if error.is_connect() {
        ApiError::Network(NetworkError::Other(format!(
            "could not connect to {host}: {what}"
        )))
    } else {
        ApiError::Network(NetworkError::Other(what))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_told_apart() {
        let loopback = |text: &str| {
            let url = Url::parse(text).unwrap();
            is_loopback(&url.host().unwrap())
        };
        assert!(loopback("http://127.0.0.1:8080"));
        assert!(loopback("http://127.8.9.1"));
        assert!(loopback("http://[::1]:99"));
        assert!(loopback("http://LOCALHOST"));
        assert!(!loopback("http://192.0.2.1"));
        assert!(!loopback("http://localhost.example.com"));
        assert!(!loopback("http://128.0.0.1"));
    }

    #[test]
    fn plain_http_is_refused_off_loopback() {
        assert!(checked_base_url("http://127.0.0.1:1", false).is_ok());
        assert!(checked_base_url("https://www.bangwo8.com", false).is_ok());
        assert!(matches!(
            checked_base_url("http://192.0.2.1", false),
            Err(ApiError::Config(_))
        ));
        assert!(checked_base_url("http://192.0.2.1", true).is_ok());
        assert!(matches!(
            checked_base_url("ftp://example.com", true),
            Err(ApiError::Config(_))
        ));
        assert!(matches!(
            checked_base_url("https://a:b@example.com", false),
            Err(ApiError::Config(_))
        ));
    }

    #[test]
    fn html_error_pages_become_short_plain_excerpts() {
        let page = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title>\
            <style>body{color:red}</style><script>alert(1)</script></head>\
            <body><h1>502&nbsp;Bad   Gateway</h1><!-- hidden --><hr><center>nginx &amp; co</center>\
            </body></html>";
        assert_eq!(
            excerpt(page).unwrap(),
            "502 Bad Gateway 502 Bad Gateway nginx & co"
        );
        let long = format!("<p>{}</p>", "错误".repeat(200));
        let cut = excerpt(long.as_bytes()).unwrap();
        assert_eq!(cut.chars().count(), EXCERPT_CHARS);
        assert!(cut.ends_with('…'));
        assert_eq!(excerpt(b"  \n "), None);
        assert_eq!(excerpt(b"a < b and c>d"), Some("a < b and c>d".into()));
        // Control characters never survive.
        assert!(!excerpt(b"bad\x1b[31mred").unwrap().contains('\x1b'));
    }

    #[test]
    fn json_error_bodies_give_the_server_message() {
        assert_eq!(
            server_message(br#"{"errcode":"100047","errmsg":"Invalid resource URI"}"#),
            Some("Invalid resource URI".into())
        );
        assert_eq!(
            server_message(r#"{"error":{"message":"字段值不合法"}}"#.as_bytes()),
            Some("字段值不合法".into())
        );
        assert_eq!(server_message(br#"{"nothing":1}"#), None);
        assert_eq!(server_message(b"plain words"), Some("plain words".into()));
    }

    #[test]
    fn statuses_map_to_errors() {
        let none = HeaderMap::new();
        let map =
            |code: u16, body: &[u8]| status_error(StatusCode::from_u16(code).unwrap(), &none, body);
        assert_eq!(map(401, b""), ApiError::BadCredentials);
        assert_eq!(
            map(403, r#"{"message":"管理员才可以"}"#.as_bytes()),
            ApiError::Forbidden(Some("管理员才可以".into()))
        );
        assert_eq!(map(404, b""), ApiError::NotFound(None));
        assert_eq!(
            map(422, r#"{"message":"ticketStatus 不合法"}"#.as_bytes()),
            ApiError::InvalidValue("ticketStatus 不合法".into())
        );
        assert!(matches!(map(400, b""), ApiError::InvalidValue(_)));
        assert_eq!(map(429, b""), ApiError::RateLimited { retry_after: None });
        assert_eq!(
            map(500, b"<h1>Oops</h1>"),
            ApiError::Server {
                status: 500,
                excerpt: Some("Oops".into())
            }
        );
        assert!(matches!(map(302, b""), ApiError::Redirected(_)));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
        let later = (chrono::Utc::now() + chrono::Duration::seconds(120)).to_rfc2822();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&later).unwrap());
        let wait = retry_after(&headers).unwrap();
        assert!(wait > Duration::from_secs(60) && wait <= Duration::from_secs(120));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn retries_are_bounded_and_respect_replay() {
        let policy = RetryPolicy {
            max_attempts: 3,
            first_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(300),
            max_total: Duration::from_secs(5),
        };
        let server = ApiError::Server {
            status: 500,
            excerpt: None,
        };
        let first = retry_delay(&policy, Replay::Safe, &server, 1, Duration::ZERO).unwrap();
        assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
        let second = retry_delay(&policy, Replay::Safe, &server, 2, Duration::ZERO).unwrap();
        assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200));
        assert_eq!(
            retry_delay(&policy, Replay::Safe, &server, 3, Duration::ZERO),
            None
        );
        assert_eq!(
            retry_delay(
                &policy,
                Replay::OnlyIfUnprocessed,
                &server,
                1,
                Duration::ZERO
            ),
            None
        );
        let limited = ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(2)),
        };
        assert_eq!(
            retry_delay(
                &policy,
                Replay::OnlyIfUnprocessed,
                &limited,
                1,
                Duration::ZERO
            ),
            Some(Duration::from_secs(2))
        );
        // A wait past the total budget is not started.
        assert_eq!(
            retry_delay(&policy, Replay::Safe, &limited, 1, Duration::from_secs(4)),
            None
        );
        assert_eq!(
            retry_delay(
                &policy,
                Replay::Safe,
                &ApiError::BadCredentials,
                1,
                Duration::ZERO
            ),
            None
        );
        assert_eq!(
            retry_delay(
                &policy,
                Replay::Safe,
                &ApiError::Network(NetworkError::Dns("x".into())),
                1,
                Duration::ZERO
            ),
            None
        );
    }
}
