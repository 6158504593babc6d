//! The calls the bulk engine makes, as a trait: the real [`Client`], or a wrapper in tests.

use std::collections::{HashMap, HashSet};
use std::future::Future;

use chrono::{DateTime, Duration as ChronoDuration, FixedOffset, Offset, Utc};
use futures::StreamExt;

use crate::api::model::{ApiDate, Ticket, TicketChange, UpdateResult};
use crate::api::query::{DateField, DateOp, SearchQuery, SearchSort, SearchTerm, SortOrder};
use crate::api::{ApiError, Client};

/// What is known about a ticket now.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Current {
    /// The whole ticket, when the account may show tickets (admins).
    pub ticket: Option<Ticket>,
    /// Its `updateDT`.
    pub updated: Option<ApiDate>,
}

/// The calls the engine needs. Implemented by [`Client`]; tests wrap it to cut a run at a
/// chosen point.
pub trait BulkApi: Send + Sync {
    /// One update-many call, the same change to every id (at most 100 ids), under the
    /// `Requestid` `request_id` (every retry of it reuses it).
    fn update_many(
        &self,
        ids: &[u64],
        change: &TicketChange,
        request_id: &str,
    ) -> impl Future<Output = Result<Vec<UpdateResult>, ApiError>> + Send;

    /// One update-many call, each ticket its own change (at most 100), under `request_id`.
    fn update_each(
        &self,
        changes: &[(u64, TicketChange)],
        request_id: &str,
    ) -> impl Future<Output = Result<Vec<UpdateResult>, ApiError>> + Send;

    /// The current state of these tickets (any number of them), as far as the account may
    /// see it. `since` is a time before which none of them was changed by the run being
    /// checked. Tickets that cannot be found are absent from the answer.
    fn current(
        &self,
        ids: &[u64],
        since: DateTime<Utc>,
    ) -> impl Future<Output = Result<HashMap<u64, Current>, ApiError>> + Send;
}

/// The vendor's clock: dates on the wire are local time there (UTC+8 unless configured).
pub fn vendor_offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

impl BulkApi for Client {
    fn update_many(
        &self,
        ids: &[u64],
        change: &TicketChange,
        request_id: &str,
    ) -> impl Future<Output = Result<Vec<UpdateResult>, ApiError>> + Send {
        Client::update_many_with_id(self, ids, change, request_id)
    }

    fn update_each(
        &self,
        changes: &[(u64, TicketChange)],
        request_id: &str,
    ) -> impl Future<Output = Result<Vec<UpdateResult>, ApiError>> + Send {
        Client::update_each_with_id(self, changes, request_id)
    }

    async fn current(
        &self,
        ids: &[u64],
        since: DateTime<Utc>,
    ) -> Result<HashMap<u64, Current>, ApiError> {
        match self.show_many(ids).await {
            Ok(found) => Ok(found
                .tickets
                .into_iter()
                .map(|t| {
                    (
                        t.id,
                        Current {
                            updated: t.updated,
                            ticket: Some(t),
                        },
                    )
                })
                .collect()),
            // Agents may not show tickets: search answers every ticket's updateDT.
            Err(ApiError::Forbidden(_)) => self.updated_since(ids, since).await,
            Err(e) => Err(e),
        }
    }
}

impl Client {
    /// The `updateDT` of the given tickets, from a search of everything updated since the
    /// day before `since` (in the vendor's time), newest first, stopping once all are seen.
    async fn updated_since(
        &self,
        ids: &[u64],
        since: DateTime<Utc>,
    ) -> Result<HashMap<u64, Current>, ApiError> {
        let mut wanted: HashSet<u64> = ids.iter().copied().collect();
        let day = (since.with_timezone(&vendor_offset()) - ChronoDuration::days(1)).date_naive();
        let query = SearchQuery {
            terms: vec![SearchTerm::Date {
                field: DateField::Updated,
                op: DateOp::OnOrAfter,
                date: day,
            }],
            sort_by: Some(SearchSort::Updated),
            sort_order: Some(SortOrder::Desc),
            page: None,
            per_page: None,
        };
        let mut found = HashMap::new();
        let pages = self.search_pages(query);
        futures::pin_mut!(pages);
        while let Some(page) = pages.next().await {
            for ticket in page?.items {
                if wanted.remove(&ticket.id) {
                    found.insert(
                        ticket.id,
                        Current {
                            ticket: None,
                            updated: ticket.updated,
                        },
                    );
                }
            }
            if wanted.is_empty() {
                break;
            }
        }
        Ok(found)
    }
}
