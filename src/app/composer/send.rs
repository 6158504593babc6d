//! Sending one reply: the worker checks first that the server still has the version the
//! user was shown (else the composer asks again), then sends; the answer updates the
//! ticket, the draft and the composer. A reply to many goes on to [`super::many`].

use super::draft_writes::{forget_draft, store_draft};
use super::many::send_many;
use super::messages::{ComposeCommand, ComposeEvent, compose_command};
use super::note::ComposeNote;
use super::{ComposerMode, ReplyTarget, Sending, SentReply, notice};
use crate::api::{ApiDate, Reply, Ticket, TicketChange, TicketStatus};
use crate::app::action::{Command, RequestId};
use crate::app::drafts::DraftKey;
use crate::app::notice::Note;
use crate::app::state::App;

/// Ctrl-S (status `None`) or Ctrl-T (a status): sends the reply.
pub(super) fn send(app: &mut App, status: Option<TicketStatus>, out: &mut Vec<Command>) {
    let Some(composer) = &mut app.compose.composer else {
        return;
    };
    if composer.sending.is_some() {
        return;
    }
    let text = composer.text();
    let why_not = if text.trim().is_empty() && composer.attachments.is_empty() {
        Some(ComposeNote::Empty)
    } else if composer.attachments.iter().any(|a| a.token.is_none()) {
        Some(ComposeNote::Uploading)
    } else {
        None
    };
    if let Some(note) = why_not {
        composer.error = Some(note);
        return;
    }
    let target = composer.target.clone();
    // The text stays in the composer and its draft: nothing is sent later by itself.
    if crate::app::offline::refuse(app, crate::app::offline::OfflineChange::Reply) {
        return;
    }
    if let ReplyTarget::Many(ids) = target {
        return send_many(app, ids, status, out);
    }
    let ReplyTarget::One(ticket) = target else {
        return;
    };
    // What the user was shown (the store's copy, drawn above the composer): the worker
    // checks the server still has that version before it sends.
    let seen = app.tickets.get(&ticket).and_then(|t| t.updated);
    send_one(app, ticket, status, seen, out);
}

/// The send key pressed again over "changed since": the same reply, checked against the
/// version the server has now (a third change in between asks again).
pub(super) fn send_anyway(
    app: &mut App,
    status: Option<TicketStatus>,
    updated: ApiDate,
    out: &mut Vec<Command>,
) {
    let Some(composer) = &app.compose.composer else {
        return;
    };
    let ReplyTarget::One(ticket) = composer.target else {
        return;
    };
    if composer.sending.is_some() {
        return;
    }
    if crate::app::offline::refuse(app, crate::app::offline::OfflineChange::Reply) {
        return;
    }
    send_one(app, ticket, status, Some(updated), out);
}

/// Sends the open composer's reply to one ticket; `seen` (the `updateDT` shown) asks the
/// worker to check first that the server still has that version.
fn send_one(
    app: &mut App,
    ticket: u64,
    status: Option<TicketStatus>,
    seen: Option<ApiDate>,
    out: &mut Vec<Command>,
) {
    let Some(composer) = &app.compose.composer else {
        return;
    };
    let text = composer.text();
    let attachments = composer
        .attachments
        .iter()
        .filter_map(|a| a.token.clone())
        .collect();
    let names = composer
        .attachments
        .iter()
        .map(|a| a.name.clone())
        .collect();
    let change = TicketChange {
        status,
        reply: Some(Reply {
            message: text.clone(),
            attachments,
        }),
        ..TicketChange::default()
    };
    let shown = app.tickets.get(&ticket).map(Box::new);
    let status = change.status;
    let id = app.request_id();
    if let Some(composer) = &mut app.compose.composer {
        composer.sending = Some(id);
        composer.error = None;
    }
    app.compose.sending.insert(
        id,
        Sending {
            target: ReplyTarget::One(ticket),
            text,
            attachments: names,
            status,
            shown,
        },
    );
    out.push(compose_command(ComposeCommand::Send {
        id,
        ticket,
        change: Box::new(change),
        seen,
    }));
    // Until the answer (which says sent, or why not): not on a timer.
    let note = Note::Compose(ComposeNote::Sending(ticket));
    crate::app::update::progress_notice(app, note, vec![id]);
}

/// The worker did not send: the ticket changed on the server since it was shown. The
/// composer (still open) shows what changed and waits for the send key again or Esc; the
/// newer ticket replaces the store's, so the text above the reply is what the server has.
fn stale(
    app: &mut App,
    id: RequestId,
    ticket: u64,
    now: Option<Box<Ticket>>,
    updated: ApiDate,
    out: &mut Vec<Command>,
) {
    let Some(sending) = app.compose.sending.remove(&id) else {
        return;
    };
    if let Some(now) = now {
        crate::app::update::upsert(app, vec![*now], false, None);
    } else if let Some(mut known) = app.tickets.get_mut(&ticket) {
        known.updated = Some(updated);
    }
    match &mut app.compose.composer {
        Some(composer) if composer.sending == Some(id) => {
            composer.sending = None;
            composer.mode = ComposerMode::Stale {
                status: sending.status,
                before: sending.shown,
                updated,
            };
        }
        _ => {
            // Closed while the check ran: the text stays in the draft, and says why.
            store_draft(
                &mut app.compose.drafts,
                DraftKey::Reply(ticket),
                sending.text.clone(),
                out,
            );
            notice(app, ComposeNote::StaleClosed(ticket), true);
        }
    }
}

/// A worker answer for the composer or the form.
pub(crate) fn worker_event(app: &mut App, event: ComposeEvent, out: &mut Vec<Command>) {
    match event {
        ComposeEvent::Stale {
            id,
            ticket,
            now,
            updated,
        } => stale(app, id, ticket, now, updated, out),
        ComposeEvent::Sent { id, ticket, result } => {
            let Some(sending) = app.compose.sending.remove(&id) else {
                return;
            };
            let open_here = app
                .compose
                .composer
                .as_ref()
                .is_some_and(|c| c.sending == Some(id));
            match result {
                Ok(answer) => {
                    let answered_time = answer.updated.is_some();
                    if let Some(mut known) = app.tickets.get_mut(&ticket) {
                        if let Some(status) = answer.status.or(sending.status) {
                            known.status = Some(status);
                        }
                        known.updated = answer.updated.or(known.updated);
                    }
                    record_sent(app, ticket, &sending);
                    forget_draft(&mut app.compose.drafts, DraftKey::Reply(ticket), out);
                    let from_detail =
                        open_here && app.compose.composer.as_ref().is_some_and(|c| c.from_detail);
                    if open_here {
                        app.compose.composer = None;
                    }
                    // Send-and-set says the status too, so the user sees both happened.
                    if sending.status.is_some() {
                        // The ticket moves between views: their rows and counts reload.
                        if answered_time {
                            crate::app::update::refresh_counts(app, out);
                        } else {
                            crate::app::update::status_changed(app, ticket, out);
                        }
                    }
                    let status = sending.status;
                    notice(app, ComposeNote::Sent { ticket, status }, false);
                    // Answered from the ticket view: the view's next ticket opens.
                    let shown = app.detail.as_ref().is_some_and(|d| d.ticket_id == ticket);
                    if from_detail && shown && app.detail_has_focus() {
                        crate::app::update::move_on(app, out);
                    }
                }
                Err(error) => {
                    // "press R to retry" would reload the list: a reply is sent again from the
                    // composer (open: its send key; closed: the reply key reopens the draft).
                    let open = open_here && app.compose.composer.is_some();
                    if let Some(composer) = &mut app.compose.composer
                        && open_here
                    {
                        composer.sending = None;
                        composer.error = Some(ComposeNote::SendError {
                            error: error.clone(),
                            open,
                        });
                    } else {
                        // Closed while sending: the text stays in the draft.
                        store_draft(
                            &mut app.compose.drafts,
                            DraftKey::Reply(ticket),
                            sending.text.clone(),
                            out,
                        );
                    }
                    notice(
                        app,
                        ComposeNote::SendFailed {
                            ticket,
                            error,
                            open,
                        },
                        true,
                    );
                }
            }
        }
        ComposeEvent::Uploaded { id, result } => {
            let Some(composer) = &mut app.compose.composer else {
                return;
            };
            let Some(index) = composer
                .attachments
                .iter()
                .position(|a| a.request == Some(id))
            else {
                return;
            };
            match result {
                Ok(attachment) => {
                    let file = &mut composer.attachments[index];
                    file.token = Some(attachment.token);
                    file.request = None;
                    // An earlier file's failure no longer describes the reply: say what is
                    // attached now instead.
                    let note = ComposeNote::Attached(file.name.clone());
                    composer.error = None;
                    notice(app, note, false);
                }
                Err(reason) => {
                    let file = composer.attachments.remove(index);
                    let note = ComposeNote::UploadFailed {
                        name: file.name,
                        reason,
                    };
                    composer.error = Some(note.clone());
                    notice(app, note, true);
                }
            }
        }
        ComposeEvent::Created { id, result } => {
            crate::app::new_ticket::created(app, id, result, out)
        }
        ComposeEvent::DraftFailed(reason) => notice(app, ComposeNote::DraftFailed(reason), true),
    }
}

pub(super) fn record_sent(app: &mut App, ticket: u64, sending: &Sending) {
    app.compose.sent.entry(ticket).or_default().push(SentReply {
        at: app.now,
        text: sending.text.clone(),
        attachments: sending.attachments.clone(),
        status: sending.status,
    });
}
