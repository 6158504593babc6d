//! The default bindings: the panes a config may name, the fixed keys, the text editors' keys
//! help lists, and the table of every action with its default keys, in help order. Data
//! only; the live map is built from it.

use std::sync::OnceLock;

use crate::api::TicketStatus;
use crate::app::action::Action;
use crate::app::bulk_edit::BulkAction;
use crate::app::composer::ComposeAction;
use crate::app::copy::{CopyAction, CopyPick};
use crate::app::facets::FacetAction;
use crate::app::faults::FaultAction;
use crate::app::files::FilesAction;
use crate::app::line_edit::LineEdit;
use crate::app::macros::MacroAction;
use crate::app::marks::MarkAction;
use crate::app::state::Pane;

/// One action of the table: in which panes, its config name, what it does and its default
/// keys (as they would be written in the config). What it is called is the view's
/// (`ui::key_words::help_msg`).
#[derive(Debug, Clone)]
pub struct Definition {
    pub pane: Pane,
    pub name: &'static str,
    pub(crate) action: Action,
    pub defaults: &'static [&'static str],
}

/// The panes a config may name, with their names.
pub const PANES: &[(Pane, &str)] = &[
    (Pane::List, "list"),
    (Pane::Detail, "detail"),
    (Pane::Prompt, "prompt"),
    (Pane::StatusMenu, "status_menu"),
    (Pane::CopyMenu, "copy_menu"),
    (Pane::MacroMenu, "macro_menu"),
    (Pane::Facets, "facets"),
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
pub(super) const FIXED: &[(Pane, &str, &str)] = &[
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
    (Pane::MacroMenu, "up", "move_up"),
    (Pane::MacroMenu, "down", "move_down"),
    (Pane::MacroMenu, "ctrl-c", "force_quit"),
    (Pane::Facets, "up", "move_up"),
    (Pane::Facets, "down", "move_down"),
    (Pane::Facets, "ctrl-c", "force_quit"),
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

/// The facets' own keys (`pick_facet`): the Nth picks the Nth value. Digits, then the
/// letters the pane does not use otherwise (j, k and q move and cancel).
pub const FACET_KEYS: &[&str] = &[
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f", "g", "h", "i", "l",
    "m", "n", "o", "p", "r", "s", "t", "u", "v", "w", "x", "y", "z",
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
        let facet = Action::Facets;
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
            d(List, "quick_filter", facet(FacetAction::Open), &["F"]),
            d(List, "clear_filter", facet(FacetAction::Clear), &["X"]),
            d(List, "save_view", facet(FacetAction::SaveView), &["ctrl-s"]),
            d(List, "mark", Action::Marks(MarkAction::Toggle), &["space"]),
            d(List, "mark_range", Action::Marks(MarkAction::StartRange), &["V"]),
            d(List, "mark_loaded", Action::Marks(MarkAction::MarkLoaded), &["*"]),
            d(List, "mark_all", Action::Marks(MarkAction::MarkAllOnServer), &["A"]),
            d(List, "clear_marks", Action::Marks(MarkAction::Clear), &["U"]),
            d(List, "only_marked", Action::Marks(MarkAction::OnlyMarked), &["M"]),
            d(List, "bulk", Action::Bulk(BulkAction::Open), &["b"]),
            d(List, "bulk_history", Action::Bulk(BulkAction::OpenHistory), &["H"]),
            d(List, "reply", Action::Compose(ComposeAction::OpenReply), &["r"]),
            d(List, "macros", Action::Macro(MacroAction::OpenMenu), &["m"]),
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
            d(Detail, "macros", Action::Macro(MacroAction::OpenMenu), &["m"]),
            d(Detail, "new", Action::Compose(ComposeAction::OpenNewTicket), &["n"]),
            d(Detail, "bulk", Action::Bulk(BulkAction::Open), &["b"]),
            d(Detail, "next_file", Action::Files(FilesAction::Next), &["a"]),
            d(Detail, "download", Action::Files(FilesAction::Download), &["d"]),
            d(Detail, "copy_link", Action::Files(FilesAction::CopyLink), &["L"]),
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
            d(MacroMenu, "move_down", Action::Macro(MacroAction::Down), &["j"]),
            d(MacroMenu, "move_up", Action::Macro(MacroAction::Up), &["k"]),
            d(MacroMenu, "pick", Action::Macro(MacroAction::PickSelected), &["enter"]),
            d(MacroMenu, "pick_macro", Action::Macro(MacroAction::Apply(0)), DIGITS),
            d(MacroMenu, "help", Action::ToggleHelp, &["?"]),
            d(MacroMenu, "cancel", Action::Macro(MacroAction::Close), &["esc", "q"]),
            d(Facets, "move_down", Action::MoveDown, &["j"]),
            d(Facets, "move_up", Action::MoveUp, &["k"]),
            d(Facets, "pick", facet(FacetAction::PickSelected), &["enter"]),
            d(Facets, "pick_facet", facet(FacetAction::Pick(0)), FACET_KEYS),
            d(Facets, "cancel", Action::Back, &["esc", "q"]),
            d(Help, "close", Action::ToggleHelp, &["esc", "?", "q"]),
            // The composer and the new-ticket form: every other key edits the text.
            d(Composer, "send", Action::Compose(ComposeAction::Send), &["ctrl-s"]),
            d(Composer, "send_with_status", Action::Compose(ComposeAction::SendWithStatus), &["ctrl-t"]),
            d(Composer, "attach", Action::Compose(ComposeAction::Attach), &["ctrl-o"]),
            d(Composer, "snippet", Action::Compose(ComposeAction::OpenSnippets), &["ctrl-g"]),
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
