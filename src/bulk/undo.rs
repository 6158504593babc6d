//! Putting a run's previous values back, except on tickets that changed again since.

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::BulkError;
use super::api::{BulkApi, Current};
use super::fields::{FieldKind, FieldSet};
use super::plan::RunStamp;
use super::plan::{
    ExcludeReason, ExcludedTicket, LeftField, PLAN_VERSION, Plan, PlannedTicket, RunKind,
};
use super::runner::{Engine, RunEvent, RunReport};
use crate::api::model::ApiDate;

/// How far the vendor's clock may be off ours when only `updateDT` can be compared.
const CLOCK_SLACK_SECONDS: i64 = 2;

impl<A: BulkApi> Engine<A> {
    /// Plans putting back what run `run_id` changed, without writing or sending anything.
    ///
    /// Tickets the run changed (a recorded success, or a call in flight when it stopped)
    /// are read now, and compared field by field with what the run set (the values its
    /// successful answer confirmed; compared as the server sees them: lists as sets, `2` as
    /// `"2"`). A field still at the run's value is put back; one that has another value is
    /// left ([`ExcludeReason::ChangedSince`], even if it is the value from before the run:
    /// someone put it back), as is one whose value before the run or now is not known (the
    /// server left it out): the ticket's other fields are put back all the same, and the
    /// fields left are listed on it ([`PlannedTicket::left`]). A ticket with no field to
    /// put back is left out with the reason. A ticket whose call was in flight when the run
    /// stopped and still has its values from before is [`ExcludeReason::NotApplied`]. Where only
    /// `updateDT` can be read (agents), a ticket updated after the run's answer for it
    /// (beyond a two-second clock slack) counts as changed since.
    ///
    /// The run's retries (`r`, and retries of those) belong to it: the tickets they put
    /// through are put back too, so that undoing a run that needed a retry undoes all of it.
    /// Undoing a retry undoes the run it retried, with all its retries.
    pub async fn plan_undo(&self, run_id: &str) -> Result<Plan, BulkError> {
        let history = self.journal.list();
        // From a retry up to the run it retried.
        let mut root = run_id.to_string();
        while let Some(RunKind::Retry { of }) = history.get(&root).map(|info| &info.kind) {
            if history.get(of).is_none() {
                break;
            }
            root = of.clone();
        }
        let mut plan = self.plan_undo_one(&root).await?;
        // Its retries, oldest first (a retry of a retry comes after the one it retried).
        let mut family = vec![root];
        let mut retries: Vec<&super::RunInfo> = history.runs.iter().collect();
        retries.sort_by_key(|info| info.created);
        for info in retries {
            let RunKind::Retry { of } = &info.kind else {
                continue;
            };
            if !family.contains(of) {
                continue;
            }
            family.push(info.run_id.clone());
            let Ok(retry) = self.plan_undo_one(&info.run_id).await else {
                continue;
            };
            for ticket in retry.tickets {
                plan.excluded.retain(|e| e.id != ticket.id);
                if plan.tickets.iter().all(|t| t.id != ticket.id) {
                    plan.tickets.push(ticket);
                }
            }
            for left in retry.excluded {
                // Not applied by the retry either: already said by the run's own plan.
                if left.reason == ExcludeReason::NotApplied
                    || plan.tickets.iter().any(|t| t.id == left.id)
                {
                    continue;
                }
                plan.excluded.retain(|e| e.id != left.id);
                plan.excluded.push(left);
            }
        }
        plan.tickets.sort_by_key(|t| t.id);
        plan.excluded.sort_by_key(|e| e.id);
        Ok(plan)
    }

    /// [`Engine::plan_undo`] for run `run_id` alone.
    async fn plan_undo_one(&self, run_id: &str) -> Result<Plan, BulkError> {
        let run = self.journal.load(run_id)?;
        let original = &run.plan;
        if let Some(info) = self.journal.list().get(run_id)
            && let super::RunState::Undone { by } = &info.state
        {
            return Err(BulkError::NothingToUndo(
                super::UndoRefusal::AlreadyUndone {
                    run_id: run_id.to_string(),
                    by: by.to_string(),
                },
            ));
        }
        if original.kinds().is_empty() {
            return Err(BulkError::NothingToUndo(super::UndoRefusal::ReplyOnly));
        }
        let mut excluded = Vec::new();
        let mut candidates: Vec<&PlannedTicket> = Vec::new();
        for ticket in &original.tickets {
            // In doubt or unsettled: it may have been changed, so it is read now like a
            // success (`compare_now` puts back only what still holds the run's values).
            let applied = run
                .outcomes
                .get(&ticket.id)
                .is_some_and(|o| o.success || o.kind == super::journal::OutcomeKind::Unsettled)
                || run.in_flight.contains(&ticket.id);
            let kinds = original.target_of(ticket).kinds();
            if !applied {
                excluded.push(ExcludedTicket {
                    id: ticket.id,
                    reason: ExcludeReason::NotApplied,
                    previous: ticket.previous.clone(),
                });
            } else if !kinds.iter().any(|kind| ticket.previous.get(kind).is_some()) {
                excluded.push(ExcludedTicket {
                    id: ticket.id,
                    reason: ExcludeReason::PreviousUnknown,
                    previous: ticket.previous.clone(),
                });
            } else {
                candidates.push(ticket);
            }
        }

        let ids: Vec<u64> = candidates.iter().map(|t| t.id).collect();
        let current = if ids.is_empty() {
            Default::default()
        } else {
            self.current_chunked(&ids, original.created).await?
        };

        let mut tickets = Vec::new();
        for ticket in candidates {
            let set = original.target_of(ticket);
            let applied_at = run.times.get(&ticket.id).copied();
            let answered = run.outcomes.get(&ticket.id).is_some_and(|o| o.success);
            match self.compare_now(ticket, set, current.get(&ticket.id), applied_at, answered) {
                Verdict::PutBack {
                    now,
                    updated,
                    back,
                    left,
                } => tickets.push(PlannedTicket {
                    id: ticket.id,
                    previous: now.only(&back),
                    updated,
                    target: Some(ticket.previous.only(&back)),
                    left,
                }),
                Verdict::Leave(reason, now) => excluded.push(ExcludedTicket {
                    id: ticket.id,
                    reason,
                    previous: now,
                }),
            }
        }

        // The engine runs outside the console's `update`: it may read the clock.
        let stamp = RunStamp::now();
        Ok(Plan {
            version: PLAN_VERSION,
            run_id: stamp.run_id,
            created: stamp.created,
            kind: RunKind::Undo {
                of: original.run_id.clone(),
            },
            target: original.target.clone(),
            change: FieldSet::default(),
            reply: None,
            tags_add: Vec::new(),
            tags_remove: Vec::new(),
            tickets,
            excluded,
            // The names the run knew, so its undo and the history name the same people.
            names: original.names.clone(),
            // Its tickets were read just now: the usual check before each call stands.
            apply_anyway: false,
        })
    }

    /// Plans the undo of run `run_id` and runs it (journaled like any run, per-ticket form
    /// of update many). The tickets left alone are in the report's `plan.excluded`.
    pub async fn undo(
        &self,
        run_id: &str,
        events: &mpsc::Sender<RunEvent>,
        cancel: &CancellationToken,
    ) -> Result<RunReport, BulkError> {
        let plan = self.plan_undo(run_id).await?;
        if plan.tickets.is_empty() {
            return Ok(RunReport {
                plan,
                outcomes: Vec::new(),
                not_sent: Vec::new(),
                cancelled: false,
            });
        }
        self.start(&plan, events, cancel).await
    }

    fn compare_now(
        &self,
        ticket: &PlannedTicket,
        set: &FieldSet,
        current: Option<&Current>,
        applied_at: Option<DateTime<Utc>>,
        answered: bool,
    ) -> Verdict {
        let kinds = set.kinds();
        let Some(current) = current else {
            return Verdict::Leave(ExcludeReason::CurrentUnknown, FieldSet::default());
        };
        // Fields whose value before the run is not known cannot be put back.
        let mut left: Vec<LeftField> = kinds
            .iter()
            .filter(|kind| ticket.previous.get(kind).is_none())
            .map(|kind| LeftField {
                field: kind.clone(),
                reason: ExcludeReason::PreviousUnknown,
            })
            .collect();
        let known: Vec<FieldKind> = kinds
            .iter()
            .filter(|kind| ticket.previous.get(kind).is_some())
            .cloned()
            .collect();
        if let Some(full) = &current.ticket {
            let now = FieldSet::of_ticket(full, &kinds);
            if !answered && now.satisfies(&ticket.previous.only(&known)) && !now.satisfies(set) {
                // In flight when the run stopped, and still as before: it never arrived.
                return Verdict::Leave(ExcludeReason::NotApplied, now);
            }
            let mut back = Vec::new();
            for kind in &known {
                match (now.get(kind), set.get(kind)) {
                    (Some(have), Some(ran)) if have.same_as(&ran) => back.push(kind.clone()),
                    // The server left it out now (null tags, say): not known is not
                    // "changed", and it must not keep the other fields from going back.
                    (None, _) => left.push(LeftField {
                        field: kind.clone(),
                        reason: ExcludeReason::CurrentUnknown,
                    }),
                    _ => left.push(LeftField {
                        field: kind.clone(),
                        reason: ExcludeReason::ChangedSince,
                    }),
                }
            }
            if back.is_empty() {
                let reason = [
                    ExcludeReason::ChangedSince,
                    ExcludeReason::CurrentUnknown,
                    ExcludeReason::PreviousUnknown,
                ]
                .into_iter()
                .find(|reason| left.iter().any(|l| &l.reason == reason))
                .unwrap_or(ExcludeReason::ChangedSince);
                return Verdict::Leave(reason, now);
            }
            return Verdict::PutBack {
                now,
                updated: current.updated,
                back,
                left,
            };
        }
        // Only updateDT is known: compare it with when the run recorded this ticket.
        let (Some(updated), Some(applied_at)) = (current.updated, applied_at) else {
            return Verdict::Leave(ExcludeReason::CurrentUnknown, FieldSet::default());
        };
        if !answered && ticket.updated == Some(updated) {
            return Verdict::Leave(ExcludeReason::NotApplied, FieldSet::default());
        }
        let applied_local: ApiDate = (applied_at + ChronoDuration::seconds(CLOCK_SLACK_SECONDS))
            .with_timezone(&self.options.vendor_offset)
            .naive_local();
        if updated <= applied_local {
            Verdict::PutBack {
                now: set.clone(),
                updated: Some(updated),
                back: known,
                left,
            }
        } else {
            Verdict::Leave(ExcludeReason::ChangedSince, FieldSet::default())
        }
    }
}

enum Verdict {
    PutBack {
        now: FieldSet,
        updated: Option<ApiDate>,
        /// The fields put back.
        back: Vec<FieldKind>,
        /// The fields left, with why.
        left: Vec<LeftField>,
    },
    Leave(ExcludeReason, FieldSet),
}
