//! What the composer and the new-ticket form tell, as data ([`ComposeNote`]): kept apart
//! so that the view words it (`ui::composer`) without reaching into the composer.

use crate::api::{ApiError, TicketStatus};

/// What the composer and the new-ticket form tell (a notice, the pane's error), as data:
/// worded by `ui::composer::note`.
#[derive(Debug, Clone, PartialEq)]
pub enum ComposeNote {
    /// `$EDITOR` could not be run, and why.
    EditorFailed(String),
    NoTicket,
    DraftRestored,
    DraftKept,
    /// Nothing to send.
    Empty,
    /// A file is still uploading.
    Uploading,
    Sending(u64),
    /// The composer was closed while the freshness check ran: the text is in the draft.
    StaleClosed(u64),
    Sent {
        ticket: u64,
        status: Option<TicketStatus>,
    },
    /// Why a reply was not sent (the composer's line); to send again is the composer's
    /// send key when `open`, else the reply key.
    SendError {
        error: ApiError,
        open: bool,
    },
    /// The same, as a notice naming the ticket.
    SendFailed {
        ticket: u64,
        error: ApiError,
        open: bool,
    },
    /// A file is attached (by its name).
    Attached(String),
    UploadFailed {
        name: String,
        reason: String,
    },
    /// The draft could not be written, and why.
    DraftFailed(String),
    /// The new-ticket form's checks.
    NeedSubject,
    NeedDescription,
    BadContactId(String),
    NeedContact,
    Creating,
    Created(u64),
    /// Why a ticket was not created (the form's line); again is the form's create key.
    CreateError(ApiError),
    /// The same, as a notice.
    CreateFailed(ApiError),
    /// No snippet is configured (neither `[[snippets]]` nor the snippet folder).
    NoSnippets,
    /// A snippet went in with these variables not known: left as written.
    SnippetUnknown(Vec<crate::text::placeholders::Var>),
}
