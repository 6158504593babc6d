//! A local server faithful to the vendor's API: roles, quirks and faults included.
//!
//! [`start`] binds a loopback port and serves an in-memory store seeded deterministically
//! from [`SandboxOptions::seed`]; `gongdan sandbox` ([`run`]) does the same from the command
//! line. Every live quirk of `shared/spec/API-NOTES.md` is a switch in [`Quirks`], and faults
//! (latency, 500s, 429s, dropped connections, truncated bodies, hangs) can be changed at run
//! time through [`Sandbox::set_faults`] and [`Sandbox::push_fault`].
//!
//! Calls (the `.json` suffix is optional everywhere; A = admin only, * = every agent):
//! - A `GET /api/v1/tickets.json`, `/companies/{id}/tickets.json`, `/users/{id}/tickets.json`
//!   (filters, orders, paging, absolute `next_page` / `previous_page`)
//! - A `GET /api/v1/tickets/{id}_v2.json` (object), `/tickets/{id}.json` (array of one),
//!   `/tickets/show_many.json?ids=` (at most 100; known ids, ascending)
//! - A `POST /api/v1/tickets.json` (`Requestid` deduplicated, `Location` header)
//! - \* `PUT /api/v1/tickets/{id}.json`, `/tickets/update_many.json` (both forms)
//! - \* `GET /api/v1/tickets/search.json` (the query language of `search.rs`)
//! - \* lookups: `tickets/ticket_fields`, `supports`, `supports/{id}`, `supportgroups`,
//!   `supportgroups/{id}`, `users/{id}`, `companies/{id}`, `tickettemplates`;
//!   `POST uploads?filename=` (201)
//! - `POST /api/token.php` (Basic SecretID:Secret, or either account's own credentials)
//!
//! Assumptions where the vendor says nothing (sandbox-only, not to be relied on live):
//! - `GET /api/v1/tickets/{id}/replies.json` lists a ticket's replies (\*).
//! - A create without `custUserId` / `custUser` is accepted with `custUserId: 0`, because
//!   the page's own curl example sends none; `custUser` without `mobilephone` is refused.
//! - Reply `replyType` 1 is an agent, 2 a customer; the payment field's type code is 16.
//! - With `not_found_as_200`, an unknown id answers `{"ticket": []}` on the legacy call and
//!   `{"ticket": null}` on `_v2`.
//! - `ticket_fields` answers a bare array; `_v2` and create/update answers carry dropdown
//!   option ids, list/show/show many carry labels and spell the description `descript`.

mod auth;
mod body;
mod changes;
mod enums;
mod faults;
mod lookups;
mod persist;
mod render;
mod routes;
mod search;
mod seed;
mod server;
mod store;
mod tickets;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tokio_util::sync::CancellationToken;

pub use faults::{Fault, Faults};

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

/// The live servers' departures from the vendor's page, each switchable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quirks {
    /// Numbers in tickets and counts go out as numeric strings (`"ticketStatus": "2"`).
    pub string_numbers: bool,
    /// Both show calls answer either shape (object or array of one), alternating by id.
    pub show_both_shapes: bool,
    /// An unknown id on show answers HTTP 200 with `{"ticket": []}` (legacy) or `null` (v2)
    /// instead of 404.
    pub not_found_as_200: bool,
    /// Search answers `{"tickets": {"count": N, "results": [...]}}`.
    pub nested_search: bool,
    /// Errors come inside HTTP 200: `{"errcode": "100047", ...}` for an unknown path,
    /// `{"state": "403", ...}` for a forbidden call.
    pub errors_in_200: bool,
    /// Ticket bodies carry `\'`, an escape JSON does not allow.
    pub invalid_escapes: bool,
    /// Update answers carry `ticketStatus` as its Chinese label (`"已解决"`), as on the page.
    pub echo_labels: bool,
    /// An update moves `updateDT` to now. Off: `updateDT` stays stale, as some servers do.
    pub bump_update_dt: bool,
    /// Create and update answer `{"status": "0", "message": "Insert ok", "data": false}`
    /// (a success) instead of the ticket. Not part of [`Quirks::live`], whose callers expect
    /// the ticket back.
    pub write_status_body: bool,
    /// Some tickets (by id, see [`null_fields_of`]) are answered with `tagList`,
    /// `ccUserIdList` and `servicerGroupId` null and no `custom_fields`, while they have
    /// them: list, show and update answers do this; show many answers some of them in
    /// full, others null there too. Not known, not empty.
    pub null_fields: bool,
}

/// Which tickets the [`Quirks::null_fields`] quirk answers with null fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullFields {
    /// Answered whole everywhere.
    Never,
    /// Null in list, show and update answers; whole in show many.
    UntilShowMany,
    /// Null in every answer.
    Always,
}

/// Deterministic by id, so that tests and the demo can name the tickets: one in 25 is
/// rescued by show many, one in 25 never is.
pub fn null_fields_of(id: u64) -> NullFields {
    match id % 25 {
        3 => NullFields::UntilShowMany,
        7 => NullFields::Always,
        _ => NullFields::Never,
    }
}

impl Default for Quirks {
    /// The page's documented shapes, plus what every live server does (numeric strings,
    /// labels echoed on update, `updateDT` kept true).
    fn default() -> Self {
        Quirks {
            string_numbers: true,
            show_both_shapes: false,
            not_found_as_200: false,
            nested_search: false,
            errors_in_200: false,
            invalid_escapes: false,
            echo_labels: true,
            bump_update_dt: true,
            write_status_body: false,
            null_fields: false,
        }
    }
}

impl Quirks {
    /// Exactly what the vendor's page documents: no quirk at all.
    pub fn none() -> Self {
        Quirks {
            string_numbers: false,
            show_both_shapes: false,
            not_found_as_200: false,
            nested_search: false,
            errors_in_200: false,
            invalid_escapes: false,
            echo_labels: false,
            bump_update_dt: true,
            write_status_body: false,
            null_fields: false,
        }
    }

    /// Every quirk seen on live servers at once (but `write_status_body`).
    pub fn live() -> Self {
        Quirks {
            string_numbers: true,
            show_both_shapes: true,
            not_found_as_200: true,
            nested_search: true,
            errors_in_200: true,
            invalid_escapes: true,
            echo_labels: true,
            bump_update_dt: true,
            write_status_body: false,
            null_fields: true,
        }
    }
}

/// Everything [`start`] needs.
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

/// The calls the sandbox knows, for counting requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Route {
    List,
    CompanyTickets,
    ContactTickets,
    Show,
    ShowLegacy,
    ShowMany,
    Create,
    Update,
    UpdateMany,
    Search,
    TicketFields,
    Supports,
    Support,
    SupportGroup,
    User,
    Company,
    TicketTemplates,
    Upload,
    Token,
    /// Sandbox-only: a ticket's replies.
    Replies,
    /// A path or method the API does not have.
    Unknown,
}

impl Route {
    pub fn as_str(self) -> &'static str {
        match self {
            Route::List => "list",
            Route::CompanyTickets => "company_tickets",
            Route::ContactTickets => "contact_tickets",
            Route::Show => "show",
            Route::ShowLegacy => "show_legacy",
            Route::ShowMany => "show_many",
            Route::Create => "create",
            Route::Update => "update",
            Route::UpdateMany => "update_many",
            Route::Search => "search",
            Route::TicketFields => "ticket_fields",
            Route::Supports => "supports",
            Route::Support => "support",
            Route::SupportGroup => "supportgroup",
            Route::User => "user",
            Route::Company => "company",
            Route::TicketTemplates => "tickettemplates",
            Route::Upload => "upload",
            Route::Token => "token",
            Route::Replies => "replies",
            Route::Unknown => "unknown",
        }
    }
}

/// One request as the sandbox received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    /// Path and query, as sent.
    pub path: String,
    pub route: Route,
    pub had_authorization: bool,
    /// The `Requestid` header, if any.
    pub request_id: Option<String>,
}

/// State shared by the connection tasks and the [`Sandbox`] handle.
pub(crate) struct Shared {
    pub(crate) opts: SandboxOptions,
    pub(crate) base_url: String,
    pub(crate) store: Mutex<store::Store>,
    pub(crate) faults: Mutex<faults::FaultState>,
    pub(crate) log: Mutex<Vec<RecordedRequest>>,
    /// Writes received and not finished yet (see [`Sandbox::writes_in_flight`]).
    pub(crate) writes_in_flight: std::sync::atomic::AtomicUsize,
    /// Held across a write that carries a `Requestid`, from the look-up of the id to the
    /// remembering of its answer, so that a repeat arriving while the first is handled
    /// waits for it and is answered from memory instead of applied a second time.
    pub(crate) dedupe: tokio::sync::Mutex<()>,
}

/// Locks a mutex even if a panicking test thread poisoned it: the data stays usable.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A running sandbox. Dropping it without [`Sandbox::shutdown`] also stops the server.
pub struct Sandbox {
    shared: Arc<Shared>,
    cancel: CancellationToken,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// Binds `opts.addr`, seeds the store and serves in the background; returns at once.
pub async fn start(opts: SandboxOptions) -> std::io::Result<Sandbox> {
    let listener = tokio::net::TcpListener::bind(opts.addr).await?;
    let addr = listener.local_addr()?;
    let base_url = format!("http://{addr}");
    let mut store = seed::seed_store(&opts);
    store.busy_left = opts.busy_failures;
    if let Some(path) = &opts.state_file {
        let (log, spent) = persist::StateLog::open(path, &opts, &mut store)?;
        store.state_log = Some(log);
        store.busy_left = opts.busy_failures.saturating_sub(spent);
    }
    let fault_state = faults::FaultState::new(
        Faults {
            latency: opts.latency,
            fail_rate: opts.fail_rate,
            rate_limit: opts.rate_limit,
            next: Vec::new(),
        },
        opts.seed,
    );
    let shared = Arc::new(Shared {
        opts,
        base_url,
        store: Mutex::new(store),
        faults: Mutex::new(fault_state),
        log: Mutex::new(Vec::new()),
        writes_in_flight: std::sync::atomic::AtomicUsize::new(0),
        dedupe: tokio::sync::Mutex::new(()),
    });
    let cancel = CancellationToken::new();
    let task = tokio::spawn(server::serve(listener, shared.clone(), cancel.clone()));
    Ok(Sandbox {
        shared,
        cancel,
        task: Some(task),
    })
}

impl Sandbox {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    pub fn options(&self) -> &SandboxOptions {
        &self.shared.opts
    }

    /// How many requests reached `route` (counted on arrival, before auth and faults).
    pub fn request_count(&self, route: Route) -> u64 {
        lock(&self.shared.log)
            .iter()
            .filter(|request| request.route == route)
            .count() as u64
    }

    /// Writes (create, update, update many) that arrived and are not finished: applied,
    /// refused or dropped with their connection. A write outlives its client, so a test
    /// waits for 0 before reading what a killed client's last calls did.
    pub fn writes_in_flight(&self) -> usize {
        self.shared
            .writes_in_flight
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.log).clone()
    }

    /// The ticket as stored (numbers as numbers, dropdowns as option ids), or `None`.
    pub fn ticket(&self, id: u64) -> Option<Value> {
        lock(&self.shared.store).ticket(id)
    }

    /// Every stored ticket id, ascending.
    pub fn ticket_ids(&self) -> Vec<u64> {
        lock(&self.shared.store).ticket_ids()
    }

    /// How many times ticket `id` was updated (update and update many).
    pub fn update_count(&self, id: u64) -> u64 {
        lock(&self.shared.store).update_count(id)
    }

    /// The replies stored on ticket `id` (the seeded ones and those added by updates).
    pub fn replies(&self, id: u64) -> Vec<Value> {
        lock(&self.shared.store).replies(id)
    }

    /// Replaces the faults (latency, fail rate, rate limit, queued one-shot faults).
    pub fn set_faults(&self, faults: Faults) {
        lock(&self.shared.faults).set(faults);
    }

    /// Changes an account's password from now on (a password changed on the server
    /// mid-session): Basic sign-ins with the old one answer 401.
    pub fn set_password(&self, account: &str, password: &str) {
        lock(&self.shared.store)
            .passwords
            .insert(account.to_owned(), password.to_owned());
    }

    /// Queues a one-shot fault for the next request that arrives.
    pub fn push_fault(&self, fault: Fault) {
        lock(&self.shared.faults).push(fault);
    }

    /// Stores a ticket exactly as given and serves it verbatim (no quirk applied), for
    /// hostile-data tests. Its id is its `ticketId` if that reads as a number, else the next
    /// free id. Returns the id.
    pub fn insert_ticket(&self, ticket: Value) -> u64 {
        lock(&self.shared.store).insert_raw(ticket)
    }

    /// Stops accepting, closes open connections and waits for the server task.
    pub async fn shutdown(mut self) {
        self.cancel.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Flags of `gongdan sandbox`.
#[derive(Debug, Clone, clap::Args)]
#[command(
    after_help = "Sandbox-only (not on the vendor's page, an assumption): \
GET /api/v1/tickets/{id}/replies.json lists a ticket's replies.\n\
Token auth: POST /api/token.php with Basic SecretID:Secret (defaults \
sandbox-secret-id:sandbox-secret) and grant_type=client_credentials."
)]
pub struct SandboxArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// How many tickets to seed.
    #[arg(long, default_value_t = 500)]
    pub tickets: usize,
    /// Seed of the generated data: the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Latency added to every answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Fraction of requests (0.0 to 1.0) answered with a 500 and an HTML body.
    #[arg(long, default_value_t = 0.0)]
    pub fail_rate: f64,
    /// Requests per second above which the sandbox answers 429 with Retry-After.
    #[arg(long)]
    pub rate_limit: Option<u32>,
    /// Largest per_page honoured.
    #[arg(long, default_value_t = 100)]
    pub max_per_page: u32,
    /// Administrator account (may call everything).
    #[arg(long, default_value = "admin@example.com")]
    pub admin_account: String,
    #[arg(long, default_value = "admin-pass")]
    pub admin_password: String,
    /// Ordinary agent account (may update and search only).
    #[arg(long, default_value = "agent@example.com")]
    pub agent_account: String,
    #[arg(long, default_value = "agent-pass")]
    pub agent_password: String,
    /// SecretID for POST /api/token.php.
    #[arg(long, default_value = "sandbox-secret-id")]
    pub secret_id: String,
    /// Secret for POST /api/token.php.
    #[arg(long, default_value = "sandbox-secret")]
    pub secret: String,
    /// Lifetime of Bearer tokens, in seconds.
    #[arg(long, default_value_t = 3600)]
    pub token_ttl_secs: u64,
    /// Seed escape sequences (OSC 52, OSC 0, CSI, 8-bit CSI), bidi overrides and zero-width
    /// characters into every fifth ticket and some contact names.
    #[arg(long)]
    pub hostile_text: bool,
    /// Injected failures: the first update many call with at least N tickets fails N of
    /// them ("ticket is being edited by another agent"); sent again, they succeed. 0: none.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub busy_failures: usize,
    /// Keep every write in FILE (JSON lines) and replay it at start over the same seed, so
    /// the data survives a restart; delete the file to start fresh.
    #[arg(long, value_name = "FILE")]
    pub state_file: Option<std::path::PathBuf>,
    /// Turn every live quirk on (--no-string-numbers, --no-echo-labels and --stale-update-dt
    /// still apply).
    #[arg(long)]
    pub live_quirks: bool,
    /// Send numbers as numbers (live servers send numeric strings).
    #[arg(long)]
    pub no_string_numbers: bool,
    /// Let both show calls answer either shape (object or array of one).
    #[arg(long)]
    pub show_both_shapes: bool,
    /// Answer an unknown ticket id on show with HTTP 200 and an empty ticket.
    #[arg(long)]
    pub not_found_200: bool,
    /// Answer search in the nested live shape {"tickets": {"count", "results"}}.
    #[arg(long)]
    pub nested_search: bool,
    /// Answer unknown paths and forbidden calls with HTTP 200 and an error body.
    #[arg(long)]
    pub errors_in_200: bool,
    /// Put invalid JSON escapes (\') in ticket bodies.
    #[arg(long)]
    pub invalid_escapes: bool,
    /// Answer updates with ticketStatus as its code, not its Chinese label.
    #[arg(long)]
    pub no_echo_labels: bool,
    /// Leave updateDT unchanged on update (a stale server).
    #[arg(long)]
    pub stale_update_dt: bool,
    /// Answer create and update with {"status": "0", "message": "Insert ok", "data": false}.
    #[arg(long)]
    pub write_status_body: bool,
    /// Answer some tickets with tagList, ccUserIdList and servicerGroupId null and no
    /// custom fields (ids ending in 03, 28, 53, 78 whole in show many; 07, 32, 57, 82 never).
    #[arg(long)]
    pub null_fields: bool,
}

impl SandboxArgs {
    /// The options these flags describe.
    pub fn options(&self) -> SandboxOptions {
        let mut quirks = if self.live_quirks {
            Quirks::live()
        } else {
            Quirks::default()
        };
        if self.no_string_numbers {
            quirks.string_numbers = false;
        }
        quirks.show_both_shapes |= self.show_both_shapes;
        quirks.not_found_as_200 |= self.not_found_200;
        quirks.nested_search |= self.nested_search;
        quirks.errors_in_200 |= self.errors_in_200;
        quirks.invalid_escapes |= self.invalid_escapes;
        if self.no_echo_labels {
            quirks.echo_labels = false;
        }
        if self.stale_update_dt {
            quirks.bump_update_dt = false;
        }
        quirks.write_status_body |= self.write_status_body;
        quirks.null_fields |= self.null_fields;
        SandboxOptions {
            addr: self.addr,
            tickets: self.tickets,
            seed: self.seed,
            latency: Duration::from_millis(self.latency_ms),
            fail_rate: self.fail_rate.clamp(0.0, 1.0),
            rate_limit: self.rate_limit,
            max_per_page: self.max_per_page.max(1),
            quirks,
            admin: Account::new(&self.admin_account, &self.admin_password),
            agent: Account::new(&self.agent_account, &self.agent_password),
            api_secret: Account::new(&self.secret_id, &self.secret),
            token_ttl: Duration::from_secs(self.token_ttl_secs),
            hostile_text: self.hostile_text,
            busy_failures: self.busy_failures,
            state_file: self.state_file.clone(),
        }
    }
}

/// `gongdan sandbox`: prints the address and both accounts, serves until Ctrl-C.
pub async fn run(args: SandboxArgs) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let opts = args.options();
    let sandbox = start(opts.clone())
        .await
        .map_err(|err| format!("cannot listen on {}: {err}", opts.addr))?;
    let base = sandbox.base_url();
    println!("gongdan sandbox listening on {base}");
    println!("  admin: {} / {}", opts.admin.account, opts.admin.password);
    println!("  agent: {} / {}", opts.agent.account, opts.agent.password);
    println!(
        "  token: POST {base}/api/token.php with -u {}:{} -d grant_type=client_credentials",
        opts.api_secret.account, opts.api_secret.password
    );
    println!(
        "  {} tickets from seed {}; quirks: {:?}",
        opts.tickets, opts.seed, opts.quirks
    );
    if opts.busy_failures > 0 {
        println!(
            "  the first update many of {n} or more tickets fails {n} of them once",
            n = opts.busy_failures
        );
    }
    if let Some(path) = &opts.state_file {
        println!("  writes kept in {}", path.display());
    }
    println!(
        "  try: curl {base}/api/v1/tickets.json -v -u {}:{}",
        opts.admin.account, opts.admin.password
    );
    println!("Ctrl-C stops it.");
    tokio::signal::ctrl_c().await?;
    sandbox.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Command {
        #[command(flatten)]
        args: SandboxArgs,
    }

    fn options(flags: &[&str]) -> SandboxOptions {
        let argv = std::iter::once("sandbox").chain(flags.iter().copied());
        match Command::try_parse_from(argv) {
            Ok(command) => command.args.options(),
            Err(err) => panic!("{err}"),
        }
    }

    #[test]
    fn defaults_match_the_library_defaults() {
        let opts = options(&[]);
        let defaults = SandboxOptions::default();
        assert_eq!(opts.addr, SocketAddr::from(([127, 0, 0, 1], 8080)));
        assert_eq!(opts.tickets, defaults.tickets);
        assert_eq!(opts.max_per_page, defaults.max_per_page);
        assert_eq!(opts.quirks, defaults.quirks);
        assert_eq!(opts.admin, defaults.admin);
        assert_eq!(opts.agent, defaults.agent);
        assert_eq!(opts.api_secret, defaults.api_secret);
        assert_eq!(opts.token_ttl, defaults.token_ttl);
        assert_eq!(opts.busy_failures, 0);
        assert_eq!(opts.state_file, None);
    }

    #[test]
    fn flags_set_every_option() {
        let opts = options(&[
            "--addr=127.0.0.1:0",
            "--tickets=12",
            "--seed=9",
            "--latency-ms=250",
            "--fail-rate=0.25",
            "--rate-limit=5",
            "--max-per-page=40",
            "--admin-account=boss",
            "--admin-password=b",
            "--agent-account=staff",
            "--agent-password=s",
            "--no-string-numbers",
            "--nested-search",
            "--errors-in-200",
            "--show-both-shapes",
            "--not-found-200",
            "--invalid-escapes",
            "--no-echo-labels",
            "--stale-update-dt",
            "--hostile-text",
            "--write-status-body",
            "--null-fields",
            "--busy-failures=3",
            "--state-file=/tmp/kept.jsonl",
        ]);
        assert!(opts.hostile_text);
        assert_eq!(opts.busy_failures, 3);
        assert_eq!(
            opts.state_file,
            Some(std::path::PathBuf::from("/tmp/kept.jsonl"))
        );
        assert_eq!(opts.tickets, 12);
        assert_eq!(opts.seed, 9);
        assert_eq!(opts.latency, Duration::from_millis(250));
        assert!((opts.fail_rate - 0.25).abs() < f64::EPSILON);
        assert_eq!(opts.rate_limit, Some(5));
        assert_eq!(opts.max_per_page, 40);
        assert_eq!(opts.admin, Account::new("boss", "b"));
        assert_eq!(opts.agent, Account::new("staff", "s"));
        assert_eq!(
            opts.quirks,
            Quirks {
                string_numbers: false,
                show_both_shapes: true,
                not_found_as_200: true,
                nested_search: true,
                errors_in_200: true,
                invalid_escapes: true,
                echo_labels: false,
                bump_update_dt: false,
                write_status_body: true,
                null_fields: true,
            }
        );
        assert_eq!(options(&["--live-quirks"]).quirks, Quirks::live());
    }
}
