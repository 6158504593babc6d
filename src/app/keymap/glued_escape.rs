//! An Esc glued to the next key (read by crossterm as Alt-key) split back into two keys,
//! unless the pane binds that Alt key. Separate: the loop calls it before the router.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::state::{App, Pane};

use super::{Key, Resolution};

/// Esc typed just before another key can reach us glued to it: terminals send Alt-x as
/// `ESC x`, so crossterm reads Esc then `q` in one read (fast typing, a slow link, tmux's
/// escape-time) as Alt-q. When the pane in front binds no such Alt key, it was Esc and then
/// the key, which is what vim, neomutt and aerc users expect: answers the two keys.
pub fn split_glued_escape(app: &App, event: &KeyEvent) -> Option<(KeyEvent, KeyEvent)> {
    if event.kind != KeyEventKind::Press
        || !event.modifiers.contains(KeyModifiers::ALT)
        || event.modifiers.contains(KeyModifiers::CONTROL)
        || event.code == KeyCode::Esc
    {
        return None;
    }
    let pane = app.pane();
    let bound = !matches!(
        app.settings
            .keymap
            .resolve(pane, app.key_pending.map(|p| p.key), Key::from_event(event)),
        Resolution::None
    );
    if bound || editor_alt_key(pane, event) {
        return None;
    }
    let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    let mut key = *event;
    key.modifiers.remove(KeyModifiers::ALT);
    Some((esc, key))
}

/// The Alt keys the text editors keep for themselves (word moves and deletes, as in
/// readline and emacs), in the panes where text is typed.
fn editor_alt_key(pane: Pane, event: &KeyEvent) -> bool {
    let text_pane = matches!(
        pane,
        Pane::Composer | Pane::NewTicket | Pane::Prompt | Pane::BulkText | Pane::SignIn
    );
    text_pane
        && matches!(
            event.code,
            KeyCode::Char('b' | 'f' | 'd' | '<' | '>' | 'p' | 'n' | 'v')
                | KeyCode::Backspace
                | KeyCode::Delete
                | KeyCode::Left
                | KeyCode::Right
                | KeyCode::Up
                | KeyCode::Down
        )
}
