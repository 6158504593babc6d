//! Page streams for list and search: follow `next_page` only on the configured origin,
//! otherwise build page + 1; stop on the last page. Once the first page gives the count,
//! the pages it implies are asked for several at a time (the client's concurrency), their
//! URLs built from page numbers, and delivered in order.

use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use url::Url;

use super::Client;
use crate::api::error::ApiError;
use crate::api::model::{Page, Ticket};

/// A server repeating pages forever must not keep the stream alive forever.
const MAX_PAGES: u32 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageKind {
    List,
    Search,
}

struct Walk {
    client: Client,
    kind: PageKind,
    next: Option<Result<Url, ApiError>>,
    /// Tickets seen so far (decoded or not), to stop once the server's count is reached.
    seen: u64,
    pages: u32,
}

/// Every page from `first` on, in order. When `first` is page 1 and its answer gives the
/// count, the other pages are fetched `concurrency` at a time; otherwise one after another.
pub(crate) fn pages(
    client: Client,
    kind: PageKind,
    first: Result<Url, ApiError>,
    concurrency: usize,
) -> impl Stream<Item = Result<Page<Ticket>, ApiError>> + Send + 'static {
    let start = async move {
        let url = match first {
            Ok(url) => url,
            Err(error) => return futures::stream::iter([Err(error)]).boxed(),
        };
        if concurrency <= 1 || page_number(&url) != 1 {
            return walk(client, kind, Ok(url), 0, 0).boxed();
        }
        let page = match client.fetch_page(kind, url.clone()).await {
            Ok(page) => page,
            Err(error) => return futures::stream::iter([Err(error)]).boxed(),
        };
        let got = (page.items.len() + page.bad_items.len()) as u64;
        let next = next_url(&client, &url, &page, got);
        let last = match (page.count, &next) {
            // A full first page and a count: the pages it implies (`got` is the server's
            // page size, whatever was asked).
            (Some(count), Some(_)) if got > 0 && count > got => {
                u32::try_from(count.div_ceil(got)).map_or(MAX_PAGES, |n| n.min(MAX_PAGES))
            }
            _ => 0,
        };
        let first_page = futures::stream::iter([Ok(page)]);
        if last < 2 {
            let rest = match next {
                Some(next) => walk(client, kind, Ok(next), got, 1).boxed(),
                None => futures::stream::empty().boxed(),
            };
            return first_page.chain(rest).boxed();
        }
        let fetcher = client.clone();
        let fetched = futures::stream::iter(2..=last)
            .map(move |n| {
                let client = fetcher.clone();
                let url = with_page(&url, n);
                async move {
                    let page = client.fetch_page(kind, url.clone()).await;
                    (url, page)
                }
            })
            .buffered(concurrency)
            .boxed();
        let parallel = Parallel {
            client,
            kind,
            phase: Phase::Planned(fetched),
            seen: got,
            pages: 1,
            next: None,
        };
        first_page.chain(parallel_pages(parallel)).boxed()
    };
    futures::stream::once(start).flatten()
}

/// The pages after the first when their number is known.
struct Parallel {
    client: Client,
    kind: PageKind,
    phase: Phase,
    seen: u64,
    pages: u32,
    /// Where the page after the last one delivered is, as that page said.
    next: Option<Url>,
}

enum Phase {
    /// The pages the first page's count implies, fetched several at a time, in order.
    Planned(BoxStream<'static, (Url, Result<Page<Ticket>, ApiError>)>),
    /// The count grew meanwhile: on one at a time, as the walk does.
    Tail(BoxStream<'static, Result<Page<Ticket>, ApiError>>),
    Done,
}

fn parallel_pages(
    parallel: Parallel,
) -> impl Stream<Item = Result<Page<Ticket>, ApiError>> + Send + 'static {
    futures::stream::unfold(parallel, |mut par| async move {
        loop {
            match std::mem::replace(&mut par.phase, Phase::Done) {
                Phase::Done => return None,
                Phase::Tail(mut tail) => {
                    let item = tail.next().await?;
                    par.phase = Phase::Tail(tail);
                    return Some((item, par));
                }
                Phase::Planned(mut planned) => match planned.next().await {
                    // An error ends the stream, as in the walk; pages in flight are dropped.
                    Some((_, Err(error))) => return Some((Err(error), par)),
                    Some((url, Ok(page))) => {
                        par.pages += 1;
                        par.seen += (page.items.len() + page.bad_items.len()) as u64;
                        par.next = if par.pages < MAX_PAGES {
                            next_url(&par.client, &url, &page, par.seen)
                        } else {
                            None
                        };
                        // The last page (empty, or the count reached): what is still in
                        // flight is dropped.
                        if par.next.is_some() {
                            par.phase = Phase::Planned(planned);
                        }
                        return Some((Ok(page), par));
                    }
                    None => {
                        let next = par.next.take()?;
                        let tail =
                            walk(par.client.clone(), par.kind, Ok(next), par.seen, par.pages);
                        par.phase = Phase::Tail(tail.boxed());
                    }
                },
            }
        }
    })
}

/// One page after another from `first`, `seen` tickets and `pages` pages already delivered.
fn walk(
    client: Client,
    kind: PageKind,
    first: Result<Url, ApiError>,
    seen: u64,
    pages: u32,
) -> impl Stream<Item = Result<Page<Ticket>, ApiError>> + Send + 'static {
    let walk = Walk {
        client,
        kind,
        next: Some(first),
        seen,
        pages,
    };
    futures::stream::unfold(walk, |mut walk| async move {
        let url = match walk.next.take()? {
            Ok(url) => url,
            Err(error) => return Some((Err(error), walk)),
        };
        match walk.client.fetch_page(walk.kind, url.clone()).await {
            Err(error) => Some((Err(error), walk)),
            Ok(page) => {
                walk.pages += 1;
                walk.seen += (page.items.len() + page.bad_items.len()) as u64;
                if walk.pages < MAX_PAGES {
                    walk.next = next_url(&walk.client, &url, &page, walk.seen).map(Ok);
                }
                Some((Ok(page), walk))
            }
        }
    })
}

/// Where the page after `page` (fetched from `current`) is, or `None` on the last page.
pub(crate) fn next_url(
    client: &Client,
    current: &Url,
    page: &Page<Ticket>,
    seen: u64,
) -> Option<Url> {
    if page.items.is_empty() && page.bad_items.is_empty() {
        return None;
    }
    if page.count.is_some_and(|count| seen >= count) {
        return None;
    }
    match &page.next_page {
        // No next page, and no count saying there is more: the last page.
        None if page.count.is_none() => None,
        // The server's link on our own origin is followed as given.
        Some(link) => match current.join(link.trim()) {
            Ok(link) if client.same_origin(&link) && &link != current => Some(link),
            _ => Some(page_after(current)),
        },
        // A count says there is more though no link was given: ask; an empty page ends it.
        None => Some(page_after(current)),
    }
}

/// The `page` of a URL (1 when it has none).
fn page_number(url: &Url) -> u32 {
    url.query_pairs()
        .find(|(key, _)| key == "page")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(1)
}

/// `current` with `page` set to the next number (page 1 when it had none).
pub(crate) fn page_after(current: &Url) -> Url {
    with_page(current, page_number(current).saturating_add(1))
}

/// `current` (a URL on the configured origin) with `page` set to `page`.
fn with_page(current: &Url, page: u32) -> Url {
    let others: Vec<(String, String)> = current
        .query_pairs()
        .filter(|(key, _)| key != "page")
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    let mut next = current.clone();
    {
        let mut pairs = next.query_pairs_mut();
        pairs.clear();
        for (key, value) in &others {
            pairs.append_pair(key, value);
        }
        pairs.append_pair("page", &page.to_string());
    }
    next
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn page_after_replaces_or_adds_the_page() {
        let url = Url::parse("http://127.0.0.1:1/api/v1/tickets.json?per_page=40&page=2").unwrap();
        assert_eq!(
            page_after(&url).as_str(),
            "http://127.0.0.1:1/api/v1/tickets.json?per_page=40&page=3"
        );
        let url = Url::parse("http://127.0.0.1:1/api/v1/tickets/search.json?query=a+b").unwrap();
        assert_eq!(
            page_after(&url).as_str(),
            "http://127.0.0.1:1/api/v1/tickets/search.json?query=a+b&page=2"
        );
    }
}
