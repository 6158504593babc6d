//! `q` while a bulk run is sending, on a pty: the console restores the terminal, says on
//! standard error that it waits for the calls in flight, sends no other call, journals the
//! real outcome of the one in flight, exits 0, and leaves the run to be resumed.
#![allow(clippy::unwrap_used)]

mod faults_common;

use std::time::{Duration, Instant};

use faults_common::*;
use gongdan::sandbox::{Faults, Route, SandboxOptions, start};

#[test]
fn q_mid_run_waits_for_the_call_in_flight_says_so_and_sends_no_other() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime
        .block_on(start(SandboxOptions {
            tickets: 150,
            ..SandboxOptions::default()
        }))
        .unwrap();
    let home = Home::new();
    // One call at a time: 150 tickets are two calls in a row.
    let config = home.path().join("config/gongdan/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "[ui]\nbulk_concurrency = 1\n").unwrap();
    let mut session = Session::spawn(console(
        &[
            "--base-url",
            &sandbox.base_url(),
            "--account",
            "admin@example.com",
        ],
        &home,
        &[("GONGDAN_PASSWORD", "admin-pass")],
    ));
    session.wait_first_list();
    session.send("4");
    session.wait_text("All (150)");
    session.send("A");
    session.wait_text("from the server");
    session.send("b");
    session.wait_text("Bulk edit:");
    session.send("l");
    session.send("l");
    session.wait_text("open");
    session.send("\r");
    session.wait_for("the preview", |s| {
        s.contents().contains("tickets:") || s.contents().contains("to confirm")
    });
    // Every call is slow to answer, well within the console's grace.
    sandbox.set_faults(Faults {
        latency: Duration::from_millis(1200),
        ..Faults::default()
    });
    // Enter starts the run, or (above the threshold) the preview asks for the count.
    session.send("\r");
    session.wait_for_text("the run, or the count to type", |s| {
        s.contains("Bulk run") || count_asked(s).is_some()
    });
    if let Some(count) = count_asked(&session.screen_text()) {
        session.send(&count);
        session.send("\r");
    }
    let deadline = Instant::now() + WAIT;
    while sandbox.request_count(Route::UpdateMany) == 0 {
        assert!(
            Instant::now() < deadline,
            "the run never sent its first call"
        );
        session.pump(Duration::from_millis(10));
    }
    // `q` hides the gauge (Esc there would cancel the run), the next `q` quits.
    session.send("q");
    session.wait_for("the list", |s| !s.contents().contains("Bulk run"));
    session.send("q");
    let status = session.wait_exit(WAIT);
    assert_eq!(status.exit_code(), 0, "{}", session.screen_text());
    assert!(!session.parser.screen().alternate_screen());
    assert!(
        session
            .screen_text()
            .contains("waiting for the calls in flight"),
        "{}",
        session.screen_text()
    );
    assert_eq!(
        sandbox.request_count(Route::UpdateMany),
        1,
        "no call after q"
    );

    // The call in flight got its real outcome; the run waits to be resumed.
    let state = home.path().join("state/gongdan");
    let journal = gongdan::bulk::Journal::new(&state);
    let runs = journal.list().runs;
    assert_eq!(runs.len(), 1, "{:?}", journal.list().problems);
    let run = &runs[0];
    assert_eq!(run.state, gongdan::bulk::RunState::Interrupted);
    assert_eq!(
        run.succeeded,
        100,
        "{}",
        gongdan::words::bulk::run_summary(gongdan::lang::Lang::En, run)
    );
    assert_eq!(run.failed, 0);
    assert!(run.left > 0);
    let loaded = journal.load(&run.run_id).unwrap();
    assert!(loaded.in_flight.is_empty(), "{:?}", loaded.in_flight);
    drop(sandbox);
}
