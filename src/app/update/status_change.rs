//! The quick status change `s`: its menu, the optimistic row, and the end of its one-ticket
//! run (kept, put back, asked again, or resumed after signing in).

use super::*;

pub(super) fn open_status_menu(app: &mut App) {
    let Some(ticket_id) = target_ticket(app) else {
        return notice(app, Note::NoTicketSelected, false);
    };
    let current = app.tickets.summary(&ticket_id).and_then(|t| t.status);
    let selected = current
        .and_then(|s| TicketStatus::ALL.iter().position(|x| *x == s))
        .unwrap_or(0);
    app.overlay = Some(Overlay::StatusMenu {
        ticket_id,
        selected,
    });
    if !app.marks.is_empty() {
        // With tickets marked, a user may expect `s` to act on them: say it does not.
        let note = Note::StatusMenuNotMarks {
            ticket: ticket_id,
            marked: app.marks.len(),
        };
        notice(app, note, false);
    }
}

/// Enter in the status menu: the status highlighted.
pub(super) fn pick_selected_status(app: &mut App, out: &mut Vec<Command>) {
    if let Some(Overlay::StatusMenu { selected, .. }) = &app.overlay {
        let status = TicketStatus::ALL
            .get(*selected)
            .copied()
            .unwrap_or(TicketStatus::New);
        pick_status(app, status, out)
    }
}

/// Sets the status at once (optimistic) and sends the update; a failure puts it back.
pub(super) fn pick_status(app: &mut App, status: TicketStatus, out: &mut Vec<Command>) {
    let Some(Overlay::StatusMenu { ticket_id, .. }) = app.overlay.take() else {
        return;
    };
    // Set from the ticket view on the ticket shown: the view's next ticket opens after.
    let from_detail = app.detail_has_focus()
        && app
            .detail
            .as_ref()
            .is_some_and(|d| d.ticket_id == ticket_id);
    if crate::app::offline::refuse(app, crate::app::offline::OfflineChange::StatusChange) {
        return;
    }
    let Some(ticket) = app.tickets.get(&ticket_id) else {
        // Opened by number and not found, or not read yet: nothing to plan from.
        return notice(app, Note::StatusUnknownTicket(ticket_id), true);
    };
    let previous = ticket.status;
    if previous == Some(status) {
        return;
    }
    // A one-ticket bulk run, planned from the ticket as it was: the engine journals the
    // previous status, so the change shows in the history (`H`) and can be undone.
    let edit = crate::bulk::BulkEdit::from(crate::api::TicketChange {
        status: Some(status),
        ..crate::api::TicketChange::default()
    });
    let stamp = app.run_stamp();
    let plan = crate::bulk::Plan::new(
        &edit,
        std::slice::from_ref(&ticket),
        app.settings.bulk_target.clone(),
        stamp,
    );
    let Some(mut ticket) = app.tickets.get_mut(&ticket_id) else {
        return;
    };
    ticket.status = Some(status);
    drop(ticket);
    let id = app.request_id();
    app.pending_status.insert(
        id,
        PendingStatus {
            ticket_id,
            previous,
            wanted: status,
        },
    );
    out.push(Command::Bulk(crate::app::bulk_edit::BulkCommand::Start {
        id,
        plan: Box::new(plan),
    }));
    if from_detail {
        move_on(app, out);
    }
}

/// After signing in again: the quick status changes a 401 left unsent are resumed (their
/// journaled one-ticket runs), answered as any quick change.
pub(crate) fn resume_quick_after_sign_in(app: &mut App, out: &mut Vec<Command>) {
    for (run_id, pending) in std::mem::take(&mut app.faults.quick_to_resume) {
        let id = app.request_id();
        app.pending_status.insert(id, pending);
        out.push(Command::Bulk(crate::app::bulk_edit::BulkCommand::Resume {
            id,
            run_id,
        }));
    }
}

/// The request id of a bulk event that may answer a quick status change (`s`).
pub(super) fn quick_status_run(event: &crate::app::bulk_edit::BulkEvent) -> Option<RequestId> {
    use crate::app::bulk_edit::BulkEvent;
    match event {
        BulkEvent::Run { id, .. } | BulkEvent::RunDone { id, .. } => Some(*id),
        _ => None,
    }
}

/// The end of a quick status change's one-ticket run: the row stays, or goes back and the
/// status line says why. Progress events of so small a run are not shown.
/// A quick status change was left alone (the ticket changed on the server since it was
/// shown): says what the status is now and opens the status menu over the ticket again, on
/// the status wanted, so that Enter sets it on the version now shown and Esc leaves it.
pub(super) fn ask_status_again(app: &mut App) {
    let Some(recheck) = app.status_recheck.take() else {
        return;
    };
    let ticket = recheck.ticket_id;
    let now = app.tickets.get(&ticket).and_then(|t| t.status);
    let note = Note::StatusChangedMeanwhile {
        ticket,
        shown: recheck.shown,
        now,
        wanted: recheck.wanted,
    };
    notice(app, note, true);
    // Only over the list or the ticket, never over a pane the user has moved to since.
    if app.overlay.is_none() && matches!(app.pane(), Pane::List | Pane::Detail) {
        let selected = TicketStatus::ALL
            .iter()
            .position(|s| *s == recheck.wanted)
            .unwrap_or(0);
        app.overlay = Some(Overlay::StatusMenu {
            ticket_id: ticket,
            selected,
        });
    }
}

pub(super) fn quick_status_done(
    app: &mut App,
    event: crate::app::bulk_edit::BulkEvent,
    out: &mut Vec<Command>,
) {
    use crate::app::bulk_edit::BulkEvent;
    let (id, result) = match event {
        BulkEvent::Run {
            id,
            event: crate::bulk::RunEvent::AuthRefused { .. },
        } => {
            // A 401: the same prompt a refused page or update opens.
            app.faults.quick_refused.push(id);
            crate::app::faults::open_sign_in(app);
            return;
        }
        BulkEvent::RunDone { id, result } => (id, result),
        _ => return,
    };
    let Some(pending) = app.pending_status.remove(&id) else {
        return;
    };
    let refused = app.faults.quick_refused.contains(&id);
    app.faults.quick_refused.retain(|r| *r != id);
    if refused
        && let Ok(report) = &result
        && report.not_sent.contains(&pending.ticket_id)
    {
        // Not sent: it goes out once signed in again; the row keeps the new status.
        app.faults
            .quick_to_resume
            .push((report.run_id().to_string(), pending));
        return;
    }
    let ticket = pending.ticket_id;
    // The answer was lost: it may be set or not. Neither "changed" nor "back to": the
    // ticket and the views are read again and show what the server has.
    if let Ok(report) = &result
        && let Some(outcome) = report
            .outcomes
            .iter()
            .find(|o| o.id == ticket && o.kind == crate::bulk::OutcomeKind::Unknown)
    {
        status_changed(app, ticket, out);
        let note = Note::StatusChangeUnknown {
            ticket,
            wanted: pending.wanted,
            reason: outcome.error.clone(),
        };
        notice(app, note, true);
        return;
    }
    let failure = match &result {
        Err(failure) => Some(StatusFailure::Bulk(failure.clone())),
        Ok(report) => match report.outcomes.iter().find(|o| o.id == ticket) {
            Some(outcome) if outcome.success => None,
            Some(outcome) => Some(StatusFailure::Outcome(outcome.error.clone())),
            // Planned out (already at that status on the engine's reading) or never sent.
            None if report.plan.ticket(ticket).is_none() => None,
            None => Some(StatusFailure::NotSent),
        },
    };
    match failure {
        None => {
            status_changed(app, ticket, out);
            let note = Note::StatusChanged {
                ticket,
                status: pending.wanted,
            };
            notice(app, note, false)
        }
        Some(reason) => {
            // Changed by someone else meanwhile: the row shows the server's status, read
            // again, rather than what this console saw before.
            let changed_meanwhile = result.as_ref().is_ok_and(|report| {
                report.outcomes.iter().any(|o| {
                    o.id == ticket && o.kind == crate::bulk::OutcomeKind::ChangedSincePreview
                })
            });
            if changed_meanwhile {
                // Nothing was set: the ticket is read again and, once it is, the status menu
                // opens over it (what changed is said then), so the user decides on what the
                // server has now.
                let reread = status_changed(app, ticket, out);
                if let Some(mut known) = app.tickets.get_mut(&ticket)
                    && known.status == Some(pending.wanted)
                {
                    known.status = pending.previous;
                }
                app.status_recheck = Some(crate::app::state::StatusRecheck {
                    ticket_id: ticket,
                    wanted: pending.wanted,
                    shown: pending.previous,
                    reread,
                });
                if reread.is_none() {
                    ask_status_again(app);
                }
                return;
            }
            if let Some(mut known) = app.tickets.get_mut(&ticket)
                && known.status == Some(pending.wanted)
            {
                known.status = pending.previous;
            }
            let note = Note::StatusChangeFailed {
                ticket,
                wanted: pending.wanted,
                reason,
                previous: pending.previous,
            };
            notice(app, note, true);
        }
    }
}
