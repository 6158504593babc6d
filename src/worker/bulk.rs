//! The worker's side of marks and bulk runs: id fetches for `A`, and the bulk engine
//! (journal, runs, resume, undo, history) driven on the worker's runtime.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::api::{Client, ListScope, Ticket};
use crate::app::bulk_edit::{BulkCommand, BulkEvent, BulkFailure, HistoryRow};
use crate::app::{RequestId, ViewSource, WorkerEvent};
use crate::bulk::{BulkError, Engine, Journal, RunOptions, RunReport, Target};

/// Where bulk runs are journaled, for which host, and how they are sent.
#[derive(Debug, Clone)]
pub struct BulkSetup {
    /// The state directory (`runs/` goes under it); `None`: bulk runs are refused.
    pub state_dir: Option<PathBuf>,
    pub target: Target,
    pub options: RunOptions,
}

impl BulkSetup {
    /// No state directory (runs are not journaled, so bulk runs are refused), the client's
    /// host, default options: the console passes its own setup with the profile's directory.
    pub(crate) fn for_client(client: &Client) -> BulkSetup {
        BulkSetup {
            state_dir: None,
            target: Target {
                profile: String::new(),
                base_url: client.base_url().to_string(),
            },
            options: RunOptions::default(),
        }
    }
}

/// The bulk runs of a worker, for the console's way out: [`RunsInFlight::stop`].
#[derive(Clone, Default)]
pub struct RunsInFlight {
    /// Handed to every engine of the worker (rebuilt ones too).
    shutdown: CancellationToken,
    /// Runs (start, resume, undo) not yet ended.
    running: Arc<AtomicUsize>,
}

impl RunsInFlight {
    /// Runs not yet ended.
    pub(crate) fn running(&self) -> usize {
        self.running.load(Ordering::SeqCst)
    }

    /// No run sends another call; waits until the calls in flight are answered and
    /// journaled, or `grace` has passed. Answers whether every run ended. A run still going
    /// after it is left to the end of the process: its unanswered calls have no outcome in
    /// the journal (in doubt, read first by the resume), never a failure, and with no finish
    /// line the run is offered for resume at the next start.
    pub(crate) async fn stop(&self, grace: Duration) -> bool {
        self.shutdown.cancel();
        let deadline = tokio::time::Instant::now() + grace;
        while self.running.load(Ordering::SeqCst) > 0 {
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        true
    }
}

/// Counts a run as running until dropped.
struct Running(Arc<AtomicUsize>);

impl Running {
    fn start(count: &Arc<AtomicUsize>) -> Running {
        count.fetch_add(1, Ordering::SeqCst);
        Running(count.clone())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs bulk commands; cheap to clone into tasks.
#[derive(Clone)]
pub(super) struct BulkWorker {
    engine: Option<Arc<Engine<Client>>>,
    client: Client,
    cancels: Arc<Mutex<HashMap<RequestId, CancellationToken>>>,
    runs: RunsInFlight,
}

type Events = mpsc::UnboundedSender<WorkerEvent>;

fn send(events: &Events, event: BulkEvent) {
    // The app has gone: nothing left to tell.
    let _ = events.send(WorkerEvent::Bulk(event));
}

impl BulkWorker {
    pub(super) fn new(client: Client, setup: BulkSetup, runs: RunsInFlight) -> BulkWorker {
        if let (Some(dir), Some(keep)) = (&setup.state_dir, setup.options.retention) {
            // Off the start's path: the list and the resume offer do not wait for it (a
            // listing meanwhile skips a run being removed). Idempotent, so a worker rebuilt
            // after a 401 pruning again costs only a directory read.
            let journal = Journal::new(dir);
            let _ = std::thread::Builder::new()
                .name("prune-runs".into())
                .spawn(move || journal.prune(keep, chrono::Utc::now()));
        }
        let engine = setup.state_dir.map(|dir| {
            Arc::new(
                Engine::new(
                    client.clone(),
                    Journal::new(dir),
                    setup.options,
                    setup.target,
                )
                .with_shutdown(runs.shutdown.clone()),
            )
        });
        BulkWorker {
            engine,
            client,
            cancels: Arc::new(Mutex::new(HashMap::new())),
            runs,
        }
    }

    /// The same worker with a rebuilt client (a new password after a 401): runs in flight
    /// keep their cancel tokens.
    pub(super) fn with_client(&self, client: Client, setup: BulkSetup) -> BulkWorker {
        let mut rebuilt = BulkWorker::new(client, setup, self.runs.clone());
        rebuilt.cancels = self.cancels.clone();
        rebuilt
    }

    fn token(&self, id: RequestId) -> CancellationToken {
        let token = CancellationToken::new();
        if let Ok(mut cancels) = self.cancels.lock() {
            cancels.insert(id, token.clone());
        }
        token
    }

    fn forget(&self, id: RequestId) {
        if let Ok(mut cancels) = self.cancels.lock() {
            cancels.remove(&id);
        }
    }

    /// Handles one command; long work runs in its own task.
    pub(super) fn handle(&self, command: BulkCommand, events: Events) {
        match command {
            BulkCommand::Cancel { id } => {
                if let Ok(cancels) = self.cancels.lock()
                    && let Some(token) = cancels.get(&id)
                {
                    token.cancel();
                }
            }
            BulkCommand::FetchIds { id, source } => {
                let token = self.token(id);
                let worker = self.clone();
                tokio::spawn(async move {
                    worker.fetch_ids(id, source, &token, &events).await;
                    worker.forget(id);
                });
            }
            BulkCommand::TicketsFor { id, ids } => self.blocking(events, move |worker, events| {
                let result = match &worker.engine {
                    None => worker.client_only_tickets(&ids),
                    Some(engine) => tokio::runtime::Handle::current()
                        .block_on(engine.tickets_for(&ids))
                        .map_err(BulkFailure::from),
                };
                send(events, BulkEvent::Tickets { id, result });
            }),
            BulkCommand::History { id } => self.blocking(events, move |worker, events| {
                let event = match &worker.engine {
                    None => BulkEvent::History {
                        id,
                        result: Err(BulkFailure::NoJournal),
                        problems: Vec::new(),
                    },
                    Some(engine) => {
                        let history = engine.history();
                        // Data only: the pane words each run in its language.
                        let rows = history
                            .runs
                            .into_iter()
                            .map(|run| HistoryRow { run })
                            .collect();
                        BulkEvent::History {
                            id,
                            result: Ok(rows),
                            problems: history.problems,
                        }
                    }
                };
                send(events, event);
            }),
            BulkCommand::Start { id, plan } if self.engine.is_none() && is_quick_change(&plan) => {
                self.unjournaled(id, *plan, events);
            }
            BulkCommand::Start { id, plan } => self.run(id, events, move |engine, tx, token| {
                Box::pin(async move { engine.start(&plan, &tx, &token).await })
            }),
            BulkCommand::Resume { id, run_id } => self.run(id, events, move |engine, tx, token| {
                Box::pin(async move { engine.resume(&run_id, &tx, &token).await })
            }),
            BulkCommand::PlanUndo { id, run_id } => self.blocking(events, move |worker, events| {
                let result = match &worker.engine {
                    None => Err(BulkFailure::NoJournal),
                    Some(engine) => tokio::runtime::Handle::current()
                        .block_on(engine.plan_undo(&run_id))
                        .map(Box::new)
                        .map_err(BulkFailure::from),
                };
                send(events, BulkEvent::UndoPlanned { id, result });
            }),
        }
    }

    /// Without a state directory a one-ticket status change (`s`) is still sent, as it was
    /// before it went through the engine; it is not journaled, so it cannot be undone.
    fn unjournaled(&self, id: RequestId, plan: crate::bulk::Plan, events: Events) {
        let worker = self.clone();
        tokio::spawn(async move {
            let mut outcomes = Vec::new();
            for planned in &plan.tickets {
                let change = plan.target_of(planned).to_change(None);
                let outcome = match worker.client.update(planned.id, &change).await {
                    Ok(_) => crate::bulk::TicketOutcome::done(planned.id),
                    // The answer was lost: applied or not, unknown (never "failed").
                    Err(error) if error.outcome_unknown() => crate::bulk::TicketOutcome::of_kind(
                        planned.id,
                        crate::bulk::OutcomeKind::Unknown,
                        error.to_string(),
                    ),
                    Err(error) => {
                        if matches!(error, crate::api::ApiError::BadCredentials) {
                            // The sign-in prompt, as for a journaled run's 401.
                            send(
                                &events,
                                BulkEvent::Run {
                                    id,
                                    event: crate::bulk::RunEvent::AuthRefused {
                                        run_id: plan.run_id.clone(),
                                        tickets: 1,
                                    },
                                },
                            );
                        }
                        crate::bulk::TicketOutcome::failed(planned.id, error.to_string())
                    }
                };
                outcomes.push(outcome);
            }
            let report = RunReport {
                plan,
                outcomes,
                not_sent: Vec::new(),
                cancelled: false,
            };
            send(
                &events,
                BulkEvent::RunDone {
                    id,
                    result: Ok(Box::new(report)),
                },
            );
        });
    }

    fn client_only_tickets(&self, ids: &[u64]) -> Result<Vec<Ticket>, BulkFailure> {
        Ok(ids
            .iter()
            .map(|id| Ticket {
                id: *id,
                ..Ticket::default()
            })
            .collect())
    }

    /// Runs `work` on the blocking pool. The engine's futures hold borrowed chunks across
    /// awaits in a way the compiler cannot prove `Send` (rust-lang/rust#110338), so they
    /// are driven there with the runtime's handle instead of being spawned.
    fn blocking(&self, events: Events, work: impl FnOnce(&BulkWorker, &Events) + Send + 'static) {
        let worker = self.clone();
        tokio::task::spawn_blocking(move || work(&worker, &events));
    }

    /// A run (start, resume or undo): its RunEvents are forwarded as they come, then the
    /// report, in that order.
    fn run<F>(&self, id: RequestId, events: Events, make: F)
    where
        F: for<'a> FnOnce(
                &'a Engine<Client>,
                mpsc::Sender<crate::bulk::RunEvent>,
                CancellationToken,
            ) -> std::pin::Pin<
                Box<dyn std::future::Future<Output = Result<RunReport, BulkError>> + 'a>,
            > + Send
            + 'static,
    {
        let Some(engine) = self.engine.clone() else {
            send(
                &events,
                BulkEvent::RunDone {
                    id,
                    result: Err(BulkFailure::NoJournal),
                },
            );
            return;
        };
        let token = self.token(id);
        let running = Running::start(&self.runs.running);
        let (tx, mut rx) = mpsc::channel(64);
        let forward_events = events.clone();
        let forwarder = tokio::spawn(async move {
            while let Some(event) = rx.recv().await {
                send(&forward_events, BulkEvent::Run { id, event });
            }
        });
        self.blocking(events, move |worker, events| {
            let handle = tokio::runtime::Handle::current();
            let result = handle.block_on(make(&engine, tx, token));
            // Ended, its journal written.
            drop(running);
            // Every progress event is delivered before the report.
            let _ = handle.block_on(forwarder);
            let result = result.map(Box::new).map_err(BulkFailure::from);
            worker.forget(id);
            send(events, BulkEvent::RunDone { id, result });
        });
    }

    async fn fetch_ids(
        &self,
        id: RequestId,
        source: ViewSource,
        token: &CancellationToken,
        events: &Events,
    ) {
        let mut pages = match source {
            ViewSource::List(query) => self.client.list_pages(ListScope::All, query).boxed(),
            ViewSource::Search(query) => self.client.search_pages(query).boxed(),
        };
        let mut error = None;
        loop {
            let next = tokio::select! {
                _ = token.cancelled() => break,
                next = pages.next() => next,
            };
            match next {
                None => break,
                Some(Ok(page)) => send(
                    events,
                    BulkEvent::IdsPage {
                        id,
                        total: page.count,
                        tickets: page.items,
                    },
                ),
                Some(Err(e)) => {
                    error = Some(e);
                    break;
                }
            }
        }
        send(events, BulkEvent::IdsDone { id, error });
    }
}

/// A quick status change: one ticket, the status only, no reply.
fn is_quick_change(plan: &crate::bulk::Plan) -> bool {
    plan.tickets.len() == 1
        && plan.reply.is_none()
        && plan.tags_add.is_empty()
        && plan.tags_remove.is_empty()
        && plan.change.kinds() == [crate::bulk::FieldKind::Status]
}
