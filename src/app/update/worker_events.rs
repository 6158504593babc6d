//! The worker's answers, each handed to the feature that waits for it.

use super::*;

pub(super) fn worker_event(app: &mut App, event: WorkerEvent, out: &mut Vec<Command>) {
    match event {
        WorkerEvent::Page { id, result } => page_arrived(app, id, result, out),
        WorkerEvent::Stored { id, tickets, as_of } => {
            stored_page_arrived(app, id, tickets, as_of, out)
        }
        WorkerEvent::SyncProgress { done, total } => {
            app.sync_progress = (done < total).then_some((done, total));
        }
        WorkerEvent::Synced {
            id,
            tickets,
            partial,
            server,
        } => {
            let waited = crate::app::faults::waits_for(app, id);
            if app.sync_request == Some(id) {
                app.sync_request = None;
            }
            synced(app, tickets, partial);
            match server {
                Some(Err(error)) => sync_failed(app, error, waited),
                Some(Ok(())) if waited => {
                    // The server answered the view's refresh: an error it showed is over.
                    let which = view_ref(app);
                    if let Some(view) = view_mut(app, which) {
                        view.error = None;
                    }
                }
                _ => {}
            }
            store_synced(app, out);
        }
        WorkerEvent::LocalRows { id, rows } => local_rows(app, id, rows, out),
        WorkerEvent::LocalTickets { tickets, hits, .. } => local_tickets(app, tickets, hits, out),
        WorkerEvent::ShownMany { id, result } => {
            if app.enriching.remove(&id).is_none() {
                return;
            }
            match result {
                Ok(shown) => {
                    upsert(app, shown.tickets, false, None);
                    window_lookups(app, out);
                }
                Err(ApiError::Forbidden(_)) => app.show_forbidden = true,
                // Rows keep what the search gave; the detail retries with show.
                Err(_) => {}
            }
        }
        WorkerEvent::Shown { id, ticket, result } if app.rereads.contains_key(&id) => {
            app.rereads.remove(&id);
            // A re-read after a status change: the server's update time for the row. A
            // failure leaves the row as it was (never a guessed date); R reads it again.
            if let Ok(full) = result
                && full.id == ticket
            {
                upsert(app, vec![full], false, None);
            }
            if app
                .status_recheck
                .as_ref()
                .is_some_and(|r| r.reread == Some(id))
            {
                ask_status_again(app);
            }
            // A macro's snippet waited for this read: the composer opens with it now.
            if app
                .compose
                .snippet_after_read
                .as_ref()
                .is_some_and(|(reread, _)| *reread == id)
                && let Some((_, body)) = app.compose.snippet_after_read.take()
            {
                crate::app::composer::open_with_snippet(app, &body, out);
            }
        }
        WorkerEvent::Shown { id, ticket, result } => {
            let Some(detail) = &mut app.detail else {
                return;
            };
            if detail.request != Some(id) || detail.ticket_id != ticket {
                return;
            }
            detail.request = None;
            match result {
                Ok(full) => {
                    detail.full = true;
                    detail.error = None;
                    upsert(app, vec![full], false, None);
                    detail_lookups(app, out);
                }
                Err(ApiError::Forbidden(_)) => {
                    detail.forbidden = true;
                    app.show_forbidden = true;
                }
                Err(ApiError::NotFound(_)) => detail.not_found = true,
                Err(error) => {
                    detail.error = Some(error.clone());
                    notice(app, Note::ShowFailed { ticket, error }, true);
                }
            }
        }
        WorkerEvent::Looked { id, key, result } => lookup_arrived(app, id, key, result, out),
        WorkerEvent::Compose(event) => crate::app::composer::worker_event(app, event, out),
        WorkerEvent::Download(event) => crate::app::files::event(app, event),
        WorkerEvent::Fault(event) => crate::app::faults::event(app, event, out),
        WorkerEvent::Bulk(event)
            if quick_status_run(&event).is_some_and(|id| app.pending_status.contains_key(&id)) =>
        {
            quick_status_done(app, event, out);
        }
        WorkerEvent::Bulk(event) => {
            // A run that carried a reply (one reply to many) is the composer's to record.
            crate::app::composer::bulk_event(app, &event, out);
            crate::app::bulk_edit::worker_event(app, event, out)
        }
    }
}
