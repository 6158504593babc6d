//! Issue 4's "Done when", end to end on the real binary with `--demo` (portable-pty +
//! vt100). Every wait is bounded and waits on the screen; on timeout the child is killed
//! and the screen printed.
//!
//! 1. Mark every ticket of "All" on the server (`A`: 500 over five pages), set them to
//!    solved (grouped preview, typed count), watch the end: the demo's two injected
//!    failures are listed with their reason; `r` retries them; `u` undoes the whole run
//!    (its own preview, typed count). The demo's kept state (replayed in-process here)
//!    shows every ticket back as seeded, each changed exactly twice (the run, the undo).
//! 2. The same run, one call at a time on a slow demo, killed with SIGKILL mid-run; the
//!    demo started again finds its tickets as they were, offers the resume, Enter finishes,
//!    `r` retries the two failures, and every ticket was changed exactly once.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gongdan::api::TicketStatus;
use gongdan::sandbox::{BUSY_REASON, Sandbox};

mod pty;

use pty::{Session, confirm, count_to_type, mark_all_and_preview};

const ROWS: u16 = 40;
const COLS: u16 = 120;
const WAIT: Duration = Duration::from_secs(40);
/// The demo's seeded tickets.
const TICKETS: usize = 500;

/// `gongdan --demo ARGS` with HOME and the XDG directories under `home`, kept between
/// starts (the demo keeps its tickets and runs there).
fn spawn_demo(home: &Path, args: &[&str]) -> Session {
    let mut argv = vec!["--demo"];
    argv.extend_from_slice(args);
    let config = home.join("config");
    let state = home.join("state");
    let data = home.join("data");
    let mut session = Session::spawn_sized(
        &argv,
        &[
            ("HOME", home.to_str().unwrap()),
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

/// Closes the pane (Esc), then quits (q), sent apart (ESC then `q` at once reads as Alt-q).
fn quit(mut session: Session) {
    session.send("\x1b");
    session.settle(Duration::from_millis(300));
    session.send("q");
    let status = session.exit_status_within(WAIT, "the demo");
    assert!(status.success(), "exit; screen:\n{}", session.screen_text());
}

/// Every file named `name` under `dir`.
fn files_named(dir: &Path, name: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.file_name().is_some_and(|n| n == name) {
                found.push(path);
            }
        }
    }
    found
}

/// The demo's sandbox as it would start now: its seed with its kept writes replayed.
fn demo_sandbox(runtime: &tokio::runtime::Runtime, home: &Path) -> Sandbox {
    let files = files_named(home, gongdan::console::DEMO_SANDBOX_FILE);
    assert_eq!(files.len(), 1, "the demo's state file: {files:?}");
    runtime
        .block_on(gongdan::sandbox::start(
            gongdan::console::demo_sandbox_options(0, 0, Some(files[0].clone())),
        ))
        .unwrap()
}

/// The demo's seeded statuses (a sandbox from the same options, nothing kept).
fn seeded_statuses(runtime: &tokio::runtime::Runtime) -> Vec<(u64, Option<TicketStatus>)> {
    let seeded = runtime
        .block_on(gongdan::sandbox::start(
            gongdan::console::demo_sandbox_options(0, 0, None),
        ))
        .unwrap();
    let statuses = seeded
        .ticket_ids()
        .into_iter()
        .map(|id| (id, status_of(&seeded, id)))
        .collect();
    drop(seeded);
    statuses
}

fn status_of(sandbox: &Sandbox, id: u64) -> Option<TicketStatus> {
    let stored = sandbox.ticket(id)?;
    match &stored["ticketStatus"] {
        serde_json::Value::Number(n) => n.as_i64().map(TicketStatus::from_code),
        serde_json::Value::String(s) => TicketStatus::parse(s),
        _ => None,
    }
}

/// The shared preview, checked for the demo's grouping: "N tickets: open → solved A,
/// pending → solved B, ...; K already solved, skipped".
fn mark_all_and_preview_grouped(session: &mut Session) -> usize {
    let count = mark_all_and_preview(session, TICKETS);
    let screen = session.screen_text();
    assert!(screen.contains("→ solved"), "{screen}");
    assert!(screen.contains("already solved, skipped"), "{screen}");
    count
}

/// The result list shows the two injected failures, each with its reason.
fn wait_for_two_failures(session: &mut Session, succeeded: usize) {
    session.wait_for_text("the result with two failures", |s| {
        s.contains("2 failed:") && s.contains(&format!("{succeeded} succeeded:"))
    });
    let screen = session.screen_text();
    let reasons = screen
        .lines()
        .filter(|l| l.contains('#') && l.contains("being edited by another agent"))
        .count();
    assert_eq!(reasons, 2, "two failures with the reason:\n{screen}");
    let reason_head: String = BUSY_REASON.chars().take(8).collect();
    assert!(screen.contains(&reason_head), "{screen}");
}

#[test]
fn demo_marks_500_sets_solved_lists_two_failures_retries_and_undoes_the_run() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let seeded = seeded_statuses(&runtime);
    let home = tempfile::tempdir().unwrap();
    let mut session = spawn_demo(home.path(), &[]);
    let count = mark_all_and_preview_grouped(&mut session);
    let already = seeded
        .iter()
        .filter(|(_, s)| *s == Some(TicketStatus::Solved))
        .count();
    assert_eq!(count, TICKETS - already);
    assert!(count >= 300, "{count}");
    confirm(&mut session, count);
    wait_for_two_failures(&mut session, count - 2);

    // r: only the two failed are sent again; they go through.
    session.send("r");
    session.wait_for_text("the retry's result", |s| {
        s.contains("Retry of") && s.contains("2 succeeded:") && !s.contains("failed:")
    });

    // u: the undo's own preview (grouped, typed count), then it runs.
    session.send("u");
    session.wait_for_text("the undo's preview", |s| {
        s.contains("Undo of") && s.contains("This will change:") && s.contains("to confirm")
    });
    let screen = session.screen_text();
    // The head, then one line per field.
    assert!(
        screen.contains(&format!("undo {count} tickets")) && screen.contains("  status: solved → "),
        "{screen}"
    );
    let undo_count = count_to_type(&screen);
    assert_eq!(undo_count, count);
    confirm(&mut session, undo_count);
    session.wait_for_text("the undo's result", |s| {
        s.contains("Undo of") && s.contains(&format!("{count} succeeded:"))
    });
    quit(session);

    // The demo's kept state: every ticket as seeded, each changed by the run and the undo.
    let sandbox = demo_sandbox(&runtime, home.path());
    for (id, was) in &seeded {
        assert_eq!(status_of(&sandbox, *id), *was, "#{id}");
        let expected = if *was == Some(TicketStatus::Solved) {
            0
        } else {
            2
        };
        assert_eq!(sandbox.update_count(*id), expected, "#{id} (was {was:?})");
    }
    drop(sandbox);
    drop(runtime);
}

/// How many per-ticket outcomes the demo's journal holds.
fn journaled_outcomes(home: &Path) -> usize {
    files_named(home, "progress.jsonl")
        .iter()
        .map(|path| {
            std::fs::read_to_string(path)
                .unwrap_or_default()
                .matches("\"event\":\"outcome\"")
                .count()
        })
        .sum()
}

#[test]
fn demo_killed_mid_run_resumes_after_a_restart_and_changes_each_ticket_once() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let seeded = seeded_statuses(&runtime);
    let home = tempfile::tempdir().unwrap();
    // One call at a time on a slow demo, so that the kill lands between calls.
    let config = home.path().join("config").join("gongdan");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "[ui]\nbulk_concurrency = 1\n").unwrap();

    let mut session = spawn_demo(home.path(), &["--demo-latency-ms", "300"]);
    let count = mark_all_and_preview_grouped(&mut session);
    confirm(&mut session, count);
    let deadline = Instant::now() + WAIT;
    while journaled_outcomes(home.path()) == 0 {
        session.pump(Duration::from_millis(10));
        assert!(
            Instant::now() < deadline,
            "no progress; screen:\n{}",
            session.screen_text()
        );
    }
    session.child.kill().unwrap();
    let _ = session.child.wait();
    drop(session);
    let sandbox = demo_sandbox(&runtime, home.path());
    let sent: u64 = seeded.iter().map(|(id, _)| sandbox.update_count(*id)).sum();
    assert!(sent > 0, "one call had answered");
    assert!(
        (sent as usize) < count,
        "the kill came after the end: {sent} of {count}"
    );
    drop(sandbox);

    // Started again: the tickets are as the killed demo left them, and it offers the resume.
    let mut session = spawn_demo(home.path(), &[]);
    session.wait_text("did not finish last time");
    session.send("\r");
    // The first call (before the kill) met the two injected failures.
    wait_for_two_failures(&mut session, count - 2);
    session.send("r");
    session.wait_for_text("the retry's result", |s| {
        s.contains("Retry of") && s.contains("2 succeeded:") && !s.contains("failed:")
    });
    quit(session);

    let sandbox = demo_sandbox(&runtime, home.path());
    for (id, was) in &seeded {
        assert_eq!(
            status_of(&sandbox, *id),
            Some(TicketStatus::Solved),
            "#{id}"
        );
        let expected = u64::from(*was != Some(TicketStatus::Solved));
        assert_eq!(sandbox.update_count(*id), expected, "#{id} (was {was:?})");
    }
    drop(sandbox);
    drop(runtime);
}

#[test]
fn demo_fresh_starts_over_from_the_seed() {
    let home = tempfile::tempdir().unwrap();
    let mut session = spawn_demo(home.path(), &[]);
    session.wait_for_text("the first list", |s| s.lines().any(|l| l.starts_with('>')));
    quit(session);
    let files = files_named(home.path(), gongdan::console::DEMO_SANDBOX_FILE);
    assert_eq!(files.len(), 1, "{files:?}");
    let kept = &files[0];
    // A change kept by an earlier demo: ticket 1 solved.
    let mut text = std::fs::read_to_string(kept).unwrap();
    text.push_str(
        "{\"op\":\"update\",\"id\":1,\"change\":{\"ticketStatus\":4},\"actor\":1,\"at\":\"2026-11-29 10:00:00\"}\n",
    );
    std::fs::write(kept, &text).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = demo_sandbox(&runtime, home.path());
    assert_eq!(sandbox.update_count(1), 1, "the kept change replays");
    drop(sandbox);

    let mut session = spawn_demo(home.path(), &["--demo-fresh"]);
    session.wait_for_text("the first list", |s| s.lines().any(|l| l.starts_with('>')));
    quit(session);
    let sandbox = demo_sandbox(&runtime, home.path());
    assert_eq!(sandbox.update_count(1), 0, "started over");
    drop(sandbox);
    drop(runtime);
}
