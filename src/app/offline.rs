//! The server out of reach, with a local store (issue 16): the console keeps what the store
//! gave on screen, says since when it is offline, tries again in the background (2 s, the
//! wait doubled after each failure, at most 60 s) and is back by itself at the first answer.
//! A change made offline is refused at once with that reason: nothing is queued to be sent
//! later behind the user's back. Without a store, a failed call is only its error, as before.
//!
//! Only a server that cannot be reached counts (refused, not found, no answer in time): a
//! 4xx or 5xx is an answer, and the server is there.

use chrono::{Duration, NaiveDateTime};

use super::action::WorkerEvent;
use super::notice::{Note, ViewError};
use super::state::App;
use crate::api::{ApiError, NetworkError};

/// The first wait before trying again, and the longest.
pub(crate) const FIRST_RETRY_SECS: i64 = 2;
pub(crate) const MAX_RETRY_SECS: i64 = 60;

/// Since when the server has been out of reach, and when it is tried next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offline {
    /// The time of the first failure (the server's zone, as `App::now`).
    pub since: NaiveDateTime,
    pub retry_at: NaiveDateTime,
    /// The wait before the try after the next one.
    pub(crate) next_delay_secs: i64,
}

/// A change refused because the server cannot be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfflineChange {
    StatusChange,
    BulkRun,
    Reply,
    NewTicket,
}

/// Whether an error means the server could not be reached at all.
pub(crate) fn unreachable(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::Network(
            NetworkError::ConnectionRefused | NetworkError::Dns(_) | NetworkError::Timeout
        )
    )
}

/// What a worker's answer tells of the server: out of reach (offline from now, if not yet),
/// or there (back online). Answers that are not the server's (the store's, the engine's,
/// files) tell nothing.
pub(crate) fn observe(app: &mut App, event: &WorkerEvent) {
    if !app.settings.local_store {
        return;
    }
    let Some(answer) = event.server_answer() else {
        return;
    };
    let error = answer.err();
    match error {
        Some(error) if unreachable(error) => {
            if app.offline.is_none() {
                app.offline = Some(Offline {
                    since: app.now,
                    retry_at: app.now + Duration::seconds(FIRST_RETRY_SECS),
                    next_delay_secs: (FIRST_RETRY_SECS * 2).min(MAX_RETRY_SECS),
                });
            }
        }
        _ => {
            if app.offline.take().is_some() {
                app.dirty = true;
                // Back by itself: what the status line said of the server out of reach
                // is over (an error of another kind stays until a key).
                if app
                    .notice
                    .as_ref()
                    .is_some_and(|shown| shown.is_error && says_unreachable(&shown.note))
                {
                    app.notice = None;
                }
            }
        }
    }
}

/// Whether a notice is about the server being out of reach.
fn says_unreachable(note: &Note) -> bool {
    let view = |error: &ViewError| matches!(error, ViewError::Api(error) if unreachable(error));
    match note {
        Note::Retrying { error, .. } | Note::ShowFailed { error, .. } => unreachable(error),
        Note::LoadFailed { error, .. } | Note::SearchFailed(error) => view(error),
        Note::GaveUp(inner) => says_unreachable(inner),
        _ => false,
    }
}

/// Whether a try is due now; when it is, the next one is set (the wait doubled, capped).
pub(crate) fn take_due_retry(app: &mut App) -> bool {
    let now = app.now;
    let Some(offline) = &mut app.offline else {
        return false;
    };
    if now < offline.retry_at {
        return false;
    }
    offline.retry_at = now + Duration::seconds(offline.next_delay_secs);
    offline.next_delay_secs = (offline.next_delay_secs * 2).min(MAX_RETRY_SECS);
    true
}

/// Refuses `change` when offline, saying why; true when refused.
pub(crate) fn refuse(app: &mut App, change: OfflineChange) -> bool {
    if app.offline.is_none() {
        return false;
    }
    crate::app::update::notice(app, Note::RefusedOffline(change), true);
    true
}
