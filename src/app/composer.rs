//! The reply composer (`r`) and its share of `update`: the text, attachments, drafts,
//! sending one reply or the same reply to every marked ticket, and the new-ticket form's
//! hooks (the form itself is in [`super::new_ticket`]).
//!
//! The text is edited by a `ratatui_textarea::TextArea` (keys, undo, cursor); drawing is
//! the view's (`ui/composer.rs`), because the text area's own widget is not right for
//! Chinese.
//!
//! Here: the composer's state, opening and closing it, and its actions dispatched. The
//! typing (`editing`), the drafts' writes (`draft_writes`), sending one reply (`send`) or
//! many (`many`), the worker's messages (`messages`) and the notes (`note`) are modules
//! of their own; what the rest of the crate uses is re-exported here.

mod draft_writes;
mod editing;
mod many;
mod messages;
mod note;
mod send;

pub use draft_writes::{
    DRAFT_DEBOUNCE_MS, DRAFT_MAX_UNSAVED_MS, Unsaved, draft_writes_on_the_way_out, on_tick,
    store_draft, touched,
};
pub use editing::{
    TextKey, clean_edited, edit_line, follow_caret, one_line, paste, textarea_input,
};
pub(crate) use many::{bulk_event, marked_ids};
pub use messages::{ComposeCommand, ComposeEvent};
pub use note::ComposeNote;
pub(crate) use send::worker_event;

use std::collections::HashMap;

use chrono::NaiveDateTime;
use ratatui_textarea::{CursorMove, TextArea};

use super::action::{Command, RequestId};
use super::drafts::{DraftKey, Drafts};
use super::line_edit::LineEditor;
use super::new_ticket::NewTicketForm;
use super::notice::Note;
use super::state::{App, Detail, Notice, Pane};
use crate::api::{ApiDate, Ticket, TicketStatus};

use draft_writes::save_draft_now;
use editing::key_in_composer;
use send::send;

/// What the composer's reply goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyTarget {
    One(u64),
    /// The marked tickets, through the bulk engine.
    Many(Vec<u64>),
}

impl ReplyTarget {
    pub(crate) fn draft_key(&self) -> DraftKey {
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
    pub(crate) request: Option<RequestId>,
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
    /// The canned replies' picker: typing narrows (fuzzy), ↑/↓ choose, Enter inserts at
    /// the caret, Esc closes.
    Snippets {
        query: LineEditor,
        /// Index into the matches of `query`.
        selected: usize,
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
    /// Why the last send (or upload) failed.
    pub error: Option<ComposeNote>,
    /// Typing not yet written to the draft.
    pub edited_at: Option<Unsaved>,
    /// Opened from the ticket view (not the list): once sent, the view's next ticket opens
    /// (`move_on`).
    pub(crate) from_detail: bool,
}

impl Composer {
    pub(crate) fn new(target: ReplyTarget, text: Option<&str>) -> Composer {
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
            from_detail: false,
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
    pub(crate) fn set_text(&mut self, text: &str) {
        let mut fresh = Composer::new(self.target.clone(), Some(text));
        std::mem::swap(&mut self.editor, &mut fresh.editor);
        self.scroll = 0;
    }
}

/// A reply sent from this console in this session (no call lists a ticket's replies, so the
/// detail shows these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentReply {
    pub(crate) at: NaiveDateTime,
    pub text: String,
    pub attachments: Vec<String>,
    pub status: Option<TicketStatus>,
}

/// A send in flight: what to record on success, what to say on failure.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sending {
    pub target: ReplyTarget,
    pub text: String,
    pub attachments: Vec<String>,
    pub status: Option<TicketStatus>,
    /// The ticket as shown when the reply was sent: what a change on the server since is
    /// shown against.
    pub(crate) shown: Option<Box<Ticket>>,
}

/// The composer's and the new-ticket form's share of the state.
#[derive(Debug, Clone, Default)]
pub struct ComposeState {
    pub composer: Option<Composer>,
    pub new_ticket: Option<NewTicketForm>,
    pub drafts: Drafts,
    /// Replies sent this session, per ticket, oldest first.
    pub sent: HashMap<u64, Vec<SentReply>>,
    pub(crate) sending: HashMap<RequestId, Sending>,
    /// A macro's snippet, waiting for its ticket's re-read (by request) to open the
    /// composer with it.
    pub(crate) snippet_after_read: Option<(RequestId, String)>,
}

impl ComposeState {
    /// The pane that has the keyboard, if the composer or the form is open.
    pub(crate) fn pane(&self) -> Option<Pane> {
        if self.new_ticket.is_some() {
            Some(Pane::NewTicket)
        } else if self.composer.is_some() {
            Some(Pane::Composer)
        } else {
            None
        }
    }

    pub(crate) fn busy(&self) -> bool {
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
    /// Ctrl-G: the canned replies' picker.
    OpenSnippets,
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

fn notice(app: &mut App, note: ComposeNote, is_error: bool) {
    set_note(app, Note::Compose(note), is_error);
}

fn set_note(app: &mut App, note: Note, is_error: bool) {
    app.notice = Some(Notice { note, is_error });
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
        ComposeAction::OpenSnippets => {
            if app.settings.snippets.is_empty() {
                return notice(app, ComposeNote::NoSnippets, false);
            }
            if let Some(composer) = &mut app.compose.composer {
                composer.mode = ComposerMode::Snippets {
                    query: LineEditor::default(),
                    selected: 0,
                };
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
                out.push(Command::EditInEditor {
                    text: composer.text(),
                });
            }
        }
        ComposeAction::ExternalEdited(result) => {
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
                Err(reason) => notice(app, ComposeNote::EditorFailed(reason), true),
            }
        }
        ComposeAction::Close => close_composer(app, out),
        ComposeAction::ScrollTicket(lines) => super::update::scroll_detail(app, i64::from(lines)),
        ComposeAction::PageTicket(pages) => {
            let page = app.geometry.detail.map_or(1, |l| l.page.max(1));
            let page = i64::try_from(page).unwrap_or(1);
            super::update::scroll_detail(app, i64::from(pages).saturating_mul(page))
        }
        // New-ticket form only.
        ComposeAction::NextField
        | ComposeAction::PrevField
        | ComposeAction::NextChoice
        | ComposeAction::PrevChoice => {}
    }
}

/// A macro's snippet: the composer opens on the reply (as `r` would) with it filled at the
/// caret, for the agent to read and send.
pub(crate) fn open_with_snippet(app: &mut App, body: &str, out: &mut Vec<Command>) {
    if app.compose.composer.is_none() {
        open_reply(app, out);
    }
    insert_snippet(app, body, out);
}

/// A snippet's body filled for the reply's ticket and put in at the caret; a variable whose
/// value is not known stays as written, and the status line names it.
pub(crate) fn insert_snippet(app: &mut App, body: &str, out: &mut Vec<Command>) {
    let ticket = match app.compose.composer.as_ref().map(|c| &c.target) {
        Some(ReplyTarget::One(id)) => Some(*id),
        Some(ReplyTarget::Many(_)) => None,
        None => return,
    };
    let filled = super::snippets::filled(app, ticket, body);
    let now = app.now;
    if let Some(composer) = &mut app.compose.composer {
        composer.mode = ComposerMode::Editing;
        composer.editor.insert_str(&filled.text);
        composer.edited_at = touched(composer.edited_at, now);
        composer.error = None;
    }
    save_draft_now(app, out);
    follow_caret(app);
    if !filled.unknown.is_empty() {
        notice(app, ComposeNote::SnippetUnknown(filled.unknown), true);
    }
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
        return notice(app, ComposeNote::NoTicket, true);
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
    let mut composer = Composer::new(target, draft.as_deref());
    composer.from_detail = shown.is_some();
    app.compose.composer = Some(composer);
    if restored {
        notice(app, ComposeNote::DraftRestored, false);
    }
    follow_caret(app);
}

/// Opens the detail of a ticket with the keyboard in it (show unless the account may not).
pub(crate) fn open_detail_of(app: &mut App, ticket_id: u64, out: &mut Vec<Command>) {
    set_detail(app, ticket_id, true, true, 0, out);
}

/// Shows ticket `ticket_id` in the detail, scrolled to `scroll`, with the keyboard in it
/// when `focused`; asks the server for it afresh when `read` (unless the account may not).
pub(crate) fn set_detail(
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
    notice(app, ComposeNote::DraftKept, false);
}
