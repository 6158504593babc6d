//! The engine's answers ([`BulkEvent`]) applied to the pane: plans, progress, reports,
//! the history and the resume offer at start.

use std::collections::HashMap;

use super::engine::{BulkEvent, BulkFailure, HistoryRow};
use super::note::BulkNote;
use super::preview::{preview, undo_preview};
use super::{BulkAction, Stage, say};
use crate::api::{IdField, Priority, Ticket, TicketStatus};
use crate::app::action::{Action, Command, RequestId};
use crate::app::keymap;
use crate::app::state::{App, Pane};
use crate::bulk::{Plan, RunEvent, RunReport, RunState};

/// A worker event for the bulk features.
pub(crate) fn worker_event(app: &mut App, event: BulkEvent, out: &mut Vec<Command>) {
    match event {
        BulkEvent::IdsPage { .. } | BulkEvent::IdsDone { .. } => {
            crate::app::marks::worker_event(app, event)
        }
        BulkEvent::Tickets { id, result }
            if app
                .compose
                .snippet_after_read
                .as_ref()
                .is_some_and(|(read, _)| *read == id) =>
        {
            read_after_macro(app, &result, out)
        }
        BulkEvent::Tickets { id, result } => tickets_read(app, id, result, out),
        BulkEvent::Run { id, event } => run_event(app, id, event),
        BulkEvent::RunDone { id, result } => run_done(app, id, result, out),
        BulkEvent::UndoPlanned { id, result } => undo_planned(app, id, result),
        BulkEvent::History {
            id,
            result,
            problems,
        } => history(app, id, result, problems),
    }
}

/// An agent's read after a macro: only its update time is taken (the rest of what an agent
/// may read is partial); then the macro's snippet opens.
fn read_after_macro(
    app: &mut App,
    result: &Result<Vec<Ticket>, BulkFailure>,
    out: &mut Vec<Command>,
) {
    if let Ok(tickets) = result {
        for read in tickets {
            if let Some(updated) = read.updated
                && let Some(mut known) = app.tickets.get_mut(&read.id)
            {
                known.updated = Some(updated);
            }
        }
    }
    if let Some((_, body)) = app.compose.snippet_after_read.take() {
        crate::app::composer::open_with_snippet(app, &body, out);
    }
}

/// The full tickets the form's preview waited for: the preview, or the form again with why
/// they could not be read; then the keys typed meanwhile.
fn tickets_read(
    app: &mut App,
    id: RequestId,
    result: Result<Vec<Ticket>, BulkFailure>,
    out: &mut Vec<Command>,
) {
    let Some(Stage::Preparing { request, .. }) = &app.bulk.stage else {
        return;
    };
    if *request != id {
        return;
    }
    let Some(Stage::Preparing {
        form, typed_ahead, ..
    }) = app.bulk.stage.take()
    else {
        return;
    };
    match result {
        Ok(tickets) => {
            let mut fetched = HashMap::new();
            for ticket in tickets {
                if crate::bulk::ticket_is_full(&ticket) && !ticket.subject.is_empty() {
                    app.full.insert(ticket.id);
                    app.tickets.insert(ticket.id, ticket.clone());
                }
                fetched.insert(ticket.id, ticket);
            }
            app.notice = None;
            app.bulk.stage = Some(preview(app, form, fetched));
        }
        Err(error) => {
            let mut form = form;
            // Reading the tickets again is the form's preview key, not a list reload.
            form.error = Some(BulkNote::TicketsUnread(error));
            app.bulk.stage = Some(Stage::Form(form));
        }
    }
    replay_typed_ahead(app, typed_ahead, out);
}

/// A run's progress, checks, refusal or failed call, on its gauge.
fn run_event(app: &mut App, id: RequestId, event: RunEvent) {
    let Some(Stage::Running(run)) = &mut app.bulk.stage else {
        return;
    };
    if run.request != id {
        return;
    }
    match event {
        RunEvent::Started(progress)
        | RunEvent::Progress(progress)
        | RunEvent::Finished(progress) => {
            run.checking = None;
            run.total = progress.done + progress.failed + progress.left;
            run.progress = Some(progress);
        }
        RunEvent::Checking { tickets, .. } => run.checking = Some(tickets),
        RunEvent::AuthRefused { .. } => run.auth_refused = true,
        RunEvent::CallFailed {
            tickets,
            reason,
            call,
            ..
        } => run.call_failures.push(BulkNote::CallFailed {
            call,
            tickets,
            reason,
        }),
    }
    if run.auth_refused {
        // The prompt over the gauge; the run stops sending and waits to resume.
        crate::app::faults::open_sign_in(app);
    }
}

/// A run ended: its report on the rows and in the result list (a macro's run closes
/// itself when all went through, and its snippet follows once the ticket is read again).
fn run_done(
    app: &mut App,
    id: RequestId,
    result: Result<Box<RunReport>, BulkFailure>,
    out: &mut Vec<Command>,
) {
    let Some(Stage::Running(run)) = &app.bulk.stage else {
        return;
    };
    if run.request != id {
        return;
    }
    let Some(Stage::Running(mut run)) = app.bulk.stage.take() else {
        return;
    };
    // The rows show the new values (the notice below replaces "reloading").
    let (note, is_error) = match result {
        Ok(report) => {
            apply_report(app, &report);
            let failed = report.failed().next().is_some();
            run.report = Some((*report).clone());
            (BulkNote::RunDone(report), failed)
        }
        Err(error) => {
            let note = BulkNote::Failed(error);
            run.error = Some(note.clone());
            (note, true)
        }
    };
    app.bulk.stage = Some(Stage::Result(run));
    let mut snippet = None;
    if app.bulk.quiet_run == Some(id) {
        // A macro's run: done as asked, the pane closes (the history keeps it for
        // undo); anything failed shows its result list, and no snippet follows.
        app.bulk.quiet_run = None;
        app.bulk.hidden = false;
        snippet = app.bulk.snippet_after.take().filter(|_| !is_error);
        if !is_error {
            app.bulk.stage = None;
        }
    }
    let one = match &app.bulk.stage {
        None => app.detail.as_ref().map(|d| d.ticket_id),
        Some(_) => None,
    };
    crate::app::update::refresh_other_views(app, out);
    out.extend(crate::app::update::update(app, Action::Reload));
    say(app, note, is_error);
    if let Some(body) = snippet {
        // The ticket is read again first (the update-many answer has no update
        // time), so the reply's check is against the macro's own change: shown
        // in full, or as an agent may read it (the engine's search for its time).
        match one {
            Some(ticket) => {
                let read = match crate::app::update::reread(app, ticket, out) {
                    Some(id) => id,
                    None => {
                        let id = app.request_id();
                        let ids = vec![ticket];
                        out.push(Command::Bulk(super::BulkCommand::TicketsFor { id, ids }));
                        id
                    }
                };
                app.compose.snippet_after_read = Some((read, body));
            }
            None => crate::app::composer::open_with_snippet(app, &body, out),
        }
    }
}

/// The engine's plan to undo a run: its preview, or why it could not be planned.
fn undo_planned(app: &mut App, id: RequestId, result: Result<Box<Plan>, BulkFailure>) {
    let Some(Stage::Running(run)) = &app.bulk.stage else {
        return;
    };
    if run.request != id || run.progress.is_some() {
        return;
    }
    let Some(Stage::Running(mut run)) = app.bulk.stage.take() else {
        return;
    };
    match result {
        Ok(plan) => {
            if run.cancelling {
                say(app, BulkNote::UndoNotStarted, false);
                app.bulk.hidden = false;
                return;
            }
            app.bulk.stage = Some(undo_preview(app, *plan));
        }
        Err(error) => {
            let note = BulkNote::Failed(error);
            run.error = Some(note.clone());
            app.bulk.stage = Some(Stage::Result(run));
            say(app, note, true);
        }
    }
}

/// The runs read from the journal: the start's resume offer, or the history pane's list.
fn history(
    app: &mut App,
    id: RequestId,
    result: Result<Vec<HistoryRow>, BulkFailure>,
    problems: Vec<String>,
) {
    if app.bulk.startup_history == Some(id) {
        app.bulk.startup_history = None;
        let Ok(runs) = result else {
            return;
        };
        let stopped: Vec<HistoryRow> = runs
            .into_iter()
            .filter(|r| r.resumable() && r.run.state == RunState::Interrupted)
            .collect();
        if !stopped.is_empty() && app.bulk.stage.is_none() {
            say(app, BulkNote::RunsStopped(stopped.len()), true);
            app.bulk.hidden = false;
            app.bulk.stage = Some(Stage::ResumeOffer { runs: stopped });
        }
        return;
    }
    let Some(Stage::History {
        request,
        runs,
        problems: known,
        error,
        ..
    }) = &mut app.bulk.stage
    else {
        return;
    };
    if *request != Some(id) {
        return;
    }
    *request = None;
    match result {
        Ok(rows) => *runs = rows,
        Err(failure) => *error = Some(BulkNote::Failed(failure)),
    }
    *known = problems;
}

/// Applies the keys pressed while the tickets were read, now that the preview (or the
/// form, with why it could not be read) is on screen. A key that would start the run (or
/// read again) is held back and said so: nothing starts before its preview was seen.
fn replay_typed_ahead(app: &mut App, keys: Vec<keymap::Key>, out: &mut Vec<Command>) {
    let mut held_back = false;
    for key in keys {
        let Some(action) = keymap::action_for_typed(app, &key) else {
            continue;
        };
        if action == Action::Bulk(BulkAction::Enter) && app.pane() != Pane::BulkText {
            held_back = true;
            continue;
        }
        out.extend(crate::app::update::update(app, action));
    }
    if held_back {
        let note = match app.bulk.stage {
            Some(Stage::Preview { .. }) => BulkNote::TypedAheadStartHeld,
            _ => BulkNote::TypedAheadEnterHeld,
        };
        say(app, note, false);
    }
}

/// Puts a finished run's values into the store, so rows are right before the refresh lands.
fn apply_report(app: &mut App, report: &RunReport) {
    for outcome in report.succeeded() {
        let Some(planned) = report.plan.ticket(outcome.id) else {
            continue;
        };
        let target = report.plan.target_of(planned);
        if let Some(mut ticket) = app.tickets.get_mut(&outcome.id) {
            if let Some(code) = target.status {
                ticket.status = Some(TicketStatus::from_code(code));
            }
            if let Some(code) = target.priority {
                ticket.priority = Some(Priority::from_code(code));
            }
            if let Some(tags) = &target.tags {
                ticket.tags = Some(tags.clone());
            }
            if let Some(assignee) = target.assignee_id {
                ticket.assignee_id = IdField::from_known(Some(assignee));
            }
        }
    }
}
