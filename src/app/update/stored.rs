//! The local store's answers (issue 16). A first page from the store is painted at once,
//! marked "as of" its time, while the server's answer to the same request is awaited as a
//! refresh of that page, so that when it lands its rows replace the stored ones in place,
//! the selection stays on its ticket and the tickets that changed since are marked. A
//! background sync's changes update the rows shown in place, marked the same way.

use std::collections::HashMap;

use super::*;

pub(super) fn stored_page_arrived(
    app: &mut App,
    id: RequestId,
    tickets: Vec<Ticket>,
    as_of: chrono::NaiveDateTime,
    out: &mut Vec<Command>,
) {
    // Only a view still waiting for its first page takes it: once the server answered (or
    // the view moved on), the store has nothing newer to say.
    let Some((which, PageOwner::Next(1))) = find_page_owner(app, id) else {
        return;
    };
    let Some(view) = view_at(app, which) else {
        return;
    };
    if view.loaded() || tickets.is_empty() {
        return;
    }
    let partial = view.is_search();
    let implied = view.implied_status();
    let (ids, _) = upsert(app, tickets, partial, implied);
    for id in &ids {
        app.stored_as_of.insert(*id, as_of);
    }
    let Some(view) = view_mut(app, which) else {
        return;
    };
    view.set_ids(ids);
    view.page_lens = vec![view.ids.len()];
    view.pages_loaded = 1;
    // More pages are asked once the server says there are more.
    view.next_page = None;
    view.loading = None;
    view.as_of = Some(as_of);
    view.refresh = Some(Refresh {
        requests: HashMap::from([(id, 1)]),
        pages_wanted: 1,
        mark_changes: true,
        ..Refresh::default()
    });
    ensure_visible(app);
    window_lookups(app, out);
}

/// A background sync ended: the tickets it changed that this console holds are updated in
/// place, and marked in the views that show them when their row changed. Tickets it has not
/// met are left to the views that will read them.
pub(super) fn synced(app: &mut App, tickets: Vec<Ticket>, partial: bool) {
    app.sync_progress = None;
    let known: Vec<Ticket> = tickets
        .into_iter()
        .filter(|ticket| app.tickets.contains_key(&ticket.id))
        .collect();
    if known.is_empty() {
        return;
    }
    let (_, changed) = upsert(app, known, partial, None);
    for index in 0..app.views.len() {
        mark_changed(&mut app.views[index], &changed);
    }
    if let Some(search) = &mut app.search {
        mark_changed(&mut search.view, &changed);
    }
}

/// A sync the server stopped (after the client's retries): when the view shown is the
/// store's, the sync was its refresh, so the status line says why it stopped, as a page's
/// failure would (the rows stay; `R` tries again; out of reach, the offline state says so
/// too, and the notice goes when the server is back). A sync behind a server view is
/// quiet: the view's own pages speak for the server.
pub(super) fn sync_failed(app: &mut App, error: ApiError, waited: bool) {
    if !waited {
        return;
    }
    let which = view_ref(app);
    view_failed(app, which, ViewError::Api(error));
}

fn mark_changed(view: &mut View, changed: &HashSet<u64>) {
    for id in changed {
        if view.id_set.contains(id) {
            view.changed.insert(*id);
        }
    }
}
