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
use crate::lang::Lang;
use crate::script::output::{TicketWriter, table_width};
use crate::script::{Exit, ScriptError, Settings};
use crate::words;

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
pub(super) fn warn_bad_items(lang: Lang, bad: &[crate::api::model::ItemError]) {
    for item in bad {
        // With an id, the field without the ticket's place in the answer.
        let path = match item.ticket_id {
            Some(_) => field_path(&item.path),
            None => &item.path,
        };
        let text = words::script::ticket_unreadable(lang, item.ticket_id, path, &item.message);
        eprintln!("gongdan: {text}");
    }
}

/// Says which fields of a printed ticket could not be read (they print as unknown).
pub(super) fn warn_unreadable_fields(lang: Lang, ticket: &Ticket) {
    for field in &ticket.unreadable {
        let text = words::script::field_unreadable(lang, ticket.id, &field.key, &field.reason);
        eprintln!("gongdan: {text}");
    }
}
