//! The router: a terminal key, for the pane in front, to an `Action` (text contexts give
//! typed text; the bulk pane and the composer have their own helpers), and the pending
//! first key of a sequence. The one way from a key to `update`.

use chrono::NaiveDateTime;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::action::Action;
use crate::app::bulk_edit::{BulkAction, Stage};
use crate::app::composer::{ComposeAction, ComposerMode, TextKey};
use crate::app::faults::FaultAction;
use crate::app::line_edit::LineEdit;
use crate::app::state::{App, Pane};

use super::{Key, Resolution, SEQUENCE_TIMEOUT_MS};

/// Key-map input that is not an action of its own: the first key of a sequence, or a key
/// that ended a pending sequence without matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyInput {
    Prefix(Key),
    Cancel,
}

/// The first key of a sequence, waiting for the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingKey {
    pub(crate) key: Key,
    pub(crate) pane: Pane,
    pub(crate) since: NaiveDateTime,
}

/// A character typed without Ctrl or Alt: text, in a pane that takes text.
pub fn plain_char(event: &KeyEvent) -> Option<char> {
    match event.code {
        KeyCode::Char(c)
            if !event
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(c)
        }
        _ => None,
    }
}

/// The action of a key in a pane through the live map, with a pending first key of a
/// sequence: the first key of a sequence becomes pending; a key that matches nothing ends a
/// pending sequence.
pub fn resolve_event(app: &App, pane: Pane, event: &KeyEvent) -> Option<Action> {
    let key = Key::from_event(event);
    let pending = app
        .key_pending
        .filter(|p| p.pane == pane)
        .map(|pending| pending.key);
    match app.settings.keymap.resolve(pane, pending, key) {
        Resolution::Action(action) => Some(action),
        Resolution::Prefix => Some(Action::Keys(KeyInput::Prefix(key))),
        Resolution::None => pending.map(|_| Action::Keys(KeyInput::Cancel)),
    }
}

/// A key in a pane where text is being typed: a plain character always types (`typed`),
/// Backspace deletes (`backspace`); the commands (confirm, cancel, ...) come from the map.
pub fn text_entry_key(
    app: &App,
    pane: Pane,
    event: &KeyEvent,
    typed: impl Fn(char) -> Action,
    backspace: Option<Action>,
) -> Option<Action> {
    if let Some(c) = plain_char(event) {
        return Some(typed(c));
    }
    if event.code == KeyCode::Backspace && event.modifiers.is_empty() {
        return backspace;
    }
    resolve_event(app, pane, event)
}

/// Maps a key press to an action in the pane that has the keyboard, with the live map: the
/// one way from a terminal key to `update` (text included, as typed text actions).
pub fn action_for_key(app: &App, event: &KeyEvent) -> Option<Action> {
    if event.kind != KeyEventKind::Press {
        return None;
    }
    let pane = app.pane();
    match pane {
        // Every other key is swallowed, so that a password typed into the wrong place never
        // becomes a command. Plain characters are the password; submit and cancel come from
        // the key map (`[keys.sign_in]`).
        Pane::SignIn => {
            return text_entry_key(
                app,
                pane,
                event,
                |c| Action::Fault(FaultAction::SignInChar(c)),
                Some(Action::Fault(FaultAction::SignInBackspace)),
            );
        }
        Pane::Bulk
        | Pane::BulkText
        | Pane::BulkPreview
        | Pane::BulkRun
        | Pane::BulkResult
        | Pane::BulkHistory
        | Pane::ResumeOffer => return bulk_key(app, pane, event),
        // The composer reads every key: its bindings, else its text.
        Pane::Composer | Pane::NewTicket => return composer_key(app, event),
        Pane::Prompt => {
            return text_entry_key(
                app,
                pane,
                event,
                Action::InputChar,
                Some(Action::InputBackspace),
            );
        }
        Pane::List | Pane::Detail => {
            // A macro's own key (`[[macros]] key`), where the map binds nothing.
            let action = resolve_event(app, pane, event);
            if action.is_none()
                && app.key_pending.is_none()
                && let Some(index) = crate::app::macros::by_key(app, Key::from_event(event))
            {
                return Some(Action::Macro(crate::app::macros::MacroAction::Apply(index)));
            }
            return action;
        }
        Pane::StatusMenu | Pane::CopyMenu | Pane::MacroMenu | Pane::Facets | Pane::Help => {}
    }
    resolve_event(app, pane, event)
}

/// The bulk pane's keys, by its stage (`pane`). While text is typed (a text row, the count
/// that confirms a large run) plain characters are text.
fn bulk_key(app: &App, pane: Pane, event: &KeyEvent) -> Option<Action> {
    if let Some(Stage::Preparing { .. }) = &app.bulk.stage {
        // While the tickets are read, only leaving (and help, quit) acts at once; every
        // other key waits for the preview, so that nothing typed ahead is lost.
        let action = resolve_event(app, pane, event);
        return match action {
            Some(Action::Bulk(BulkAction::Esc | BulkAction::Help)) | Some(Action::Quit) => action,
            _ => Some(Action::Bulk(BulkAction::TypedAhead(Key::from_event(event)))),
        };
    }
    if pane == Pane::BulkText {
        if let Some(action) = text_entry_key(
            app,
            pane,
            event,
            |c| Action::Bulk(BulkAction::Char(c)),
            Some(Action::Bulk(BulkAction::Backspace)),
        ) {
            return Some(action);
        }
        // The row is edited like the prompts, with their keys (`[keys.prompt]`).
        return match bound_action(app, Pane::Prompt, event) {
            Some(Action::Line(edit)) => Some(Action::Line(edit)),
            Some(Action::InputLeft) => Some(Action::Line(LineEdit::Left)),
            Some(Action::InputRight) => Some(Action::Line(LineEdit::Right)),
            _ => None,
        };
    }
    let typing = matches!(
        app.bulk.stage,
        Some(Stage::Preview {
            needs_typing: true,
            ..
        })
    );
    if typing {
        return text_entry_key(
            app,
            pane,
            event,
            |c| Action::Bulk(BulkAction::Char(c)),
            Some(Action::Bulk(BulkAction::Backspace)),
        );
    }
    resolve_event(app, pane, event)
}

/// Maps a key in the composer or the form pane: the small windows first, then the pane's
/// bindings (Ctrl-S, Ctrl-T, ...), and every other key goes to the text.
fn composer_key(app: &App, event: &KeyEvent) -> Option<Action> {
    if event.code == KeyCode::Char('c') && event.modifiers.contains(KeyModifiers::CONTROL) {
        return Some(Action::Quit);
    }
    let pane = app.pane();
    let in_window = app
        .compose
        .composer
        .as_ref()
        .is_some_and(|c| c.mode != ComposerMode::Editing);
    if pane == Pane::Composer && in_window {
        return Some(Action::Compose(ComposeAction::Key(text_key(app, event))));
    }
    // The bindings of the live key map (rebindable under [keys.composer] / [keys.new_ticket]).
    // Plain characters are text, except on a choice field of the new-ticket form, where
    // `next_choice` / `prev_choice` letters pick.
    let typed = plain_char(event).is_some()
        && !(pane == Pane::NewTicket && crate::app::new_ticket::focus_is_choice(app));
    if !typed && let Some(action) = bound_action(app, pane, event) {
        return Some(action);
    }
    Some(Action::Compose(ComposeAction::Key(text_key(app, event))))
}

/// A key for the composer's text or its small windows: the key as the text editor takes it,
/// and its bindings in the windows' contexts.
pub fn text_key(app: &App, event: &KeyEvent) -> TextKey {
    let bound = |pane| bound_action(app, pane, event).map(Box::new);
    TextKey {
        input: ratatui_textarea::Input::from(*event),
        menu: bound(Pane::StatusMenu),
        composer: bound(Pane::Composer),
        prompt: plain_char(event)
            .is_none()
            .then(|| bound(Pane::Prompt))
            .flatten(),
    }
}

/// A key kept while the bulk pane read its tickets, mapped now that its preview is on
/// screen, as if pressed now.
pub fn action_for_typed(app: &App, key: &Key) -> Option<Action> {
    action_for_key(app, &KeyEvent::new(key.code, key.mods))
}

/// The action a single key is bound to in a pane, without sequences: for panes that read
/// every other key themselves (the composer).
pub fn bound_action(app: &App, pane: Pane, event: &KeyEvent) -> Option<Action> {
    match app
        .settings
        .keymap
        .resolve(pane, None, Key::from_event(event))
    {
        Resolution::Action(action) => Some(action),
        Resolution::Prefix | Resolution::None => None,
    }
}

/// `update`'s part for [`Action::Keys`].
pub fn update_keys(app: &mut App, input: KeyInput) {
    app.key_pending = match input {
        KeyInput::Prefix(key) => Some(PendingKey {
            key,
            pane: app.pane(),
            since: app.now,
        }),
        KeyInput::Cancel => None,
    };
}

/// Drops a pending first key once it has waited [`SEQUENCE_TIMEOUT_MS`] (called on ticks).
pub fn expire_pending(app: &mut App, now: NaiveDateTime) {
    if let Some(pending) = app.key_pending
        && (now - pending.since).num_milliseconds() >= SEQUENCE_TIMEOUT_MS
    {
        app.key_pending = None;
        app.dirty = true;
    }
}

/// Whether an action is the user's (a key, the mouse): it clears the status line's notice.
/// Results, ticks, resizes, frames drawn, the start and the external editor's return are
/// not.
pub fn is_user_input(action: &Action) -> bool {
    !matches!(
        action,
        Action::Start
            | Action::Tick { .. }
            | Action::Worker(_)
            | Action::Resize { .. }
            | Action::Drawn(_)
            | Action::Compose(ComposeAction::ExternalEdited(_))
    )
}

/// Whether an action ends a pending sequence: any user input does; results, ticks,
/// resizes and frames drawn do not.
pub fn ends_pending(action: &Action) -> bool {
    !matches!(
        action,
        Action::Tick { .. }
            | Action::Worker(_)
            | Action::Resize { .. }
            | Action::Drawn(_)
            | Action::Keys(_)
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::app::state::Settings;

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    fn app() -> App {
        App::new(Settings::default(), chrono::NaiveDateTime::default())
    }

    #[test]
    fn keys_map_to_actions_in_the_list() {
        let app = app();
        let j = press(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(action_for_key(&app, &j), Some(Action::MoveDown));
        let big_g = press(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(action_for_key(&app, &big_g), Some(Action::Bottom));
        let three = press(KeyCode::Char('3'), KeyModifiers::NONE);
        assert_eq!(action_for_key(&app, &three), Some(Action::SelectView(2)));
        let ctrl_d = press(KeyCode::Char('d'), KeyModifiers::CONTROL);
        assert_eq!(action_for_key(&app, &ctrl_d), Some(Action::HalfPageDown));
        let ctrl_c = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action_for_key(&app, &ctrl_c), Some(Action::Quit));
        let back_tab = press(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(action_for_key(&app, &back_tab), Some(Action::PrevView));
    }
}
