//! The HTTP client of the 帮我吧 API: one method per call, retries, paging, auth.
//!
//! It holds no UI types. Every method is cancel-safe (dropping the future abandons the call).

use std::time::Duration;

use futures::Stream;

use super::error::ApiError;
use super::model::{
    Agent, Attachment, Company, Contact, Created, FieldDef, Group, NewTicket, Page, Template,
    Ticket, TicketChange, UpdateResult,
};
use super::query::{ListQuery, SearchQuery};

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
    /// Calls in flight at once for show many / update many.
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

#[derive(Clone)]
pub struct Client {
    // Filled in by issue 2: reqwest::Client, parsed base URL, token cache, config.
    _private: (),
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        let _ = config;
        todo!("issue 2")
    }

    /// Sets a callback told about every retry.
    pub fn with_retry_observer(self, observer: RetryObserver) -> Self {
        let _ = observer;
        todo!("issue 2")
    }

    /// One page of list (admin), a company's or a contact's tickets.
    pub async fn list(
        &self,
        scope: &ListScope,
        query: &ListQuery,
    ) -> Result<Page<Ticket>, ApiError> {
        let _ = (scope, query);
        todo!("issue 2")
    }

    /// Every page, following `next_page` only on the configured origin.
    pub fn list_pages(
        &self,
        scope: ListScope,
        query: ListQuery,
    ) -> impl Stream<Item = Result<Page<Ticket>, ApiError>> + Send + 'static {
        let _ = (scope, query);
        futures::stream::empty()
    }

    /// One page of search (any agent). Results hold only id, subject, dates and url.
    pub async fn search(&self, query: &SearchQuery) -> Result<Page<Ticket>, ApiError> {
        let _ = query;
        todo!("issue 2")
    }

    /// Every page of a search.
    pub fn search_pages(
        &self,
        query: SearchQuery,
    ) -> impl Stream<Item = Result<Page<Ticket>, ApiError>> + Send + 'static {
        let _ = query;
        futures::stream::empty()
    }

    /// Show one ticket (admin): the v2 call, falling back to the legacy one.
    pub async fn show(&self, id: u64) -> Result<Ticket, ApiError> {
        let _ = id;
        todo!("issue 2")
    }

    /// Show any number of tickets (admin), 100 ids a call, bounded concurrency.
    pub async fn show_many(&self, ids: &[u64]) -> Result<ShowMany, ApiError> {
        let _ = ids;
        todo!("issue 2")
    }

    /// Create a ticket (admin), with a fresh `Requestid` so a retry cannot make two.
    pub async fn create(&self, ticket: &NewTicket) -> Result<Created, ApiError> {
        let _ = ticket;
        todo!("issue 2")
    }

    /// Update one ticket (any agent); a reply in the change is added as a reply.
    pub async fn update(&self, id: u64, change: &TicketChange) -> Result<Ticket, ApiError> {
        let _ = (id, change);
        todo!("issue 2")
    }

    /// The same change to many tickets, 100 a call; per-ticket results in the ids' order.
    pub async fn update_many(
        &self,
        ids: &[u64],
        change: &TicketChange,
    ) -> Result<Vec<UpdateResult>, ApiError> {
        let _ = (ids, change);
        todo!("issue 2")
    }

    /// A change of its own for each ticket, 100 a call; per-ticket results in order.
    pub async fn update_each(
        &self,
        changes: &[(u64, TicketChange)],
    ) -> Result<Vec<UpdateResult>, ApiError> {
        let _ = changes;
        todo!("issue 2")
    }

    pub async fn ticket_fields(&self) -> Result<Vec<FieldDef>, ApiError> {
        todo!("issue 2")
    }

    pub async fn agents(&self) -> Result<Vec<Agent>, ApiError> {
        todo!("issue 2")
    }

    pub async fn agent(&self, id: u64) -> Result<Agent, ApiError> {
        let _ = id;
        todo!("issue 2")
    }

    pub async fn group(&self, id: u64) -> Result<Group, ApiError> {
        let _ = id;
        todo!("issue 2")
    }

    pub async fn contact(&self, id: u64) -> Result<Contact, ApiError> {
        let _ = id;
        todo!("issue 2")
    }

    pub async fn company(&self, id: u64) -> Result<Company, ApiError> {
        let _ = id;
        todo!("issue 2")
    }

    pub async fn templates(&self) -> Result<Vec<Template>, ApiError> {
        todo!("issue 2")
    }

    /// Upload a file for a reply or an attachment field; answers the token to send.
    pub async fn upload(
        &self,
        file_name: &str,
        bytes: Vec<u8>,
        reply_id: Option<u64>,
    ) -> Result<Attachment, ApiError> {
        let _ = (file_name, bytes, reply_id);
        todo!("issue 2")
    }
}
