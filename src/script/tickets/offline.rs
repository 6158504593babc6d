//! `--offline` for the reading commands (issue 16): `tickets list`, `search` and `show`
//! answered from the local store, never the network; standard error says so, with when the
//! store last synced. A search runs through the local evaluator (`api::query::eval`), the
//! list's filters and orders as the server applies them (its dates by day). A ticket the
//! store holds only as a search result (or whose search result is newer than its full
//! answer) is known by its id, subject, dates and url alone: its other fields are printed
//! as unknown and a filter or query on them cannot answer for it, so it is left out and
//! counted on standard error, never guessed.

use std::cmp::Ordering;

use super::args::{ListArgs, ListSort, OrderArg, SearchArgs, SearchSortArg, ShowArgs};
use super::tally::Tally;
use super::{io_error, read_ids, writer};
use crate::api::model::{ApiDate, Page, Ticket};
use crate::api::query::{Known, Match};
use crate::api::{SearchQuery, SearchSort, SortOrder};
use crate::config::ResolveOptions;
use crate::script::{Exit, ScriptError, Settings};
use crate::store::{Store, Stored};
use crate::words::{self, Msg, fill};

/// A stored ticket and how much of it is known.
struct Local {
    ticket: Ticket,
    known: Known,
}

/// A stored ticket as far as it is known ([`Stored::known`]).
fn local(stored: Stored) -> Local {
    let (ticket, known) = stored.known();
    Local { ticket, known }
}

/// Every stored ticket, saying on standard error that the store answers and how old it is.
fn load(settings: &Settings) -> Result<Vec<Local>, ScriptError> {
    let lang = settings.lang;
    if !settings.resolved.cache {
        return Err(ScriptError::Usage(Msg::CacheOff.text(lang).to_string()));
    }
    let path = crate::script::cache::store_path(settings)?;
    if !path.exists() {
        return Err(ScriptError::Io(fill(
            lang,
            Msg::OfflineNoStore,
            &[&path.display().to_string()],
        )));
    }
    let failed =
        |error: crate::store::StoreError| ScriptError::Io(crate::words::store_error(lang, &error));
    let (store, aside) = Store::open(&path).map_err(failed)?;
    if let Some(aside) = aside {
        eprintln!("gongdan: {}", crate::words::set_aside(lang, &aside));
    }
    let last = crate::words::last_sync(
        lang,
        store.last_sync().map_err(failed)?,
        &settings.resolved.timezone,
    );
    eprintln!("gongdan: {}", fill(lang, Msg::OfflineReading, &[&last]));
    Ok(store
        .all_stored()
        .map_err(failed)?
        .into_iter()
        .map(local)
        .collect())
}

/// Says how many stored tickets the store could not answer for.
fn say_unknown(settings: &Settings, unknown: usize) {
    if unknown > 0 {
        eprintln!(
            "gongdan: {}",
            fill(settings.lang, Msg::OfflineUnknown, &[&unknown.to_string()])
        );
    }
}

/// `a` before `b` by an optional key: unknown last whatever the order, ties by id.
fn by_key<K: Ord>(a: Option<K>, b: Option<K>, descending: bool) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) if descending => b.cmp(&a),
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Prints one page (or, with `--all`, every ticket) of `tickets` as a server's answer would
/// come, so that the tally says the same of it.
fn print(
    settings: &Settings,
    tickets: Vec<Ticket>,
    paging: &super::args::PagingArgs,
    output: &super::args::OutputArgs,
) -> Result<Exit, ScriptError> {
    let mut out = writer(settings, output);
    let mut tally = Tally::default();
    let count = tickets.len();
    let per_page = paging
        .per_page
        .unwrap_or(settings.resolved.connection.per_page)
        .max(1) as usize;
    let page = paging.page.unwrap_or(1).max(1) as usize;
    let (items, more) = if paging.all {
        (tickets, false)
    } else {
        let start = (page - 1).saturating_mul(per_page);
        let items: Vec<Ticket> = tickets.into_iter().skip(start).take(per_page).collect();
        (items, start.saturating_add(per_page) < count)
    };
    tally.page(
        Page {
            items,
            count: Some(count as u64),
            next_page: more.then(|| format!("page {}", page + 1)),
            ..Page::default()
        },
        &mut out,
    )?;
    out.finish().map_err(io_error)?;
    Ok(tally.finish(paging.all, paging.page))
}

pub(super) fn list(
    args: ListArgs,
    options: &ResolveOptions,
    range: [Option<ApiDate>; 4],
) -> Result<Exit, ScriptError> {
    if args.company.is_some() {
        return Err(ScriptError::Usage(
            "--company cannot be read offline: stored tickets do not carry their company".into(),
        ));
    }
    let settings = Settings::load(options)?;
    let [created_from, created_to, updated_from, updated_to] = range;
    // The server compares these dates by day.
    let within = |date: Option<ApiDate>, from: Option<ApiDate>, to: Option<ApiDate>| {
        if from.is_none() && to.is_none() {
            return Some(true);
        }
        let day = date?.date();
        Some(from.is_none_or(|f| day >= f.date()) && to.is_none_or(|t| day <= t.date()))
    };
    let mut unknown = 0;
    let mut tickets = Vec::new();
    for local in load(&settings)? {
        let ticket = local.ticket;
        let contact = match args.contact {
            None => Some(true),
            Some(_) if local.known == Known::SearchHit => None,
            Some(contact) => Some(ticket.contact_id == Some(contact)),
        };
        let answers = [
            within(ticket.created, created_from, created_to),
            within(ticket.updated, updated_from, updated_to),
            contact,
        ];
        if answers.contains(&Some(false)) {
            continue;
        }
        if answers.contains(&None) {
            unknown += 1;
            continue;
        }
        tickets.push(ticket);
    }
    if let Some(sort) = args.sort {
        let descending = matches!(args.order, OrderArg::Desc);
        tickets.sort_by(|a, b| {
            let ordering = match sort {
                ListSort::Created => by_key(a.created, b.created, descending),
                ListSort::Updated => by_key(a.updated, b.updated, descending),
                ListSort::Status => by_key(
                    a.status.map(|s| s.code()),
                    b.status.map(|s| s.code()),
                    descending,
                ),
            };
            ordering.then(a.id.cmp(&b.id))
        });
    }
    say_unknown(&settings, unknown);
    print(&settings, tickets, &args.paging, &args.output)
}

pub(super) fn search(
    args: SearchArgs,
    options: &ResolveOptions,
    query: SearchQuery,
) -> Result<Exit, ScriptError> {
    let settings = Settings::load(options)?;
    let mut unknown = 0;
    let mut tickets = Vec::new();
    for local in load(&settings)? {
        match query.matches(&local.ticket, local.known, &()) {
            Match::Yes => tickets.push(local.ticket),
            Match::No => {}
            Match::Unknown => unknown += 1,
        }
    }
    // As the server: by creation time unless told, newest first unless told.
    let descending = query.sort_order != Some(SortOrder::Asc);
    let by_updated = matches!(args.sort, Some(SearchSortArg::Updated))
        || query.sort_by == Some(SearchSort::Updated);
    tickets.sort_by(|a, b| {
        let (x, y) = if by_updated {
            (a.updated, b.updated)
        } else {
            (a.created, b.created)
        };
        let ordering = by_key(x, y, descending);
        let ties = if descending {
            b.id.cmp(&a.id)
        } else {
            a.id.cmp(&b.id)
        };
        ordering.then(ties)
    });
    say_unknown(&settings, unknown);
    print(&settings, tickets, &args.paging, &args.output)
}

pub(super) fn show(args: ShowArgs, options: &ResolveOptions) -> Result<Exit, ScriptError> {
    let ids = read_ids(&args.tickets, options.locale)?;
    if ids.is_empty() {
        return Err(ScriptError::Usage(words::script::no_ids(options.locale)));
    }
    let settings = Settings::load(options)?;
    let mut stored: std::collections::HashMap<u64, Ticket> = load(&settings)?
        .into_iter()
        .filter(|local| ids.contains(&local.ticket.id))
        .map(|local| (local.ticket.id, local.ticket))
        .collect();
    let mut out = writer(&settings, &args.output);
    let mut missing = Vec::new();
    for id in &ids {
        match stored.remove(id) {
            Some(ticket) => out.write(ticket).map_err(io_error)?,
            None => missing.push(*id),
        }
    }
    out.finish().map_err(io_error)?;
    if missing.is_empty() {
        Ok(Exit::Done)
    } else {
        Err(ScriptError::NotFound(words::script::not_in_store(
            settings.lang,
            &missing,
        )))
    }
}
