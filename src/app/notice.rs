//! What the status line and the panes' error lines say, as data: ids, counts, statuses,
//! `ApiError`s and server text as sent. `ui::notice` words them when drawing, in the
//! user's language and with the live key map, so nothing here is prose and no server text
//! is ever read for placeholders.

use super::copy::CopyItem;
use super::state::{Sort, ViewName};
use crate::api::{ApiError, QueryError, TicketStatus};

/// One notice of the status line.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    /// The bulk pane's notices (`ui::bulk::note`).
    Bulk(super::bulk_edit::BulkNote),
    /// The composer's and the new-ticket form's notices (`ui::composer::note`).
    Compose(super::composer::ComposeNote),
    /// A macro that could not be applied.
    Macro(super::macros::MacroNote),
    /// The first warning of the start (already worded by the start-up code, which may) and
    /// how many more there are.
    Startup {
        first: String,
        more: usize,
    },
    Reloading,
    LoadingMore,
    /// Tickets of a page that did not decode and carried no id.
    UnreadableWithoutId(usize),
    /// A page of a view failed.
    LoadFailed {
        view: ViewName,
        error: ViewError,
    },
    /// A page of the search results failed.
    SearchFailed(ViewError),
    /// A change made while the server cannot be reached: refused, never queued.
    RefusedOffline(super::offline::OfflineChange),
    /// An ordinary agent: the views were rebuilt from searches.
    ListForbidden,
    SortBy(Option<Sort>),
    SearchNoStatusSort,
    /// Ctrl-S: the view was written to the config file.
    ViewSaved {
        name: String,
        path: String,
    },
    /// Ctrl-S: the file was not written, and why (worded by the config module).
    ViewSaveFailed(String),
    /// Ctrl-S without a profile of a config file.
    SaveViewNoConfig,
    /// Ctrl-S in a view narrowed by a plain-text filter, which no search can say.
    SaveViewPlainText,
    /// Ctrl-S in a view whose search cannot be written.
    SaveViewBadQuery(QueryError),
    /// A quick filter or a save in the marked view (`M`), which holds the marks only.
    NotForMarked,
    /// `X`: the quick filter is off.
    QuickFilterCleared,
    /// A quick filter on a list view the store does not answer: the list call cannot.
    QuickFilterListView,
    /// A tag the search language cannot say (a space or comma in it), in a server view.
    QuickFilterTagNotSearchable(String),
    NoTicketSelected,
    /// `s` with tickets marked: only this one changes.
    StatusMenuNotMarks {
        ticket: u64,
        marked: usize,
    },
    StatusUnknownTicket(u64),
    /// The date filter typed, as typed.
    FilterSet(String),
    FilterCleared,
    ShowFailed {
        ticket: u64,
        error: ApiError,
    },
    StatusChanged {
        ticket: u64,
        status: TicketStatus,
    },
    StatusChangeFailed {
        ticket: u64,
        wanted: TicketStatus,
        reason: StatusFailure,
        previous: Option<TicketStatus>,
    },
    /// The answer was lost; `reason` is the engine's outcome text.
    StatusChangeUnknown {
        ticket: u64,
        wanted: TicketStatus,
        reason: String,
    },
    StatusChangedMeanwhile {
        ticket: u64,
        shown: Option<TicketStatus>,
        now: Option<TicketStatus>,
        wanted: TicketStatus,
    },
    // Marks.
    MarkRangeEnded(usize),
    MarkRangeHint,
    MarkLoaded {
        count: usize,
        total: usize,
    },
    MarksRestored(usize),
    MarksNone,
    MarksClearedRestorable(usize),
    MarkFetchStarted,
    MarkFetchProgress {
        fetched: usize,
        total: Option<u64>,
    },
    MarkFetchDone {
        fetched: usize,
        marked: usize,
    },
    MarkFetchStopped {
        marked: usize,
        error: ApiError,
    },
    // The copy menu.
    Copy {
        label: CopyLabel,
        outcome: CopyOutcome,
    },
    CopyNoWebUrl,
    // Faults and signing in again.
    SignInCancelled,
    SignInAgain,
    SigningIn,
    SignedInAgain,
    Retrying {
        error: ApiError,
        secs: u64,
    },
    /// An error the client gave up retrying: the note, then how to retry.
    GaveUp(Box<Note>),
    /// The open ticket's files and their downloads.
    Files(super::files::FilesNote),
}

/// Why a quick status change did not happen.
#[derive(Debug, Clone, PartialEq)]
pub enum StatusFailure {
    Api(ApiError),
    Bulk(super::bulk_edit::BulkFailure),
    /// The engine's outcome for the ticket, as it gave it.
    Outcome(String),
    NotSent,
}

/// A copy-menu entry as named in a notice: a custom field by its definition's name.
#[derive(Debug, Clone, PartialEq)]
pub struct CopyLabel {
    pub(crate) item: CopyItem,
    pub(crate) field_name: Option<String>,
}

/// What a copy did.
#[derive(Debug, Clone, PartialEq)]
pub enum CopyOutcome {
    /// Copied; the value as shown (one line, cut to fit).
    Copied(String),
    TooLong {
        kb: usize,
    },
    Empty,
    Unknown,
}

/// Why a view has no rows to show.
#[derive(Debug, Clone, PartialEq)]
pub enum ViewError {
    Api(ApiError),
    /// A list view from the config, refused to an ordinary agent: a search view would do.
    ListRefused,
}

/// Why a prompt's line was not taken.
#[derive(Debug, Clone, PartialEq)]
pub enum PromptError {
    Nothing,
    Query(QueryError),
    BadFilter,
}

/// Why the sign-in prompt asks again.
#[derive(Debug, Clone, PartialEq)]
pub enum SignInError {
    Empty,
    Api(ApiError),
}
