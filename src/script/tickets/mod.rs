//! `gongdan tickets list|search|show|update|create`: the arguments (`args`), the ids and
//! text read in (`input`), the fields given by name, label or code (`fields`), the reading
//! commands (`list`: list and search with `--all` paging, `tally`: what they printed, `show`), the bulk change
//! (`update`) and `create`, each in its own module; the small helpers they share are here.

mod args;
mod create;
mod fields;
mod input;
mod list;
mod offline;
mod show;
mod tally;
mod update;

use std::io;

use crate::api::model::Ticket;
use crate::config::ResolveOptions;
use crate::script::output::{TicketWriter, table_width};
use crate::script::{Exit, ScriptError, Settings};

pub(crate) use args::{OutputArgs, TicketsArgs, TicketsCommand};
pub(crate) use input::read_ids;

pub async fn run(args: TicketsArgs, options: &ResolveOptions) -> Result<Exit, ScriptError> {
    match args.command {
        TicketsCommand::List(args) => list::list(args, options).await,
        TicketsCommand::Search(args) => list::search(args, options).await,
        TicketsCommand::Show(args) => show::show(args, options).await,
        TicketsCommand::Update(args) => update::update(args, options).await,
        TicketsCommand::Create(args) => create::create(args, options).await,
    }
}

pub(super) fn writer(
    settings: &Settings,
    output: &OutputArgs,
) -> TicketWriter<io::StdoutLock<'static>> {
    TicketWriter::new(
        io::stdout().lock(),
        output.format(),
        settings.lang,
        table_width(),
    )
}

pub(super) fn io_error(error: io::Error) -> ScriptError {
    crate::script::write_error(error)
}

/// `tickets[3].ticketStatus` → `ticketStatus`: the field, without the ticket's place in
/// the answer (the id says which ticket).
pub(super) fn field_path(path: &str) -> &str {
    path.split_once("].").map_or(path, |(_, field)| field)
}

/// Prints a page's tickets that could not be read, on standard error.
pub(super) fn warn_bad_items(bad: &[crate::api::model::ItemError]) {
    for item in bad {
        match item.ticket_id {
            Some(id) => eprintln!(
                "gongdan: could not read ticket {id}: {}: {}",
                field_path(&item.path),
                item.message
            ),
            None => eprintln!(
                "gongdan: could not read a ticket (no readable id): {}: {}",
                item.path, item.message
            ),
        }
    }
}

/// Says which fields of a printed ticket could not be read (they print as unknown).
pub(super) fn warn_unreadable_fields(ticket: &Ticket) {
    for field in &ticket.unreadable {
        eprintln!(
            "gongdan: ticket {}: could not read {}: {} (printed as unknown)",
            ticket.id, field.key, field.reason
        );
    }
}

pub(super) fn join_ids(ids: &[u64]) -> String {
    ids.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
