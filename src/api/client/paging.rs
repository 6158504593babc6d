//! Page streams for list and search: follow `next_page` only on the configured origin,
//! otherwise build page + 1; stop on the last page.

use futures::Stream;
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

pub(crate) fn pages(
    client: Client,
    kind: PageKind,
    first: Result<Url, ApiError>,
) -> impl Stream<Item = Result<Page<Ticket>, ApiError>> + Send + 'static {
    let walk = Walk {
        client,
        kind,
        next: Some(first),
        seen: 0,
        pages: 0,
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

/// `current` with `page` set to the next number (page 1 when it had none).
pub(crate) fn page_after(current: &Url) -> Url {
    let page: u32 = current
        .query_pairs()
        .find(|(key, _)| key == "page")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(1);
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
        pairs.append_pair("page", &page.saturating_add(1).to_string());
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
