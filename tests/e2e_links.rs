//! End-to-end: links in ticket text as OSC 8 hyperlinks (issue 17, item 8), the built
//! binary on a pty in `--demo`. With `ui.hyperlinks = "on"` a seeded description's help
//! link goes out wrapped in `ESC ] 8 ; ; URL ESC \` … `ESC ] 8 ; ; ESC \`; with the
//! default (`auto`) in a terminal not known to show them, no OSC is written at all.

#![allow(clippy::unwrap_used)]

mod pty;

use pty::Session;

const LINK: &str = "https://help.example.com/kb/";

/// The demo with `config` as its config file, at 40×200.
fn demo(home: &std::path::Path, config: &str) -> Session {
    let dir = home.join("config/gongdan");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), config).unwrap();
    let path = |sub: &str| home.join(sub).display().to_string();
    let (config_home, state, data) = (path("config"), path("state"), path("data"));
    Session::spawn_sized(
        &["--demo"],
        &[
            ("HOME", home.to_str().unwrap()),
            ("XDG_CONFIG_HOME", &config_home),
            ("XDG_STATE_HOME", &state),
            ("XDG_DATA_HOME", &data),
        ],
        40,
        200,
    )
}

/// Opens tickets #1, #2, ... until one shows the seeded help link; its id.
fn open_a_ticket_with_a_link(session: &mut Session) -> u32 {
    for id in 1..=40 {
        session.send("#");
        session.send(&format!("{id}\r"));
        session.wait_for_text(&format!("ticket {id}"), |s| {
            s.contains(&format!("Ticket #{id}")) && s.contains("Description")
        });
        if session.screen_text().contains(LINK) {
            return id;
        }
        session.send("\x1b");
        session.wait_for("the ticket to close", |s| {
            s.contents().lines().any(|l| l.starts_with('>'))
        });
    }
    panic!("no seeded ticket among the first 40 shows {LINK}");
}

/// Every OSC in `raw`: its body, and whether it ended with ST.
fn oscs(raw: &[u8]) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = raw;
    while let Some(start) = rest.windows(2).position(|w| w == b"\x1b]") {
        let body = &rest[start + 2..];
        let end = body.windows(2).position(|w| w == b"\x1b\\");
        let text = &body[..end.unwrap_or(body.len().min(80))];
        out.push((String::from_utf8_lossy(text).to_string(), end.is_some()));
        rest = &body[end.map_or(body.len(), |e| e + 2)..];
    }
    out
}

#[test]
fn a_link_in_a_ticket_is_an_osc_8_hyperlink_when_on() {
    let home = tempfile::tempdir().unwrap();
    let mut session = demo(home.path(), "[ui]\nhyperlinks = \"on\"\n");
    session.wait_first_list();
    let before = session.raw.len();
    let id = open_a_ticket_with_a_link(&mut session);
    // The frame with the link is written by now (the screen shows it).
    let raw = session.raw[before..].to_vec();
    let oscs = oscs(&raw);
    let opened: Vec<&String> = oscs
        .iter()
        .map(|(body, _)| body)
        .filter(|body| body.starts_with(&format!("8;;{LINK}")))
        .collect();
    assert!(
        !opened.is_empty(),
        "ticket #{id}: no OSC 8 for {LINK}: {oscs:?}"
    );
    // Only our own, well formed: OSC 8 with a printable ASCII URL or the close, ended by ST.
    for (body, ended) in &oscs {
        assert!(ended, "an OSC without its ST: {body:?}");
        let url = body
            .strip_prefix("8;;")
            .unwrap_or_else(|| panic!("OSC {body:?}"));
        assert!(url.bytes().all(|b| b.is_ascii_graphic()), "{url:?}");
    }
    let closes = oscs.iter().filter(|(body, _)| body == "8;;").count();
    let opens = oscs.len() - closes;
    assert_eq!(opens, closes, "each link opened is closed: {oscs:?}");
    // The link's text is what the screen shows, whole.
    let url = opened[0].strip_prefix("8;;").unwrap();
    assert!(session.screen_text().contains(url), "{url}");
    session.send("\x1b");
    session.send("q");
    let (ok, _) = session.wait_exit();
    assert!(ok);
}

#[test]
fn auto_writes_no_osc_in_a_terminal_not_known_to_show_links() {
    let home = tempfile::tempdir().unwrap();
    let mut session = demo(home.path(), "[ui]\nhyperlinks = \"auto\"\n");
    session.wait_first_list();
    open_a_ticket_with_a_link(&mut session);
    let raw = session.raw.clone();
    assert!(oscs(&raw).is_empty(), "{:?}", oscs(&raw));
    session.send("\x1b");
    session.send("q");
    let (ok, _) = session.wait_exit();
    assert!(ok);
}
