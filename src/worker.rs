//! The background task that owns the client and all network I/O.
//!
//! It takes [`Command`]s from the app over one channel and sends [`WorkerEvent`]s back over
//! another. Each command runs as its own task, at most `concurrency` at once, so a slow call
//! never holds up the others; the app drops results it has moved past by request id. A read
//! asked for again while the same read is in flight (same page of the same query, same
//! show, same lookup) is not sent twice: the one answer goes to both requests.

mod bulk;
mod compose;
mod download;
mod lanes;
mod local;
pub mod local_view;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

use crate::api::{ApiError, Auth, Client, ClientConfig, ListScope, RetryObserver};
use crate::app::composer::ComposeCommand;
use crate::app::faults::FaultEvent;
use crate::app::{Command, LookupKey, LookupValue, RequestId, WorkerEvent};
use crate::draft_files as drafts;
use crate::secret::Secret;

pub use bulk::{BulkSetup, RunsInFlight};
use lanes::{Lane, Lanes};

/// Starts the worker. It ends when the command sender is dropped. A worker started this
/// way cannot sign in again ([`Command::SignIn`] answers a configuration error); use
/// [`spawn_with_config`] for that.
pub fn spawn(
    client: Client,
    concurrency: usize,
) -> (
    mpsc::UnboundedSender<Command>,
    mpsc::UnboundedReceiver<WorkerEvent>,
) {
    let setup = BulkSetup::for_client(&client);
    start(client, None, concurrency, setup)
}

/// [`spawn`], with where and how bulk runs are journaled and sent.
pub fn spawn_with_bulk(
    client: Client,
    concurrency: usize,
    setup: BulkSetup,
) -> (
    mpsc::UnboundedSender<Command>,
    mpsc::UnboundedReceiver<WorkerEvent>,
) {
    start(client, None, concurrency, setup)
}

/// Starts the worker with the configuration its client came from, so that a new password
/// (after a 401 mid-session) rebuilds the client. Bulk runs as [`spawn_with_bulk`], or as
/// [`spawn`] when `setup` is `None`.
pub fn spawn_with_config(
    config: ClientConfig,
    concurrency: usize,
    setup: Option<BulkSetup>,
) -> Result<
    (
        mpsc::UnboundedSender<Command>,
        mpsc::UnboundedReceiver<WorkerEvent>,
    ),
    ApiError,
> {
    spawn_with_runs(config, concurrency, setup, RunsInFlight::default())
}

/// [`spawn_with_config`], its bulk runs stopped through `runs` (the console's way out).
pub(crate) fn spawn_with_runs(
    config: ClientConfig,
    concurrency: usize,
    setup: Option<BulkSetup>,
    runs: RunsInFlight,
) -> Result<
    (
        mpsc::UnboundedSender<Command>,
        mpsc::UnboundedReceiver<WorkerEvent>,
    ),
    ApiError,
> {
    spawn_with_store(config, concurrency, setup, runs, None)
}

/// [`spawn_with_runs`], with the local store at `store` (issue 16): first pages answered
/// from it at once, the server's answers written to it. `None`: no store, as before.
pub fn spawn_with_store(
    config: ClientConfig,
    concurrency: usize,
    setup: Option<BulkSetup>,
    runs: RunsInFlight,
    store: Option<std::path::PathBuf>,
) -> Result<
    (
        mpsc::UnboundedSender<Command>,
        mpsc::UnboundedReceiver<WorkerEvent>,
    ),
    ApiError,
> {
    let client = Client::new(config.clone())?;
    let setup = setup.unwrap_or_else(|| BulkSetup::for_client(&client));
    let local = store.map(local::Local::new);
    Ok(start_with(
        client,
        Some(config),
        concurrency,
        setup,
        runs,
        local,
    ))
}

fn start(
    client: Client,
    config: Option<ClientConfig>,
    concurrency: usize,
    setup: BulkSetup,
) -> (
    mpsc::UnboundedSender<Command>,
    mpsc::UnboundedReceiver<WorkerEvent>,
) {
    start_with(
        client,
        config,
        concurrency,
        setup,
        RunsInFlight::default(),
        None,
    )
}

fn start_with(
    client: Client,
    config: Option<ClientConfig>,
    concurrency: usize,
    setup: BulkSetup,
    runs: RunsInFlight,
    local: Option<Arc<local::Local>>,
) -> (
    mpsc::UnboundedSender<Command>,
    mpsc::UnboundedReceiver<WorkerEvent>,
) {
    let (command_tx, command_rx) = mpsc::unbounded_channel();
    let (event_tx, event_rx) = mpsc::unbounded_channel();
    let bulk = bulk::BulkWorker::new(client.clone(), setup.clone(), runs);
    tokio::spawn(run(
        client,
        config,
        concurrency,
        (bulk, setup, local),
        command_rx,
        event_tx,
    ));
    (command_tx, event_rx)
}

async fn run(
    mut client: Client,
    mut config: Option<ClientConfig>,
    concurrency: usize,
    (mut bulk, setup, local): (bulk::BulkWorker, BulkSetup, Option<Arc<local::Local>>),
    mut commands: mpsc::UnboundedReceiver<Command>,
    events: mpsc::UnboundedSender<WorkerEvent>,
) {
    if let Some(local) = &local {
        // Opened now, off the UI thread, so that the first page finds it ready.
        let local = local.clone();
        tokio::spawn(async move { local.warm().await });
    }
    // Lookups go in a lane of their own, behind the user's requests (see `lanes`).
    let lanes = Lanes::new(concurrency);
    let mut in_flight = Arc::new(Mutex::new(InFlight::default()));
    while let Some(command) = commands.recv().await {
        // A file beside everything, on a client of its own that holds no credentials.
        if let Command::Download(request) = command {
            let downloader = crate::api::Downloader::new(
                config.as_ref().map_or(Duration::ZERO, |c| c.timeout),
                config.as_ref().and_then(|c| c.ca_file.as_deref()),
            );
            download::spawn(downloader, request, events.clone());
            continue;
        }
        if let Command::SignIn { secret } = command {
            // Commands are taken in order: everything sent after this uses the new client.
            let result = rebuild(config.as_mut(), &secret).map(|new| {
                bulk = bulk.with_client(new.clone(), setup.clone());
                client = new;
                // A fetch still in flight went with the old password: a new request must
                // not join it (it would get the old 401 and reopen the prompt).
                in_flight = Arc::new(Mutex::new(InFlight::default()));
            });
            let _ = events.send(WorkerEvent::Fault(FaultEvent::ClientRebuilt(result)));
            continue;
        }
        // Written in order, one at a time, so an older history never lands last.
        if let Command::SaveHistory { path, text } = command {
            save_history(path, text).await;
            continue;
        }
        // Drafts too, in order and at once: never behind network calls waiting for a
        // permit (a hang-up then would find the draft still queued).
        if let Command::Compose(
            ComposeCommand::SaveDraft { .. } | ComposeCommand::DeleteDraft { .. },
        ) = &command
        {
            if let Some(event) = execute(&client, command).await {
                let _ = events.send(event);
            }
            continue;
        }
        // The store's sync runs beside everything, each of its requests in the background
        // lane (behind the user's, never the last slot); nothing without a store.
        if let Command::Sync { id } = command {
            match &local {
                Some(local) => {
                    let client = client.clone().with_retry_observer(retry_observer(
                        id,
                        lanes.clone(),
                        events.clone(),
                    ));
                    local.sync(id, client, lanes.clone(), events.clone());
                }
                None => {
                    let _ = events.send(WorkerEvent::Synced {
                        id,
                        tickets: Vec::new(),
                        partial: false,
                        server: None,
                    });
                }
            }
            continue;
        }
        // A view from the store: computed beside the network, never in a lane's slot.
        if let Command::LocalView { id, .. } = &command {
            let (id, events, local) = (*id, events.clone(), local.clone());
            tokio::spawn(async move {
                let event = match local {
                    Some(local) => local.view(command).await,
                    None => Some(WorkerEvent::LocalRows { id, rows: None }),
                };
                if let Some(event) = event {
                    let _ = events.send(event);
                }
            });
            continue;
        }
        if let Command::LocalTickets { id, ids } = command {
            let (events, local) = (events.clone(), local.clone());
            tokio::spawn(async move {
                let event = match local {
                    Some(local) => local.tickets(id, ids).await,
                    None => WorkerEvent::LocalTickets {
                        id,
                        tickets: Vec::new(),
                        hits: Vec::new(),
                    },
                };
                let _ = events.send(event);
            });
            continue;
        }
        // Bulk work has its own concurrency (the engine's) and may run for long.
        if let Command::Bulk(command) = command {
            bulk.handle(command, events.clone());
            continue;
        }
        let key = FetchKey::of(&command);
        if let (Some(key), Some(id)) = (&key, command.request_id())
            && join_in_flight(&in_flight, key, id)
        {
            // The same fetch is already running: its answer goes to this request too.
            continue;
        }
        let events = events.clone();
        let lanes = lanes.clone();
        let in_flight = in_flight.clone();
        let task_client = client.clone();
        let local = local.clone();
        let first_page = local::FirstPage::of(&command);
        let answer = match &command {
            Command::Search { .. } => crate::store::Answer::Partial,
            _ => crate::store::Answer::Full,
        };
        tokio::spawn(async move {
            // A view's first showing: the store's rows at once, then the server as ever.
            if let (Some(local), Some(first), Some(id)) =
                (&local, &first_page, command.request_id())
                && let Some((tickets, as_of)) = local.first_page(&first.key).await
            {
                let _ = events.send(WorkerEvent::Stored { id, tickets, as_of });
            }
            let event = match command {
                Command::Lookup { id, key } => {
                    background_lookup(&task_client, &lanes, id, key).await
                }
                command => {
                    let client = match command.request_id() {
                        Some(id) => task_client.with_retry_observer(retry_observer(
                            id,
                            lanes.clone(),
                            events.clone(),
                        )),
                        None => task_client,
                    };
                    let _slot = lanes.acquire(Lane::User).await;
                    execute(&client, command).await
                }
            };
            let Some(event) = event else {
                return;
            };
            let joined = match &key {
                Some(key) => lock(&in_flight).remove(key).unwrap_or_default(),
                None => Vec::new(),
            };
            for id in joined.into_iter().skip(1) {
                if let Some(copy) = event.clone().answering(id) {
                    let _ = events.send(copy);
                }
            }
            let recorded = local.map(|local| (local, event.clone()));
            // The app has gone: nothing left to tell.
            let _ = events.send(event);
            if let Some((local, event)) = recorded {
                local.record(first_page, answer, &event).await;
            }
        });
    }
}

/// How many times a lookup goes back to wait in its lane after a 429 before it keeps its
/// slot through the client's own retries.
const LOOKUP_REQUEUES: usize = 4;

/// A name lookup in the background lane. On a 429 it gives its slot back at once (its retry
/// would otherwise sleep holding it) and waits in the lane, which the 429 paused for as long
/// as the server asked; the app is not told of its retries (nothing waits on it visibly).
async fn background_lookup(
    client: &Client,
    lanes: &Lanes,
    id: RequestId,
    key: LookupKey,
) -> Option<WorkerEvent> {
    for round in 0..=LOOKUP_REQUEUES {
        let limited = Arc::new(tokio::sync::Notify::new());
        let observer: RetryObserver = {
            let (lanes, limited) = (lanes.clone(), limited.clone());
            Arc::new(move |error: &ApiError, delay: Duration| {
                if matches!(error, ApiError::RateLimited { .. }) {
                    lanes.pause_background(delay);
                    limited.notify_one();
                }
            })
        };
        let client = client.clone().with_retry_observer(observer);
        let _slot = lanes.acquire(Lane::Background).await;
        let answer = lookup(&client, key);
        if round == LOOKUP_REQUEUES {
            return Some(WorkerEvent::Looked {
                id,
                key,
                result: answer.await,
            });
        }
        tokio::select! {
            result = answer => return Some(WorkerEvent::Looked { id, key, result }),
            // A read: dropping it mid-retry is safe.
            () = limited.notified() => {}
        }
    }
    None
}

/// Tells the app before each retry of request `id`, so the status line can say
/// "retrying in 4 s". A 429 also holds back the lookups for as long as the server asks, so
/// what it lets through goes to the user's requests.
fn retry_observer(
    id: RequestId,
    lanes: Lanes,
    events: mpsc::UnboundedSender<WorkerEvent>,
) -> RetryObserver {
    Arc::new(move |error: &ApiError, delay: Duration| {
        if matches!(error, ApiError::RateLimited { .. }) {
            lanes.pause_background(delay);
        }
        let _ = events.send(WorkerEvent::Fault(FaultEvent::Retrying {
            id,
            error: error.clone(),
            delay,
        }));
    })
}

/// A client with the new password or secret in place of the old one.
fn rebuild(config: Option<&mut ClientConfig>, secret: &Secret) -> Result<Client, ApiError> {
    let Some(config) = config else {
        return Err(ApiError::Config(
            "this console cannot sign in again: restart it".into(),
        ));
    };
    match &mut config.auth {
        Auth::Basic { password, .. } => *password = secret.expose().to_string(),
        Auth::Token { secret: old, .. } => *old = secret.expose().to_string(),
    }
    Client::new(config.clone())
}

/// Fetches in flight by what they fetch, each with the requests waiting for its answer
/// (the first is the one that started it).
type InFlight = HashMap<FetchKey, Vec<RequestId>>;

fn lock(in_flight: &Mutex<InFlight>) -> std::sync::MutexGuard<'_, InFlight> {
    in_flight
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Records `id` as waiting for `key`; true when a fetch of `key` was already running (the
/// caller then sends nothing), false when `id` starts it.
fn join_in_flight(in_flight: &Mutex<InFlight>, key: &FetchKey, id: RequestId) -> bool {
    let mut map = lock(in_flight);
    match map.get_mut(key) {
        Some(waiting) => {
            waiting.push(id);
            true
        }
        None => {
            map.insert(key.clone(), vec![id]);
            false
        }
    }
}

/// What a read fetches, so that two requests for the same thing share one call. Writes
/// have no key: each is sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum FetchKey {
    /// A list or search query (its debug form holds every parameter, page included).
    List(String),
    Search(String),
    ShowMany(Vec<u64>),
    Show(u64),
    Lookup(LookupKey),
}

impl FetchKey {
    pub(crate) fn of(command: &Command) -> Option<FetchKey> {
        Some(match command {
            Command::FetchList { query, .. } => FetchKey::List(format!("{query:?}")),
            Command::Search { query, .. } => FetchKey::Search(format!("{query:?}")),
            Command::ShowMany { ids, .. } => FetchKey::ShowMany(ids.clone()),
            Command::Show { ticket, .. } => FetchKey::Show(*ticket),
            Command::Lookup { key, .. } => FetchKey::Lookup(*key),
            _ => return None,
        })
    }
}

trait Answering: Sized {
    /// The same answer, addressed to another request; `None` for events that are never
    /// shared (only keyed reads are).
    fn answering(self, id: RequestId) -> Option<Self>;
}

impl Answering for WorkerEvent {
    fn answering(self, to: RequestId) -> Option<WorkerEvent> {
        Some(match self {
            WorkerEvent::Page { result, .. } => WorkerEvent::Page { id: to, result },
            WorkerEvent::ShownMany { result, .. } => WorkerEvent::ShownMany { id: to, result },
            WorkerEvent::Shown { ticket, result, .. } => WorkerEvent::Shown {
                id: to,
                ticket,
                result,
            },
            WorkerEvent::Looked { key, result, .. } => WorkerEvent::Looked {
                id: to,
                key,
                result,
            },
            // Bulk, composer and fault events are never keyed reads.
            _ => return None,
        })
    }
}

/// Runs one command against the client.
pub async fn execute(client: &Client, command: Command) -> Option<WorkerEvent> {
    Some(match command {
        Command::FetchList { id, query } => WorkerEvent::Page {
            id,
            result: client.list(&ListScope::All, &query).await,
        },
        Command::Search { id, query } => WorkerEvent::Page {
            id,
            result: client.search(&query).await,
        },
        Command::ShowMany { id, ids } => WorkerEvent::ShownMany {
            id,
            result: client.show_many(&ids).await,
        },
        Command::Show { id, ticket } => WorkerEvent::Shown {
            id,
            ticket,
            result: client.show(ticket).await,
        },
        Command::Lookup { id, key } => WorkerEvent::Looked {
            id,
            key,
            result: lookup(client, key).await,
        },
        // The terminal loop does these; `run` does sign-in; bulk commands go to
        // `bulk::BulkWorker`.
        Command::Copy(_)
        | Command::SaveView { .. }
        | Command::EditInEditor { .. }
        | Command::SignIn { .. }
        | Command::Sync { .. }
        | Command::LocalView { .. }
        | Command::LocalTickets { .. }
        | Command::Download(_)
        | Command::Notify(_)
        | Command::Bulk(_) => return None,
        Command::Compose(command) => return compose::compose(client, command).await,
        Command::SaveHistory { path, text } => {
            save_history(path, text).await;
            return None;
        }
    })
}

/// Writes a prompt's history file. A history is a convenience: a failed write is logged,
/// never shown.
async fn save_history(path: std::path::PathBuf, text: String) {
    let saved = tokio::task::spawn_blocking(move || {
        crate::history_files::save(&path, &text)
            .map_err(|error| format!("{}: {error}", path.display()))
    })
    .await;
    if let Ok(Err(error)) = saved {
        tracing::warn!("the prompt history was not written: {error}");
    }
}

async fn lookup(client: &Client, key: LookupKey) -> Result<LookupValue, ApiError> {
    Ok(match key {
        LookupKey::Agents => LookupValue::Agents(client.agents().await?),
        LookupKey::FieldDefs => LookupValue::FieldDefs(client.ticket_fields().await?),
        LookupKey::Templates => LookupValue::Templates(client.templates().await?),
        LookupKey::Agent(id) => LookupValue::Agent(client.agent(id).await?),
        LookupKey::Group(id) => LookupValue::Group(client.group(id).await?),
        LookupKey::Contact(id) => LookupValue::Contact(client.contact(id).await?),
        LookupKey::Company(id) => LookupValue::Company(client.company(id).await?),
    })
}
