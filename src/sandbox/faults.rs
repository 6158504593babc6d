//! Fault injection: latency, random 500s, a rate limit, and one-shot faults for tests.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A one-shot fault, applied to the next request that arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Close the connection without answering (the request is not handled).
    DropConnection,
    /// Handle the request (a create creates), then close the connection without answering:
    /// the lost answer that a `Requestid` protects against.
    DropResponse,
    /// Answer the headers (with the full `Content-Length`) and half the body, then close.
    TruncateBody,
    /// Wait this long, then answer normally.
    Hang(Duration),
    /// Answer 500 with an HTML body.
    ServerError,
    /// Answer 429 with `Retry-After: secs`.
    TooManyRequests { retry_after_secs: u64 },
}

/// The faults in force; [`crate::sandbox::Sandbox::set_faults`] replaces them at run time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    pub latency: Duration,
    /// Fraction (0.0..=1.0) of requests answered with a 500 and an HTML body.
    pub fail_rate: f64,
    /// Requests per second above which requests answer 429 with `Retry-After`.
    pub rate_limit: Option<u32>,
    /// One-shot faults for the next requests, in order.
    pub next: Vec<Fault>,
}

/// What the dispatcher must do with one request, decided on arrival.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    Proceed,
    Drop,
    DropAfterHandling,
    Truncate,
    ServerError,
    TooManyRequests(u64),
}

pub(crate) struct FaultState {
    latency: Duration,
    fail_rate: f64,
    rate_limit: Option<u32>,
    queue: VecDeque<Fault>,
    window_start: Option<Instant>,
    window_count: u32,
    /// Seeded so that a run with a fail rate is reproducible request by request.
    rng: StdRng,
}

impl FaultState {
    pub(crate) fn new(faults: Faults, seed: u64) -> Self {
        let mut state = FaultState {
            latency: Duration::ZERO,
            fail_rate: 0.0,
            rate_limit: None,
            queue: VecDeque::new(),
            window_start: None,
            window_count: 0,
            rng: StdRng::seed_from_u64(seed ^ 0x5eed_fa17),
        };
        state.set(faults);
        state
    }

    pub(crate) fn set(&mut self, faults: Faults) {
        self.latency = faults.latency;
        self.fail_rate = if faults.fail_rate.is_finite() {
            faults.fail_rate.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.rate_limit = faults.rate_limit;
        self.queue = faults.next.into();
        self.window_start = None;
        self.window_count = 0;
    }

    pub(crate) fn push(&mut self, fault: Fault) {
        self.queue.push_back(fault);
    }

    /// Decides the fate of one arriving request: the latency (or hang) to wait first, then
    /// what to answer.
    pub(crate) fn decide(&mut self) -> (Duration, Decision) {
        let mut wait = self.latency;
        if let Some(fault) = self.queue.pop_front() {
            match fault {
                Fault::DropConnection => return (wait, Decision::Drop),
                Fault::DropResponse => return (wait, Decision::DropAfterHandling),
                Fault::TruncateBody => return (wait, Decision::Truncate),
                Fault::ServerError => return (wait, Decision::ServerError),
                Fault::TooManyRequests { retry_after_secs } => {
                    return (wait, Decision::TooManyRequests(retry_after_secs));
                }
                Fault::Hang(duration) => wait = wait.saturating_add(duration),
            }
        }
        if let Some(limit) = self.rate_limit {
            let now = Instant::now();
            let start = *self.window_start.get_or_insert(now);
            if now.duration_since(start) >= Duration::from_secs(1) {
                self.window_start = Some(now);
                self.window_count = 0;
            }
            self.window_count += 1;
            if self.window_count > limit {
                return (Duration::ZERO, Decision::TooManyRequests(1));
            }
        }
        if self.fail_rate > 0.0 && self.rng.random::<f64>() < self.fail_rate {
            return (wait, Decision::ServerError);
        }
        (wait, Decision::Proceed)
    }
}

/// The body of a 500, as an nginx front would send it.
pub(crate) const SERVER_ERROR_HTML: &str = "<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
