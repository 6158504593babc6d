//! The arguments of `gongdan tickets` and its subcommands, as clap reads them.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use crate::script::output::Format;

#[derive(Debug, Args)]
#[command(after_help = crate::script::EXIT_CODES_HELP)]
pub struct TicketsArgs {
    #[command(subcommand)]
    pub(crate) command: TicketsCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TicketsCommand {
    /// List tickets (admin accounts): filters by creation and update time, order, paging.
    List(ListArgs),
    /// Search tickets (any agent) with the vendor's query language, e.g.
    /// `ticketStatus:待回应 updateDT<2026-10-01` (terms joined by AND).
    Search(SearchArgs),
    /// Show tickets by id (admin accounts); several ids are fetched 100 a call.
    Show(ShowArgs),
    /// Change tickets through the bulk engine (journaled; see `history`, `undo`, `resume`).
    Update(UpdateArgs),
    /// Create a ticket (admin accounts) from flags or a JSON file.
    Create(CreateArgs),
}

/// How tickets are printed.
#[derive(Debug, Args)]
pub(crate) struct OutputArgs {
    /// One JSON object per line (NDJSON), with stable field names.
    #[arg(long, conflicts_with = "ids")]
    pub(crate) json: bool,
    /// One ticket id per line.
    #[arg(long)]
    pub(crate) ids: bool,
}

impl OutputArgs {
    pub(super) fn format(&self) -> Format {
        Format::of(self.json, self.ids)
    }
}

#[derive(Debug, Args)]
pub(crate) struct PagingArgs {
    /// Follow every page (otherwise one page is printed).
    #[arg(long, conflicts_with = "page")]
    pub(crate) all: bool,
    /// The page to print (from 1).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) page: Option<u32>,
    /// Tickets per page (the configured per_page when not given; 100 at most is safe).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) per_page: Option<u32>,
}

/// What to order by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ListSort {
    Created,
    Updated,
    Status,
}

/// Which search field to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SearchSortArg {
    Created,
    Updated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OrderArg {
    Asc,
    Desc,
}

impl From<OrderArg> for crate::api::SortOrder {
    fn from(order: OrderArg) -> Self {
        match order {
            OrderArg::Asc => crate::api::SortOrder::Asc,
            OrderArg::Desc => crate::api::SortOrder::Desc,
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Created on or after this day or time (YYYY-MM-DD or "YYYY-MM-DD HH:MM:SS").
    #[arg(long, value_name = "DATE")]
    pub(crate) created_from: Option<String>,
    /// Created on or before this day (the whole day) or time.
    #[arg(long, value_name = "DATE")]
    pub(crate) created_to: Option<String>,
    /// Updated on or after this day or time.
    #[arg(long, value_name = "DATE")]
    pub(crate) updated_from: Option<String>,
    /// Updated on or before this day (the whole day) or time.
    #[arg(long, value_name = "DATE")]
    pub(crate) updated_to: Option<String>,
    /// Order by creation time, update time or status (default: by id).
    #[arg(long, value_enum)]
    pub(crate) sort: Option<ListSort>,
    /// Ascending or descending, with --sort.
    #[arg(long, value_enum, default_value_t = OrderArg::Asc, requires = "sort")]
    pub(crate) order: OrderArg,
    /// Read from the local store (`gongdan cache sync` fills it), never the network;
    /// standard error says so.
    #[arg(long)]
    pub(crate) offline: bool,
    /// Only this company's tickets.
    #[arg(long, value_name = "ID", conflicts_with = "contact")]
    pub(crate) company: Option<u64>,
    /// Only this contact's tickets.
    #[arg(long, value_name = "ID")]
    pub(crate) contact: Option<u64>,
    #[command(flatten)]
    pub(crate) paging: PagingArgs,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    /// The query (several words are joined with spaces). Enum values may be codes,
    /// English names or Chinese labels: `ticketStatus:open,待回应`.
    #[arg(value_name = "QUERY")]
    pub(crate) query: Vec<String>,
    /// Sort by creation or update time.
    #[arg(long, value_enum)]
    pub(crate) sort: Option<SearchSortArg>,
    /// Ascending or descending (the server's default is descending).
    #[arg(long, value_enum)]
    pub(crate) order: Option<OrderArg>,
    /// Read from the local store (`gongdan cache sync` fills it), never the network;
    /// standard error says so.
    #[arg(long)]
    pub(crate) offline: bool,
    #[command(flatten)]
    pub(crate) paging: PagingArgs,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// Ticket ids, or `-` to read them from standard input.
    #[arg(required = true, value_name = "ID")]
    pub(crate) tickets: Vec<String>,
    /// Read from the local store (`gongdan cache sync` fills it), never the network;
    /// standard error says so.
    #[arg(long)]
    pub(crate) offline: bool,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// The ticket fields `update` and `create` both set by name, label or code.
#[derive(Debug, Args)]
pub(crate) struct TicketFieldArgs {
    /// Status: a code (1-6), an English name (open, pending, solved, closed, ...) or a
    /// Chinese label (已开启, 待回应, 已解决, ...).
    #[arg(long, value_name = "S")]
    pub(crate) status: Option<String>,
    /// Priority: 1-4, low/normal/high/urgent or 低/正常/高/紧急.
    #[arg(long, value_name = "P")]
    pub(crate) priority: Option<String>,
    /// Type: 1-4, question/incident/fault/task or 问题/事务/故障/任务.
    #[arg(long = "type", value_name = "T")]
    pub(crate) ticket_type: Option<String>,
    /// The agent to assign, by name, e-mail or id (in `update`, 0 or `none`: unassign).
    #[arg(long, value_name = "NAME|ID")]
    pub(crate) assignee: Option<String>,
    /// The group to assign, by name or id (in `update`, 0 or `none`: no group).
    #[arg(long, value_name = "NAME|ID")]
    pub(crate) group: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct UpdateArgs {
    /// Ticket ids, or `-` to read them from standard input: ids one a line or separated by
    /// spaces or commas (lines starting with # are skipped), or the JSON lines of
    /// `tickets search --json`, whose update times let an agent's interrupted run resume
    /// without changing a ticket twice.
    #[arg(required = true, value_name = "ID")]
    pub(crate) tickets: Vec<String>,
    #[command(flatten)]
    pub(crate) fields_set: TicketFieldArgs,
    /// Add a tag (repeatable).
    #[arg(long = "tag-add", value_name = "TAG")]
    pub(crate) tag_add: Vec<String>,
    /// Remove a tag (repeatable).
    #[arg(long = "tag-remove", value_name = "TAG")]
    pub(crate) tag_remove: Vec<String>,
    /// Set a custom field, by key (field_N) or name (repeatable).
    #[arg(long = "field", value_name = "KEY=VALUE")]
    pub(crate) fields: Vec<String>,
    /// Add this reply to every ticket.
    #[arg(long, value_name = "TEXT", conflicts_with = "reply_file")]
    pub(crate) reply: Option<String>,
    /// Add the reply in this file (`-`: standard input) to every ticket.
    #[arg(long, value_name = "FILE")]
    pub(crate) reply_file: Option<PathBuf>,
    /// Add this canned reply (`[[snippets]]` or the snippet folder) with its variables
    /// filled; refused when one cannot be ({subject}, {contact} and {ticket_id} need one
    /// ticket at a time).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["reply", "reply_file"])]
    pub(crate) reply_snippet: Option<String>,
    /// Print the preview and send nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Do not ask for confirmation above the threshold (needed without a terminal).
    #[arg(short = 'y', long)]
    pub(crate) yes: bool,
    /// Also change tickets that changed on the server after they were read. Without it,
    /// each call of 100 reads its tickets first and leaves those whose update time moved,
    /// reported as "changed since the preview" (exit 4).
    #[arg(long)]
    pub(crate) apply_anyway: bool,
    /// Print each ticket's outcome as a JSON object per line.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CreateArgs {
    /// A JSON object with the ticket, using the flags' names as keys (subject, message,
    /// contact_id, mobile, name, email, qq, status, priority, type, assignee, group,
    /// template, tags, fields); flags given as well override it.
    #[arg(long, value_name = "FILE")]
    pub(crate) from_file: Option<PathBuf>,
    /// The title.
    #[arg(long)]
    pub(crate) subject: Option<String>,
    /// The description (the first reply).
    #[arg(long, value_name = "TEXT", conflicts_with = "message_file")]
    pub(crate) message: Option<String>,
    /// The description, from a file (`-`: standard input).
    #[arg(long, value_name = "FILE")]
    pub(crate) message_file: Option<PathBuf>,
    /// An existing contact's id.
    #[arg(long, value_name = "ID", conflicts_with = "mobile")]
    pub(crate) contact_id: Option<u64>,
    /// The contact's mobile number (the server finds or creates the contact).
    #[arg(long)]
    pub(crate) mobile: Option<String>,
    /// With --mobile: the contact's name.
    #[arg(long)]
    pub(crate) name: Option<String>,
    /// With --mobile: the contact's e-mail.
    #[arg(long)]
    pub(crate) email: Option<String>,
    /// With --mobile: the contact's QQ.
    #[arg(long)]
    pub(crate) qq: Option<String>,
    #[command(flatten)]
    pub(crate) fields_set: TicketFieldArgs,
    /// The ticket template's id.
    #[arg(long, value_name = "ID")]
    pub(crate) template: Option<u64>,
    /// A tag (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    pub(crate) tags: Vec<String>,
    /// A custom field, by key (field_N) or name (repeatable).
    #[arg(long = "field", value_name = "KEY=VALUE")]
    pub(crate) fields: Vec<String>,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}
