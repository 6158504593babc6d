//! Faults on a real terminal: the built console on a pseudo-terminal against the sandbox,
//! with hanging requests, server errors and a password changed mid-session.

#![allow(clippy::unwrap_used)]

mod faults_common;

use std::time::Duration;

use faults_common::*;
use gongdan::sandbox::{Faults, SandboxOptions, start};

fn sandbox(runtime: &tokio::runtime::Runtime) -> gongdan::sandbox::Sandbox {
    runtime
        .block_on(start(SandboxOptions {
            tickets: 60,
            ..SandboxOptions::default()
        }))
        .unwrap()
}

fn spawn(home: &Home, base_url: &str) -> Session {
    Session::spawn(console(
        &["--base-url", base_url, "--account", "admin@example.com"],
        home,
        &[("GONGDAN_PASSWORD", "admin-pass")],
    ))
}

#[test]
fn keys_work_while_every_request_hangs_and_q_quits_at_once() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = sandbox(&runtime);
    sandbox.set_faults(Faults {
        latency: Duration::from_secs(120),
        ..Faults::default()
    });
    let home = Home::new();
    let mut session = spawn(&home, &sandbox.base_url());
    session.wait_for("the first frame", |s| {
        s.alternate_screen() && s.contents().contains("?=")
    });
    session.send("?");
    session.wait_text("Keys");
    session.send("?");
    session.wait_for("help to close", |s| !s.contents().contains("Keys"));
    session.send("4");
    session.wait_for("the All tab", |s| {
        s.contents()
            .lines()
            .last()
            .is_some_and(|l| l.contains("All"))
    });
    session.send("q");
    let status = session.wait_exit(Duration::from_secs(10));
    assert!(status.success(), "{status:?}");
    assert!(
        !session.parser.screen().alternate_screen(),
        "terminal restored"
    );
    drop(runtime);
}

#[test]
fn server_errors_say_retrying_then_press_r_and_the_rows_stay() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = sandbox(&runtime);
    let home = Home::new();
    let mut session = spawn(&home, &sandbox.base_url());
    session.wait_first_list();
    // Once the first sync ended the view is the store's: its `R` is a sync, whose failure
    // speaks as a page's would (before, it failed without a word).
    session.wait_text("store, as of");
    let id = row_id(&selected_row(session.parser.screen()).unwrap()).unwrap();
    // Every request fails with a 500 and an HTML page.
    sandbox.set_faults(Faults {
        fail_rate: 1.0,
        ..Faults::default()
    });
    session.send("R");
    session.wait_text("retrying in");
    session.wait_text("press R to retry");
    assert_eq!(
        selected_row(session.parser.screen()).and_then(|r| row_id(&r)),
        Some(id),
        "the list kept its rows and selection"
    );
    // R again, with the server well: the status line clears the error.
    sandbox.set_faults(Faults::default());
    session.send("R");
    session.wait_for("the reload to succeed", |s| {
        !s.contents().contains("press R to retry")
    });
    session.send("q");
    assert!(session.wait_exit(WAIT).success());
    drop(runtime);
}

#[test]
fn a_password_changed_mid_session_is_asked_again_without_losing_the_screen() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = sandbox(&runtime);
    let home = Home::new();
    let mut session = spawn(&home, &sandbox.base_url());
    session.wait_first_list();
    let id = row_id(&selected_row(session.parser.screen()).unwrap()).unwrap();
    sandbox.set_password("admin@example.com", "new-pass-2");
    session.send("R");
    session.wait_text("Sign in again");
    assert_eq!(
        selected_row(session.parser.screen()).and_then(|r| row_id(&r)),
        Some(id),
        "the list is still under the prompt:\n{}",
        session.screen_text()
    );
    // A wrong password: asked again.
    session.send("wrong\r");
    session.wait_text("Sign-in refused");
    assert!(session.screen_text().contains("Sign in again"));
    session.send("new-pass-2\r");
    session.wait_for("the prompt to close", |s| {
        !s.contents().contains("Sign in again")
    });
    session.settle(Duration::from_millis(500));
    assert!(
        !session.screen_text().contains("Sign in again"),
        "{}",
        session.screen_text()
    );
    assert!(selected_row(session.parser.screen()).is_some());
    session.send("q");
    assert!(session.wait_exit(WAIT).success());
    let text = String::from_utf8_lossy(&session.raw);
    assert!(!text.contains("new-pass-2"), "the password was echoed");
    drop(runtime);
}

/// The composer's title, `Reply to #N`, and that ticket number.
fn replying_to(session: &mut Session) -> u64 {
    session.wait_text("Reply to #");
    let screen = session.screen_text();
    let at = screen.find("Reply to #").unwrap() + "Reply to #".len();
    screen[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

/// A draft typed for #N on one server is kept after a hang-up 100 ms after the last key and
/// offered again on that server; on another server (same ticket number, same home, same
/// account) the composer of #N opens empty.
#[test]
fn a_draft_is_offered_on_its_own_server_and_never_on_another() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let first = sandbox(&runtime);
    let second = sandbox(&runtime);
    let home = Home::new();
    let text = "Dear customer, the parcel DD2026 was sent again";

    let mut session = spawn(&home, &first.base_url());
    session.wait_first_list();
    session.send("r");
    let ticket = replying_to(&mut session);
    session.send(text);
    session.wait_text("sent again");
    session.settle(Duration::from_millis(100));
    let pid = session.child.process_id().unwrap();
    assert!(
        std::process::Command::new("kill")
            .args(["-HUP", &pid.to_string()])
            .status()
            .unwrap()
            .success()
    );
    session.wait_exit(Duration::from_secs(10));
    let on_disk: Vec<_> = home
        .files()
        .into_iter()
        .filter(|(path, _)| path.components().any(|c| c.as_os_str() == "drafts"))
        .collect();
    assert!(
        on_disk.iter().any(|(_, bytes)| bytes == text.as_bytes()),
        "the draft is on disk after the hang-up: {on_disk:?}"
    );

    // The other server: the same first ticket, an empty composer.
    let mut other = spawn(&home, &second.base_url());
    other.wait_first_list();
    other.send("r");
    assert_eq!(replying_to(&mut other), ticket, "the same ticket number");
    other.settle(Duration::from_millis(300));
    assert!(
        !other.screen_text().contains("sent again"),
        "another server's draft is offered: {}",
        other.screen_text()
    );
    other.send("\x03");
    other.wait_exit(Duration::from_secs(10));

    // Its own server offers it again. (The sandbox's port differs between runs, so the
    // same server is the same sandbox, still running.)
    let mut again = spawn(&home, &first.base_url());
    again.wait_first_list();
    again.send("r");
    assert_eq!(replying_to(&mut again), ticket);
    again.wait_text("sent again");
    again.send("\x03");
    again.wait_exit(Duration::from_secs(10));
}
