//! Sending a plan: chunks of at most 100, bounded concurrency, progress events, cancellation,
//! the journal written around every call, and resume of a run that stopped.
//!
//! - `report.rs`: what a run tells its watcher as it goes and what it ends with (events,
//!   report, the retry of its failures).
//! - `chunked.rs`: the chunked run: a `sending` line on disk before each call, outcomes
//!   after, cancel and shutdown.
//! - `call.rs`: one update-many call (with the read before it) and its tickets' outcomes.
//! - `resume.rs`: finishing a run that stopped, settling its calls in doubt first.

mod call;
mod chunked;
mod report;
mod resume;

use std::collections::HashMap;

use chrono::{FixedOffset, Utc};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::BulkError;
use super::api::{BulkApi, Current, vendor_offset};
use super::journal::{History, Journal, JournalError};
use super::plan::{Plan, Target};
use crate::api::ApiError;

pub use report::{RunEvent, RunProgress, RunReport, retry_failed};

/// The vendor's limit on ids per update-many call.
pub const MAX_CHUNK: usize = 100;

/// How runs are sent.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Calls in flight at once (config `bulk.concurrency`, default 4).
    pub concurrency: usize,
    /// Tickets per call, at most [`MAX_CHUNK`].
    pub chunk_size: usize,
    /// The vendor's time zone, for comparing `updateDT` with our clock (undo by agents).
    pub vendor_offset: FixedOffset,
    /// How long past runs are kept: when set, the console's worker prunes the journal in
    /// the background at start (config `ui.history_keep_days` / `ui.history_keep_last`).
    pub retention: Option<super::Retention>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            concurrency: 4,
            chunk_size: MAX_CHUNK,
            vendor_offset: vendor_offset(),
            retention: None,
        }
    }
}

/// The bulk engine: one API, one journal, one profile.
pub struct Engine<A> {
    pub(super) api: A,
    pub(super) journal: Journal,
    pub(super) options: RunOptions,
    pub(super) target: Target,
    /// Cancelled when the process is going away (the console's way out): see
    /// [`Engine::with_shutdown`].
    pub(super) shutdown: CancellationToken,
}

/// A call to send: its tickets and, when it is a call in doubt sent again by a resume, the
/// `Requestid` it was first sent with.
struct PendingCall {
    ids: Vec<u64>,
    request_id: Option<String>,
}

impl<A: BulkApi> Engine<A> {
    /// `target` is the profile and host `api` talks to: runs of another host are refused.
    pub fn new(api: A, journal: Journal, options: RunOptions, target: Target) -> Engine<A> {
        Engine {
            api,
            journal,
            options,
            target,
            shutdown: CancellationToken::new(),
        }
    }

    /// `shutdown` cancelled: no run sends another call, the calls in flight are awaited
    /// and journaled, and the run ends with no finish line, so it stays interrupted (the
    /// next start offers it, and the resume reads the tickets of any call still in doubt).
    /// Unlike a user's cancel, which ends the run as cancelled.
    pub fn with_shutdown(mut self, shutdown: CancellationToken) -> Engine<A> {
        self.shutdown = shutdown;
        self
    }

    pub fn api(&self) -> &A {
        &self.api
    }

    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Past runs, newest first (the undo history), with anything unreadable reported.
    pub fn history(&self) -> History {
        self.journal.list()
    }

    /// Writes the plan to the journal, then sends it. Cancelling `cancel` lets calls in
    /// flight finish and sends nothing more.
    pub async fn start(
        &self,
        plan: &Plan,
        events: &mpsc::Sender<RunEvent>,
        cancel: &CancellationToken,
    ) -> Result<RunReport, BulkError> {
        self.check_target(plan)?;
        if plan.tickets.is_empty() {
            // Nothing to send (every ticket already set): no run to journal.
            return Ok(RunReport {
                plan: plan.clone(),
                outcomes: Vec::new(),
                not_sent: Vec::new(),
                cancelled: false,
            });
        }
        let mut log = self.journal.create(plan)?;
        let pending: Vec<u64> = plan.tickets.iter().map(|t| t.id).collect();
        let calls = self.fresh_calls(&pending);
        self.execute(plan, &mut log, HashMap::new(), calls, 0, events, cancel)
            .await
    }

    /// The tickets with these ids as this account can read them now, in the ids' order,
    /// for [`Plan::new`] when the caller has only ids (`tickets update ID...`, ids from
    /// standard input). Admins get whole tickets; agents get the id and, when a search of
    /// recent changes finds it, `updateDT`. A ticket that cannot be read is a bare id (the
    /// server then says why it cannot be updated).
    pub async fn tickets_for(
        &self,
        ids: &[u64],
    ) -> Result<Vec<crate::api::model::Ticket>, BulkError> {
        let mut current = self.api.current(ids, Utc::now()).await?;
        Ok(ids
            .iter()
            .map(|id| match current.remove(id) {
                Some(Current {
                    ticket: Some(ticket),
                    ..
                }) => ticket,
                Some(Current { updated, .. }) => crate::api::model::Ticket {
                    id: *id,
                    updated,
                    ..Default::default()
                },
                None => crate::api::model::Ticket {
                    id: *id,
                    ..Default::default()
                },
            })
            .collect())
    }

    /// The report of a run as the journal holds it.
    pub(crate) fn report(&self, run_id: &str) -> Result<RunReport, BulkError> {
        Ok(RunReport::from_loaded(&self.journal.load(run_id)?))
    }

    fn check_target(&self, plan: &Plan) -> Result<(), BulkError> {
        let here = self.target.base_url.trim_end_matches('/');
        let there = plan.target.base_url.trim_end_matches('/');
        if !here.is_empty() && !there.is_empty() && here != there {
            return Err(BulkError::OtherTarget {
                run_id: plan.run_id.clone(),
                profile: plan.target.profile.clone(),
                base_url: plan.target.base_url.clone(),
            });
        }
        Ok(())
    }

    /// [`BulkApi::current`] for any number of ids (show many splits them into calls of
    /// 100 itself; the agents' search fallback walks the pages once for all of them).
    pub(super) async fn current_chunked(
        &self,
        ids: &[u64],
        since: chrono::DateTime<Utc>,
    ) -> Result<HashMap<u64, Current>, ApiError> {
        self.api.current(ids, since).await
    }

    /// The plan's tickets `ids` in calls of the configured size, each to get a fresh
    /// `Requestid`.
    fn fresh_calls(&self, ids: &[u64]) -> Vec<PendingCall> {
        let chunk_size = self.options.chunk_size.clamp(1, MAX_CHUNK);
        ids.chunks(chunk_size)
            .map(|ids| PendingCall {
                ids: ids.to_vec(),
                request_id: None,
            })
            .collect()
    }
}

impl From<JournalError> for BulkError {
    fn from(error: JournalError) -> Self {
        BulkError::Journal(error)
    }
}
