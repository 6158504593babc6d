//! The store's sync against the sandbox over loopback (issue 16): the first full sync, the
//! delta's request bound after N changes made behind the console's back (by another
//! client), with 5,000 tickets on the cursor's day, the agent's searches, and every fault
//! the sandbox has. Requests are counted by the sandbox.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use gongdan::api::{Auth, Client, ClientConfig, RetryPolicy, TicketChange, TicketStatus};
use gongdan::sandbox::{self, Fault, Faults, Route, Sandbox, SandboxOptions};
use gongdan::store::{self, Progress, Scope, Store, SyncError, SyncOptions, SyncReport};
use serde_json::{Value, json};

async fn start(tickets: usize) -> Sandbox {
    sandbox::start(SandboxOptions {
        tickets,
        ..SandboxOptions::default()
    })
    .await
    .unwrap()
}

fn client_as(sandbox: &Sandbox, account: &str, password: &str) -> Client {
    common::retrying_client(sandbox, account, password, Duration::from_secs(5))
}

fn admin(sandbox: &Sandbox) -> Client {
    client_as(sandbox, "admin@example.com", "admin-pass")
}

fn agent(sandbox: &Sandbox) -> Client {
    client_as(sandbox, "agent@example.com", "agent-pass")
}

fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("store.sqlite3")).unwrap().0
}

/// The pages asked of the server: list calls and searches.
fn pages_asked(sandbox: &Sandbox) -> u64 {
    sandbox.request_count(Route::List) + sandbox.request_count(Route::Search)
}

async fn sync(store: &mut Store, client: &Client) -> Result<SyncReport, SyncError> {
    store::sync(store, client, &SyncOptions::default(), &mut |_| {}).await
}

/// Syncs and answers the report and the pages the sandbox saw asked for.
async fn counted_sync(store: &mut Store, client: &Client, sandbox: &Sandbox) -> (SyncReport, u64) {
    let before = pages_asked(sandbox);
    let report = sync(store, client).await.unwrap();
    let asked = pages_asked(sandbox) - before;
    assert_eq!(
        u64::from(report.requests),
        asked,
        "the report counts what went out"
    );
    (report, asked)
}

fn ids(report: &SyncReport) -> BTreeSet<u64> {
    report.changed.iter().copied().collect()
}

/// Changes `ids` through another client, as a colleague would; answers them.
async fn change_behind(sandbox: &Sandbox, ids: &[u64], tag: &str) -> BTreeSet<u64> {
    let other = admin(sandbox);
    let change = TicketChange {
        tags: Some(vec![tag.to_owned()]),
        ..TicketChange::default()
    };
    let results = other.update_many(ids, &change).await.unwrap();
    assert!(results.iter().all(|r| r.success));
    ids.iter().copied().collect()
}

fn bound(n: u64) -> u64 {
    n.div_ceil(100) + 2
}

#[tokio::test]
async fn a_full_sync_stores_every_ticket_and_each_delta_costs_at_most_the_bound() {
    let sandbox = start(1_000).await;
    let client = admin(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir);
    let mut heard = Vec::new();
    let report = store::sync(&mut store, &client, &SyncOptions::default(), &mut |p| {
        heard.push(p)
    })
    .await
    .unwrap();
    assert!(report.full);
    assert_eq!(report.scope, Some(Scope::List));
    assert_eq!(store.counts().unwrap(), (1_000, 0));
    assert_eq!(ids(&report), sandbox.ticket_ids().into_iter().collect());
    assert_eq!(heard.first(), Some(&Progress { done: 0, total: 10 }));
    assert_eq!(
        heard.last(),
        Some(&Progress {
            done: 10,
            total: 10
        })
    );
    // The mark, ten pages, and the delta's one page.
    assert!(report.requests <= 1 + 10 + 2, "{}", report.requests);
    let newest = sandbox
        .ticket_ids()
        .into_iter()
        .filter_map(|id| sandbox.ticket(id))
        .filter_map(|t| t["updateDT"].as_str().map(str::to_owned))
        .max()
        .unwrap();
    assert_eq!(
        report
            .cursor
            .map(|c| c.format("%Y-%m-%d %H:%M:%S").to_string()),
        Some(newest)
    );
    // Every stored ticket is the server's, field for field.
    let stored = store.get(17).unwrap().unwrap();
    assert!(stored.full);
    let served = gongdan::api::decode::ticket(&sandbox.ticket(17).unwrap()).unwrap();
    assert_eq!(stored.ticket.status, served.status);
    assert_eq!(stored.ticket.subject, served.subject);

    // Nothing changed: one or two pages, nothing written.
    let (report, asked) = counted_sync(&mut store, &client, &sandbox).await;
    assert!((1..=2).contains(&asked), "{asked}");
    assert!(report.changed.is_empty(), "{:?}", report.changed);

    // One changed behind our back: exactly that one found.
    let changed = change_behind(&sandbox, &[321], "one").await;
    let (report, asked) = counted_sync(&mut store, &client, &sandbox).await;
    assert!(asked <= bound(1), "{asked}");
    assert_eq!(ids(&report), changed);
    let stored = store.get(321).unwrap().unwrap().ticket;
    assert_eq!(stored.tags, Some(vec!["one".to_string()]));

    // 250 changed: exactly those, within ⌈250/100⌉ + 2 pages.
    let many: Vec<u64> = (400..650).collect();
    let changed = change_behind(&sandbox, &many, "many").await;
    let (report, asked) = counted_sync(&mut store, &client, &sandbox).await;
    assert!(asked <= bound(250), "{asked}");
    assert_eq!(ids(&report), changed);
    assert_eq!(store.counts().unwrap(), (1_000, 0));
    for id in [400, 525, 649] {
        let stored = store.get(id).unwrap().unwrap().ticket;
        assert_eq!(stored.tags, Some(vec!["many".to_string()]));
    }
}

/// A sandbox whose 5,000 newest tickets were all updated on one day (ten seconds apart),
/// after the seed's one ticket; a store fully synced with it.
async fn five_thousand_on_one_day() -> (Sandbox, Client, tempfile::TempDir, Store) {
    let sandbox = start(1).await;
    let template = sandbox.ticket(1).unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 2)
        .unwrap()
        .and_hms_opt(8, 0, 0)
        .unwrap();
    for i in 0..5_000_i64 {
        let mut ticket = template.clone();
        let at = day + chrono::Duration::seconds(i * 10);
        ticket["ticketId"] = json!(i + 2);
        ticket["updateDT"] = Value::String(at.format("%Y-%m-%d %H:%M:%S").to_string());
        sandbox.insert_ticket(ticket);
    }
    let client = admin(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir);
    let report = sync(&mut store, &client).await.unwrap();
    assert_eq!(store.counts().unwrap(), (5_001, 0));
    assert!(report.requests <= 1 + 51 + 2, "{}", report.requests);
    (sandbox, client, dir, store)
}

#[tokio::test]
async fn with_5000_tickets_on_the_cursors_day_a_delta_skips_the_pages_already_stored() {
    // No change: one page (the day's last), not fifty.
    let (sandbox, client, _dir, mut store) = five_thousand_on_one_day().await;
    let (report, asked) = counted_sync(&mut store, &client, &sandbox).await;
    assert!((1..=2).contains(&asked), "{asked}");
    assert!(report.changed.is_empty());

    // One of that day's tickets changed: it moved to the end; the old ones shifted.
    let changed = change_behind(&sandbox, &[102], "one").await;
    let (report, asked) = counted_sync(&mut store, &client, &sandbox).await;
    assert!(asked <= bound(1), "{asked}");
    assert_eq!(ids(&report), changed);
}

#[tokio::test]
async fn with_5000_on_the_day_250_changes_cost_at_most_the_bound() {
    // 250 of the day's tickets changed: the old ones shifted 250 places earlier, so the
    // first page tried starts with changed tickets and the walk steps back.
    let (sandbox, client, _dir, mut store) = five_thousand_on_one_day().await;
    let many: Vec<u64> = (1_000..1_250).collect();
    let changed = change_behind(&sandbox, &many, "many").await;
    let (report, asked) = counted_sync(&mut store, &client, &sandbox).await;
    assert!(asked <= bound(250), "{asked}");
    assert_eq!(ids(&report), changed);
    assert_eq!(store.counts().unwrap(), (5_001, 0));
}

#[tokio::test]
async fn an_agent_syncs_through_searches_and_keeps_what_a_full_answer_gave() {
    let sandbox = start(300).await;
    let client = agent(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir);
    // A full answer about one ticket first (the console's own update, say).
    let full = admin(&sandbox).show(5).await.unwrap();
    store.put_from_answer(&full).unwrap();
    let report = sync(&mut store, &client).await.unwrap();
    assert_eq!(report.scope, Some(Scope::Search));
    assert_eq!(store.counts().unwrap(), (300, 299));
    let kept = store.get(5).unwrap().unwrap();
    assert!(kept.full);
    assert_eq!(kept.ticket.status, full.status);
    assert_eq!(kept.ticket.tags, full.tags);
    // The list's 403 is asked once, then the store knows to search.
    let forbidden_before = sandbox.request_count(Route::List);
    let (report, asked) = counted_sync(&mut store, &client, &sandbox).await;
    assert_eq!(sandbox.request_count(Route::List), forbidden_before);
    assert!((1..=2).contains(&asked), "{asked}");
    assert!(report.changed.is_empty());
    // Changes behind its back arrive as partial tickets, still within the bound.
    let changed = change_behind(&sandbox, &[5, 6, 7], "seen").await;
    let subject_before = store.get(6).unwrap().unwrap().ticket.subject;
    let (report, asked) = counted_sync(&mut store, &client, &sandbox).await;
    assert!(asked <= bound(3), "{asked}");
    assert_eq!(ids(&report), changed);
    let kept = store.get(5).unwrap().unwrap();
    assert!(
        kept.full,
        "a search result never makes a full ticket partial"
    );
    assert_eq!(kept.ticket.status, full.status);
    assert!(kept.ticket.updated > kept.full_updated);
    assert_eq!(
        store.get(6).unwrap().unwrap().ticket.subject,
        subject_before
    );
}

#[tokio::test]
async fn faults_leave_the_store_consistent_and_the_cursor_not_past_what_was_stored() {
    let sandbox = start(600).await;
    let client = admin(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir);
    // 429 with Retry-After, a 500, a dropped connection, a truncated body and a short hang,
    // with latency: the client's retries carry the sync through.
    sandbox.set_faults(Faults {
        latency: Duration::from_millis(5),
        next: vec![
            Fault::TooManyRequests {
                retry_after_secs: 0,
            },
            Fault::ServerError,
            Fault::DropConnection,
            Fault::TruncateBody,
            Fault::Hang(Duration::from_millis(200)),
        ],
        ..Faults::default()
    });
    let report = sync(&mut store, &client).await.unwrap();
    assert_eq!(store.counts().unwrap(), (600, 0));
    assert!(report.cursor.is_some());
    sandbox.set_faults(Faults::default());

    // A hang longer than the client's timeout: that request is given up and asked again.
    let mut config = ClientConfig::new(
        sandbox.base_url(),
        Auth::Basic {
            account: "admin@example.com".into(),
            password: "admin-pass".into(),
        },
    );
    config.timeout = Duration::from_millis(300);
    config.retry = RetryPolicy {
        max_attempts: 3,
        first_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_total: Duration::from_secs(10),
    };
    let impatient = Client::new(config).unwrap();
    change_behind(&sandbox, &[30], "hung").await;
    sandbox.push_fault(Fault::Hang(Duration::from_secs(2)));
    let report = sync(&mut store, &impatient).await.unwrap();
    assert_eq!(ids(&report), BTreeSet::from([30]));

    // A delta that fails for good: what it stored stays, the cursor does not move past it.
    let cursor = store.sync_state(Scope::List).unwrap().cursor;
    change_behind(&sandbox, &[10, 20], "x").await;
    sandbox.set_faults(Faults {
        fail_rate: 1.0,
        ..Faults::default()
    });
    let error = sync(&mut store, &client).await.unwrap_err();
    assert!(matches!(error, SyncError::Api(_)), "{error:?}");
    assert_eq!(store.sync_state(Scope::List).unwrap().cursor, cursor);
    assert_eq!(store.counts().unwrap(), (600, 0));
    // Once the server is back, the next sync finds both.
    sandbox.set_faults(Faults::default());
    let report = sync(&mut store, &client).await.unwrap();
    assert_eq!(ids(&report), BTreeSet::from([10, 20]));
    assert!(store.sync_state(Scope::List).unwrap().cursor >= cursor);
}

#[tokio::test]
async fn a_full_sync_that_failed_half_way_resumes_without_asking_done_pages_again() {
    let sandbox = start(1_000).await;
    let client = admin(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir);
    // Every request fails after the first few pages.
    let mut pages_done = 0;
    let first = store::sync(
        &mut store,
        &client,
        &SyncOptions {
            concurrency: 1,
            ..SyncOptions::default()
        },
        &mut |p: Progress| {
            pages_done = p.done;
            if p.done == 4 {
                sandbox.set_faults(Faults {
                    fail_rate: 1.0,
                    ..Faults::default()
                });
            }
        },
    )
    .await;
    assert!(first.is_err());
    assert_eq!(pages_done, 4);
    let state = store.sync_state(Scope::List).unwrap();
    assert_eq!(state.cursor, None, "no cursor before every page is in");
    assert_eq!(state.full.unwrap().done, vec![1, 2, 3, 4]);
    assert_eq!(store.counts().unwrap(), (400, 0));
    sandbox.set_faults(Faults::default());
    let before = sandbox.requests().len();
    let report = sync(&mut store, &client).await.unwrap();
    // The pages of the whole list asked on resuming: only those not done, each once.
    let asked: Vec<u32> = sandbox.requests()[before..]
        .iter()
        .filter(|r| r.route == Route::List && !r.path.contains("updated"))
        .filter_map(|r| page_of(&r.path))
        .collect();
    assert_eq!(
        asked.iter().copied().collect::<BTreeSet<_>>(),
        (5..=10).collect()
    );
    assert_eq!(asked.len(), 6, "{asked:?}");
    assert_eq!(store.counts().unwrap(), (1_000, 0));
    assert_eq!(report.changed.len(), 600);
}

fn page_of(path: &str) -> Option<u32> {
    url::Url::parse(&format!("http://x{path}"))
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse().ok())
}

#[tokio::test]
async fn a_status_the_console_set_is_stored_from_the_servers_answer() {
    let sandbox = start(50).await;
    let client = admin(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir);
    sync(&mut store, &client).await.unwrap();
    let answer = client
        .update(
            9,
            &TicketChange {
                status: Some(TicketStatus::Solved),
                ..TicketChange::default()
            },
        )
        .await
        .unwrap();
    store.put_from_answer(&answer).unwrap();
    assert_eq!(
        store.get(9).unwrap().unwrap().ticket.status,
        Some(TicketStatus::Solved)
    );
    // The next sync brings the same status back from the list.
    sync(&mut store, &client).await.unwrap();
    assert_eq!(
        store.get(9).unwrap().unwrap().ticket.status,
        Some(TicketStatus::Solved)
    );
    assert_eq!(store.counts().unwrap(), (50, 0));
}

#[tokio::test]
async fn lookups_are_kept_with_when_they_were_fetched_and_read_back_as_decoded() {
    let sandbox = start(10).await;
    let client = admin(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir);
    let kept = store::sync_lookups(&mut store, &client, 1_700_000_000)
        .await
        .unwrap();
    let agents = client.agents().await.unwrap();
    let fields = client.ticket_fields().await.unwrap();
    let templates = client.templates().await.unwrap();
    assert_eq!(kept, agents.len() + fields.len() + templates.len());
    let back: Vec<store::Lookup> = store
        .lookup_items("agents")
        .unwrap()
        .into_iter()
        .map(|(item, at)| {
            assert_eq!(at, 1_700_000_000);
            item
        })
        .collect();
    let mut expected: Vec<store::Lookup> = agents.into_iter().map(store::Lookup::Agent).collect();
    let key = |l: &store::Lookup| format!("{l:?}");
    expected.sort_by_key(key);
    let mut back = back;
    back.sort_by_key(key);
    assert_eq!(back, expected);
    let mut fields_back: Vec<store::Lookup> = store
        .lookup_items("fields")
        .unwrap()
        .into_iter()
        .map(|(item, _)| item)
        .collect();
    let mut fields: Vec<store::Lookup> = fields.into_iter().map(store::Lookup::Field).collect();
    fields_back.sort_by_key(key);
    fields.sort_by_key(key);
    assert_eq!(fields_back, fields);
    assert_eq!(
        store.lookup_items("templates").unwrap().len(),
        templates.len()
    );
    // One contact and one group, as the worker would keep them after a name lookup.
    let contact = client.contact(sandbox_contact(&sandbox)).await.unwrap();
    store
        .put_lookup_items(&[store::Lookup::Contact(contact.clone())], 1_700_000_500)
        .unwrap();
    assert_eq!(
        store.lookup_items("contacts").unwrap(),
        vec![(store::Lookup::Contact(contact), 1_700_000_500)]
    );
    // An agent account may not list agents: skipped, not a failure.
    let agent_dir = tempfile::tempdir().unwrap();
    let mut agent_store = open(&agent_dir);
    store::sync_lookups(&mut agent_store, &agent(&sandbox), 1)
        .await
        .unwrap();
}

fn sandbox_contact(sandbox: &Sandbox) -> u64 {
    sandbox.ticket(1).unwrap()["custUserId"].as_u64().unwrap()
}

#[tokio::test]
async fn a_late_write_within_the_overlap_is_found_and_a_settled_cursor_costs_one_page() {
    let sandbox = start(300).await;
    // 250 tickets stamped in one second, the newest: a tie block of three pages at the
    // cursor (the seed has such blocks where its dates are clamped).
    let template = sandbox.ticket(1).unwrap();
    for i in 0..250_u64 {
        let mut ticket = template.clone();
        ticket["ticketId"] = json!(1_000 + i);
        ticket["updateDT"] = json!("2026-11-20 10:00:00");
        sandbox.insert_ticket(ticket);
    }
    let client = admin(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir);
    sync(&mut store, &client).await.unwrap();
    assert_eq!(store.counts().unwrap(), (550, 0));
    let state = store.sync_state(Scope::List).unwrap();
    assert!(!state.settled, "just seen: not settled");

    // A write stamped 5 s before the cursor that became visible only now (a late commit):
    // the overlap (10 s) reads it.
    let mut late = template.clone();
    late["ticketId"] = json!(5_000);
    late["updateDT"] = json!("2026-11-20 09:59:55");
    sandbox.insert_ticket(late);
    let (report, asked) = counted_sync(&mut store, &client, &sandbox).await;
    assert_eq!(ids(&report), BTreeSet::from([5_000]));
    assert!(asked <= 4, "{asked}");

    // With no overlap the cursor settles at once; then nothing changed costs one page,
    // however large the block at the cursor.
    let no_overlap = SyncOptions {
        overlap: chrono::Duration::zero(),
        ..SyncOptions::default()
    };
    store::sync(&mut store, &client, &no_overlap, &mut |_| {})
        .await
        .unwrap();
    assert!(store.sync_state(Scope::List).unwrap().settled);
    let before = pages_asked(&sandbox);
    let report = store::sync(&mut store, &client, &no_overlap, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(pages_asked(&sandbox) - before, 1);
    assert!(report.changed.is_empty());
    // A change moves the cursor and unsettles it; it costs one page too.
    let changed = change_behind(&sandbox, &[7], "t").await;
    let before = pages_asked(&sandbox);
    let report = store::sync(&mut store, &client, &no_overlap, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(pages_asked(&sandbox) - before, 1);
    assert_eq!(ids(&report), changed);
    assert!(!store.sync_state(Scope::List).unwrap().settled);
}

#[tokio::test]
async fn a_first_full_sync_longer_than_the_overlap_settles_its_cursor_so_nothing_changed_is_one_page()
 {
    let sandbox = sandbox::start(SandboxOptions {
        tickets: 300,
        latency: Duration::from_millis(300),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    // A tie block of three pages at the cursor, as the seed has where its dates are clamped.
    let template = sandbox.ticket(1).unwrap();
    for i in 0..250_u64 {
        let mut ticket = template.clone();
        ticket["ticketId"] = json!(1_000 + i);
        ticket["updateDT"] = json!("2026-11-20 10:00:00");
        sandbox.insert_ticket(ticket);
    }
    let client = admin(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir);
    // One page at a time at 300 ms each: the full sync lasts well over the 1 s overlap, so
    // the delta at its end reads the overlap again an overlap after the cursor was seen.
    let options = SyncOptions {
        overlap: chrono::Duration::seconds(1),
        concurrency: 1,
        ..SyncOptions::default()
    };
    let report = store::sync(&mut store, &client, &options, &mut |_| {})
        .await
        .unwrap();
    assert!(report.full);
    assert!(
        store.sync_state(Scope::List).unwrap().settled,
        "settled by the full sync's own delta"
    );
    let before = pages_asked(&sandbox);
    let report = store::sync(&mut store, &client, &options, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(
        pages_asked(&sandbox) - before,
        1,
        "nothing changed: one page"
    );
    assert!(report.changed.is_empty());
}
