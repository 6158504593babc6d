//! Resuming a run that stopped: the calls in doubt (a `sending` line, no outcome) are read
//! and settled first, so that no ticket is changed twice and no reply sent twice; then the
//! rest is sent as any run.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{Engine, PendingCall, RunEvent, RunReport};
use crate::bulk::BulkError;
use crate::bulk::api::{BulkApi, Current};
use crate::bulk::fields::FieldSet;
use crate::bulk::journal::{OutcomeKind, ProgressLine, TicketOutcome};
use crate::bulk::plan::Plan;

impl<A: BulkApi> Engine<A> {
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
    ticket: &crate::bulk::plan::PlannedTicket,
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
