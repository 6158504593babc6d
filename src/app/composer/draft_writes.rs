//! When a draft is written: a second after the last key, at most five seconds of typing
//! unsaved, at once on Esc or the external editor, and on every way out of the console.
//! The files themselves are `src/draft_files.rs`'s.

use chrono::NaiveDateTime;

use super::messages::{ComposeCommand, compose_command};
use crate::app::action::Command;
use crate::app::drafts::{DraftKey, Drafts};
use crate::app::state::App;

/// How long after the last key a draft is written.
pub const DRAFT_DEBOUNCE_MS: i64 = 1000;

/// Writes the composer's draft now (Esc, external editor), or removes it when empty.
pub(super) fn save_draft_now(app: &mut App, out: &mut Vec<Command>) {
    let Some(composer) = &mut app.compose.composer else {
        return;
    };
    composer.edited_at = None;
    let key = composer.target.draft_key();
    let text = composer.text();
    store_draft(&mut app.compose.drafts, key, text, out);
}

/// The draft writes to do on the way out (q, Ctrl-C, a signal, a hang-up, a panic): the
/// open composer's and form's text as it is now, written by the terminal loop itself, since
/// the worker may no longer run and may not have written what it was last asked to. An
/// empty text removes the draft. Reads only.
pub fn draft_writes_on_the_way_out(app: &App) -> Vec<ComposeCommand> {
    let drafts = &app.compose.drafts;
    let mut writes = Vec::new();
    let mut push = |key: DraftKey, text: String| {
        let Some(path) = drafts.path(&key) else {
            return;
        };
        if text.trim().is_empty() {
            writes.push(ComposeCommand::DeleteDraft { path });
        } else {
            writes.push(ComposeCommand::SaveDraft { path, text });
        }
    };
    if let Some(composer) = &app.compose.composer {
        push(composer.target.draft_key(), composer.text());
    }
    if let Some(form) = &app.compose.new_ticket {
        push(DraftKey::NewTicket, form.to_draft());
    }
    writes
}

/// Keeps a draft in memory and asks for it to be written (or removed, when empty).
pub fn store_draft(drafts: &mut Drafts, key: DraftKey, text: String, out: &mut Vec<Command>) {
    let path = drafts.path(&key);
    if text.trim().is_empty() {
        drafts.texts.remove(&key);
        if let Some(path) = path {
            out.push(compose_command(ComposeCommand::DeleteDraft { path }));
        }
    } else {
        if drafts.texts.get(&key) == Some(&text) {
            return;
        }
        drafts.texts.insert(key, text.clone());
        if let Some(path) = path {
            out.push(compose_command(ComposeCommand::SaveDraft { path, text }));
        }
    }
}

pub(super) fn forget_draft(drafts: &mut Drafts, key: DraftKey, out: &mut Vec<Command>) {
    drafts.texts.remove(&key);
    if let Some(path) = drafts.path(&key) {
        out.push(compose_command(ComposeCommand::DeleteDraft { path }));
    }
}

/// Typing not yet written to a draft: since when, and the last key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsaved {
    pub(crate) since: NaiveDateTime,
    pub(crate) last: NaiveDateTime,
}

/// Steady typing is written at least this often, so a kill -9 or a power cut mid-paragraph
/// loses seconds, not the whole reply.
pub const DRAFT_MAX_UNSAVED_MS: i64 = 5000;

/// One more change to the text at `now`.
pub fn touched(unsaved: Option<Unsaved>, now: NaiveDateTime) -> Option<Unsaved> {
    Some(Unsaved {
        since: unsaved.map_or(now, |u| u.since),
        last: now,
    })
}

/// On every tick: drafts whose last key is a second old, or whose first unwritten key is
/// five seconds old, are written.
pub fn on_tick(app: &mut App, out: &mut Vec<Command>) {
    let now = app.now;
    let due = |edited: Option<Unsaved>| {
        edited.is_some_and(|u| {
            (now - u.last).num_milliseconds() >= DRAFT_DEBOUNCE_MS
                || (now - u.since).num_milliseconds() >= DRAFT_MAX_UNSAVED_MS
        })
    };
    if app
        .compose
        .composer
        .as_ref()
        .is_some_and(|c| due(c.edited_at))
    {
        save_draft_now(app, out);
    }
    if app
        .compose
        .new_ticket
        .as_ref()
        .is_some_and(|f| due(f.edited_at))
    {
        crate::app::new_ticket::save_draft_now(app, out);
    }
}
