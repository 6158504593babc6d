//! End-to-end, the real binary on a pty (`--demo`): the input path as a terminal user types.
//! Keys typed 20 ms apart act one by one; an Esc glued to the next key (one read: a fast
//! typist, a slow link, tmux's escape-time) acts as Esc then the key; a draft survives a
//! hang-up, SIGTERM or Ctrl-C 100 ms after the last key; the mouse is left to the terminal
//! and a bracketed paste lands whole. Behaviour only: every wait is bounded, none is timed.

#![allow(clippy::unwrap_used)]

mod pty;

use std::time::Duration;

use pty::Session;

const SIZES: [(u16, u16); 3] = [(24, 80), (40, 120), (50, 200)];

fn demo(rows: u16, cols: u16, lang: &str) -> Session {
    let mut session = Session::spawn_sized(&["--demo"], &[("LANG", lang)], rows, cols);
    session.kill_on_drop = true;
    session.wait_first_list();
    session
}

fn typed_apart(session: &mut Session, keys: &[&str], gap: Duration) {
    for key in keys {
        session.send(key);
        session.settle(gap);
    }
}

#[test]
fn enter_esc_q_typed_20_ms_apart_open_close_and_quit_at_every_size() {
    for (round, (rows, cols)) in SIZES.iter().enumerate() {
        let lang = if round % 2 == 0 {
            "en_US.UTF-8"
        } else {
            "zh_CN.UTF-8"
        };
        let mut session = demo(*rows, *cols, lang);
        typed_apart(
            &mut session,
            &["j", "\r", "\x1b", "q"],
            Duration::from_millis(20),
        );
        let status = session.exit_status_within(Duration::from_secs(10), "the console");
        assert!(status.success(), "{rows}x{cols} {lang}");
        assert!(!session.parser.screen().alternate_screen());
    }
}

#[test]
fn esc_and_q_read_together_close_the_ticket_and_quit() {
    let mut session = demo(40, 120, "en_US.UTF-8");
    session.send("\r");
    // The ticket is open (the list's selection marker is gone with the list).
    session.wait_for_text("the ticket", |s| !s.lines().any(|l| l.starts_with('>')));
    // One write: crossterm reads it as Alt-q, which nothing binds.
    session.send("\x1bq");
    let status = session.exit_status_within(Duration::from_secs(10), "the console");
    assert!(status.success());
}

#[test]
fn the_mouse_is_left_to_the_terminal_and_paste_is_bracketed() {
    let mut session = demo(40, 120, "en_US.UTF-8");
    session.send("r");
    session.wait_text("Reply to #");
    // A pasted block: its line breaks (a lone CR, as most terminals send them) are line
    // breaks, not Enter; its `q` is text.
    session.send("\x1b[200~first line q\rsecond line\rthird\x1b[201~");
    session.wait_text("third");
    let screen = session.screen_text();
    let line_of = |text: &str| screen.lines().position(|l| l.contains(text));
    let (first, second, third) = (
        line_of("first line q"),
        line_of("second line"),
        line_of("third"),
    );
    assert!(
        first.is_some() && second == first.map(|l| l + 1) && third == second.map(|l| l + 1),
        "three lines, one under the other: {screen}"
    );
    session.send("\x03");
    let (success, _screen, raw) = session.wait_exit_with_output();
    assert!(success);
    let raw = String::from_utf8_lossy(&raw);
    assert!(raw.contains("\x1b[?2004h"), "bracketed paste is turned on");
    assert!(raw.contains("\x1b[?2004l"), "and off again on the way out");
    for mode in ["\x1b[?1000h", "\x1b[?1002h", "\x1b[?1003h", "\x1b[?1006h"] {
        assert!(
            !raw.contains(mode),
            "mouse capture {mode:?} is off by default"
        );
    }
}

/// The draft files under the session's home.
fn drafts_in(session: &Session) -> Vec<String> {
    fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.components().any(|c| c.as_os_str() == "drafts") {
                found.push(std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }
    let mut found = Vec::new();
    walk(session.home().unwrap(), &mut found);
    found
}

#[derive(Debug, Clone, Copy)]
enum WayOut {
    HangUp,
    Term,
    CtrlC,
}

fn signal(session: &Session, which: &str) {
    let pid = session.child.process_id().unwrap();
    let status = std::process::Command::new("kill")
        .args([which, &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn a_draft_survives(way: WayOut) {
    let mut session = demo(24, 80, "zh_CN.UTF-8");
    session.send("r");
    session.wait_for_text("the composer", |s| s.contains("回复 #"));
    let text = "您好，订单 DD2026 已补发";
    session.send(text);
    session.wait_text("已补发");
    // 100 ms after the last key: well inside the one-second debounce.
    session.settle(Duration::from_millis(100));
    match way {
        // What the kernel sends the console when its terminal goes (an ssh link cut).
        WayOut::HangUp => signal(&session, "-HUP"),
        WayOut::Term => signal(&session, "-TERM"),
        WayOut::CtrlC => session.send("\x03"),
    }
    let status = session.exit_status_within(Duration::from_secs(10), "the console");
    // Every way out is a clean exit (README: exit statuses), the terminal put back.
    assert_eq!(status.exit_code(), 0, "{way:?}: {}", session.screen_text());
    assert!(
        !session.parser.screen().alternate_screen(),
        "{way:?}: the alternate screen was left"
    );
    let drafts = drafts_in(&session);
    assert!(
        drafts.iter().any(|d| d == text),
        "{way:?}: the draft on disk: {drafts:?}"
    );

    // The next start offers it on the same ticket.
    let home = session.home().unwrap().to_path_buf();
    let env = [
        ("HOME", home.to_str().unwrap()),
        ("XDG_CONFIG_HOME", &*home.join("config").to_string_lossy()),
        ("XDG_STATE_HOME", &*home.join("state").to_string_lossy()),
        ("XDG_DATA_HOME", &*home.join("data").to_string_lossy()),
        ("LANG", "zh_CN.UTF-8"),
    ]
    .map(|(k, v)| (k, v.to_string()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut again = Session::spawn_sized(&["--demo"], &env, 24, 80);
    again.kill_on_drop = true;
    again.wait_first_list();
    again.send("r");
    again.wait_text("已补发");
}

#[test]
fn a_draft_survives_sighup_100_ms_after_the_last_key() {
    a_draft_survives(WayOut::HangUp);
}

#[test]
fn a_draft_survives_sigterm_100_ms_after_the_last_key() {
    a_draft_survives(WayOut::Term);
}

#[test]
fn a_draft_survives_ctrl_c_100_ms_after_the_last_key() {
    a_draft_survives(WayOut::CtrlC);
}

/// 100 KB pasted into the composer arrive as one text: the whole block is there, the last
/// line on screen at the caret, and nothing in it ran as a key (its `q`s and Esc-free text
/// stay text; the console is still in the composer).
#[test]
fn a_100_kb_paste_lands_whole_in_the_composer() {
    let mut session = demo(40, 120, "en_US.UTF-8");
    session.send("r");
    session.wait_text("Reply to #");
    let line = "订单 DD2026 地址：上海市 q j k\n";
    let mut block = String::new();
    while block.len() < 100 * 1024 {
        block.push_str(line);
    }
    block.push_str("THE-END-OF-THE-PASTE");
    session.send(&format!("\x1b[200~{block}\x1b[201~"));
    session.wait_text("THE-END-OF-THE-PASTE");
    assert!(session.screen_text().contains("Reply to #"));
    // Ctrl-C writes the draft on the way out: all of it.
    session.send("\x03");
    session.exit_status_within(Duration::from_secs(20), "the console");
    let drafts = drafts_in(&session);
    assert!(
        drafts.contains(&block),
        "the draft holds the whole paste ({} drafts)",
        drafts.len()
    );
}
