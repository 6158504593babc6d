//! Scrolling costs what comes in (issue 14): the built binary on a 120×40 pty against the
//! sandbox's live-shaped seed. Held past the bottom row, `j` moves the list a row a press and
//! the terminal scrolls instead of getting every row again; `k` past the top the same. Bytes,
//! counted on the pty, never times; every wait is bounded.

#![allow(clippy::unwrap_used)]

mod pty;

use std::time::Duration;

use pty::{Session, selected_row};

/// Long enough for a redraw caused by the key (names arriving) to be counted with it.
const SETTLE: Duration = Duration::from_millis(400);

/// Where the selection is on the screen, and what it shows.
fn selection(session: &Session) -> (usize, String) {
    let contents = session.parser.screen().contents();
    contents
        .lines()
        .enumerate()
        .find(|(_, line)| line.starts_with('>'))
        .map(|(y, line)| (y, line.to_string()))
        .unwrap_or_else(|| panic!("no selection on\n{contents}"))
}

/// Presses `key`, waits for the selection to move and the screen to settle; the selection's
/// row on screen and the bytes written.
fn press(session: &mut Session, key: &str) -> (usize, usize) {
    let before = selection(session);
    let written = session.raw.len();
    session.send(key);
    session.wait_for(&format!("{key:?} to move the selection"), |s| {
        selected_row(s).is_some_and(|row| row != before.1)
    });
    session.settle(SETTLE);
    // SCROLL_DUMP=1 prints what each key wrote, to see where the bytes go.
    if std::env::var_os("SCROLL_DUMP").is_some() {
        eprintln!(
            "{key}: {:?}",
            String::from_utf8_lossy(&session.raw[written..])
        );
    }
    (selection(session).0, session.raw.len() - written)
}

fn scroll_costs_a_row(lang: &str) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime
        .block_on(gongdan::sandbox::start(
            gongdan::sandbox::SandboxOptions::default(),
        ))
        .unwrap();
    let base_url = sandbox.base_url();
    let mut session = Session::spawn(
        &["--base-url", &base_url, "--account", "admin@example.com"],
        &[("GONGDAN_PASSWORD", "admin-pass"), ("LANG", lang)],
    );
    session.wait_first_list();
    // The All tab: the 500 seeded tickets.
    session.send("4");
    session.settle(Duration::from_millis(800));
    // Once down and back, so that the names of the rows the test scrolls to are known (their
    // lookups are another part of the issue).
    for _ in 0..3 {
        session.send(&"j".repeat(25));
        session.settle(Duration::from_millis(600));
    }
    session.send("gg");
    session.settle(Duration::from_millis(600));

    // Down to the last row on screen.
    let mut row = selection(&session).0;
    loop {
        let (now, _) = press(&mut session, "j");
        if now == row {
            break;
        }
        row = now;
    }
    let mut down = Vec::new();
    for _ in 0..10 {
        let (now, bytes) = press(&mut session, "j");
        assert_eq!(now, row, "the selection stays on the last row");
        down.push(bytes);
    }
    // Up to the first row on screen, then past it.
    let mut row = selection(&session).0;
    loop {
        let (now, _) = press(&mut session, "k");
        if now == row {
            break;
        }
        row = now;
    }
    let mut up = Vec::new();
    for _ in 0..10 {
        let (now, bytes) = press(&mut session, "k");
        assert_eq!(now, row, "the selection stays on the first row");
        up.push(bytes);
    }
    eprintln!("{lang}: j past the bottom {down:?}, k past the top {up:?}");
    assert!(down.iter().all(|b| *b <= 300), "{lang}: j {down:?}");
    assert!(up.iter().all(|b| *b <= 300), "{lang}: k {up:?}");
    // And what the terminal shows is the list, not a smear of scrolled rows: one selection,
    // every row a different ticket.
    let contents = session.parser.screen().contents();
    let ids: Vec<&str> = contents
        .lines()
        .filter_map(|line| line.get(2..)?.split_whitespace().next())
        .filter(|id| id.parse::<u64>().is_ok())
        .collect();
    let mut distinct = ids.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), ids.len(), "{contents}");
    assert!(ids.len() > 30, "{contents}");
    session.send("q");
    let (success, screen) = session.wait_exit();
    assert!(success);
    assert!(!screen.alternate_screen());
    drop(runtime);
}

#[test]
fn j_past_the_bottom_and_k_past_the_top_cost_at_most_300_bytes_in_english() {
    scroll_costs_a_row("en_US.UTF-8");
}

#[test]
fn j_past_the_bottom_and_k_past_the_top_cost_at_most_300_bytes_in_chinese() {
    scroll_costs_a_row("zh_CN.UTF-8");
}
