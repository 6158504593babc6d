//! The tick: the clock that comes in as data, and what is due by it (notices that go,
//! auto-refresh, the names drawn at their deadline).

use super::*;

pub(super) fn tick(app: &mut App, now: chrono::NaiveDateTime, out: &mut Vec<Command>) {
    let minute_changed = now.minute() != app.now.minute() || now.date() != app.now.date();
    app.now = now;
    crate::app::keymap::expire_pending(app, now);
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
            sync_store(app, out);
        }
        // The watched views behind it on a clock of their own: a busy view in front does
        // not hold them back.
        let watched_due = app
            .watching
            .last_refresh
            .is_none_or(|last| (now - last).num_seconds() >= secs as i64);
        if watched_due {
            app.watching.last_refresh = Some(now);
            refresh_watched(app, which, out);
        }
    }
    if crate::app::offline::take_due_retry(app) {
        retry_offline(app, out);
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

/// The watched tabs behind the one shown are read again with it (their first page is what
/// tells of new tickets); one still loading is left until the next time.
fn refresh_watched(app: &mut App, shown: ViewRef, out: &mut Vec<Command>) {
    for index in 0..app.views.len() {
        let which = ViewRef::Tab(index);
        if which == shown || crate::app::watch::watch_of(app, index).is_none() {
            continue;
        }
        let Some(view) = view_at(app, which) else {
            continue;
        };
        if view.in_flight() {
            continue;
        }
        if view.loaded() {
            refresh_view(app, which, true, out);
        } else {
            out.extend(fetch_page(app, which, 1));
        }
    }
}

/// Offline, a try is due: the view shown is read again (its changed rows marked), or its
/// first page asked when it has none; nothing when a request of it is still on the way. A
/// view from the store is read from the store: its try of the server is the sync.
fn retry_offline(app: &mut App, out: &mut Vec<Command>) {
    sync_store(app, out);
    let which = view_ref(app);
    let Some(view) = view_at(app, which) else {
        return;
    };
    if view.in_flight() {
        return;
    }
    if view.loaded() {
        refresh_view(app, which, true, out);
    } else {
        out.extend(fetch_page(app, which, 1));
    }
}
