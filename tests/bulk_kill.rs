//! A bulk run in another process killed with SIGKILL mid-run, then resumed here: every
//! ticket reaches the target and is updated exactly once (the sandbox's update counts).
//!
//! The child is this test binary itself, running the ignored test `child_runs_a_bulk_change`
//! with the sandbox's address and the state directory in its environment.
#![allow(clippy::unwrap_used)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gongdan::api::model::{Reply, TicketChange, TicketStatus};
use gongdan::api::{Auth, Client, ClientConfig};
use gongdan::bulk::{BulkEdit, Engine, Journal, Plan, RunOptions, RunState, Target};
use gongdan::lang::Lang;
use gongdan::sandbox::{self, Faults, Route, SandboxOptions};
use tokio_util::sync::CancellationToken;

const URL_VAR: &str = "GONGDAN_BULK_CHILD_URL";
const STATE_VAR: &str = "GONGDAN_BULK_CHILD_STATE";
/// Set: the child solves the tickets and adds a reply instead of setting a tag.
const REPLY_VAR: &str = "GONGDAN_BULK_CHILD_REPLY";

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

fn engine(base_url: &str, state: &std::path::Path) -> Engine<Client> {
    Engine::new(
        admin(base_url),
        Journal::new(state),
        RunOptions {
            concurrency: 2,
            chunk_size: 20,
            ..RunOptions::default()
        },
        Target {
            profile: "sandbox".into(),
            base_url: base_url.into(),
        },
    )
}

/// The child: starts a bulk change and runs it to the end (unless killed first).
#[tokio::test]
#[ignore = "run by killed_mid_run_resumes_with_every_ticket_changed_once as a child process"]
async fn child_runs_a_bulk_change() {
    let (Ok(url), Ok(state)) = (std::env::var(URL_VAR), std::env::var(STATE_VAR)) else {
        return;
    };
    let client = admin(&url);
    let ids: Vec<u64> = (1..=400).collect();
    let tickets = client.show_many(&ids).await.unwrap().tickets;
    let edit = if std::env::var_os(REPLY_VAR).is_some() {
        BulkEdit::from(TicketChange {
            status: Some(TicketStatus::Solved),
            reply: Some(Reply {
                message: "kill-9 reply".into(),
                attachments: Vec::new(),
            }),
            ..TicketChange::default()
        })
    } else {
        BulkEdit::from(TicketChange {
            tags: Some(vec!["kill-9".to_string()]),
            ..TicketChange::default()
        })
    };
    let engine = engine(&url, std::path::Path::new(&state));
    let plan = Plan::new(
        &edit,
        &tickets,
        engine_target(&url),
        gongdan::bulk::RunStamp::now(),
    );
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    tokio::spawn(async move { while rx.recv().await.is_some() {} });
    engine
        .start(&plan, &tx, &CancellationToken::new())
        .await
        .unwrap();
}

fn engine_target(url: &str) -> Target {
    Target {
        profile: "sandbox".into(),
        base_url: url.into(),
    }
}

fn outcome_lines(state: &std::path::Path) -> usize {
    let Ok(runs) = std::fs::read_dir(state.join("runs")) else {
        return 0;
    };
    runs.flatten()
        .filter_map(|run| std::fs::read_to_string(run.path().join("progress.jsonl")).ok())
        .map(|text| text.matches("\"event\":\"outcome\"").count())
        .sum()
}

#[tokio::test]
async fn killed_mid_run_resumes_with_every_ticket_changed_once() {
    let sandbox = sandbox::start(SandboxOptions {
        tickets: 400,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    // Slow answers, so that the kill lands mid-run with calls in flight.
    sandbox.set_faults(Faults {
        latency: Duration::from_millis(150),
        ..Faults::default()
    });
    let state = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "child_runs_a_bulk_change",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env(URL_VAR, sandbox.base_url())
        .env(STATE_VAR, state.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    // Wait (bounded) until some calls have answered, then kill -9.
    let deadline = Instant::now() + Duration::from_secs(60);
    while outcome_lines(state.path()) < 3 {
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

    let engine = engine(&sandbox.base_url(), state.path());
    let history = engine.history();
    assert_eq!(history.runs.len(), 1, "{:?}", history.problems);
    let run = &history.runs[0];
    assert_eq!(
        run.state,
        RunState::Interrupted,
        "{}",
        gongdan::words::bulk::run_summary(Lang::En, run)
    );
    assert!(run.left > 0);
    let (tx, _rx) = tokio::sync::mpsc::channel(1024);
    let report = engine
        .resume(&run.run_id, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert!(
        report.all_done(),
        "{}",
        gongdan::words::bulk::run_report(Lang::En, &report)
    );

    let tickets = admin(&sandbox.base_url())
        .show_many(&sandbox.ticket_ids())
        .await
        .unwrap()
        .tickets;
    assert_eq!(tickets.len(), 400);
    for ticket in tickets {
        assert_eq!(
            ticket.tags,
            Some(vec!["kill-9".to_string()]),
            "ticket {}",
            ticket.id
        );
        assert_eq!(sandbox.update_count(ticket.id), 1, "ticket {}", ticket.id);
    }
    assert_eq!(engine.history().runs[0].state, RunState::Complete);
}

/// kill -9 right after a reply call left (the sandbox is still handling it: every request
/// waits 400 ms), then resume at once, while the killed process's call may still be
/// applied: the resume reads the tickets, sends the calls in doubt again under their first
/// `Requestid`, and the sandbox answers the repeat from memory. Each ticket is changed
/// once and each reply is sent once.
#[tokio::test]
async fn killed_right_after_a_reply_call_left_resumes_with_each_reply_sent_once() {
    let sandbox = sandbox::start(SandboxOptions {
        tickets: 400,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let replies_before: Vec<usize> = (1..=400).map(|id| sandbox.replies(id).len()).collect();
    let latency = Duration::from_millis(400);
    sandbox.set_faults(Faults {
        latency,
        ..Faults::default()
    });
    let state = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "child_runs_a_bulk_change",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env(URL_VAR, sandbox.base_url())
        .env(STATE_VAR, state.path())
        .env(REPLY_VAR, "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    // Wait (bounded) until the third and fourth writes have reached the sandbox (which is
    // still sleeping on them), then kill -9 at once.
    let deadline = Instant::now() + Duration::from_secs(60);
    while sandbox.request_count(Route::UpdateMany) < 4 {
        assert!(Instant::now() < deadline, "the child never made progress");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the child exited early"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    sandbox.set_faults(Faults::default());

    let engine = engine(&sandbox.base_url(), state.path());
    let history = engine.history();
    let run = &history.runs[0];
    assert_eq!(
        run.state,
        RunState::Interrupted,
        "{}",
        gongdan::words::bulk::run_summary(Lang::En, run)
    );
    let (tx, _rx) = tokio::sync::mpsc::channel(1024);
    let report = engine
        .resume(&run.run_id, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert!(
        report.all_done(),
        "{}",
        gongdan::words::bulk::run_report(Lang::En, &report)
    );
    // The killed process's last calls finish (or are dropped) on the sandbox.
    let deadline = Instant::now() + latency + Duration::from_secs(30);
    while sandbox.writes_in_flight() > 0 {
        assert!(Instant::now() < deadline, "the last calls never finished");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    for id in 1..=400u64 {
        assert_eq!(sandbox.update_count(id), 1, "ticket {id} changed once");
        assert_eq!(
            sandbox.replies(id).len(),
            replies_before[usize::try_from(id - 1).unwrap()] + 1,
            "one reply on ticket {id}"
        );
    }
    assert_eq!(engine.history().runs[0].state, RunState::Complete);
}
