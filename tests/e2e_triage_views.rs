//! Issue 17, items 3 to 5, on the real binary (portable-pty + vt100) in `--demo`: a view
//! of the config with its own columns and SLA targets shows the SLA, age and time in
//! status; after the sync `o` reaches "closest to breach"; `F` then one key narrows the
//! view to a tag (fewer rows, the previewed ticket has it) and `X` clears it; against a
//! sandbox, Ctrl-S writes the search shown into the config file, its comments kept. Every
//! wait is bounded and waits on the screen, never on a fixed sleep.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::Duration;

mod pty;

use pty::Session;

const WAIT: Duration = Duration::from_secs(60);

const CONFIG: &str = r#"# The demo's view with its own columns.
[profiles.demo]
views = [
    { name = "SLA", search = "ticketStatus:1,2,3", columns = ["id", "sla", "priority", "subject", "age", "in_status", "tags"] },
]

[sla.urgent]
first_response = "1h"
resolution = "8h"

[sla.high]
first_response = "4h"
resolution = "1d"

[sla.normal]
resolution = "3d"

[sla.low]
resolution = "7d"
"#;

fn spawn_in(home: &Path) -> Session {
    let config = home.join("config").join("gongdan");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), CONFIG).unwrap();
    let dirs: Vec<(String, String)> = [
        ("HOME", home.to_path_buf()),
        ("XDG_CONFIG_HOME", home.join("config")),
        ("XDG_STATE_HOME", home.join("state")),
        ("XDG_DATA_HOME", home.join("data")),
        ("XDG_CACHE_HOME", home.join("cache")),
    ]
    .into_iter()
    .map(|(key, path)| (key.to_string(), path.to_str().unwrap().to_string()))
    .collect();
    let env: Vec<(&str, &str)> = dirs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut session = Session::spawn_sized(&["--demo"], &env, 30, 160);
    session.wait = WAIT;
    session
}

#[test]
fn a_morning_of_triage_sla_columns_closest_to_breach_and_a_tag_in_two_keys() {
    let home = tempfile::tempdir().unwrap();
    let mut session = spawn_in(home.path());
    session.wait_first_list();
    // The fifth tab is the config's view, with its columns.
    session.send("5");
    session.wait_for_text("the SLA view's columns", |text| {
        let header = text.lines().nth(1).unwrap_or("");
        header.contains("SLA") && header.contains("In status") && header.contains("Age")
    });
    // Once the sync ended the view is the store's: `o` goes on to closest to breach.
    session.wait_for_text("the store's view", |text| text.contains("store, as of"));
    let mut presses = 0;
    while !session.screen_text().contains("closest to breach") {
        assert!(presses < 40, "o never came to closest to breach");
        let before = session.screen_text();
        session.send("o");
        session.wait_for_text("the next sort", |text| text != before);
        presses += 1;
    }
    // The header marks the SLA column as the sort.
    // Ascending: the least time left (the most overdue) first.
    session.wait_for_text("the SLA header's arrow", |text| {
        text.lines().nth(1).unwrap_or("").contains("SLA▲")
    });
    let all = pty::store_rows(&session.screen_text()).unwrap();
    // Two keys: F, then the key on a tag's line.
    session.send("F");
    session.wait_for_text("the facets", |text| text.contains("Filter SLA"));
    // The tags come last: down to the last value (the highlight stops there).
    session.send(&"j".repeat(60));
    session.wait_for_text("the tags", |text| pty::first_tag(text).is_some());
    let (key, tag) = pty::first_tag(&session.screen_text())
        .unwrap_or_else(|| panic!("no tag offered:\n{}", session.screen_text()));
    session.send(&key.to_string());
    // Still the store's view, fewer rows; the selected ticket (in the preview) has the tag.
    session.wait_for_text("the view narrowed to the tag", |text| {
        pty::store_rows(text).is_some_and(|rows| rows < all)
            && text
                .lines()
                .any(|l| l.contains("│Tags") && l.contains(tag.as_str()))
    });
    // X clears it: every row again.
    session.send("X");
    session.wait_for_text("the filter cleared", |text| {
        pty::store_rows(text) == Some(all)
    });
    session.send("q");
    let status = session.exit_status_within(WAIT, "the console");
    assert!(status.success(), "exit; screen:\n{}", session.screen_text());
}

#[test]
fn ctrl_s_saves_the_search_shown_into_the_config_file_keeping_its_comments() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime
        .block_on(gongdan::sandbox::start(
            gongdan::sandbox::SandboxOptions::default(),
        ))
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config").join("gongdan");
    std::fs::create_dir_all(&config).unwrap();
    let path = config.join("config.toml");
    let text = format!(
        "# my console\n[profiles.work]\nbase_url = \"{}\"  # the sandbox\naccount = \"admin@example.com\"\nviews = [\n    {{ name = \"Mine\", search = \"ticketStatus:2\" }},\n]\n",
        sandbox.base_url()
    );
    std::fs::write(&path, &text).unwrap();
    let dirs: Vec<(String, String)> = [
        ("HOME", home.path().to_path_buf()),
        ("XDG_CONFIG_HOME", home.path().join("config")),
        ("XDG_STATE_HOME", home.path().join("state")),
        ("XDG_DATA_HOME", home.path().join("data")),
        ("XDG_CACHE_HOME", home.path().join("cache")),
    ]
    .into_iter()
    .map(|(key, path)| (key.to_string(), path.to_str().unwrap().to_string()))
    .collect();
    let mut env: Vec<(&str, &str)> = dirs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    env.push(("GONGDAN_PASSWORD", "admin-pass"));
    let mut session = Session::spawn_sized(&[], &env, 30, 120);
    session.wait = WAIT;
    session.wait_first_list();
    session.send("/");
    session.wait_text("Search:");
    session.send("ticketStatus:1\r");
    session.wait_for_text("the search's results", |text| {
        text.lines()
            .next()
            .unwrap_or("")
            .contains("Search: ticketStatus:1")
    });
    // Ctrl-S, a name, Enter: the loop writes the file.
    session.send("\x13");
    session.wait_text("Save as a view named:");
    // The search's text is offered as the name: cleared first.
    session.send("\x15New ones\r");
    session.wait_text("Saved the view \"New ones\"");
    let saved = std::fs::read_to_string(&path).unwrap();
    let added = "    { name = \"New ones\", search = \"ticketStatus:1\" },\n";
    assert_eq!(saved.replace(added, ""), text, "{saved}");
    // A tab from now on.
    session.send("\x1b");
    session.wait_for_text("the new tab", |text| {
        text.lines().next().unwrap_or("").contains("New ones")
    });
    session.send("q");
    let status = session.exit_status_within(WAIT, "the console");
    assert!(status.success(), "exit; screen:\n{}", session.screen_text());
    drop(runtime);
}
