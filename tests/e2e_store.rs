//! Issue 16's console side on the real binary (portable-pty + vt100): the second start of
//! `--demo` with a slow sandbox paints the stored rows, "as of … syncing…", before the
//! sandbox's answer replaces them; with the server gone (a closed port after a first run
//! filled the store) the console opens from the store and says it is offline. Every wait
//! is bounded and waits on the screen or the store, never on a fixed sleep.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod pty;

use pty::Session;

const WAIT: Duration = Duration::from_secs(60);

/// The binary with HOME and the XDG directories under `home`, kept between starts.
fn spawn_in(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Session {
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
    let mut all: Vec<(&str, &str)> = dirs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    all.extend_from_slice(env);
    let mut session = Session::spawn_sized(args, &all, 24, 100);
    session.wait = WAIT;
    session
}

fn quit(mut session: Session) {
    session.send("q");
    let status = session.exit_status_within(WAIT, "the console");
    assert!(status.success(), "exit; screen:\n{}", session.screen_text());
}

/// The store files under the cache directory.
fn stores(home: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut dirs = vec![home.join("cache")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "sqlite3") {
                found.push(path);
            }
        }
    }
    found
}

/// How many views' first pages the store keeps.
fn snapshots(home: &Path) -> usize {
    stores(home)
        .iter()
        .filter_map(|path| {
            let conn = rusqlite::Connection::open(path).ok()?;
            conn.query_row(
                "SELECT COUNT(*) FROM meta WHERE key LIKE 'view:%'",
                [],
                |row| row.get::<_, i64>(0),
            )
            .ok()
        })
        .map(|n| n as usize)
        .sum()
}

/// Waits (bounded) until the store keeps at least `views` views' first pages: the writes
/// follow the answers the screen already shows.
fn wait_for_snapshots(session: &mut Session, home: &Path, views: usize) {
    let deadline = Instant::now() + WAIT;
    while snapshots(home) < views {
        assert!(
            Instant::now() < deadline,
            "the store never kept {views} views; screen:\n{}",
            session.screen_text()
        );
        session.settle(Duration::from_millis(50));
    }
}

fn has_rows(text: &str) -> bool {
    text.lines().any(|line| line.starts_with('>'))
}

#[test]
fn the_second_demo_start_paints_the_stored_rows_before_the_slow_sandbox_answers() {
    let home = tempfile::tempdir().unwrap();
    let args = ["--demo", "--demo-latency-ms", "3000"];
    let mut first = spawn_in(home.path(), &args, &[]);
    first.wait_first_list();
    assert!(
        !first.screen_text().contains("as of"),
        "an empty store paints nothing before the server:\n{}",
        first.screen_text()
    );
    // The four tabs' first pages.
    wait_for_snapshots(&mut first, home.path(), 4);
    quit(first);

    let mut second = spawn_in(home.path(), &args, &[]);
    // Rows under "as of …, syncing…" are the store's: the line says so only until the
    // sandbox's page (3 s away) has replaced them. (A frame may reach the pty in more than
    // one read: the rows and the line are waited for together, not the first rows.)
    second.wait_for_text("the stored rows, as of, syncing", |text| {
        has_rows(text) && text.contains("as of") && text.contains("syncing…")
    });
    // Then the sandbox's page replaces them, in place.
    second.wait_for_text("the server's page", |text| {
        has_rows(text) && !text.contains("syncing…")
    });
    quit(second);
}

#[test]
fn with_the_server_gone_the_console_opens_from_the_store_and_says_offline() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime
        .block_on(gongdan::sandbox::start(
            gongdan::sandbox::SandboxOptions::default(),
        ))
        .unwrap();
    let base_url = sandbox.base_url();
    let home = tempfile::tempdir().unwrap();
    let args = ["--base-url", &base_url, "--account", "admin@example.com"];
    let env = [("GONGDAN_PASSWORD", "admin-pass")];
    let mut first = spawn_in(home.path(), &args, &env);
    first.wait_first_list();
    wait_for_snapshots(&mut first, home.path(), 4);
    quit(first);
    runtime.block_on(sandbox.shutdown());

    // Nothing listens on that port now.
    let mut second = spawn_in(home.path(), &args, &env);
    second.wait_for_text("the stored rows, offline", |text| {
        has_rows(text) && text.contains("offline since") && text.contains("retrying")
    });
    quit(second);
}

/// The sort the status line names in a view from the store ("Updated▼", "ID▲").
fn sort_named(text: &str) -> String {
    let line = text
        .lines()
        .rev()
        .find(|l| l.contains("store, as of"))
        .unwrap_or("");
    line.split(" · ")
        .nth(2)
        .and_then(|rest| rest.split("  ").next())
        .unwrap_or("")
        .trim()
        .to_string()
}

#[test]
fn after_the_demos_sync_the_view_is_the_stores_sorted_and_filtered_locally() {
    let home = tempfile::tempdir().unwrap();
    let mut session = spawn_in(home.path(), &["--demo"], &[]);
    session.wait_first_list();
    // Once the sync has ended the view in front is computed from the store, newest first.
    session.wait_for_text("the store's view", |text| {
        has_rows(text) && text.contains("store, as of") && text.contains("Updated▼")
    });
    // `o` goes through the ticket's columns and the demo's custom fields, then wraps to
    // the id; each press waits for the line to name the next sort.
    let mut presses = 0;
    while sort_named(&session.screen_text()) != "ID▼" {
        let before = sort_named(&session.screen_text());
        assert!(presses < 60, "o never came round to the id");
        session.send("o");
        session.wait_for_text("the next sort", |text| sort_named(text) != before);
        presses += 1;
    }
    // On the header too.
    assert!(
        session
            .screen_text()
            .lines()
            .nth(1)
            .unwrap()
            .contains("ID▼")
    );
    session.send("O");
    session.wait_for_text("by id ascending", |text| text.contains("ID▲"));
    // `f` filters as it is typed; Enter keeps it and the line says it.
    session.send("f");
    session.wait_for_text("the filter's prompt", |text| text.contains("Filter:"));
    session.send("zz-no-such-text");
    session.wait_for_text("no row matches", |text| !has_rows(text));
    session.send("\r");
    session.wait_for_text("the filter kept", |text| {
        text.contains("filter: zz-no-such-text")
    });
    // `f` again holds the text; Esc clears it: the rows come back.
    session.send("f");
    session.wait_for_text("the prompt again", |text| text.contains("Filter:"));
    session.send("\x1b");
    session.wait_for_text("every row again", |text| {
        has_rows(text) && !text.contains("filter:")
    });
    quit(session);
}

#[test]
fn in_the_stores_view_g_reads_the_last_rows_tickets_by_id_and_paints_them() {
    let home = tempfile::tempdir().unwrap();
    let mut session = spawn_in(home.path(), &["--demo"], &[]);
    session.wait_first_list();
    session.wait_for_text("the store's view", |text| {
        has_rows(text) && text.contains("store, as of")
    });
    session.send("4");
    session.wait_for_text("All from the store", |text| {
        has_rows(text)
            && text
                .lines()
                .any(|line| line.contains("store, as of") && line.contains("All 500"))
    });
    // The answer held the tickets of the rows around the top only: the last rows' are read
    // from the store by id, painted as loading until then, and then in full.
    session.send("G");
    session.wait_for_text("the last row painted from its ticket", |text| {
        let selected = text.lines().position(|line| line.starts_with('>'));
        let moved = selected.is_some_and(|at| at > 2);
        moved
            && !text.contains("loading…")
            && selected
                .and_then(|at| text.lines().nth(at))
                .is_some_and(|line| line.split_whitespace().count() >= 5)
    });
    session.send("gg");
    session.wait_for_text("the top again", |text| {
        text.lines()
            .nth(2)
            .is_some_and(|line| line.starts_with('>'))
            && !text.contains("loading…")
    });
    quit(session);
}
