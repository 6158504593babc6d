//! Request bodies: the wire JSON of a change, a new ticket, and a ticket round-tripped.

use serde_json::Value;

use super::model::{NewTicket, Ticket, TicketChange};

/// The `ticket` object of an update or update many (same change).
pub fn change(change: &TicketChange) -> Value {
    let _ = change;
    todo!("issue 2")
}

/// One element of update many's per-ticket form: the change plus `ticketId`.
pub fn change_for(id: u64, change: &TicketChange) -> Value {
    let _ = (id, change);
    todo!("issue 2")
}

/// The `ticket` object of a create.
pub fn new_ticket(ticket: &NewTicket) -> Value {
    let _ = ticket;
    todo!("issue 2")
}

/// A decoded ticket back to wire JSON, unknown fields included.
pub fn ticket(ticket: &Ticket) -> Value {
    let _ = ticket;
    todo!("issue 2")
}
