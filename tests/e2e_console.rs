//! End-to-end: the built binary on a pseudo-terminal (portable-pty + vt100), against the
//! sandbox. Every wait is bounded; the child is killed on timeout and the screen printed.

#![allow(clippy::unwrap_used)]

mod pty;

use pty::{Session, selected_row};

#[test]
fn demo_opens_the_list_and_quits_with_q_restoring_the_terminal() {
    let mut session = Session::spawn(&["--demo"], &[]);
    session.wait_first_list();
    let first = selected_row(session.parser.screen()).unwrap();
    session.send("j");
    session.wait_for("the selection to move", |s| {
        selected_row(s).is_some_and(|row| row != first)
    });
    session.send("q");
    let (success, screen) = session.wait_exit();
    assert!(success, "exit status");
    assert!(!screen.alternate_screen(), "the terminal was restored");
}

#[test]
fn demo_opens_a_ticket_and_searches() {
    let mut session = Session::spawn(&["--demo"], &[]);
    session.wait_first_list();
    session.send("\r");
    session.wait_text("Ticket #");
    session.wait_text("Subject");
    session.send("\x1b");
    session.wait_for("the detail to close", |s| {
        !s.contents().contains("Ticket #")
    });
    session.send("/");
    session.wait_text("Search:");
    // A value with a space is refused inline, before anything is sent.
    session.send("createDT>= 2024-01-01");
    session.send("\r");
    session.wait_text("cannot contain a space");
    // Clear the line and search for open tickets.
    session.send(&"\x7f".repeat(30));
    session.send("ticketStatus:2\r");
    session.wait_for("search results", |s| {
        s.contents().contains("Search: ticketStatus:2")
            && s.contents().lines().any(|l| l.starts_with('>'))
    });
    session.send("\x1b");
    session.wait_for("back to the tab", |s| {
        !s.contents().contains("Search: ticketStatus:2")
    });
    session.send("q");
    let (success, screen) = session.wait_exit();
    assert!(success);
    assert!(!screen.alternate_screen());
}

#[test]
fn demo_as_an_agent_builds_views_from_searches() {
    let mut session = Session::spawn(&["--demo", "--demo-role", "agent"], &[]);
    session.wait_first_list();
    // Said once, until a key (or a few seconds): before the key that goes to All.
    session.wait_text("may not list tickets");
    session.send("4");
    session.wait_for("a list in the All tab", |s| {
        s.contents().lines().any(|l| l.starts_with('>'))
    });
    session.send("q");
    let (success, _) = session.wait_exit();
    assert!(success);
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut session = Session::spawn(&["--demo"], &[]);
    session.wait_first_list();
    let pid = session.child.process_id().expect("a pid");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let (success, screen) = session.wait_exit();
    assert!(
        !screen.alternate_screen(),
        "the terminal was restored (exit ok: {success}); screen:\n{}",
        screen.contents()
    );
}

#[test]
fn a_status_change_reaches_the_sandbox() {
    use gongdan::api::TicketStatus;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime
        .block_on(gongdan::sandbox::start(
            gongdan::sandbox::SandboxOptions::default(),
        ))
        .unwrap();
    let base_url = sandbox.base_url();
    let mut session = Session::spawn(
        &["--base-url", &base_url, "--account", "admin@example.com"],
        &[("GONGDAN_PASSWORD", "admin-pass")],
    );
    session.wait_first_list();
    let row = selected_row(session.parser.screen()).unwrap();
    let id: u64 = row
        .trim_start_matches('>')
        .split_whitespace()
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no id in {row:?}"));
    session.send("s");
    session.wait_text(&format!("Set status of #{id}"));
    session.send("4");
    session.wait_text(&format!("#{id} set to solved"));
    let stored = sandbox.ticket(id).expect("the ticket is in the sandbox");
    let status = match &stored["ticketStatus"] {
        serde_json::Value::Number(n) => n.as_i64().map(TicketStatus::from_code),
        serde_json::Value::String(s) => TicketStatus::parse(s),
        _ => None,
    };
    assert_eq!(status, Some(TicketStatus::Solved), "{stored}");
    session.send("q");
    let (success, screen) = session.wait_exit();
    assert!(success);
    assert!(!screen.alternate_screen());
    drop(runtime);
}

#[test]
fn chinese_ui_and_the_mouse_wheel() {
    let mut session = Session::spawn(&["--demo"], &[("LANG", "zh_CN.UTF-8")]);
    session.wait_first_list();
    session.wait_text("新建");
    session.wait_text("优先级");
    let rows_before: Vec<String> = session.screen_text().lines().map(str::to_string).collect();
    let index_before = rows_before.iter().position(|l| l.starts_with('>')).unwrap();
    // SGR mouse report: wheel down at column 10, row 10.
    session.send("\x1b[<65;10;10M");
    session.wait_for("the wheel to move the selection three rows", |s| {
        s.contents()
            .lines()
            .position(|l| l.starts_with('>'))
            .is_some_and(|i| i == index_before + 3)
    });
    session.send("q");
    let (success, screen) = session.wait_exit();
    assert!(success);
    assert!(!screen.alternate_screen());
}
