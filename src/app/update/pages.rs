//! A page's answer: its tickets merged into the store and its rows into the view that
//! waits for it (a refresh's pages together), or its failure; the switch to searches on a 403.

use super::*;

/// Merges tickets into the store. Search gives only a few fields: a partial ticket never
/// wipes what a full one already told. Returns the ids whose content changed.
pub(crate) fn upsert(
    app: &mut App,
    tickets: Vec<Ticket>,
    partial: bool,
    implied_status: Option<TicketStatus>,
) -> (Vec<u64>, HashSet<u64>) {
    let mut ids = Vec::with_capacity(tickets.len());
    let mut changed = HashSet::new();
    for mut ticket in tickets {
        let id = ticket.id;
        ids.push(id);
        // The server's copy from here on (a stored page marks its own after this).
        app.stored_as_of.remove(&id);
        if ticket.status.is_none() {
            ticket.status = implied_status;
        }
        if !app.tickets.contains_key(&id) {
            app.tickets.insert(id, ticket);
            if !partial {
                app.full.insert(id);
            }
            continue;
        }
        match app.tickets.get_mut(&id) {
            Some(mut known) if partial => {
                let before = (known.subject.clone(), known.updated, known.status);
                known.subject = ticket.subject;
                known.created = ticket.created.or(known.created);
                known.updated = ticket.updated.or(known.updated);
                known.url = ticket.url.or(known.url.take());
                if ticket.status.is_some() {
                    known.status = ticket.status;
                }
                if before != (known.subject.clone(), known.updated, known.status) {
                    changed.insert(id);
                }
            }
            Some(mut known) => {
                if row_differs(&known, &ticket) {
                    changed.insert(id);
                }
                // The description of a search hit is absent: keep one a show gave.
                if ticket.description.is_none() {
                    ticket.description = known.description.take();
                }
                *known = ticket;
                app.full.insert(id);
            }
            None => {}
        }
    }
    // A status change in flight wins over what a refresh read before it landed.
    for pending in app.pending_status.values() {
        if let Some(mut ticket) = app.tickets.get_mut(&pending.ticket_id) {
            ticket.status = Some(pending.wanted);
        }
    }
    (ids, changed)
}

pub(super) fn row_differs(a: &Ticket, b: &Ticket) -> bool {
    a.subject != b.subject
        || a.status != b.status
        || a.priority != b.priority
        || a.updated != b.updated
        || a.assignee_id != b.assignee_id
        || a.tags != b.tags
}

/// Who waits for a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PageOwner {
    /// The next page, appended.
    Next(u32),
    Refresh,
    Jump,
}

pub(super) fn find_page_owner(app: &App, id: RequestId) -> Option<(ViewRef, PageOwner)> {
    for which in all_view_refs(app) {
        let view = view_at(app, which)?;
        if let Some((loading, page)) = view.loading
            && loading == id
        {
            return Some((which, PageOwner::Next(page)));
        }
        if let Some(refresh) = &view.refresh
            && refresh.requests.contains_key(&id)
        {
            return Some((which, PageOwner::Refresh));
        }
        if view
            .jump
            .as_ref()
            .is_some_and(|jump| jump.requests.contains_key(&id))
        {
            return Some((which, PageOwner::Jump));
        }
    }
    None
}

pub(super) fn page_arrived(
    app: &mut App,
    id: RequestId,
    result: Result<Page<crate::api::Ticket>, ApiError>,
    out: &mut Vec<Command>,
) {
    // A page nobody waits for (a replaced search, a view reset since) is dropped.
    let Some((which, page_no)) = find_page_owner(app, id) else {
        return;
    };
    let page = match result {
        Ok(page) => page,
        Err(error) => return page_failed(app, which, id, error, out),
    };
    let Some(view) = view_at(app, which) else {
        return;
    };
    let partial = view.is_search();
    let implied = view.implied_status();
    let Page {
        items,
        count,
        next_page,
        bad_items,
        ..
    } = page;
    let got = items.len() + bad_items.len();
    let (good_ids, changed) = upsert(app, items, partial, implied);
    let ids = with_unreadable_rows(app, good_ids, &bad_items);
    let Some(view) = view_mut(app, which) else {
        return;
    };
    view.error = None;
    // The server's own rows from here on.
    view.as_of = None;
    let mut jumping = false;
    let mut refreshed_page = None;
    match page_no {
        PageOwner::Jump => {
            jumping = jump_page_arrived(view, id, ids.clone(), next_page.is_some(), got);
            view.total = count.or(view.total);
        }
        PageOwner::Next(page_no) => {
            view.loading = None;
            let before = view.ids.len();
            // Pages arrive in order; anything else makes the layout unknown (every page is
            // then read by a refresh).
            let in_step = view.pages_known() && page_no as usize == view.page_lens.len() + 1;
            view.append_ids(ids.iter().copied());
            if in_step {
                view.page_lens.push(view.ids.len() - before);
            } else {
                view.page_lens.clear();
            }
            view.total = count.or(view.total);
            view.pages_loaded = page_no;
            let more = next_page.is_some()
                || (got > 0 && count.is_some_and(|c| (view.ids.len() as u64) < c));
            view.next_page = more.then_some(page_no + 1);
        }
        PageOwner::Refresh => {
            let Some(refresh) = &mut view.refresh else {
                return;
            };
            let Some(page_no) = refresh.requests.remove(&id) else {
                return;
            };
            refreshed_page = Some(page_no);
            if page_no == 1 {
                refresh.total = count;
            }
            if page_no == refresh.pages_wanted {
                refresh.more_after_last = next_page.is_some();
            }
            refresh.pages.insert(page_no, ids.clone());
            if refresh.mark_changes {
                view.changed.extend(changed.iter().copied());
            }
            if refresh.requests.is_empty() {
                finish_refresh(view);
            }
        }
    }
    if jumping {
        ask_jump_pages(app, which, out);
    }
    let first_page = match page_no {
        PageOwner::Next(page_no) => page_no == 1,
        PageOwner::Refresh => refreshed_page == Some(1),
        PageOwner::Jump => false,
    };
    if let (ViewRef::Tab(index), true) = (which, first_page) {
        crate::app::watch::page_one(app, index, &ids, out);
    }
    ensure_visible(app);
    if partial && !app.show_forbidden {
        enrich(app, &ids, out);
    }
    window_lookups(app, out);
    if view_ref(app) == which {
        resume_step(app, out);
        prefetch(app, out);
    }
}

/// The page's ids in the server's order, the tickets that could not be read kept in their
/// places as rows of their own (the store keeps why): every ticket of a page is accounted
/// for. One without a readable id cannot be a row; it is said on the status line.
pub(super) fn with_unreadable_rows(
    app: &mut App,
    good: Vec<u64>,
    bad: &[crate::api::model::ItemError],
) -> Vec<u64> {
    if bad.is_empty() {
        return good;
    }
    let mut ids = good;
    let mut nameless = 0;
    let mut bad: Vec<&crate::api::model::ItemError> = bad.iter().collect();
    bad.sort_by_key(|item| item.index);
    for item in bad {
        let Some(id) = item.ticket_id else {
            nameless += 1;
            continue;
        };
        // Data, not words: the list and the detail word it (`Msg::UnreadableReason`).
        let reason =
            crate::text::clean_line(&format!("{}: {}", field_path(&item.path), item.message));
        app.tickets.mark_unreadable(id, reason);
        app.full.remove(&id);
        if !ids.contains(&id) {
            ids.insert(item.index.min(ids.len()), id);
        }
    }
    if nameless > 0 {
        notice(app, Note::UnreadableWithoutId(nameless), true);
    }
    ids
}

/// `tickets[3].ticketStatus` → `ticketStatus`: the field, without the ticket's place in the
/// page (the row is that place).
pub(super) fn field_path(path: &str) -> &str {
    path.split_once("].").map_or(path, |(_, field)| field)
}

/// All pages of a refresh are in: put their rows in place, keeping the selection on its
/// ticket. A full refresh replaces every row; a partial one replaces the rows of the pages
/// it read, drops from the other (stale) pages the tickets those now hold, and keeps the
/// rest of them as they were.
pub(super) fn finish_refresh(view: &mut View) {
    let Some(refresh) = view.refresh.take() else {
        return;
    };
    let selected_id = view.selected_id();
    let fresh = refresh.pages;
    let mut slots: Vec<Vec<u64>> = Vec::new();
    if refresh.partial && view.pages_known() {
        let taken: HashSet<u64> = fresh.values().flatten().copied().collect();
        let mut start = 0;
        for (page, len) in (1u32..).zip(view.page_lens.clone()) {
            let end = (start + len).min(view.ids.len());
            let slot = match fresh.get(&page) {
                Some(ids) => ids.clone(),
                None => {
                    if refresh.rest_stale {
                        view.stale_pages.insert(page);
                    }
                    view.ids[start.min(end)..end]
                        .iter()
                        .copied()
                        .filter(|id| !taken.contains(id))
                        .collect()
                }
            };
            slots.push(slot);
            start = end;
        }
        for page in fresh.keys() {
            view.stale_pages.remove(page);
        }
        if fresh.contains_key(&refresh.pages_wanted) {
            view.next_page = refresh.more_after_last.then_some(refresh.pages_wanted + 1);
        }
    } else {
        slots = (1..=refresh.pages_wanted)
            .map(|page| fresh.get(&page).cloned().unwrap_or_default())
            .collect();
        view.stale_pages.clear();
        view.next_page = refresh.more_after_last.then_some(refresh.pages_wanted + 1);
    }
    view.set_ids(std::iter::empty());
    view.page_lens.clear();
    for slot in slots {
        let before = view.ids.len();
        view.append_ids(slot);
        view.page_lens.push(view.ids.len() - before);
    }
    view.total = refresh.total.or(view.total);
    view.pages_loaded = refresh.pages_wanted;
    if let Some(selected_id) = selected_id
        && let Some(index) = view.ids.iter().position(|id| *id == selected_id)
    {
        view.selected = index;
    }
    view.selected = view.selected.min(view.ids.len().saturating_sub(1));
}

pub(super) fn page_failed(
    app: &mut App,
    which: ViewRef,
    id: RequestId,
    error: ApiError,
    out: &mut Vec<Command>,
) {
    let is_list = view_at(app, which).is_some_and(|v| !v.is_search());
    let has_fallback = view_at(app, which).is_some_and(|v| v.spec.fallback.is_some());
    if matches!(error, ApiError::Forbidden(_)) && is_list && has_fallback {
        return list_forbidden(app, out);
    }
    let message = if matches!(error, ApiError::Forbidden(_)) && is_list {
        // A list view from the config, refused to an ordinary agent: R will not help, a
        // search view would.
        ViewError::ListRefused
    } else {
        ViewError::Api(error)
    };
    let Some(view) = view_mut(app, which) else {
        return;
    };
    if view.loading.is_some_and(|(loading, _)| loading == id) {
        view.loading = None;
    }
    if view
        .jump
        .as_ref()
        .is_some_and(|jump| jump.requests.contains_key(&id))
    {
        // The pages put in place stay; a later G goes on from there.
        view.jump = None;
    }
    if view
        .refresh
        .as_ref()
        .is_some_and(|r| r.requests.contains_key(&id))
    {
        // Keep the rows shown; a later R tries again.
        view.refresh = None;
    }
    if which == view_ref(app)
        && let Some(detail) = &mut app.detail
    {
        // The page a `]` waited for will not come; a new `]` asks again.
        detail.step_pending = false;
    }
    view_failed(app, which, message);
}

/// A view's rows could not be read again: the view keeps its rows and the error, and the
/// status line says which view failed and why.
pub(super) fn view_failed(app: &mut App, which: ViewRef, message: ViewError) {
    let Some(view) = view_mut(app, which) else {
        return;
    };
    view.error = Some(message.clone());
    let name = view.spec.name.clone();
    let note = if which == ViewRef::Search {
        Note::SearchFailed(message)
    } else {
        Note::LoadFailed {
            view: name,
            error: message,
        }
    };
    notice(app, note, true);
}

/// The list call answered 403: this is an ordinary agent. Say so once and rebuild every
/// list view from its fallback search; the user has nothing to do.
pub(super) fn list_forbidden(app: &mut App, out: &mut Vec<Command>) {
    if !app.list_forbidden {
        app.list_forbidden = true;
        // A config warning from the start (a mistyped key) asks the user to act; this
        // fact does not, so it does not cover the warning.
        let showing_startup_warning = app
            .notice
            .as_ref()
            .is_some_and(|shown| app.settings.startup_notice.as_ref() == Some(&shown.note));
        if !showing_startup_warning {
            notice(app, Note::ListForbidden, false);
        }
    }
    for index in 0..app.views.len() {
        let view = &mut app.views[index];
        if let (ViewSource::List(_), Some(fallback)) = (&view.spec.source, &view.spec.fallback) {
            let spec = ViewSpec {
                name: view.spec.name.clone(),
                source: ViewSource::Search(fallback.clone()),
                fallback: None,
                columns: view.spec.columns.clone(),
            };
            let sort = view.sort;
            let filter = view.date_filter;
            *view = View::new(spec);
            view.sort = sort;
            view.date_filter = filter;
            out.extend(fetch_page(app, ViewRef::Tab(index), 1));
        }
    }
}

/// Asks show many for rows that only a search described (admin only).
pub(super) fn enrich(app: &mut App, ids: &[u64], out: &mut Vec<Command>) {
    let waiting: HashSet<u64> = app.enriching.values().flatten().copied().collect();
    let wanted: Vec<u64> = ids
        .iter()
        .copied()
        .filter(|id| !app.full.contains(id) && !waiting.contains(id))
        .collect();
    if wanted.is_empty() {
        return;
    }
    let id = app.request_id();
    app.enriching.insert(id, wanted.clone());
    out.push(Command::ShowMany { id, ids: wanted });
}
