//! Issue 17's morning on the real binary in `--demo` (portable-pty + vt100), one session:
//! sort the SLA view by closest to breach, open the first ticket, apply the demo's macro
//! (solved, assigned to me, its canned reply opened in the composer), insert another canned
//! reply at the caret, attach a file, send, and land on the next ticket; then download a
//! ticket's attachment, filter the view to one tag with two keys, and hear a watched view
//! ring when a ticket arrives behind the console's back (created through the demo
//! sandbox's API, whose address the log names). Every wait is bounded and on the screen.

#![allow(clippy::unwrap_used)]

mod pty;

use std::path::Path;
use std::time::{Duration, Instant};

use gongdan::api::{Auth, Client, ClientConfig, NewContact, NewTicket, Reply, TicketStatus};
use pty::Session;

const WAIT: Duration = Duration::from_secs(60);

fn config(download_dir: &Path) -> String {
    format!(
        r#"[profiles.demo]
views = [
    {{ name = "SLA", search = "ticketStatus:1,2,3", columns = ["id", "sla", "priority", "subject", "age", "tags"], watch = "bell" }},
]

[ui]
auto_refresh_secs = 1
download_dir = {:?}

[sla.urgent]
first_response = "1h"
resolution = "8h"

[sla.high]
resolution = "1d"

[sla.normal]
resolution = "3d"

[sla.low]
resolution = "7d"
"#,
        download_dir.display().to_string()
    )
}

/// The demo sandbox's address, from the console's log.
fn demo_url(logs: &Path) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        for entry in std::fs::read_dir(logs).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            if let Some(at) = text.find("demo sandbox listening on ") {
                let rest = &text[at + "demo sandbox listening on ".len()..];
                let url: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
                return url.trim_matches('"').to_string();
            }
        }
        assert!(Instant::now() < deadline, "no demo address in the log");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_mornings_triage_in_the_demo() {
    let home = tempfile::tempdir().unwrap();
    let downloads = home.path().join("dl");
    let config_dir = home.path().join("config").join("gongdan");
    std::fs::create_dir_all(&config_dir).unwrap();
    std::fs::write(config_dir.join("config.toml"), config(&downloads)).unwrap();
    let attachment = home.path().join("截图说明.txt");
    std::fs::write(&attachment, "step one\nstep two\n").unwrap();
    let path = |sub: &str| home.path().join(sub).display().to_string();
    let (config_home, state, data, cache) =
        (path("config"), path("state"), path("data"), path("cache"));
    let mut session = Session::spawn_sized(
        &["--demo", "--demo-fresh"],
        &[
            ("HOME", home.path().to_str().unwrap()),
            ("XDG_CONFIG_HOME", &config_home),
            ("XDG_STATE_HOME", &state),
            ("XDG_DATA_HOME", &data),
            ("XDG_CACHE_HOME", &cache),
            ("GONGDAN_LOG", "info"),
        ],
        40,
        160,
    );
    session.wait = WAIT;
    session.wait_first_list();

    // 1. The SLA view, from the store, sorted by closest to breach.
    session.send("5");
    session.wait_for_text("the store's SLA view", |text| {
        text.lines().nth(1).unwrap_or("").contains("SLA") && text.contains("store, as of")
    });
    let mut presses = 0;
    while !session.screen_text().contains("closest to breach") {
        assert!(presses < 40, "o never came to closest to breach");
        let before = session.screen_text();
        session.send("o");
        session.wait_for_text("the next sort", |text| text != before);
        presses += 1;
    }
    session.wait_for_text("the SLA header's arrow", |text| {
        text.lines().nth(1).unwrap_or("").contains("SLA▲")
    });

    // 2. The first ticket, then the demo's macro: one line of preview, Enter applies it and
    // the composer opens with its canned reply.
    let first = pty::selected_id(&mut session);
    session.send("l");
    session.wait_text(&format!("Ticket #{first}"));
    session.send("m");
    session.wait_text("2 Solve and thank");
    session.send("2");
    session.wait_text("Enter apply");
    session.send("\r");
    session.wait_text(&format!("Reply to #{first}"));
    session.wait_text(&format!("Thank you for writing. Ticket #{first}"));

    // 3. Another canned reply at the caret (Ctrl-G, a few letters, Enter), a file (Ctrl-O).
    session.send("\x07");
    session.send("info");
    session.wait_text("Need more information");
    session.send("\r");
    session.wait_for_text("the picker closed", |s| !s.contains("Canned replies"));
    session.send("\x0f");
    session.wait_text("File to attach:");
    session.send(&attachment.display().to_string());
    session.send("\r");
    session.wait_for_text("the upload", |s| {
        s.contains("Attached: 截图说明.txt") && !s.contains("(uploading)")
    });

    // 4. Send: the next ticket of the view opens.
    session.send("\x13");
    session.wait_for_text("the next ticket open", |screen| {
        pty::shown_ticket(screen).is_some_and(|shown| shown != first)
    });

    // What the server holds now: solved, assigned to the demo's admin (agent 1).
    let url = demo_url(&home.path().join("state").join("gongdan").join("logs"));
    let mut api = ClientConfig::new(
        url,
        Auth::Basic {
            account: "admin@example.com".into(),
            password: "admin-pass".into(),
        },
    );
    api.allow_insecure_http = true;
    let client = Client::new(api).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let ticket = runtime.block_on(client.show(first)).unwrap();
    assert_eq!(ticket.status, Some(TicketStatus::Solved));
    assert_eq!(ticket.assignee_id, gongdan::api::IdField::Id(1));

    // 5. A ticket's attachment, saved in the download folder.
    session.send("#");
    session.send("3\r");
    session.wait_for_text("ticket 3 with its attachment", |s| {
        s.contains("Ticket #3") && s.contains("截图.png")
    });
    session.send("d");
    session.wait_text("Downloaded 截图.png to");
    assert_eq!(
        std::fs::read(downloads.join("截图.png")).unwrap().len(),
        4601
    );

    // 6. Back to the list: one tag in two keys (F, the key on its line), X clears it.
    // (Keys are taken in order: F below goes to the list.)
    session.send("q");
    session.wait_for_text("the SLA view's count", |s| pty::store_rows(s).is_some());
    let all = pty::store_rows(&session.screen_text()).unwrap();
    session.send("F");
    session.wait_for_text("the facets", |text| text.contains("Filter SLA"));
    session.send(&"j".repeat(60));
    session.wait_for_text("the tags", |text| pty::first_tag(text).is_some());
    let (key, _tag) = pty::first_tag(&session.screen_text()).unwrap();
    session.send(&key.to_string());
    session.wait_for_text("the view narrowed to the tag", |text| {
        pty::store_rows(text).is_some_and(|rows| rows < all)
    });
    session.send("X");
    session.wait_for_text("the filter cleared", |text| {
        pty::store_rows(text) == Some(all)
    });

    // 7. The watched SLA view behind another tab rings when a new ticket arrives.
    session.send("1");
    session.settle(Duration::from_millis(2500));
    let before = session.raw.len();
    let created = runtime
        .block_on(client.create(&NewTicket {
            subject: "打印机冒烟".into(),
            reply: Reply {
                message: "It smokes".into(),
                attachments: Vec::new(),
            },
            contact: Some(NewContact::Id(1001)),
            fields: Default::default(),
        }))
        .unwrap();
    assert!(created.ticket.id > 0);
    let deadline = Instant::now() + WAIT;
    while !session.raw[before..].contains(&0x07) {
        assert!(
            Instant::now() < deadline,
            "the watched view never rang:\n{}",
            session.screen_text()
        );
        session.settle(Duration::from_millis(100));
    }
    // Back to the SLA view, still the store's and sorted by closest to breach.
    session.send("5");
    session.wait_for_text("the SLA view in front", |text| {
        text.lines().nth(1).unwrap_or("").contains("SLA▲")
    });
    session.send("q");
    let status = session.exit_status_within(WAIT, "the console");
    assert!(status.success(), "exit; screen:\n{}", session.screen_text());
}
