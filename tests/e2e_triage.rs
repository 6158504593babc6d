//! End-to-end (issue 17): the one-ticket loop in the built binary on a pseudo-terminal,
//! against the sandbox: open the first ticket, apply a macro by its own key (its preview one
//! line, Enter confirms) that solves it, assigns it to the agent signed in and opens its
//! canned reply filled in the composer; send it, and the next ticket of the view opens.
//! Every wait is bounded; the child is killed on timeout and the screen printed.

#![allow(clippy::unwrap_used)]

mod pty;

use gongdan::api::TicketStatus;
use pty::Session;

const CONFIG: &str = r#"
[[snippets]]
name = "thanks"
title = "感谢来信"
body = "感谢您的来信（工单 #{ticket_id}）。{agent}"

[[macros]]
name = "Solve and thank"
key = "ctrl-k"
status = "solved"
assignee = "me"
snippet = "thanks"
"#;

#[test]
fn a_macro_with_a_snippet_then_send_moves_on_to_the_next_ticket() {
    // The admin is the sandbox's agent 1; an ordinary agent (who may not show tickets, so
    // the ticket's new time comes from a search) is agent 2.
    one_ticket_loop(("admin@example.com", "admin-pass"), 1);
    one_ticket_loop(("agent@example.com", "agent-pass"), 2);
}

fn one_ticket_loop((account, password): (&str, &str), agent_id: u64) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime
        .block_on(gongdan::sandbox::start(
            gongdan::sandbox::SandboxOptions::default(),
        ))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, CONFIG).unwrap();
    let base_url = sandbox.base_url();
    let mut session = Session::spawn(
        &["--base-url", &base_url, "--account", account],
        &[
            ("GONGDAN_PASSWORD", password),
            ("GONGDAN_CONFIG", config.to_str().unwrap()),
        ],
    );
    session.wait_first_list();
    let id = pty::selected_id(&mut session);
    session.send("l");
    session.wait_text(&format!("Ticket #{id}"));
    // Ctrl-K: the macro's own key. One ticket: its preview is one line.
    session.send("\x0b");
    session.wait_text("Enter apply");
    session.send("\r");
    session.wait_text(&format!("Reply to #{id}"));
    session.wait_text(&format!("感谢您的来信（工单 #{id}）。"));
    session.send("\x13");
    session.wait_for_text("the next ticket open", |screen| {
        pty::shown_ticket(screen).is_some_and(|shown| shown != id)
    });
    let stored = sandbox.ticket(id).unwrap();
    let status = match &stored["ticketStatus"] {
        serde_json::Value::Number(n) => n.as_i64().map(TicketStatus::from_code),
        serde_json::Value::String(s) => TicketStatus::parse(s),
        _ => None,
    };
    assert_eq!(status, Some(TicketStatus::Solved), "{stored}");
    assert_eq!(
        stored["servicerUserId"].to_string().trim_matches('"'),
        agent_id.to_string()
    );
    let replies = sandbox.replies(id);
    let last = replies.last().unwrap()["replyMsg"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        last.starts_with(&format!("感谢您的来信（工单 #{id}）。")) && !last.contains("{agent}"),
        "{last}"
    );
    session.send("q");
    session.send("q");
    let (success, screen) = session.wait_exit();
    assert!(success);
    assert!(!screen.alternate_screen());
    drop(runtime);
}

/// A macro's key the list already binds stays the list's, and the start says so (the macro
/// is applied from the menu); `m` then lists it with the built-in first.
#[test]
fn a_macro_key_the_list_binds_is_said_at_start_and_the_menu_still_applies_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[[macros]]\nname = \"Urgent\"\nkey = \"j\"\npriority = \"urgent\"\n",
    )
    .unwrap();
    let mut session = Session::spawn(
        &["--demo", "--demo-fresh"],
        &[("GONGDAN_CONFIG", config.to_str().unwrap())],
    );
    session.wait_first_list();
    session.wait_text("macro \"Urgent\": its key j is taken (list); apply it from the m menu");
    session.send("m");
    session.wait_text("1 Assign to me");
    session.wait_text("2 Urgent  [j]");
    session.send("\x1b");
    session.send("q");
    let (success, _) = session.wait_exit();
    assert!(success);
}

/// `--demo` without a config has canned replies and a macro to try: `m` `2` Enter solves the
/// open ticket, assigns it to the demo's agent and opens the thanks reply, filled.
#[test]
fn the_demo_has_a_macro_and_canned_replies_to_try() {
    let mut session = Session::spawn(&["--demo", "--demo-fresh"], &[]);
    session.wait_first_list();
    let id = pty::selected_id(&mut session);
    session.send("l");
    session.wait_text(&format!("Ticket #{id}"));
    session.send("m");
    session.wait_text("2 Solve and thank");
    session.send("2");
    session.wait_text("Enter apply");
    session.send("\r");
    session.wait_text(&format!("Reply to #{id}"));
    session.wait_text(&format!("Thank you for writing. Ticket #{id}"));
    // The other canned reply is a Ctrl-G away.
    session.send("\x07");
    session.send("info");
    session.wait_text("Need more information");
    // Esc closes the picker, then the composer (the draft kept), then the ticket.
    session.send("\x1b");
    session.wait_for_text("the picker closed", |s| !s.contains("Canned replies"));
    session.send("\x1b");
    session.wait_for_text("the composer closed", |s| !s.contains("Reply to #"));
    session.send("q");
    session.wait_for_text("the list", |s| !s.contains(&format!("Ticket #{id}")));
    session.send("q");
    let (success, _) = session.wait_exit();
    assert!(success);
}
