//! Views computed from the local store (issue 16, item 4). Once a sync ended, the view in
//! front asks the worker for its rows from the stored tickets (`Command::LocalView`); when
//! the worker answers, the view is the store's: `o` cycles the sort through every column,
//! `O` flips it, and a typed filter narrows the rows, each change one request whose answer
//! replaces the rows (an answer to a request no longer awaited is dropped). When the worker
//! cannot answer, the view stays the server's, as before.

use super::*;
use crate::app::local::Column;
use crate::app::state::LocalSort;
use crate::app::{LocalAnswer, LocalWindow};

/// The columns `o` cycles through, in order.
pub(crate) const SORT_COLUMNS: [Column; 10] = [
    Column::Id,
    Column::Status,
    Column::Priority,
    Column::Type,
    Column::Assignee,
    Column::Group,
    Column::Contact,
    Column::Tags,
    Column::Created,
    Column::Updated,
];

/// The view's definition as the server would be asked it (its sort and date filter
/// included), without a page.
fn source_of(view: &View) -> Option<ViewSource> {
    Some(match &view.spec.source {
        ViewSource::List(_) => ViewSource::List(view.list_query(1, 1).map(|mut query| {
            query.page = None;
            query.per_page = None;
            query
        })?),
        ViewSource::Search(_) => {
            ViewSource::Search(view.search_query_with(1, 1, false).map(|mut query| {
                query.page = None;
                query.per_page = None;
                query
            })?)
        }
    })
}

/// The most tickets a view from the store keeps brought in beyond the rows near the screen:
/// past it, those far from the screen are let go (read from the store again when
/// scrolled back to).
pub const HELD_MOST: usize = 1_000;

/// Asks the worker for the view's rows from the store, with the tickets of the rows around
/// the screen.
pub(crate) fn ask_local(app: &mut App, which: ViewRef, out: &mut Vec<Command>) {
    let id = app.request_id();
    let mut names = crate::app::local::LocalNames::of(&app.lookups);
    let by_breach = view_at(app, which)
        .and_then(|view| view.local.as_ref())
        .is_some_and(|local| local.column == Column::Breach);
    if by_breach {
        names = names.with_sla(app.settings.sla.clone(), app.now);
    }
    let names = std::sync::Arc::new(names);
    let rows = app.list_rows().max(1);
    let Some(view) = view_mut(app, which) else {
        return;
    };
    let Some(source) = source_of(view) else {
        return;
    };
    let window = LocalWindow {
        selected: view.selected_id(),
        rows,
    };
    let sort = view.sort;
    let quick = view.quick.clone();
    let local = view
        .local
        .get_or_insert_with(|| LocalSort::from_server(sort));
    local.awaiting = Some(id);
    out.push(Command::LocalView {
        id,
        source,
        column: local.column.clone(),
        order: local.order,
        filter: local.filter.clone(),
        quick,
        facets: local.facets_wanted,
        window,
        names,
    });
}

/// A sync ended: the view in front asks for its rows from the store (the others when shown).
pub(super) fn store_synced(app: &mut App, out: &mut Vec<Command>) {
    if !app.settings.local_store {
        return;
    }
    app.store_synced = true;
    let which = view_ref(app);
    if view_at(app, which).is_some_and(|view| view.spec.name != ViewName::Marked) {
        ask_local(app, which, out);
    }
}

/// A view shown: computed from the store when a sync ended and it is not yet.
pub(super) fn on_view_shown(app: &mut App, out: &mut Vec<Command>) {
    let which = view_ref(app);
    let wants = view_at(app, which).is_some_and(|view| {
        view.local.is_none()
            && view.spec.name != ViewName::Marked
            && !matches!(which, ViewRef::Search)
    });
    if app.store_synced && wants {
        ask_local(app, which, out);
    }
}

/// The view that awaits `id`.
fn awaiting(app: &App, id: RequestId) -> Option<ViewRef> {
    all_view_refs(app).into_iter().find(|which| {
        view_at(app, *which)
            .and_then(|view| view.local.as_ref())
            .is_some_and(|local| local.awaiting == Some(id))
    })
}

/// The worker's answer: the rows replace the view's, the selection stays on its ticket.
pub(super) fn local_rows(
    app: &mut App,
    id: RequestId,
    rows: Option<LocalAnswer>,
    out: &mut Vec<Command>,
) {
    let Some(which) = awaiting(app, id) else {
        return;
    };
    let Some(rows) = rows else {
        // The store cannot answer this view: it stays (or goes back to being) the server's.
        if let Some(view) = view_mut(app, which) {
            let answered = view.local.as_ref().is_some_and(LocalSort::answered);
            view.local = None;
            // The list call cannot narrow by a quick filter: without the store it is off,
            // rather than named on a tab whose rows it does not narrow.
            if !view.is_search() {
                view.quick = None;
            }
            if answered {
                view.stale = true;
            }
        }
        return;
    };
    let brought = take_tickets(app, rows.tickets, rows.hits);
    // Narrowed by the quick filter already: the worker holds every row's ticket.
    let ids = rows.ids;
    let Some(view) = view_mut(app, which) else {
        return;
    };
    let selected = view.selected_id();
    // A watched tab's rows, when they are the whole view (no typed or quick filter): the
    // first store answer only learns them (its rows are more than the server's first page
    // was, none of them new), later ones tell of the tickets they add.
    let watch = match (which, &view.local) {
        (ViewRef::Tab(index), Some(local))
            if local.filter.trim().is_empty() && view.quick.is_none() =>
        {
            Some((index, local.answered()))
        }
        _ => None,
    };
    let watched_ids = watch.map(|_| ids.clone());
    view.set_ids(ids);
    view.total = Some(view.ids.len() as u64);
    view.page_lens = vec![view.ids.len()];
    view.pages_loaded = 1;
    view.next_page = None;
    view.loading = None;
    view.refresh = None;
    view.jump = None;
    view.stale_pages.clear();
    view.error = None;
    view.as_of = None;
    view.selected = selected
        .and_then(|id| view.ids.iter().position(|shown| *shown == id))
        .unwrap_or(0);
    let mut facets = None;
    if let Some(local) = &mut view.local {
        local.awaiting = None;
        local.as_of = Some(rows.as_of);
        local.unknown = rows.unknown;
        local.asked.clear();
        local.held.extend(brought);
        if local.facets_wanted
            && let Some(entries) = rows.facets
        {
            // `F`'s counts, over every row: the menu opens with them.
            local.facets_wanted = false;
            facets = Some(crate::app::facets::FacetMenu {
                entries,
                selected: 0,
                rows: view.ids.len(),
                partial: false,
            });
        }
    }
    if facets.is_some() {
        app.facets = facets;
    }
    if let (Some((index, answered_before)), Some(ids)) = (watch, watched_ids) {
        if answered_before {
            crate::app::watch::page_one(app, index, &ids, out);
        } else {
            crate::app::watch::learn(app, index, &ids);
        }
    }
    ensure_visible(app);
    want_local_tickets(app, out);
    let_go_far_tickets(app, which);
    window_lookups(app, out);
}

/// Tickets read from the store into the app; answers those it did not hold before. A
/// stored copy older than the one held is left out: the server's answer to this console's
/// own change (a macro's re-read, say) is newer than the store until the next sync writes
/// it there, and an older copy over it would undo the change on screen and make a reply's
/// freshness check see the console's own change as someone else's.
fn take_tickets(app: &mut App, tickets: Vec<Ticket>, hits: Vec<Ticket>) -> Vec<u64> {
    let older_than_held = |ticket: &Ticket| {
        app.tickets.summary(&ticket.id).is_some_and(|held| {
            matches!((held.updated, ticket.updated), (Some(held), Some(stored)) if held > stored)
        })
    };
    let tickets: Vec<Ticket> = tickets
        .into_iter()
        .filter(|t| !older_than_held(t))
        .collect();
    let hits: Vec<Ticket> = hits.into_iter().filter(|t| !older_than_held(t)).collect();
    let new: Vec<u64> = tickets
        .iter()
        .chain(&hits)
        .map(|ticket| ticket.id)
        .filter(|id| !app.tickets.contains_key(id))
        .collect();
    if !tickets.is_empty() {
        upsert(app, tickets, false, None);
    }
    if !hits.is_empty() {
        upsert(app, hits, true, None);
    }
    new
}

/// The rows near the screen (a screen either side) of the view in front, when it is the
/// store's.
fn near_screen(app: &App, view: &View) -> std::ops::Range<usize> {
    let rows = app.list_rows().max(1);
    let len = view.ids.len();
    // Clamped: an offset left past the end (rows that went) asks nothing.
    let from = view.offset.saturating_sub(rows).min(len);
    let to = view.offset.saturating_add(2 * rows).min(len);
    from..to.max(from)
}

/// A view from the store scrolled or jumped to rows whose tickets the app does not hold:
/// they are asked of the worker (painted as loading meanwhile), once each.
pub(super) fn want_local_tickets(app: &mut App, out: &mut Vec<Command>) {
    let which = view_ref(app);
    let Some(view) = view_at(app, which) else {
        return;
    };
    let Some(local) = view.local.as_ref().filter(|local| local.answered()) else {
        return;
    };
    let missing: Vec<u64> = view
        .ids
        .get(near_screen(app, view))
        .unwrap_or_default()
        .iter()
        .copied()
        .filter(|id| {
            !app.tickets.contains_key(id)
                && app.tickets.unreadable(*id).is_none()
                && !local.asked.contains(id)
        })
        .collect();
    if missing.is_empty() {
        return;
    }
    let id = app.request_id();
    if let Some(local) = view_mut(app, which).and_then(|view| view.local.as_mut()) {
        local.asked.extend(missing.iter().copied());
    }
    out.push(Command::LocalTickets { id, ids: missing });
}

/// The worker's answer to [`Command::LocalTickets`]: the tickets a view from the store asked
/// for go in (those no view asks for any more are dropped), and the rows paint.
pub(super) fn local_tickets(
    app: &mut App,
    tickets: Vec<Ticket>,
    hits: Vec<Ticket>,
    out: &mut Vec<Command>,
) {
    let wanted = |app: &App, id: u64| {
        all_view_refs(app).into_iter().any(|which| {
            view_at(app, which)
                .and_then(|view| view.local.as_ref())
                .is_some_and(|local| local.asked.contains(&id))
        })
    };
    let tickets: Vec<Ticket> = tickets.into_iter().filter(|t| wanted(app, t.id)).collect();
    let hits: Vec<Ticket> = hits.into_iter().filter(|t| wanted(app, t.id)).collect();
    let ids: HashSet<u64> = tickets.iter().chain(&hits).map(|t| t.id).collect();
    let brought = take_tickets(app, tickets, hits);
    for which in all_view_refs(app) {
        let Some(local) = view_mut(app, which).and_then(|view| view.local.as_mut()) else {
            continue;
        };
        let mine: Vec<u64> = brought
            .iter()
            .copied()
            .filter(|id| local.asked.contains(id))
            .collect();
        local.held.extend(mine);
        if view_ref(app) == which {
            let_go_far_tickets(app, which);
        }
    }
    if !ids.is_empty() {
        app.dirty = true;
    }
    window_lookups(app, out);
}

/// Past [`HELD_MOST`] tickets brought in, lets go of those far from the screen that
/// nothing else shows or holds (another view's rows, the ticket open, a mark): the oldest
/// first, down to the bound.
fn let_go_far_tickets(app: &mut App, which: ViewRef) {
    let Some(view) = view_at(app, which) else {
        return;
    };
    let Some(local) = view.local.as_ref() else {
        return;
    };
    if local.held.len() <= HELD_MOST {
        return;
    }
    let near: HashSet<u64> = view
        .ids
        .get(near_screen(app, view))
        .unwrap_or_default()
        .iter()
        .copied()
        .collect();
    let selected = view.selected_id();
    let open = app.detail.as_ref().map(|detail| detail.ticket_id);
    let others: Vec<ViewRef> = all_view_refs(app)
        .into_iter()
        .filter(|other| *other != which)
        .collect();
    let kept_elsewhere = |id: u64| {
        others
            .iter()
            .any(|other| view_at(app, *other).is_some_and(|view| view.id_set.contains(&id)))
    };
    let mut excess = local.held.len() - HELD_MOST;
    let mut keep = std::collections::VecDeque::with_capacity(local.held.len());
    let mut gone = Vec::new();
    for &id in &local.held {
        let stays = excess == 0
            || near.contains(&id)
            || Some(id) == selected
            || Some(id) == open
            || app.marks.contains(id)
            || kept_elsewhere(id);
        if stays {
            keep.push_back(id);
        } else {
            gone.push(id);
            excess -= 1;
        }
    }
    for id in &gone {
        app.tickets.remove(id);
        app.full.remove(id);
        app.stored_as_of.remove(id);
    }
    if let Some(local) = view_mut(app, which).and_then(|view| view.local.as_mut()) {
        local.held = keep;
        for id in &gone {
            local.asked.remove(id);
        }
    }
}

/// The columns `o` cycles through: the ticket's own, closest to breach when SLA targets
/// are set, then the custom fields the account defines (once their definitions are in),
/// by key.
fn sort_columns(app: &App) -> Vec<Column> {
    let breach = app.settings.sla.any().then_some(Column::Breach);
    let custom = app
        .lookups
        .field_defs
        .as_ref()
        .and_then(Lookup::ready)
        .into_iter()
        .flatten()
        .map(|def| Column::Custom(def.key.clone()));
    SORT_COLUMNS
        .iter()
        .cloned()
        .chain(breach)
        .chain(custom)
        .collect()
}

/// `o` in a view from the store: the next column.
pub(super) fn cycle_local_sort(app: &mut App, out: &mut Vec<Command>) {
    let columns = sort_columns(app);
    let which = view_ref(app);
    let Some(local) = view_mut(app, which).and_then(|view| view.local.as_mut()) else {
        return;
    };
    let at = columns.iter().position(|column| *column == local.column);
    let next = at.map_or(0, |at| (at + 1) % columns.len());
    local.column = columns[next].clone();
    // Closest to breach first: the least time left (the most overdue) on top.
    if local.column == Column::Breach {
        local.order = SortOrder::Asc;
    }
    ask_local(app, which, out);
}

/// `O` in a view from the store: the other direction.
pub(super) fn flip_local_order(app: &mut App, out: &mut Vec<Command>) {
    let which = view_ref(app);
    let Some(local) = view_mut(app, which).and_then(|view| view.local.as_mut()) else {
        return;
    };
    local.order = match local.order {
        SortOrder::Asc => SortOrder::Desc,
        SortOrder::Desc => SortOrder::Asc,
    };
    ask_local(app, which, out);
}

/// A key in the live filter's prompt: when the text changed, the view asks its rows again
/// (the answer to the keystroke before is then stale and dropped).
pub(super) fn live_filter_typed(app: &mut App, out: &mut Vec<Command>) {
    let Some(prompt) = app
        .prompt
        .as_ref()
        .filter(|p| p.kind == PromptKind::LiveFilter)
    else {
        return;
    };
    let text = prompt.line.text.clone();
    let which = view_ref(app);
    let Some(local) = view_mut(app, which).and_then(|view| view.local.as_mut()) else {
        return;
    };
    if local.filter == text {
        return;
    }
    local.filter = text;
    ask_local(app, which, out);
}

/// Esc in the live filter's prompt clears the filter.
pub(super) fn live_filter_cancelled(app: &mut App, out: &mut Vec<Command>) {
    if app.pane() != Pane::Prompt
        || app.prompt.as_ref().map(|p| p.kind) != Some(PromptKind::LiveFilter)
    {
        return;
    }
    let which = view_ref(app);
    let Some(local) = view_mut(app, which).and_then(|view| view.local.as_mut()) else {
        return;
    };
    if local.filter.is_empty() {
        return;
    }
    local.filter.clear();
    ask_local(app, which, out);
}

/// Whether the view in front is the store's (its keys sort and filter locally).
pub(super) fn local_in_front(app: &App) -> bool {
    view_at(app, view_ref(app))
        .and_then(|view| view.local.as_ref())
        .is_some_and(LocalSort::answered)
}
