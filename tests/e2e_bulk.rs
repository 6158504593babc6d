//! End-to-end bulk runs: the built binary on a pseudo-terminal (portable-pty + vt100)
//! against a sandbox this test owns. Every wait is bounded; on timeout the child is killed
//! and the screen printed.
//!
//! 1. Mark every ticket of the "All" tab on the server (`A`, five pages), set them to
//!    solved through the bulk pane (preview, typed count), and check the sandbox: every
//!    ticket solved, each not already solved updated exactly once.
//! 2. The same run killed with SIGKILL mid-run (slow sandbox, one call at a time), the
//!    console started again: it offers the resume, Enter finishes the run, and still every
//!    ticket is updated exactly once.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gongdan::api::TicketStatus;
use gongdan::sandbox::{Faults, Sandbox, SandboxOptions};

mod pty;

use pty::{Session, confirm, mark_all_and_preview};

const ROWS: u16 = 40;
const COLS: u16 = 120;
const WAIT: Duration = Duration::from_secs(30);
const TICKETS: usize = 450;

/// The console signed in to the sandbox as admin, with HOME and the XDG directories
/// (config, state: the journal) under `home`.
fn spawn(base_url: &str, home: &Path) -> Session {
    let home_dir = home.to_str().unwrap();
    let config = home.join("config");
    let state = home.join("state");
    let data = home.join("data");
    let mut session = Session::spawn_sized(
        &["--base-url", base_url, "--account", "admin@example.com"],
        &[
            ("GONGDAN_PASSWORD", "admin-pass"),
            ("HOME", home_dir),
            ("XDG_CONFIG_HOME", config.to_str().unwrap()),
            ("XDG_STATE_HOME", state.to_str().unwrap()),
            ("XDG_DATA_HOME", data.to_str().unwrap()),
        ],
        ROWS,
        COLS,
    );
    session.wait = WAIT;
    session
}

/// Closes the pane (Esc), then quits (q). The two are sent apart: ESC followed at once
/// by `q` reads as Alt-q.
fn quit(mut session: Session) {
    session.send("\x1b");
    let pause = Instant::now() + Duration::from_millis(300);
    while Instant::now() < pause {
        session.pump(Duration::from_millis(20));
    }
    session.send("q");
    let deadline = Instant::now() + WAIT;
    loop {
        session.pump(Duration::from_millis(20));
        if let Ok(Some(status)) = session.child.try_wait() {
            assert!(
                status.success(),
                "exit status; screen:\n{}",
                session.screen_text()
            );
            return;
        }
        if Instant::now() > deadline {
            let _ = session.child.kill();
            panic!(
                "the console did not exit; screen:\n{}",
                session.screen_text()
            );
        }
    }
}

fn status_of(sandbox: &Sandbox, id: u64) -> Option<TicketStatus> {
    let stored = sandbox.ticket(id)?;
    match &stored["ticketStatus"] {
        serde_json::Value::Number(n) => n.as_i64().map(TicketStatus::from_code),
        serde_json::Value::String(s) => TicketStatus::parse(s),
        _ => None,
    }
}

fn check_every_ticket_once(sandbox: &Sandbox, before: &[(u64, Option<TicketStatus>)]) {
    let mut changed = 0;
    for (id, was) in before {
        assert_eq!(status_of(sandbox, *id), Some(TicketStatus::Solved), "#{id}");
        let expected = if *was == Some(TicketStatus::Solved) {
            0
        } else {
            1
        };
        changed += expected;
        assert_eq!(sandbox.update_count(*id), expected, "#{id} (was {was:?})");
    }
    assert!(changed > 100, "a run across pages: {changed}");
}

fn progress_outcomes(state: &Path) -> usize {
    let mut total = 0;
    let mut dirs: Vec<PathBuf> = vec![state.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.file_name().is_some_and(|n| n == "progress.jsonl") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                total += text.matches("\"event\":\"outcome\"").count();
            }
        }
    }
    total
}

fn sandbox(runtime: &tokio::runtime::Runtime) -> Sandbox {
    runtime
        .block_on(gongdan::sandbox::start(SandboxOptions {
            tickets: TICKETS,
            ..SandboxOptions::default()
        }))
        .unwrap()
}

#[test]
fn a_bulk_status_change_across_pages_changes_each_ticket_once() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = sandbox(&runtime);
    let before: Vec<(u64, Option<TicketStatus>)> = sandbox
        .ticket_ids()
        .into_iter()
        .map(|id| (id, status_of(&sandbox, id)))
        .collect();
    let home = tempfile::tempdir().unwrap();
    let mut session = spawn(&sandbox.base_url(), home.path());
    let count = mark_all_and_preview(&mut session, TICKETS);
    let already = before
        .iter()
        .filter(|(_, s)| *s == Some(TicketStatus::Solved))
        .count();
    assert_eq!(count, TICKETS - already);
    confirm(&mut session, count);
    session.wait_text(&format!("{count} succeeded:"));
    check_every_ticket_once(&sandbox, &before);
    // The list shows the new values after the run, with the marks in the gutter.
    session.send("\x1b");
    session.wait_for_text("rows solved", |s| {
        s.lines()
            .filter(|l| l.contains(" solved ") && l.contains(gongdan::ui::theme::glyph::MARKED))
            .count()
            > 20
    });
    quit(session);
    drop(runtime);
}

#[test]
fn killed_mid_run_the_console_offers_the_resume_and_changes_each_ticket_once() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = sandbox(&runtime);
    let before: Vec<(u64, Option<TicketStatus>)> = sandbox
        .ticket_ids()
        .into_iter()
        .map(|id| (id, status_of(&sandbox, id)))
        .collect();
    let home = tempfile::tempdir().unwrap();
    // One call at a time, so that the kill lands between calls of a five-call run.
    let config = home.path().join("config").join("gongdan");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "[ui]\nbulk_concurrency = 1\n").unwrap();

    let mut session = spawn(&sandbox.base_url(), home.path());
    let count = mark_all_and_preview(&mut session, TICKETS);
    sandbox.set_faults(Faults {
        latency: Duration::from_millis(250),
        ..Faults::default()
    });
    confirm(&mut session, count);
    // Bounded: once a call has answered, kill -9.
    let state = home.path().join("state");
    let deadline = Instant::now() + WAIT;
    while progress_outcomes(&state) == 0 {
        session.pump(Duration::from_millis(10));
        assert!(
            Instant::now() < deadline,
            "no progress; screen:\n{}",
            session.screen_text()
        );
    }
    session.child.kill().unwrap();
    let _ = session.child.wait();
    let sent_before_kill: u64 = before.iter().map(|(id, _)| sandbox.update_count(*id)).sum();
    assert!(
        (sent_before_kill as usize) < count,
        "the kill came after the end: {sent_before_kill} of {count}"
    );
    drop(session);
    sandbox.set_faults(Faults::default());

    // Start again: the console says the run stopped and offers to resume it.
    let mut session = spawn(&sandbox.base_url(), home.path());
    session.wait_text("did not finish last time");
    session.send("\r");
    session.wait_for_text("the resumed run's result", |s| {
        s.contains("succeeded:") && !s.contains("failed:")
    });
    check_every_ticket_once(&sandbox, &before);
    quit(session);
    drop(runtime);
}
