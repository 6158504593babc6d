//! Lookups in a lane of their own (issue 14, item 8), at the worker level against the
//! sandbox: what the sandbox sees and the order of the answers, never the time taken.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use gongdan::api::{Auth, ClientConfig, ListQuery, SearchQuery};
use gongdan::app::{Command, LookupKey, RequestId, WorkerEvent};
use gongdan::sandbox::{Route, SandboxOptions};
use tokio::sync::mpsc;

fn admin_config(base_url: String) -> ClientConfig {
    ClientConfig::new(
        base_url,
        Auth::Basic {
            account: "admin@example.com".into(),
            password: "admin-pass".into(),
        },
    )
}

fn contact_lookups(ids: std::ops::Range<u64>) -> Vec<Command> {
    ids.map(|n| Command::Lookup {
        id: RequestId(n),
        key: LookupKey::Contact(n),
    })
    .collect()
}

fn search(id: u64) -> Command {
    Command::Search {
        id: RequestId(id),
        query: SearchQuery {
            per_page: Some(10),
            ..SearchQuery::new()
        },
    }
}

/// Every answer, in the order it came, until `count` non-fault events have arrived.
async fn answers(
    events: &mut mpsc::UnboundedReceiver<WorkerEvent>,
    count: usize,
) -> Vec<WorkerEvent> {
    let mut got = Vec::new();
    while got.len() < count {
        let event = tokio::time::timeout(Duration::from_secs(60), events.recv())
            .await
            .expect("the worker answers")
            .expect("the worker is alive");
        if !matches!(event, WorkerEvent::Fault(_)) {
            got.push(event);
        }
    }
    got
}

fn position(answers: &[WorkerEvent], id: RequestId) -> usize {
    answers
        .iter()
        .position(|e| matches!(e, WorkerEvent::Page { id: got, .. } if *got == id))
        .unwrap()
}

/// Forty contact lookups queued, then a view switch (a list page) and a search: with four
/// slots at 200 ms a call, both go out among the first few requests, not after the forty.
#[tokio::test]
async fn a_search_after_a_view_switch_goes_before_the_lookups_queued_ahead_of_it() {
    let sandbox = gongdan::sandbox::start(SandboxOptions {
        tickets: 120,
        latency: Duration::from_millis(200),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let (commands, mut events) =
        gongdan::worker::spawn_with_config(admin_config(sandbox.base_url()), 4, None).unwrap();
    for command in contact_lookups(1001..1041) {
        commands.send(command).unwrap();
    }
    commands
        .send(Command::FetchList {
            id: RequestId(1),
            query: ListQuery {
                page: Some(1),
                per_page: Some(10),
                ..ListQuery::default()
            },
        })
        .unwrap();
    commands.send(search(2)).unwrap();
    let got = answers(&mut events, 42).await;
    let log = sandbox.requests();
    let sent_at = |route: Route| log.iter().position(|r| r.route == route).unwrap();
    // The lane holds at most three lookups at once (one slot is always the user's), and a
    // slot that frees goes to the waiting search first.
    assert!(sent_at(Route::List) <= 3, "{:?}", sent_at(Route::List));
    assert!(sent_at(Route::Search) <= 7, "{:?}", sent_at(Route::Search));
    let looked_before = |at: usize| {
        got[..at]
            .iter()
            .filter(|e| matches!(e, WorkerEvent::Looked { .. }))
            .count()
    };
    assert!(looked_before(position(&got, RequestId(2))) <= 6);
    assert!(looked_before(position(&got, RequestId(1))) <= 3);
    // Every lookup is still answered, once.
    assert_eq!(sandbox.request_count(Route::User), 40);
    assert_eq!(
        got.iter()
            .filter(|e| matches!(e, WorkerEvent::Looked { result: Ok(_), .. }))
            .count(),
        40
    );
    sandbox.shutdown().await;
}

/// Under a limit of three requests a second, thirty lookups back off as the 429s say (each
/// gives its slot back and waits out the `Retry-After`) while two searches still go.
#[tokio::test]
async fn under_a_rate_limit_lookups_back_off_and_the_searches_still_go() {
    let sandbox = gongdan::sandbox::start(SandboxOptions {
        tickets: 120,
        rate_limit: Some(3),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let (commands, mut events) =
        gongdan::worker::spawn_with_config(admin_config(sandbox.base_url()), 4, None).unwrap();
    for command in contact_lookups(1001..1031) {
        commands.send(command).unwrap();
    }
    commands.send(search(1)).unwrap();
    let first = answers(&mut events, 8).await;
    // Sent once the lookups are well under way.
    commands.send(search(2)).unwrap();
    let mut got = first;
    got.extend(answers(&mut events, 31 - 8 + 1).await);
    for id in [RequestId(1), RequestId(2)] {
        let at = position(&got, id);
        assert!(
            matches!(&got[at], WorkerEvent::Page { result: Ok(_), .. }),
            "{:?}",
            got[at]
        );
    }
    let looked_after = |at: usize| {
        got[at..]
            .iter()
            .filter(|e| matches!(e, WorkerEvent::Looked { .. }))
            .count()
    };
    assert!(
        looked_after(position(&got, RequestId(2))) > 0,
        "the second search waited for none of them"
    );
    let attempts = sandbox.request_count(Route::User);
    assert!(attempts >= 30, "{attempts}");
    let ok = got
        .iter()
        .filter(|e| matches!(e, WorkerEvent::Looked { result: Ok(_), .. }))
        .count();
    assert_eq!(ok, 30, "each lookup waited its turn and got its answer");
    sandbox.shutdown().await;
}
