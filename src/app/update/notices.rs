//! The status line's notices: a progress notice that stays while its requests are awaited,
//! and the others that a tick takes away after a few seconds.

use super::*;

/// How long a notice that is not an error stays, in seconds of the ticks' clock.
pub const NOTICE_SECS: i64 = 4;

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
pub(super) fn settle_progress(app: &mut App) {
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
pub(super) fn awaited(app: &App, id: RequestId) -> bool {
    crate::app::faults::waits_for(app, id)
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
pub(super) fn expire_notice(app: &mut App, now: chrono::NaiveDateTime) {
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

pub(crate) fn notice(app: &mut App, note: Note, is_error: bool) {
    app.notice = Some(Notice { note, is_error });
}
