//! What the composer asks of the worker ([`ComposeCommand`]: the stale check, a send, a
//! draft's write or removal) and what comes back ([`ComposeEvent`]).

use std::path::PathBuf;

use crate::api::{ApiDate, ApiError, Attachment, Created, NewTicket, Ticket, TicketChange};
use crate::app::action::{Command, RequestId};

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

pub(super) fn compose_command(command: ComposeCommand) -> Command {
    Command::Compose(command)
}
