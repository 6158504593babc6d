//! Bringing the store up to date with the server (no UI; the worker and `gongdan cache
//! sync` call it with a client).
//!
//! - No cursor yet: the first full sync (`full.rs`), every page with bounded concurrency,
//!   each page committed with its being done, so a quit or a kill resumes where it stopped.
//! - A cursor: the delta (`delta.rs`), the tickets updated since, asked from the cursor's day
//!   in update order, skipping the pages that can only hold tickets already stored.
//!
//! Administrators sync through the list call; an account the list call refuses (403)
//! through searches, whose results are partial tickets.

mod delta;
mod full;

use chrono::NaiveDate;

use super::{Scope, Store, StoreError};
use crate::api::model::{ApiDate, Page, Ticket};
use crate::api::query::DateOp;
use crate::api::{
    ApiError, Client, ListOrder, ListQuery, ListScope, SearchQuery, SearchSort, SortOrder,
};

/// How a sync runs.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Forget the cursor and the progress first: a full sync from scratch.
    pub full: bool,
    /// How far before the cursor a delta asks again, until the cursor is settled: writes
    /// stamped in the same second as the newest ticket seen, or stamped before it and
    /// committed a moment after. Once a sync has read it again an overlap after the cursor
    /// was first seen, no such write can still appear, and deltas ask only after it.
    pub overlap: chrono::Duration,
    /// Pages in flight at once in a full sync.
    pub concurrency: usize,
    /// Waited on before each request, its answer held while the request runs: the
    /// console's worker puts the sync behind the user's own requests through it. `None`:
    /// no wait (the script command).
    pub gate: Option<SyncGate>,
}

/// Leave to send one request of a sync (see [`SyncOptions::gate`]): a future giving a guard
/// that is held until the request is answered.
#[derive(Clone)]
pub struct SyncGate(
    pub std::sync::Arc<dyn Fn() -> futures::future::BoxFuture<'static, Box<dyn Send>> + Send + Sync>,
);

impl std::fmt::Debug for SyncGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SyncGate")
    }
}

/// `request`, sent once the gate (if any) lets it.
async fn gated<T>(options: &SyncOptions, request: impl std::future::Future<Output = T>) -> T {
    let _leave = match &options.gate {
        Some(gate) => Some((gate.0)().await),
        None => None,
    };
    request.await
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            full: false,
            overlap: chrono::Duration::seconds(10),
            concurrency: 4,
            gate: None,
        }
    }
}

/// A full sync's progress: pages done of the pages planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u32,
    pub total: u32,
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncReport {
    pub scope: Option<Scope>,
    /// Pages asked of the server (list or search calls), retries not counted.
    pub requests: u32,
    /// Whether a full sync ran (or resumed).
    pub full: bool,
    /// The ids whose stored ticket changed (new ones included).
    pub changed: Vec<u64>,
    /// The cursor after the sync.
    pub cursor: Option<ApiDate>,
}

/// Why a sync stopped. What it stored until then stays, and the cursor is never past it.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Syncs `store` with the server `client` talks to; `progress` hears a full sync's pages.
pub async fn sync(
    store: &mut Store,
    client: &Client,
    options: &SyncOptions,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    // This machine's clock: when the cursor was seen, and when the sync ended.
    let now = epoch_now();
    let mut scope = store.scope()?;
    if options.full
        && let Some(scope) = scope
    {
        store.reset_sync(scope)?;
    }
    let needs_full = match scope {
        None => true,
        Some(scope) => {
            let state = store.sync_state(scope)?;
            state.cursor.is_none() || state.full.is_some()
        }
    };
    if needs_full {
        scope = Some(full::run(store, client, scope, options, now, progress, &mut report).await?);
    }
    let Some(scope) = scope else {
        return Ok(report);
    };
    report.scope = Some(scope);
    if store.sync_state(scope)?.cursor.is_some() {
        delta::run(store, client, scope, options, &mut report).await?;
    }
    store.set_last_sync(scope, now)?;
    report.cursor = store.sync_state(scope)?.cursor;
    Ok(report)
}

/// This machine's clock, in seconds since the epoch.
fn epoch_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The newest ticket on the server (one ticket of the list by update time, descending, or
/// of the same search), with the total count.
async fn newest(
    client: &Client,
    options: &SyncOptions,
    scope: Scope,
) -> Result<Page<Ticket>, ApiError> {
    gated(options, newest_now(client, scope)).await
}

async fn newest_now(client: &Client, scope: Scope) -> Result<Page<Ticket>, ApiError> {
    match scope {
        Scope::List => {
            let query = ListQuery::new()
                .order(ListOrder::Updated(SortOrder::Desc))
                .per_page(1);
            client.list(&ListScope::All, &query).await
        }
        Scope::Search => {
            let query = SearchQuery::new()
                .sort(SearchSort::Updated, SortOrder::Desc)
                .per_page(1);
            client.search(&query).await
        }
    }
}

/// Page `page` of everything, in an order new tickets only add to the end: by id (list's
/// default) or by creation time (search).
async fn everything_page(
    client: &Client,
    options: &SyncOptions,
    scope: Scope,
    page: u32,
    per_page: u32,
) -> Result<Page<Ticket>, ApiError> {
    gated(options, everything_page_now(client, scope, page, per_page)).await
}

async fn everything_page_now(
    client: &Client,
    scope: Scope,
    page: u32,
    per_page: u32,
) -> Result<Page<Ticket>, ApiError> {
    match scope {
        Scope::List => {
            let query = ListQuery::new().page(page).per_page(per_page);
            client.list(&ListScope::All, &query).await
        }
        Scope::Search => {
            let query = SearchQuery::new()
                .sort(SearchSort::Created, SortOrder::Asc)
                .page(page)
                .per_page(per_page);
            client.search(&query).await
        }
    }
}

/// Page `page` of the tickets updated on or after `day`, oldest update first.
async fn since_page(
    client: &Client,
    options: &SyncOptions,
    scope: Scope,
    day: NaiveDate,
    page: u32,
    per_page: u32,
) -> Result<Page<Ticket>, ApiError> {
    gated(options, since_page_now(client, scope, day, page, per_page)).await
}

async fn since_page_now(
    client: &Client,
    scope: Scope,
    day: NaiveDate,
    page: u32,
    per_page: u32,
) -> Result<Page<Ticket>, ApiError> {
    match scope {
        Scope::List => {
            let query = ListQuery::new()
                .updated(day.and_hms_opt(0, 0, 0), None)
                .order(ListOrder::Updated(SortOrder::Asc))
                .page(page)
                .per_page(per_page);
            client.list(&ListScope::All, &query).await
        }
        Scope::Search => {
            let query = SearchQuery::new()
                .updated(DateOp::OnOrAfter, day)
                .sort(SearchSort::Updated, SortOrder::Asc)
                .page(page)
                .per_page(per_page);
            client.search(&query).await
        }
    }
}
