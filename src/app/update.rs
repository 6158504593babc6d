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

mod detail;
mod jump;
mod local_view;
mod names;
mod notices;
mod pages;
mod paging;
mod prompts;
mod status_change;
mod stored;
mod tick;
mod views;
mod worker_events;

// The features' functions call one another: each module takes its siblings' and the shared
// imports above through `use super::*`.
use detail::*;
use jump::*;
use local_view::*;
use names::*;
use notices::*;
use pages::*;
use paging::*;
use prompts::*;
use status_change::*;
use stored::*;
use tick::*;
use views::*;
use worker_events::*;

pub use detail::ticket_number;
pub(crate) use detail::{move_on, scroll_detail};
pub use local_view::HELD_MOST;
pub(crate) use notices::notice;
pub use notices::{NOTICE_SECS, progress_notice};
pub(crate) use pages::upsert;
pub(crate) use paging::{
    fetch_unloaded_tabs, refresh_counts, refresh_other_views, reread, status_changed,
    ticket_created,
};
pub(crate) use status_change::resume_quick_after_sign_in;

/// Applies one action; returns what must be done outside.
pub fn update(app: &mut App, action: Action) -> Vec<Command> {
    let from_worker = matches!(action, Action::Worker(_));
    let user_input = super::keymap::is_user_input(&action);
    if user_input && app.notice.is_some() {
        // The next key clears the status line: what it said has been seen.
        app.notice = None;
        app.notice_clock = NoticeClock::default();
        app.dirty = true;
    }
    let before = app.notice.clone();
    let had_detail = app.detail.is_some();
    let out = apply(app, action);
    if user_input {
        // The view in front, after the key, has been seen.
        super::watch::seen(app);
    }
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
        Action::PageDown => move_page(app, true, false, &mut out),
        Action::PageUp => move_page(app, false, false, &mut out),
        Action::HalfPageDown => move_page(app, true, true, &mut out),
        Action::HalfPageUp => move_page(app, false, true, &mut out),
        Action::Wheel(lines) => move_by(app, i64::from(lines), &mut out),
        Action::Paste(text) => {
            paste(app, &text, &mut out);
            live_filter_typed(app, &mut out);
        }
        Action::NextView => next_view(app, &mut out),
        Action::PrevView => prev_view(app, &mut out),
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
        Action::StartGoTo => open_prompt(app, PromptKind::GoTo, String::new()),
        Action::Back => {
            live_filter_cancelled(app, &mut out);
            back(app)
        }
        Action::OpenStatusMenu => open_status_menu(app),
        Action::PickStatus(status) => pick_status(app, status, &mut out),
        Action::PickSelectedStatus => pick_selected_status(app, &mut out),
        Action::Copy(action) => super::copy::update(app, action, &mut out),
        Action::Reload => reload(app, &mut out),
        Action::ToggleHelp => toggle_help(app),
        Action::StartSearch => open_search_prompt(app),
        Action::StartFilter => start_filter(app),
        Action::InputChar(c) => {
            edit_prompt(app, LineEdit::Insert(c));
            live_filter_typed(app, &mut out);
        }
        Action::InputBackspace => {
            edit_prompt(app, LineEdit::Backspace);
            live_filter_typed(app, &mut out);
        }
        Action::InputLeft => edit_prompt(app, LineEdit::Left),
        Action::InputRight => edit_prompt(app, LineEdit::Right),
        // The bulk form's text row takes the same line keys as the prompts.
        Action::Line(edit) if app.pane() == Pane::BulkText => {
            super::bulk_edit::edit_text(app, edit)
        }
        Action::Line(edit) => {
            edit_prompt(app, edit);
            live_filter_typed(app, &mut out);
        }
        Action::InputSubmit => submit_prompt(app, &mut out),
        Action::Quit => app.quit = true,
        Action::Keys(input) => super::keymap::update_keys(app, input),
        Action::Drawn(geometry) => {
            // Only a clamp or a caret scroll that moved is worth another frame.
            is_quiet = !super::layout::drawn(app, geometry);
        }
        Action::Resize { width, height } => resize(app, width, height, &mut out),
        Action::Tick { now } => {
            tick(app, now, &mut out);
            super::composer::on_tick(app, &mut out);
        }
        Action::Worker(WorkerEvent::Fault(event)) => super::faults::event(app, event, &mut out),
        // Every result passes the fault notices: what the status line said before it and
        // whether it failed (`Before::of`), then, once handled, a 401 opens the sign-in
        // prompt and a failure given up on says R retries (`after`).
        Action::Worker(event) => {
            super::offline::observe(app, &event);
            let before = super::faults::Before::of(app, &event);
            worker_event(app, event, &mut out);
            before.after(app);
        }
        Action::Fault(action) => super::faults::update(app, action, &mut out),
        Action::Compose(action) => super::composer::update(app, action, &mut out),
        Action::Marks(action) => super::marks::update(app, action, &mut out),
        Action::Bulk(action) => super::bulk_edit::update(app, action, &mut out),
        Action::Macro(action) => super::macros::update(app, action, &mut out),
        Action::Files(action) => super::files::update(app, action, &mut out),
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

/// `?`: the help of the pane in front opens over it, or closes.
fn toggle_help(app: &mut App) {
    app.overlay = match app.overlay {
        Some(Overlay::Help { .. }) => None,
        _ => Some(Overlay::Help {
            pane: app.pane(),
            scroll: 0,
        }),
    };
}
