//! What can happen to the console ([`Action`]) and what it asks the outside world to do
//! ([`Command`]), plus the typed results the worker sends back ([`WorkerEvent`]).

use chrono::NaiveDateTime;

use crate::api::{
    Agent, ApiError, Company, Contact, FieldDef, Group, ListQuery, Page, SearchQuery, ShowMany,
    Template, Ticket, TicketStatus,
};

/// Identifies one request, so that a result the user has moved past can be dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// Everything `update` reacts to: user intents (already mapped from keys by the key map),
/// worker results, the clock and the terminal size.
// Actions are handled one at a time and never stored in bulk, so the size of the worker
// variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// First thing after start: fetch views and lookups.
    Start,
    // Navigation in the list (and scrolling in the detail and help).
    MoveDown,
    MoveUp,
    Top,
    Bottom,
    PageDown,
    PageUp,
    HalfPageDown,
    HalfPageUp,
    /// The mouse wheel: positive is down.
    Wheel(i32),
    /// A bracketed paste: text for the pane that takes text, never commands.
    Paste(String),
    // Views.
    NextView,
    PrevView,
    SelectView(usize),
    CycleSortField,
    ToggleSortOrder,
    // Ticket actions.
    Open,
    /// `]` / `[` in an open ticket: the next / previous ticket of the view.
    NextTicket,
    PrevTicket,
    /// `#`: the prompt for a ticket number to open.
    StartGoTo,
    Back,
    OpenStatusMenu,
    /// A status picked directly (a digit in the menu).
    PickStatus(TicketStatus),
    /// Enter in the status menu.
    PickSelectedStatus,
    /// The copy menu (`y`) and its entries.
    Copy(super::copy::CopyAction),
    /// The quick filters (`F`, `X`).
    Facets(super::facets::FacetAction),
    /// The loop's answer to [`Command::SaveView`]: the file written, or why not (worded by
    /// the config module, which owns the file).
    ViewSaved {
        name: String,
        search: String,
        result: Result<std::path::PathBuf, String>,
    },
    Reload,
    ToggleHelp,
    // The one-line prompts (search and date filter).
    StartSearch,
    StartFilter,
    InputChar(char),
    InputBackspace,
    InputLeft,
    InputRight,
    InputSubmit,
    /// Any other edit of the open one-line prompt (readline keys, history, completion, a
    /// paste).
    Line(super::line_edit::LineEdit),
    Quit,
    /// The key map's own input: the first key of a sequence, or its cancellation.
    Keys(super::keymap::KeyInput),
    // Not from keys.
    /// What the view drew, when it changed (see `app::layout`).
    Drawn(super::layout::Geometry),
    Resize {
        width: u16,
        height: u16,
    },
    /// The clock, in the display time zone.
    Tick {
        now: NaiveDateTime,
    },
    Worker(WorkerEvent),
    /// The sign-in prompt after a 401 (see `app::faults`).
    Fault(super::faults::FaultAction),
    /// Marks (Space, V, *, A, U, M).
    Marks(super::marks::MarkAction),
    /// The bulk edit pane, its runs, the history and the resume offer.
    Bulk(super::bulk_edit::BulkAction),
    /// The reply composer and the new-ticket form.
    Compose(super::composer::ComposeAction),
    /// Macros: the menu (`m`), a macro's own key.
    Macro(super::macros::MacroAction),
    /// The open ticket's files: select, download, copy a link.
    Files(super::files::FilesAction),
}

/// What the worker (or, for [`Command::Copy`], the terminal loop) must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// One page of the list call (admin).
    FetchList { id: RequestId, query: ListQuery },
    /// One page of a search.
    Search { id: RequestId, query: SearchQuery },
    /// Full tickets for rows that a search gave only in part (admin).
    ShowMany { id: RequestId, ids: Vec<u64> },
    /// One full ticket for the detail pane.
    Show { id: RequestId, ticket: u64 },
    /// A name lookup (cached by the app; sent once per key).
    Lookup { id: RequestId, key: LookupKey },
    /// Put text on the clipboard with OSC 52 (done by the terminal loop, not the worker).
    Copy(String),
    /// Rebuild the client with a new password or secret (after a 401 mid-session).
    SignIn { secret: crate::secret::Secret },
    /// Marks and bulk runs (through the bulk engine).
    Bulk(super::bulk_edit::BulkCommand),
    /// Replies, uploads, creates and drafts.
    Compose(super::composer::ComposeCommand),
    /// Edit the text in `$VISUAL`/`$EDITOR` (done by the terminal loop, which suspends the
    /// screen for it); the text comes back as `ComposeAction::ExternalEdited`.
    EditInEditor { text: String },
    /// Bring the local store up to date with the server in the background (at start, `R`
    /// and auto-refresh, and offline when a try is due): one sync at a time. Its retries
    /// and its end carry `id`, so the screen can say "retrying" and why it stopped.
    Sync { id: RequestId },
    /// A view computed from the local store (issue 16): its definition evaluated over the
    /// stored tickets, sorted by `column` and narrowed by the typed `filter`. The answer
    /// carries every row's id but the tickets of the rows around the screen only
    /// (`window`): at 100,000 the app never holds them all.
    LocalView {
        id: RequestId,
        source: super::ViewSource,
        column: super::local::Column,
        order: crate::api::SortOrder,
        filter: String,
        /// The view's quick filter (`F`): the rows with this value, after the typed filter.
        quick: Option<super::facets::FacetValue>,
        /// Count the facets of the rows (`F` opened over a view from the store, whose
        /// tickets the app does not all hold).
        facets: bool,
        window: LocalWindow,
        /// The names the app holds, to sort people by name and match contact names.
        names: std::sync::Arc<super::local::LocalNames>,
    },
    /// The tickets of rows of a view from the store that the app does not hold (scrolled
    /// or jumped to), read from the store by id.
    LocalTickets { id: RequestId, ids: Vec<u64> },
    /// Add a view to the profile's `views` in the config file, keeping its comments and
    /// layout (run by the loop, answered with [`Action::ViewSaved`]).
    SaveView {
        path: std::path::PathBuf,
        profile: String,
        name: String,
        search: String,
    },
    /// Write a prompt's history file (the whole history of that prompt, one entry a line).
    SaveHistory {
        path: std::path::PathBuf,
        text: String,
    },
    /// Download a ticket's file into a folder, without credentials, never over a file.
    Download(super::files::DownloadRequest),
    /// Ring the bell and/or ask the terminal for a desktop notification (done by the
    /// terminal loop, not the worker).
    Notify(super::watch::Notify),
}

impl Command {
    /// The request id, for commands that go to the worker.
    pub fn request_id(&self) -> Option<RequestId> {
        match self {
            Command::FetchList { id, .. }
            | Command::Search { id, .. }
            | Command::ShowMany { id, .. }
            | Command::Show { id, .. }
            | Command::Lookup { id, .. }
            | Command::LocalView { id, .. }
            | Command::LocalTickets { id, .. }
            | Command::Sync { id } => Some(*id),
            Command::Download(request) => Some(request.id),
            Command::Bulk(command) => Some(command.request_id()),
            Command::Copy(_)
            | Command::Notify(_)
            | Command::SignIn { .. }
            | Command::EditInEditor { .. } => None,
            Command::Compose(_) | Command::SaveHistory { .. } | Command::SaveView { .. } => None,
        }
    }
}

/// Which name lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LookupKey {
    /// Every agent (`supports.json`).
    Agents,
    /// Custom field definitions.
    FieldDefs,
    /// Every ticket template.
    Templates,
    Agent(u64),
    Group(u64),
    Contact(u64),
    Company(u64),
}

/// A lookup's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum LookupValue {
    Agents(Vec<Agent>),
    FieldDefs(Vec<FieldDef>),
    Templates(Vec<Template>),
    Agent(Agent),
    Group(Group),
    Contact(Contact),
    Company(Company),
}

/// A result from the worker, carrying the id of the request it answers.
// `Shown` carries a whole ticket: one event per ticket opened, moved once through the
// channel, so boxing it would save nothing a user notices.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum WorkerEvent {
    Page {
        id: RequestId,
        result: Result<Page<Ticket>, ApiError>,
    },
    /// A first page as the local store last showed it (its tickets as stored now), sent at
    /// once before the server's answer to the same request; `as_of` is when the server
    /// gave those rows (the server's zone).
    Stored {
        id: RequestId,
        tickets: Vec<Ticket>,
        as_of: NaiveDateTime,
    },
    ShownMany {
        id: RequestId,
        result: Result<ShowMany, ApiError>,
    },
    Shown {
        id: RequestId,
        ticket: u64,
        result: Result<Ticket, ApiError>,
    },
    Looked {
        id: RequestId,
        key: LookupKey,
        result: Result<LookupValue, ApiError>,
    },
    /// The local store's background sync: a first full sync's pages done of its total.
    SyncProgress { done: u32, total: u32 },
    /// A sync ended: the stored tickets it changed (as stored now; none after a first full
    /// sync, whose pages the views read from the server anyway), partial when the store is
    /// synced through searches. `server` is what the server answered: `None` when it was
    /// not asked (no store to sync), else the error that stopped the sync, if any.
    Synced {
        id: RequestId,
        tickets: Vec<Ticket>,
        partial: bool,
        server: Option<Result<(), ApiError>>,
    },
    /// A view as the local store answers it ([`Command::LocalView`]); `None` when the
    /// store cannot (no finished sync, a term on a field the stored tickets lack): the
    /// view stays the server's.
    LocalRows {
        id: RequestId,
        rows: Option<LocalAnswer>,
    },
    /// The tickets of [`Command::LocalTickets`] as stored: those known in full, and those
    /// known only as search results; an id the store no longer holds is in neither.
    LocalTickets {
        id: RequestId,
        tickets: Vec<Ticket>,
        hits: Vec<Ticket>,
    },
    /// Retries and client rebuilds (see `app::faults`).
    Fault(super::faults::FaultEvent),
    /// Marks and bulk runs.
    Bulk(super::bulk_edit::BulkEvent),
    /// An answer for the composer or the new-ticket form.
    Compose(super::composer::ComposeEvent),
    /// A download's progress and end.
    Download(super::files::DownloadEvent),
}

impl WorkerEvent {
    /// What the server answered to this event's request: `None` when the event carries no
    /// server answer (the store's, the engine's, files, or a sync that did not ask the
    /// server), else `Ok` or the error. One place, so that the status line's retry and
    /// sign-in handling and the offline tracking read the server the same way.
    pub fn server_answer(&self) -> Option<Result<(), &ApiError>> {
        let error = match self {
            WorkerEvent::Page { result, .. } => result.as_ref().err(),
            WorkerEvent::ShownMany { result, .. } => result.as_ref().err(),
            WorkerEvent::Shown { result, .. } => result.as_ref().err(),
            WorkerEvent::Looked { result, .. } => result.as_ref().err(),
            WorkerEvent::Synced {
                server: Some(result),
                ..
            } => result.as_ref().err(),
            _ => return None,
        };
        Some(match error {
            Some(error) => Err(error),
            None => Ok(()),
        })
    }
}

/// Which rows' tickets a [`Command::LocalView`]'s answer carries: `rows` rows either side
/// of where the ticket `selected` lands in the new order (of the top rows when it is not
/// in the view, or none is selected).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LocalWindow {
    pub selected: Option<u64>,
    pub rows: usize,
}

impl LocalWindow {
    /// The window's rows of `ids`.
    pub fn of<'a>(&self, ids: &'a [u64]) -> &'a [u64] {
        let at = self
            .selected
            .and_then(|selected| ids.iter().position(|id| *id == selected))
            .unwrap_or(0);
        let from = at.saturating_sub(self.rows);
        let to = at
            .saturating_add(self.rows)
            .saturating_add(1)
            .min(ids.len());
        ids.get(from..to).unwrap_or_default()
    }
}

/// A view's rows from the local store, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalAnswer {
    pub ids: Vec<u64>,
    /// The tickets of the window's rows: those the store holds in full...
    pub tickets: Vec<Ticket>,
    /// ... and those it holds only as search results (id, subject, dates, url).
    pub hits: Vec<Ticket>,
    /// When the sync the store follows ended (the server's zone, as `App::now`).
    pub as_of: NaiveDateTime,
    /// Tickets of the view the typed filter cannot answer for without the server.
    pub unknown: usize,
    /// The facets of every row, when asked.
    pub facets: Option<Vec<super::facets::FacetEntry>>,
}
