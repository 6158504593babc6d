//! `tickets list` and `tickets search`: one page or, with `--all`, every page, each ticket
//! printed or counted as unreadable (`tally`), so a script never takes a part for the whole.

use chrono::{NaiveDate, NaiveDateTime};
use futures::StreamExt;

use super::args::{ListArgs, ListSort, SearchArgs, SearchSortArg};
use super::tally::Tally;
use super::{io_error, writer};
use crate::api::model::DATE_FORMAT;
use crate::api::{ListOrder, ListQuery, ListScope, SearchQuery, SearchSort};
use crate::config::ResolveOptions;
use crate::script::{Exit, ScriptError, Settings};

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

pub(super) async fn list(args: ListArgs, options: &ResolveOptions) -> Result<Exit, ScriptError> {
    let range = [
        optional_time(&args.created_from, false, "--created-from")?,
        optional_time(&args.created_to, true, "--created-to")?,
        optional_time(&args.updated_from, false, "--updated-from")?,
        optional_time(&args.updated_to, true, "--updated-to")?,
    ];
    if args.offline {
        return super::offline::list(args, options, range);
    }
    let [created_from, created_to, updated_from, updated_to] = range;
    let mut query = ListQuery::new()
        .created(created_from, created_to)
        .updated(updated_from, updated_to);
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

pub(super) async fn search(
    args: SearchArgs,
    options: &ResolveOptions,
) -> Result<Exit, ScriptError> {
    let text = args.query.join(" ");
    let mut query = SearchQuery::parse(&text).map_err(|e| ScriptError::Usage(e.to_string()))?;
    query.sort_by = args.sort.map(|sort| match sort {
        SearchSortArg::Created => SearchSort::Created,
        SearchSortArg::Updated => SearchSort::Updated,
    });
    query.sort_order = args.order.map(Into::into);
    query.page = args.paging.page;
    query.per_page = args.paging.per_page;
    if args.offline {
        return super::offline::search(args, options, query);
    }
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn dates_take_a_day_or_a_time() {
        let start = parse_time("2026-11-01", false, "--x").unwrap();
        assert_eq!(start.format(DATE_FORMAT).to_string(), "2026-11-01 00:00:00");
        let end = parse_time("2026-11-01", true, "--x").unwrap();
        assert_eq!(end.format(DATE_FORMAT).to_string(), "2026-11-01 23:59:59");
        assert!(parse_time("01/11/2026", false, "--x").is_err());
    }
}
