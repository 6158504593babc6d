//! A pseudo-terminal harness for the fault, hostile-text, secret and SSH tests
//! (portable-pty + vt100, as /work/shared/TESTING-NOTES.md describes). Unlike the console's
//! own e2e harness it keeps every raw byte the child wrote, and records what the emulated
//! terminal was asked to do besides drawing (window titles, clipboard writes, bells).

#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::CommandBuilder;

#[path = "../pty/mod.rs"]
mod pty;

#[allow(unused_imports)]
pub use pty::selected_row;

/// A child on a pty (the shared harness, tests/pty), with the emulated screen, every byte
/// it wrote, and what the terminal was asked to do besides drawing.
pub type Session = pty::Session<Recorder>;

pub const ROWS: u16 = 40;
pub const COLS: u16 = 120;
pub const WAIT: Duration = Duration::from_secs(30);

/// What the emulated terminal was asked to do besides drawing.
#[derive(Debug, Default, Clone)]
pub struct Requests {
    pub titles: Vec<Vec<u8>>,
    pub clipboard: Vec<Vec<u8>>,
    pub bells: usize,
    owed: Vec<Vec<u8>>,
}

#[derive(Default)]
pub struct Recorder {
    pub requests: Arc<Mutex<Requests>>,
}

impl vt100::Callbacks for Recorder {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.requests.lock().unwrap().bells += 1;
    }
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.requests.lock().unwrap().titles.push(title.to_vec());
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.requests.lock().unwrap().titles.push(title.to_vec());
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], data: &[u8]) {
        self.requests.lock().unwrap().clipboard.push(data.to_vec());
    }
    /// Answers the cursor position query (ESC[6n) that crossterm may send.
    fn unhandled_csi(
        &mut self,
        screen: &mut vt100::Screen,
        _i1: Option<u8>,
        _i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        if let Some(reply) = pty::cursor_report(screen, params, c) {
            self.requests.lock().unwrap().owed.push(reply);
        }
    }
}

impl pty::Answers for Recorder {
    fn take_owed(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.requests.lock().unwrap().owed)
    }
}

/// A temporary HOME with separate config, state and data directories: never the user's.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
    pub fn state(&self) -> PathBuf {
        self.path().join("state")
    }
    /// The environment that points the console at this home.
    pub fn env(&self) -> Vec<(String, String)> {
        let p = |sub: &str| self.path().join(sub).display().to_string();
        vec![
            ("HOME".into(), self.path().display().to_string()),
            ("XDG_CONFIG_HOME".into(), p("config")),
            ("XDG_STATE_HOME".into(), p("state")),
            ("XDG_DATA_HOME".into(), p("data")),
            ("XDG_CACHE_HOME".into(), p("cache")),
        ]
    }
    /// Every file under the home, with its bytes.
    pub fn files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![self.path().to_path_buf()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if let Ok(bytes) = std::fs::read(&path) {
                    out.push((path, bytes));
                }
            }
        }
        out
    }
}

/// The console binary with a clean environment pointed at `home`.
pub fn console(args: &[&str], home: &Home, env: &[(&str, &str)]) -> CommandBuilder {
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_gongdan"));
    command.args(args);
    command.cwd(env!("CARGO_MANIFEST_DIR"));
    command.env("TERM", "xterm-256color");
    command.env("LANG", "en_US.UTF-8");
    for var in [
        "LC_ALL",
        "LC_MESSAGES",
        "GONGDAN_LOG",
        "GONGDAN_CONFIG",
        "GONGDAN_PROFILE",
        "GONGDAN_PASSWORD",
        // What `ui.hyperlinks = "auto"` reads: hyperlinks stay off unless a test says so.
        "TMUX",
        "TERM_PROGRAM",
        "VTE_VERSION",
        "WT_SESSION",
        "KITTY_WINDOW_ID",
        "KONSOLE_VERSION",
    ] {
        command.env_remove(var);
    }
    for (key, value) in home.env() {
        command.env(key, value);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

impl Session {
    pub fn spawn(command: CommandBuilder) -> Session {
        Self::spawn_sized(command, ROWS, COLS)
    }

    pub fn spawn_sized(command: CommandBuilder, rows: u16, cols: u16) -> Session {
        let mut session = pty::Session::spawn_command(command, rows, cols, Recorder::default());
        session.wait = WAIT;
        session.kill_on_drop = true;
        session
    }

    /// What the terminal was asked to do besides drawing.
    pub fn requests(&self) -> Arc<Mutex<Requests>> {
        self.parser.callbacks().requests.clone()
    }

    /// Waits for the exit (bounded); returns the exit status, after draining the output.
    pub fn wait_exit(&mut self, within: Duration) -> portable_pty::ExitStatus {
        self.exit_status_within(within, "the child")
    }
}

/// The ticket id at the start of a list row (`> 1234  ...`).
pub fn row_id(row: &str) -> Option<u64> {
    row.trim_start_matches('>')
        .split_whitespace()
        .next()
        .and_then(|id| id.parse().ok())
}

/// Counts the occurrences of `needle` in `haystack`.
pub fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|window| *window == needle)
        .count()
}

/// The count a typed confirmation asks for ("type 150 to confirm"), once it is on screen
/// whole.
pub fn count_asked(screen: &str) -> Option<String> {
    let before = &screen[..screen.find(" to confirm")?];
    let digits: String = before
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    (!digits.is_empty()).then(|| digits.chars().rev().collect())
}

/// Waits (bounded by `within`) until every write that reached the sandbox is finished:
/// applied, refused or dropped.
pub fn writes_done(sandbox: &gongdan::sandbox::Sandbox, within: Duration) {
    let deadline = Instant::now() + within;
    while sandbox.writes_in_flight() > 0 {
        assert!(
            Instant::now() < deadline,
            "{} writes still at the sandbox after {within:?}",
            sandbox.writes_in_flight()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
