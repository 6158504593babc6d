//! The same reply to every marked ticket: it goes through the bulk pane's preview and runs
//! as a bulk run (the same confirmation, gauge, result list, retry and journal), and each
//! ticket it reaches records the reply as sent.

use super::draft_writes::{forget_draft, save_draft_now};
use super::send::record_sent;
use super::{ReplyTarget, Sending};
use crate::api::{Reply, Ticket, TicketChange, TicketStatus};
use crate::app::action::Command;
use crate::app::bulk_edit::{BulkEvent, Form, TagsMode, form_rows, names, preview_stage};
use crate::app::drafts::DraftKey;
use crate::app::state::App;
use crate::bulk::{BulkEdit, Plan};

/// The marked tickets. Marks belong to the `marks-bulk` branch; this reads them through
/// one accessor so that only this function changes when they land.
pub(crate) fn marked_ids(app: &App) -> Vec<u64> {
    app.marks.ids.iter().copied().collect()
}

/// The plan of a reply to many: the same reply (and status) to each ticket.
pub(crate) fn many_plan(
    app: &mut App,
    ids: &[u64],
    text: &str,
    tokens: Vec<String>,
    status: Option<TicketStatus>,
) -> Plan {
    let change = TicketChange {
        status,
        reply: Some(Reply {
            message: text.to_string(),
            attachments: tokens,
        }),
        ..TicketChange::default()
    };
    let tickets: Vec<Ticket> = ids
        .iter()
        .map(|id| {
            app.tickets.get(id).unwrap_or(Ticket {
                id: *id,
                ..Ticket::default()
            })
        })
        .collect();
    let stamp = app.run_stamp();
    Plan::new(
        &BulkEdit::from(change),
        &tickets,
        app.settings.bulk_target.clone(),
        stamp,
    )
}

/// A reply to many goes to the bulk pane's preview, so that it has the same confirmation,
/// gauge, result list, retry and journal as a bulk edit. The composer closes; its draft
/// stays until the run has reached every ticket.
pub(super) fn send_many(
    app: &mut App,
    ids: Vec<u64>,
    status: Option<TicketStatus>,
    out: &mut Vec<Command>,
) {
    let Some(composer) = &app.compose.composer else {
        return;
    };
    let text = composer.text();
    let tokens = composer
        .attachments
        .iter()
        .filter_map(|a| a.token.clone())
        .collect();
    let mut plan = many_plan(app, &ids, &text, tokens, status);
    plan.remember_names(&names(app));
    save_draft_now(app, out);
    app.compose.composer = None;
    let rows = form_rows(app);
    app.bulk.hidden = false;
    let form = Form {
        targets: ids,
        rows,
        selected: 0,
        tags_mode: TagsMode::Add,
        editing: None,
        error: None,
    };
    app.bulk.stage = Some(preview_stage(app, form, plan));
}

/// Sees a bulk run end: a run that carried a reply records it as sent on each ticket it
/// reached, and the reply-to-many draft goes once every ticket has it.
pub(crate) fn bulk_event(app: &mut App, event: &BulkEvent, out: &mut Vec<Command>) {
    let BulkEvent::RunDone {
        result: Ok(report), ..
    } = event
    else {
        return;
    };
    let Some(reply) = &report.plan.reply else {
        return;
    };
    let status = report.plan.change.status.map(TicketStatus::from_code);
    let sending = Sending {
        target: ReplyTarget::Many(report.plan.tickets.iter().map(|t| t.id).collect()),
        text: reply.message.clone(),
        attachments: Vec::new(),
        status,
        shown: None,
    };
    for outcome in report.succeeded() {
        record_sent(app, outcome.id, &sending);
    }
    if report.all_done() && app.compose.drafts.get(&DraftKey::ReplyMany) == Some(&reply.message) {
        forget_draft(&mut app.compose.drafts, DraftKey::ReplyMany, out);
    }
}
