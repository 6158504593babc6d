//! The chunked run: calls of at most [`MAX_CHUNK`](super::MAX_CHUNK) with bounded
//! concurrency, each call's `sending` line on disk before it goes out and its outcomes
//! after; a cancel or a shutdown stops sending and awaits the calls in flight. Separate
//! because this loop is where the exactly-once argument of `bulk` is kept.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use chrono::Utc;
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::call::{CallFuture, outcomes_of};
use super::{Engine, PendingCall, RunEvent, RunProgress, RunReport};
use crate::api::{ApiError, new_request_id};
use crate::bulk::BulkError;
use crate::bulk::api::BulkApi;
use crate::bulk::journal::{GroupLog, OutcomeKind, ProgressLine, RunLog, TicketOutcome};
use crate::bulk::plan::Plan;

impl<A: BulkApi> Engine<A> {
    /// Sends `pending` (ids of the plan, in order) and records every step.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn execute(
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
        let by_id: HashMap<u64, &crate::bulk::plan::PlannedTicket> =
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
