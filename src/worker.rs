//! The background task that owns the client and all network I/O.
//!
//! It takes [`Command`]s from the app over one channel and sends [`WorkerEvent`]s back over
//! another. Each command runs as its own task, at most `concurrency` at once, so a slow call
//! never holds up the others; the app drops results it has moved past by request id. A read
//! asked for again while the same read is in flight (same page of the same query, same
//! show, same lookup) is not sent twice: the one answer goes to both requests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{Semaphore, mpsc};

use crate::api::{ApiError, Client, ListScope, TicketChange};
use crate::app::{Command, LookupKey, LookupValue, RequestId, WorkerEvent};

/// Starts the worker. It ends when the command sender is dropped.
pub fn spawn(
    client: Client,
    concurrency: usize,
) -> (
    mpsc::UnboundedSender<Command>,
    mpsc::UnboundedReceiver<WorkerEvent>,
) {
    let (command_tx, command_rx) = mpsc::unbounded_channel();
    let (event_tx, event_rx) = mpsc::unbounded_channel();
    tokio::spawn(run(client, concurrency, command_rx, event_tx));
    (command_tx, event_rx)
}

async fn run(
    client: Client,
    concurrency: usize,
    mut commands: mpsc::UnboundedReceiver<Command>,
    events: mpsc::UnboundedSender<WorkerEvent>,
) {
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let in_flight = Arc::new(Mutex::new(InFlight::default()));
    while let Some(command) = commands.recv().await {
        let key = FetchKey::of(&command);
        if let (Some(key), Some(id)) = (&key, command.request_id())
            && join_in_flight(&in_flight, key, id)
        {
            // The same fetch is already running: its answer goes to this request too.
            continue;
        }
        let client = client.clone();
        let events = events.clone();
        let permits = permits.clone();
        let in_flight = in_flight.clone();
        tokio::spawn(async move {
            let Ok(_permit) = permits.acquire().await else {
                return;
            };
            let Some(event) = execute(&client, command).await else {
                return;
            };
            let joined = match &key {
                Some(key) => lock(&in_flight).remove(key).unwrap_or_default(),
                None => Vec::new(),
            };
            for id in joined.into_iter().skip(1) {
                let _ = events.send(event.clone().answering(id));
            }
            // The app has gone: nothing left to tell.
            let _ = events.send(event);
        });
    }
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
pub enum FetchKey {
    /// A list or search query (its debug form holds every parameter, page included).
    List(String),
    Search(String),
    ShowMany(Vec<u64>),
    Show(u64),
    Lookup(LookupKey),
}

impl FetchKey {
    pub fn of(command: &Command) -> Option<FetchKey> {
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

trait Answering {
    /// The same answer, addressed to another request.
    fn answering(self, id: RequestId) -> Self;
}

impl Answering for WorkerEvent {
    fn answering(self, to: RequestId) -> WorkerEvent {
        match self {
            WorkerEvent::Page { result, .. } => WorkerEvent::Page { id: to, result },
            WorkerEvent::ShownMany { result, .. } => WorkerEvent::ShownMany { id: to, result },
            WorkerEvent::Shown { ticket, result, .. } => WorkerEvent::Shown {
                id: to,
                ticket,
                result,
            },
            WorkerEvent::Updated { ticket, result, .. } => WorkerEvent::Updated {
                id: to,
                ticket,
                result,
            },
            WorkerEvent::Looked { key, result, .. } => WorkerEvent::Looked {
                id: to,
                key,
                result,
            },
        }
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
        Command::UpdateStatus { id, ticket, status } => {
            let change = TicketChange {
                status: Some(status),
                ..TicketChange::default()
            };
            WorkerEvent::Updated {
                id,
                ticket,
                result: client.update(ticket, &change).await,
            }
        }
        Command::Lookup { id, key } => WorkerEvent::Looked {
            id,
            key,
            result: lookup(client, key).await,
        },
        // The terminal loop does this one.
        Command::Copy(_) => return None,
    })
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
