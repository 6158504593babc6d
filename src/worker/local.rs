//! The local store on the worker's side (issue 16). The worker owns it as it owns the
//! network: it is opened here, off the UI thread, once, on first use (the start never waits
//! for it, and a store that cannot be opened is only logged: the console goes on without
//! it). Every store call runs on a blocking thread.
//!
//! - A view's first page is answered from the store at once (the ids the view last showed,
//!   their tickets as stored now), before the server is asked.
//! - The server's answers are written back: pages and shows as full (or, for searches,
//!   partial) tickets, a first page's ids as the view's snapshot, and the answers to this
//!   console's own changes (`put_from_answer`).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::OnceCell;

use tokio::sync::mpsc::UnboundedSender;

use super::lanes::{Lane, Lanes};
use super::local_view::LocalIndex;
use crate::api::query::Known;
use crate::api::{ApiError, Client, Page, Ticket};
use crate::app::composer::ComposeEvent;
use crate::app::{Command, LocalAnswer, RequestId, WorkerEvent};
use crate::store::{Answer, Scope, Store, SyncError, SyncGate, SyncOptions};

/// How long a first page waits for the store to open (another process may hold its lock
/// for up to SQLite's busy timeout) before it goes to the server without it.
const OPEN_WAIT: Duration = Duration::from_secs(1);

type Shared = Arc<Mutex<Store>>;

/// The store, opened on first use.
pub(crate) struct Local {
    path: PathBuf,
    store: OnceCell<Option<Shared>>,
    /// The views answered from the store already: only a view's first showing is (later
    /// reads of its first page are refreshes, which the server answers).
    answered: Mutex<std::collections::HashSet<String>>,
    /// A sync is running: another asked meanwhile is not started.
    syncing: Arc<AtomicBool>,
    /// Every stored ticket, loaded on the first local view after a finished sync and
    /// dropped when a sync ends (the next view loads it again).
    index: Arc<Mutex<Option<LocalIndex>>>,
}

/// Which view a first-page request is for: its query without the page, as a key.
pub(crate) struct FirstPage {
    pub key: String,
}

impl FirstPage {
    /// The view key of a page-1 list or search request; `None` for any other command.
    pub(crate) fn of(command: &Command) -> Option<FirstPage> {
        match command {
            Command::FetchList { query, .. } if query.page.unwrap_or(1) == 1 => {
                let mut query = query.clone();
                query.page = None;
                Some(FirstPage {
                    key: format!("list:{query:?}"),
                })
            }
            Command::Search { query, .. } if query.page.unwrap_or(1) == 1 => {
                let mut query = query.clone();
                query.page = None;
                Some(FirstPage {
                    key: format!("search:{query:?}"),
                })
            }
            _ => None,
        }
    }
}

fn lock(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    store
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn lock_index(index: &Mutex<Option<LocalIndex>>) -> std::sync::MutexGuard<'_, Option<LocalIndex>> {
    index
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Now, seconds since the epoch (this machine's clock: the worker may read it).
fn epoch_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Epoch seconds as a time in the server's zone, as `App::now` is.
fn server_time(at: i64) -> Option<chrono::NaiveDateTime> {
    let utc = chrono::DateTime::from_timestamp(at, 0)?.naive_utc();
    Some(utc + chrono::Duration::hours(crate::api::SERVER_OFFSET_HOURS))
}

impl Local {
    pub(crate) fn new(path: PathBuf) -> Arc<Local> {
        Arc::new(Local {
            path,
            store: OnceCell::new(),
            answered: Mutex::default(),
            syncing: Arc::default(),
            index: Arc::default(),
        })
    }

    /// Opens the store now (at the worker's start), so the first page need not wait.
    pub(crate) async fn warm(&self) {
        let _ = self.store().await;
    }

    /// The store, opening it the first time (on a blocking thread).
    async fn store(&self) -> Option<Shared> {
        self.store
            .get_or_init(|| async {
                let path = self.path.clone();
                // The sync opens it again with the whole check, in the background.
                let opened =
                    tokio::task::spawn_blocking(move || Store::open_for_reading(&path)).await;
                match opened {
                    Ok(Ok((store, aside))) => {
                        if let Some(aside) = aside {
                            tracing::warn!(?aside, "the local store was set aside and rebuilt");
                        }
                        Some(Arc::new(Mutex::new(store)))
                    }
                    Ok(Err(error)) => {
                        tracing::warn!(%error, "the local store is not used");
                        None
                    }
                    Err(error) => {
                        tracing::warn!(%error, "opening the local store failed");
                        None
                    }
                }
            })
            .await
            .clone()
    }

    /// Runs `work` on the store on a blocking thread; `None` without a store or on failure
    /// (logged: the store is a convenience, the server the truth).
    async fn with<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Store) -> Result<T, crate::store::StoreError> + Send + 'static,
    ) -> Option<T> {
        let store = self.store().await?;
        let done = tokio::task::spawn_blocking(move || work(&mut lock(&store))).await;
        match done {
            Ok(Ok(value)) => Some(value),
            Ok(Err(error)) => {
                tracing::warn!(%error, "the local store failed");
                None
            }
            Err(error) => {
                tracing::warn!(%error, "a local store task failed");
                None
            }
        }
    }

    /// The view's first page as last shown, its tickets as stored now, and when the server
    /// gave it (the server's zone); `None` when the view has no snapshot (or the store is
    /// slow to open: the server is asked without waiting longer).
    pub(crate) async fn first_page(
        &self,
        key: &str,
    ) -> Option<(Vec<Ticket>, chrono::NaiveDateTime)> {
        let fresh = self
            .answered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key.to_string());
        if !fresh {
            return None;
        }
        let key = key.to_string();
        let read = self.with(move |store| {
            let Some(snapshot) = store.view(&key)? else {
                return Ok(None);
            };
            Ok(Some((store.tickets_by_ids(&snapshot.ids)?, snapshot.at)))
        });
        let (tickets, at) = tokio::time::timeout(OPEN_WAIT, read).await.ok()???;
        if tickets.is_empty() {
            return None;
        }
        Some((tickets, server_time(at)?))
    }

    /// Writes what the server answered: a page's tickets (and a first page's ids as its
    /// view's snapshot), shown tickets, the answers to this console's changes.
    pub(crate) async fn record(
        &self,
        first: Option<FirstPage>,
        answer: Answer,
        event: &WorkerEvent,
    ) {
        let tickets: Vec<Ticket> = match event {
            WorkerEvent::Page {
                result: Ok(page), ..
            } => page.items.clone(),
            WorkerEvent::Shown {
                result: Ok(ticket), ..
            } => vec![ticket.clone()],
            WorkerEvent::ShownMany {
                result: Ok(shown), ..
            } => shown.tickets.clone(),
            WorkerEvent::Compose(ComposeEvent::Sent {
                result: Ok(ticket), ..
            }) => vec![ticket.as_ref().clone()],
            WorkerEvent::Compose(ComposeEvent::Created {
                result: Ok(created),
                ..
            }) => vec![created.ticket.clone()],
            _ => return,
        };
        let view = match (first, event) {
            (
                Some(first),
                WorkerEvent::Page {
                    result: Ok(page), ..
                },
            ) => Some((first.key, page_ids(page))),
            _ => None,
        };
        if let Some(index) = lock_index(&self.index).as_mut() {
            let known = match answer {
                Answer::Full => Known::Full,
                Answer::Partial => Known::SearchHit,
            };
            index.put(tickets.clone(), known);
        }
        let now = epoch_now();
        self.with(move |store| {
            store.put(&tickets, answer)?;
            if let Some((key, ids)) = view {
                store.save_view(&key, &ids, now)?;
            }
            Ok(())
        })
        .await;
    }
}

impl Local {
    /// A view computed from the stored tickets (`Command::LocalView`), loading them first
    /// when needed (on a blocking thread, as the sort and the filter run). `None` when the
    /// store cannot answer; any other command is no view.
    pub(crate) async fn view(&self, command: Command) -> Option<WorkerEvent> {
        let Command::LocalView {
            id,
            source,
            column,
            order,
            filter,
            quick,
            facets,
            window,
            names,
        } = command
        else {
            return None;
        };
        if lock_index(&self.index).is_none() {
            let loaded = self.with(|store| LocalIndex::load(store)).await.flatten();
            let mut index = lock_index(&self.index);
            if index.is_none() {
                *index = loaded;
            }
        }
        let index = self.index.clone();
        let answered = tokio::task::spawn_blocking(move || {
            let mut index = lock_index(&index);
            let index = index.as_mut()?;
            index.use_names(&names);
            let mut rows = index.answer(&source, &column, order, &filter, names.as_ref())?;
            if let Some(value) = &quick {
                index.narrow(&mut rows, value);
            }
            let facets = facets.then(|| index.facets(&rows.ids));
            Some((rows, facets, server_time(index.as_of)?))
        })
        .await
        .ok()
        .flatten();
        let Some((rows, facets, as_of)) = answered else {
            return Some(WorkerEvent::LocalRows { id, rows: None });
        };
        // The filter's fields folded while the answer is on its way (a keystroke then only
        // scans them); a keystroke sent meanwhile waits for it on the index.
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || {
            if let Some(index) = lock_index(&index).as_mut() {
                index.prepare_filter();
            }
        });
        // The rows around the screen, whole from the store (the index keeps them slim).
        let (tickets, hits) = self.stored(window.of(&rows.ids).to_vec()).await;
        let rows = LocalAnswer {
            ids: rows.ids,
            tickets,
            hits,
            as_of,
            unknown: rows.unknown,
            facets,
        };
        Some(WorkerEvent::LocalRows {
            id,
            rows: Some(rows),
        })
    }

    /// The stored tickets of `ids` (`Command::LocalTickets`), for rows of a view from the
    /// store scrolled or jumped to.
    pub(crate) async fn tickets(&self, id: RequestId, ids: Vec<u64>) -> WorkerEvent {
        let (tickets, hits) = self.stored(ids).await;
        WorkerEvent::LocalTickets { id, tickets, hits }
    }

    /// The stored tickets of `ids`, whole: those known in full, then those known only as
    /// search results (as the index holds them: what a hit does not tell left unknown).
    /// An id no longer stored is in neither; a store that fails answers none.
    async fn stored(&self, ids: Vec<u64>) -> (Vec<Ticket>, Vec<Ticket>) {
        if ids.is_empty() {
            return (Vec::new(), Vec::new());
        }
        let read = self.with(move |store| {
            let mut full = Vec::new();
            let mut hits = Vec::new();
            for id in ids {
                if let Some(stored) = store.get(id)? {
                    match stored.known() {
                        (ticket, Known::Full) => full.push(ticket),
                        (ticket, Known::SearchHit) => hits.push(ticket),
                    }
                }
            }
            Ok((full, hits))
        });
        read.await.unwrap_or_default()
    }
}

/// The most changed tickets a sync sends back to the app (more is a large catch-up: the
/// views read their pages from the server anyway).
const SYNCED_MOST: usize = 1000;

impl Local {
    /// Starts the store's sync in the background unless one is running: a first full sync
    /// reports its pages; at the end the changed tickets go to the app. Its own connection
    /// (SQLite's WAL lets it write beside the worker's), each request behind the user's in
    /// the background lane. The end always answers `id`, with the server's error if one
    /// stopped it (a store that cannot be opened is logged: the console goes on without).
    pub(crate) fn sync(
        &self,
        id: RequestId,
        client: Client,
        lanes: Lanes,
        events: UnboundedSender<WorkerEvent>,
    ) {
        if self.syncing.swap(true, Ordering::SeqCst) {
            // The app sends one at a time; were one on the way, this one ends with it.
            let _ = events.send(WorkerEvent::Synced {
                id,
                tickets: Vec::new(),
                partial: false,
                server: None,
            });
            return;
        }
        let syncing = self.syncing.clone();
        let index = self.index.clone();
        let path = self.path.clone();
        tokio::spawn(async move {
            // What the server said from here on is in the store (the time the store
            // records as its last sync too).
            let started = epoch_now();
            let Synced {
                tickets,
                partial,
                in_place,
                server,
            } = run_sync(path, client, lanes, &events).await;
            {
                let mut index = lock_index(&index);
                match index.as_mut() {
                    // A delta's few changes go into the loaded tickets in place.
                    Some(loaded) if in_place => {
                        // The copy follows this sync now: its views are "as of" its end.
                        if server == Some(Ok(())) {
                            loaded.as_of = started;
                        }
                        let known = if partial {
                            Known::SearchHit
                        } else {
                            Known::Full
                        };
                        if !tickets.is_empty() {
                            loaded.put(tickets.clone(), known);
                        }
                    }
                    // Else loaded again from the store by the next local view (a full sync
                    // finished, a large catch-up, a sync that stopped part way).
                    _ => *index = None,
                }
            }
            syncing.store(false, Ordering::SeqCst);
            let _ = events.send(WorkerEvent::Synced {
                id,
                tickets,
                partial,
                server,
            });
        });
    }
}

/// What a sync changed, for the app and the loaded tickets of the local views.
struct Synced {
    tickets: Vec<Ticket>,
    partial: bool,
    /// `tickets` are every change: the loaded tickets take them in place (else they are
    /// loaded again from the store).
    in_place: bool,
    /// What the server answered (`None`: not asked, the store could not be opened).
    server: Option<Result<(), ApiError>>,
}

impl Synced {
    /// Ended with the server's answers; the loaded tickets are read again from the store.
    fn reload(partial: bool) -> Synced {
        Synced {
            tickets: Vec::new(),
            partial,
            in_place: false,
            server: Some(Ok(())),
        }
    }

    /// Ended before the server was asked.
    fn unasked() -> Synced {
        Synced {
            server: None,
            ..Synced::reload(false)
        }
    }
}

async fn run_sync(
    path: PathBuf,
    client: Client,
    lanes: Lanes,
    events: &UnboundedSender<WorkerEvent>,
) -> Synced {
    let opened = tokio::task::spawn_blocking(move || Store::open(&path)).await;
    let mut store = match opened {
        Ok(Ok((store, _))) => store,
        Ok(Err(error)) => {
            tracing::warn!(%error, "the local store cannot be synced");
            return Synced::unasked();
        }
        Err(error) => {
            tracing::warn!(%error, "opening the local store failed");
            return Synced::unasked();
        }
    };
    let gate = SyncGate(Arc::new(move || {
        let lanes = lanes.clone();
        Box::pin(async move { Box::new(lanes.acquire(Lane::Background).await) as Box<dyn Send> })
    }));
    let options = SyncOptions {
        concurrency: 2,
        gate: Some(gate),
        ..SyncOptions::default()
    };
    let progress_events = events.clone();
    let mut progress = move |p: crate::store::Progress| {
        let _ = progress_events.send(WorkerEvent::SyncProgress {
            done: p.done,
            total: p.total,
        });
    };
    let report = match crate::store::sync(&mut store, &client, &options, &mut progress).await {
        Ok(report) => report,
        Err(error) => {
            tracing::warn!(%error, "the local store's sync stopped");
            // What it stored until then is read again by the views.
            let server = match error {
                SyncError::Api(error) => Err(error),
                SyncError::Store(_) => Ok(()),
            };
            return Synced {
                server: Some(server),
                ..Synced::reload(false)
            };
        }
    };
    let partial = report.scope == Some(Scope::Search);
    if report.changed.is_empty() && !report.full {
        return Synced {
            tickets: Vec::new(),
            partial,
            in_place: true,
            server: Some(Ok(())),
        };
    }
    if report.full || report.changed.len() > SYNCED_MOST {
        return Synced::reload(partial);
    }
    let changed = report.changed;
    let read = tokio::task::spawn_blocking(move || store.tickets_by_ids(&changed)).await;
    match read {
        Ok(Ok(tickets)) => Synced {
            tickets,
            partial,
            in_place: true,
            server: Some(Ok(())),
        },
        _ => Synced::reload(partial),
    }
}

/// A page's ids in its order (its readable tickets: an unreadable one is not stored).
fn page_ids(page: &Page<Ticket>) -> Vec<u64> {
    page.items.iter().map(|ticket| ticket.id).collect()
}
