//! `gongdan tickets list|search|show --offline` (issue 16): after a `cache sync`, with the
//! server gone, the reading commands answer from the local store, say so on standard error,
//! and give what the server gave for the same command (the search through the local
//! evaluator); without a store they say how to make one.
#![allow(clippy::unwrap_used)]

mod child;

use std::process::{Command, Output, Stdio};

use child::{code, run_child, stderr, stdout};
use gongdan::sandbox::{self, SandboxOptions};

const BIN: &str = env!("CARGO_BIN_EXE_gongdan");

fn command(home: &std::path::Path, base_url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    for var in [
        "GONGDAN_CONFIG",
        "GONGDAN_PROFILE",
        "GONGDAN_LOG",
        "LC_ALL",
        "LC_MESSAGES",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("GONGDAN_NO_KEYRING", "1")
        .env("GONGDAN_BASE_URL", base_url)
        .env("GONGDAN_ACCOUNT", "admin@example.com")
        .env("GONGDAN_PASSWORD", "admin-pass")
        .env("LANG", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn ok(out: &Output) -> String {
    assert_eq!(code(out), 0, "{}", stderr(out));
    stdout(out)
}

/// The read commands compared, online then offline.
const READS: &[&[&str]] = &[
    &["tickets", "list", "--all", "--ids"],
    &[
        "tickets", "list", "--sort", "updated", "--order", "desc", "--ids",
    ],
    &["tickets", "search", "--all", "--ids", "ticketStatus:2"],
    &["tickets", "search", "--all", "--ids", "ticketStatus:已解决"],
    &[
        "tickets",
        "search",
        "--all",
        "--ids",
        "priority:4",
        "ticketType:1",
    ],
    &[
        "tickets", "search", "--ids", "--sort", "updated", "--order", "asc",
    ],
    &["tickets", "show", "--json", "5", "17"],
];

#[test]
fn the_reading_commands_answer_from_the_store_as_the_server_did() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sandbox = rt
        .block_on(sandbox::start(SandboxOptions {
            tickets: 250,
            ..SandboxOptions::default()
        }))
        .unwrap();
    let base_url = sandbox.base_url();
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| run_child(command(home.path(), &base_url, args), None);

    // No store yet: it says how to make one.
    let out = run(&["tickets", "list", "--offline"]);
    assert_ne!(code(&out), 0);
    assert!(
        stderr(&out).contains("run gongdan cache sync first"),
        "{}",
        stderr(&out)
    );

    ok(&run(&["cache", "sync"]));
    let online: Vec<String> = READS.iter().map(|args| ok(&run(args))).collect();
    rt.block_on(sandbox.shutdown());

    for (args, online) in READS.iter().zip(online) {
        let mut offline_args = args.to_vec();
        offline_args.insert(2, "--offline");
        let out = run(&offline_args);
        let offline = ok(&out);
        assert!(!offline.is_empty(), "{args:?} printed nothing");
        assert_eq!(offline, online, "{args:?}");
        assert!(
            stderr(&out).contains("offline: read from the local cache, not the server"),
            "{}",
            stderr(&out)
        );
    }
    // One page past the first says there are more, as online.
    let out = run(&["tickets", "list", "--offline", "--ids"]);
    assert_eq!(ok(&out).lines().count(), 100);
    assert!(
        stderr(&out).contains("100 of 250 shown"),
        "{}",
        stderr(&out)
    );
    // A ticket the store does not have is not found, by its id.
    let out = run(&["tickets", "show", "--offline", "5", "9999"]);
    assert_ne!(code(&out), 0);
    assert!(stderr(&out).contains("9999"), "{}", stderr(&out));
}
