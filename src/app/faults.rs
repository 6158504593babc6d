//! Faults the user can see through: "retrying in 4 s" while the client retries, "press R to
//! retry" once it has given up, and a password prompt when the server refuses the
//! credentials mid-session (a password changed on the server), which rebuilds the client
//! without losing the screen.

use std::time::Duration;

use super::action::{Action, Command, RequestId, WorkerEvent};
use super::notice::{Note, SignInError};
use super::state::{App, Notice};
use crate::api::ApiError;
use crate::secret::Secret;

/// Keys in the sign-in prompt.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultAction {
    SignInChar(char),
    SignInBackspace,
    SignInSubmit,
    /// Esc: close the prompt; the screen stays as it is and R reloads later.
    SignInCancel,
}

/// What the worker says about faults, besides a request's own result.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultEvent {
    /// The client will send request `id` again after `delay`, because of `error`.
    Retrying {
        id: RequestId,
        error: ApiError,
        delay: Duration,
    },
    /// The answer to [`Command::SignIn`]: the client was rebuilt, or why not.
    ClientRebuilt(Result<(), ApiError>),
}

/// The faults' part of the app state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultState {
    /// The password prompt shown after a 401 mid-session.
    pub sign_in: Option<SignIn>,
    /// The request whose "retrying in N s" the status line shows, cleared when it lands.
    pub(crate) retry_notice: Option<RequestId>,
    /// The first request sent with the password typed last: a 401 for an earlier request
    /// is the old password's, already dealt with.
    pub(crate) signed_in_from: Option<RequestId>,
    /// Quick status changes (`s`) whose one-ticket run met a 401, until their run ends.
    pub(crate) quick_refused: Vec<RequestId>,
    /// Quick status changes a 401 left unsent: (run id, the change), resumed once signed
    /// in again. The row keeps the new status meanwhile.
    pub quick_to_resume: Vec<(String, super::state::PendingStatus)>,
}

/// The password prompt. The typed text is a [`Secret`]: `Debug` never shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SignIn {
    pub input: Secret,
    /// Why the last attempt failed, shown under the prompt.
    pub error: Option<SignInError>,
}

impl SignIn {
    /// How many characters were typed (the prompt shows one `*` each).
    pub fn typed(&self) -> usize {
        self.input.expose().chars().count()
    }
}

/// Applies a key of the sign-in prompt.
pub fn update(app: &mut App, action: FaultAction, out: &mut Vec<Command>) {
    let Some(prompt) = &mut app.faults.sign_in else {
        return;
    };
    match action {
        FaultAction::SignInChar(c) => {
            let mut text = prompt.input.expose().to_string();
            text.push(c);
            prompt.input = Secret::new(text);
            prompt.error = None;
        }
        FaultAction::SignInBackspace => {
            let mut text = prompt.input.expose().to_string();
            text.pop();
            prompt.input = Secret::new(text);
        }
        FaultAction::SignInCancel => {
            app.faults.sign_in = None;
            set_notice(app, Note::SignInCancelled, true);
        }
        FaultAction::SignInSubmit => {
            if prompt.input.is_empty() {
                prompt.error = Some(SignInError::Empty);
                return;
            }
            let secret = prompt.input.clone();
            app.faults.sign_in = None;
            out.push(Command::SignIn { secret });
            app.faults.signed_in_from = Some(RequestId(app.next_request));
            forget_failed_lookups(app, out);
            // The worker handles commands in order: the reload below goes out with the new
            // client. Rows stay on screen until the new pages replace them.
            let reload = super::update(app, Action::Reload);
            let requests: Vec<RequestId> = reload.iter().filter_map(Command::request_id).collect();
            out.extend(reload);
            // Tabs whose first page the old password could not fetch show counts again.
            super::update::fetch_unloaded_tabs(app, out);
            // A bulk run (or `s`) the 401 stopped goes on with the new password.
            super::bulk_edit::resume_after_sign_in(app, out);
            super::update::resume_quick_after_sign_in(app, out);
            // Until the reload sent with the new password lands (or `Before::after` says
            // it worked): not on a timer, which a slow server would outlast.
            super::update::progress_notice(app, Note::SigningIn, requests);
        }
    }
}

/// Opens the password prompt after a 401 that the screen cannot show as a request of its
/// own (a bulk run's call); the status line says why. Once open, it stays as typed.
pub(crate) fn open_sign_in(app: &mut App) {
    if app.faults.sign_in.is_none() {
        app.faults.sign_in = Some(SignIn {
            input: Secret::new(""),
            error: None,
        });
    }
    set_notice(app, Note::SignInAgain, true);
}

/// Names that failed while the password was refused are asked again with the new one: the
/// lists (agents, field definitions) at once, single names as rows need them.
fn forget_failed_lookups(app: &mut App, out: &mut Vec<Command>) {
    use super::action::LookupKey;
    use super::state::Lookup;
    let failed = |v: &Option<Lookup<()>>| matches!(v, Some(Lookup::Failed));
    let mut again = Vec::new();
    if failed(&app.lookups.agents_list) {
        app.lookups.agents_list = Some(Lookup::Pending);
        again.push(LookupKey::Agents);
    }
    if matches!(app.lookups.field_defs, Some(Lookup::Failed)) {
        app.lookups.field_defs = Some(Lookup::Pending);
        again.push(LookupKey::FieldDefs);
    }
    if failed(&app.lookups.templates_list) {
        app.lookups.templates_list = None;
    }
    let lookups = &mut app.lookups;
    lookups.agents.retain(|_, v| !matches!(v, Lookup::Failed));
    lookups.groups.retain(|_, v| !matches!(v, Lookup::Failed));
    lookups.contacts.retain(|_, v| !matches!(v, Lookup::Failed));
    lookups
        .companies
        .retain(|_, v| !matches!(v, Lookup::Failed));
    for key in again {
        let id = app.request_id();
        app.lookups.in_flight.insert(id, key);
        out.push(Command::Lookup { id, key });
    }
}

/// Handles a [`FaultEvent`] from the worker.
pub(crate) fn event(app: &mut App, event: FaultEvent, _out: &mut [Command]) {
    match event {
        FaultEvent::Retrying { id, error, delay } => {
            // Only for what the user is waiting on; background lookups retry quietly.
            if !waits_for(app, id) {
                return;
            }
            let secs = delay.as_secs_f64().ceil().max(1.0) as u64;
            set_notice(app, Note::Retrying { error, secs }, true);
            app.faults.retry_notice = Some(id);
        }
        FaultEvent::ClientRebuilt(Ok(())) => {}
        FaultEvent::ClientRebuilt(Err(error)) => {
            app.faults.sign_in = Some(SignIn {
                input: Secret::new(""),
                error: Some(SignInError::Api(error)),
            });
        }
    }
}

/// Whether request `id` is one the screen waits on: a page of a view, the detail, or a
/// status change.
pub(crate) fn waits_for(app: &App, id: RequestId) -> bool {
    let view_waits = |view: &super::View| {
        view.loading.is_some_and(|(loading, _)| loading == id)
            || view
                .refresh
                .as_ref()
                .is_some_and(|r| r.requests.contains_key(&id))
    };
    app.views.iter().any(view_waits)
        || app.search.as_ref().is_some_and(|s| view_waits(&s.view))
        || (app.sync_request == Some(id) && shows_stored_view(app))
        || app.detail.as_ref().is_some_and(|d| d.request == Some(id))
        || app.pending_status.contains_key(&id)
}

/// Whether the view shown is computed from the local store: the store's sync is then what
/// brings it the server's changes, and the screen waits on it as on a page.
fn shows_stored_view(app: &App) -> bool {
    app.current_view()
        .local
        .as_ref()
        .is_some_and(|local| local.answered())
}

/// What the status line said before a worker result, to tell afterwards whether the result
/// put up an error of its own.
pub(crate) struct Before {
    id: Option<RequestId>,
    ok: bool,
    notice: Option<Notice>,
    unauthorised: bool,
    transient: bool,
}

impl Before {
    pub(crate) fn of(app: &App, event: &WorkerEvent) -> Before {
        let id = match event {
            WorkerEvent::Page { id, .. }
            | WorkerEvent::ShownMany { id, .. }
            | WorkerEvent::Shown { id, .. }
            | WorkerEvent::Looked { id, .. }
            | WorkerEvent::Synced { id, .. } => Some(*id),
            // Faults and bulk runs report for themselves.
            _ => None,
        };
        let error = event.server_answer().and_then(Result::err);
        Before {
            id,
            ok: error.is_none(),
            notice: app.notice.clone(),
            unauthorised: matches!(error, Some(ApiError::BadCredentials)),
            transient: error.is_some_and(ApiError::is_transient),
        }
    }

    /// After the result was handled: a 401 opens the sign-in prompt (the screen keeps what
    /// it shows); a failure the client gave up retrying says that R tries again.
    pub(crate) fn after(self, app: &mut App) {
        if self.id.is_some() && app.faults.retry_notice == self.id {
            app.faults.retry_notice = None;
            // The retried request landed: "retrying in 4 s" is no longer true.
            if self.ok && app.notice == self.notice {
                app.notice = None;
            }
        }
        if self.ok
            && self
                .id
                .zip(app.faults.signed_in_from)
                .is_some_and(|(id, from)| id >= from)
            && app
                .notice
                .as_ref()
                .is_some_and(|n| n.note == Note::SigningIn)
        {
            // The new password worked: "signing in again…" is over.
            set_notice(app, Note::SignedInAgain, false);
        }
        if self.unauthorised {
            let stale = self
                .id
                .zip(app.faults.signed_in_from)
                .is_some_and(|(id, from)| id < from);
            if stale {
                // Sent with the old password before the new one was typed: not news.
                app.notice = self.notice;
                return;
            }
            if app.faults.sign_in.is_none() {
                // Refused while signing in again: the password just typed is wrong too.
                let typed_wrong = self
                    .notice
                    .as_ref()
                    .is_some_and(|n| n.note == Note::SigningIn);
                app.faults.sign_in = Some(SignIn {
                    input: Secret::new(""),
                    error: typed_wrong.then_some(SignInError::Api(ApiError::BadCredentials)),
                });
            }
            set_notice(app, Note::SignInAgain, true);
            return;
        }
        if self.transient
            && app.notice != self.notice
            && let Some(notice) = &mut app.notice
            && notice.is_error
        {
            // Said once: the view leaves the hint out if the error's words already hold it.
            if !matches!(notice.note, Note::GaveUp(_)) {
                notice.note = Note::GaveUp(Box::new(notice.note.clone()));
            }
        }
    }
}

fn set_notice(app: &mut App, note: Note, is_error: bool) {
    app.notice = Some(Notice { note, is_error });
}
