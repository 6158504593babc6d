//! Views computed from the local store (issue 16, item 4). Once a sync ended, the view in
//! front asks the worker for its rows from the stored tickets (`Command::LocalView`); when
//! the worker answers, the view is the store's: `o` cycles the sort through every column,
//! `O` flips it, and a typed filter narrows the rows, each change one request whose answer
//! replaces the rows (an answer to a request no longer awaited is dropped). When the worker
//! cannot answer, the view stays the server's, as before.

use super::*;
use crate::app::LocalAnswer;
use crate::app::local::Column;
use crate::app::state::LocalSort;

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

/// Asks the worker for the view's rows from the store, with their tickets when `tickets`.
pub(crate) fn ask_local(app: &mut App, which: ViewRef, tickets: bool, out: &mut Vec<Command>) {
    let id = app.request_id();
    let mut names = crate::app::local::LocalNames::of(&app.lookups);
    let by_breach = view_at(app, which)
        .and_then(|view| view.local.as_ref())
        .is_some_and(|local| local.column == Column::Breach);
    if by_breach {
        names = names.with_sla(app.settings.sla.clone(), app.now);
    }
    let names = std::sync::Arc::new(names);
    let Some(view) = view_mut(app, which) else {
        return;
    };
    let Some(source) = source_of(view) else {
        return;
    };
    let sort = view.sort;
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
        tickets,
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
        ask_local(app, which, true, out);
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
        ask_local(app, which, true, out);
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
    if !rows.tickets.is_empty() {
        upsert(app, rows.tickets, false, None);
    }
    if !rows.hits.is_empty() {
        upsert(app, rows.hits, true, None);
    }
    let ids = narrowed(app, which, rows.ids);
    let Some(view) = view_mut(app, which) else {
        return;
    };
    let selected = view.selected_id();
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
    if let Some(local) = &mut view.local {
        local.awaiting = None;
        local.as_of = Some(rows.as_of);
        local.unknown = rows.unknown;
    }
    ensure_visible(app);
    window_lookups(app, out);
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
    ask_local(app, which, false, out);
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
    ask_local(app, which, false, out);
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
    ask_local(app, which, false, out);
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
    ask_local(app, which, false, out);
}

/// Whether the view in front is the store's (its keys sort and filter locally).
pub(super) fn local_in_front(app: &App) -> bool {
    view_at(app, view_ref(app))
        .and_then(|view| view.local.as_ref())
        .is_some_and(LocalSort::answered)
}
