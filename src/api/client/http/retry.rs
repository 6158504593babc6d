//! Trying again: the retry loop of a call, its delays (exponential backoff with jitter,
//! bounded in count and in time, `Retry-After` honoured) and which failures may be retried.

use std::future::Future;
use std::time::{Duration, Instant};

use rand::Rng;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::{Answer, Replay, Transport};
use crate::api::client::{RetryObserver, RetryPolicy};
use crate::api::error::{ApiError, NetworkError};

impl Transport {
    /// Runs `attempt` until it succeeds, fails for good, or the retry policy says stop.
    pub(crate) async fn with_retries<F, Fut>(
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

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
