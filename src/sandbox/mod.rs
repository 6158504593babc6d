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
//!   `POST uploads?filename=` (201), `GET attachments/{id}` (an upload, \*)
//! - on a second listener ([`Sandbox::files_url`]), the files themselves: the seeded
//!   tickets' links and the uploads' (`files.rs`), served without credentials as the
//!   vendor's object storage is
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
mod cli;
mod enums;
mod faults;
mod files;
mod lookups;
mod options;
mod persist;
mod quirks;
mod recording;
mod render;
mod routes;
mod search;
mod seed;
mod server;
mod store;
mod tickets;

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use tokio_util::sync::CancellationToken;

pub use cli::{SandboxArgs, run};
pub use faults::{Fault, Faults};
pub use options::{Account, BUSY_REASON, SandboxOptions};
pub use quirks::{NullFields, Quirks, null_fields_of};
pub use recording::{RecordedRequest, Route};

/// State shared by the connection tasks and the [`Sandbox`] handle.
pub(crate) struct Shared {
    pub(crate) opts: SandboxOptions,
    pub(crate) base_url: String,
    /// The file host's origin (a second listener: another host for the client).
    pub(crate) files_url: String,
    pub(crate) store: Mutex<store::Store>,
    pub(crate) faults: Mutex<faults::FaultState>,
    pub(crate) log: Mutex<Vec<RecordedRequest>>,
    /// Writes received and not finished yet (see [`Sandbox::writes_in_flight`]).
    pub(crate) writes_in_flight: std::sync::atomic::AtomicUsize,
    /// Connections accepted and not closed yet (see [`Sandbox::connections_open`]).
    pub(crate) connections_open: std::sync::atomic::AtomicUsize,
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
    // The file host on a port of its own, so that a download is another origin.
    let files_listener =
        tokio::net::TcpListener::bind(std::net::SocketAddr::new(addr.ip(), 0)).await?;
    let files_url = format!("http://{}", files_listener.local_addr()?);
    let mut store = seed::seed_store(&opts);
    store.files_url = files_url.clone();
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
        files_url,
        store: Mutex::new(store),
        faults: Mutex::new(fault_state),
        log: Mutex::new(Vec::new()),
        writes_in_flight: std::sync::atomic::AtomicUsize::new(0),
        connections_open: std::sync::atomic::AtomicUsize::new(0),
        dedupe: tokio::sync::Mutex::new(()),
    });
    let cancel = CancellationToken::new();
    tokio::spawn(files::serve(files_listener, shared.clone(), cancel.clone()));
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

    /// The file host's `http://127.0.0.1:PORT`: where the tickets' file links point.
    pub fn files_url(&self) -> String {
        self.shared.files_url.clone()
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

    /// Connections open now. A killed client's requests can still be in the socket when it
    /// dies, and are read (and recorded) after; a test waits for 0 before counting what a
    /// new client asks.
    pub fn connections_open(&self) -> usize {
        self.shared
            .connections_open
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
