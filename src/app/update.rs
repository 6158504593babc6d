//! The one pure function that changes the console's state: `update(app, action)`.
//!
//! It never does I/O: what must happen outside (a request, a clipboard write) comes back as
//! [`Command`]s, each request with a fresh [`RequestId`]. A result whose id no longer matches
//! what the state waits for (a replaced search, a closed detail) is dropped.

use std::collections::{BTreeSet, HashSet};

use chrono::{NaiveDate, Timelike};

use super::action::{Action, Command, LookupKey, LookupValue, RequestId, WorkerEvent};
use super::line_edit::LineEdit;
use super::notice::{Note, PromptError, StatusFailure, ViewError};
use super::state::{
    App, DateFilter, Jump, Lookup, NAMES_DEADLINE_MS, NAMES_REFRESH_AFTER_HOURS, Notice,
    NoticeClock, Overlay, Pane, PendingStatus, Prompt, PromptKind, Refresh, SearchState, Sort,
    SortField, View, ViewName, ViewSource, ViewSpec,
};
use crate::api::{ApiError, Page, SearchQuery, SortOrder, Ticket, TicketStatus};

/// Which view a request belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ViewRef {
    Tab(usize),
    Search,
}

/// How long a notice that is not an error stays, in seconds of the ticks' clock.
pub const NOTICE_SECS: i64 = 4;

/// Applies one action; returns what must be done outside.
pub fn update(app: &mut App, action: Action) -> Vec<Command> {
    let from_worker = matches!(action, Action::Worker(_));
    if super::keymap::is_user_input(&action) && app.notice.is_some() {
        // The next key clears the status line: what it said has been seen.
        app.notice = None;
        app.notice_clock = NoticeClock::default();
        app.dirty = true;
    }
    let before = app.notice.clone();
    let had_detail = app.detail.is_some();
    let out = apply(app, action);
    if app.detail.is_some() != had_detail {
        app.clear_before_draw = true;
    }
    if app.notice != before {
        app.notice_clock.since = Some(app.now);
    }
    if from_worker {
        settle_progress(app);
    }
    out
}

/// Puts up a progress notice ("Reloading…"): it stays until none of `requests` is awaited
/// any more (or another notice or a key replaces it), not on a timer.
pub fn progress_notice(app: &mut App, note: Note, requests: Vec<RequestId>) {
    let shown = Notice {
        note,
        is_error: false,
    };
    app.notice = Some(shown.clone());
    app.notice_clock.progress = Some((shown, requests));
}

/// After a result: a progress notice whose requests have all landed goes.
fn settle_progress(app: &mut App) {
    let Some((shown, requests)) = &app.notice_clock.progress else {
        return;
    };
    if app.notice.as_ref() != Some(shown) {
        // Replaced by another notice: that one lives by the ordinary rules.
        app.notice_clock.progress = None;
        return;
    }
    if !requests.iter().any(|id| awaited(app, *id)) {
        app.notice = None;
        app.notice_clock = NoticeClock::default();
        app.dirty = true;
    }
}

/// Whether request `id` is still awaited by something on screen: a page, the detail, a
/// status change (see `faults::waits_for`), a reply being sent, a ticket being created, or
/// the ids of `A` being fetched.
fn awaited(app: &App, id: RequestId) -> bool {
    super::faults::waits_for(app, id)
        || app.compose.sending.contains_key(&id)
        || (app.compose.new_ticket.as_ref()).is_some_and(|form| form.creating == Some(id))
        || app
            .marks
            .fetch
            .as_ref()
            .is_some_and(|fetch| fetch.request == id)
}

/// On a tick: a notice that is not an error, not progress and not the one from start (a
/// config warning, kept until a key) goes [`NOTICE_SECS`] after it was put up.
fn expire_notice(app: &mut App, now: chrono::NaiveDateTime) {
    let Some(shown) = &app.notice else {
        return;
    };
    let progress = app
        .notice_clock
        .progress
        .as_ref()
        .is_some_and(|(notice, _)| notice == shown);
    let expired = app
        .notice_clock
        .since
        .is_some_and(|since| (now - since).num_seconds() >= NOTICE_SECS);
    if !shown.is_error && !progress && expired {
        app.notice = None;
        app.notice_clock = NoticeClock::default();
        app.dirty = true;
    }
}

fn apply(app: &mut App, action: Action) -> Vec<Command> {
    // The marks feature's own arms, ahead of the dispatch: it takes two list actions for
    // itself and nothing after reacts to them (no preview sync, no range follow): Esc ends
    // a range being marked, and the marked view, which is local, is rebuilt from the marks
    // instead of fetched.
    match action {
        Action::Back if super::marks::esc_ends_range(app) => {
            super::marks::end_range(app);
            app.dirty = true;
            return Vec::new();
        }
        Action::Reload | Action::CycleSortField | Action::ToggleSortOrder | Action::StartFilter
            if super::marks::marked_view_local(app) =>
        {
            super::marks::rebuild_marked_view(app);
            app.dirty = true;
            return Vec::new();
        }
        _ => {}
    }
    let mut out = Vec::new();
    // Ticks decide for themselves whether anything needs drawing (see `tick`).
    let is_tick = matches!(action, Action::Tick { .. });
    // A name's answer decides for itself whether it is worth a draw (`redraw_for_name`).
    let is_name = matches!(action, Action::Worker(WorkerEvent::Looked { .. }));
    let mut is_quiet = false;
    if super::keymap::ends_pending(&action) {
        app.key_pending = None;
    }
    match action {
        Action::Start => {
            start(app, &mut out);
            super::bulk_edit::start(app, &mut out);
        }
        Action::MoveDown => move_by(app, 1, &mut out),
        Action::MoveUp => move_by(app, -1, &mut out),
        Action::Top => move_by(app, i64::MIN / 2, &mut out),
        Action::Bottom => bottom(app, &mut out),
        Action::PageDown => {
            let rows = page_rows(app);
            move_by(app, rows, &mut out)
        }
        Action::PageUp => {
            let rows = page_rows(app);
            move_by(app, -rows, &mut out)
        }
        Action::HalfPageDown => {
            let rows = (page_rows(app) / 2).max(1);
            move_by(app, rows, &mut out)
        }
        Action::HalfPageUp => {
            let rows = (page_rows(app) / 2).max(1);
            move_by(app, -rows, &mut out)
        }
        Action::Wheel(lines) => move_by(app, i64::from(lines), &mut out),
        Action::Paste(text) => paste(app, &text, &mut out),
        Action::NextView => {
            let next = (app.active + 1) % app.views.len().max(1);
            select_view(app, next, &mut out)
        }
        Action::PrevView => {
            let count = app.views.len().max(1);
            let prev = (app.active + count - 1) % count;
            select_view(app, prev, &mut out)
        }
        Action::SelectView(index) => {
            if index < app.views.len() {
                select_view(app, index, &mut out)
            }
        }
        Action::CycleSortField => cycle_sort(app, &mut out),
        Action::ToggleSortOrder => toggle_sort_order(app, &mut out),
        Action::Open => open_detail(app, &mut out),
        Action::NextTicket => step_ticket(app, true, &mut out),
        Action::PrevTicket => step_ticket(app, false, &mut out),
        Action::StartGoTo => {
            app.prompt = Some(Prompt::new(PromptKind::GoTo, ""));
            ensure_visible(app);
        }
        Action::Back => back(app),
        Action::OpenStatusMenu => open_status_menu(app),
        Action::PickStatus(status) => pick_status(app, status, &mut out),
        Action::PickSelectedStatus => {
            if let Some(Overlay::StatusMenu { selected, .. }) = &app.overlay {
                let status = TicketStatus::ALL
                    .get(*selected)
                    .copied()
                    .unwrap_or(TicketStatus::New);
                pick_status(app, status, &mut out)
            }
        }
        Action::Copy(action) => super::copy::update(app, action, &mut out),
        Action::Reload => reload(app, &mut out),
        Action::ToggleHelp => {
            app.overlay = match app.overlay {
                Some(Overlay::Help { .. }) => None,
                _ => Some(Overlay::Help {
                    pane: app.pane(),
                    scroll: 0,
                }),
            };
        }
        Action::StartSearch => {
            // Like a shell: the search shown comes back, a space after it, ready to be
            // narrowed (Ctrl-U clears it).
            let text = app
                .search
                .as_ref()
                .map(|s| format!("{} ", s.text))
                .unwrap_or_default();
            app.prompt = Some(Prompt::new(PromptKind::Search, text));
            ensure_visible(app);
        }
        Action::StartFilter => {
            app.prompt = Some(Prompt::new(PromptKind::Filter, ""));
            ensure_visible(app);
        }
        Action::InputChar(c) => edit_prompt(app, LineEdit::Insert(c)),
        Action::InputBackspace => edit_prompt(app, LineEdit::Backspace),
        Action::InputLeft => edit_prompt(app, LineEdit::Left),
        Action::InputRight => edit_prompt(app, LineEdit::Right),
        // The bulk form's text row takes the same line keys as the prompts.
        Action::Line(edit) if app.pane() == Pane::BulkText => {
            super::bulk_edit::edit_text(app, edit)
        }
        Action::Line(edit) => edit_prompt(app, edit),
        Action::InputSubmit => submit_prompt(app, &mut out),
        Action::Quit => app.quit = true,
        Action::Keys(input) => super::keymap::update_keys(app, input),
        Action::Drawn(geometry) => {
            // Only a clamp or a caret scroll that moved is worth another frame.
            is_quiet = !super::layout::drawn(app, geometry);
        }
        Action::Resize { width, height } => {
            app.width = width;
            app.height = height;
            ensure_visible(app);
            window_lookups(app, &mut out);
        }
        Action::Tick { now } => {
            tick(app, now, &mut out);
            super::composer::on_tick(app, &mut out);
        }
        Action::Worker(WorkerEvent::Fault(event)) => super::faults::event(app, event, &mut out),
        // Every result passes the fault notices: what the status line said before it and
        // whether it failed (`Before::of`), then, once handled, a 401 opens the sign-in
        // prompt and a failure given up on says R retries (`after`).
        Action::Worker(event) => {
            let before = super::faults::Before::of(app, &event);
            worker_event(app, event, &mut out);
            before.after(app);
        }
        Action::Fault(action) => super::faults::update(app, action, &mut out),
        Action::Compose(action) => super::composer::update(app, action, &mut out),
        Action::Marks(action) => super::marks::update(app, action, &mut out),
        Action::Bulk(action) => super::bulk_edit::update(app, action, &mut out),
    }
    if app.marks.range.is_some() {
        super::marks::follow_range(app);
    }
    if sync_preview(app, &mut out) {
        app.dirty = true;
    }
    if !is_tick && !is_name && !is_quiet {
        app.dirty = true;
    }
    if app.dirty {
        // This draw shows every name in so far.
        app.lookups.undrawn_since = None;
    }
    out
}

fn notice(app: &mut App, note: Note, is_error: bool) {
    app.notice = Some(Notice { note, is_error });
}

fn page_rows(app: &App) -> i64 {
    i64::try_from(app.list_rows()).unwrap_or(20).max(1)
}

fn view_ref(app: &App) -> ViewRef {
    if app.search.is_some() {
        ViewRef::Search
    } else {
        ViewRef::Tab(app.active)
    }
}

fn view_mut(app: &mut App, which: ViewRef) -> Option<&mut View> {
    match which {
        ViewRef::Tab(index) => app.views.get_mut(index),
        ViewRef::Search => app.search.as_mut().map(|s| &mut s.view),
    }
}

fn view_at(app: &App, which: ViewRef) -> Option<&View> {
    match which {
        ViewRef::Tab(index) => app.views.get(index),
        ViewRef::Search => app.search.as_ref().map(|s| &s.view),
    }
}

fn all_view_refs(app: &App) -> Vec<ViewRef> {
    let mut refs: Vec<ViewRef> = (0..app.views.len()).map(ViewRef::Tab).collect();
    if app.search.is_some() {
        refs.push(ViewRef::Search);
    }
    refs
}

// ---------------------------------------------------------------------------------------
// Start, paging, refresh.

fn start(app: &mut App, out: &mut Vec<Command>) {
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
}

/// Every tab with no page yet and none on the way asks for its first page (after signing
/// in again: the old password's fetches failed, and the tabs would show "…" until opened).
pub fn fetch_unloaded_tabs(app: &mut App, out: &mut Vec<Command>) {
    for index in 0..app.views.len() {
        let view = &app.views[index];
        if !view.loaded() && !view.in_flight() {
            out.extend(fetch_page(app, ViewRef::Tab(index), 1));
        }
    }
}

/// Asks for page `page` of a view and records it as in flight.
fn fetch_page(app: &mut App, which: ViewRef, page: u32) -> Option<Command> {
    let per_page = app.settings.per_page;
    let id = app.request_id();
    let view = view_mut(app, which)?;
    let command = page_command(view, id, page, per_page)?;
    view.loading = Some((id, page));
    Some(command)
}

/// The request for page `page` of a view: the list call or the search its source names.
fn page_command(view: &View, id: RequestId, page: u32, per_page: u32) -> Option<Command> {
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
fn prefetch(app: &mut App, out: &mut Vec<Command>) {
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
fn refresh_view(app: &mut App, which: ViewRef, mark_changes: bool, out: &mut Vec<Command>) {
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
fn reload_all_pages(app: &mut App, which: ViewRef, mark_changes: bool, out: &mut Vec<Command>) {
    let Some(view) = view_at(app, which) else {
        return;
    };
    let pages = (1..=view.pages_loaded.max(1)).collect();
    refresh_pages(app, which, pages, None, mark_changes, out);
}

/// Asks for `pages` of a view again as one refresh (see [`finish_refresh`]): every row
/// replaced (`partial` `None`), or only those of `pages`, the others then stale or not
/// (`Some(rest_stale)`).
fn refresh_pages(
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
pub fn ticket_created(app: &mut App, out: &mut Vec<Command>) {
    refresh_counts(app, out);
}

/// A ticket's status changed from this console: the loaded views reload now (the ticket
/// moves between them and their counts with it), and the ticket is read again for the
/// server's new update time (the update-many answer carries none). For an agent, who may
/// not call show, the reloaded views' search rows carry it.
pub fn status_changed(app: &mut App, ticket: u64, out: &mut Vec<Command>) -> Option<RequestId> {
    refresh_counts(app, out);
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
pub fn refresh_counts(app: &mut App, out: &mut Vec<Command>) {
    refresh_other_views(app, out);
    let shown = view_ref(app);
    if view_at(app, shown).is_some_and(|view| view.loaded()) {
        refresh_view(app, shown, false, out);
    }
}

/// After a bulk run: every other loaded tab reloads now, so the counts on the tab line are
/// right at once.
pub fn refresh_other_views(app: &mut App, out: &mut Vec<Command>) {
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

fn reload(app: &mut App, out: &mut Vec<Command>) {
    let first = out.len();
    let which = view_ref(app);
    refresh_view(app, which, false, out);
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

fn tick(app: &mut App, now: chrono::NaiveDateTime, out: &mut Vec<Command>) {
    let minute_changed = now.minute() != app.now.minute() || now.date() != app.now.date();
    app.now = now;
    super::keymap::expire_pending(app, now);
    expire_notice(app, now);
    let busy = app.busy();
    if busy {
        app.spinner = app.spinner.wrapping_add(1);
    }
    if let Some(secs) = app.settings.auto_refresh_secs
        && secs > 0
    {
        let due = app
            .last_refresh
            .is_none_or(|last| (now - last).num_seconds() >= secs as i64);
        let which = view_ref(app);
        let idle = view_at(app, which).is_some_and(|v| !v.in_flight());
        if due && idle {
            app.last_refresh = Some(now);
            refresh_view(app, which, true, out);
        }
    }
    // Nothing to draw when idle and the minute (relative times) did not change: a console
    // left alone writes no bytes.
    let names_due = app
        .lookups
        .undrawn_since
        .is_some_and(|since| (now - since).num_milliseconds() >= NAMES_DEADLINE_MS);
    let redraw = busy || minute_changed || names_due || !out.is_empty();
    app.dirty |= redraw;
}

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

fn row_differs(a: &Ticket, b: &Ticket) -> bool {
    a.subject != b.subject
        || a.status != b.status
        || a.priority != b.priority
        || a.updated != b.updated
        || a.assignee_id != b.assignee_id
        || a.tags != b.tags
}

/// Who waits for a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PageOwner {
    /// The next page, appended.
    Next(u32),
    Refresh,
    Jump,
}

fn find_page_owner(app: &App, id: RequestId) -> Option<(ViewRef, PageOwner)> {
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

/// `G` in a list: to the last row loaded; when the total says more pages follow than the
/// next, every page up to the last is asked for, several at a time (a deep jump), and the
/// selection goes to the last row once they are in.
fn bottom(app: &mut App, out: &mut Vec<Command>) {
    let which = view_ref(app);
    if app.pane() == Pane::List
        && let Some(view) = view_at(app, which)
        && view.loaded()
        && !view.in_flight()
        && view.pages_known()
        && let (Some(next), Some(total)) = (view.next_page, view.total)
        && let Some(&per_page) = view.page_lens.first()
        && per_page > 0
    {
        // Page 1's size is the server's page size, whatever was asked.
        let last = u32::try_from(total.div_ceil(per_page as u64)).unwrap_or(u32::MAX);
        if last > next
            && let Some(view) = view_mut(app, which)
        {
            view.jump = Some(Jump {
                next_append: next,
                next_ask: next,
                last,
                ..Jump::default()
            });
            ask_jump_pages(app, which, out);
        }
    }
    move_by(app, i64::MAX / 2, out);
}

/// Keeps `Settings::page_concurrency` pages of a deep jump in flight.
fn ask_jump_pages(app: &mut App, which: ViewRef, out: &mut Vec<Command>) {
    let per_page = app.settings.per_page;
    let most = app.settings.page_concurrency.max(1);
    loop {
        let Some(view) = view_at(app, which) else {
            return;
        };
        let Some(jump) = &view.jump else {
            return;
        };
        if jump.requests.len() >= most || jump.next_ask > jump.last {
            return;
        }
        let page = jump.next_ask;
        let id = app.request_id();
        let Some(view) = view_mut(app, which) else {
            return;
        };
        let command = page_command(view, id, page, per_page);
        let Some(jump) = &mut view.jump else {
            return;
        };
        jump.next_ask += 1;
        if let Some(command) = command {
            jump.requests.insert(id, page);
            out.push(command);
        }
    }
}

/// A page of a deep jump: put in place with those before it that wait; returns whether the
/// jump goes on (more pages to ask). At its end the selection goes to the last row.
fn jump_page_arrived(
    view: &mut View,
    id: RequestId,
    ids: Vec<u64>,
    next_link: bool,
    got: usize,
) -> bool {
    let Some(mut jump) = view.jump.take() else {
        return false;
    };
    let Some(page_no) = jump.requests.remove(&id) else {
        view.jump = Some(jump);
        return false;
    };
    // More follow when the server links a next page or the total says so.
    let more = next_link || (got > 0 && page_no < jump.last);
    jump.arrived.insert(page_no, (ids, more));
    let mut ended = false;
    while let Some((ids, more)) = jump.arrived.remove(&jump.next_append) {
        let before = view.ids.len();
        view.append_ids(ids);
        view.page_lens.push(view.ids.len() - before);
        view.pages_loaded = jump.next_append;
        view.next_page = more.then_some(jump.next_append + 1);
        jump.next_append += 1;
        if !more {
            ended = true;
            break;
        }
    }
    if ended || jump.next_append > jump.last {
        view.selected = view.ids.len().saturating_sub(1);
        return false;
    }
    view.jump = Some(jump);
    true
}

fn page_arrived(
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
    let mut jumping = false;
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
fn with_unreadable_rows(
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
fn field_path(path: &str) -> &str {
    path.split_once("].").map_or(path, |(_, field)| field)
}

/// All pages of a refresh are in: put their rows in place, keeping the selection on its
/// ticket. A full refresh replaces every row; a partial one replaces the rows of the pages
/// it read, drops from the other (stale) pages the tickets those now hold, and keeps the
/// rest of them as they were.
fn finish_refresh(view: &mut View) {
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

fn page_failed(
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
    view.error = Some(message.clone());
    let name = view.spec.name.clone();
    if which == view_ref(app)
        && let Some(detail) = &mut app.detail
    {
        // The page a `]` waited for will not come; a new `]` asks again.
        detail.step_pending = false;
    }
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
fn list_forbidden(app: &mut App, out: &mut Vec<Command>) {
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
fn enrich(app: &mut App, ids: &[u64], out: &mut Vec<Command>) {
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

// ---------------------------------------------------------------------------------------
// Navigation.

fn move_by(app: &mut App, delta: i64, out: &mut Vec<Command>) {
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
                *scroll = super::layout::scroll_by(*scroll, delta, limit);
            }
        }
        Pane::CopyMenu => super::copy::move_by(app, delta),
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
fn select_index(app: &mut App, which: ViewRef, index: usize, out: &mut Vec<Command>) {
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

/// Scrolls the open ticket by `delta` lines (clamped to its length as last drawn).
pub(crate) fn scroll_detail(app: &mut App, delta: i64) {
    let limit = app.geometry.detail;
    if let Some(detail) = &mut app.detail {
        detail.scroll = super::layout::scroll_by(detail.scroll, delta, limit);
    }
}

/// Scrolls the current view so that the selection is on screen.
fn ensure_visible(app: &mut App) {
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

fn select_view(app: &mut App, index: usize, out: &mut Vec<Command>) {
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
    ensure_visible(app);
    window_lookups(app, out);
    prefetch(app, out);
}

fn cycle_sort(app: &mut App, out: &mut Vec<Command>) {
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

fn toggle_sort_order(app: &mut App, out: &mut Vec<Command>) {
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

// ---------------------------------------------------------------------------------------
// Detail, status menu.

fn open_detail(app: &mut App, out: &mut Vec<Command>) {
    let Some(ticket_id) = app.current_view().selected_id() else {
        return;
    };
    open_ticket(app, ticket_id, out);
}

/// Opens a ticket with the keyboard in it: over the list, or in the preview beside it
/// (which may show it already: it then keeps its scroll). A show reads it afresh.
fn open_ticket(app: &mut App, ticket_id: u64, out: &mut Vec<Command>) {
    let scroll = app
        .detail
        .as_ref()
        .filter(|d| d.ticket_id == ticket_id)
        .map_or(0, |d| d.scroll);
    super::composer::set_detail(app, ticket_id, true, true, scroll, out);
    detail_lookups(app, out);
}

/// On a wide screen, the preview beside the list shows the selected ticket while the list
/// has the keyboard; on a narrow one there is no preview (a detail open there has the
/// keyboard). Reads the ticket only when the store lacks it in full and no show-many is on
/// the way, so holding `j` does not send a call per row. Returns whether it changed.
fn sync_preview(app: &mut App, out: &mut Vec<Command>) -> bool {
    let focused = app.detail.as_ref().is_some_and(|d| d.focused);
    if focused || app.compose.composer.is_some() || app.compose.new_ticket.is_some() {
        return false;
    }
    if !app.detail_beside() {
        // A preview left from a wider screen: the list keeps the keyboard.
        return app.detail.take().is_some();
    }
    let Some(ticket_id) = app.current_view().selected_id() else {
        return app.detail.take().is_some();
    };
    if app
        .detail
        .as_ref()
        .is_some_and(|d| d.ticket_id == ticket_id)
    {
        return false;
    }
    let read = !app.full.contains(&ticket_id)
        && !app.enriching.values().any(|ids| ids.contains(&ticket_id));
    super::composer::set_detail(app, ticket_id, read, false, 0, out);
    detail_lookups(app, out);
    true
}

/// `]` / `[` in an open ticket: the next or previous ticket of the view, the list's
/// selection moving along (fetching pages as moving the list does). Past the last loaded
/// row, the next page is fetched and the step is taken when it arrives.
fn step_ticket(app: &mut App, forward: bool, out: &mut Vec<Command>) {
    let Some(current) = app.detail.as_ref().map(|d| d.ticket_id) else {
        return;
    };
    let which = view_ref(app);
    let Some(view) = view_at(app, which) else {
        return;
    };
    let target = match view.ids.iter().position(|id| *id == current) {
        Some(index) if forward => index + 1,
        Some(index) => match index.checked_sub(1) {
            Some(index) => index,
            None => return,
        },
        // A ticket opened by number that the view does not hold: the selected row's.
        None => view.selected,
    };
    if let Some(&ticket_id) = view.ids.get(target) {
        select_index(app, which, target, out);
        open_ticket(app, ticket_id, out);
        return;
    }
    let next_page = view.next_page.filter(|_| forward && view.loaded());
    let Some(page) = next_page else {
        return;
    };
    let idle = !view.in_flight();
    if let Some(detail) = &mut app.detail {
        detail.step_pending = true;
    }
    if idle {
        out.extend(fetch_page(app, which, page));
    }
}

/// A page of the view shown arrived: a `]` waiting for it is taken now.
fn resume_step(app: &mut App, out: &mut Vec<Command>) {
    let Some(detail) = app.detail.as_mut().filter(|d| d.step_pending) else {
        return;
    };
    detail.step_pending = false;
    step_ticket(app, true, out);
}

/// `#` then a number: that ticket, selected in the view if the view holds it, else read
/// by id.
fn go_to_ticket(app: &mut App, ticket_id: u64, out: &mut Vec<Command>) {
    let which = view_ref(app);
    let index = view_at(app, which).and_then(|v| v.ids.iter().position(|id| *id == ticket_id));
    if let Some(index) = index {
        select_index(app, which, index, out);
    }
    open_ticket(app, ticket_id, out);
}

/// A ticket number as typed in the `#` prompt (`1234` or `#1234`); `None` when it is not
/// one.
pub fn ticket_number(text: &str) -> Option<u64> {
    let text = text.trim();
    let text = text.strip_prefix('#').unwrap_or(text).trim();
    text.parse::<u64>().ok().filter(|id| *id > 0)
}

fn back(app: &mut App) {
    match app.pane() {
        Pane::Help | Pane::StatusMenu => app.overlay = None,
        Pane::CopyMenu => app.copy_menu = None,
        Pane::Prompt => {
            app.prompt = None;
            ensure_visible(app);
        }
        Pane::Detail => {
            if app.detail_beside() {
                // The preview stays beside the list and follows the selection again.
                if let Some(detail) = &mut app.detail {
                    detail.focused = false;
                    detail.step_pending = false;
                }
            } else {
                app.detail = None;
            }
        }
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
        Pane::List => {
            // Leaving search results: back to the tab and the ticket the user came from.
            if let Some(search) = app.search.take() {
                let (tab, selected_id) = search.return_to;
                app.active = tab.min(app.views.len().saturating_sub(1));
                if let Some(selected_id) = selected_id {
                    let view = &mut app.views[app.active];
                    if let Some(index) = view.ids.iter().position(|id| *id == selected_id) {
                        view.selected = index;
                    }
                }
                ensure_visible(app);
            }
        }
    }
}

/// The ticket an action applies to: the one in the detail, else the selected row.
fn target_ticket(app: &App) -> Option<u64> {
    match &app.detail {
        Some(detail) => Some(detail.ticket_id),
        None => app.current_view().selected_id(),
    }
}

fn open_status_menu(app: &mut App) {
    let Some(ticket_id) = target_ticket(app) else {
        return notice(app, Note::NoTicketSelected, false);
    };
    let current = app.tickets.summary(&ticket_id).and_then(|t| t.status);
    let selected = current
        .and_then(|s| TicketStatus::ALL.iter().position(|x| *x == s))
        .unwrap_or(0);
    app.overlay = Some(Overlay::StatusMenu {
        ticket_id,
        selected,
    });
    if !app.marks.is_empty() {
        // With tickets marked, a user may expect `s` to act on them: say it does not.
        let note = Note::StatusMenuNotMarks {
            ticket: ticket_id,
            marked: app.marks.len(),
        };
        notice(app, note, false);
    }
}

/// Sets the status at once (optimistic) and sends the update; a failure puts it back.
fn pick_status(app: &mut App, status: TicketStatus, out: &mut Vec<Command>) {
    let Some(Overlay::StatusMenu { ticket_id, .. }) = app.overlay.take() else {
        return;
    };
    let Some(ticket) = app.tickets.get(&ticket_id) else {
        // Opened by number and not found, or not read yet: nothing to plan from.
        return notice(app, Note::StatusUnknownTicket(ticket_id), true);
    };
    let previous = ticket.status;
    if previous == Some(status) {
        return;
    }
    // A one-ticket bulk run, planned from the ticket as it was: the engine journals the
    // previous status, so the change shows in the history (`H`) and can be undone.
    let edit = crate::bulk::BulkEdit::from(crate::api::TicketChange {
        status: Some(status),
        ..crate::api::TicketChange::default()
    });
    let stamp = app.run_stamp();
    let plan = crate::bulk::Plan::new(
        &edit,
        std::slice::from_ref(&ticket),
        app.settings.bulk_target.clone(),
        stamp,
    );
    let Some(mut ticket) = app.tickets.get_mut(&ticket_id) else {
        return;
    };
    ticket.status = Some(status);
    drop(ticket);
    let id = app.request_id();
    app.pending_status.insert(
        id,
        PendingStatus {
            ticket_id,
            previous,
            wanted: status,
        },
    );
    out.push(Command::Bulk(super::bulk_edit::BulkCommand::Start {
        id,
        plan: Box::new(plan),
    }));
}

// ---------------------------------------------------------------------------------------
// Prompts.

/// A paste goes to the pane that takes text: the composer and the new-ticket form take it
/// whole; a one-line prompt takes it as typed characters, on one line. Anywhere else it is
/// dropped: pasted text must never run as key commands.
fn paste(app: &mut App, text: &str, out: &mut Vec<Command>) {
    match app.pane() {
        Pane::Composer | Pane::NewTicket => super::composer::paste(app, text),
        // The line editor takes it whole, on one line, at the caret.
        Pane::Prompt => {
            let line = super::composer::one_line(&super::composer::clean_edited(text));
            edit_prompt(app, LineEdit::Paste(line));
        }
        Pane::BulkText => {
            let line = super::composer::one_line(&super::composer::clean_edited(text));
            super::bulk_edit::edit_text(app, LineEdit::Paste(line));
        }
        Pane::SignIn => {
            let line = super::composer::one_line(&super::composer::clean_edited(text));
            // Each character as typed: a plain character is the password's (the key map's
            // rule for the sign-in prompt, `keymap::action_for_key`).
            for c in line.chars() {
                let action = Action::Fault(super::faults::FaultAction::SignInChar(c));
                out.extend(update(app, action));
            }
        }
        _ => {}
    }
}

fn edit_prompt(app: &mut App, edit: LineEdit) {
    let Some(prompt) = &mut app.prompt else {
        return;
    };
    let kind = prompt.kind;
    match edit {
        LineEdit::HistoryPrev | LineEdit::HistoryNext => {
            let entries = app.prompt_history.entries(kind.history());
            prompt.line.browse(entries, edit == LineEdit::HistoryPrev);
        }
        // Only the search language has names to complete.
        LineEdit::Complete if kind == PromptKind::Search => {
            prompt.line.complete(super::line_edit::search_candidates)
        }
        LineEdit::Complete => {}
        edit => {
            prompt.line.apply(&edit);
        }
    }
    prompt.error = None;
}

fn submit_prompt(app: &mut App, out: &mut Vec<Command>) {
    let Some(prompt) = app.prompt.clone() else {
        return;
    };
    match prompt.kind {
        PromptKind::Search => {
            let text = prompt.line.text.trim().to_string();
            if text.is_empty() {
                return set_prompt_error(app, PromptError::Nothing);
            }
            match SearchQuery::parse(&text) {
                Err(error) => set_prompt_error(app, PromptError::Query(error)),
                Ok(query) => {
                    app.prompt = None;
                    app.prompt_history.push(prompt.kind.history(), &text, out);
                    start_search(app, text, query, out);
                }
            }
        }
        PromptKind::GoTo => {
            // Not a number: the prompt stays, and its second line says so.
            if let Some(ticket_id) = ticket_number(&prompt.line.text) {
                app.prompt = None;
                app.prompt_history
                    .push(prompt.kind.history(), &prompt.line.text, out);
                go_to_ticket(app, ticket_id, out);
            }
        }
        PromptKind::Filter => match parse_date_filter(&prompt.line.text) {
            Err(BadDateFilter) => set_prompt_error(app, PromptError::BadFilter),
            Ok(filter) => {
                app.prompt = None;
                app.prompt_history
                    .push(prompt.kind.history(), &prompt.line.text, out);
                let view = app.current_view_mut();
                view.date_filter = filter;
                let which = view_ref(app);
                reload_all_pages(app, which, false, out);
                let note = match filter {
                    None => Note::FilterCleared,
                    Some(_) => Note::FilterSet(prompt.line.text.trim().to_string()),
                };
                notice(app, note, false);
            }
        },
    }
}

fn set_prompt_error(app: &mut App, error: PromptError) {
    if let Some(prompt) = &mut app.prompt {
        prompt.error = Some(error);
    }
}

fn start_search(app: &mut App, text: String, query: SearchQuery, out: &mut Vec<Command>) {
    // A new search from inside search results still returns to the original tab.
    let return_to = match &app.search {
        Some(search) => search.return_to,
        None => (app.active, app.views[app.active].selected_id()),
    };
    let view = View::new(ViewSpec {
        name: ViewName::Search(text.clone()),
        source: ViewSource::Search(query),
        fallback: None,
    });
    app.detail = None;
    app.search = Some(SearchState {
        text,
        view,
        return_to,
    });
    out.extend(fetch_page(app, ViewRef::Search, 1));
}

/// A date filter the user typed that is not `created|updated START..END`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadDateFilter;

/// `created 2024-01-01..2024-02-01`, `updated 2024-03-01..`, `..2024-02-01`; empty clears.
pub fn parse_date_filter(text: &str) -> Result<Option<DateFilter>, BadDateFilter> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let (field, range) = match text.split_once(char::is_whitespace) {
        Some((field, range)) => (field, range.trim()),
        None => ("created", text),
    };
    let field = match field.to_ascii_lowercase().as_str() {
        "created" | "c" | "创建" => SortField::Created,
        "updated" | "u" | "更新" => SortField::Updated,
        _ => return Err(BadDateFilter),
    };
    let (from, to) = range.split_once("..").ok_or(BadDateFilter)?;
    let date = |s: &str| -> Result<Option<NaiveDate>, BadDateFilter> {
        let s = s.trim();
        if s.is_empty() {
            Ok(None)
        } else {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| BadDateFilter)
        }
    };
    let (from, to) = (date(from)?, date(to)?);
    if from.is_none() && to.is_none() {
        return Err(BadDateFilter);
    }
    Ok(Some(DateFilter { field, from, to }))
}

// ---------------------------------------------------------------------------------------
// Lookups.

fn want_lookup(app: &mut App, key: LookupKey, out: &mut Vec<Command>) {
    let lookups = &mut app.lookups;
    let known = match key {
        LookupKey::Agents => lookups.agents_list.is_some(),
        LookupKey::FieldDefs => lookups.field_defs.is_some(),
        LookupKey::Templates => lookups.templates_list.is_some(),
        LookupKey::Agent(id) => {
            // The agents list answers these, unless it failed.
            lookups.agents.contains_key(&id) || matches!(lookups.agents_list, Some(Lookup::Pending))
        }
        LookupKey::Group(id) => lookups.groups.contains_key(&id),
        LookupKey::Contact(id) => lookups.contacts.contains_key(&id),
        LookupKey::Company(id) => lookups.companies.contains_key(&id),
    };
    if known {
        refresh_if_old(app, key, out);
        return;
    }
    match key {
        LookupKey::Agents => lookups.agents_list = Some(Lookup::Pending),
        LookupKey::FieldDefs => lookups.field_defs = Some(Lookup::Pending),
        LookupKey::Templates => lookups.templates_list = Some(Lookup::Pending),
        LookupKey::Agent(id) => {
            lookups.agents.insert(id, Lookup::Pending);
        }
        LookupKey::Group(id) => {
            lookups.groups.insert(id, Lookup::Pending);
        }
        LookupKey::Contact(id) => {
            lookups.contacts.insert(id, Lookup::Pending);
        }
        LookupKey::Company(id) => {
            lookups.companies.insert(id, Lookup::Pending);
        }
    }
    let id = app.request_id();
    app.lookups.in_flight.insert(id, key);
    out.push(Command::Lookup { id, key });
}

/// A name kept from an earlier start and older than a day is asked again, once, in the
/// background; it stays shown meanwhile (and if the new ask fails).
fn refresh_if_old(app: &mut App, key: LookupKey, out: &mut Vec<Command>) {
    let Some(learned) = app.lookups.learned.get(&key) else {
        return;
    };
    if (app.now - *learned).num_hours() < NAMES_REFRESH_AFTER_HOURS
        || app.lookups.is_pending(key)
        || !app.lookups.refreshed.insert(key)
    {
        return;
    }
    let id = app.request_id();
    app.lookups.in_flight.insert(id, key);
    out.push(Command::Lookup { id, key });
}

/// Names for the rows on screen (contacts and assignees), fetched once each, and for the
/// next screen's, so that a page down finds them known and paints once. The next screen's
/// go first: the worker serves the newest lookups first, so those on screen come before.
fn window_lookups(app: &mut App, out: &mut Vec<Command>) {
    let rows = app.list_rows();
    let offset = app.current_view().offset;
    let mut keys = window_keys(app, offset + rows, rows);
    keys.extend(window_keys(app, offset, rows));
    // And the selected ticket's (its company, group, template...), so that opening it
    // paints its names at once.
    if app.detail.is_none()
        && let Some(id) = app.current_view().selected_id()
    {
        keys.extend(ticket_keys(app, id));
    }
    for key in keys {
        want_lookup(app, key, out);
    }
}

/// The names rows `from..from + count` of the view shown need.
fn window_keys(app: &App, from: usize, count: usize) -> Vec<LookupKey> {
    let view = app.current_view();
    let mut keys = Vec::new();
    for id in view.ids.iter().skip(from).take(count) {
        if let Some(ticket) = app.tickets.summary(id) {
            if let Some(contact) = ticket.contact_id {
                keys.push(LookupKey::Contact(contact));
            }
            if let Some(agent) = ticket.assignee_id.id() {
                keys.push(LookupKey::Agent(agent));
            }
        }
    }
    keys
}

/// Names for every id the detail shows.
fn detail_lookups(app: &mut App, out: &mut Vec<Command>) {
    for key in detail_keys(app) {
        want_lookup(app, key, out);
    }
}

/// The names the detail shows.
fn detail_keys(app: &App) -> Vec<LookupKey> {
    match &app.detail {
        Some(detail) => ticket_keys(app, detail.ticket_id),
        None => Vec::new(),
    }
}

/// The names the detail of ticket `id` shows.
fn ticket_keys(app: &App, id: u64) -> Vec<LookupKey> {
    let Some(ticket) = app.tickets.get(&id) else {
        return Vec::new();
    };
    let mut keys = Vec::new();
    if let Some(id) = ticket.contact_id {
        keys.push(LookupKey::Contact(id));
        if let Some(company) = app.lookups.contact(id).and_then(|c| c.company_id) {
            keys.push(LookupKey::Company(company));
        }
    }
    for id in ticket
        .assignee_id
        .id()
        .into_iter()
        .chain(ticket.cc_user_ids.iter().flatten().copied())
    {
        keys.push(LookupKey::Agent(id));
    }
    if let Some(id) = ticket.creator_id {
        keys.push(if ticket.live.creator_type == Some(1) {
            LookupKey::Contact(id)
        } else {
            LookupKey::Agent(id)
        });
    }
    if ticket.template_id.is_some() {
        keys.push(LookupKey::Templates);
    }
    for id in ticket
        .group_id
        .id()
        .into_iter()
        .chain(ticket.cc_group_ids.iter().flatten().copied())
    {
        keys.push(LookupKey::Group(id));
    }
    keys
}

/// Whether the answer for `key` that just came in calls for a draw: not for a name nobody
/// sees yet (a prefetch), and for one on screen only once the screen's names are all in;
/// until then the tick draws them after [`NAMES_DEADLINE_MS`].
fn redraw_for_name(app: &mut App, key: LookupKey) {
    if matches!(
        key,
        LookupKey::Agents | LookupKey::FieldDefs | LookupKey::Templates
    ) {
        app.dirty = true;
        return;
    }
    let mut on_screen = window_keys(app, app.current_view().offset, app.list_rows());
    on_screen.extend(detail_keys(app));
    if !on_screen.contains(&key) {
        return;
    }
    if on_screen.iter().any(|k| app.lookups.is_pending(*k)) {
        app.lookups.undrawn_since.get_or_insert(app.now);
    } else {
        app.dirty = true;
    }
}

fn lookup_arrived(
    app: &mut App,
    id: RequestId,
    key: LookupKey,
    result: Result<LookupValue, ApiError>,
    out: &mut Vec<Command>,
) {
    if app.lookups.in_flight.remove(&id).is_none() {
        return;
    }
    let was_pending = app.lookups.is_pending(key);
    let now = app.now;
    let lookups = &mut app.lookups;
    if result.is_ok()
        && matches!(
            key,
            LookupKey::Contact(_) | LookupKey::Company(_) | LookupKey::Group(_)
        )
    {
        lookups.learned.insert(key, now);
    }
    // A refresh of a name already shown: an answer that changes nothing draws nothing,
    // and a failed one keeps the name.
    if !was_pending {
        let same = match (key, &result) {
            (LookupKey::Contact(id), Ok(LookupValue::Contact(new))) => {
                lookups.contact(id) == Some(new)
            }
            (LookupKey::Company(id), Ok(LookupValue::Company(new))) => {
                lookups.company_name(id) == Some(new.name.as_str())
            }
            (LookupKey::Group(id), Ok(LookupValue::Group(new))) => {
                lookups.group_name(id) == Some(new.name.as_str())
            }
            (LookupKey::Contact(_) | LookupKey::Company(_) | LookupKey::Group(_), Err(_)) => true,
            _ => false,
        };
        if same {
            return;
        }
    }
    match (key, result) {
        (_, Ok(LookupValue::Agents(agents))) => {
            for agent in agents {
                lookups.agent_groups.extend(agent.group_ids.iter().copied());
                lookups.agents.insert(agent.id, Lookup::Ready(agent.name));
            }
            lookups.agents_list = Some(Lookup::Ready(()));
            // Agents asked for while the list was pending and missing from it.
            lookups.agents.retain(|_, v| !matches!(v, Lookup::Pending));
        }
        (_, Ok(LookupValue::FieldDefs(defs))) => lookups.field_defs = Some(Lookup::Ready(defs)),
        (_, Ok(LookupValue::Templates(templates))) => {
            for template in templates {
                lookups.templates.insert(template.id, template.name);
            }
            lookups.templates_list = Some(Lookup::Ready(()));
        }
        (_, Ok(LookupValue::Agent(agent))) => {
            lookups.agents.insert(agent.id, Lookup::Ready(agent.name));
        }
        (_, Ok(LookupValue::Group(group))) => {
            lookups.groups.insert(group.id, Lookup::Ready(group.name));
        }
        (_, Ok(LookupValue::Contact(contact))) => {
            lookups.contacts.insert(contact.id, Lookup::Ready(contact));
        }
        (_, Ok(LookupValue::Company(company))) => {
            lookups
                .companies
                .insert(company.id, Lookup::Ready(company.name));
        }
        // A failed or forbidden lookup shows the id; it is not worth an error line.
        (LookupKey::Agents, Err(_)) => lookups.agents_list = Some(Lookup::Failed),
        (LookupKey::FieldDefs, Err(_)) => lookups.field_defs = Some(Lookup::Failed),
        (LookupKey::Templates, Err(_)) => lookups.templates_list = Some(Lookup::Failed),
        (LookupKey::Agent(id), Err(_)) => {
            lookups.agents.insert(id, Lookup::Failed);
        }
        (LookupKey::Group(id), Err(_)) => {
            lookups.groups.insert(id, Lookup::Failed);
        }
        (LookupKey::Contact(id), Err(_)) => {
            lookups.contacts.insert(id, Lookup::Failed);
        }
        (LookupKey::Company(id), Err(_)) => {
            lookups.companies.insert(id, Lookup::Failed);
        }
    }
    window_lookups(app, out);
    detail_lookups(app, out);
    redraw_for_name(app, key);
}

// ---------------------------------------------------------------------------------------
// Worker results.

fn worker_event(app: &mut App, event: WorkerEvent, out: &mut Vec<Command>) {
    match event {
        WorkerEvent::Page { id, result } => page_arrived(app, id, result, out),
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
        WorkerEvent::Compose(event) => super::composer::worker_event(app, event, out),
        WorkerEvent::Fault(event) => super::faults::event(app, event, out),
        WorkerEvent::Bulk(event)
            if quick_status_run(&event).is_some_and(|id| app.pending_status.contains_key(&id)) =>
        {
            quick_status_done(app, event, out);
        }
        WorkerEvent::Bulk(event) => {
            // A run that carried a reply (one reply to many) is the composer's to record.
            super::composer::bulk_event(app, &event, out);
            super::bulk_edit::worker_event(app, event, out)
        }
    }
}

/// After signing in again: the quick status changes a 401 left unsent are resumed (their
/// journaled one-ticket runs), answered as any quick change.
pub fn resume_quick_after_sign_in(app: &mut App, out: &mut Vec<Command>) {
    for (run_id, pending) in std::mem::take(&mut app.faults.quick_to_resume) {
        let id = app.request_id();
        app.pending_status.insert(id, pending);
        out.push(Command::Bulk(super::bulk_edit::BulkCommand::Resume {
            id,
            run_id,
        }));
    }
}

/// The request id of a bulk event that may answer a quick status change (`s`).
fn quick_status_run(event: &super::bulk_edit::BulkEvent) -> Option<RequestId> {
    use super::bulk_edit::BulkEvent;
    match event {
        BulkEvent::Run { id, .. } | BulkEvent::RunDone { id, .. } => Some(*id),
        _ => None,
    }
}

/// The end of a quick status change's one-ticket run: the row stays, or goes back and the
/// status line says why. Progress events of so small a run are not shown.
/// A quick status change was left alone (the ticket changed on the server since it was
/// shown): says what the status is now and opens the status menu over the ticket again, on
/// the status wanted, so that Enter sets it on the version now shown and Esc leaves it.
fn ask_status_again(app: &mut App) {
    let Some(recheck) = app.status_recheck.take() else {
        return;
    };
    let ticket = recheck.ticket_id;
    let now = app.tickets.get(&ticket).and_then(|t| t.status);
    let note = Note::StatusChangedMeanwhile {
        ticket,
        shown: recheck.shown,
        now,
        wanted: recheck.wanted,
    };
    notice(app, note, true);
    // Only over the list or the ticket, never over a pane the user has moved to since.
    if app.overlay.is_none() && matches!(app.pane(), Pane::List | Pane::Detail) {
        let selected = TicketStatus::ALL
            .iter()
            .position(|s| *s == recheck.wanted)
            .unwrap_or(0);
        app.overlay = Some(Overlay::StatusMenu {
            ticket_id: ticket,
            selected,
        });
    }
}

fn quick_status_done(app: &mut App, event: super::bulk_edit::BulkEvent, out: &mut Vec<Command>) {
    use super::bulk_edit::BulkEvent;
    let (id, result) = match event {
        BulkEvent::Run {
            id,
            event: crate::bulk::RunEvent::AuthRefused { .. },
        } => {
            // A 401: the same prompt a refused page or update opens.
            app.faults.quick_refused.push(id);
            super::faults::open_sign_in(app);
            return;
        }
        BulkEvent::RunDone { id, result } => (id, result),
        _ => return,
    };
    let Some(pending) = app.pending_status.remove(&id) else {
        return;
    };
    let refused = app.faults.quick_refused.contains(&id);
    app.faults.quick_refused.retain(|r| *r != id);
    if refused
        && let Ok(report) = &result
        && report.not_sent.contains(&pending.ticket_id)
    {
        // Not sent: it goes out once signed in again; the row keeps the new status.
        app.faults
            .quick_to_resume
            .push((report.run_id().to_string(), pending));
        return;
    }
    let ticket = pending.ticket_id;
    // The answer was lost: it may be set or not. Neither "changed" nor "back to": the
    // ticket and the views are read again and show what the server has.
    if let Ok(report) = &result
        && let Some(outcome) = report
            .outcomes
            .iter()
            .find(|o| o.id == ticket && o.kind == crate::bulk::OutcomeKind::Unknown)
    {
        status_changed(app, ticket, out);
        let note = Note::StatusChangeUnknown {
            ticket,
            wanted: pending.wanted,
            reason: outcome.error.clone(),
        };
        notice(app, note, true);
        return;
    }
    let failure = match &result {
        Err(failure) => Some(StatusFailure::Bulk(failure.clone())),
        Ok(report) => match report.outcomes.iter().find(|o| o.id == ticket) {
            Some(outcome) if outcome.success => None,
            Some(outcome) => Some(StatusFailure::Outcome(outcome.error.clone())),
            // Planned out (already at that status on the engine's reading) or never sent.
            None if report.plan.ticket(ticket).is_none() => None,
            None => Some(StatusFailure::NotSent),
        },
    };
    match failure {
        None => {
            status_changed(app, ticket, out);
            let note = Note::StatusChanged {
                ticket,
                status: pending.wanted,
            };
            notice(app, note, false)
        }
        Some(reason) => {
            // Changed by someone else meanwhile: the row shows the server's status, read
            // again, rather than what this console saw before.
            let changed_meanwhile = result.as_ref().is_ok_and(|report| {
                report.outcomes.iter().any(|o| {
                    o.id == ticket && o.kind == crate::bulk::OutcomeKind::ChangedSincePreview
                })
            });
            if changed_meanwhile {
                // Nothing was set: the ticket is read again and, once it is, the status menu
                // opens over it (what changed is said then), so the user decides on what the
                // server has now.
                let reread = status_changed(app, ticket, out);
                if let Some(mut known) = app.tickets.get_mut(&ticket)
                    && known.status == Some(pending.wanted)
                {
                    known.status = pending.previous;
                }
                app.status_recheck = Some(super::state::StatusRecheck {
                    ticket_id: ticket,
                    wanted: pending.wanted,
                    shown: pending.previous,
                    reread,
                });
                if reread.is_none() {
                    ask_status_again(app);
                }
                return;
            }
            if let Some(mut known) = app.tickets.get_mut(&ticket)
                && known.status == Some(pending.wanted)
            {
                known.status = pending.previous;
            }
            let note = Note::StatusChangeFailed {
                ticket,
                wanted: pending.wanted,
                reason,
                previous: pending.previous,
            };
            notice(app, note, true);
        }
    }
}
