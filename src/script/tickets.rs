//! `gongdan tickets list|search|show|update|create`.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use clap::{Args, Subcommand, ValueEnum};
use futures::StreamExt;
use serde::Deserialize;
use serde_json::Value;

use super::output::{Format, TicketWriter, table_width};
use super::stop::Stop;
use super::{Exit, ScriptError, Settings, bulk_run};
use crate::api::model::{
    DATE_FORMAT, NewContact, NewTicket, Priority, Reply, Ticket, TicketChange, TicketStatus,
    TicketType,
};
use crate::api::{ApiError, Client, ListOrder, ListQuery, ListScope, SearchQuery, SearchSort};
use crate::bulk::{BulkEdit, Plan, Preview, RunStamp};
use crate::config::ResolveOptions;
use crate::lang::Lang;

#[derive(Debug, Args)]
#[command(after_help = super::EXIT_CODES_HELP)]
pub struct TicketsArgs {
    #[command(subcommand)]
    pub command: TicketsCommand,
}

#[derive(Debug, Subcommand)]
pub enum TicketsCommand {
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
pub struct OutputArgs {
    /// One JSON object per line (NDJSON), with stable field names.
    #[arg(long, conflicts_with = "ids")]
    pub json: bool,
    /// One ticket id per line.
    #[arg(long)]
    pub ids: bool,
}

impl OutputArgs {
    fn format(&self) -> Format {
        Format::of(self.json, self.ids)
    }
}

#[derive(Debug, Args)]
pub struct PagingArgs {
    /// Follow every page (otherwise one page is printed).
    #[arg(long, conflicts_with = "page")]
    pub all: bool,
    /// The page to print (from 1).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub page: Option<u32>,
    /// Tickets per page (the configured per_page when not given; 100 at most is safe).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub per_page: Option<u32>,
}

/// What to order by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListSort {
    Created,
    Updated,
    Status,
}

/// Which search field to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SearchSortArg {
    Created,
    Updated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OrderArg {
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
pub struct ListArgs {
    /// Created on or after this day or time (YYYY-MM-DD or "YYYY-MM-DD HH:MM:SS").
    #[arg(long, value_name = "DATE")]
    pub created_from: Option<String>,
    /// Created on or before this day (the whole day) or time.
    #[arg(long, value_name = "DATE")]
    pub created_to: Option<String>,
    /// Updated on or after this day or time.
    #[arg(long, value_name = "DATE")]
    pub updated_from: Option<String>,
    /// Updated on or before this day (the whole day) or time.
    #[arg(long, value_name = "DATE")]
    pub updated_to: Option<String>,
    /// Order by creation time, update time or status (default: by id).
    #[arg(long, value_enum)]
    pub sort: Option<ListSort>,
    /// Ascending or descending, with --sort.
    #[arg(long, value_enum, default_value_t = OrderArg::Asc, requires = "sort")]
    pub order: OrderArg,
    /// Only this company's tickets.
    #[arg(long, value_name = "ID", conflicts_with = "contact")]
    pub company: Option<u64>,
    /// Only this contact's tickets.
    #[arg(long, value_name = "ID")]
    pub contact: Option<u64>,
    #[command(flatten)]
    pub paging: PagingArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query (several words are joined with spaces). Enum values may be codes,
    /// English names or Chinese labels: `ticketStatus:open,待回应`.
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// Sort by creation or update time.
    #[arg(long, value_enum)]
    pub sort: Option<SearchSortArg>,
    /// Ascending or descending (the server's default is descending).
    #[arg(long, value_enum)]
    pub order: Option<OrderArg>,
    #[command(flatten)]
    pub paging: PagingArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Ticket ids, or `-` to read them from standard input.
    #[arg(required = true, value_name = "ID")]
    pub tickets: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The ticket fields `update` and `create` both set by name, label or code.
#[derive(Debug, Args)]
pub struct TicketFieldArgs {
    /// Status: a code (1-6), an English name (open, pending, solved, closed, ...) or a
    /// Chinese label (已开启, 待回应, 已解决, ...).
    #[arg(long, value_name = "S")]
    pub status: Option<String>,
    /// Priority: 1-4, low/normal/high/urgent or 低/正常/高/紧急.
    #[arg(long, value_name = "P")]
    pub priority: Option<String>,
    /// Type: 1-4, question/incident/fault/task or 问题/事务/故障/任务.
    #[arg(long = "type", value_name = "T")]
    pub ticket_type: Option<String>,
    /// The agent to assign, by name, e-mail or id (in `update`, 0 or `none`: unassign).
    #[arg(long, value_name = "NAME|ID")]
    pub assignee: Option<String>,
    /// The group to assign, by name or id (in `update`, 0 or `none`: no group).
    #[arg(long, value_name = "NAME|ID")]
    pub group: Option<String>,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Ticket ids, or `-` to read them from standard input: ids one a line or separated by
    /// spaces or commas (lines starting with # are skipped), or the JSON lines of
    /// `tickets search --json`, whose update times let an agent's interrupted run resume
    /// without changing a ticket twice.
    #[arg(required = true, value_name = "ID")]
    pub tickets: Vec<String>,
    #[command(flatten)]
    pub fields_set: TicketFieldArgs,
    /// Add a tag (repeatable).
    #[arg(long = "tag-add", value_name = "TAG")]
    pub tag_add: Vec<String>,
    /// Remove a tag (repeatable).
    #[arg(long = "tag-remove", value_name = "TAG")]
    pub tag_remove: Vec<String>,
    /// Set a custom field, by key (field_N) or name (repeatable).
    #[arg(long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
    /// Add this reply to every ticket.
    #[arg(long, value_name = "TEXT", conflicts_with = "reply_file")]
    pub reply: Option<String>,
    /// Add the reply in this file (`-`: standard input) to every ticket.
    #[arg(long, value_name = "FILE")]
    pub reply_file: Option<PathBuf>,
    /// Print the preview and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation above the threshold (needed without a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Also change tickets that changed on the server after they were read. Without it,
    /// each call of 100 reads its tickets first and leaves those whose update time moved,
    /// reported as "changed since the preview" (exit 4).
    #[arg(long)]
    pub apply_anyway: bool,
    /// Print each ticket's outcome as a JSON object per line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// A JSON object with the ticket, using the flags' names as keys (subject, message,
    /// contact_id, mobile, name, email, qq, status, priority, type, assignee, group,
    /// template, tags, fields); flags given as well override it.
    #[arg(long, value_name = "FILE")]
    pub from_file: Option<PathBuf>,
    /// The title.
    #[arg(long)]
    pub subject: Option<String>,
    /// The description (the first reply).
    #[arg(long, value_name = "TEXT", conflicts_with = "message_file")]
    pub message: Option<String>,
    /// The description, from a file (`-`: standard input).
    #[arg(long, value_name = "FILE")]
    pub message_file: Option<PathBuf>,
    /// An existing contact's id.
    #[arg(long, value_name = "ID", conflicts_with = "mobile")]
    pub contact_id: Option<u64>,
    /// The contact's mobile number (the server finds or creates the contact).
    #[arg(long)]
    pub mobile: Option<String>,
    /// With --mobile: the contact's name.
    #[arg(long)]
    pub name: Option<String>,
    /// With --mobile: the contact's e-mail.
    #[arg(long)]
    pub email: Option<String>,
    /// With --mobile: the contact's QQ.
    #[arg(long)]
    pub qq: Option<String>,
    #[command(flatten)]
    pub fields_set: TicketFieldArgs,
    /// The ticket template's id.
    #[arg(long, value_name = "ID")]
    pub template: Option<u64>,
    /// A tag (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// A custom field, by key (field_N) or name (repeatable).
    #[arg(long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub async fn run(args: TicketsArgs, options: &ResolveOptions) -> Result<Exit, ScriptError> {
    match args.command {
        TicketsCommand::List(args) => list(args, options).await,
        TicketsCommand::Search(args) => search(args, options).await,
        TicketsCommand::Show(args) => show(args, options).await,
        TicketsCommand::Update(args) => update(args, options).await,
        TicketsCommand::Create(args) => create(args, options).await,
    }
}

fn writer(settings: &Settings, output: &OutputArgs) -> TicketWriter<io::StdoutLock<'static>> {
    TicketWriter::new(
        io::stdout().lock(),
        output.format(),
        settings.lang,
        table_width(),
    )
}

fn io_error(error: io::Error) -> ScriptError {
    super::write_error(error)
}

/// `tickets[3].ticketStatus` → `ticketStatus`: the field, without the ticket's place in
/// the answer (the id says which ticket).
fn field_path(path: &str) -> &str {
    path.split_once("].").map_or(path, |(_, field)| field)
}

/// Prints a page's tickets that could not be read, on standard error.
fn warn_bad_items(bad: &[crate::api::model::ItemError]) {
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
fn warn_unreadable_fields(ticket: &Ticket) {
    for field in &ticket.unreadable {
        eprintln!(
            "gongdan: ticket {}: could not read {}: {} (printed as unknown)",
            ticket.id, field.key, field.reason
        );
    }
}

/// What a list or search printed: every ticket the server sent is either printed or
/// counted here as unreadable, so that a script never takes a part for the whole.
#[derive(Debug, Default)]
struct Tally {
    printed: u64,
    unreadable: Vec<Option<u64>>,
    /// The last page's count and whether the server said more pages exist.
    count: Option<u64>,
    more: bool,
}

impl Tally {
    fn page(
        &mut self,
        page: crate::api::model::Page<Ticket>,
        out: &mut TicketWriter<io::StdoutLock<'static>>,
    ) -> Result<(), ScriptError> {
        warn_bad_items(&page.bad_items);
        self.unreadable
            .extend(page.bad_items.iter().map(|bad| bad.ticket_id));
        self.count = page.count;
        self.more = page.next_page.is_some();
        for ticket in page.items {
            warn_unreadable_fields(&ticket);
            out.write(ticket).map_err(io_error)?;
            self.printed += 1;
        }
        Ok(())
    }

    /// Says on standard error what was left out, and answers the exit code: 4 when a
    /// ticket could not be read. `first_page` is the page asked for without `--all`.
    fn finish(&self, all: bool, first_page: Option<u32>) -> Exit {
        let sent = self.printed + self.unreadable.len() as u64;
        if !all {
            let page = first_page.unwrap_or(1);
            // Past page 1 only the server's link says more follow (the count is of all).
            let more = self.more || (page <= 1 && self.count.is_some_and(|count| count > sent));
            if more {
                let place = if page > 1 {
                    format!(" (page {page})")
                } else {
                    String::new()
                };
                match self.count {
                    Some(count) => {
                        eprintln!("gongdan: {sent} of {count} shown{place}; --all for every page")
                    }
                    // The server gave no count, only a link to the next page.
                    None => {
                        eprintln!("gongdan: {sent} shown{place}, more exist; --all for every page")
                    }
                }
            }
        }
        if self.unreadable.is_empty() {
            return Exit::Done;
        }
        let ids: Vec<u64> = self.unreadable.iter().flatten().copied().collect();
        let without_id = self.unreadable.len() - ids.len();
        let mut named = if ids.is_empty() {
            String::new()
        } else {
            format!(": {}", join_ids(&ids))
        };
        if without_id > 0 {
            named.push_str(&format!(" ({without_id} without a readable id)"));
        }
        eprintln!(
            "gongdan: {} of {sent} tickets could not be read and are not in the output{named}",
            self.unreadable.len()
        );
        Exit::Partial
    }
}

/// A day (`YYYY-MM-DD`, at its start or its end) or a time (`YYYY-MM-DD HH:MM:SS`).
fn parse_time(text: &str, end_of_day: bool, flag: &str) -> Result<NaiveDateTime, ScriptError> {
    let text = text.trim();
    if let Ok(time) = NaiveDateTime::parse_from_str(text, DATE_FORMAT) {
        return Ok(time);
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        ScriptError::Usage(format!(
            "{flag}: not a date (YYYY-MM-DD or \"YYYY-MM-DD HH:MM:SS\"): {text:?}"
        ))
    })?;
    let time = if end_of_day {
        day.and_hms_opt(23, 59, 59)
    } else {
        day.and_hms_opt(0, 0, 0)
    };
    time.ok_or_else(|| ScriptError::Usage(format!("{flag}: not a date: {text:?}")))
}

fn optional_time(
    text: &Option<String>,
    end_of_day: bool,
    flag: &str,
) -> Result<Option<NaiveDateTime>, ScriptError> {
    text.as_deref()
        .map(|t| parse_time(t, end_of_day, flag))
        .transpose()
}

async fn list(args: ListArgs, options: &ResolveOptions) -> Result<Exit, ScriptError> {
    let mut query = ListQuery::new()
        .created(
            optional_time(&args.created_from, false, "--created-from")?,
            optional_time(&args.created_to, true, "--created-to")?,
        )
        .updated(
            optional_time(&args.updated_from, false, "--updated-from")?,
            optional_time(&args.updated_to, true, "--updated-to")?,
        );
    if let Some(sort) = args.sort {
        let order = args.order.into();
        query = query.order(match sort {
            ListSort::Created => ListOrder::Created(order),
            ListSort::Updated => ListOrder::Updated(order),
            ListSort::Status => ListOrder::Status(order),
        });
    }
    if let Some(page) = args.paging.page {
        query = query.page(page);
    }
    if let Some(per_page) = args.paging.per_page {
        query = query.per_page(per_page);
    }
    let scope = match (args.company, args.contact) {
        (Some(company), _) => ListScope::Company(company),
        (None, Some(contact)) => ListScope::Contact(contact),
        (None, None) => ListScope::All,
    };
    let settings = Settings::load(options)?;
    let client = settings.client()?;
    let mut out = writer(&settings, &args.output);
    let mut tally = Tally::default();
    if args.paging.all {
        let pages = client.list_pages(scope, query);
        futures::pin_mut!(pages);
        while let Some(page) = pages.next().await {
            tally.page(page?, &mut out)?;
        }
    } else {
        tally.page(client.list(&scope, &query).await?, &mut out)?;
    }
    out.finish().map_err(io_error)?;
    Ok(tally.finish(args.paging.all, args.paging.page))
}

async fn search(args: SearchArgs, options: &ResolveOptions) -> Result<Exit, ScriptError> {
    let text = args.query.join(" ");
    let mut query = SearchQuery::parse(&text).map_err(|e| ScriptError::Usage(e.to_string()))?;
    query.sort_by = args.sort.map(|sort| match sort {
        SearchSortArg::Created => SearchSort::Created,
        SearchSortArg::Updated => SearchSort::Updated,
    });
    query.sort_order = args.order.map(Into::into);
    query.page = args.paging.page;
    query.per_page = args.paging.per_page;
    let settings = Settings::load(options)?;
    let client = settings.client()?;
    let mut out = writer(&settings, &args.output);
    let mut tally = Tally::default();
    if args.paging.all {
        let pages = client.search_pages(query);
        futures::pin_mut!(pages);
        while let Some(page) = pages.next().await {
            tally.page(page?, &mut out)?;
        }
    } else {
        tally.page(client.search(&query).await?, &mut out)?;
    }
    out.finish().map_err(io_error)?;
    Ok(tally.finish(args.paging.all, args.paging.page))
}

/// Ticket ids from the arguments; `-` reads them from standard input. Ids are separated
/// by whitespace or commas; a line starting with `#` is a comment. Repeats are dropped.
pub fn read_ids(args: &[String]) -> Result<Vec<u64>, ScriptError> {
    Ok(read_input(args)?.into_iter().map(|t| t.id).collect())
}

/// A ticket as given on the command line or standard input: its id, and its `updateDT`
/// when the line was a JSON object (`tickets search --json` output).
#[derive(Debug, Clone, PartialEq)]
pub struct InputTicket {
    pub id: u64,
    pub updated: Option<crate::api::model::ApiDate>,
}

/// [`read_ids`], also taking NDJSON lines (`{"id": 12, "updated": "..."}`, as `--json`
/// prints), whose `updated` lets the bulk engine tell on a resume whether an agent's call
/// reached a ticket.
pub fn read_input(args: &[String]) -> Result<Vec<InputTicket>, ScriptError> {
    let mut tickets: Vec<InputTicket> = Vec::new();
    let mut add = |line: &str| -> Result<(), ScriptError> {
        if line.trim_start().starts_with('{') {
            tickets.push(ticket_of_json(line)?);
        } else {
            for token in split_ids(line) {
                let id = token
                    .parse()
                    .ok()
                    .filter(|id| *id > 0)
                    .ok_or_else(|| ScriptError::Usage(format!("not a ticket id: {token:?}")))?;
                tickets.push(InputTicket { id, updated: None });
            }
        }
        Ok(())
    };
    for arg in args {
        if arg == "-" {
            let text = crate::config::read_capped(io::stdin().lock(), crate::config::IDS_LIMIT)
                .map_err(|e| {
                    ScriptError::Io(format!("cannot read ids from standard input: {e}"))
                })?;
            for line in text.lines() {
                add(line)?;
            }
        } else {
            add(arg)?;
        }
    }
    let mut seen = HashSet::new();
    tickets.retain(|t| seen.insert(t.id));
    Ok(tickets)
}

fn ticket_of_json(line: &str) -> Result<InputTicket, ScriptError> {
    let value: Value = serde_json::from_str(line)
        .map_err(|e| ScriptError::Usage(format!("not a JSON ticket line ({e}): {line:?}")))?;
    let id = match &value["id"] {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|id| *id > 0)
    .ok_or_else(|| ScriptError::Usage(format!("a JSON ticket line without an id: {line:?}")))?;
    let updated = value["updated"]
        .as_str()
        .and_then(|text| NaiveDateTime::parse_from_str(text, DATE_FORMAT).ok());
    Ok(InputTicket { id, updated })
}

fn split_ids(line: &str) -> Vec<String> {
    if line.trim_start().starts_with('#') {
        return Vec::new();
    }
    line.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

async fn show(args: ShowArgs, options: &ResolveOptions) -> Result<Exit, ScriptError> {
    let ids = read_ids(&args.tickets)?;
    if ids.is_empty() {
        return Err(ScriptError::Usage("no ticket ids given".into()));
    }
    let settings = Settings::load(options)?;
    let client = settings.client()?;
    let mut out = writer(&settings, &args.output);
    let mut missing = Vec::new();
    // A ticket the server has but that does not decode is "could not read", never "not
    // found": it exists, and a script must not take it for deleted.
    let mut unreadable = false;
    if let [id] = ids[..] {
        match client.show(id).await {
            Ok(ticket) => {
                warn_unreadable_fields(&ticket);
                out.write(ticket).map_err(io_error)?
            }
            Err(ApiError::NotFound(_)) => missing.push(id),
            Err(ApiError::Decode { path, message }) => {
                eprintln!("gongdan: could not read ticket {id}: {path}: {message}");
                unreadable = true;
            }
            Err(error) => return Err(error.into()),
        }
    } else {
        let found = client.show_many(&ids).await?;
        warn_bad_items(&found.bad_items);
        unreadable = !found.bad_items.is_empty();
        for ticket in found.tickets {
            warn_unreadable_fields(&ticket);
            out.write(ticket).map_err(io_error)?;
        }
        missing = found.missing;
    }
    out.finish().map_err(io_error)?;
    if missing.is_empty() {
        Ok(if unreadable {
            Exit::Partial
        } else {
            Exit::Done
        })
    } else {
        Err(ScriptError::NotFound(format!(
            "not found: {}",
            join_ids(&missing)
        )))
    }
}

fn join_ids(ids: &[u64]) -> String {
    ids.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_enum<T>(
    text: &str,
    flag: &str,
    parse: fn(&str) -> Option<T>,
    all: &[T],
    en: fn(T) -> &'static str,
    zh: fn(T) -> &'static str,
) -> Result<T, ScriptError>
where
    T: Copy,
{
    parse(text).ok_or_else(|| {
        let known: Vec<String> = all
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{} {}/{}", i + 1, en(*v), zh(*v)))
            .collect();
        ScriptError::Usage(format!(
            "{flag}: unknown value {text:?} (known: {})",
            known.join(", ")
        ))
    })
}

pub fn parse_status(text: &str) -> Result<TicketStatus, ScriptError> {
    let status = parse_enum(
        text,
        "--status",
        TicketStatus::parse,
        TicketStatus::ALL,
        TicketStatus::label_en,
        TicketStatus::label_zh,
    )?;
    refuse_unknown(status, TicketStatus::Unknown, "--status", text)
}

pub fn parse_priority(text: &str) -> Result<Priority, ScriptError> {
    let priority = parse_enum(
        text,
        "--priority",
        Priority::parse,
        Priority::ALL,
        Priority::label_en,
        Priority::label_zh,
    )?;
    refuse_unknown(priority, Priority::Unknown, "--priority", text)
}

pub fn parse_type(text: &str) -> Result<TicketType, ScriptError> {
    let kind = parse_enum(
        text,
        "--type",
        TicketType::parse,
        TicketType::ALL,
        TicketType::label_en,
        TicketType::label_zh,
    )?;
    refuse_unknown(kind, TicketType::Unknown, "--type", text)
}

/// A code outside the vendor's table is a typo here, not something to send.
fn refuse_unknown<T: PartialEq + Copy>(
    value: T,
    unknown: fn(i64) -> T,
    flag: &str,
    text: &str,
) -> Result<T, ScriptError> {
    match text.trim().parse::<i64>() {
        Ok(code) if unknown(code) == value => Err(ScriptError::Usage(format!(
            "{flag}: {code} is not a known code"
        ))),
        _ => Ok(value),
    }
}

/// `--assignee`: `none`/0 unassigns; a number is an id; anything else an agent's name or
/// e-mail, looked up in the agents list.
async fn resolve_agent(client: &Client, text: &str) -> Result<Option<u64>, ScriptError> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("none") || text == "0" {
        return Ok(None);
    }
    if let Ok(id) = text.parse::<u64>() {
        return Ok(Some(id));
    }
    let agents = client.agents().await?;
    let matches: Vec<&crate::api::model::Agent> = agents
        .iter()
        .filter(|a| {
            a.name == text
                || a.email
                    .as_deref()
                    .is_some_and(|email| email.eq_ignore_ascii_case(text))
        })
        .collect();
    match matches[..] {
        [agent] => Ok(Some(agent.id)),
        [] => Err(ScriptError::Usage(format!(
            "--assignee: no agent named {text:?}"
        ))),
        _ => Err(ScriptError::Usage(format!(
            "--assignee: several agents are named {text:?} (ids {}): give the id",
            join_ids(&matches.iter().map(|a| a.id).collect::<Vec<_>>())
        ))),
    }
}

/// `--group`: `none`/0, an id, or a group's name (groups are found through the agents'
/// group ids, since the API has no list of groups).
async fn resolve_group(client: &Client, text: &str) -> Result<Option<u64>, ScriptError> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("none") || text == "0" {
        return Ok(None);
    }
    if let Ok(id) = text.parse::<u64>() {
        return Ok(Some(id));
    }
    let agents = client.agents().await?;
    let mut ids: Vec<u64> = agents
        .iter()
        .flat_map(|a| a.group_ids.iter().copied())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut matches = Vec::new();
    for id in ids {
        if let Ok(group) = client.group(id).await
            && group.name == text
        {
            matches.push(id);
        }
    }
    match matches[..] {
        [id] => Ok(Some(id)),
        [] => Err(ScriptError::Usage(format!(
            "--group: no group named {text:?}"
        ))),
        _ => Err(ScriptError::Usage(format!(
            "--group: several groups are named {text:?} (ids {}): give the id",
            join_ids(&matches)
        ))),
    }
}

/// `--field KEY=VALUE`s: the key is a custom field's key (`field_N`) or its name, as
/// `ticket_fields` lists them; any other key is refused with the known ones listed (a typo
/// would otherwise be sent, and silently ignored or stored by the server).
async fn resolve_fields(
    client: &Client,
    fields: &[String],
) -> Result<Vec<(String, Value)>, ScriptError> {
    if fields.is_empty() {
        return Ok(Vec::new());
    }
    let defs = client.ticket_fields().await?;
    let mut out = Vec::new();
    for field in fields {
        let (key, value) = field.split_once('=').ok_or_else(|| {
            ScriptError::Usage(format!("--field: expected KEY=VALUE, got {field:?}"))
        })?;
        let key = key.trim();
        if key.is_empty() {
            return Err(ScriptError::Usage(format!("--field: no key in {field:?}")));
        }
        let Some(def) = defs
            .iter()
            .find(|def| def.key == key)
            .or_else(|| defs.iter().find(|def| def.name == key))
        else {
            return Err(ScriptError::Usage(unknown_field_text(key, &defs)));
        };
        out.push((def.key.clone(), Value::String(value.to_string())));
    }
    Ok(out)
}

/// The refusal of an unknown `--field` key: the custom fields there are, and the flags of
/// the built-in ones.
fn unknown_field_text(key: &str, defs: &[crate::api::model::FieldDef]) -> String {
    let known: Vec<String> = defs
        .iter()
        .map(|def| format!("{} ({})", def.key, def.name))
        .collect();
    let known = if known.is_empty() {
        "none on this server".to_owned()
    } else {
        known.join(", ")
    };
    format!(
        "--field: no ticket field {key:?}; the custom fields are: {known}; the built-in \
         fields have their own flags: --status, --priority, --type, --assignee, --group, \
         --tag-add and --tag-remove (update), --tag (create)"
    )
}

fn read_text(path: &Path, what: &str) -> Result<String, ScriptError> {
    let text = if path == Path::new("-") {
        crate::config::read_capped(io::stdin().lock(), crate::config::TEXT_LIMIT)
            .map_err(|e| ScriptError::Io(format!("cannot read the {what}: {e}")))?
    } else {
        crate::config::read_file_capped(path, crate::config::TEXT_LIMIT).map_err(|e| {
            ScriptError::Io(format!("cannot read the {what} {}: {e}", path.display()))
        })?
    };
    Ok(text.trim_end().to_string())
}

async fn update(args: UpdateArgs, options: &ResolveOptions) -> Result<Exit, ScriptError> {
    if args.tickets.iter().any(|a| a == "-") && args.reply_file.as_deref() == Some(Path::new("-")) {
        return Err(ScriptError::Usage(
            "ids and the reply cannot both come from standard input".into(),
        ));
    }
    // Ours from here: a signal at any step stops before the next call (see `stop`).
    let stop = Stop::listen()?;
    let tickets_args = args.tickets.clone();
    let input = stop.blocking(move || read_input(&tickets_args)).await?;
    let ids: Vec<u64> = input.iter().map(|t| t.id).collect();
    if ids.is_empty() {
        if args.tickets.iter().any(|a| a == "-") {
            // An empty pipeline (nothing matched upstream) is not an error.
            eprintln!("gongdan: no ticket ids on standard input: nothing to do");
            return Ok(Exit::Done);
        }
        return Err(ScriptError::Usage("no ticket ids given".into()));
    }
    let mut change = TicketChange {
        status: args
            .fields_set
            .status
            .as_deref()
            .map(parse_status)
            .transpose()?,
        priority: args
            .fields_set
            .priority
            .as_deref()
            .map(parse_priority)
            .transpose()?,
        ticket_type: args
            .fields_set
            .ticket_type
            .as_deref()
            .map(parse_type)
            .transpose()?,
        ..TicketChange::default()
    };
    let reply = match (&args.reply, &args.reply_file) {
        (Some(text), _) => Some(text.clone()),
        (None, Some(path)) => Some(read_text(path, "reply")?),
        (None, None) => None,
    };
    if let Some(message) = reply {
        if message.trim().is_empty() {
            return Err(ScriptError::Usage("the reply is empty".into()));
        }
        change.reply = Some(Reply {
            message,
            attachments: Vec::new(),
        });
    }
    let nothing = change == TicketChange::default()
        && args.fields_set.assignee.is_none()
        && args.fields_set.group.is_none()
        && args.fields.is_empty()
        && args.tag_add.is_empty()
        && args.tag_remove.is_empty();
    if nothing {
        return Err(ScriptError::Usage(
            "nothing to change: give --status, --priority, --type, --assignee, --group, \
             --tag-add, --tag-remove, --field or --reply"
                .into(),
        ));
    }

    let settings = Settings::load(options)?;
    stop.check()?;
    let client = settings.client()?;
    if let Some(assignee) = &args.fields_set.assignee {
        change.assignee_id = Some(stop.before(resolve_agent(&client, assignee)).await?);
    }
    if let Some(group) = &args.fields_set.group {
        change.group_id = Some(stop.before(resolve_group(&client, group)).await?);
    }
    change.custom_fields = stop.before(resolve_fields(&client, &args.fields)).await?;
    let edit = BulkEdit {
        change,
        tags_add: args.tag_add.clone(),
        tags_remove: args.tag_remove.clone(),
    };

    // Admins: the whole tickets (the preview and undo know the values before). Agents may
    // not show tickets: the engine builds them from the ids, with `updateDT` where a search
    // of recent changes finds it (so that a resume can tell whether a call arrived).
    let engine = settings.engine(client.clone())?;
    let mut missing = Vec::new();
    // Tickets the server has but that could not be read: left out, never planned from an
    // empty stand-in (a tag added to "no tags" would replace the real ones).
    let mut unreadable: Vec<(u64, String)> = Vec::new();
    let shown = stop
        .before(async { Ok(client.show_many(&ids).await) })
        .await?;
    let tickets: Vec<Ticket> = match shown {
        Ok(found) => {
            warn_bad_items(&found.bad_items);
            missing = found.missing;
            let mut by_id: std::collections::HashMap<u64, Ticket> =
                found.tickets.into_iter().map(|t| (t.id, t)).collect();
            let reasons: std::collections::HashMap<u64, String> = found
                .bad_items
                .iter()
                .filter_map(|bad| {
                    let id = bad.ticket_id?;
                    Some((id, format!("{}: {}", field_path(&bad.path), bad.message)))
                })
                .collect();
            let mut tickets = Vec::new();
            for id in ids.iter().filter(|id| !missing.contains(id)) {
                match by_id.remove(id) {
                    Some(ticket) => tickets.push(ticket),
                    None => unreadable.push((
                        *id,
                        reasons
                            .get(id)
                            .cloned()
                            .unwrap_or_else(|| "the server's answer could not be read".into()),
                    )),
                }
            }
            tickets
        }
        Err(ApiError::Forbidden(_)) => {
            let mut tickets = stop
                .before(async { Ok(engine.tickets_for(&ids).await?) })
                .await?;
            // What the input said (search results) fills in what the engine could not read.
            for (ticket, given) in tickets.iter_mut().zip(&input) {
                if ticket.updated.is_none() && ticket.id == given.id {
                    ticket.updated = given.updated;
                }
            }
            tickets
        }
        Err(error) => return Err(error.into()),
    };
    if !unreadable.is_empty() {
        let ids: Vec<u64> = unreadable.iter().map(|(id, _)| *id).collect();
        eprintln!("gongdan: left out, could not be read: {}", join_ids(&ids));
        if tickets.is_empty() {
            eprintln!("gongdan: nothing was sent");
            return Ok(Exit::Partial);
        }
    }
    if !missing.is_empty() {
        eprintln!("gongdan: not found: {}", join_ids(&missing));
        if tickets.is_empty() {
            return Err(ScriptError::NotFound(
                "none of the tickets was found; nothing was sent".into(),
            ));
        }
    }
    let mut plan = Plan::new(&edit, &tickets, settings.target(), RunStamp::now());
    // Tickets whose tags are not known (still null after the full read) are not changed:
    // the change asked for was not made, so the exit says so, as for an unreadable one.
    let left_out = !missing.is_empty()
        || !unreadable.is_empty()
        || plan
            .excluded
            .iter()
            .any(|t| t.reason == crate::bulk::ExcludeReason::TagsUnknown);
    plan.apply_anyway = args.apply_anyway;
    let preview = Preview::of(&plan);
    let names = stop
        .before(async { Ok(bulk_run::names_for(&client, &plan).await) })
        .await?;
    // Kept in the journal, so `gongdan history` names them too.
    plan.remember_names(&names);
    let summary = preview.summary_with(settings.lang, &names);
    if args.dry_run {
        println!("{summary}");
        println!("{}", dry_run_note(settings.lang));
        return Ok(if left_out { Exit::Partial } else { Exit::Done });
    }
    eprintln!("{summary}");
    if plan.tickets.is_empty() {
        return Ok(if left_out { Exit::Partial } else { Exit::Done });
    }
    bulk_run::confirm_or_stop(
        &stop,
        &preview,
        settings.resolved.ui.bulk_confirm_threshold,
        args.yes,
        settings.lang,
    )
    .await?;
    let run_id = plan.run_id.clone();
    let report = bulk_run::drive(settings.lang, &stop, &run_id, |events, cancel| async move {
        engine.start(&plan, &events, &cancel).await
    })
    .await?;
    let missing_outcomes: Vec<crate::bulk::TicketOutcome> = missing
        .iter()
        .map(|id| crate::bulk::TicketOutcome::failed(*id, not_found_text(settings.lang)))
        .chain(unreadable.iter().map(|(id, reason)| {
            crate::bulk::TicketOutcome::failed(*id, unreadable_text(settings.lang, reason))
        }))
        .collect();
    let printed =
        bulk_run::print_report(&report, &missing_outcomes, settings.lang, args.json).map(|exit| {
            match exit {
                // The preview named the tickets left out (tags not known): not all was done.
                Exit::Done if left_out => Exit::Partial,
                other => other,
            }
        });
    bulk_run::exit_of(&stop, printed, settings.lang)
}

/// Why a ticket was left out of a run: the server's copy could not be read.
fn unreadable_text(lang: Lang, reason: &str) -> String {
    crate::words::fill(lang, crate::words::Msg::ScriptUnreadable, &[reason])
}

fn dry_run_note(lang: Lang) -> &'static str {
    crate::words::Msg::ScriptDryRun.text(lang)
}

fn not_found_text(lang: Lang) -> &'static str {
    crate::words::Msg::ScriptNotFound.text(lang)
}

/// The JSON file of `tickets create --from-file`: the flags' names as keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateFile {
    subject: Option<String>,
    message: Option<String>,
    contact_id: Option<u64>,
    mobile: Option<String>,
    name: Option<String>,
    email: Option<String>,
    qq: Option<String>,
    status: Option<CodeOrName>,
    priority: Option<CodeOrName>,
    #[serde(rename = "type")]
    ticket_type: Option<CodeOrName>,
    assignee: Option<CodeOrName>,
    group: Option<CodeOrName>,
    template: Option<u64>,
    #[serde(default)]
    tags: Vec<String>,
    /// Key (or field name) to value.
    #[serde(default)]
    fields: serde_json::Map<String, Value>,
}

/// A value given as a number or as text.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum CodeOrName {
    Code(u64),
    Name(String),
}

impl CodeOrName {
    fn text(self) -> String {
        match self {
            CodeOrName::Code(code) => code.to_string(),
            CodeOrName::Name(name) => name,
        }
    }
}

async fn create(args: CreateArgs, options: &ResolveOptions) -> Result<Exit, ScriptError> {
    let file: CreateFile = match &args.from_file {
        Some(path) => {
            let text = read_text(path, "ticket file")?;
            serde_json::from_str(&text).map_err(|e| {
                ScriptError::Usage(format!("{}: not a ticket object: {e}", path.display()))
            })?
        }
        None => CreateFile::default(),
    };
    let subject = args
        .subject
        .clone()
        .or(file.subject)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ScriptError::Usage("a new ticket needs --subject".into()))?;
    let message = match (&args.message, &args.message_file) {
        (Some(text), _) => Some(text.clone()),
        (None, Some(path)) => Some(read_text(path, "message")?),
        (None, None) => file.message,
    }
    .filter(|m| !m.trim().is_empty())
    .ok_or_else(|| ScriptError::Usage("a new ticket needs --message or --message-file".into()))?;
    let mobile = args.mobile.clone().or(file.mobile);
    let contact = match (args.contact_id.or(file.contact_id), mobile) {
        (Some(id), _) => Some(NewContact::Id(id)),
        (None, Some(mobile)) => Some(NewContact::Details {
            mobile,
            name: args.name.clone().or(file.name),
            fixnumber: None,
            qq: args.qq.clone().or(file.qq),
            email: args.email.clone().or(file.email),
        }),
        (None, None) => None,
    };
    let text_of = |flag: &Option<String>, file: Option<CodeOrName>| {
        flag.clone().or_else(|| file.map(CodeOrName::text))
    };
    let status = text_of(&args.fields_set.status, file.status);
    let priority = text_of(&args.fields_set.priority, file.priority);
    let kind = text_of(&args.fields_set.ticket_type, file.ticket_type);
    let assignee = text_of(&args.fields_set.assignee, file.assignee);
    let group = text_of(&args.fields_set.group, file.group);
    let mut change = TicketChange {
        status: status.as_deref().map(parse_status).transpose()?,
        priority: priority.as_deref().map(parse_priority).transpose()?,
        ticket_type: kind.as_deref().map(parse_type).transpose()?,
        template_id: args.template.or(file.template),
        ..TicketChange::default()
    };
    let mut tags = file.tags;
    tags.extend(args.tags.iter().cloned());
    if !tags.is_empty() {
        change.tags = Some(tags);
    }
    let mut field_args: Vec<String> = file
        .fields
        .iter()
        .map(|(key, value)| match value {
            Value::String(text) => format!("{key}={text}"),
            other => format!("{key}={other}"),
        })
        .collect();
    field_args.extend(args.fields.iter().cloned());

    let settings = Settings::load(options)?;
    let client = settings.client()?;
    if let Some(assignee) = &assignee {
        change.assignee_id = Some(resolve_agent(&client, assignee).await?);
    }
    if let Some(group) = &group {
        change.group_id = Some(resolve_group(&client, group).await?);
    }
    change.custom_fields = resolve_fields(&client, &field_args).await?;
    let new = NewTicket {
        subject,
        reply: Reply {
            message,
            attachments: Vec::new(),
        },
        contact,
        fields: change,
    };
    let created = client.create(&new).await?;
    let mut out = writer(&settings, &args.output);
    out.write(created.ticket).map_err(io_error)?;
    out.finish().map_err(io_error)?;
    Ok(Exit::Done)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ids_split_on_spaces_commas_and_lines_and_skip_comments() {
        assert_eq!(split_ids("1, 2 3,,4"), vec!["1", "2", "3", "4"]);
        assert!(split_ids("  # 5 6").is_empty());
        let ids = read_ids(&["3,1".into(), "3".into()]).unwrap();
        assert_eq!(ids, vec![3, 1]);
        assert!(matches!(
            read_ids(&["12a".into()]),
            Err(ScriptError::Usage(_))
        ));
    }

    #[test]
    fn json_lines_give_the_id_and_the_update_time() {
        let line = r#"{"id":12,"subject":"x","updated":"2026-11-01 09:30:00"}"#;
        let ticket = ticket_of_json(line).unwrap();
        assert_eq!(ticket.id, 12);
        assert_eq!(
            ticket.updated.map(|d| d.format(DATE_FORMAT).to_string()),
            Some("2026-11-01 09:30:00".to_string())
        );
        assert_eq!(ticket_of_json(r#"{"id":"7"}"#).unwrap().updated, None);
        assert!(ticket_of_json(r#"{"subject":"no id"}"#).is_err());
        assert!(ticket_of_json("{not json").is_err());
    }

    #[test]
    fn enums_take_codes_names_and_labels() {
        assert_eq!(parse_status("4").unwrap(), TicketStatus::Solved);
        assert_eq!(parse_status("Solved").unwrap(), TicketStatus::Solved);
        assert_eq!(parse_status("待回应").unwrap(), TicketStatus::Pending);
        assert_eq!(parse_priority("紧急").unwrap(), Priority::Urgent);
        assert_eq!(parse_type("fault").unwrap(), TicketType::Fault);
        assert!(parse_status("9").is_err());
        assert!(parse_status("done-ish").is_err());
    }

    #[test]
    fn dates_take_a_day_or_a_time() {
        let start = parse_time("2026-11-01", false, "--x").unwrap();
        assert_eq!(start.format(DATE_FORMAT).to_string(), "2026-11-01 00:00:00");
        let end = parse_time("2026-11-01", true, "--x").unwrap();
        assert_eq!(end.format(DATE_FORMAT).to_string(), "2026-11-01 23:59:59");
        assert!(parse_time("01/11/2026", false, "--x").is_err());
    }
}
