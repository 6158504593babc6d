//! What the bulk pane tells, as data ([`BulkNote`]): kept apart so that the view words
//! it (`ui::bulk::note`) without reaching into the pane's stages.

use super::engine::BulkFailure;
use crate::bulk::RunReport;

/// What the bulk pane tells, as data: its notices, its errors (form, preview, run,
/// history) and a failed call's line in the gauge. Worded by `ui::bulk::note`.
#[derive(Debug, Clone, PartialEq)]
pub enum BulkNote {
    NoTicketSelected,
    /// The only target could not be read from the server.
    Unreadable {
        id: u64,
        reason: String,
    },
    /// These targets could not be read and are left out.
    UnreadableLeftOut(Vec<u64>),
    RunGoingOn,
    UndoNotStarted,
    NothingToChange,
    TypeCountToConfirm(usize),
    NothingFailed,
    CannotUndo,
    NothingToResume,
    LaterFromHistory,
    ReadingTickets,
    /// A CC name that is no agent's.
    UnknownAgent(String),
    /// A custom field (by name) that takes a whole number / a number.
    FieldWantsInteger(String),
    FieldWantsNumber(String),
    NothingPicked,
    /// Reading the tickets for the preview failed: reading again is the preview key.
    TicketsUnread(BulkFailure),
    Failed(BulkFailure),
    CallFailed {
        call: u32,
        tickets: usize,
        reason: String,
    },
    /// A run ended: its report's summary.
    RunDone(Box<RunReport>),
    /// Runs stopped mid-way, offered at start.
    RunsStopped(usize),
    TypedAheadStartHeld,
    TypedAheadEnterHeld,
}
