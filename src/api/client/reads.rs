//! The reads: one page or every page of a list or a search, show and show many (with the
//! legacy show as fallback), and the lookups (fields, agents, groups, contacts, companies,
//! templates).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;

use futures::{Stream, StreamExt, TryStreamExt};
use url::Url;

use super::paging::{self, PageKind};
use super::{BATCH_SIZE, Client, ListScope, ShowMany, distinct, in_200, join_ids, name_not_found};
use crate::api::decode;
use crate::api::error::ApiError;
use crate::api::model::{Agent, Company, Contact, FieldDef, Group, Page, Template, Ticket};
use crate::api::query::{ListQuery, SearchQuery};

impl Client {
    /// One page of list (admin), a company's or a contact's tickets.
    pub async fn list(
        &self,
        scope: &ListScope,
        query: &ListQuery,
    ) -> Result<Page<Ticket>, ApiError> {
        let url = self.list_url(scope, query)?;
        self.fetch_page(PageKind::List, url).await
    }

    /// Every page, in order, following `next_page` only on the configured origin; once page
    /// 1 gives the count, the pages it implies are fetched `concurrency` at a time.
    pub fn list_pages(
        &self,
        scope: ListScope,
        query: ListQuery,
    ) -> impl Stream<Item = Result<Page<Ticket>, ApiError>> + Send + 'static {
        let first = self.list_url(&scope, &query);
        paging::pages(self.clone(), PageKind::List, first, self.inner.concurrency)
    }

    /// One page of search (any agent). Results hold only id, subject, dates and url.
    pub async fn search(&self, query: &SearchQuery) -> Result<Page<Ticket>, ApiError> {
        let url = self.search_url(query)?;
        self.fetch_page(PageKind::Search, url).await
    }

    /// Every page of a search, as [`Client::list_pages`].
    pub fn search_pages(
        &self,
        query: SearchQuery,
    ) -> impl Stream<Item = Result<Page<Ticket>, ApiError>> + Send + 'static {
        let first = self.search_url(&query);
        paging::pages(
            self.clone(),
            PageKind::Search,
            first,
            self.inner.concurrency,
        )
    }

    /// Show one ticket (admin): the v2 call, falling back to the legacy one when the server
    /// does not know v2 (404, an error body, or a shape that does not decode).
    pub async fn show(&self, id: u64) -> Result<Ticket, ApiError> {
        let not_found = || ApiError::NotFound(Some(format!("ticket {id}")));
        // A ticket that v2 sent but that did not decode exists: if the legacy call cannot
        // read it either, that reason is the answer, not "not found".
        let mut unreadable = None;
        if !self.inner.legacy_show.load(Ordering::Relaxed) {
            let v2 = self.endpoint(&format!("/api/v1/tickets/{id}_v2.json"), &[])?;
            match self
                .get(v2)
                .await
                .and_then(|answer| in_200(decode::show(&answer.body)))
            {
                Ok(Some(ticket)) => return Ok(ticket),
                Ok(None) => return Err(not_found()),
                Err(error @ ApiError::Decode { .. }) => unreadable = Some(error),
                Err(ApiError::NotFound(_) | ApiError::Reported { .. }) => {}
                Err(other) => return Err(other),
            }
        }
        let legacy = self.endpoint(&format!("/api/v1/tickets/{id}.json"), &[])?;
        match self.get(legacy).await {
            Ok(answer) => match in_200(decode::show(&answer.body)) {
                Ok(Some(ticket)) => {
                    self.inner.legacy_show.store(true, Ordering::Relaxed);
                    Ok(ticket)
                }
                Ok(None) => Err(unreadable.unwrap_or_else(not_found)),
                Err(error) => Err(unreadable.unwrap_or(error)),
            },
            Err(ApiError::NotFound(_)) => Err(unreadable.unwrap_or_else(not_found)),
            Err(other) => Err(other),
        }
    }

    /// Show any number of tickets (admin), 100 ids a call, bounded concurrency. Repeated ids
    /// are asked for once. Any call failing fails the whole.
    pub async fn show_many(&self, ids: &[u64]) -> Result<ShowMany, ApiError> {
        let ids = distinct(ids);
        // Owned chunks: a closure over borrowed ones makes the future not provably Send
        // (rustc's higher-ranked closure limitation), and the bulk engine spawns it.
        let chunks: Vec<Vec<u64>> = ids.chunks(BATCH_SIZE).map(<[u64]>::to_vec).collect();
        let pages: Vec<Page<Ticket>> = futures::stream::iter(chunks)
            .map(|chunk| async move {
                let url = self.endpoint(
                    "/api/v1/tickets/show_many.json",
                    &[("ids", join_ids(&chunk))],
                )?;
                let answer = self.get(url).await?;
                in_200(decode::show_many(&answer.body))
            })
            .buffered(self.inner.concurrency)
            .try_collect()
            .await?;
        let mut found: HashMap<u64, Ticket> = HashMap::new();
        let mut bad_items = Vec::new();
        for page in pages {
            for ticket in page.items {
                found.entry(ticket.id).or_insert(ticket);
            }
            bad_items.extend(page.bad_items);
        }
        let unreadable: HashSet<u64> = bad_items.iter().filter_map(|bad| bad.ticket_id).collect();
        let mut answer = ShowMany {
            bad_items,
            ..ShowMany::default()
        };
        for id in ids {
            match found.remove(&id) {
                Some(ticket) => answer.tickets.push(ticket),
                // An id the server sent but that did not decode is reported in bad_items.
                None if unreadable.contains(&id) => {}
                None => answer.missing.push(id),
            }
        }
        Ok(answer)
    }

    pub async fn ticket_fields(&self) -> Result<Vec<FieldDef>, ApiError> {
        let answer = self.get_path("/api/v1/tickets/ticket_fields.json").await?;
        in_200(decode::field_defs(&answer.body))
    }

    pub async fn agents(&self) -> Result<Vec<Agent>, ApiError> {
        let answer = self.get_path("/api/v1/supports.json").await?;
        in_200(decode::agents(&answer.body))
    }

    pub async fn agent(&self, id: u64) -> Result<Agent, ApiError> {
        let answer = self
            .get_path(&format!("/api/v1/supports/{id}.json"))
            .await
            .map_err(|error| name_not_found(error, || format!("agent {id}")))?;
        in_200(decode::agent(&answer.body))
    }

    pub async fn group(&self, id: u64) -> Result<Group, ApiError> {
        let answer = self
            .get_path(&format!("/api/v1/supportgroups/{id}.json"))
            .await
            .map_err(|error| name_not_found(error, || format!("group {id}")))?;
        in_200(decode::group(&answer.body))
    }

    pub async fn contact(&self, id: u64) -> Result<Contact, ApiError> {
        let answer = self
            .get_path(&format!("/api/v1/users/{id}.json"))
            .await
            .map_err(|error| name_not_found(error, || format!("contact {id}")))?;
        in_200(decode::contact(&answer.body))
    }

    pub async fn company(&self, id: u64) -> Result<Company, ApiError> {
        let answer = self
            .get_path(&format!("/api/v1/companies/{id}.json"))
            .await
            .map_err(|error| name_not_found(error, || format!("company {id}")))?;
        in_200(decode::company(&answer.body))
    }

    pub async fn templates(&self) -> Result<Vec<Template>, ApiError> {
        let answer = self.get_path("/api/v1/tickettemplates.json").await?;
        in_200(decode::templates(&answer.body))
    }

    /// A page size never above the configured one.
    fn page_size(&self, asked: Option<u32>) -> u32 {
        asked
            .unwrap_or(self.inner.per_page)
            .clamp(1, self.inner.per_page)
    }

    /// The query's own parameters, with `page` always sent (so page + 1 can be built from
    /// it) and `per_page` never above the configured size.
    fn with_paging(
        &self,
        params: Vec<(&'static str, String)>,
        page: Option<u32>,
        per_page: Option<u32>,
    ) -> Vec<(&'static str, String)> {
        let mut params: Vec<_> = params
            .into_iter()
            .filter(|(name, _)| *name != "page" && *name != "per_page")
            .collect();
        params.push(("page", page.unwrap_or(1).max(1).to_string()));
        params.push(("per_page", self.page_size(per_page).to_string()));
        params
    }

    fn list_url(&self, scope: &ListScope, query: &ListQuery) -> Result<Url, ApiError> {
        let path = match scope {
            ListScope::All => "/api/v1/tickets.json".to_owned(),
            ListScope::Company(id) => format!("/api/v1/companies/{id}/tickets.json"),
            ListScope::Contact(id) => format!("/api/v1/users/{id}/tickets.json"),
        };
        let params = self.with_paging(query.params(), query.page, query.per_page);
        self.endpoint(&path, &params)
    }

    fn search_url(&self, query: &SearchQuery) -> Result<Url, ApiError> {
        let params = self.with_paging(query.params()?, query.page, query.per_page);
        self.endpoint("/api/v1/tickets/search.json", &params)
    }

    pub(crate) async fn fetch_page(
        &self,
        kind: PageKind,
        url: Url,
    ) -> Result<Page<Ticket>, ApiError> {
        let answer = self.get(url).await?;
        let page = match kind {
            PageKind::List => in_200(decode::ticket_page(&answer.body)),
            PageKind::Search => in_200(decode::search_page(&answer.body)),
        }?;
        for bad in &page.bad_items {
            tracing::warn!(
                ticket = ?bad.ticket_id,
                path = %bad.path,
                message = %bad.message,
                "a ticket of the page could not be read"
            );
        }
        Ok(page)
    }
}
