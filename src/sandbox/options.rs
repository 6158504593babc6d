//! What a sandbox is started with: the accounts, the seed, the faults at start and the
//! quirks ([`SandboxOptions`]), separate from the server that runs them.

use std::net::SocketAddr;
use std::time::Duration;

use super::Quirks;

/// One sign-in: an account name (the vendor's accounts are e-mail addresses) and a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub account: String,
    pub password: String,
}

impl Account {
    pub fn new(account: impl Into<String>, password: impl Into<String>) -> Self {
        Account {
            account: account.into(),
            password: password.into(),
        }
    }
}

/// Everything [`start`](super::start) needs.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    /// Where to listen; port 0 picks a free one.
    pub addr: SocketAddr,
    /// How many tickets to seed.
    pub tickets: usize,
    /// The same seed gives the same data.
    pub seed: u64,
    /// Added to every answer.
    pub latency: Duration,
    /// Fraction (0.0..=1.0) of requests answered with a 500 and an HTML body.
    pub fail_rate: f64,
    /// Requests per second above which the sandbox answers 429 with `Retry-After`.
    pub rate_limit: Option<u32>,
    /// The largest `per_page` honoured; larger requests are cut down to it.
    pub max_per_page: u32,
    pub quirks: Quirks,
    /// The administrator: may call everything.
    pub admin: Account,
    /// An ordinary agent: may update and search, gets 403 on list/show/create.
    pub agent: Account,
    /// SecretID and Secret for `POST /api/token.php` (the token acts as the admin).
    pub api_secret: Account,
    /// How long a Bearer token lives.
    pub token_ttl: Duration,
    /// Seed terminal escape sequences, bidi overrides and invisible characters into every
    /// fifth ticket's subject, description and text custom field, and into some contact
    /// names (for tests of untrusted text).
    pub hostile_text: bool,
    /// Injected failures: the first update many call carrying at least this many existing
    /// tickets fails that many of them (spread over the call, not adjacent), each with the
    /// per-ticket error [`BUSY_REASON`]; the same tickets succeed when sent again. Spent
    /// once per sandbox (and per state file). 0: none.
    pub busy_failures: usize,
    /// Keep every write in this file and replay it at start over the same seed, so that the
    /// data survives a restart (see `persist.rs` for the format). `None`: in memory only.
    pub state_file: Option<std::path::PathBuf>,
}

/// The per-ticket error of an injected failure, as the vendor words a locked ticket.
pub const BUSY_REASON: &str =
    "工单正在被其他客服编辑，请稍后再试 (ticket is being edited by another agent)";

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            tickets: 500,
            seed: 1,
            latency: Duration::ZERO,
            fail_rate: 0.0,
            rate_limit: None,
            max_per_page: 100,
            quirks: Quirks::default(),
            admin: Account::new("admin@example.com", "admin-pass"),
            agent: Account::new("agent@example.com", "agent-pass"),
            api_secret: Account::new("sandbox-secret-id", "sandbox-secret"),
            token_ttl: Duration::from_secs(3600),
            hostile_text: false,
            busy_failures: 0,
            state_file: None,
        }
    }
}
