//! The text being typed: the composer's keys ([`TextKey`], turned into the text area's
//! input), a one-line editor's keys, pastes and an external editor's text cleaned, the
//! caret kept in view, and the path of a file to attach.

use std::path::PathBuf;

use ratatui_textarea::{CursorMove, Input, Key as TextCode, TextArea};

use super::draft_writes::touched;
use super::messages::{ComposeCommand, compose_command};
use super::send::{send, send_anyway};
use super::{AttachedFile, ComposeAction, ComposerMode};
use crate::api::TicketStatus;
use crate::app::action::{Action, Command};
use crate::app::line_edit::{HistoryKind, LineEdit};
use crate::app::state::App;

/// A key typed in the composer or the new-ticket form, read by the key map
/// (`keymap::text_key`): the key as the text editor takes it, and what it is bound to in
/// the contexts of the composer's small windows, so that `update` never sees a terminal
/// event.
#[derive(Debug, Clone, PartialEq)]
pub struct TextKey {
    /// The key for the text area and the one-line fields.
    pub(crate) input: Input,
    /// Its action in `[keys.status_menu]` (the Ctrl-T menu).
    pub(crate) menu: Option<Box<Action>>,
    /// Its action in `[keys.composer]` (send, send with a status).
    pub(crate) composer: Option<Box<Action>>,
    /// Its action in `[keys.prompt]` (the attachment path); none for a plain character,
    /// which is text there.
    pub(crate) prompt: Option<Box<Action>>,
}

impl TextKey {
    /// A character typed without Ctrl or Alt: text.
    pub fn plain_char(&self) -> Option<char> {
        match self.input {
            Input {
                key: TextCode::Char(c),
                ctrl: false,
                alt: false,
                ..
            } => Some(c),
            _ => None,
        }
    }
}

/// A bracketed paste: the whole block lands at once (a paste read as keys costs a frame
/// per character and turns each newline into Enter). Terminals pass clipboard bytes as
/// they are, so it is cleaned like an external editor's text first.
pub fn paste(app: &mut App, text: &str) {
    let text = clean_edited(text);
    if text.is_empty() {
        return;
    }
    if app.compose.new_ticket.is_some() {
        return crate::app::new_ticket::paste(app, &text);
    }
    let now = app.now;
    if let Some(composer) = &mut app.compose.composer {
        match &mut composer.mode {
            ComposerMode::Editing => {
                composer.editor.insert_str(&text);
                composer.edited_at = touched(composer.edited_at, now);
                composer.error = None;
                follow_caret(app);
            }
            ComposerMode::AttachPath { line } => line.insert_str(&one_line(&text)),
            ComposerMode::Snippets { query, selected } => {
                query.insert_str(&one_line(&text));
                *selected = 0;
            }
            ComposerMode::StatusMenu { .. } | ComposerMode::Stale { .. } => {}
        }
    }
}

/// Pasted text for a one-line field: line breaks become spaces.
pub fn one_line(text: &str) -> String {
    text.split('\n')
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text back from an external editor: no carriage returns, tabs as spaces, no trailing
/// newline (editors add one), no other control characters.
pub fn clean_edited(text: &str) -> String {
    // Most terminals send a pasted line break as a lone CR (the Enter key's byte).
    let text = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', "    ");
    // The same cleaning as the server's text: no controls, bidi or invisible characters.
    let text = crate::text::clean(&text);
    text.trim_end_matches('\n').to_string()
}

pub(super) fn key_in_composer(app: &mut App, key: TextKey, out: &mut Vec<Command>) {
    let now = app.now;
    // The small windows read their commands from the key map (resolved in `key`): the
    // status menu's keys (`[keys.status_menu]`, with the composer's send_with_status also
    // confirming) and the one-line prompt's submit / cancel (`[keys.prompt]`) for the
    // attachment path.
    let menu = key.menu.as_deref().cloned();
    let composer_key = key.composer.as_deref().cloned();
    let confirms = composer_key == Some(Action::Compose(ComposeAction::SendWithStatus));
    let sends = confirms || composer_key == Some(Action::Compose(ComposeAction::Send));
    let prompt = key.prompt.as_deref().cloned();
    let Some(composer) = &mut app.compose.composer else {
        return;
    };
    match composer.mode.clone() {
        ComposerMode::Editing => {
            let width = app.geometry.composer_editor.map(|area| area.width);
            if textarea_input(&mut composer.editor, key.input, width) {
                composer.edited_at = touched(composer.edited_at, now);
                composer.error = None;
            }
            follow_caret(app);
        }
        ComposerMode::StatusMenu { selected } => {
            let count = TicketStatus::ALL.len();
            match menu {
                Some(Action::Back) => composer.mode = ComposerMode::Editing,
                Some(Action::MoveDown) => {
                    composer.mode = ComposerMode::StatusMenu {
                        selected: (selected + 1) % count,
                    }
                }
                Some(Action::MoveUp) => {
                    composer.mode = ComposerMode::StatusMenu {
                        selected: (selected + count - 1) % count,
                    }
                }
                Some(Action::PickSelectedStatus) => {
                    composer.mode = ComposerMode::Editing;
                    send(app, TicketStatus::ALL.get(selected).copied(), out)
                }
                Some(Action::PickStatus(status)) => {
                    composer.mode = ComposerMode::Editing;
                    send(app, Some(status), out)
                }
                _ if confirms => {
                    composer.mode = ComposerMode::Editing;
                    send(app, TicketStatus::ALL.get(selected).copied(), out)
                }
                _ => {}
            }
        }
        ComposerMode::Stale {
            status,
            before: _,
            updated,
        } => {
            if sends || prompt == Some(Action::InputSubmit) {
                composer.mode = ComposerMode::Editing;
                send_anyway(app, status, updated, out);
            } else if prompt == Some(Action::Back) || menu == Some(Action::Back) {
                composer.mode = ComposerMode::Editing;
            }
        }
        ComposerMode::Snippets {
            mut query,
            mut selected,
        } => {
            let matches = crate::app::snippets::matching(&app.settings.snippets, &query.text);
            match prompt {
                Some(Action::Back) => {
                    composer.mode = ComposerMode::Editing;
                    return;
                }
                Some(Action::InputSubmit) => {
                    composer.mode = ComposerMode::Editing;
                    let body = matches
                        .get(selected)
                        .and_then(|i| app.settings.snippets.get(*i))
                        .map(|s| s.body.clone());
                    if let Some(body) = body {
                        super::insert_snippet(app, &body, out);
                    }
                    return;
                }
                // ↑/↓ (and Ctrl-P/N) are the prompt's history keys: here they choose.
                Some(Action::Line(LineEdit::HistoryPrev)) => {
                    selected = selected.saturating_sub(1);
                }
                Some(Action::Line(LineEdit::HistoryNext)) => {
                    selected = (selected + 1).min(matches.len().saturating_sub(1));
                }
                _ => {
                    let edit = match (key.plain_char(), prompt) {
                        (Some(c), _) => Some(LineEdit::Insert(c)),
                        (None, Some(Action::Line(LineEdit::Complete))) => None,
                        (None, Some(Action::Line(edit))) => Some(edit),
                        (None, Some(Action::InputLeft)) => Some(LineEdit::Left),
                        (None, Some(Action::InputRight)) => Some(LineEdit::Right),
                        (None, Some(Action::InputBackspace)) => Some(LineEdit::Backspace),
                        _ => None,
                    };
                    if let Some(edit) = edit
                        && query.apply(&edit)
                    {
                        // A new query: the best match is chosen again.
                        selected = 0;
                    }
                }
            }
            composer.mode = ComposerMode::Snippets { query, selected };
        }
        ComposerMode::AttachPath { mut line } => match prompt {
            Some(Action::Back) => composer.mode = ComposerMode::Editing,
            Some(Action::InputSubmit) => {
                composer.mode = ComposerMode::Editing;
                let path = line.text.trim().to_string();
                app.prompt_history.push(HistoryKind::Attach, &path, out);
                attach(app, &path, out);
            }
            _ => {
                // The prompt's keys (`[keys.prompt]`), as in the search line.
                let edit = match (key.plain_char(), prompt) {
                    (Some(c), _) => Some(LineEdit::Insert(c)),
                    (None, Some(Action::Line(edit))) => Some(edit),
                    (None, Some(Action::InputLeft)) => Some(LineEdit::Left),
                    (None, Some(Action::InputRight)) => Some(LineEdit::Right),
                    (None, Some(Action::InputBackspace)) => Some(LineEdit::Backspace),
                    _ => None,
                };
                match edit {
                    Some(edit @ (LineEdit::HistoryPrev | LineEdit::HistoryNext)) => line.browse(
                        app.prompt_history.entries(HistoryKind::Attach),
                        edit == LineEdit::HistoryPrev,
                    ),
                    // Paths have no completion here.
                    Some(LineEdit::Complete) | None => {}
                    Some(edit) => {
                        line.apply(&edit);
                    }
                }
                composer.mode = ComposerMode::AttachPath { line };
            }
        },
    }
}

/// A key into a text area, with the keys a shell user types by reflex meaning what they mean
/// at a shell prompt: Ctrl-J is a line feed (many terminals send it for Shift-Enter) and
/// starts a new line; Ctrl-U deletes to the line start (the text area's own Ctrl-U undoes,
/// and its Ctrl-J deletes to the line start). Undo is Ctrl-Z (raw mode: a key, not a stop).
/// Ctrl-A/E (line start/end), Ctrl-W, Ctrl-K, Alt-b/f are the text area's own.
pub fn textarea_input(editor: &mut TextArea<'static>, key: Input, wrap_width: Option<u16>) -> bool {
    // ↑/↓ move by screen row over wrapped lines (the text area's own move by whole lines),
    // once the width drawn is known: the rows are the ones the editor draws.
    let plain = !key.ctrl && !key.alt && !key.shift;
    let step = match key.key {
        TextCode::Up if plain => Some(false),
        TextCode::Down if plain => Some(true),
        _ => None,
    };
    if let (Some(down), Some(width)) = (step, wrap_width) {
        let cursor = editor.cursor();
        let cursor = (cursor.0, cursor.1);
        let to = crate::text::wrap::row_step(editor.lines(), cursor, width.into(), down);
        if let Some((line, col)) = to {
            let at = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
            editor.move_cursor(CursorMove::Jump(at(line), at(col)));
        }
        return false;
    }
    if key.ctrl && !key.alt && !key.shift {
        match key.key {
            TextCode::Char('j') => {
                editor.insert_newline();
                return true;
            }
            TextCode::Char('u') => return editor.delete_line_by_head(),
            TextCode::Char('z') => return editor.undo(),
            _ => {}
        }
    }
    editor.input(key)
}

/// Edits a one-line text with a key: characters, Backspace, Delete, Left/Right, Home/End.
pub fn edit_line(text: &mut String, cursor: &mut usize, key: &Input) -> bool {
    let byte = |text: &str, chars: usize| {
        text.char_indices()
            .nth(chars)
            .map_or(text.len(), |(index, _)| index)
    };
    let len = text.chars().count();
    *cursor = (*cursor).min(len);
    match key.key {
        TextCode::Char(c) if !key.ctrl && !key.alt => {
            let at = byte(text, *cursor);
            text.insert(at, c);
            *cursor += 1;
            true
        }
        TextCode::Backspace if *cursor > 0 => {
            let at = byte(text, *cursor - 1);
            text.remove(at);
            *cursor -= 1;
            true
        }
        TextCode::Delete if *cursor < len => {
            let at = byte(text, *cursor);
            text.remove(at);
            true
        }
        TextCode::Left => {
            *cursor = cursor.saturating_sub(1);
            false
        }
        TextCode::Right => {
            *cursor = (*cursor + 1).min(len);
            false
        }
        TextCode::Home => {
            *cursor = 0;
            false
        }
        TextCode::End => {
            *cursor = len;
            false
        }
        _ => false,
    }
}

/// Keeps the caret's row on screen after a change, at the text area's size as last drawn
/// (not drawn yet: the view keeps it on screen, and the first geometry sets it here).
pub fn follow_caret(app: &mut App) {
    let area = app.geometry.composer_editor;
    let Some(composer) = &mut app.compose.composer else {
        return;
    };
    let Some(area) = area else {
        return;
    };
    let view = crate::text::wrap::TextLayout::new(
        composer.editor.lines(),
        composer.cursor(),
        area.width,
        area.height,
        composer.scroll,
    );
    composer.scroll = view.scroll;
}

fn attach(app: &mut App, path: &str, out: &mut Vec<Command>) {
    if path.is_empty() {
        return;
    }
    // As typed: the worker, which reads the file, puts `~/` in the home directory.
    let path = PathBuf::from(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let id = app.request_id();
    if let Some(composer) = &mut app.compose.composer {
        composer.attachments.push(AttachedFile {
            name: crate::text::clean(&name),
            token: None,
            request: Some(id),
        });
    }
    out.push(compose_command(ComposeCommand::Upload { id, path }));
}
