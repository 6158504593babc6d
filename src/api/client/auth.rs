//! The `Authorization` header: Basic on every call, or a Bearer token fetched from
//! `POST /api/token.php` and kept until shortly before it expires.

use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::Method;
use reqwest::header::HeaderValue;

use super::http::{Answer, Body, Replay, Request};
use super::{Auth, Client, in_200};
use crate::api::decode;
use crate::api::error::ApiError;

/// A token is refreshed this long before the server says it expires, so that a call never
/// starts with a token about to die in flight.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

pub(crate) enum Credentials {
    Basic(HeaderValue),
    Token {
        /// Basic `SecretID:Secret`, sent to token.php only.
        secret: HeaderValue,
        /// Held across a fetch, so that concurrent calls wait for one token instead of
        /// each fetching their own.
        cache: tokio::sync::Mutex<Option<CachedToken>>,
    },
}

pub(crate) struct CachedToken {
    header: HeaderValue,
    refresh_at: Instant,
}

impl Credentials {
    pub(crate) fn new(auth: &Auth) -> Result<Self, ApiError> {
        Ok(match auth {
            Auth::Basic { account, password } => Credentials::Basic(basic(account, password)?),
            Auth::Token { secret_id, secret } => Credentials::Token {
                secret: basic(secret_id, secret)?,
                cache: tokio::sync::Mutex::new(None),
            },
        })
    }

    pub(crate) fn is_token(&self) -> bool {
        matches!(self, Credentials::Token { .. })
    }

    /// The header for the next call; `fetch` is run (under the lock) when no fresh token is
    /// cached, with the `SecretID:Secret` header, and answers `(access_token, expires_in)`.
    pub(crate) async fn header<F, Fut>(&self, fetch: F) -> Result<HeaderValue, ApiError>
    where
        F: FnOnce(HeaderValue) -> Fut,
        Fut: Future<Output = Result<(String, u64), ApiError>>,
    {
        let (secret, cache) = match self {
            Credentials::Basic(header) => return Ok(header.clone()),
            Credentials::Token { secret, cache } => (secret, cache),
        };
        let mut cached = cache.lock().await;
        if let Some(token) = cached.as_ref()
            && Instant::now() < token.refresh_at
        {
            return Ok(token.header.clone());
        }
        let fetched_at = Instant::now();
        let (token, expires_in) = fetch(secret.clone()).await?;
        let mut header =
            HeaderValue::from_str(&format!("Bearer {}", token.trim())).map_err(|_| {
                ApiError::Decode {
                    path: "access_token".into(),
                    message: "the token holds characters a header cannot carry".into(),
                }
            })?;
        header.set_sensitive(true);
        let lifetime = Duration::from_secs(expires_in);
        // A short-lived token is still used for half its life rather than never.
        let margin = REFRESH_MARGIN.min(lifetime / 2);
        *cached = Some(CachedToken {
            header: header.clone(),
            refresh_at: fetched_at + (lifetime - margin),
        });
        Ok(header)
    }

    /// Forgets `used` after the server refused it, unless another call already replaced it.
    pub(crate) async fn invalidate(&self, used: &HeaderValue) {
        if let Credentials::Token { cache, .. } = self {
            let mut cached = cache.lock().await;
            if cached.as_ref().is_some_and(|token| token.header == used) {
                *cached = None;
            }
        }
    }
}

fn basic(user: &str, password: &str) -> Result<HeaderValue, ApiError> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let mut header = HeaderValue::from_str(&format!("Basic {encoded}"))
        .map_err(|_| ApiError::Config("the credentials cannot be sent in a header".into()))?;
    header.set_sensitive(true);
    Ok(header)
}

/// Signing a request in: the credentials' header on each attempt, a token fetched when
/// needed and replaced once when refused.
impl Client {
    /// One attempt; with token auth, a refused token is replaced once and the call repeated.
    pub(super) async fn attempt_signed_in(&self, request: &Request) -> Result<Answer, ApiError> {
        let credentials = &self.inner.credentials;
        let header = credentials
            .header(|secret| self.fetch_token(secret))
            .await?;
        match self.inner.transport.attempt(request, Some(&header)).await {
            Err(ApiError::BadCredentials) if credentials.is_token() => {
                credentials.invalidate(&header).await;
                let header = credentials
                    .header(|secret| self.fetch_token(secret))
                    .await?;
                self.inner.transport.attempt(request, Some(&header)).await
            }
            other => other,
        }
    }

    /// `POST /api/token.php` with Basic `SecretID:Secret`; one attempt (the caller's retry
    /// loop covers it).
    async fn fetch_token(&self, secret: HeaderValue) -> Result<(String, u64), ApiError> {
        let url = self.endpoint("/api/token.php", &[])?;
        let request = Request {
            method: Method::POST,
            url,
            body: Body::Form(vec![(
                "grant_type".to_owned(),
                "client_credentials".to_owned(),
            )]),
            headers: Vec::new(),
            replay: Replay::Safe,
        };
        let answer = self
            .inner
            .transport
            .attempt(&request, Some(&secret))
            .await?;
        in_200(decode::token(&answer.body))
    }
}
