//! What a run tells its watcher (progress events) and what it ends with (the report, and
//! the plan that retries its failures): the data the console and the scripts show.

use std::collections::HashSet;
use std::time::Duration;

use crate::bulk::journal::{LoadedRun, OutcomeKind, TicketOutcome};
use crate::bulk::plan::{ExcludeReason, Plan, RunKind, RunStamp};

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

    /// Tickets left out of the run by reason (not those already set): e.g. undo's
    /// "changed since", in the order first met.
    pub(crate) fn left_out(&self) -> Vec<(ExcludeReason, usize)> {
        let mut left_out: Vec<(ExcludeReason, usize)> = Vec::new();
        for ticket in &self.plan.excluded {
            if ticket.reason == ExcludeReason::AlreadySet {
                continue;
            }
            match left_out.iter_mut().find(|(r, _)| *r == ticket.reason) {
                Some((_, n)) => *n += 1,
                None => left_out.push((ticket.reason.clone(), 1)),
            }
        }
        left_out
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
/// could apply it twice; a resume settles those instead. `stamp`: the retry run's time and id.
pub fn retry_failed(report: &RunReport, stamp: RunStamp) -> Option<Plan> {
    let failed: Vec<u64> = report.failed().map(|o| o.id).collect();
    if failed.is_empty() {
        return None;
    }
    Some(report.plan.subset(
        &failed,
        RunKind::Retry {
            of: report.plan.run_id.clone(),
        },
        stamp,
    ))
}
