//! Sending a plan: chunks of at most 100, bounded concurrency, progress events, cancellation,
//! the journal written around every call, and resume of a run that stopped.

use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use chrono::{FixedOffset, Utc};
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::BulkError;
use super::api::{BulkApi, Current, vendor_offset};
use super::fields::FieldSet;
use super::journal::{
    GroupLog, History, Journal, JournalError, LoadedRun, OutcomeKind, ProgressLine, RunLog,
    TicketOutcome,
};
use super::plan::{Plan, RunKind, Target};
use crate::api::model::{TicketChange, UpdateResult};
use crate::api::{ApiError, new_request_id};
use crate::lang::Lang;

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

/// Progress of a run, sent after each call.
#[derive(Debug, Clone, PartialEq)]
pub struct RunProgress {
    pub run_id: String,
    /// Tickets that succeeded (including those done before a resume).
    pub done: usize,
    pub failed: usize,
    /// Tickets whose call's answer was lost (or, after a resume's check, a reply that may
    /// or may not have been sent): neither done nor failed.
    pub unknown: usize,
    /// Tickets left alone because they changed since the preview.
    pub changed: usize,
    /// Tickets with no outcome yet.
    pub left: usize,
    pub calls_sent: usize,
    pub calls_done: usize,
    pub calls_total: usize,
    /// From the average call time so far; `None` before the first call answers.
    pub eta: Option<Duration>,
}

/// What a run tells its watcher (the console's gauge, the script's progress bar).
#[derive(Debug, Clone, PartialEq)]
pub enum RunEvent {
    /// Sending starts; `progress` counts what an earlier attempt already did.
    Started(RunProgress),
    /// A resume is checking tickets whose call was in flight when the run stopped.
    Checking { run_id: String, tickets: usize },
    /// A call answered (or failed as a whole, see [`RunEvent::CallFailed`]).
    Progress(RunProgress),
    /// The server refused the credentials (401): nothing of that call was applied, its
    /// tickets and every call not yet sent are left for a resume, and no more calls are
    /// sent (calls in flight finish). The run ends as cancelled, resumable once signed in.
    AuthRefused { run_id: String, tickets: usize },
    /// A whole call failed (after the client's retries): its tickets are marked failed.
    CallFailed {
        run_id: String,
        call: u32,
        tickets: usize,
        reason: String,
    },
    /// Nothing more will be sent.
    Finished(RunProgress),
}

/// The result of a run (or of the part of it this process sent, plus what the journal holds).
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    pub plan: Plan,
    /// Each ticket's outcome, in plan order, for tickets that have one.
    pub outcomes: Vec<TicketOutcome>,
    /// Tickets never sent (cancelled) or whose call's answer never came.
    pub not_sent: Vec<u64>,
    pub cancelled: bool,
}

impl RunReport {
    pub fn run_id(&self) -> &str {
        &self.plan.run_id
    }

    pub fn succeeded(&self) -> impl Iterator<Item = &TicketOutcome> {
        self.outcomes.iter().filter(|o| o.success)
    }

    /// Refused by the server: what a retry sends again. Never an outcome that is unknown.
    pub fn failed(&self) -> impl Iterator<Item = &TicketOutcome> {
        self.outcomes.iter().filter(|o| o.is_failure())
    }

    /// Tickets whose outcome is unknown (the call's answer was lost, or the run stopped
    /// before it came): a resume reads and settles them.
    pub fn unknown(&self) -> impl Iterator<Item = &TicketOutcome> {
        self.outcomes
            .iter()
            .filter(|o| o.kind == OutcomeKind::Unknown)
    }

    /// Replies that may or may not have been sent: the user must look at these tickets.
    pub fn unsettled(&self) -> impl Iterator<Item = &TicketOutcome> {
        self.outcomes
            .iter()
            .filter(|o| o.kind == OutcomeKind::Unsettled)
    }

    /// Replies in doubt that a resume took as sent because their ticket changed meanwhile
    /// (perhaps by someone else): done, with a note, listed for a look.
    pub fn taken_as_sent(&self) -> impl Iterator<Item = &TicketOutcome> {
        self.outcomes
            .iter()
            .filter(|o| o.success && !o.error.is_empty())
    }

    /// Tickets left alone because they changed on the server since the preview.
    pub fn changed_since_preview(&self) -> impl Iterator<Item = &TicketOutcome> {
        self.outcomes
            .iter()
            .filter(|o| o.kind == OutcomeKind::ChangedSincePreview)
    }

    /// Whether a resume has something to do (tickets not sent, or in doubt).
    pub fn resumable(&self) -> bool {
        !self.not_sent.is_empty() || self.unknown().next().is_some()
    }

    /// Whether every ticket succeeded.
    pub fn all_done(&self) -> bool {
        self.not_sent.is_empty() && self.outcomes.iter().all(|o| o.success)
    }

    /// One line: `237 done, 2 failed, 0 not sent`.
    pub fn summary(&self, lang: Lang) -> String {
        let done = self.succeeded().count();
        let failed = self.failed().count();
        let left = self.not_sent.len();
        let unknown = self.unknown().count();
        let changed = self.changed_since_preview().count();
        let unsettled: Vec<u64> = self.unsettled().map(|o| o.id).collect();
        // Tickets left out of the run (not those already set): e.g. undo's "changed since".
        let mut left_out: Vec<(super::ExcludeReason, usize)> = Vec::new();
        for ticket in &self.plan.excluded {
            if ticket.reason == super::ExcludeReason::AlreadySet {
                continue;
            }
            match left_out.iter_mut().find(|(r, _)| *r == ticket.reason) {
                Some((_, n)) => *n += 1,
                None => left_out.push((ticket.reason.clone(), 1)),
            }
        }
        match lang {
            Lang::Zh => {
                let mut text = format!("成功 {done}，失败 {failed}");
                if left > 0 {
                    text.push_str(&format!("，未发送 {left}"));
                }
                if unknown > 0 {
                    text.push_str(&format!("，结果未知 {unknown}（继续运行时核对）"));
                }
                if changed > 0 {
                    text.push_str(&format!("，预览后已变更未处理 {changed}"));
                }
                if !unsettled.is_empty() {
                    text.push_str(&format!(
                        "；回复可能已发送也可能未发送，请检查工单 {}",
                        super::journal::unsettled_ids(&unsettled)
                    ));
                }
                if self.cancelled {
                    text.push_str("（已取消）");
                }
                for (reason, n) in left_out {
                    text.push_str(&format!("；{n} 张未处理：{}", reason.describe(lang)));
                }
                text
            }
            Lang::En => {
                let mut text = format!("{done} done, {failed} failed");
                if left > 0 {
                    text.push_str(&format!(", {left} not sent"));
                }
                if unknown > 0 {
                    text.push_str(&format!(", {unknown} outcome unknown (resume checks them)"));
                }
                if changed > 0 {
                    text.push_str(&format!(
                        ", {changed} changed since the preview (left alone)"
                    ));
                }
                if !unsettled.is_empty() {
                    text.push_str(&format!(
                        "; reply may or may not have been sent: check ticket {}",
                        super::journal::unsettled_ids(&unsettled)
                    ));
                }
                if self.cancelled {
                    text.push_str(" (cancelled)");
                }
                for (reason, n) in left_out {
                    text.push_str(&format!("; {n} left alone: {}", reason.describe(lang)));
                }
                text
            }
        }
    }

    pub(crate) fn from_loaded(run: &LoadedRun) -> RunReport {
        let mut outcomes = Vec::new();
        let mut not_sent = Vec::new();
        let in_doubt: HashSet<u64> = run.in_flight.iter().copied().collect();
        for ticket in &run.plan.tickets {
            match run.outcomes.get(&ticket.id) {
                Some(outcome) => outcomes.push(outcome.clone()),
                None if in_doubt.contains(&ticket.id) => outcomes.push(TicketOutcome::of_kind(
                    ticket.id,
                    OutcomeKind::Unknown,
                    run.unknown_reasons
                        .get(&ticket.id)
                        .cloned()
                        .unwrap_or_else(|| {
                            "the run stopped before the server's answer came".to_string()
                        }),
                )),
                None => not_sent.push(ticket.id),
            }
        }
        RunReport {
            plan: run.plan.clone(),
            outcomes,
            not_sent,
            cancelled: matches!(run.finished, Some((_, true))),
        }
    }
}

/// A plan that sends the failed tickets of a run again (with the same change and previous
/// values); `None` when nothing failed. Only tickets the server refused: one whose outcome
/// is unknown may have been changed (a reply sent), so sending it under a new `Requestid`
/// could apply it twice; a resume settles those instead.
pub fn retry_failed(report: &RunReport) -> Option<Plan> {
    let failed: Vec<u64> = report.failed().map(|o| o.id).collect();
    if failed.is_empty() {
        return None;
    }
    Some(report.plan.subset(
        &failed,
        RunKind::Retry {
            of: report.plan.run_id.clone(),
        },
    ))
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

type CallFuture<'a> = Pin<Box<dyn Future<Output = CallAnswer> + Send + 'a>>;

struct CallAnswer {
    call: u32,
    /// The call's tickets, those left alone as changed since the preview included.
    ids: Vec<u64>,
    result: Result<Vec<UpdateResult>, ApiError>,
    /// Whether the write went out (false: the read before it failed, nothing was sent).
    sent: bool,
    /// Tickets read just before the call and found changed since the preview: not sent.
    changed: Vec<u64>,
    took: Duration,
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

    /// Finishes a run that stopped (interrupted or cancelled): sends only tickets with no
    /// recorded outcome.
    ///
    /// Tickets whose call was in flight when the process died ("sending" recorded, no
    /// outcome) may or may not have been changed. They are checked first, so that none is
    /// changed twice:
    /// - the whole ticket is readable (admins: show many): if it already has the run's
    ///   target values it is recorded as done and not sent again; otherwise it is sent.
    ///   (A run with a reply is only taken as done when its `updateDT` moved or its values
    ///   moved from before to the target, since the reply itself cannot be seen.)
    /// - only `updateDT` is readable (agents: search): if it is the same as when the plan
    ///   was made, the call never reached the ticket and it is sent; if it moved, the
    ///   ticket is taken as changed by the run and not sent again (it may have been another
    ///   agent's change: then the run's change is not applied to it, and it is listed done).
    /// - nothing is readable (the check failed): a field change is sent again, which is
    ///   safe because setting the same values twice leaves the same ticket; a reply stays
    ///   in doubt, unsent, for the next resume.
    ///
    /// Whatever is sent again goes under the `Requestid` its call was first sent with, so a
    /// server still handling the first drops the repeat. A reply is sent again only so (see
    /// `check_in_flight`); one that cannot be settled is listed "check ticket #N".
    pub async fn resume(
        &self,
        run_id: &str,
        events: &mpsc::Sender<RunEvent>,
        cancel: &CancellationToken,
    ) -> Result<RunReport, BulkError> {
        let run = self.journal.load(run_id)?;
        self.check_target(&run.plan)?;
        let plan = run.plan.clone();
        if run.in_flight.is_empty()
            && plan
                .tickets
                .iter()
                .all(|t| run.outcomes.contains_key(&t.id))
        {
            // Nothing left: leave the journal as it is.
            return Ok(RunReport::from_loaded(&run));
        }
        let mut log = self.journal.open_log(run_id)?;
        let mut outcomes = run.outcomes.clone();
        // Calls in doubt sent again, each under the `Requestid` it was first sent with.
        let mut again: Vec<PendingCall> = Vec::new();

        if !run.in_flight.is_empty() {
            let _ = events
                .send(RunEvent::Checking {
                    run_id: plan.run_id.clone(),
                    tickets: run.in_flight.len(),
                })
                .await;
            let ids: Vec<u64> = run.in_flight.clone();
            let (current, read_failed) = match self.current_chunked(&ids, plan.created).await {
                Ok(current) => (current, None),
                Err(e) => {
                    tracing::warn!(run_id, error = %e, "could not check in-flight tickets");
                    (HashMap::new(), Some(e))
                }
            };
            let mut verified = Vec::new();
            for doubt in &run.in_doubt {
                if let Some(error) = &read_failed
                    && plan.reply.is_some()
                {
                    // Unread, a reply in doubt is neither sent nor settled: it stays in
                    // doubt for the next resume (field changes are sent again, which is
                    // safe: the same values twice leave the same ticket).
                    for id in &doubt.ids {
                        outcomes.insert(
                            *id,
                            TicketOutcome::of_kind(
                                *id,
                                OutcomeKind::Unknown,
                                format!("outcome unknown: could not read the ticket to check it: {error}"),
                            ),
                        );
                    }
                    continue;
                }
                let mut resend = Vec::new();
                for id in &doubt.ids {
                    let Some(ticket) = plan.ticket(*id) else {
                        continue;
                    };
                    let has_id = doubt.request_id.is_some();
                    match check_in_flight(&plan, ticket, current.get(id), has_id) {
                        InFlight::Applied => verified.push(TicketOutcome::done(*id)),
                        InFlight::TakenAsApplied(note) => verified.push(TicketOutcome {
                            error: note,
                            ..TicketOutcome::done(*id)
                        }),
                        InFlight::Resend => resend.push(*id),
                        InFlight::Unknown(reason) => verified.push(TicketOutcome::of_kind(
                            *id,
                            OutcomeKind::Unsettled,
                            reason,
                        )),
                    }
                }
                if !resend.is_empty() {
                    // The same write again under its first `Requestid`: a server that got
                    // the first drops this one (answering the first answer), one that did
                    // not applies it. Older journals have no id: a fresh one, which is
                    // safe here only because a reply without an id is never resent.
                    again.push(PendingCall {
                        ids: resend,
                        request_id: doubt.request_id.clone(),
                    });
                }
            }
            if !verified.is_empty() {
                log.append(&ProgressLine::Verified {
                    at: Utc::now(),
                    results: verified.clone(),
                })?;
                for outcome in verified {
                    outcomes.insert(outcome.id, outcome);
                }
            }
        }
        let in_doubt: HashSet<u64> = run.in_flight.iter().copied().collect();
        let pending: Vec<u64> = plan
            .tickets
            .iter()
            .map(|t| t.id)
            .filter(|id| !outcomes.contains_key(id) && !in_doubt.contains(id))
            .collect();
        let mut calls = again;
        calls.extend(self.fresh_calls(&pending));
        self.execute(
            &plan,
            &mut log,
            outcomes,
            calls,
            run.last_call,
            events,
            cancel,
        )
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
    pub fn report(&self, run_id: &str) -> Result<RunReport, BulkError> {
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

    /// Sends `pending` (ids of the plan, in order) and records every step.
    #[allow(clippy::too_many_arguments)]
    async fn execute(
        &self,
        plan: &Plan,
        log: &mut RunLog,
        mut outcomes: HashMap<u64, TicketOutcome>,
        chunks: Vec<PendingCall>,
        last_call: u32,
        events: &mpsc::Sender<RunEvent>,
        cancel: &CancellationToken,
    ) -> Result<RunReport, BulkError> {
        let concurrency = self.options.concurrency.max(1);
        let pending_count: usize = chunks.iter().map(|c| c.ids.len()).sum();
        let by_id: HashMap<u64, &super::plan::PlannedTicket> =
            plan.tickets.iter().map(|t| (t.id, t)).collect();
        let common_change = plan.change.to_change(plan.reply.as_ref());

        let mut progress = RunProgress {
            run_id: plan.run_id.clone(),
            done: outcomes.values().filter(|o| o.success).count(),
            failed: outcomes.values().filter(|o| o.is_failure()).count(),
            unknown: outcomes
                .values()
                .filter(|o| matches!(o.kind, OutcomeKind::Unknown | OutcomeKind::Unsettled))
                .count(),
            changed: outcomes
                .values()
                .filter(|o| o.kind == OutcomeKind::ChangedSincePreview)
                .count(),
            left: pending_count,
            calls_sent: 0,
            calls_done: 0,
            calls_total: chunks.len(),
            eta: None,
        };
        let mut journal = GroupLog::start(log)?;
        journal.queue(&ProgressLine::Started { at: Utc::now() })?;
        tracing::info!(
            run_id = %plan.run_id,
            tickets = plan.tickets.len(),
            pending = progress.left,
            calls = progress.calls_total,
            "bulk run started"
        );
        let _ = events.send(RunEvent::Started(progress.clone())).await;

        // Calls whose `sending` line is queued but which are not sent yet, in order, with
        // the number of that line.
        let mut ready: VecDeque<(u32, Vec<u64>, String, u64)> = VecDeque::new();
        // chunks[..next] have a `sending` line.
        let mut next = 0usize;
        let mut call_no = last_call;
        let mut in_flight: FuturesUnordered<CallFuture<'_>> = FuturesUnordered::new();
        let mut call_time = Duration::ZERO;
        let mut stopped = false;
        // A 401 on a call: nothing more goes out with these credentials.
        let mut refused = false;
        loop {
            stopped |= cancel.is_cancelled() || refused || self.shutdown.is_cancelled();
            if !stopped {
                // A `sending` line only for a call about to go out (a free slot): a line
                // for a call never sent would put its tickets in doubt after a crash, and
                // the resume's check takes a ticket whose `updateDT` moved as applied, so
                // one someone else touched would be reported done, never sent. Lines for
                // calls queued together still share one fdatasync; a cancel between the
                // line and the send withdraws it.
                while next < chunks.len() && ready.len() + in_flight.len() < concurrency {
                    call_no += 1;
                    let ids = chunks[next].ids.clone();
                    // Made before the call and on disk with its `sending` line, so that a
                    // resume can send this very write again (see `resume`).
                    let request_id = chunks[next]
                        .request_id
                        .clone()
                        .unwrap_or_else(new_request_id);
                    next += 1;
                    let line = journal.queue(&ProgressLine::Sending {
                        call: call_no,
                        ids: ids.clone(),
                        at: Utc::now(),
                        request_id: Some(request_id.clone()),
                    })?;
                    ready.push_back((call_no, ids, request_id, line));
                }
                // A call is sent only once its `sending` line is on disk: a call with no
                // outcome may have reached the server.
                while in_flight.len() < concurrency {
                    match ready.front() {
                        Some((_, _, _, line)) if journal.is_durable(*line)? => {}
                        _ => break,
                    }
                    let Some((call, ids, request_id, _)) = ready.pop_front() else {
                        break;
                    };
                    in_flight.push(self.call(plan, &by_id, &common_change, call, ids, request_id));
                    progress.calls_sent += 1;
                }
            }
            let waiting_for_disk = !stopped && in_flight.len() < concurrency && !ready.is_empty();
            if in_flight.is_empty() && !waiting_for_disk {
                break;
            }
            let answer = tokio::select! {
                answer = in_flight.next(), if !in_flight.is_empty() => answer,
                changed = journal.changed(), if waiting_for_disk => {
                    changed?;
                    None
                }
                () = cancel.cancelled(), if !stopped => None,
                () = self.shutdown.cancelled(), if !stopped => None,
            };
            let Some(answer) = answer else {
                continue;
            };
            if let Err(error @ ApiError::BadCredentials) = &answer.result {
                // Refused before anything was applied: the call's tickets get no outcome
                // (a resume sends them), and nothing more goes out with these credentials.
                refused = true;
                journal.queue(&ProgressLine::Outcome {
                    call: answer.call,
                    at: Utc::now(),
                    results: Vec::new(),
                    call_error: Some(error.to_string()),
                })?;
                progress.calls_done += 1;
                let _ = events
                    .send(RunEvent::AuthRefused {
                        run_id: plan.run_id.clone(),
                        tickets: answer.ids.len(),
                    })
                    .await;
                continue;
            }
            let (results, call_error) = outcomes_of(&answer);
            // Not waited for: until it is on disk the call's tickets are in doubt, which is
            // what a crash before the answer would leave too.
            journal.queue(&ProgressLine::Outcome {
                call: answer.call,
                at: Utc::now(),
                results: results.clone(),
                call_error: call_error.clone(),
            })?;
            for outcome in results {
                match outcome.kind {
                    _ if outcome.success => progress.done += 1,
                    OutcomeKind::Answered => progress.failed += 1,
                    OutcomeKind::Unknown | OutcomeKind::Unsettled => progress.unknown += 1,
                    OutcomeKind::ChangedSincePreview => progress.changed += 1,
                }
                progress.left = progress.left.saturating_sub(1);
                outcomes.insert(outcome.id, outcome);
            }
            progress.calls_done += 1;
            call_time += answer.took;
            let average = call_time / u32::try_from(progress.calls_done).unwrap_or(u32::MAX);
            let calls_left = progress.calls_total.saturating_sub(progress.calls_done);
            let waves = calls_left.div_ceil(concurrency);
            progress.eta = Some(average * u32::try_from(waves).unwrap_or(u32::MAX));
            if let Some(reason) = call_error {
                let _ = events
                    .send(RunEvent::CallFailed {
                        run_id: plan.run_id.clone(),
                        call: answer.call,
                        tickets: answer.ids.len(),
                        reason,
                    })
                    .await;
            }
            let _ = events.send(RunEvent::Progress(progress.clone())).await;
        }

        let cancelled = next < chunks.len() || !ready.is_empty() || refused;
        for (call, _, _, _) in ready.drain(..) {
            journal.queue(&ProgressLine::Withdrawn {
                call,
                at: Utc::now(),
            })?;
        }
        if self.shutdown.is_cancelled() && !cancel.is_cancelled() && !refused {
            // No finish line: the run stays interrupted. Dropping the journal writes what
            // was queued (the outcomes of the calls that were awaited).
            drop(journal);
        } else {
            let finished = journal.queue(&ProgressLine::Finished {
                at: Utc::now(),
                cancelled,
            })?;
            journal.wait(finished).await?;
            drop(journal);
        }
        if cancelled {
            progress.eta = None;
        }
        // The history reads this summary instead of the journal; a failure here only means
        // the next listing computes it.
        if let Err(e) = self.journal.write_summary(&plan.run_id) {
            tracing::warn!(run_id = %plan.run_id, error = %e, "run summary not written");
        }
        tracing::info!(
            run_id = %plan.run_id,
            done = progress.done,
            failed = progress.failed,
            unknown = progress.unknown,
            changed = progress.changed,
            left = progress.left,
            cancelled,
            "bulk run ended"
        );
        let _ = events.send(RunEvent::Finished(progress)).await;

        let mut report_outcomes = Vec::new();
        let mut not_sent = Vec::new();
        for ticket in &plan.tickets {
            match outcomes.get(&ticket.id) {
                Some(outcome) => report_outcomes.push(outcome.clone()),
                None => not_sent.push(ticket.id),
            }
        }
        Ok(RunReport {
            plan: plan.clone(),
            outcomes: report_outcomes,
            not_sent,
            cancelled,
        })
    }
}

impl<A: BulkApi> Engine<A> {
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

    /// One update-many call of `ids` under `request_id`: the plan's common change, or each
    /// ticket's own. Unless the plan says to apply anyway, the tickets are read first and
    /// those whose `updateDT` moved since the plan are left out (one read per call).
    fn call<'a>(
        &'a self,
        plan: &'a Plan,
        by_id: &HashMap<u64, &'a super::plan::PlannedTicket>,
        common_change: &TicketChange,
        call: u32,
        ids: Vec<u64>,
        request_id: String,
    ) -> CallFuture<'a> {
        let planned: Vec<&super::plan::PlannedTicket> =
            ids.iter().filter_map(|id| by_id.get(id).copied()).collect();
        let common_change = common_change.clone();
        Box::pin(async move {
            let started = Instant::now();
            let mut changed = Vec::new();
            // Nothing to compare when the plan knew no `updateDT`.
            let check = !plan.apply_anyway && planned.iter().any(|t| t.updated.is_some());
            if check {
                match self.api.current(&ids, plan.created).await {
                    Ok(now) => {
                        changed = planned
                            .iter()
                            .filter(|t| {
                                let then = t.updated;
                                let now = now.get(&t.id).and_then(|c| c.updated);
                                // Unknown on either side is not "changed".
                                matches!((then, now), (Some(then), Some(now)) if then != now)
                            })
                            .map(|t| t.id)
                            .collect();
                    }
                    Err(error) => {
                        return CallAnswer {
                            call,
                            ids,
                            result: Err(error),
                            sent: false,
                            changed,
                            took: started.elapsed(),
                        };
                    }
                }
            }
            let send: Vec<&super::plan::PlannedTicket> = planned
                .iter()
                .copied()
                .filter(|t| !changed.contains(&t.id))
                .collect();
            if send.is_empty() {
                return CallAnswer {
                    call,
                    ids,
                    result: Ok(Vec::new()),
                    sent: false,
                    changed,
                    took: started.elapsed(),
                };
            }
            let send_ids: Vec<u64> = send.iter().map(|t| t.id).collect();
            let result = if send.iter().all(|t| t.target.is_none()) {
                self.api
                    .update_many(&send_ids, &common_change, &request_id)
                    .await
            } else {
                let changes: Vec<(u64, TicketChange)> = send
                    .iter()
                    .map(|t| (t.id, plan.target_of(t).to_change(plan.reply.as_ref())))
                    .collect();
                self.api.update_each(&changes, &request_id).await
            };
            CallAnswer {
                call,
                ids,
                result,
                sent: true,
                changed,
                took: started.elapsed(),
            }
        })
    }
}

/// Each ticket's outcome from one call's answer; the reason when the whole call failed.
fn outcomes_of(answer: &CallAnswer) -> (Vec<TicketOutcome>, Option<String>) {
    let changed = answer.changed.iter().map(|id| {
        TicketOutcome::of_kind(
            *id,
            OutcomeKind::ChangedSincePreview,
            "changed on the server since the preview; left alone",
        )
    });
    let sent = answer.ids.iter().filter(|id| !answer.changed.contains(id));
    match &answer.result {
        Ok(results) => {
            let by_id: HashMap<u64, &UpdateResult> =
                results.iter().map(|r| (r.ticket_id, r)).collect();
            let outcomes = sent
                .map(|id| match by_id.get(id) {
                    Some(result) if result.success => TicketOutcome::done(*id),
                    Some(result) if result.error.trim().is_empty() => {
                        TicketOutcome::failed(*id, "the server refused the change without a reason")
                    }
                    Some(result) => TicketOutcome::failed(*id, result.error.clone()),
                    None => TicketOutcome::failed(
                        *id,
                        "the server's answer had no result for this ticket",
                    ),
                })
                .chain(changed)
                .collect();
            (outcomes, None)
        }
        // The write went out and its answer was lost: applied or not, nobody knows yet.
        // Never "failed" (a retry would send it again under a new id); in doubt, for a
        // resume to read and settle under the same id.
        Err(error) if answer.sent && error.outcome_unknown() => {
            let reason = format!("outcome unknown: {error}");
            let outcomes = sent
                .map(|id| TicketOutcome::of_kind(*id, OutcomeKind::Unknown, reason.clone()))
                .chain(changed)
                .collect();
            (outcomes, None)
        }
        Err(error) => {
            let reason = if answer.sent {
                error.to_string()
            } else {
                format!(
                    "not sent: could not read the tickets first to check for changes since the preview: {error}"
                )
            };
            let outcomes = sent
                .map(|id| TicketOutcome::failed(*id, reason.clone()))
                .chain(changed)
                .collect();
            (outcomes, Some(reason))
        }
    }
}

enum InFlight {
    /// The run's change is already on the ticket: record it done, do not send.
    Applied,
    /// Taken as applied because its `updateDT` moved since the plan, which someone else
    /// may have done: recorded done with this note, listed for the user.
    TakenAsApplied(String),
    /// The change never reached the ticket (or sending again cannot apply it twice).
    Resend,
    /// Cannot tell, and sending again could apply it twice (a reply).
    Unknown(String),
}

/// Decides what a resume does with a ticket whose call was in flight (see `resume`).
///
/// A reply is never sent twice: the API lists no replies, so nothing can prove one absent
/// except the server's `Requestid` dedupe. A reply is sent again only under its first
/// `Requestid` (`has_request_id`; a server that honours it, as the vendor documents, drops
/// the repeat) and only where `updateDT` has not moved since the plan (a moved one is taken
/// as applied). Whatever cannot be settled so is [`InFlight::Unknown`]: listed for the user
/// to check, never sent, never counted failed (so no retry sends it either).
fn check_in_flight(
    plan: &Plan,
    ticket: &super::plan::PlannedTicket,
    current: Option<&Current>,
    has_request_id: bool,
) -> InFlight {
    let target = plan.target_of(ticket);
    let kinds = target.kinds();
    let has_reply = plan.reply.is_some();
    let moved = match (current.and_then(|c| c.updated), ticket.updated) {
        (Some(now), Some(then)) => Some(now != then),
        _ => None,
    };
    if let Some(full) = current.and_then(|c| c.ticket.as_ref()) {
        let now = FieldSet::of_ticket(full, &kinds);
        let at_target = !kinds.is_empty() && now.satisfies(target);
        if !has_reply {
            return if at_target {
                InFlight::Applied
            } else {
                InFlight::Resend
            };
        }
        let was_at_target = ticket.previous.satisfies(target);
        if at_target && !was_at_target {
            return InFlight::Applied;
        }
        if moved == Some(true) {
            return taken_as_applied(has_reply);
        }
        if moved == Some(false) && has_request_id {
            return InFlight::Resend;
        }
    } else if let Some(moved) = moved {
        if moved {
            return taken_as_applied(has_reply);
        }
        if !has_reply || has_request_id {
            return InFlight::Resend;
        }
    }
    if has_reply {
        InFlight::Unknown(
            "the reply may or may not have been sent when the run stopped; check the ticket"
                .to_string(),
        )
    } else {
        InFlight::Resend
    }
}

/// A ticket in doubt whose `updateDT` moved: taken as changed by the run. For a reply that
/// is a guess worth a look (another agent may have moved it), so it carries a note.
fn taken_as_applied(has_reply: bool) -> InFlight {
    if has_reply {
        InFlight::TakenAsApplied(
            "taken as sent: the ticket changed since the run was planned; check it if unsure"
                .to_string(),
        )
    } else {
        InFlight::Applied
    }
}

impl From<JournalError> for BulkError {
    fn from(error: JournalError) -> Self {
        BulkError::Journal(error)
    }
}
