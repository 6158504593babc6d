//! Asking for pages: the start, the next page near the end of a list, and the reloads
//! (`R`, auto-refresh, after a change from this console) in proportion to what is seen.

use super::*;

pub(super) fn start(app: &mut App, out: &mut Vec<Command>) {
    app.last_refresh = Some(app.now);
    app.lookups.agents_list = Some(Lookup::Pending);
    let id = app.request_id();
    app.lookups.in_flight.insert(id, LookupKey::Agents);
    out.push(Command::Lookup {
        id,
        key: LookupKey::Agents,
    });
    app.lookups.field_defs = Some(Lookup::Pending);
    let id = app.request_id();
    app.lookups.in_flight.insert(id, LookupKey::FieldDefs);
    out.push(Command::Lookup {
        id,
        key: LookupKey::FieldDefs,
    });
    // Every tab's first page, so the tabs show counts from the start.
    for index in 0..app.views.len() {
        out.extend(fetch_page(app, ViewRef::Tab(index), 1));
    }
    // Then the store's sync, behind the pages (the worker gives them priority).
    sync_store(app, out);
}

/// The local store's background sync, when there is a store and none is on the way (a
/// long first sync is not started again by `R`).
pub(super) fn sync_store(app: &mut App, out: &mut Vec<Command>) {
    if app.settings.local_store && app.sync_request.is_none() {
        let id = app.request_id();
        app.sync_request = Some(id);
        out.push(Command::Sync { id });
    }
}

/// Every tab with no page yet and none on the way asks for its first page (after signing
/// in again: the old password's fetches failed, and the tabs would show "…" until opened).
pub(crate) fn fetch_unloaded_tabs(app: &mut App, out: &mut Vec<Command>) {
    for index in 0..app.views.len() {
        let view = &app.views[index];
        if !view.loaded() && !view.in_flight() {
            out.extend(fetch_page(app, ViewRef::Tab(index), 1));
        }
    }
}

/// Asks for page `page` of a view and records it as in flight.
pub(super) fn fetch_page(app: &mut App, which: ViewRef, page: u32) -> Option<Command> {
    let per_page = app.settings.per_page;
    let id = app.request_id();
    let view = view_mut(app, which)?;
    let command = page_command(view, id, page, per_page)?;
    view.loading = Some((id, page));
    Some(command)
}

/// The request for page `page` of a view: the list call or the search its source names.
pub(super) fn page_command(
    view: &View,
    id: RequestId,
    page: u32,
    per_page: u32,
) -> Option<Command> {
    match &view.spec.source {
        ViewSource::List(_) => view
            .list_query(page, per_page)
            .map(|query| Command::FetchList { id, query }),
        ViewSource::Search(_) => view
            .search_query(page, per_page)
            .map(|query| Command::Search { id, query }),
    }
}

/// Fetches the next page when the selection is within a screen of the end.
pub(super) fn prefetch(app: &mut App, out: &mut Vec<Command>) {
    // A view from the store: the tickets of the rows coming on screen, by id.
    want_local_tickets(app, out);
    let rows = app.list_rows().max(10);
    let which = view_ref(app);
    let Some(view) = view_at(app, which) else {
        return;
    };
    if view.loaded() && !view.in_flight() && !view.stale_pages.is_empty() {
        // Rows on screen from a page a refresh did not read: read it now.
        let seen = view.pages_of_rows(view.offset, view.offset + app.list_rows());
        let stale: BTreeSet<u32> = seen.intersection(&view.stale_pages).copied().collect();
        if !stale.is_empty() {
            return refresh_pages(app, which, stale, Some(false), false, out);
        }
    }
    let near_end = view.selected + rows >= view.ids.len();
    if view.loaded() && near_end && !view.in_flight() {
        if let Some(page) = view.next_page {
            out.extend(fetch_page(app, which, page));
        }
    }
}

/// Reloads a view in place, in proportion to what is seen: the first page (new tickets)
/// and the pages on screen are read again; the other loaded pages keep their rows, marked
/// stale, and are read again when scrolled to (`prefetch`). At most 3 requests at any
/// depth. Rows stay until the new ones arrive, and the selection stays on the same ticket.
/// `mark_changes` marks rows that changed (auto-refresh).
pub(super) fn refresh_view(
    app: &mut App,
    which: ViewRef,
    mark_changes: bool,
    out: &mut Vec<Command>,
) {
    let rows = app.list_rows();
    let Some(view) = view_at(app, which) else {
        return;
    };
    let loaded = view.pages_loaded.max(1);
    if !view.pages_known() || loaded <= 1 {
        return reload_all_pages(app, which, mark_changes, out);
    }
    let mut pages = view.pages_of_rows(view.offset, view.offset + rows);
    pages.insert(1);
    refresh_pages(app, which, pages, Some(true), mark_changes, out);
}

/// Reloads pages 1..=n of a view: the order or the filter changed, so no row can be kept.
pub(super) fn reload_all_pages(
    app: &mut App,
    which: ViewRef,
    mark_changes: bool,
    out: &mut Vec<Command>,
) {
    let Some(view) = view_at(app, which) else {
        return;
    };
    let pages = (1..=view.pages_loaded.max(1)).collect();
    refresh_pages(app, which, pages, None, mark_changes, out);
}

/// Asks for `pages` of a view again as one refresh (see [`finish_refresh`]): every row
/// replaced (`partial` `None`), or only those of `pages`, the others then stale or not
/// (`Some(rest_stale)`).
pub(super) fn refresh_pages(
    app: &mut App,
    which: ViewRef,
    pages: BTreeSet<u32>,
    partial: Option<bool>,
    mark_changes: bool,
    out: &mut Vec<Command>,
) {
    let per_page = app.settings.per_page;
    let Some(view) = view_at(app, which) else {
        return;
    };
    // A view from the store is computed again there, never paged from the server.
    if view.local.as_ref().is_some_and(|local| local.answered()) {
        return ask_local(app, which, out);
    }
    let pages_wanted = match partial {
        Some(_) => view.pages_loaded,
        None => pages.last().copied().unwrap_or(1),
    };
    let mut refresh = Refresh {
        pages_wanted,
        mark_changes,
        partial: partial.is_some(),
        rest_stale: partial == Some(true),
        ..Refresh::default()
    };
    let mut commands = Vec::new();
    for page in pages {
        let id = app.request_id();
        let Some(view) = view_at(app, which) else {
            return;
        };
        let command = page_command(view, id, page, per_page);
        if let Some(command) = command {
            refresh.requests.insert(id, page);
            commands.push(command);
        }
    }
    if let Some(view) = view_mut(app, which) {
        // A page fetch in flight would append to rows the refresh is about to replace.
        view.loading = None;
        view.jump = None;
        view.refresh = Some(refresh);
    }
    out.extend(commands);
}

/// A ticket created from this console (`n`): every loaded view reloads now, in the
/// background (rows, selection and marks stay until the answer, which places the new ticket
/// where each view's filter and order put it, or leaves it out), so the counts on the tab
/// line include it at once.
pub(crate) fn ticket_created(app: &mut App, out: &mut Vec<Command>) {
    refresh_counts(app, out);
}

/// A ticket's status changed from this console: the loaded views reload now (the ticket
/// moves between them and their counts with it), and the ticket is read again for the
/// server's new update time (the update-many answer carries none). For an agent, who may
/// not call show, the reloaded views' search rows carry it.
pub(crate) fn status_changed(
    app: &mut App,
    ticket: u64,
    out: &mut Vec<Command>,
) -> Option<RequestId> {
    refresh_counts(app, out);
    reread(app, ticket, out)
}

/// Reads a ticket again for the server's new update time, unless the account may not
/// (then `None`).
pub(crate) fn reread(app: &mut App, ticket: u64, out: &mut Vec<Command>) -> Option<RequestId> {
    if app.show_forbidden {
        return None;
    }
    let id = app.request_id();
    app.rereads.insert(id, ticket);
    out.push(Command::Show { id, ticket });
    Some(id)
}

/// Tickets changed from this console: the view shown and every other loaded tab reload now,
/// so rows and counts are the server's at once (see [`refresh_other_views`]).
pub(crate) fn refresh_counts(app: &mut App, out: &mut Vec<Command>) {
    refresh_other_views(app, out);
    let shown = view_ref(app);
    if view_at(app, shown).is_some_and(|view| view.loaded()) {
        refresh_view(app, shown, false, out);
    }
}

/// After a bulk run: every other loaded tab reloads now, so the counts on the tab line are
/// right at once.
pub(crate) fn refresh_other_views(app: &mut App, out: &mut Vec<Command>) {
    let shown = (app.search.is_none()).then_some(app.active);
    for index in 0..app.views.len() {
        let view = &app.views[index];
        if Some(index) == shown || !view.loaded() {
            continue;
        }
        if view.in_flight() {
            // Its answer may predate the run: reload when shown.
            app.views[index].stale = true;
        } else {
            app.views[index].stale = false;
            refresh_view(app, ViewRef::Tab(index), false, out);
        }
    }
}

pub(super) fn reload(app: &mut App, out: &mut Vec<Command>) {
    let first = out.len();
    let which = view_ref(app);
    // The marks of what changed were seen: the user asks for the view afresh.
    if let Some(view) = view_mut(app, which) {
        view.changed.clear();
    }
    refresh_view(app, which, false, out);
    sync_store(app, out);
    if let Some(detail) = &app.detail {
        let ticket = detail.ticket_id;
        if !app.show_forbidden {
            let id = app.request_id();
            out.push(Command::Show { id, ticket });
            if let Some(detail) = &mut app.detail {
                detail.request = Some(id);
            }
        }
    }
    // "Reloading…" until the pages (and the ticket shown) have landed.
    let requests: Vec<RequestId> = out[first..]
        .iter()
        .filter_map(Command::request_id)
        .collect();
    if !requests.is_empty() {
        progress_notice(app, Note::Reloading, requests);
    }
}
