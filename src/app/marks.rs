//! Marks: a set of ticket ids picked for a bulk edit.
//!
//! Marks are ids, not rows, so they survive paging, refresh, sorting and switching views.
//! `Space` toggles the current row and moves down, `V` starts a range that follows the
//! cursor until `Space` or `Esc` ends it, `*` marks every loaded row, `A` marks every ticket
//! the view matches on the server (the worker walks the pages), `U` clears and `M` shows the
//! marked tickets only (a view in the search slot, so `Esc` goes back). `U` with nothing
//! marked brings back what the last `U` cleared.

use std::collections::BTreeSet;

use super::action::{Action, Command, RequestId};
use super::bulk_edit::{BulkCommand, BulkEvent};
use super::notice::Note;
use super::state::{App, Notice, SearchState, View, ViewName, ViewSource, ViewSpec};
use crate::api::{SearchQuery, Ticket};

/// What the mark keys ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkAction {
    /// `Space`: mark or unmark the current ticket and move down (ends a range).
    Toggle,
    /// `V`: start a range at the current row.
    StartRange,
    /// `*`: mark every loaded row of the view.
    MarkLoaded,
    /// `A`: mark every ticket the view matches on the server.
    MarkAllOnServer,
    /// `U`: clear every mark (kept aside: `U` with nothing marked brings them back).
    Clear,
    /// `M`: show only the marked tickets (again: back to the view).
    OnlyMarked,
}

/// A range being marked with `V`: the row it started on and the marks before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeMark {
    pub(crate) anchor: u64,
    pub(crate) base: BTreeSet<u64>,
}

/// `A` in progress: the worker walks the view's pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkFetch {
    pub(crate) request: RequestId,
    /// Ids received so far.
    pub fetched: usize,
    /// The total the server reported.
    pub(crate) total: Option<u64>,
}

/// The marked tickets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    pub ids: BTreeSet<u64>,
    pub range: Option<RangeMark>,
    pub fetch: Option<MarkFetch>,
    /// The marks the last `U` cleared, so that `U` with nothing marked restores them (a
    /// slip of one key must not lose 500 marks).
    pub(crate) cleared: Option<BTreeSet<u64>>,
}

impl Marks {
    pub(crate) fn contains(&self, id: u64) -> bool {
        self.ids.contains(&id)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

fn say(app: &mut App, note: Note) {
    app.notice = Some(Notice {
        note,
        is_error: false,
    });
}

/// Whether the marked-only view is shown.
pub(crate) fn showing_marked(app: &App) -> bool {
    app.search
        .as_ref()
        .is_some_and(|s| s.view.spec.name == ViewName::Marked)
}

/// Handles a mark key.
pub fn update(app: &mut App, action: MarkAction, out: &mut Vec<Command>) {
    match action {
        MarkAction::Toggle => {
            if app.marks.range.take().is_some() {
                say(app, Note::MarkRangeEnded(app.marks.len()));
                return;
            }
            let Some(id) = app.current_view().selected_id() else {
                return;
            };
            if !app.marks.ids.remove(&id) {
                app.marks.ids.insert(id);
            }
            out.extend(super::update::update(app, Action::MoveDown));
        }
        MarkAction::StartRange => {
            let Some(id) = app.current_view().selected_id() else {
                return;
            };
            app.marks.range = Some(RangeMark {
                anchor: id,
                base: app.marks.ids.clone(),
            });
            follow_range(app);
            say(app, Note::MarkRangeHint);
        }
        MarkAction::MarkLoaded => {
            let ids = app.current_view().ids.clone();
            let count = ids.len();
            app.marks.ids.extend(ids);
            let total = app.marks.len();
            say(app, Note::MarkLoaded { count, total });
        }
        MarkAction::MarkAllOnServer => mark_all_on_server(app, out),
        MarkAction::Clear => {
            if let Some(fetch) = app.marks.fetch.take() {
                out.push(Command::Bulk(BulkCommand::Cancel { id: fetch.request }));
            }
            app.marks.range = None;
            if app.marks.is_empty() {
                match app.marks.cleared.take() {
                    Some(cleared) => {
                        let count = cleared.len();
                        app.marks.ids = cleared;
                        say(app, Note::MarksRestored(count));
                    }
                    None => say(app, Note::MarksNone),
                }
                return;
            }
            let cleared = std::mem::take(&mut app.marks.ids);
            let count = cleared.len();
            app.marks.cleared = Some(cleared);
            say(app, Note::MarksClearedRestorable(count));
        }
        MarkAction::OnlyMarked => toggle_marked_view(app),
    }
}

/// After any action while a range is open: the range covers anchor..=cursor of the view.
pub(crate) fn follow_range(app: &mut App) {
    let Some(range) = &app.marks.range else {
        return;
    };
    let view = app.current_view();
    let Some(anchor) = view.ids.iter().position(|id| *id == range.anchor) else {
        // The anchor left the view (another view, a refresh): the range ends as it was.
        app.marks.range = None;
        return;
    };
    let (from, to) = if anchor <= view.selected {
        (anchor, view.selected)
    } else {
        (view.selected, anchor)
    };
    let mut ids = range.base.clone();
    ids.extend(
        view.ids[from..=to.min(view.ids.len().saturating_sub(1))]
            .iter()
            .copied(),
    );
    app.marks.ids = ids;
}

/// Whether Esc ends the range being marked (`V`) rather than leaving the pane: the list
/// has the keyboard, with nothing open over it.
pub(crate) fn esc_ends_range(app: &App) -> bool {
    app.marks.range.is_some()
        && !app.detail_has_focus()
        && app.prompt.is_none()
        && app.overlay.is_none()
        && app.copy_menu.is_none()
        && app.facets.is_none()
}

/// Esc while marking a range: the range ends, the marks stay.
pub(crate) fn end_range(app: &mut App) {
    app.marks.range = None;
    say(app, Note::MarkRangeEnded(app.marks.len()));
}

/// Whether the marked view is on screen with the keyboard: reload, sort and filter then
/// rebuild it from the marks ([`rebuild_marked_view`]) instead of fetching.
pub(crate) fn marked_view_local(app: &App) -> bool {
    showing_marked(app) && !app.detail_has_focus()
}

fn marked_view(app: &App) -> View {
    let mut view = View::new(ViewSpec {
        name: ViewName::Marked,
        source: ViewSource::Search(SearchQuery::default()),
        fallback: None,
        columns: None,
    });
    // Newest first, like the searches.
    view.set_ids(app.marks.ids.iter().rev().copied());
    view.total = Some(view.ids.len() as u64);
    view.next_page = None;
    view.pages_loaded = 1;
    view
}

pub(crate) fn rebuild_marked_view(app: &mut App) {
    let selected = app.current_view().selected_id();
    let mut view = marked_view(app);
    if let Some(id) = selected
        && let Some(index) = view.ids.iter().position(|x| *x == id)
    {
        view.selected = index;
    }
    if let Some(search) = &mut app.search {
        search.view = view;
    }
}

fn toggle_marked_view(app: &mut App) {
    if showing_marked(app) {
        out_of_marked_view(app);
        return;
    }
    let return_to = match &app.search {
        Some(search) => search.return_to,
        None => (app.active, app.views[app.active].selected_id()),
    };
    let view = marked_view(app);
    app.detail = None;
    app.search = Some(SearchState {
        text: String::new(),
        view,
        return_to,
    });
}

fn out_of_marked_view(app: &mut App) {
    // Esc leaves the search slot and puts the selection back.
    super::update::update(app, Action::Back);
}

fn mark_all_on_server(app: &mut App, out: &mut Vec<Command>) {
    if showing_marked(app) {
        return;
    }
    let per_page = app.settings.per_page;
    let view = app.current_view();
    let source = match &view.spec.source {
        ViewSource::List(_) => view.list_query(1, per_page).map(ViewSource::List),
        ViewSource::Search(_) => view.search_query(1, per_page).map(ViewSource::Search),
    };
    let Some(source) = source else {
        return;
    };
    if let Some(previous) = app.marks.fetch.take() {
        out.push(Command::Bulk(BulkCommand::Cancel {
            id: previous.request,
        }));
    }
    let id = app.request_id();
    app.marks.fetch = Some(MarkFetch {
        request: id,
        fetched: 0,
        total: None,
    });
    out.push(Command::Bulk(BulkCommand::FetchIds { id, source }));
    // Until every id has come (then the count is said): not on a timer.
    super::update::progress_notice(app, Note::MarkFetchStarted, vec![id]);
}

/// A page of ids for `A`, or its end.
pub(crate) fn worker_event(app: &mut App, event: BulkEvent) {
    match event {
        BulkEvent::IdsPage { id, tickets, total } => {
            let Some(fetch) = &mut app.marks.fetch else {
                return;
            };
            if fetch.request != id {
                return;
            }
            fetch.fetched += tickets.len();
            fetch.total = total.or(fetch.total);
            let (fetched, total) = (fetch.fetched, fetch.total);
            for ticket in tickets {
                app.marks.ids.insert(ticket.id);
                remember(app, ticket);
            }
            say(app, Note::MarkFetchProgress { fetched, total });
        }
        BulkEvent::IdsDone { id, error } => {
            let Some(fetch) = &app.marks.fetch else {
                return;
            };
            if fetch.request != id {
                return;
            }
            let fetched = fetch.fetched;
            app.marks.fetch = None;
            let marked = app.marks.len();
            match error {
                None => say(app, Note::MarkFetchDone { fetched, marked }),
                Some(error) => {
                    app.notice = Some(Notice {
                        note: Note::MarkFetchStopped { marked, error },
                        is_error: true,
                    });
                }
            }
        }
        _ => {}
    }
}

/// Keeps a ticket fetched for `A` so the marked view can show its row; a row already known
/// is left as it is (it may be fuller).
fn remember(app: &mut App, ticket: Ticket) {
    let id = ticket.id;
    if app.tickets.contains_key(&id) {
        return;
    }
    let full = crate::bulk::ticket_is_full(&ticket);
    app.tickets.insert(id, ticket);
    if full {
        app.full.insert(id);
    }
}
