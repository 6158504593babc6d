//! The first full sync: the newest update time on the server is noted first (the mark),
//! then every page is asked, several at a time, in an order new tickets only add to; each
//! page is committed with its being done. Resumed, it asks only the pages not done. Once
//! all are in, the mark becomes the cursor, and the delta that follows picks up what
//! changed during the sync.

use futures::StreamExt;

use super::{Progress, SyncError, SyncOptions, SyncReport, everything_page, newest};
use crate::api::model::{Page, Ticket};
use crate::api::{ApiError, Client};
use crate::store::{Scope, Store};

/// Runs (or resumes) the full sync; answers the scope it found (a 403 from list means
/// searches).
pub(super) async fn run(
    store: &mut Store,
    client: &Client,
    scope: Option<Scope>,
    options: &SyncOptions,
    now: i64,
    progress: &mut (dyn FnMut(Progress) + Send),
    report: &mut SyncReport,
) -> Result<Scope, SyncError> {
    report.full = true;
    let per_page = client.per_page();
    let (scope, plan, mut top) = match scope {
        Some(scope) => (scope, store.sync_state(scope)?.full, None),
        None => {
            let (scope, top) = probe(client, options, report).await?;
            (scope, None, top)
        }
    };
    store.set_scope(scope)?;
    report.scope = Some(scope);
    // When the mark was seen: this run's start for a plan made before (later than its
    // sighting, so the cursor settles no sooner than it may), else once it is answered.
    let mut seen = now;
    // A plan made with another page size numbers other pages: start it again.
    let plan = match plan.filter(|plan| plan.per_page == per_page) {
        Some(plan) => plan,
        None => {
            let top = match top.take() {
                Some(top) => top,
                None => {
                    report.requests += 1;
                    newest(client, options, scope).await?
                }
            };
            seen = super::epoch_now();
            let mark = top.items.first().and_then(|ticket| ticket.updated);
            let count = top.count.unwrap_or(0);
            let total = u32::try_from(count.div_ceil(u64::from(per_page))).unwrap_or(u32::MAX);
            store.begin_full(scope, mark, per_page, total)?;
            store.sync_state(scope)?.full.unwrap_or_default()
        }
    };
    let total = plan.total_pages;
    let mut done = u32::try_from(plan.done.len()).unwrap_or(u32::MAX);
    progress(Progress { done, total });
    let todo: Vec<u32> = (1..=total)
        .filter(|page| !plan.done.contains(page))
        .collect();
    let mut pages = futures::stream::iter(todo)
        .map(|page| async move {
            (
                page,
                everything_page(client, options, scope, page, per_page).await,
            )
        })
        .buffer_unordered(options.concurrency.max(1));
    while let Some((page, answer)) = pages.next().await {
        report.requests += 1;
        let answer = answer?;
        let changed = store.commit_full_page(scope, page, &answer.items)?;
        report.changed.extend(changed);
        done += 1;
        progress(Progress { done, total });
    }
    drop(pages);
    store.finish_full(scope, seen)?;
    Ok(scope)
}

/// Which call this account syncs through: list, unless it answers 403. The probe is the
/// mark's own call (answered with it), so it costs nothing more for an administrator.
async fn probe(
    client: &Client,
    options: &SyncOptions,
    report: &mut SyncReport,
) -> Result<(Scope, Option<Page<Ticket>>), ApiError> {
    report.requests += 1;
    match newest(client, options, Scope::List).await {
        Ok(top) => Ok((Scope::List, Some(top))),
        Err(ApiError::Forbidden(_)) => Ok((Scope::Search, None)),
        Err(error) => Err(error),
    }
}
