//! A first full sync in another process killed with SIGKILL mid-sync, then resumed here:
//! the pages it committed are not asked again, and every ticket is stored exactly once.
//!
//! The child is this test binary itself, running the ignored test `child_runs_a_full_sync`
//! with the sandbox's address and the store's path in its environment.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gongdan::api::{Auth, Client, ClientConfig};
use gongdan::sandbox::{self, Faults, Route, SandboxOptions};
use gongdan::store::{self, Scope, Store, SyncOptions};

const URL_VAR: &str = "GONGDAN_STORE_CHILD_URL";
const PATH_VAR: &str = "GONGDAN_STORE_CHILD_PATH";

fn admin(base_url: &str) -> Client {
    let mut config = ClientConfig::new(
        base_url,
        Auth::Basic {
            account: "admin@example.com".into(),
            password: "admin-pass".into(),
        },
    );
    config.timeout = Duration::from_secs(10);
    Client::new(config).unwrap()
}

/// The child: a full sync to the end (unless killed first).
#[tokio::test]
#[ignore = "run by killed_mid_sync_resumes_without_asking_done_pages_again as a child process"]
async fn child_runs_a_full_sync() {
    let (Ok(url), Ok(path)) = (std::env::var(URL_VAR), std::env::var(PATH_VAR)) else {
        return;
    };
    let (mut store, _) = Store::open(std::path::Path::new(&path)).unwrap();
    store::sync(
        &mut store,
        &admin(&url),
        &SyncOptions::default(),
        &mut |_| {},
    )
    .await
    .unwrap();
}

fn page_of(path: &str) -> Option<u32> {
    url::Url::parse(&format!("http://x{path}"))
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse().ok())
}

/// The pages of the whole list (not the mark, not a delta) asked from the `from`th request.
fn whole_list_pages(sandbox: &sandbox::Sandbox, from: usize) -> Vec<u32> {
    sandbox.requests()[from..]
        .iter()
        .filter(|r| r.route == Route::List)
        .filter(|r| !r.path.contains("updated"))
        .filter_map(|r| page_of(&r.path))
        .collect()
}

#[tokio::test]
async fn killed_mid_sync_resumes_without_asking_done_pages_again() {
    let sandbox = sandbox::start(SandboxOptions {
        tickets: 3_000,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    // Slow answers, so that the kill lands with pages done and pages in flight.
    sandbox.set_faults(Faults {
        latency: Duration::from_millis(80),
        ..Faults::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite3");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "child_runs_a_full_sync",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env(URL_VAR, sandbox.base_url())
        .env(PATH_VAR, &path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    // Wait (bounded) until some pages are committed, then kill -9.
    let deadline = Instant::now() + Duration::from_secs(60);
    let done_pages = |path: &std::path::Path| -> Vec<u32> {
        if !path.exists() {
            return Vec::new();
        }
        let Ok((store, _)) = Store::open(path) else {
            return Vec::new();
        };
        store
            .sync_state(Scope::List)
            .ok()
            .and_then(|state| state.full)
            .map(|full| full.done)
            .unwrap_or_default()
    };
    while done_pages(&path).len() < 5 {
        assert!(Instant::now() < deadline, "the child never made progress");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the child exited early"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    sandbox.set_faults(Faults::default());
    // What the child wrote before it died is still read and recorded by the sandbox: wait
    // until its connections are closed, so the count below is the resumed sync's alone.
    let deadline = Instant::now() + Duration::from_secs(60);
    while sandbox.connections_open() > 0 {
        assert!(
            Instant::now() < deadline,
            "the killed child's connections stay open"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let (mut store, aside) = Store::open(&path).unwrap();
    assert!(aside.is_none(), "a killed writer leaves a good file");
    let state = store.sync_state(Scope::List).unwrap();
    assert_eq!(state.cursor, None);
    let done: BTreeSet<u32> = state.full.unwrap().done.into_iter().collect();
    assert!(done.len() >= 5 && done.len() < 30, "{done:?}");
    let (stored, _) = store.counts().unwrap();
    assert_eq!(
        stored,
        done.len() as u64 * 100,
        "the done pages' tickets, no more"
    );

    let before = sandbox.requests().len();
    let report = store::sync(
        &mut store,
        &admin(&sandbox.base_url()),
        &SyncOptions::default(),
        &mut |_| {},
    )
    .await
    .unwrap();
    let asked = whole_list_pages(&sandbox, before);
    let asked_set: BTreeSet<u32> = asked.iter().copied().collect();
    assert!(
        done.is_disjoint(&asked_set),
        "done pages asked again: {asked:?}"
    );
    assert_eq!(
        asked.len(),
        asked_set.len(),
        "a page asked twice: {asked:?}"
    );
    let all: BTreeSet<u32> = (1..=30).collect();
    assert_eq!(asked_set, all.difference(&done).copied().collect());
    // Every ticket, once: the store holds exactly the server's ids.
    let stored_ids: BTreeSet<u64> = store
        .tickets_by_updated_desc()
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(stored_ids, sandbox.ticket_ids().into_iter().collect());
    assert_eq!(store.counts().unwrap(), (3_000, 0));
    assert_eq!(report.changed.len(), 3_000 - done.len() * 100);
    assert!(store.sync_state(Scope::List).unwrap().cursor.is_some());
}
