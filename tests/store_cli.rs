//! `gongdan cache status|sync|clear` end to end: the built binary against the sandbox, in a
//! temporary home (issue 16). Also two `cache sync` processes of one profile at once.
#![allow(clippy::unwrap_used)]

mod child;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use child::{code, run_child, stderr, stdout, wait_bounded};
use gongdan::api::{Auth, Client, ClientConfig, TicketChange};
use gongdan::sandbox::{self, Route, Sandbox, SandboxOptions};

const BIN: &str = env!("CARGO_BIN_EXE_gongdan");

struct Env {
    rt: tokio::runtime::Runtime,
    sandbox: Sandbox,
    home: tempfile::TempDir,
}

impl Env {
    fn new(tickets: usize) -> Env {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let sandbox = rt
            .block_on(sandbox::start(SandboxOptions {
                tickets,
                ..SandboxOptions::default()
            }))
            .unwrap();
        let home = tempfile::tempdir().unwrap();
        Env { rt, sandbox, home }
    }

    fn command(&self, args: &[&str], lang: &str) -> Command {
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
        let home = self.home.path();
        cmd.env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("GONGDAN_NO_KEYRING", "1")
            .env("GONGDAN_BASE_URL", self.sandbox.base_url())
            .env("GONGDAN_ACCOUNT", "admin@example.com")
            .env("GONGDAN_PASSWORD", "admin-pass")
            .env("LANG", lang)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        run_child(self.command(args, "C"), None)
    }

    fn store_dir(&self) -> PathBuf {
        self.home.path().join("cache").join("gongdan").join("store")
    }

    fn write_config(&self, text: &str) {
        let path = self.home.path().join("config").join("gongdan");
        std::fs::create_dir_all(&path).unwrap();
        std::fs::write(path.join("config.toml"), text).unwrap();
    }

    fn change_behind(&self, ids: &[u64]) {
        let mut config = ClientConfig::new(
            self.sandbox.base_url(),
            Auth::Basic {
                account: "admin@example.com".into(),
                password: "admin-pass".into(),
            },
        );
        config.timeout = std::time::Duration::from_secs(10);
        let client = Client::new(config).unwrap();
        let change = TicketChange {
            tags: Some(vec!["behind".into()]),
            ..TicketChange::default()
        };
        self.rt.block_on(client.update_many(ids, &change)).unwrap();
    }
}

fn line<'a>(text: &'a str, start: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line {start:?} in {text}"))
}

#[test]
fn status_sync_and_clear_end_to_end() {
    let env = Env::new(300);
    // Before any sync: where it will be, and that there is none yet.
    let out = env.run(&["cache", "status"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("none yet"), "{}", stdout(&out));
    assert!(!env.store_dir().exists());

    // The first sync reads every page, says its progress and what it did.
    let out = env.run(&["cache", "sync"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("full sync: 3/3 pages"), "{err}");
    assert!(
        err.contains("synced: tickets changed: 300, requests: "),
        "{err}"
    );
    let status = stdout(&env.run(&["cache", "status"]));
    assert_eq!(
        line(&status, "tickets:"),
        "tickets: 300 (0 partial: search results only)"
    );
    assert!(line(&status, "size on disk:").ends_with(" bytes"));
    assert!(!line(&status, "last sync:").contains("never"));
    assert!(
        line(&status, "cursor:").ends_with("(through the list)"),
        "{status}"
    );
    let path = line(&status, "path: ")
        .trim_start_matches("path: ")
        .to_owned();
    assert!(std::path::Path::new(&path).starts_with(env.store_dir()));

    // Two changed behind its back: the next sync finds just those, in a page or two.
    env.change_behind(&[11, 12]);
    let before = env.sandbox.request_count(Route::List);
    let out = env.run(&["cache", "sync"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("synced: tickets changed: 2,"),
        "{}",
        stderr(&out)
    );
    assert!(env.sandbox.request_count(Route::List) - before <= 3);
    // The agents, fields and templates were kept by the first sync, not asked again.
    assert_eq!(env.sandbox.request_count(Route::Supports), 1);
    assert_eq!(env.sandbox.request_count(Route::TicketFields), 1);

    // --full reads everything again: nothing differs.
    let out = env.run(&["cache", "sync", "--full"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("full sync: 3/3 pages"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("synced: tickets changed: 0,"),
        "{}",
        stderr(&out)
    );

    // In Chinese too.
    let out = run_child(env.command(&["cache", "status"], "zh_CN.UTF-8"), None);
    assert!(stdout(&out).contains("工单：300"), "{}", stdout(&out));

    // Clear removes the files and says which.
    let out = env.run(&["cache", "clear"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!("removed {path}")),
        "{}",
        stdout(&out)
    );
    assert!(!std::path::Path::new(&path).exists());
    let out = env.run(&["cache", "clear"]);
    assert!(
        stdout(&out).contains("no cache files to remove"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_profile_with_cache_off_says_so_and_sync_refuses() {
    let env = Env::new(20);
    env.write_config(&format!(
        "default_profile = \"work\"\n[profiles.work]\nbase_url = \"{}\"\naccount = \"admin@example.com\"\ncache = false\n",
        env.sandbox.base_url()
    ));
    let out = env.run(&["cache", "status"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("cache is off"), "{}", stdout(&out));
    let out = env.run(&["cache", "sync"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("cache is off for this profile (cache = false)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.sandbox.request_count(Route::List), 0, "nothing asked");
    assert!(!env.store_dir().exists());
}

#[test]
fn a_damaged_store_is_set_aside_and_said_so() {
    let env = Env::new(20);
    let out = env.run(&["cache", "sync"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let file = std::fs::read_dir(env.store_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "sqlite3"))
        .unwrap();
    std::fs::write(&file, vec![7u8; 4096]).unwrap();
    let out = env.run(&["cache", "status"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("could not be used"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains(".broken-1"), "{}", stderr(&out));
    assert!(stdout(&out).contains("tickets: 0"), "{}", stdout(&out));
}

#[test]
fn two_syncs_of_one_profile_at_once_both_finish_with_every_ticket() {
    let env = Env::new(800);
    let first = env.command(&["cache", "sync"], "C").spawn().unwrap();
    let second = env.command(&["cache", "sync"], "C").spawn().unwrap();
    let (first, second) = (wait_bounded(first), wait_bounded(second));
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    assert_eq!(code(&second), 0, "{}", stderr(&second));
    let status = stdout(&env.run(&["cache", "status"]));
    assert_eq!(
        line(&status, "tickets:"),
        "tickets: 800 (0 partial: search results only)"
    );
}

#[test]
fn an_agent_syncs_through_searches_into_partial_tickets() {
    let env = Env::new(150);
    let as_agent = |args: &[&str]| {
        let mut cmd = env.command(args, "C");
        cmd.env("GONGDAN_ACCOUNT", "agent@example.com")
            .env("GONGDAN_PASSWORD", "agent-pass");
        run_child(cmd, None)
    };
    let out = as_agent(&["cache", "sync"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let status = stdout(&as_agent(&["cache", "status"]));
    assert_eq!(
        line(&status, "tickets:"),
        "tickets: 150 (150 partial: search results only)"
    );
    assert!(
        line(&status, "cursor:").ends_with("(through searches)"),
        "{status}"
    );
}
