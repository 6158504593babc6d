//! The HTTP client of the 帮我吧 API: one method per call, retries, paging, auth.
//!
//! It holds no UI types. Every method is cancel-safe (dropping the future abandons the call).
//!
//! - `http.rs`: one request on the wire: origin check, timeout, retries with backoff and
//!   jitter (honouring `Retry-After`), status to [`ApiError`] mapping, body size limit.
//! - `auth.rs`: Basic, or a Bearer token from `/api/token.php` cached until shortly before
//!   it expires and replaced once when the server refuses it.
//! - `paging.rs`: page streams that follow `next_page` only on the configured origin.
//!
//! Credentials go only to the configured scheme, host and port: redirects elsewhere are not
//! followed, a foreign `next_page` is replaced by a page + 1 URL, and plain `http://` is
//! refused off loopback unless allowed. TLS verification is never turned off.

mod auth;
mod http;
mod paging;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::{Stream, StreamExt, TryStreamExt};
use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue, LOCATION};
use serde_json::{Value, json};
use url::Url;

use self::auth::Credentials;
use self::http::{Answer, Body, Replay, Request, Transport};
use self::paging::PageKind;
use super::error::ApiError;
use super::model::{
    Agent, Attachment, Company, Contact, Created, FieldDef, Group, NewTicket, Page, Template,
    Ticket, TicketChange, UpdateResult,
};
use super::query::{ListQuery, SearchQuery};
use super::{decode, encode};

/// The vendor's limit of ids per show-many and tickets per update-many call.
pub const BATCH_SIZE: usize = 100;

/// How the client signs in.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// HTTP Basic `account:password` on every call.
    Basic { account: String, password: String },
    /// A Bearer token from `POST /api/token.php` (Basic `SecretID:Secret`), fetched on first
    /// use and refreshed before it expires.
    Token { secret_id: String, secret: String },
}

impl std::fmt::Debug for Auth {
    // Never print a secret, not even in a panic or a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Basic { account, .. } => write!(f, "Basic({account}, ***)"),
            Auth::Token { secret_id, .. } => write!(f, "Token({secret_id}, ***)"),
        }
    }
}

/// Everything the client needs to know.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `https://www.bangwo8.com` or a self-hosted origin; a path prefix is allowed.
    pub base_url: String,
    pub auth: Auth,
    /// Plain `http://` to a host other than loopback is refused unless this is set.
    pub allow_insecure_http: bool,
    /// A PEM file of extra CA certificates for self-hosted servers.
    pub ca_file: Option<std::path::PathBuf>,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Page size for list and search (the vendor recommends at most 100).
    pub per_page: u32,
    /// Calls in flight at once for show many / update many, and for the pages after the first
    /// once its count is known (`--all`, mark all matching, `G`).
    pub concurrency: usize,
    /// Retry policy for reads (and updates, which are idempotent).
    pub retry: RetryPolicy,
}

impl ClientConfig {
    pub fn new(base_url: impl Into<String>, auth: Auth) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            auth,
            allow_insecure_http: false,
            ca_file: None,
            timeout: Duration::from_secs(20),
            per_page: 100,
            concurrency: 4,
            retry: RetryPolicy::default(),
        }
    }
}

/// Retries on 429, 5xx and dropped connections: exponential backoff with jitter, honouring
/// `Retry-After`, bounded in count and in total time.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// No retry is started once this much time has passed since the first attempt.
    pub max_total: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            first_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_total: Duration::from_secs(30),
        }
    }
}

/// Notified before each retry, so the console can say "retrying in 4 s".
pub type RetryObserver = std::sync::Arc<dyn Fn(&ApiError, Duration) + Send + Sync>;

/// The answer of show many: tickets in the order of the ids asked for; ids the server did not
/// return are listed as missing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShowMany {
    pub tickets: Vec<Ticket>,
    pub missing: Vec<u64>,
    pub bad_items: Vec<super::model::ItemError>,
}

/// Which list a page stream walks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListScope {
    All,
    Company(u64),
    Contact(u64),
}

/// The 帮我吧 API client. Cheap to clone; clones share the connection pool and the token.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    observer: Option<RetryObserver>,
}

struct Inner {
    transport: Transport,
    credentials: Credentials,
    per_page: u32,
    concurrency: usize,
    /// Set once the v2 show call turned out unknown to this server while the legacy one
    /// answered, so that later shows go straight to the legacy call.
    legacy_show: AtomicBool,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.transport.base().as_str())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Checks the configuration (plain http only to loopback unless allowed, a readable CA
    /// file) and sets up the connection pool. Sends nothing.
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        let transport = Transport::new(&config)?;
        let credentials = Credentials::new(&config.auth)?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                credentials,
                per_page: config.per_page.max(1),
                concurrency: config.concurrency.max(1),
                legacy_show: AtomicBool::new(false),
            }),
            observer: None,
        })
    }

    /// Sets a callback told about every retry.
    pub fn with_retry_observer(mut self, observer: RetryObserver) -> Self {
        self.observer = Some(observer);
        self
    }

    /// The configured base URL, as parsed.
    pub fn base_url(&self) -> &Url {
        self.inner.transport.base()
    }

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

    /// Create a ticket (admin), with a fresh `Requestid` so a retry cannot make two.
    pub async fn create(&self, ticket: &NewTicket) -> Result<Created, ApiError> {
        let url = self.endpoint("/api/v1/tickets.json", &[])?;
        // One id for every attempt of this create: the server drops the repeats.
        let request = Request {
            method: Method::POST,
            url,
            body: Body::Json(json!({ "ticket": encode::new_ticket(ticket) })),
            headers: vec![request_id_header(&new_request_id())?],
            replay: Replay::Safe,
        };
        let answer = self.send(request).await?;
        let location = answer
            .headers
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(crate::text::clean);
        match in_200(decode::ticket_envelope(&answer.body)) {
            Ok(created) => Ok(Created {
                ticket: created,
                location,
            }),
            // A bare acknowledgement still names the new ticket in its Location.
            Err(error @ ApiError::Decode { .. }) => {
                match location.as_deref().and_then(ticket_id_of_location) {
                    Some(id) => Ok(Created {
                        ticket: Ticket {
                            id,
                            subject: crate::text::clean(&ticket.subject),
                            ..Ticket::default()
                        },
                        location,
                    }),
                    None => Err(error),
                }
            }
            Err(error) => Err(error),
        }
    }

    /// Update one ticket (any agent); a reply in the change is added as a reply. Carries a
    /// fresh `Requestid`, the same on each of the client's own retries.
    pub async fn update(&self, id: u64, change: &TicketChange) -> Result<Ticket, ApiError> {
        self.update_with_id(id, change, &new_request_id()).await
    }

    /// [`Client::update`] under a `Requestid` the caller keeps (to send it again unchanged
    /// when the outcome of this write is unknown).
    pub async fn update_with_id(
        &self,
        id: u64,
        change: &TicketChange,
        request_id: &str,
    ) -> Result<Ticket, ApiError> {
        let url = self.endpoint(&format!("/api/v1/tickets/{id}.json"), &[])?;
        let answer = self
            .send(Request {
                method: Method::PUT,
                url,
                body: Body::Json(json!({ "ticket": encode::change(change) })),
                headers: vec![request_id_header(request_id)?],
                replay: Replay::Safe,
            })
            .await
            .map_err(|error| name_not_found(error, || format!("ticket {id}")))?;
        match in_200(decode::ticket_envelope(&answer.body)) {
            Ok(ticket) => Ok(ticket),
            // `{"status": "0", "message": "Insert ok"}`: done, but no ticket to show.
            Err(ApiError::Decode { .. }) if is_write_ack(&answer.body) => Ok(Ticket {
                id,
                ..Ticket::default()
            }),
            Err(error) => Err(error),
        }
    }

    /// The same change to many tickets, 100 a call; per-ticket results in the ids' order.
    /// When some calls fail and others succeed, the tickets of a failed call carry its error;
    /// when every call fails, the first error is returned.
    pub async fn update_many(
        &self,
        ids: &[u64],
        change: &TicketChange,
    ) -> Result<Vec<UpdateResult>, ApiError> {
        self.update_many_with_id(ids, change, &new_request_id())
            .await
    }

    /// [`Client::update_many`] under a `Requestid` the caller keeps; with more than 100 ids
    /// each call of 100 carries it with the call's number appended.
    pub async fn update_many_with_id(
        &self,
        ids: &[u64],
        change: &TicketChange,
        request_id: &str,
    ) -> Result<Vec<UpdateResult>, ApiError> {
        let body = json!({ "ticket": encode::change(change) });
        let batches = ids
            .chunks(BATCH_SIZE)
            .map(|batch| Batch {
                ids: batch.to_vec(),
                query: vec![("ids", join_ids(batch))],
                body: body.clone(),
            })
            .collect();
        self.update_batches(batches, request_id).await
    }

    /// A change of its own for each ticket, 100 a call; per-ticket results in order, with
    /// the same partial-failure rule as [`Client::update_many`].
    pub async fn update_each(
        &self,
        changes: &[(u64, TicketChange)],
    ) -> Result<Vec<UpdateResult>, ApiError> {
        self.update_each_with_id(changes, &new_request_id()).await
    }

    /// [`Client::update_each`] under a `Requestid` the caller keeps (see
    /// [`Client::update_many_with_id`]).
    pub async fn update_each_with_id(
        &self,
        changes: &[(u64, TicketChange)],
        request_id: &str,
    ) -> Result<Vec<UpdateResult>, ApiError> {
        let batches = changes
            .chunks(BATCH_SIZE)
            .map(|chunk| {
                let tickets: Vec<Value> = chunk
                    .iter()
                    .map(|(id, change)| encode::change_for(*id, change))
                    .collect();
                Batch {
                    ids: chunk.iter().map(|(id, _)| *id).collect(),
                    query: Vec::new(),
                    body: json!({ "tickets": tickets }),
                }
            })
            .collect();
        self.update_batches(batches, request_id).await
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

    /// Upload a file for a reply or an attachment field; answers the token to send.
    /// Retried only when the server certainly did not store it (429, 503, refused), since
    /// a repeated upload would store the file twice.
    pub async fn upload(
        &self,
        file_name: &str,
        bytes: Vec<u8>,
        reply_id: Option<u64>,
    ) -> Result<Attachment, ApiError> {
        let mut query = vec![("filename", file_name.to_owned())];
        if let Some(reply_id) = reply_id {
            query.push(("ticketReplyId", reply_id.to_string()));
        }
        let url = self.endpoint("/api/v1/uploads.json", &query)?;
        let answer = self
            .send(Request {
                method: Method::POST,
                url,
                body: Body::Binary {
                    bytes,
                    content_type: "application/binary",
                },
                headers: Vec::new(),
                replay: Replay::OnlyIfUnprocessed,
            })
            .await?;
        in_200(decode::attachment(&answer.body))
    }

    // ----- plumbing -----

    fn endpoint(&self, path: &str, query: &[(&str, String)]) -> Result<Url, ApiError> {
        self.inner.transport.endpoint(path, query)
    }

    pub(crate) fn same_origin(&self, url: &Url) -> bool {
        self.inner.transport.same_origin(url)
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

    async fn get_path(&self, path: &str) -> Result<Answer, ApiError> {
        let url = self.endpoint(path, &[])?;
        self.get(url).await
    }

    async fn get(&self, url: Url) -> Result<Answer, ApiError> {
        self.send(Request::get(url)).await
    }

    /// Sends with the configured credentials and the retry policy.
    async fn send(&self, request: Request) -> Result<Answer, ApiError> {
        let request = &request;
        self.inner
            .transport
            .with_retries(request.replay, self.observer.as_ref(), || {
                self.attempt_signed_in(request)
            })
            .await
    }

    /// One attempt; with token auth, a refused token is replaced once and the call repeated.
    async fn attempt_signed_in(&self, request: &Request) -> Result<Answer, ApiError> {
        let credentials = &self.inner.credentials;
        let header = credentials
            .header(|secret| self.fetch_token(secret))
            .await?;
        match self.inner.transport.attempt(request, Some(&header)).await {
            Err(ApiError::BadCredentials) if credentials.is_token() => {
                credentials.invalidate(&header).await;
                let header = credentials
                    .header(|secret| self.fetch_token(secret))
                    .await?;
                self.inner.transport.attempt(request, Some(&header)).await
            }
            other => other,
        }
    }

    /// `POST /api/token.php` with Basic `SecretID:Secret`; one attempt (the caller's retry
    /// loop covers it).
    async fn fetch_token(&self, secret: HeaderValue) -> Result<(String, u64), ApiError> {
        let url = self.endpoint("/api/token.php", &[])?;
        let request = Request {
            method: Method::POST,
            url,
            body: Body::Form(vec![(
                "grant_type".to_owned(),
                "client_credentials".to_owned(),
            )]),
            headers: Vec::new(),
            replay: Replay::Safe,
        };
        let answer = self
            .inner
            .transport
            .attempt(&request, Some(&secret))
            .await?;
        in_200(decode::token(&answer.body))
    }

    /// Runs update-many batches with bounded concurrency and merges the per-ticket results
    /// in the order of `batches`.
    async fn update_batches(
        &self,
        batches: Vec<Batch>,
        request_id: &str,
    ) -> Result<Vec<UpdateResult>, ApiError> {
        if batches.is_empty() {
            return Ok(Vec::new());
        }
        let mut requests = Vec::with_capacity(batches.len());
        let several = batches.len() > 1;
        for (n, batch) in batches.iter().enumerate() {
            let url = self.endpoint("/api/v1/tickets/update_many.json", &batch.query)?;
            // Each call is a write of its own: its own id, derived so that it stays the
            // same when the whole set is sent again under the same id.
            let id = if several {
                format!("{request_id}-{}", n + 1)
            } else {
                request_id.to_owned()
            };
            requests.push(Request {
                method: Method::PUT,
                url,
                body: Body::Json(batch.body.clone()),
                headers: vec![request_id_header(&id)?],
                replay: Replay::Safe,
            });
        }
        let batch_ids: Vec<Vec<u64>> = batches.iter().map(|batch| batch.ids.clone()).collect();
        let answers: Vec<Result<Vec<UpdateResult>, ApiError>> =
            futures::stream::iter(requests.into_iter().zip(batch_ids))
                .map(|(request, ids)| async move {
                    let answer = self.send(request).await?;
                    let results = in_200(decode::update_results(&answer.body))?;
                    // `{"status": "0", "message": "Insert ok"}` accepts the whole call without
                    // per-ticket results: every ticket of the call succeeded.
                    if results.is_empty() && is_write_ack(&answer.body) {
                        return Ok(ids
                            .iter()
                            .map(|id| UpdateResult {
                                ticket_id: *id,
                                success: true,
                                error: String::new(),
                            })
                            .collect());
                    }
                    Ok(results)
                })
                .buffered(self.inner.concurrency)
                .collect()
                .await;
        if let Some(Err(first)) = answers.first()
            && answers.iter().all(Result::is_err)
        {
            return Err(first.clone());
        }
        let mut merged = Vec::with_capacity(batches.iter().map(|batch| batch.ids.len()).sum());
        for (batch, answer) in batches.iter().zip(answers) {
            match answer {
                Ok(results) => merged.extend(merge_results(&batch.ids, results)),
                Err(error) => merged.extend(batch.ids.iter().map(|id| UpdateResult {
                    ticket_id: *id,
                    success: false,
                    error: error.to_string(),
                })),
            }
        }
        Ok(merged)
    }
}

/// A fresh `Requestid`: the vendor's header that makes the server drop a repeat of the
/// same write (API-NOTES.md). One per distinct write, reused by its retries and resumes.
pub fn new_request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn request_id_header(request_id: &str) -> Result<(HeaderName, HeaderValue), ApiError> {
    let value = HeaderValue::from_str(request_id)
        .map_err(|_| ApiError::Config(format!("not a usable request id: {request_id:?}")))?;
    Ok((HeaderName::from_static("requestid"), value))
}

/// One update-many call: the tickets it covers, its query and its body.
struct Batch {
    ids: Vec<u64>,
    query: Vec<(&'static str, String)>,
    body: Value,
}

/// An error reported inside an HTTP 200 body with an HTTP-like code (`{"state": "403"}`)
/// becomes the error that status would have been, so that callers handle both alike.
fn in_200<T>(result: Result<T, ApiError>) -> Result<T, ApiError> {
    result
        .map_err(|error| {
            // An error inside an HTTP 200 (a reported one, or a body that does not decode):
            // the request's own log line says 200, so say the error here.
            tracing::warn!(%error, "the answer holds an error");
            error
        })
        .map_err(|error| match error {
            ApiError::Reported {
                code: Some(code),
                message,
            } => match code.trim() {
                "401" => ApiError::BadCredentials,
                "403" => ApiError::Forbidden(Some(message)),
                "404" => ApiError::NotFound(Some(message)),
                _ => ApiError::Reported {
                    code: Some(code),
                    message,
                },
            },
            other => other,
        })
}

/// One result per id asked for, in that order; an id the server did not report is a failure.
fn merge_results(ids: &[u64], results: Vec<UpdateResult>) -> Vec<UpdateResult> {
    let mut by_id: HashMap<u64, VecDeque<UpdateResult>> = HashMap::new();
    for result in results {
        by_id.entry(result.ticket_id).or_default().push_back(result);
    }
    ids.iter()
        .map(|id| {
            by_id
                .get_mut(id)
                .and_then(VecDeque::pop_front)
                .unwrap_or_else(|| UpdateResult {
                    ticket_id: *id,
                    success: false,
                    error: "the server did not report a result for this ticket".into(),
                })
        })
        .collect()
}

/// The ids in their first-seen order, each once.
fn distinct(ids: &[u64]) -> Vec<u64> {
    let mut seen = HashSet::new();
    ids.iter().copied().filter(|id| seen.insert(*id)).collect()
}

fn join_ids(ids: &[u64]) -> String {
    ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
}

fn name_not_found(error: ApiError, what: impl FnOnce() -> String) -> ApiError {
    match error {
        ApiError::NotFound(_) => ApiError::NotFound(Some(what())),
        other => other,
    }
}

/// `.../tickets/123.json` or `.../tickets/123_v2.json` to 123.
fn ticket_id_of_location(location: &str) -> Option<u64> {
    let path = location.split(['?', '#']).next()?;
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    let stem = last.strip_suffix(".json").unwrap_or(last);
    let stem = stem.strip_suffix("_v2").unwrap_or(stem);
    stem.parse().ok().filter(|id| *id > 0)
}

/// `{"status": "0", "message": "Insert ok", ...}`: a write the server acknowledges without
/// sending the ticket back.
fn is_write_ack(body: &[u8]) -> bool {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    !map.contains_key("ticket")
        && match map.get("status") {
            Some(Value::String(status)) => status.trim() == "0",
            Some(Value::Number(status)) => status.as_i64() == Some(0),
            _ => false,
        }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn location_names_the_ticket() {
        assert_eq!(
            ticket_id_of_location("https://www.bangwo8.com/api/v1/tickets/110.json"),
            Some(110)
        );
        assert_eq!(
            ticket_id_of_location("/api/v1/tickets/7_v2.json?x=1"),
            Some(7)
        );
        assert_eq!(ticket_id_of_location("/api/v1/tickets/{id}.json"), None);
    }

    #[test]
    fn results_merge_in_the_ids_order() {
        let result = |id, success| UpdateResult {
            ticket_id: id,
            success,
            error: String::new(),
        };
        let merged = merge_results(&[3, 1, 2], vec![result(1, true), result(3, false)]);
        assert_eq!(
            merged
                .iter()
                .map(|r| (r.ticket_id, r.success))
                .collect::<Vec<_>>(),
            vec![(3, false), (1, true), (2, false)]
        );
        assert!(!merged[2].error.is_empty());
    }

    #[test]
    fn acknowledgements_are_recognised() {
        assert!(is_write_ack(
            br#"{"status":"0","message":"Insert ok","data":false}"#
        ));
        assert!(!is_write_ack(br#"{"status":"1","message":"failed"}"#));
        assert!(!is_write_ack(b"not json"));
    }

    #[test]
    fn ids_are_asked_once_in_order() {
        assert_eq!(distinct(&[5, 3, 5, 1, 3]), vec![5, 3, 1]);
        assert_eq!(join_ids(&[1, 22, 333]), "1,22,333");
    }
}
