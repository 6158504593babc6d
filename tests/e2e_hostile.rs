//! Untrusted text end to end: the built console on a pseudo-terminal against a sandbox
//! whose tickets and contacts carry OSC 52 clipboard writes, OSC 0 title changes, CSI
//! clears, 8-bit CSI, bidi overrides and zero-width characters. The raw bytes the console
//! writes must hold none of them, and the screen must show the rest of the text.

#![allow(clippy::unwrap_used)]

mod faults_common;

use faults_common::*;
use gongdan::sandbox::{SandboxOptions, start};

/// The base64 payload the sandbox puts in its OSC 52 (`rm -rf ~`).
const CLIPBOARD_PAYLOAD: &[u8] = b"cm0gLXJmIH4K";
/// The window title the sandbox tries to set.
const TITLE: &str = "已被接管";
/// Invisible or reordering code points the sandbox seeds, and the 8-bit CSI.
const FORBIDDEN_CHARS: [char; 8] = [
    '\u{9b}', '\u{9d}', '\u{202e}', '\u{202c}', '\u{200b}', '\u{200d}', '\u{feff}', '\u{7}',
];

fn check_screen(session: &Session) {
    let text = session.screen_text();
    assert!(!text.contains(TITLE), "the injected title shows:\n{text}");
    assert!(!text.contains("31m"), "the 8-bit CSI's tail shows:\n{text}");
}

#[test]
fn hostile_ticket_text_reaches_the_terminal_inert() {
    let raw = hostile_session(None);
    assert_eq!(
        count(&raw, b"\x1b]"),
        0,
        "an OSC (clipboard write, title change) reached the terminal"
    );
}

/// With `ui.hyperlinks = "on"` the links in ticket text are written as OSC 8: the only OSC
/// that reaches the terminal, each well formed, its URL printable ASCII (the hostile link's
/// ESC, BEL, 8-bit ST and Chinese percent-encoded, or cleaned away before).
#[test]
fn hostile_ticket_text_with_hyperlinks_on_writes_only_our_osc_8() {
    let raw = hostile_session(Some("on"));
    let mut rest = &raw[..];
    let mut urls = Vec::new();
    while let Some(start) = rest.windows(2).position(|w| w == b"\x1b]") {
        let body = &rest[start + 2..];
        let end = body
            .windows(2)
            .position(|w| w == b"\x1b\\")
            .expect("an OSC ended by ST");
        let text = std::str::from_utf8(&body[..end]).unwrap();
        let url = text
            .strip_prefix("8;;")
            .unwrap_or_else(|| panic!("an OSC not ours: {text:?}"));
        assert!(url.bytes().all(|b| b.is_ascii_graphic()), "{url:?}");
        if !url.is_empty() {
            urls.push(url.to_string());
        }
        rest = &body[end + 2..];
    }
    assert!(
        urls.iter().any(|u| u.starts_with("https://evil.example/")),
        "the hostile link is a hyperlink: {urls:?}"
    );
}

/// Opens a hostile ticket of a sandbox seeded with hostile text and quits, with
/// `ui.hyperlinks` set to `hyperlinks` when given; checks what shows and what the
/// terminal was asked to do but OSCs, and answers every byte the console wrote.
fn hostile_session(hyperlinks: Option<&str>) -> Vec<u8> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime
        .block_on(start(SandboxOptions {
            tickets: 120,
            hostile_text: true,
            ..SandboxOptions::default()
        }))
        .unwrap();
    let home = Home::new();
    if let Some(setting) = hyperlinks {
        let dir = home.path().join("config/gongdan");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("config.toml"),
            format!("[ui]\nhyperlinks = {setting:?}\n"),
        )
        .unwrap();
    }
    let base_url = sandbox.base_url();
    let mut session = Session::spawn(console(
        &["--base-url", &base_url, "--account", "admin@example.com"],
        &home,
        &[("GONGDAN_PASSWORD", "admin-pass")],
    ));
    session.wait_first_list();
    check_screen(&session);
    // The All tab: every ticket, one in five hostile, with contact names (one in ten
    // hostile) looked up for the rows.
    session.send("4");
    // Wait for the All tab's own first page (its status line count), not just any rows:
    // the previous tab's rows stay on screen until that page lands.
    session.wait_for("the All tab", |s| {
        let text = s.contents();
        text.lines().any(|l| l.starts_with('>'))
            && text.contains("txt.exe")
            && text
                .lines()
                .last()
                // The server's first page (100 of 120), or all 120 when the local store
                // answers the view first.
                .is_some_and(|l| l.contains("All 100/120") || l.contains("All 120/120"))
    });
    check_screen(&session);
    // Move to a hostile ticket and open it: subject, description and custom fields.
    for _ in 0..10 {
        let row = selected_row(session.parser.screen()).unwrap();
        if row_id(&row).is_some_and(|id| id % 5 == 0) {
            break;
        }
        session.send("j");
        // Compare ids, not row text: a contact name landing rewrites the row without the
        // selection moving, and a second `j` sent then would leave one queued behind Enter.
        let before = row_id(&row);
        session.wait_for("the selection to move", |s| {
            selected_row(s).is_some_and(|r| row_id(&r).is_some() && row_id(&r) != before)
        });
    }
    let row = selected_row(session.parser.screen()).unwrap();
    let id = row_id(&row).unwrap();
    assert_eq!(id % 5, 0, "no hostile ticket in the first rows: {row}");
    session.send("\r");
    session.wait_text(&format!("#{id}"));
    // The description's words survive, in order, with the controls gone between them.
    session.wait_text("txt.exe用户");
    // The subject ends in the same words: the description itself has landed once its link
    // shows. The ticket opens from the list's copy, which has no description, and the full
    // one follows; a ticket with tables and files has its description below the screen, so
    // `G` goes to the end until the link is drawn (quitting before, the link was never
    // written and the OSC 8 check had nothing to read).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !session.screen_text().contains("evil.example") {
        assert!(
            std::time::Instant::now() < deadline,
            "the description's link never showed:\n{}",
            session.screen_text()
        );
        session.send("G");
        session.pump(std::time::Duration::from_millis(100));
    }
    // The attachment's name that climbs out of the folder is a plain name.
    session.wait_text("_.._.ssh_authorized_keys");
    assert!(
        !session.screen_text().contains("../"),
        "a path in a file name"
    );
    check_screen(&session);
    // Back to the list, and quit.
    session.send("\x1b");
    session.wait_for("the detail to close", |s| {
        s.contents().lines().any(|l| l.starts_with('>'))
    });
    session.send("q");
    let status = session.wait_exit(WAIT);
    assert!(status.success(), "exit: {status:?}");

    let raw = session.raw.clone();
    assert_eq!(
        count(&raw, CLIPBOARD_PAYLOAD),
        0,
        "the OSC 52 payload was written"
    );
    assert_eq!(
        count(&raw, b"\x07\x1b[2J"),
        0,
        "the injected clear was written"
    );
    // The console's own clears: one at start, and one each when the ticket opens and
    // closes (a full redraw costs less there than a diff); no resize here. One more would
    // be the customer's.
    assert!(
        count(&raw, b"\x1b[2J") <= 3,
        "{} screen clears",
        count(&raw, b"\x1b[2J")
    );
    let text = String::from_utf8_lossy(&raw);
    for c in FORBIDDEN_CHARS {
        assert!(!text.contains(c), "{c:?} reached the terminal");
    }
    // 8-bit C1 controls as raw bytes outside UTF-8 (the lossy decoding shows them as U+FFFD
    // only if they were not valid UTF-8: none are).
    assert!(std::str::from_utf8(&raw).is_ok(), "output is not UTF-8");
    let requests = session.requests().lock().unwrap().clone();
    assert!(
        requests.titles.is_empty(),
        "title set: {:?}",
        requests.titles
    );
    assert!(requests.clipboard.is_empty(), "clipboard written");
    assert_eq!(requests.bells, 0, "the bell rang");
    drop(runtime);
    raw
}
