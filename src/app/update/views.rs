//! Which view a request or a key is about (a tab or the search), and moving in it: the
//! selection, its scroll, the tabs and the sort order.

use super::*;

/// Which view a request belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ViewRef {
    Tab(usize),
    Search,
}

pub(super) fn page_rows(app: &App) -> i64 {
    i64::try_from(app.list_rows()).unwrap_or(20).max(1)
}

pub(super) fn view_ref(app: &App) -> ViewRef {
    if app.search.is_some() {
        ViewRef::Search
    } else {
        ViewRef::Tab(app.active)
    }
}

pub(super) fn view_mut(app: &mut App, which: ViewRef) -> Option<&mut View> {
    match which {
        ViewRef::Tab(index) => app.views.get_mut(index),
        ViewRef::Search => app.search.as_mut().map(|s| &mut s.view),
    }
}

pub(super) fn view_at(app: &App, which: ViewRef) -> Option<&View> {
    match which {
        ViewRef::Tab(index) => app.views.get(index),
        ViewRef::Search => app.search.as_ref().map(|s| &s.view),
    }
}

pub(super) fn all_view_refs(app: &App) -> Vec<ViewRef> {
    let mut refs: Vec<ViewRef> = (0..app.views.len()).map(ViewRef::Tab).collect();
    if app.search.is_some() {
        refs.push(ViewRef::Search);
    }
    refs
}

pub(super) fn move_by(app: &mut App, delta: i64, out: &mut Vec<Command>) {
    match app.pane() {
        Pane::List | Pane::Prompt => {
            let which = view_ref(app);
            let Some(view) = view_at(app, which) else {
                return;
            };
            if view.ids.is_empty() {
                return;
            }
            let last = view.ids.len() as i64 - 1;
            let target = (view.selected as i64).saturating_add(delta).clamp(0, last);
            // Past the last row while the next page is on its way: the key says so at once
            // (otherwise nothing would answer it until the page lands).
            let waiting = (delta > 0 && view.selected as i64 == last)
                .then_some(view.loading)
                .flatten()
                .filter(|(_, page)| *page > 1);
            select_index(app, which, target as usize, out);
            if let Some((request, _)) = waiting {
                progress_notice(app, Note::LoadingMore, vec![request]);
            }
        }
        Pane::Detail => scroll_detail(app, delta),
        Pane::Help => {
            let limit = app.geometry.help;
            if let Some(Overlay::Help { scroll, .. }) = &mut app.overlay {
                *scroll = crate::app::layout::scroll_by(*scroll, delta, limit);
            }
        }
        Pane::CopyMenu => crate::app::copy::move_by(app, delta),
        Pane::MacroMenu => {
            let action = if delta > 0 {
                crate::app::macros::MacroAction::Down
            } else {
                crate::app::macros::MacroAction::Up
            };
            crate::app::macros::update(app, action, out);
        }
        Pane::Facets => move_facets(app, delta),
        Pane::StatusMenu => {
            if let Some(Overlay::StatusMenu { selected, .. }) = &mut app.overlay {
                let last = TicketStatus::ALL.len() as i64 - 1;
                *selected = (*selected as i64).saturating_add(delta).clamp(0, last) as usize;
            }
        }
        // The composer's keys go to its text (see `composer::update`); the bulk and sign-in
        // contexts have actions of their own, so only the wheel gets here: it moves nothing
        // hidden behind them.
        Pane::Composer
        | Pane::NewTicket
        | Pane::Bulk
        | Pane::BulkText
        | Pane::BulkPreview
        | Pane::BulkRun
        | Pane::BulkResult
        | Pane::BulkHistory
        | Pane::ResumeOffer
        | Pane::SignIn => {}
    }
}

/// Selects row `index` of a view (in range), fetching the next page when near the end.
pub(super) fn select_index(app: &mut App, which: ViewRef, index: usize, out: &mut Vec<Command>) {
    let Some(view) = view_mut(app, which) else {
        return;
    };
    view.selected = index.min(view.ids.len().saturating_sub(1));
    if let Some(id) = view.selected_id() {
        view.changed.remove(&id);
    }
    ensure_visible(app);
    prefetch(app, out);
    window_lookups(app, out);
}

/// Scrolls the current view so that the selection is on screen.
pub(super) fn ensure_visible(app: &mut App) {
    let rows = app.list_rows();
    let view = app.current_view_mut();
    view.selected = view.selected.min(view.ids.len().saturating_sub(1));
    if view.selected < view.offset {
        view.offset = view.selected;
    } else if view.selected >= view.offset + rows {
        view.offset = view.selected + 1 - rows;
    }
    // Never leave blank rows at the bottom while rows above are hidden.
    let max_offset = view.ids.len().saturating_sub(rows);
    view.offset = view.offset.min(max_offset);
}

pub(super) fn select_view(app: &mut App, index: usize, out: &mut Vec<Command>) {
    app.search = None;
    app.detail = None;
    app.active = index;
    let view = &app.views[index];
    if !view.loaded() && !view.in_flight() {
        out.extend(fetch_page(app, ViewRef::Tab(index), 1));
    } else if view.stale && !view.in_flight() {
        app.views[index].stale = false;
        refresh_view(app, ViewRef::Tab(index), false, out);
    }
    on_view_shown(app, out);
    ensure_visible(app);
    window_lookups(app, out);
    prefetch(app, out);
}

pub(super) fn cycle_sort(app: &mut App, out: &mut Vec<Command>) {
    if local_in_front(app) {
        return cycle_local_sort(app, out);
    }
    let view = app.current_view_mut();
    view.sort = match view.sort {
        None => Some(Sort {
            field: SortField::Created,
            order: SortOrder::Desc,
        }),
        Some(Sort { field, order }) => match field {
            SortField::Created => Some(Sort {
                field: SortField::Updated,
                order,
            }),
            SortField::Updated => Some(Sort {
                field: SortField::Status,
                order,
            }),
            SortField::Status => None,
        },
    };
    let search_status = view.is_search() && view.sort.is_some_and(|s| s.field == SortField::Status);
    let sort = view.sort;
    let which = view_ref(app);
    reload_all_pages(app, which, false, out);
    if search_status {
        notice(app, Note::SearchNoStatusSort, false);
    } else {
        notice(app, Note::SortBy(sort), false);
    }
}

pub(super) fn toggle_sort_order(app: &mut App, out: &mut Vec<Command>) {
    if local_in_front(app) {
        return flip_local_order(app, out);
    }
    let view = app.current_view_mut();
    view.sort = Some(match view.sort {
        None => Sort {
            field: SortField::Created,
            order: SortOrder::Desc,
        },
        Some(sort) => Sort {
            field: sort.field,
            order: match sort.order {
                SortOrder::Asc => SortOrder::Desc,
                SortOrder::Desc => SortOrder::Asc,
            },
        },
    });
    let sort = view.sort;
    let which = view_ref(app);
    reload_all_pages(app, which, false, out);
    notice(app, Note::SortBy(sort), false);
}

/// A screen of rows down or up (`half`: half a screen, at least a row).
pub(super) fn move_page(app: &mut App, down: bool, half: bool, out: &mut Vec<Command>) {
    let rows = if half {
        (page_rows(app) / 2).max(1)
    } else {
        page_rows(app)
    };
    move_by(app, if down { rows } else { -rows }, out)
}

/// The next tab, round to the first after the last.
pub(super) fn next_view(app: &mut App, out: &mut Vec<Command>) {
    let next = (app.active + 1) % app.views.len().max(1);
    select_view(app, next, out)
}

/// The previous tab, round to the last before the first.
pub(super) fn prev_view(app: &mut App, out: &mut Vec<Command>) {
    let count = app.views.len().max(1);
    let prev = (app.active + count - 1) % count;
    select_view(app, prev, out)
}

/// The terminal's new size: the selection kept on screen, and the names of the rows it now
/// shows asked for.
pub(super) fn resize(app: &mut App, width: u16, height: u16, out: &mut Vec<Command>) {
    app.width = width;
    app.height = height;
    ensure_visible(app);
    window_lookups(app, out);
}
