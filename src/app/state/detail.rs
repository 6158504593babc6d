//! The open ticket and the quick status change made on it (what to put back on failure,
//! what to ask again).

use super::*;

/// The open detail pane.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub ticket_id: u64,
    /// The show call in flight.
    pub(crate) request: Option<RequestId>,
    /// Whether the full ticket has arrived.
    pub(crate) full: bool,
    /// Show answered 403: only what the list or search gave is known.
    pub forbidden: bool,
    pub(crate) not_found: bool,
    pub(crate) error: Option<crate::api::ApiError>,
    pub scroll: u16,
    /// Whether the detail has the keyboard. On a wide screen the preview beside the list
    /// follows the selection until focused; on a narrow one an open detail is focused.
    pub focused: bool,
    /// `]` pressed on the last loaded row: step to the next ticket once its page arrives.
    pub step_pending: bool,
}

/// A status change sent and not yet answered: what to put back on failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingStatus {
    pub ticket_id: u64,
    pub(crate) previous: Option<TicketStatus>,
    pub(crate) wanted: TicketStatus,
}

/// A quick status change to ask again about: the ticket, the status wanted, the status it
/// had when shown, and the re-read that shows the server's version (`None` when the account
/// may not show tickets: the menu opens at once).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StatusRecheck {
    pub ticket_id: u64,
    pub(crate) wanted: TicketStatus,
    pub(crate) shown: Option<TicketStatus>,
    pub(crate) reread: Option<RequestId>,
}
