//! The delta: the tickets updated since the cursor, asked from its day (the list's
//! `updated_start` and the search's `updateDT>=` take a whole day) in update order.
//!
//! The day's first pages hold tickets already stored: with K stored tickets updated that
//! day before (cursor − overlap), the first ticket not yet seen is at index K or earlier
//! (a ticket that changed again moved to the end, so the old ones can only shift earlier),
//! so the walk starts at the page holding index K − 1 (⌊(K − 1) / per_page⌋ + 1) and steps
//! back a page while that page's first ticket is not older than (cursor − overlap). Pages
//! fetched while stepping back are kept, not asked again.
//!
//! The overlap is read again until a sync has done so an overlap after the cursor was first
//! seen (this machine's clock; both clocks run at the same pace): from then on the cursor is
//! settled and a delta asks only after it, one page when nothing changed.

use std::collections::HashMap;

use super::{SyncError, SyncOptions, SyncReport, since_page};
use crate::api::Client;
use crate::store::{Scope, Store};

pub(super) async fn run(
    store: &mut Store,
    client: &Client,
    scope: Scope,
    options: &SyncOptions,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    // When this re-read begins (not the sync: after a long first full sync, its delta may
    // already be an overlap past the cursor's sighting, and settle it there).
    let now = super::epoch_now();
    let state = store.sync_state(scope)?;
    let Some(cursor) = state.cursor else {
        return Ok(());
    };
    // Settled: every ticket stamped at or before the cursor is stored.
    let since = if state.settled {
        cursor + chrono::Duration::seconds(1)
    } else {
        cursor - options.overlap
    };
    let day = since.date();
    let Some(day_start) = day.and_hms_opt(0, 0, 0) else {
        return Ok(());
    };
    let per_page = client.per_page();
    let stored_before = store.count_updated_between(day_start, since)?;
    // The page holding the last of them (index K − 1), so that with nothing new the one
    // page asked is not an empty one past the end.
    let mut page = u32::try_from(stored_before.saturating_sub(1) / u64::from(per_page))
        .unwrap_or(u32::MAX - 1)
        .saturating_add(1);
    let mut fetched = HashMap::new();
    // Find the first page that may hold a ticket not seen yet.
    loop {
        report.requests += 1;
        let answer = since_page(client, options, scope, day, page, per_page).await?;
        let starts_before = answer
            .items
            .first()
            .and_then(|ticket| ticket.updated)
            .is_some_and(|updated| updated < since);
        fetched.insert(page, answer);
        if page == 1 || starts_before {
            break;
        }
        page -= 1;
    }
    // Then every page from there on, each committed with the cursor it reaches.
    loop {
        let answer = match fetched.remove(&page) {
            Some(answer) => answer,
            None => {
                report.requests += 1;
                since_page(client, options, scope, day, page, per_page).await?
            }
        };
        // A cursor this page moves is seen now, when the page is in (not when the sync began).
        let changed = store.commit_delta_page(scope, day, &answer.items, super::epoch_now())?;
        report.changed.extend(changed);
        let got = (answer.items.len() + answer.bad_items.len()) as u64;
        let last = match answer.count {
            Some(count) => u64::from(page) * u64::from(per_page) >= count,
            None => got < u64::from(per_page),
        };
        if got == 0 || last {
            break;
        }
        page += 1;
    }
    // The overlap was read again an overlap or more after the cursor was first seen: the
    // server's clock is past cursor + overlap, so no late write at or before it remains.
    let after = store.sync_state(scope)?;
    if !after.settled
        && after.cursor == Some(cursor)
        && after
            .cursor_seen_at
            .is_some_and(|seen| now - seen >= options.overlap.num_seconds())
    {
        store.settle(scope)?;
    }
    Ok(())
}
