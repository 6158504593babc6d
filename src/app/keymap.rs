//! The key map: one table of actions (pane, config name, action, help text, default keys)
//! that the key handling, the help overlay (`?`) and the status-bar hints all read, so help
//! can never disagree with the keys.
//!
//! A `[keys]` config table rebinds any action of a pane to one or more keys or two-key
//! sequences (`[keys.list] top = ["g g", "home"]`). The live map is built once at start
//! ([`KeyMap::from_config`]) and held in [`Settings`](super::state::Settings).
//!
//! Besides the console's panes, the map has key contexts of their own: one per stage of the
//! bulk pane (`bulk`, `bulk_text`, `bulk_preview`, `bulk_run`, `bulk_result`), the history
//! (`bulk_history`), the resume offer at start (`resume_offer`) and the sign-in prompt
//! (`sign_in`). `App::pane` says which one has the keyboard; the composer's status menu
//! reads `status_menu` and its attachment path `prompt`.
//!
//! Rules:
//! - Arrows (and Ctrl-C, which quits) are fixed: they always work and cannot be unbound
//!   or taken by another action.
//! - Where text is typed ([`text_entry_key`]: the prompt, a bulk text row, the count that
//!   confirms a large run, the password prompt, the composer's text) a plain character
//!   always types and Backspace deletes; only the other keys are looked up. The one-line
//!   editor's keys (Ctrl-A/E/U/K/W, word moves, history, Tab) are the `prompt` context's,
//!   used by the search and filter lines, the attachment path and the bulk text row.
//! - A conflict (two actions on one key or sequence of a pane, or a sequence whose first key
//!   is also a single binding) does not stop the console: the binding from the config file
//!   wins over a default (between equals, the earlier one in the table), the other key is
//!   dropped, and the conflict is shown at start in the status line and by `config check`,
//!   naming both bindings.
//! - Unknown panes, unknown actions and key names that do not parse are errors naming the
//!   key path (`keys.list.opne`); the console refuses to start on them.
//!
//! Adding an action is one line in [`definitions`].

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use chrono::NaiveDateTime;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
use super::bulk_edit::BulkAction;
use super::bulk_edit::Stage;
use super::composer::{ComposeAction, ComposerMode, TextKey};
use super::copy::{CopyAction, CopyPick};
use super::faults::FaultAction;
use super::line_edit::LineEdit;
use super::marks::MarkAction;
use super::state::{App, Pane};
use crate::api::TicketStatus;

/// How long a pending first key of a sequence (`g` of `g g`) waits for the second.
pub const SEQUENCE_TIMEOUT_MS: i64 = 1000;

/// One key: a code plus the modifiers that must be held (Shift is implied by upper case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub const fn new(code: KeyCode, mods: KeyModifiers) -> Key {
        Key { code, mods }
    }

    /// The key a terminal event stands for: Shift is dropped where the code already says
    /// it (upper-case letters, symbols, Shift-Tab).
    pub fn from_event(event: &KeyEvent) -> Key {
        let mut mods = event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        if !matches!(event.code, KeyCode::Char(_) | KeyCode::BackTab) {
            mods |= event.modifiers & KeyModifiers::SHIFT;
        }
        // Ctrl with a letter arrives lower case from most terminals; compare it so.
        let code = match event.code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        Key { code, mods }
    }

    /// Parses one key as written in the config: `j`, `G`, `?`, `enter`, `ctrl-d`, `alt-x`,
    /// `shift-tab`, `pgdn`, `f5`. Named keys are case-insensitive; a single character is
    /// taken as written (`G` is Shift-g).
    pub fn parse(text: &str) -> Result<Key, KeyProblem> {
        if text.is_empty() {
            return Err(KeyProblem::EmptyName);
        }
        let mut mods = KeyModifiers::NONE;
        let mut rest = text;
        // A lone "-" (or a trailing one, `ctrl--`) is the minus key, not a separator.
        while let Some((head, tail)) = rest.split_once('-') {
            if tail.is_empty() {
                break;
            }
            match head.to_ascii_lowercase().as_str() {
                "ctrl" | "control" | "c" => mods |= KeyModifiers::CONTROL,
                "alt" | "meta" | "m" | "a" => mods |= KeyModifiers::ALT,
                "shift" | "s" => mods |= KeyModifiers::SHIFT,
                _ => {
                    return Err(KeyProblem::BadModifier(head.to_string()));
                }
            }
            rest = tail;
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => {
                let c = if mods.contains(KeyModifiers::CONTROL) {
                    c.to_ascii_lowercase()
                } else if mods.contains(KeyModifiers::SHIFT) {
                    mods -= KeyModifiers::SHIFT;
                    c.to_ascii_uppercase()
                } else {
                    c
                };
                KeyCode::Char(c)
            }
            _ => named_key(&rest.to_ascii_lowercase())
                .ok_or_else(|| KeyProblem::UnknownName(rest.to_string()))?,
        };
        let code = match code {
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                mods -= KeyModifiers::SHIFT;
                KeyCode::BackTab
            }
            other => other,
        };
        Ok(Key { code, mods })
    }

    /// How the key is written in help: `j`, `Ctrl-d`, `↓`, `PgDn`.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::BackTab => "Shift-Tab".to_string(),
            KeyCode::Backspace => "Backspace".to_string(),
            KeyCode::Delete => "Del".to_string(),
            KeyCode::Insert => "Ins".to_string(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let mut label = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            label.push_str("Ctrl-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            label.push_str("Alt-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            label.push_str("Shift-");
        }
        label.push_str(&base);
        label
    }
}

fn named_key(name: &str) -> Option<KeyCode> {
    Some(match name {
        "enter" | "return" | "ret" | "cr" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "space" | "spc" => KeyCode::Char(' '),
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" | "bs" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "insert" | "ins" => KeyCode::Insert,
        "up" | "↑" => KeyCode::Up,
        "down" | "↓" => KeyCode::Down,
        "left" | "←" => KeyCode::Left,
        "right" | "→" => KeyCode::Right,
        "pageup" | "pgup" => KeyCode::PageUp,
        "pagedown" | "pgdn" | "pgdown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "minus" => KeyCode::Char('-'),
        "hash" => KeyCode::Char('#'),
        _ => {
            let n: u8 = name.strip_prefix('f')?.parse().ok()?;
            if !(1..=24).contains(&n) {
                return None;
            }
            KeyCode::F(n)
        }
    })
}

/// A binding's keys: one key, or a two-key sequence (`g g`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keys {
    One(Key),
    Two(Key, Key),
}

impl Keys {
    /// `"j"`, `"ctrl-d"`, `"g g"` (two keys split by a space; the space key is `space`).
    pub fn parse(text: &str) -> Result<Keys, KeyProblem> {
        let parts: Vec<&str> = text.split_whitespace().collect();
        match parts.as_slice() {
            [one] => Ok(Keys::One(Key::parse(one)?)),
            [first, second] => Ok(Keys::Two(Key::parse(first)?, Key::parse(second)?)),
            [] if text == " " => Ok(Keys::One(Key::new(KeyCode::Char(' '), KeyModifiers::NONE))),
            [] => Err(KeyProblem::EmptyName),
            _ => Err(KeyProblem::TooMany {
                text: text.to_string(),
                count: parts.len(),
            }),
        }
    }

    pub fn label(&self) -> String {
        match self {
            Keys::One(key) => key.label(),
            Keys::Two(a, b) => format!("{} {}", a.label(), b.label()),
        }
    }
}

/// One action of the table: in which panes, its config name, what it does and its default
/// keys (as they would be written in the config). What it is called is the view's
/// (`ui::key_words::help_msg`).
#[derive(Debug, Clone)]
pub struct Definition {
    pub pane: Pane,
    pub name: &'static str,
    pub action: Action,
    pub defaults: &'static [&'static str],
}

/// The panes a config may name, with their names.
pub const PANES: &[(Pane, &str)] = &[
    (Pane::List, "list"),
    (Pane::Detail, "detail"),
    (Pane::Prompt, "prompt"),
    (Pane::StatusMenu, "status_menu"),
    (Pane::CopyMenu, "copy_menu"),
    (Pane::Help, "help"),
    (Pane::Composer, "composer"),
    (Pane::NewTicket, "new_ticket"),
    (Pane::Bulk, "bulk"),
    (Pane::BulkText, "bulk_text"),
    (Pane::BulkPreview, "bulk_preview"),
    (Pane::BulkRun, "bulk_run"),
    (Pane::BulkResult, "bulk_result"),
    (Pane::BulkHistory, "bulk_history"),
    (Pane::ResumeOffer, "resume_offer"),
    (Pane::SignIn, "sign_in"),
];

pub fn pane_name(pane: Pane) -> &'static str {
    PANES
        .iter()
        .find(|(p, _)| *p == pane)
        .map_or("?", |(_, name)| name)
}

/// Keys that always do the same thing in a pane and cannot be unbound: (pane, key, action
/// name). Arrows always work; Ctrl-C always quits.
const FIXED: &[(Pane, &str, &str)] = &[
    (Pane::List, "up", "move_up"),
    (Pane::List, "down", "move_down"),
    (Pane::Detail, "up", "move_up"),
    (Pane::Detail, "down", "move_down"),
    (Pane::Help, "up", "move_up"),
    (Pane::Help, "down", "move_down"),
    (Pane::StatusMenu, "up", "move_up"),
    (Pane::StatusMenu, "down", "move_down"),
    (Pane::CopyMenu, "up", "move_up"),
    (Pane::CopyMenu, "down", "move_down"),
    (Pane::Prompt, "left", "cursor_left"),
    (Pane::Prompt, "right", "cursor_right"),
    (Pane::Prompt, "up", "history_prev"),
    (Pane::Prompt, "down", "history_next"),
    (Pane::List, "ctrl-c", "force_quit"),
    (Pane::Detail, "ctrl-c", "force_quit"),
    (Pane::Prompt, "ctrl-c", "force_quit"),
    (Pane::StatusMenu, "ctrl-c", "force_quit"),
    (Pane::CopyMenu, "ctrl-c", "force_quit"),
    (Pane::Help, "ctrl-c", "force_quit"),
    (Pane::Composer, "ctrl-c", "force_quit"),
    (Pane::NewTicket, "ctrl-c", "force_quit"),
    (Pane::Bulk, "up", "move_up"),
    (Pane::Bulk, "down", "move_down"),
    (Pane::Bulk, "left", "prev_value"),
    (Pane::Bulk, "right", "next_value"),
    (Pane::BulkResult, "up", "scroll_up"),
    (Pane::BulkPreview, "up", "scroll_up"),
    (Pane::BulkPreview, "down", "scroll_down"),
    (Pane::BulkResult, "down", "scroll_down"),
    (Pane::BulkHistory, "up", "move_up"),
    (Pane::BulkHistory, "down", "move_down"),
    (Pane::Bulk, "ctrl-c", "force_quit"),
    (Pane::BulkText, "ctrl-c", "force_quit"),
    (Pane::BulkPreview, "ctrl-c", "force_quit"),
    (Pane::BulkRun, "ctrl-c", "force_quit"),
    (Pane::BulkResult, "ctrl-c", "force_quit"),
    (Pane::BulkHistory, "ctrl-c", "force_quit"),
    (Pane::ResumeOffer, "ctrl-c", "force_quit"),
    (Pane::SignIn, "ctrl-c", "force_quit"),
];

/// The table of every action, in help order. `select_view` and `pick_status` stand for one
/// action per key: the Nth key picks view (status) N.
#[rustfmt::skip]
pub fn definitions() -> &'static [Definition] {
    static TABLE: OnceLock<Vec<Definition>> = OnceLock::new();
    TABLE.get_or_init(|| {
        use Pane::*;
        let d = |pane, name, action, defaults| Definition {
            pane,
            name,
            action,
            defaults,
        };
        let mut t = Vec::new();
        // Movement, shared by the list, the detail (scrolling) and help.
        for pane in [List, Detail, Help] {
            t.extend([
                d(pane, "move_down", Action::MoveDown, &["j"][..]),
                d(pane, "move_up", Action::MoveUp, &["k"]),
                d(pane, "top", Action::Top, &["g g", "home"]),
                d(pane, "bottom", Action::Bottom, &["G", "end"]),
                d(pane, "page_down", Action::PageDown, &["pgdn", "ctrl-f"]),
                d(pane, "page_up", Action::PageUp, &["pgup", "ctrl-b"]),
                d(pane, "half_page_down", Action::HalfPageDown, &["ctrl-d"]),
                d(pane, "half_page_up", Action::HalfPageUp, &["ctrl-u"]),
            ]);
        }
        const DIGITS: &[&str] = &["1", "2", "3", "4", "5", "6", "7", "8", "9"];
        let line = Action::Line;
        let copy = Action::Copy;
        t.extend([
            d(List, "open", Action::Open, &["enter", "l"]),
            d(List, "go_to", Action::StartGoTo, &["#"]),
            d(List, "back", Action::Back, &["esc"]),
            d(List, "search", Action::StartSearch, &["/"]),
            d(List, "status", Action::OpenStatusMenu, &["s"]),
            d(List, "copy", Action::Copy(CopyAction::Open), &["y"]),
            d(List, "reload", Action::Reload, &["R"]),
            d(List, "next_view", Action::NextView, &["tab"]),
            d(List, "prev_view", Action::PrevView, &["shift-tab"]),
            d(List, "select_view", Action::SelectView(0), DIGITS),
            d(List, "sort_field", Action::CycleSortField, &["o"]),
            d(List, "sort_order", Action::ToggleSortOrder, &["O"]),
            d(List, "filter", Action::StartFilter, &["f"]),
            d(List, "mark", Action::Marks(MarkAction::Toggle), &["space"]),
            d(List, "mark_range", Action::Marks(MarkAction::StartRange), &["V"]),
            d(List, "mark_loaded", Action::Marks(MarkAction::MarkLoaded), &["*"]),
            d(List, "mark_all", Action::Marks(MarkAction::MarkAllOnServer), &["A"]),
            d(List, "clear_marks", Action::Marks(MarkAction::Clear), &["U"]),
            d(List, "only_marked", Action::Marks(MarkAction::OnlyMarked), &["M"]),
            d(List, "bulk", Action::Bulk(BulkAction::Open), &["b"]),
            d(List, "bulk_history", Action::Bulk(BulkAction::OpenHistory), &["H"]),
            d(List, "reply", Action::Compose(ComposeAction::OpenReply), &["r"]),
            d(List, "new", Action::Compose(ComposeAction::OpenNewTicket), &["n"]),
            d(List, "help", Action::ToggleHelp, &["?"]),
            d(List, "quit", Action::Quit, &["q"]),
            d(Detail, "back", Action::Back, &["esc", "q", "h", "tab"]),
            d(Detail, "next_ticket", Action::NextTicket, &["]", "J"]),
            d(Detail, "prev_ticket", Action::PrevTicket, &["[", "K"]),
            d(Detail, "go_to", Action::StartGoTo, &["#"]),
            d(Detail, "status", Action::OpenStatusMenu, &["s"]),
            d(Detail, "copy", Action::Copy(CopyAction::Open), &["y"]),
            d(Detail, "reload", Action::Reload, &["R"]),
            d(Detail, "reply", Action::Compose(ComposeAction::OpenReply), &["r"]),
            d(Detail, "new", Action::Compose(ComposeAction::OpenNewTicket), &["n"]),
            d(Detail, "bulk", Action::Bulk(BulkAction::Open), &["b"]),
            d(Detail, "help", Action::ToggleHelp, &["?"]),
            d(Prompt, "submit", Action::InputSubmit, &["enter"]),
            d(Prompt, "cancel", Action::Back, &["esc"]),
            d(Prompt, "delete_char", Action::InputBackspace, &["backspace"]),
            d(Prompt, "cursor_left", Action::InputLeft, &["ctrl-b"]),
            d(Prompt, "cursor_right", Action::InputRight, &["ctrl-f"]),
            d(Prompt, "line_start", line(LineEdit::Home), &["ctrl-a", "home"]),
            d(Prompt, "line_end", line(LineEdit::End), &["ctrl-e", "end"]),
            d(Prompt, "word_left", line(LineEdit::WordLeft), &["alt-b", "ctrl-left"]),
            d(Prompt, "word_right", line(LineEdit::WordRight), &["alt-f", "ctrl-right"]),
            d(Prompt, "delete_under", line(LineEdit::Delete), &["delete", "ctrl-d"]),
            d(Prompt, "kill_to_start", line(LineEdit::KillToStart), &["ctrl-u"]),
            d(Prompt, "kill_to_end", line(LineEdit::KillToEnd), &["ctrl-k"]),
            d(Prompt, "kill_term_back", line(LineEdit::KillTermBack), &["ctrl-w"]),
            d(Prompt, "kill_word_back", line(LineEdit::KillWordBack), &["alt-backspace"]),
            d(Prompt, "history_prev", line(LineEdit::HistoryPrev), &["ctrl-p"]),
            d(Prompt, "history_next", line(LineEdit::HistoryNext), &["ctrl-n"]),
            d(Prompt, "complete", line(LineEdit::Complete), &["tab"]),
            d(Prompt, "help", Action::ToggleHelp, &["f1"]),
            d(StatusMenu, "move_down", Action::MoveDown, &["j"]),
            d(StatusMenu, "move_up", Action::MoveUp, &["k"]),
            d(StatusMenu, "pick", Action::PickSelectedStatus, &["enter"]),
            d(StatusMenu, "pick_status", Action::PickStatus(TicketStatus::New), &DIGITS[..6]),
            d(StatusMenu, "cancel", Action::Back, &["esc", "q"]),
            d(CopyMenu, "move_down", Action::MoveDown, &["j"]),
            d(CopyMenu, "move_up", Action::MoveUp, &["k"]),
            d(CopyMenu, "copy", copy(CopyAction::PickSelected), &["enter"]),
            d(CopyMenu, "copy_id", copy(CopyAction::Pick(CopyPick::Id)), &["i"]),
            d(CopyMenu, "copy_subject", copy(CopyAction::Pick(CopyPick::Subject)), &["s"]),
            d(CopyMenu, "copy_phone", copy(CopyAction::Pick(CopyPick::Phone)), &["p"]),
            d(CopyMenu, "copy_email", copy(CopyAction::Pick(CopyPick::Email)), &["e"]),
            d(CopyMenu, "copy_description", copy(CopyAction::Pick(CopyPick::Description)), &["d"]),
            d(CopyMenu, "copy_field", copy(CopyAction::Pick(CopyPick::Field(0))), DIGITS),
            d(CopyMenu, "copy_web_link", copy(CopyAction::Pick(CopyPick::WebLink)), &["w"]),
            d(CopyMenu, "copy_api_url", copy(CopyAction::Pick(CopyPick::ApiUrl)), &["a"]),
            d(CopyMenu, "help", Action::ToggleHelp, &["?"]),
            d(CopyMenu, "cancel", Action::Back, &["esc", "q"]),
            d(Help, "close", Action::ToggleHelp, &["esc", "?", "q"]),
            // The composer and the new-ticket form: every other key edits the text.
            d(Composer, "send", Action::Compose(ComposeAction::Send), &["ctrl-s"]),
            d(Composer, "send_with_status", Action::Compose(ComposeAction::SendWithStatus), &["ctrl-t"]),
            d(Composer, "attach", Action::Compose(ComposeAction::Attach), &["ctrl-o"]),
            d(Composer, "external_editor", Action::Compose(ComposeAction::ExternalEdit), &["ctrl-x"]),
            d(Composer, "close", Action::Compose(ComposeAction::Close), &["esc"]),
            // Reading the ticket above while writing: keys that reach the console through
            // tmux and ssh (the plain arrows and PgUp/PgDn move in the text).
            d(Composer, "scroll_ticket_down", Action::Compose(ComposeAction::ScrollTicket(1)), &["alt-down", "ctrl-down"]),
            d(Composer, "scroll_ticket_up", Action::Compose(ComposeAction::ScrollTicket(-1)), &["alt-up", "ctrl-up"]),
            d(Composer, "page_ticket_down", Action::Compose(ComposeAction::PageTicket(1)), &["alt-pgdn"]),
            d(Composer, "page_ticket_up", Action::Compose(ComposeAction::PageTicket(-1)), &["alt-pgup"]),
            // `?` types: help is F1 here.
            d(Composer, "help", Action::ToggleHelp, &["f1"]),
            d(NewTicket, "create", Action::Compose(ComposeAction::Send), &["ctrl-s"]),
            d(NewTicket, "external_editor", Action::Compose(ComposeAction::ExternalEdit), &["ctrl-x"]),
            d(NewTicket, "close", Action::Compose(ComposeAction::Close), &["esc"]),
            d(NewTicket, "next_field", Action::Compose(ComposeAction::NextField), &["tab"]),
            d(NewTicket, "prev_field", Action::Compose(ComposeAction::PrevField), &["shift-tab"]),
            // Plain characters type into text fields: these letters act on choice fields only.
            d(NewTicket, "next_choice", Action::Compose(ComposeAction::NextChoice), &["l", "space"]),
            d(NewTicket, "prev_choice", Action::Compose(ComposeAction::PrevChoice), &["h"]),
        ]);
        // The bulk pane, one key context per stage; the history and the resume offer.
        let b = |action| Action::Bulk(action);
        t.extend([
            d(Bulk, "move_down", b(BulkAction::Down), &["j", "tab"][..]),
            d(Bulk, "move_up", b(BulkAction::Up), &["k", "shift-tab"]),
            d(Bulk, "next_value", b(BulkAction::Right), &["l"]),
            d(Bulk, "prev_value", b(BulkAction::Left), &["h"]),
            d(Bulk, "edit", b(BulkAction::Edit), &["e", "i"]),
            d(Bulk, "clear_row", b(BulkAction::ClearRow), &["x", "backspace"]),
            d(Bulk, "preview", b(BulkAction::Enter), &["enter"]),
            d(Bulk, "close", b(BulkAction::Esc), &["esc", "q"]),
            d(Bulk, "help", b(BulkAction::Help), &["?"]),
            d(BulkText, "done", b(BulkAction::Enter), &["enter"]),
            d(BulkText, "discard", b(BulkAction::Esc), &["esc"]),
            d(BulkPreview, "start", b(BulkAction::Enter), &["enter"]),
            d(BulkPreview, "back", b(BulkAction::Esc), &["esc", "q"]),
            d(BulkPreview, "scroll_down", b(BulkAction::Down), &["j"]),
            d(BulkPreview, "scroll_up", b(BulkAction::Up), &["k"]),
            d(BulkPreview, "page_down", b(BulkAction::PageDown), &["pgdn", "ctrl-f"]),
            d(BulkPreview, "page_up", b(BulkAction::PageUp), &["pgup", "ctrl-b"]),
            d(BulkPreview, "top", b(BulkAction::Top), &["home"]),
            d(BulkPreview, "bottom", b(BulkAction::Bottom), &["end"]),
            d(BulkPreview, "help", b(BulkAction::Help), &["?"]),
            d(BulkPreview, "apply_anyway", b(BulkAction::ApplyAnyway), &["a", "ctrl-a"]),
            d(BulkRun, "cancel", b(BulkAction::Cancel), &["c", "esc"]),
            d(BulkRun, "hide", b(BulkAction::Hide), &["q", "b"]),
            d(BulkRun, "help", b(BulkAction::Help), &["?"]),
            d(BulkResult, "retry", b(BulkAction::Retry), &["r"]),
            d(BulkResult, "undo", b(BulkAction::Undo), &["u"]),
            d(BulkResult, "history", b(BulkAction::OpenHistory), &["H"]),
            d(BulkResult, "scroll_down", b(BulkAction::Down), &["j"]),
            d(BulkResult, "scroll_up", b(BulkAction::Up), &["k"]),
            d(BulkResult, "close", b(BulkAction::Esc), &["esc", "q"]),
            d(BulkResult, "help", b(BulkAction::Help), &["?"]),
            d(BulkHistory, "move_down", b(BulkAction::Down), &["j"]),
            d(BulkHistory, "move_up", b(BulkAction::Up), &["k"]),
            d(BulkHistory, "undo", b(BulkAction::Undo), &["u"]),
            d(BulkHistory, "resume", b(BulkAction::Resume), &["R", "enter"]),
            d(BulkHistory, "close", b(BulkAction::Esc), &["esc", "q"]),
            d(BulkHistory, "help", b(BulkAction::Help), &["?"]),
            d(ResumeOffer, "resume", b(BulkAction::Resume), &["enter", "R"]),
            d(ResumeOffer, "undo", b(BulkAction::Undo), &["u"]),
            d(ResumeOffer, "later", b(BulkAction::Esc), &["esc"]),
            d(ResumeOffer, "help", b(BulkAction::Help), &["?"]),
            d(SignIn, "submit", Action::Fault(FaultAction::SignInSubmit), &["enter"]),
            d(SignIn, "cancel", Action::Fault(FaultAction::SignInCancel), &["esc"]),
        ]);
        // Ctrl-C quits from anywhere (a fixed key).
        for (pane, _) in PANES {
            let pane = *pane;
            t.push(d(pane, "force_quit", Action::Quit, &[]));
        }
        t
    })
}

/// Where a binding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Always bound (arrows, Ctrl-C).
    Fixed,
    Default,
    /// The `[keys]` table of the config file.
    Config,
}

impl Origin {
    fn as_str(self) -> &'static str {
        match self {
            Origin::Fixed => "fixed",
            Origin::Default => "default",
            Origin::Config => "config",
        }
    }
}

/// One side of a conflict: which action, with which keys, from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingRef {
    pub pane: Pane,
    pub action: &'static str,
    pub keys: Keys,
    pub origin: Origin,
}

impl std::fmt::Display for BindingRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "keys.{}.{} = \"{}\" ({})",
            pane_name(self.pane),
            self.action,
            self.keys.label(),
            self.origin.as_str()
        )
    }
}

/// Two bindings that cannot both work: the first kept the key, the second lost it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub kept: BindingRef,
    pub dropped: BindingRef,
}

/// A `[keys]` entry that cannot be used: the key path and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMapError {
    pub path: String,
    pub problem: KeyProblem,
}

/// Why a key or a `[keys]` entry cannot be used, with what the config said; worded by
/// `words::keys`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyProblem {
    EmptyName,
    /// The modifier written before a `-` (`hyper` of `hyper-x`).
    BadModifier(String),
    /// The key after any modifiers (`entr`).
    UnknownName(String),
    /// A binding of more than two keys: the text and how many keys it has.
    TooMany {
        text: String,
        count: usize,
    },
    /// A pane not in `PANES`, with the nearest name.
    UnknownPane {
        suggestion: Option<&'static str>,
    },
    NotTable,
    /// An action the pane (as written) does not have, with the nearest name.
    UnknownAction {
        pane: String,
        suggestion: Option<&'static str>,
    },
    /// A list item that is not a string: the TOML type found.
    NotString(&'static str),
    /// A value that is neither a string nor a list: the TOML type found.
    NotStringOrList(&'static str),
}

/// Where a key leads: the definition (index into the table) and the position of the key in
/// that definition's key list (which view or status a digit picks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    def: usize,
    index: usize,
    origin: Origin,
    keys: Keys,
}

#[derive(Debug, Clone, Default)]
struct PaneMap {
    singles: HashMap<Key, Slot>,
    sequences: HashMap<(Key, Key), Slot>,
    /// First keys of sequences, with the first sequence that uses each.
    prefixes: HashMap<Key, Slot>,
    /// The keys that work, per definition index, in the order given (fixed keys last),
    /// each with whether it is fixed.
    live: HashMap<usize, Vec<(Keys, bool)>>,
}

/// The live key map.
#[derive(Debug, Clone)]
pub struct KeyMap {
    panes: HashMap<Pane, PaneMap>,
    /// Found while building; shown at start and by `config check`.
    pub conflicts: Vec<Conflict>,
}

impl Default for KeyMap {
    fn default() -> Self {
        KeyMap::shared_default().as_ref().clone()
    }
}

impl KeyMap {
    /// The default map, built once.
    pub fn shared_default() -> Arc<KeyMap> {
        static DEFAULT: OnceLock<Arc<KeyMap>> = OnceLock::new();
        DEFAULT
            .get_or_init(|| {
                // The defaults are tested to parse and not to conflict.
                Arc::new(
                    KeyMap::from_config(&toml::Table::new()).unwrap_or_else(|_| KeyMap {
                        panes: HashMap::new(),
                        conflicts: Vec::new(),
                    }),
                )
            })
            .clone()
    }

    /// The map from a `[keys]` table: per pane, `action = "key"` or `action = ["key", ...]`
    /// replaces that action's default keys (`[]` unbinds it).
    pub fn from_config(table: &toml::Table) -> Result<KeyMap, KeyMapError> {
        let defs = definitions();
        let mut overrides: HashMap<usize, Vec<Keys>> = HashMap::new();
        for (pane_key, value) in table {
            let Some(pane) = PANES.iter().find(|(_, n)| n == pane_key).map(|(p, _)| *p) else {
                return Err(KeyMapError {
                    path: format!("keys.{pane_key}"),
                    problem: KeyProblem::UnknownPane {
                        suggestion: nearest(pane_key, PANES.iter().map(|(_, n)| *n)),
                    },
                });
            };
            let toml::Value::Table(actions) = value else {
                return Err(KeyMapError {
                    path: format!("keys.{pane_key}"),
                    problem: KeyProblem::NotTable,
                });
            };
            for (action, keys) in actions {
                let path = format!("keys.{pane_key}.{action}");
                let Some(index) = defs.iter().position(|d| d.pane == pane && d.name == action)
                else {
                    let names = defs.iter().filter(|d| d.pane == pane).map(|d| d.name);
                    return Err(KeyMapError {
                        problem: KeyProblem::UnknownAction {
                            pane: pane_key.clone(),
                            suggestion: nearest(action, names),
                        },
                        path,
                    });
                };
                overrides.insert(index, parse_key_list(&path, keys)?);
            }
        }
        Ok(KeyMap::build(defs, &overrides))
    }

    fn build(defs: &[Definition], overrides: &HashMap<usize, Vec<Keys>>) -> KeyMap {
        let mut panes: HashMap<Pane, PaneMap> = HashMap::new();
        let mut conflicts = Vec::new();
        // Claim order: fixed keys, then keys from the config, then defaults.
        let mut claims: Vec<(usize, usize, Keys, Origin)> = Vec::new();
        for (pane, key, name) in FIXED {
            let def = defs.iter().position(|d| d.pane == *pane && d.name == *name);
            if let (Some(def), Ok(keys)) = (def, Keys::parse(key)) {
                claims.push((def, 0, keys, Origin::Fixed));
            }
        }
        for (def, keys) in defs
            .iter()
            .enumerate()
            .filter_map(|(i, _)| overrides.get(&i).map(|keys| (i, keys)))
        {
            for (index, keys) in keys.iter().enumerate() {
                claims.push((def, index, *keys, Origin::Config));
            }
        }
        for (def, definition) in defs.iter().enumerate() {
            if overrides.contains_key(&def) {
                continue;
            }
            for (index, text) in definition.defaults.iter().enumerate() {
                if let Ok(keys) = Keys::parse(text) {
                    claims.push((def, index, keys, Origin::Default));
                }
            }
        }
        for (def, index, keys, origin) in claims {
            let pane = defs[def].pane;
            let map = panes.entry(pane).or_default();
            let slot = Slot {
                def,
                index,
                origin,
                keys,
            };
            let holder = match keys {
                Keys::One(key) => map
                    .singles
                    .get(&key)
                    .or_else(|| map.prefixes.get(&key))
                    .copied(),
                Keys::Two(a, b) => map
                    .sequences
                    .get(&(a, b))
                    .or_else(|| map.singles.get(&a))
                    .copied(),
            };
            if let Some(holder) = holder {
                // The same key given twice to one action, or a fixed key given to the
                // action it is fixed to: nothing to report.
                let same = defs[holder.def].action == defs[def].action
                    && (holder.def == def || holder.origin == Origin::Fixed);
                if !same {
                    conflicts.push(Conflict {
                        kept: BindingRef {
                            pane,
                            action: defs[holder.def].name,
                            keys: holder.keys,
                            origin: holder.origin,
                        },
                        dropped: BindingRef {
                            pane,
                            action: defs[def].name,
                            keys,
                            origin,
                        },
                    });
                }
                continue;
            }
            match keys {
                Keys::One(key) => {
                    map.singles.insert(key, slot);
                }
                Keys::Two(a, b) => {
                    map.sequences.insert((a, b), slot);
                    map.prefixes.entry(a).or_insert(slot);
                }
            }
            map.live
                .entry(def)
                .or_default()
                .push((keys, origin == Origin::Fixed));
        }
        for map in panes.values_mut() {
            for keys in map.live.values_mut() {
                keys.sort_by_key(|(_, fixed)| *fixed);
            }
        }
        KeyMap { panes, conflicts }
    }

    /// The action of a key (or of a pending first key and this one) in a pane.
    pub fn resolve(&self, pane: Pane, pending: Option<Key>, key: Key) -> Resolution {
        let Some(map) = self.panes.get(&pane) else {
            return Resolution::None;
        };
        if let Some(first) = pending
            && let Some(slot) = map.sequences.get(&(first, key))
        {
            return Resolution::Action(action_of(slot));
        }
        if let Some(slot) = map.singles.get(&key) {
            return Resolution::Action(action_of(slot));
        }
        if map.prefixes.contains_key(&key) {
            return Resolution::Prefix;
        }
        Resolution::None
    }

    /// The keys that work for an action of a pane, in the order given (fixed ones first).
    pub fn keys_of(&self, pane: Pane, name: &str) -> Vec<Keys> {
        let defs = definitions();
        let Some(def) = defs.iter().position(|d| d.pane == pane && d.name == name) else {
            return Vec::new();
        };
        self.panes
            .get(&pane)
            .and_then(|map| map.live.get(&def))
            .map(|keys| keys.iter().map(|(keys, _)| *keys).collect())
            .unwrap_or_default()
    }

    /// The first key of an action, as shown in hints (`?`, `Ctrl-d`, `g g`).
    pub fn first_label(&self, pane: Pane, name: &str) -> Option<String> {
        self.keys_of(pane, name).first().map(Keys::label)
    }

    /// The first `max` keys of an action joined by `/` (`Esc/q`).
    pub fn labels(&self, pane: Pane, name: &str, max: usize) -> String {
        let keys = self.keys_of(pane, name);
        let labels: Vec<String> = keys.iter().take(max).map(Keys::label).collect();
        labels.join("/")
    }

    /// The help rows of a pane, in table order: (keys, action name), worded by the view.
    /// Actions with no key are left out.
    pub fn help_rows(&self, pane: Pane) -> Vec<(String, &'static str)> {
        let defs = definitions();
        let Some(map) = self.panes.get(&pane) else {
            return Vec::new();
        };
        defs.iter()
            .enumerate()
            .filter(|(_, d)| d.pane == pane)
            .filter_map(|(index, d)| {
                let keys = map.live.get(&index)?;
                let labels: Vec<String> = keys.iter().map(|(keys, _)| keys.label()).collect();
                let text = if labels.len() > 4 {
                    format!("{}…{}", labels[0], labels[labels.len() - 1])
                } else {
                    labels.join(" ")
                };
                Some((text, d.name))
            })
            .chain(
                // The text's own keys (fixed, not in the map), where text is written.
                matches!(pane, Pane::Composer | Pane::NewTicket)
                    .then_some(TEXT_KEYS)
                    .into_iter()
                    .flatten()
                    .map(|(keys, name)| (keys.to_string(), *name)),
            )
            .collect()
    }

    /// (keys, action name) for the named actions that have a key, for hint lines.
    pub fn hints(&self, pane: Pane, names: &[&str]) -> Vec<(String, &'static str)> {
        let defs = definitions();
        names
            .iter()
            .filter_map(|name| {
                let def = defs.iter().find(|d| d.pane == pane && d.name == *name)?;
                let keys = self.first_label(pane, name)?;
                Some((keys, def.name))
            })
            .collect()
    }

    /// The first key of `PANE.ACTION` (`list.reload` → `R`), for words that name a key.
    pub fn label_for(&self, reference: &str) -> Option<String> {
        let (pane, action) = reference.split_once('.')?;
        let pane = PANES.iter().find(|(_, n)| *n == pane)?.0;
        self.first_label(pane, action)
    }

    /// An action's key for a hint: the first key, or `1-6` for the actions that stand for
    /// one choice per key.
    pub fn hint_label(&self, pane: Pane, name: &str) -> Option<String> {
        let numbered = definitions().iter().any(|d| {
            d.pane == pane
                && d.name == name
                && matches!(
                    d.action,
                    Action::SelectView(_)
                        | Action::PickStatus(_)
                        | Action::Copy(CopyAction::Pick(CopyPick::Field(_)))
                )
        });
        let keys = self.keys_of(pane, name);
        match (keys.first(), keys.last()) {
            (Some(first), Some(last)) if numbered && keys.len() > 1 => {
                Some(format!("{}-{}", first.label(), last.label()))
            }
            (first, _) => first.map(Keys::label),
        }
    }
}

fn nearest<'a>(given: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .map(|name| (strsim::jaro_winkler(given, name), name))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name)
}

fn parse_key_list(path: &str, value: &toml::Value) -> Result<Vec<Keys>, KeyMapError> {
    let error = |problem: KeyProblem| KeyMapError {
        path: path.to_string(),
        problem,
    };
    match value {
        toml::Value::String(text) => Ok(vec![Keys::parse(text).map_err(error)?]),
        toml::Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| match item {
                toml::Value::String(text) => Keys::parse(text).map_err(|problem| KeyMapError {
                    path: format!("{path}[{index}]"),
                    problem,
                }),
                other => Err(KeyMapError {
                    path: format!("{path}[{index}]"),
                    problem: KeyProblem::NotString(other.type_str()),
                }),
            })
            .collect(),
        other => Err(error(KeyProblem::NotStringOrList(other.type_str()))),
    }
}

fn action_of(slot: &Slot) -> Action {
    let defs = definitions();
    // The digit rows stand for one action per key.
    match &defs[slot.def].action {
        Action::SelectView(_) => Action::SelectView(slot.index),
        Action::PickStatus(_) => Action::PickStatus(TicketStatus::from_code(slot.index as i64 + 1)),
        Action::Copy(CopyAction::Pick(CopyPick::Field(_))) => {
            Action::Copy(CopyAction::Pick(CopyPick::Field(slot.index)))
        }
        other => other.clone(),
    }
}

// Built and matched at once, one key at a time: the size does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Resolution {
    Action(Action),
    /// The first key of a sequence: wait for the second.
    Prefix,
    None,
}

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
    pub key: Key,
    pub pane: Pane,
    pub since: NaiveDateTime,
}

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

/// The keys of the composer's and the new-ticket form's text, as at a shell prompt (see
/// `composer::textarea_input`), listed by `?`/F1 after the map's own: (keys, name). The
/// names start with `text_`, which no action of the table does (a test checks), so the
/// view words them like the table's.
pub const TEXT_KEYS: &[(&str, &str)] = &[
    ("Enter Ctrl-J", "text_new_line"),
    ("Ctrl-A Ctrl-E", "text_line_ends"),
    ("Ctrl-U Ctrl-K", "text_kill_line"),
    ("Ctrl-W Alt-⌫", "text_kill_word"),
    ("Alt-b Alt-f", "text_words"),
    ("Ctrl-Z Ctrl-R", "text_undo"),
];

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
        Pane::List | Pane::Detail | Pane::StatusMenu | Pane::CopyMenu | Pane::Help => {}
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
        && !(pane == Pane::NewTicket && super::new_ticket::focus_is_choice(app));
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
    fn every_default_parses_and_nothing_conflicts() {
        for def in definitions() {
            for text in def.defaults {
                assert!(Keys::parse(text).is_ok(), "{}: {text}", def.name);
            }
        }
        let map = KeyMap::from_config(&toml::Table::new()).unwrap();
        assert!(map.conflicts.is_empty(), "{:?}", map.conflicts);
        // Each (pane, name) is unique, so a config entry names one action.
        let mut seen = std::collections::HashSet::new();
        for def in definitions() {
            assert!(seen.insert((def.pane, def.name)), "{} twice", def.name);
        }
    }

    #[test]
    fn keys_parse() {
        assert_eq!(
            Key::parse("ctrl-d").unwrap(),
            Key::new(KeyCode::Char('d'), KeyModifiers::CONTROL)
        );
        assert_eq!(
            Key::parse("G").unwrap(),
            Key::new(KeyCode::Char('G'), KeyModifiers::NONE)
        );
        assert_eq!(Key::parse("shift-g").unwrap(), Key::parse("G").unwrap());
        assert_eq!(
            Key::parse("Shift-Tab").unwrap(),
            Key::new(KeyCode::BackTab, KeyModifiers::NONE)
        );
        assert_eq!(
            Key::parse("-").unwrap(),
            Key::new(KeyCode::Char('-'), KeyModifiers::NONE)
        );
        assert_eq!(Key::parse("F5").unwrap().code, KeyCode::F(5));
        assert!(Key::parse("entr").is_err());
        assert!(Key::parse("hyper-x").is_err());
        assert!(Keys::parse("g g g").is_err());
        assert!(matches!(Keys::parse("g g").unwrap(), Keys::Two(_, _)));
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

    #[test]
    fn help_is_generated_from_the_map() {
        let rows = KeyMap::default().help_rows(Pane::List);
        assert!(
            rows.iter()
                .any(|(keys, name)| keys == "j ↓" && *name == "move_down"),
            "{rows:?}"
        );
        assert!(rows.iter().any(|(keys, _)| keys == "q"));
        assert!(rows.iter().any(|(keys, _)| keys == "g g Home"), "{rows:?}");
    }
}
