//! One update-many call: the read of its tickets just before it (those changed since the
//! preview are left alone), the write under its `Requestid`, and each ticket's outcome from
//! the answer (a lost answer is "outcome unknown", never failed).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use super::Engine;
use crate::api::ApiError;
use crate::api::model::{TicketChange, UpdateResult};
use crate::bulk::api::BulkApi;
use crate::bulk::journal::{OutcomeKind, TicketOutcome};
use crate::bulk::plan::Plan;

pub(super) type CallFuture<'a> = Pin<Box<dyn Future<Output = CallAnswer> + Send + 'a>>;

pub(super) struct CallAnswer {
    pub(super) call: u32,
    /// The call's tickets, those left alone as changed since the preview included.
    pub(super) ids: Vec<u64>,
    pub(super) result: Result<Vec<UpdateResult>, ApiError>,
    /// Whether the write went out (false: the read before it failed, nothing was sent).
    pub(super) sent: bool,
    /// Tickets read just before the call and found changed since the preview: not sent.
    pub(super) changed: Vec<u64>,
    pub(super) took: Duration,
}

impl<A: BulkApi> Engine<A> {
    /// One update-many call of `ids` under `request_id`: the plan's common change, or each
    /// ticket's own. Unless the plan says to apply anyway, the tickets are read first and
    /// those whose `updateDT` moved since the plan are left out (one read per call).
    pub(super) fn call<'a>(
        &'a self,
        plan: &'a Plan,
        by_id: &HashMap<u64, &'a crate::bulk::plan::PlannedTicket>,
        common_change: &TicketChange,
        call: u32,
        ids: Vec<u64>,
        request_id: String,
    ) -> CallFuture<'a> {
        let planned: Vec<&crate::bulk::plan::PlannedTicket> =
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
            let send: Vec<&crate::bulk::plan::PlannedTicket> = planned
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
pub(super) fn outcomes_of(answer: &CallAnswer) -> (Vec<TicketOutcome>, Option<String>) {
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
