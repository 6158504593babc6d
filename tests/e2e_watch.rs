//! End-to-end: a watched view on a pty. With `auto_refresh_secs = 1` and a view
//! `watch = "both"` behind the tab shown, a ticket created on the sandbox meanwhile rings the
//! bell and writes OSC 9 and OSC 777 naming it, once, and the view's tab says `+1 new`.

#![allow(clippy::unwrap_used)]

mod common;
mod pty;

use std::time::Duration;

use gongdan::api::{NewContact, NewTicket, Reply};
use pty::Session;

#[test]
fn a_new_ticket_in_a_watched_view_rings_and_notifies_once() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime
        .block_on(gongdan::sandbox::start(
            gongdan::sandbox::SandboxOptions::default(),
        ))
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config/gongdan");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        format!(
            "default_profile = \"t\"\n\
             [profiles.t]\n\
             base_url = \"{}\"\n\
             account = \"admin@example.com\"\n\
             views = [{{ name = \"Watched\", search = \"ticketStatus:1\", watch = \"both\" }}]\n\
             [ui]\n\
             auto_refresh_secs = 1\n",
            sandbox.base_url()
        ),
    )
    .unwrap();
    let path = |sub: &str| home.path().join(sub).display().to_string();
    let (config_home, state, data) = (path("config"), path("state"), path("data"));
    let mut session = Session::spawn_sized(
        &[],
        &[
            ("GONGDAN_PASSWORD", "admin-pass"),
            ("HOME", home.path().to_str().unwrap()),
            ("XDG_CONFIG_HOME", &config_home),
            ("XDG_STATE_HOME", &state),
            ("XDG_DATA_HOME", &data),
        ],
        40,
        160,
    );
    session.wait_first_list();
    session.wait_text("5 Watched (");
    // A few refreshes with nothing new: nothing rung.
    session.settle(Duration::from_millis(2500));
    assert!(!session.raw.contains(&0x07), "no bell before a new ticket");
    let before = session.raw.len();
    let client = common::admin_client(&sandbox);
    let created = runtime
        .block_on(client.create(&NewTicket {
            subject: "Printer on fire".into(),
            reply: Reply {
                message: "It smokes".into(),
                attachments: Vec::new(),
            },
            contact: Some(NewContact::Id(1001)),
            fields: Default::default(),
        }))
        .unwrap();
    let id = created.ticket.id;
    session.wait_text("+1 new");
    let written = session.raw[before..].to_vec();
    let text = String::from_utf8_lossy(&written).to_string();
    let osc9 = format!("\x1b]9;gongdan: Watched: 1 new · #{id} Printer on fire\x07");
    assert!(text.contains(&osc9), "no OSC 9 for #{id}");
    assert!(text.contains("\x1b]777;notify;gongdan;Watched: 1 new"));
    // Once: later refreshes find nothing new.
    session.settle(Duration::from_millis(2500));
    let all = String::from_utf8_lossy(&session.raw[before..]).to_string();
    assert_eq!(all.matches("\x1b]9;").count(), 1, "one notification");
    // Showing the view sees it.
    session.send("5");
    session.wait_for_text("the count to go", |s| !s.contains("+1 new"));
    session.send("q");
    let (success, _) = session.wait_exit();
    assert!(success);
    drop(runtime);
}
