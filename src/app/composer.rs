//! The reply composer (`r`) and its share of `update`: the text, attachments, drafts,
//! sending one reply or the same reply to every marked ticket, and the new-ticket form's
//! hooks (the form itself is in [`super::new_ticket`]).
//!
//! The text is edited by a `ratatui_textarea::TextArea` (keys, undo, cursor); drawing is
//! `crate::ui::composer`'s, because the text area's own widget is not right for Chinese.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::NaiveDateTime;
use ratatui_textarea::{CursorMove, Input, Key as TextCode, TextArea};

use super::action::{Action, Command, RequestId};
use super::drafts::{DraftKey, Drafts};
use super::line_edit::{HistoryKind, LineEdit, LineEditor};
use super::new_ticket::NewTicketForm;
use super::state::{App, Detail, Notice, Pane};
use crate::api::{
    ApiDate, ApiError, Attachment, Created, NewTicket, Reply, Ticket, TicketChange, TicketStatus,
};
use crate::bulk::{BulkEdit, Plan};
use crate::words::{self, Msg, fill};

/// How long after the last key a draft is written.
pub const DRAFT_DEBOUNCE_MS: i64 = 1000;

/// What the composer's reply goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyTarget {
    One(u64),
    /// The marked tickets, through the bulk engine.
    Many(Vec<u64>),
}

impl ReplyTarget {
    pub fn draft_key(&self) -> DraftKey {
        match self {
            ReplyTarget::One(id) => DraftKey::Reply(*id),
            ReplyTarget::Many(_) => DraftKey::ReplyMany,
        }
    }
}

/// A file attached to the reply being written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedFile {
    pub name: String,
    /// The upload's token; `None` while uploading.
    pub token: Option<String>,
    pub request: Option<RequestId>,
}

/// A small window inside the composer.
#[derive(Debug, Clone, PartialEq)]
pub enum ComposerMode {
    Editing,
    /// Ctrl-T: which status to set with the reply (index into `TicketStatus::ALL`).
    StatusMenu {
        selected: usize,
    },
    /// Ctrl-A: the path of a file to attach, edited like every one-line prompt.
    AttachPath {
        line: LineEditor,
    },
    /// The ticket changed on the server since it was shown (someone else replied or changed
    /// it): nothing was sent. The send key sends anyway; Esc goes back to the text.
    Stale {
        /// The status chosen with the reply (Ctrl-T), kept for the send anyway.
        status: Option<TicketStatus>,
        /// The ticket as it was shown when the send key was pressed.
        before: Option<Box<Ticket>>,
        /// Its `updateDT` on the server now.
        updated: ApiDate,
    },
}

/// The open composer.
#[derive(Debug, Clone)]
pub struct Composer {
    pub target: ReplyTarget,
    pub editor: TextArea<'static>,
    /// First wrapped row shown (kept by `update` so the caret stays on screen).
    pub scroll: usize,
    pub attachments: Vec<AttachedFile>,
    pub mode: ComposerMode,
    /// The send in flight.
    pub sending: Option<RequestId>,
    /// Why the last send (or upload) failed, in plain words.
    pub error: Option<String>,
    /// Typing not yet written to the draft.
    pub edited_at: Option<Unsaved>,
}

impl Composer {
    pub fn new(target: ReplyTarget, text: Option<&str>) -> Composer {
        let lines: Vec<String> = match text {
            Some(text) => text.split('\n').map(str::to_string).collect(),
            None => vec![String::new()],
        };
        let mut editor = TextArea::new(lines);
        editor.move_cursor(CursorMove::Bottom);
        editor.move_cursor(CursorMove::End);
        Composer {
            target,
            editor,
            scroll: 0,
            attachments: Vec::new(),
            mode: ComposerMode::Editing,
            sending: None,
            error: None,
            edited_at: None,
        }
    }

    pub fn text(&self) -> String {
        self.editor.lines().join("\n")
    }

    pub fn cursor(&self) -> (usize, usize) {
        let cursor = self.editor.cursor();
        (cursor.0, cursor.1)
    }

    /// Replaces the text (after the external editor), caret at the end.
    pub fn set_text(&mut self, text: &str) {
        let mut fresh = Composer::new(self.target.clone(), Some(text));
        std::mem::swap(&mut self.editor, &mut fresh.editor);
        self.scroll = 0;
    }
}

/// A reply sent from this console in this session (no call lists a ticket's replies, so the
/// detail shows these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentReply {
    pub at: NaiveDateTime,
    pub text: String,
    pub attachments: Vec<String>,
    pub status: Option<TicketStatus>,
}

/// A send in flight: what to record on success, what to say on failure.
#[derive(Debug, Clone, PartialEq)]
pub struct Sending {
    pub target: ReplyTarget,
    pub text: String,
    pub attachments: Vec<String>,
    pub status: Option<TicketStatus>,
    /// The ticket as shown when the reply was sent: what a change on the server since is
    /// shown against.
    pub shown: Option<Box<Ticket>>,
}

/// The composer's and the new-ticket form's share of the state.
#[derive(Debug, Clone, Default)]
pub struct ComposeState {
    pub composer: Option<Composer>,
    pub new_ticket: Option<NewTicketForm>,
    pub drafts: Drafts,
    /// Replies sent this session, per ticket, oldest first.
    pub sent: HashMap<u64, Vec<SentReply>>,
    pub sending: HashMap<RequestId, Sending>,
    /// Text waiting for `$VISUAL`/`$EDITOR`; the terminal loop takes it (it owns the
    /// terminal), runs the editor and answers with [`ComposeAction::ExternalEdited`].
    pub external_edit: Option<String>,
}

impl ComposeState {
    /// The pane that has the keyboard, if the composer or the form is open.
    pub fn pane(&self) -> Option<Pane> {
        if self.new_ticket.is_some() {
            Some(Pane::NewTicket)
        } else if self.composer.is_some() {
            Some(Pane::Composer)
        } else {
            None
        }
    }

    pub fn busy(&self) -> bool {
        !self.sending.is_empty()
            || self
                .new_ticket
                .as_ref()
                .is_some_and(|f| f.creating.is_some())
    }
}

/// What the user does in the composer or the new-ticket form.
#[derive(Debug, Clone, PartialEq)]
pub enum ComposeAction {
    /// `r`: reply to the marked tickets, or to the ticket shown or selected.
    OpenReply,
    /// `n`: the new-ticket form.
    OpenNewTicket,
    /// A key for the text (or the small window open in the composer), as the key map read it.
    Key(TextKey),
    /// Ctrl-S: send the reply / create the ticket.
    Send,
    /// Ctrl-T: send and set a status (a small menu, 已解决 chosen).
    SendWithStatus,
    /// Ctrl-A: attach a file.
    Attach,
    /// Ctrl-E: edit the text in `$VISUAL`/`$EDITOR`.
    ExternalEdit,
    /// The external editor's result: the new text, or why it failed.
    ExternalEdited(Result<String, String>),
    /// Esc: close, keeping the draft.
    Close,
    /// Alt-↓ / Alt-↑: scroll the ticket above by lines (positive is down), to read the
    /// customer's message while writing.
    ScrollTicket(i32),
    /// Alt-PgDn / Alt-PgUp: scroll the ticket above by pages (positive is down).
    PageTicket(i32),
    /// New-ticket form: Tab / Shift-Tab to the next / previous field.
    NextField,
    PrevField,
    /// New-ticket form, on a choice field: the next / previous choice.
    NextChoice,
    PrevChoice,
}

/// What the worker does for the composer.
#[derive(Debug, Clone, PartialEq)]
pub enum ComposeCommand {
    /// One update call with a reply (and perhaps a status). With `seen`, the ticket's
    /// `updateDT` as shown: the worker reads the ticket first and sends nothing when the
    /// server's differs (answering [`ComposeEvent::Stale`]).
    Send {
        id: RequestId,
        ticket: u64,
        change: Box<TicketChange>,
        seen: Option<ApiDate>,
    },
    /// Read a file and upload it.
    Upload {
        id: RequestId,
        path: PathBuf,
    },
    Create {
        id: RequestId,
        ticket: Box<NewTicket>,
    },
    SaveDraft {
        path: PathBuf,
        text: String,
    },
    DeleteDraft {
        path: PathBuf,
    },
}

/// What the worker answers.
#[derive(Debug, Clone, PartialEq)]
pub enum ComposeEvent {
    Sent {
        id: RequestId,
        ticket: u64,
        result: Result<Box<Ticket>, ApiError>,
    },
    /// Not sent: the ticket's `updateDT` on the server is not the one shown. `now` is the
    /// ticket as the server has it, when the account may read it in full.
    Stale {
        id: RequestId,
        ticket: u64,
        now: Option<Box<Ticket>>,
        updated: ApiDate,
    },
    Uploaded {
        id: RequestId,
        /// The attachment, or why the file could not be read or uploaded.
        result: Result<Attachment, String>,
    },
    Created {
        id: RequestId,
        result: Result<Box<Created>, ApiError>,
    },
    DraftFailed(String),
}

fn compose_command(command: ComposeCommand) -> Command {
    Command::Compose(command)
}

fn notice(app: &mut App, text: String, is_error: bool) {
    app.notice = Some(Notice {
        note: super::notice::Note::Legacy(text),
        is_error,
    });
}

/// A key typed in the composer or the new-ticket form, read by the key map
/// (`keymap::text_key`): the key as the text editor takes it, and what it is bound to in
/// the contexts of the composer's small windows, so that `update` never sees a terminal
/// event.
#[derive(Debug, Clone, PartialEq)]
pub struct TextKey {
    /// The key for the text area and the one-line fields.
    pub input: Input,
    /// Its action in `[keys.status_menu]` (the Ctrl-T menu).
    pub menu: Option<Box<Action>>,
    /// Its action in `[keys.composer]` (send, send with a status).
    pub composer: Option<Box<Action>>,
    /// Its action in `[keys.prompt]` (the attachment path); none for a plain character,
    /// which is text there.
    pub prompt: Option<Box<Action>>,
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

/// Applies one composer action.
pub fn update(app: &mut App, action: ComposeAction, out: &mut Vec<Command>) {
    if app.compose.new_ticket.is_some() {
        match action {
            ComposeAction::OpenReply | ComposeAction::OpenNewTicket => {}
            ComposeAction::ExternalEdited(result) => {
                super::new_ticket::external_edited(app, result)
            }
            other => super::new_ticket::update(app, other, out),
        }
        return;
    }
    match action {
        ComposeAction::OpenReply => open_reply(app, out),
        ComposeAction::OpenNewTicket => super::new_ticket::open(app, out),
        ComposeAction::Key(key) => key_in_composer(app, key, out),
        ComposeAction::Send => send(app, None, out),
        ComposeAction::SendWithStatus => {
            if let Some(composer) = &mut app.compose.composer {
                let solved = TicketStatus::ALL
                    .iter()
                    .position(|s| *s == TicketStatus::Solved)
                    .unwrap_or(0);
                composer.mode = ComposerMode::StatusMenu { selected: solved };
            }
        }
        ComposeAction::Attach => {
            if let Some(composer) = &mut app.compose.composer {
                composer.mode = ComposerMode::AttachPath {
                    line: LineEditor::default(),
                };
            }
        }
        ComposeAction::ExternalEdit => {
            if let Some(composer) = &app.compose.composer {
                app.compose.external_edit = Some(composer.text());
            }
        }
        ComposeAction::ExternalEdited(result) => {
            let lang = app.lang();
            let now = app.now;
            let Some(composer) = &mut app.compose.composer else {
                return;
            };
            match result {
                Ok(text) => {
                    composer.set_text(&clean_edited(&text));
                    composer.edited_at = touched(composer.edited_at, now);
                    save_draft_now(app, out);
                    follow_caret(app);
                }
                Err(reason) => notice(app, fill(lang, Msg::ComposeEditorFailed, &[&reason]), true),
            }
        }
        ComposeAction::Close => close_composer(app, out),
        ComposeAction::ScrollTicket(lines) => super::update::scroll_detail(app, i64::from(lines)),
        ComposeAction::PageTicket(pages) => {
            let page = crate::ui::detail::page_rows(app);
            super::update::scroll_detail(app, i64::from(pages).saturating_mul(page))
        }
        // New-ticket form only.
        ComposeAction::NextField
        | ComposeAction::PrevField
        | ComposeAction::NextChoice
        | ComposeAction::PrevChoice => {}
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
        return super::new_ticket::paste(app, &text);
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

/// The marked tickets. Marks belong to the `marks-bulk` branch; this reads them through
/// one accessor so that only this function changes when they land.
pub fn marked_ids(app: &App) -> Vec<u64> {
    app.marks.ids.iter().copied().collect()
}

fn open_reply(app: &mut App, out: &mut Vec<Command>) {
    let marked = marked_ids(app);
    // In an open ticket, `r` answers the ticket on screen; the marks are for the list.
    let shown = app
        .detail
        .as_ref()
        .filter(|_| app.detail_has_focus())
        .map(|d| d.ticket_id);
    let target = if let Some(id) = shown {
        ReplyTarget::One(id)
    } else if marked.len() > 1 {
        ReplyTarget::Many(marked)
    } else if let Some(id) = marked.first().copied() {
        ReplyTarget::One(id)
    } else if let Some(detail) = &app.detail {
        ReplyTarget::One(detail.ticket_id)
    } else if let Some(id) = app.current_view().selected_id() {
        ReplyTarget::One(id)
    } else {
        return notice(app, Msg::ComposeNoTicket.text(app.lang()).to_string(), true);
    };
    // Under the ticket's detail: open it when replying from the list.
    if let ReplyTarget::One(id) = target
        && app.detail.as_ref().is_none_or(|d| d.ticket_id != id)
    {
        open_detail_of(app, id, out);
    }
    let draft = app
        .compose
        .drafts
        .get(&target.draft_key())
        .map(str::to_string);
    let restored = draft.is_some();
    app.compose.composer = Some(Composer::new(target, draft.as_deref()));
    if restored {
        notice(
            app,
            Msg::ComposeDraftRestored.text(app.lang()).to_string(),
            false,
        );
    }
    follow_caret(app);
}

/// Opens the detail of a ticket with the keyboard in it (show unless the account may not).
pub fn open_detail_of(app: &mut App, ticket_id: u64, out: &mut Vec<Command>) {
    set_detail(app, ticket_id, true, true, 0, out);
}

/// Shows ticket `ticket_id` in the detail, scrolled to `scroll`, with the keyboard in it
/// when `focused`; asks the server for it afresh when `read` (unless the account may not).
pub fn set_detail(
    app: &mut App,
    ticket_id: u64,
    read: bool,
    focused: bool,
    scroll: u16,
    out: &mut Vec<Command>,
) {
    let request = (read && !app.show_forbidden).then(|| {
        let id = app.request_id();
        out.push(Command::Show {
            id,
            ticket: ticket_id,
        });
        id
    });
    app.detail = Some(Detail {
        ticket_id,
        request,
        full: app.full.contains(&ticket_id),
        forbidden: app.show_forbidden,
        not_found: false,
        error: None,
        scroll,
        focused,
        step_pending: false,
    });
}

fn close_composer(app: &mut App, out: &mut Vec<Command>) {
    let Some(composer) = &mut app.compose.composer else {
        return;
    };
    if composer.mode != ComposerMode::Editing {
        composer.mode = ComposerMode::Editing;
        return;
    }
    save_draft_now(app, out);
    app.compose.composer = None;
    let lang = app.lang();
    notice(app, Msg::ComposeDraftKept.text(lang).to_string(), false);
}

/// Writes the composer's draft now (Esc, external editor), or removes it when empty.
fn save_draft_now(app: &mut App, out: &mut Vec<Command>) {
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

fn forget_draft(drafts: &mut Drafts, key: DraftKey, out: &mut Vec<Command>) {
    drafts.texts.remove(&key);
    if let Some(path) = drafts.path(&key) {
        out.push(compose_command(ComposeCommand::DeleteDraft { path }));
    }
}

/// Typing not yet written to a draft: since when, and the last key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsaved {
    pub since: NaiveDateTime,
    pub last: NaiveDateTime,
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
        super::new_ticket::save_draft_now(app, out);
    }
}

fn key_in_composer(app: &mut App, key: TextKey, out: &mut Vec<Command>) {
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
            if textarea_input(&mut composer.editor, key.input) {
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
pub fn textarea_input(editor: &mut TextArea<'static>, key: Input) -> bool {
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

/// Keeps the caret's row on screen after a change, at the composer's current size.
pub fn follow_caret(app: &mut App) {
    let area = crate::ui::composer::editor_area(app);
    let Some(composer) = &mut app.compose.composer else {
        return;
    };
    let Some(area) = area else {
        return;
    };
    let view = crate::ui::editor::EditorView::new(
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

/// Ctrl-S (status `None`) or Ctrl-T (a status): sends the reply.
fn send(app: &mut App, status: Option<TicketStatus>, out: &mut Vec<Command>) {
    let lang = app.lang();
    let Some(composer) = &mut app.compose.composer else {
        return;
    };
    if composer.sending.is_some() {
        return;
    }
    let text = composer.text();
    let why_not = if text.trim().is_empty() && composer.attachments.is_empty() {
        Some(Msg::ComposeEmpty)
    } else if composer.attachments.iter().any(|a| a.token.is_none()) {
        Some(Msg::ComposeUploading)
    } else {
        None
    };
    if let Some(msg) = why_not {
        composer.error = Some(msg.text(lang).to_string());
        return;
    }
    if let ReplyTarget::Many(ids) = composer.target.clone() {
        return send_many(app, ids, status, out);
    }
    let ReplyTarget::One(ticket) = composer.target else {
        return;
    };
    // What the user was shown (the store's copy, drawn above the composer): the worker
    // checks the server still has that version before it sends.
    let seen = app.tickets.get(&ticket).and_then(|t| t.updated);
    send_one(app, ticket, status, seen, out);
}

/// The send key pressed again over "changed since": the same reply, checked against the
/// version the server has now (a third change in between asks again).
fn send_anyway(
    app: &mut App,
    status: Option<TicketStatus>,
    updated: ApiDate,
    out: &mut Vec<Command>,
) {
    let Some(composer) = &app.compose.composer else {
        return;
    };
    let ReplyTarget::One(ticket) = composer.target else {
        return;
    };
    if composer.sending.is_some() {
        return;
    }
    send_one(app, ticket, status, Some(updated), out);
}

/// Sends the open composer's reply to one ticket; `seen` (the `updateDT` shown) asks the
/// worker to check first that the server still has that version.
fn send_one(
    app: &mut App,
    ticket: u64,
    status: Option<TicketStatus>,
    seen: Option<ApiDate>,
    out: &mut Vec<Command>,
) {
    let Some(composer) = &app.compose.composer else {
        return;
    };
    let text = composer.text();
    let attachments = composer
        .attachments
        .iter()
        .filter_map(|a| a.token.clone())
        .collect();
    let names = composer
        .attachments
        .iter()
        .map(|a| a.name.clone())
        .collect();
    let change = TicketChange {
        status,
        reply: Some(Reply {
            message: text.clone(),
            attachments,
        }),
        ..TicketChange::default()
    };
    let shown = app.tickets.get(&ticket).map(Box::new);
    let lang = app.lang();
    let status = change.status;
    let id = app.request_id();
    if let Some(composer) = &mut app.compose.composer {
        composer.sending = Some(id);
        composer.error = None;
    }
    app.compose.sending.insert(
        id,
        Sending {
            target: ReplyTarget::One(ticket),
            text,
            attachments: names,
            status,
            shown,
        },
    );
    out.push(compose_command(ComposeCommand::Send {
        id,
        ticket,
        change: Box::new(change),
        seen,
    }));
    // Until the answer (which says sent, or why not): not on a timer.
    let text = fill(lang, Msg::ComposeSending, &[&ticket.to_string()]);
    super::update::progress_notice(app, super::notice::Note::Legacy(text), vec![id]);
}

/// The plan of a reply to many: the same reply (and status) to each ticket.
pub fn many_plan(
    app: &mut App,
    ids: &[u64],
    text: &str,
    tokens: Vec<String>,
    status: Option<TicketStatus>,
) -> Plan {
    let change = TicketChange {
        status,
        reply: Some(Reply {
            message: text.to_string(),
            attachments: tokens,
        }),
        ..TicketChange::default()
    };
    let tickets: Vec<Ticket> = ids
        .iter()
        .map(|id| {
            app.tickets.get(id).unwrap_or(Ticket {
                id: *id,
                ..Ticket::default()
            })
        })
        .collect();
    let stamp = app.run_stamp();
    Plan::new(
        &BulkEdit::from(change),
        &tickets,
        app.settings.bulk_target.clone(),
        stamp,
    )
}

/// A reply to many goes to the bulk pane's preview, so that it has the same confirmation,
/// gauge, result list, retry and journal as a bulk edit. The composer closes; its draft
/// stays until the run has reached every ticket.
fn send_many(app: &mut App, ids: Vec<u64>, status: Option<TicketStatus>, out: &mut Vec<Command>) {
    use super::bulk_edit::{Form, TagsMode, form_rows, names, preview_stage};
    let Some(composer) = &app.compose.composer else {
        return;
    };
    let text = composer.text();
    let tokens = composer
        .attachments
        .iter()
        .filter_map(|a| a.token.clone())
        .collect();
    let mut plan = many_plan(app, &ids, &text, tokens, status);
    plan.remember_names(&names(app));
    save_draft_now(app, out);
    app.compose.composer = None;
    let rows = form_rows(app);
    app.bulk.hidden = false;
    let form = Form {
        targets: ids,
        rows,
        selected: 0,
        tags_mode: TagsMode::Add,
        editing: None,
        error: None,
    };
    app.bulk.stage = Some(preview_stage(app, form, plan));
}

/// Sees a bulk run end: a run that carried a reply records it as sent on each ticket it
/// reached, and the reply-to-many draft goes once every ticket has it.
pub fn bulk_event(app: &mut App, event: &super::bulk_edit::BulkEvent, out: &mut Vec<Command>) {
    let super::bulk_edit::BulkEvent::RunDone {
        result: Ok(report), ..
    } = event
    else {
        return;
    };
    let Some(reply) = &report.plan.reply else {
        return;
    };
    let status = report.plan.change.status.map(TicketStatus::from_code);
    let sending = Sending {
        target: ReplyTarget::Many(report.plan.tickets.iter().map(|t| t.id).collect()),
        text: reply.message.clone(),
        attachments: Vec::new(),
        status,
        shown: None,
    };
    for outcome in report.succeeded() {
        record_sent(app, outcome.id, &sending);
    }
    if report.all_done() && app.compose.drafts.get(&DraftKey::ReplyMany) == Some(&reply.message) {
        forget_draft(&mut app.compose.drafts, DraftKey::ReplyMany, out);
    }
}

/// The worker did not send: the ticket changed on the server since it was shown. The
/// composer (still open) shows what changed and waits for the send key again or Esc; the
/// newer ticket replaces the store's, so the text above the reply is what the server has.
fn stale(
    app: &mut App,
    id: RequestId,
    ticket: u64,
    now: Option<Box<Ticket>>,
    updated: ApiDate,
    out: &mut Vec<Command>,
) {
    let Some(sending) = app.compose.sending.remove(&id) else {
        return;
    };
    if let Some(now) = now {
        super::update::upsert(app, vec![*now], false, None);
    } else if let Some(mut known) = app.tickets.get_mut(&ticket) {
        known.updated = Some(updated);
    }
    match &mut app.compose.composer {
        Some(composer) if composer.sending == Some(id) => {
            composer.sending = None;
            composer.mode = ComposerMode::Stale {
                status: sending.status,
                before: sending.shown,
                updated,
            };
        }
        _ => {
            // Closed while the check ran: the text stays in the draft, and says why.
            store_draft(
                &mut app.compose.drafts,
                DraftKey::Reply(ticket),
                sending.text.clone(),
                out,
            );
            let text = fill(app.lang(), Msg::ComposeStaleClosed, &[&ticket.to_string()]);
            notice(app, text, true);
        }
    }
}

/// A worker answer for the composer or the form.
pub fn worker_event(app: &mut App, event: ComposeEvent, out: &mut Vec<Command>) {
    let lang = app.lang();
    match event {
        ComposeEvent::Stale {
            id,
            ticket,
            now,
            updated,
        } => stale(app, id, ticket, now, updated, out),
        ComposeEvent::Sent { id, ticket, result } => {
            let Some(sending) = app.compose.sending.remove(&id) else {
                return;
            };
            let open_here = app
                .compose
                .composer
                .as_ref()
                .is_some_and(|c| c.sending == Some(id));
            match result {
                Ok(answer) => {
                    let answered_time = answer.updated.is_some();
                    if let Some(mut known) = app.tickets.get_mut(&ticket) {
                        if let Some(status) = answer.status.or(sending.status) {
                            known.status = Some(status);
                        }
                        known.updated = answer.updated.or(known.updated);
                    }
                    record_sent(app, ticket, &sending);
                    forget_draft(&mut app.compose.drafts, DraftKey::Reply(ticket), out);
                    if open_here {
                        app.compose.composer = None;
                    }
                    // Send-and-set says the status too, so the user sees both happened.
                    let text = match sending.status {
                        Some(status) => {
                            // The ticket moves between views: their rows and counts reload.
                            if answered_time {
                                super::update::refresh_counts(app, out);
                            } else {
                                super::update::status_changed(app, ticket, out);
                            }
                            fill(
                                lang,
                                Msg::ComposeSentWithStatus,
                                &[&ticket.to_string(), &words::status_label(lang, status)],
                            )
                        }
                        None => fill(lang, Msg::ComposeSent, &[&ticket.to_string()]),
                    };
                    notice(app, text, false);
                }
                Err(error) => {
                    // "press R to retry" would reload the list: a reply is sent again from the
                    // composer (open: its send key; closed: the reply key reopens the draft).
                    let again = if open_here && app.compose.composer.is_some() {
                        "{key:composer.send}"
                    } else {
                        "{key:list.reply}"
                    };
                    let reason = words::api_error(lang, &error).replace("{key:list.reload}", again);
                    if let Some(composer) = &mut app.compose.composer
                        && open_here
                    {
                        composer.sending = None;
                        composer.error = Some(reason.clone());
                    } else {
                        // Closed while sending: the text stays in the draft.
                        store_draft(
                            &mut app.compose.drafts,
                            DraftKey::Reply(ticket),
                            sending.text.clone(),
                            out,
                        );
                    }
                    notice(
                        app,
                        fill(
                            lang,
                            Msg::ComposeSendFailed,
                            &[&ticket.to_string(), &reason],
                        ),
                        true,
                    );
                }
            }
        }
        ComposeEvent::Uploaded { id, result } => {
            let Some(composer) = &mut app.compose.composer else {
                return;
            };
            let Some(index) = composer
                .attachments
                .iter()
                .position(|a| a.request == Some(id))
            else {
                return;
            };
            match result {
                Ok(attachment) => {
                    let file = &mut composer.attachments[index];
                    file.token = Some(attachment.token);
                    file.request = None;
                    // An earlier file's failure no longer describes the reply: say what is
                    // attached now instead.
                    let text = fill(lang, Msg::ComposeAttachments, &[&file.name]);
                    composer.error = None;
                    notice(app, text, false);
                }
                Err(reason) => {
                    let file = composer.attachments.remove(index);
                    let text = fill(lang, Msg::ComposeUploadFailed, &[&file.name, &reason]);
                    composer.error = Some(text.clone());
                    notice(app, text, true);
                }
            }
        }
        ComposeEvent::Created { id, result } => super::new_ticket::created(app, id, result, out),
        ComposeEvent::DraftFailed(reason) => {
            notice(app, fill(lang, Msg::ComposeDraftFailed, &[&reason]), true)
        }
    }
}

fn record_sent(app: &mut App, ticket: u64, sending: &Sending) {
    app.compose.sent.entry(ticket).or_default().push(SentReply {
        at: app.now,
        text: sending.text.clone(),
        attachments: sending.attachments.clone(),
        status: sending.status,
    });
}
