//! The worker with a local store against the sandbox over loopback (issue 16): a view's
//! first page is answered from the store before the server (by the order of the events),
//! the server's answer then replaces it in the app with the changed rows marked; with the
//! server gone the console opens from the store and says offline, and comes back by itself
//! when the server does.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::time::Duration;

use common::now;
use gongdan::api::{ApiError, Auth, Client, ClientConfig, NetworkError, Priority, TicketChange};
use gongdan::app::{Action, App, Command, Settings, WorkerEvent, update};
use gongdan::lang::Lang;
use gongdan::sandbox::{Sandbox, SandboxOptions};
use gongdan::worker::RunsInFlight;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

fn config(base_url: String) -> ClientConfig {
    let mut config = ClientConfig::new(
        base_url,
        Auth::Basic {
            account: "admin@example.com".into(),
            password: "admin-pass".into(),
        },
    );
    config.allow_insecure_http = true;
    config.retry.max_attempts = 1;
    config
}

type Worker = (UnboundedSender<Command>, UnboundedReceiver<WorkerEvent>);

fn worker(base_url: String, store: &Path) -> Worker {
    gongdan::worker::spawn_with_store(
        config(base_url),
        2,
        None,
        RunsInFlight::default(),
        Some(store.to_path_buf()),
    )
    .unwrap()
}

/// An app with a store, on its "All" tab (a list), and the list's first-page command.
fn console() -> (App, Command) {
    let settings = Settings {
        lang: Lang::En,
        local_store: true,
        ..Settings::default()
    };
    let mut app = App::new(settings, now());
    update(
        &mut app,
        Action::Resize {
            width: 100,
            height: 30,
        },
    );
    let commands = update(&mut app, Action::Start);
    update(&mut app, Action::SelectView(3));
    let list = commands
        .into_iter()
        .find(|c| matches!(c, Command::FetchList { .. }))
        .unwrap();
    (app, list)
}

/// Sends `command` and hands every event to the app until the server's answer to it (a
/// `Page`) arrived; answers the events in their order. Bounded in time.
async fn exchange(app: &mut App, worker: &mut Worker, command: Command) -> Vec<WorkerEvent> {
    let id = command.request_id().unwrap();
    worker.0.send(command).unwrap();
    let mut seen = Vec::new();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(30), worker.1.recv())
            .await
            .expect("the worker answers")
            .expect("the worker is running");
        let done = matches!(&event, WorkerEvent::Page { id: got, .. } if *got == id);
        seen.push(event.clone());
        update(app, Action::Worker(event));
        if done {
            return seen;
        }
    }
}

fn kinds(events: &[WorkerEvent]) -> Vec<&'static str> {
    events
        .iter()
        .map(|event| match event {
            WorkerEvent::Stored { .. } => "stored",
            WorkerEvent::Page { result: Ok(_), .. } => "page",
            WorkerEvent::Page { result: Err(_), .. } => "failed",
            _ => "other",
        })
        .collect()
}

async fn sandbox_at(addr: std::net::SocketAddr) -> Sandbox {
    gongdan::sandbox::start(SandboxOptions {
        addr,
        tickets: 60,
        ..SandboxOptions::default()
    })
    .await
    .unwrap()
}

/// A first start fills the store from the server; answers the ids the view showed.
async fn first_start(sandbox: &Sandbox, store: &Path) -> Vec<u64> {
    let (mut app, list) = console();
    let mut worker = worker(sandbox.base_url(), store);
    let events = exchange(&mut app, &mut worker, list).await;
    assert_eq!(
        kinds(&events),
        vec!["page"],
        "an empty store answers nothing"
    );
    // The store is written after the answer is sent: the worker is stopped before the
    // next start reads it, which waits for its writes.
    drop(worker.0);
    while worker.1.recv().await.is_some() {}
    app.current_view().ids.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_second_start_paints_the_store_first_then_marks_what_changed_on_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store.sqlite3");
    let sandbox = sandbox_at("127.0.0.1:0".parse().unwrap()).await;
    let shown = first_start(&sandbox, &store).await;
    assert!(!shown.is_empty());
    // Changed behind the console's back.
    let changed = shown[0];
    let client = Client::new(config(sandbox.base_url())).unwrap();
    let before = client.show(changed).await.unwrap();
    let priority = if before.priority == Some(Priority::Urgent) {
        Priority::Low
    } else {
        Priority::Urgent
    };
    client
        .update(
            changed,
            &TicketChange {
                priority: Some(priority),
                ..TicketChange::default()
            },
        )
        .await
        .unwrap();

    let (mut app, list) = console();
    let mut worker = worker(sandbox.base_url(), &store);
    let events = exchange(&mut app, &mut worker, list).await;
    assert_eq!(kinds(&events), vec!["stored", "page"]);
    let WorkerEvent::Stored { tickets, .. } = &events[0] else {
        unreachable!()
    };
    let stored: Vec<u64> = tickets.iter().map(|t| t.id).collect();
    assert_eq!(stored, shown, "the ids the view last showed, in order");
    let old = tickets.iter().find(|t| t.id == changed).unwrap();
    assert_eq!(old.priority, before.priority, "the store's version first");
    // The server's page: the change in place and marked, the rows the server's.
    assert_eq!(app.current_view().as_of, None);
    assert_eq!(app.tickets.get(&changed).unwrap().priority, Some(priority));
    assert!(app.current_view().changed.contains(&changed));
    assert_eq!(app.current_view().changed.len(), 1, "only what changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_server_gone_the_store_is_shown_offline_and_it_recovers_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store.sqlite3");
    let sandbox = sandbox_at("127.0.0.1:0".parse().unwrap()).await;
    let base_url = sandbox.base_url();
    let addr: std::net::SocketAddr = base_url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    let shown = first_start(&sandbox, &store).await;
    sandbox.shutdown().await;

    let (mut app, list) = console();
    let mut worker = worker(base_url.clone(), &store);
    let events = exchange(&mut app, &mut worker, list).await;
    assert_eq!(kinds(&events), vec!["stored", "failed"]);
    let WorkerEvent::Page {
        result: Err(error), ..
    } = &events[1]
    else {
        unreachable!()
    };
    assert_eq!(
        error,
        &ApiError::Network(NetworkError::ConnectionRefused),
        "{error}"
    );
    assert_eq!(app.current_view().ids, shown, "the stored rows stay");
    assert!(app.offline.is_some());
    let line = common::screen_lines(&app).last().cloned().unwrap();
    assert!(line.contains("offline since 12:00, retrying"), "{line}");

    // The server is back on the same address: the next try (2 s later by the app's
    // clock) finds it, and the console is online again by itself.
    let _sandbox = sandbox_at(addr).await;
    let retry = update(
        &mut app,
        Action::Tick {
            now: now() + chrono::Duration::seconds(2),
        },
    );
    let command = retry
        .into_iter()
        .find(|c| matches!(c, Command::FetchList { .. }))
        .expect("a retry is due");
    let events = exchange(&mut app, &mut worker, command).await;
    assert_eq!(kinds(&events), vec!["page"], "a refresh is the server's");
    assert_eq!(app.offline, None);
    assert!(!app.current_view().ids.is_empty());
}

/// Sends `Sync` and collects the worker's events until the sync's end.
async fn sync(worker: &mut Worker) -> Vec<WorkerEvent> {
    worker
        .0
        .send(Command::Sync {
            id: gongdan::app::RequestId(900),
        })
        .unwrap();
    let mut seen = Vec::new();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(30), worker.1.recv())
            .await
            .expect("the worker answers")
            .expect("the worker is running");
        let done = matches!(event, WorkerEvent::Synced { .. });
        seen.push(event);
        if done {
            return seen;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sync_reports_a_first_full_sync_then_sends_what_changed_behind_the_console() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store.sqlite3");
    let sandbox = sandbox_at("127.0.0.1:0".parse().unwrap()).await;
    let mut worker = worker(sandbox.base_url(), &store);
    let events = sync(&mut worker).await;
    let progress: Vec<(u32, u32)> = events
        .iter()
        .filter_map(|e| match e {
            WorkerEvent::SyncProgress { done, total } => Some((*done, *total)),
            _ => None,
        })
        .collect();
    // 60 tickets in pages of 100: one page.
    assert_eq!(progress, vec![(0, 1), (1, 1)]);
    assert!(matches!(
        events.last(),
        Some(WorkerEvent::Synced { tickets, .. }) if tickets.is_empty()
    ));
    // Changed behind the console's back: the next sync sends it as stored now.
    let client = Client::new(config(sandbox.base_url())).unwrap();
    client
        .update(
            7,
            &TicketChange {
                priority: Some(Priority::Urgent),
                ..TicketChange::default()
            },
        )
        .await
        .unwrap();
    let client_now = client.show(7).await.unwrap();
    let events = sync(&mut worker).await;
    let Some(WorkerEvent::Synced {
        id,
        tickets,
        partial,
        server,
    }) = events.last()
    else {
        panic!("{events:?}")
    };
    assert_eq!(*id, gongdan::app::RequestId(900));
    assert_eq!(server, &Some(Ok(())));
    assert!(!partial);
    let ids: Vec<u64> = tickets.iter().map(|t| t.id).collect();
    assert!(ids.contains(&7), "{ids:?}");
    let seven = tickets.iter().find(|t| t.id == 7).unwrap();
    assert_eq!(seven.priority, Some(Priority::Urgent));
    assert_eq!(seven.updated, client_now.updated);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sync_waits_behind_the_users_requests_for_the_one_slot() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store.sqlite3");
    let sandbox = gongdan::sandbox::start(SandboxOptions {
        tickets: 40,
        latency: Duration::from_millis(150),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let mut config = config(sandbox.base_url());
    // Eight pages of five: a sync long enough to be overtaken.
    config.per_page = 5;
    let (commands, mut events) = gongdan::worker::spawn_with_store(
        config,
        1,
        None,
        RunsInFlight::default(),
        Some(store.clone()),
    )
    .unwrap();
    commands
        .send(Command::Sync {
            id: gongdan::app::RequestId(900),
        })
        .unwrap();
    // The sync has planned its pages.
    loop {
        if matches!(
            next(&mut events).await,
            WorkerEvent::SyncProgress { done: 0, .. }
        ) {
            break;
        }
    }
    // Three of the user's pages while it runs: each takes the one slot before the sync's
    // next page does, so at most the sync page already sent lands before they are all in.
    for (n, page) in [(1, 2), (2, 3), (3, 4)] {
        commands
            .send(Command::FetchList {
                id: gongdan::app::RequestId(n),
                query: gongdan::api::ListQuery::new().page(page),
            })
            .unwrap();
    }
    let mut pages = 0;
    let mut sync_pages_meanwhile = 0;
    while pages < 3 {
        match next(&mut events).await {
            WorkerEvent::Page { result, .. } => {
                result.unwrap();
                pages += 1;
            }
            WorkerEvent::SyncProgress { .. } => sync_pages_meanwhile += 1,
            WorkerEvent::Synced { .. } => panic!("the sync ended before the user's pages"),
            _ => {}
        }
    }
    assert!(
        sync_pages_meanwhile <= 1,
        "{sync_pages_meanwhile} sync pages went before the user's"
    );
}

/// The worker's next event, bounded in time.
async fn next(events: &mut UnboundedReceiver<WorkerEvent>) -> WorkerEvent {
    tokio::time::timeout(Duration::from_secs(30), events.recv())
        .await
        .expect("the worker answers")
        .expect("the worker is running")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_the_server_fails_says_retrying_under_its_id_and_ends_with_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store.sqlite3");
    let sandbox = sandbox_at("127.0.0.1:0".parse().unwrap()).await;
    sandbox.set_faults(gongdan::sandbox::Faults {
        fail_rate: 1.0,
        ..gongdan::sandbox::Faults::default()
    });
    let mut config = config(sandbox.base_url());
    config.retry.max_attempts = 2;
    config.retry.first_delay = Duration::from_millis(50);
    let (commands, events) = gongdan::worker::spawn_with_store(
        config,
        2,
        None,
        RunsInFlight::default(),
        Some(store.clone()),
    )
    .unwrap();
    let mut worker = (commands, events);
    let events = sync(&mut worker).await;
    let sync_id = gongdan::app::RequestId(900);
    assert!(
        events.iter().any(|e| matches!(
            e,
            WorkerEvent::Fault(gongdan::app::faults::FaultEvent::Retrying { id, error: ApiError::Server { status: 500, .. }, .. })
                if *id == sync_id
        )),
        "{events:?}"
    );
    let Some(WorkerEvent::Synced { id, server, .. }) = events.last() else {
        panic!("{events:?}")
    };
    assert_eq!(*id, sync_id);
    assert!(
        matches!(server, Some(Err(ApiError::Server { status: 500, .. }))),
        "{server:?}"
    );
    // A server that is gone: the error says so (the app counts it as offline).
    drop(sandbox);
    let events = sync(&mut worker).await;
    let Some(WorkerEvent::Synced { server, .. }) = events.last() else {
        panic!("{events:?}")
    };
    assert!(
        matches!(server, Some(Err(ApiError::Network(_)))),
        "{server:?}"
    );
}
