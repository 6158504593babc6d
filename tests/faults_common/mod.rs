//! A pseudo-terminal harness for the fault, hostile-text, secret and SSH tests
//! (portable-pty + vt100, as /work/shared/TESTING-NOTES.md describes). Unlike the console's
//! own e2e harness it keeps every raw byte the child wrote, and records what the emulated
//! terminal was asked to do besides drawing (window titles, clipboard writes, bells).

#![allow(dead_code, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

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
        if c == 'n' && params.first().is_some_and(|p| p.first() == Some(&6)) {
            let (row, col) = screen.cursor_position();
            self.requests
                .lock()
                .unwrap()
                .owed
                .push(format!("\x1b[{};{}R", row + 1, col + 1).into_bytes());
        }
    }
}

/// A child on a pty, with the emulated screen and every byte it wrote.
pub struct Session {
    pub parser: vt100::Parser<Recorder>,
    pub requests: Arc<Mutex<Requests>>,
    pub raw: Vec<u8>,
    chunks: Receiver<Vec<u8>>,
    writer: Option<Box<dyn Write + Send>>,
    pub child: Box<dyn Child + Send + Sync>,
    master: Option<Box<dyn MasterPty + Send>>,
    pub ended: bool,
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
        Session::spawn_sized(command, ROWS, COLS)
    }

    pub fn spawn_sized(command: CommandBuilder, rows: u16, cols: u16) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let child = pty.slave.spawn_command(command).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let (tx, chunks) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    // EIO when the child has gone: the end of the stream.
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if tx.send(buf[..n].to_vec()).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        let writer = pty.master.take_writer().unwrap();
        let recorder = Recorder::default();
        let requests = recorder.requests.clone();
        Session {
            parser: vt100::Parser::new_with_callbacks(
                std::num::NonZeroU16::new(rows).unwrap(),
                std::num::NonZeroU16::new(cols).unwrap(),
                0,
                recorder,
            ),
            requests,
            raw: Vec::new(),
            chunks,
            writer: Some(writer),
            child,
            master: Some(pty.master),
            ended: false,
        }
    }

    pub fn pump(&mut self, wait: Duration) {
        match self.chunks.recv_timeout(wait) {
            Ok(chunk) => {
                self.raw.extend_from_slice(&chunk);
                self.parser.process(&chunk);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => self.ended = true,
        }
        let owed: Vec<Vec<u8>> = std::mem::take(&mut self.requests.lock().unwrap().owed);
        if let Some(writer) = &mut self.writer {
            for reply in owed {
                let _ = writer.write_all(&reply);
                let _ = writer.flush();
            }
        }
    }

    pub fn screen_text(&self) -> String {
        self.parser.screen().contents()
    }

    /// Waits until the screen satisfies `pred`, or fails with the screen.
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&vt100::Screen) -> bool) {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            self.pump(Duration::from_millis(20));
            if pred(self.parser.screen()) {
                return;
            }
            if self.ended {
                break;
            }
        }
        let _ = self.child.kill();
        panic!(
            "timed out waiting for {what}; screen:\n{}",
            self.screen_text()
        );
    }

    pub fn wait_text(&mut self, text: &str) {
        let text = text.to_string();
        self.wait_for(&format!("{text:?}"), move |s| s.contents().contains(&text));
    }

    pub fn send(&mut self, keys: &str) {
        let writer = self.writer.as_mut().unwrap();
        writer.write_all(keys.as_bytes()).unwrap();
        writer.flush().unwrap();
    }

    /// The first list is on screen: alternate screen, a selected row.
    pub fn wait_first_list(&mut self) {
        self.wait_for("the first list", |s| {
            s.alternate_screen() && s.contents().lines().any(|l| l.starts_with('>'))
        });
    }

    /// Reads for a while without waiting for anything in particular.
    pub fn settle(&mut self, time: Duration) {
        let deadline = Instant::now() + time;
        while Instant::now() < deadline && !self.ended {
            self.pump(Duration::from_millis(20));
        }
    }

    /// Closes the master side: the child's terminal hangs up (SIGHUP).
    pub fn hang_up(&mut self) {
        self.writer = None;
        self.master = None;
    }

    /// Waits for the exit (bounded); returns the exit status, after draining the output.
    pub fn wait_exit(&mut self, within: Duration) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + within;
        let status = loop {
            self.pump(Duration::from_millis(20));
            if let Ok(Some(status)) = self.child.try_wait() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the child did not exit; screen:\n{}", self.screen_text());
            }
        };
        let drain_deadline = Instant::now() + Duration::from_secs(5);
        while !self.ended && Instant::now() < drain_deadline {
            self.pump(Duration::from_millis(20));
        }
        status
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}

/// The row the selection is on.
pub fn selected_row(screen: &vt100::Screen) -> Option<String> {
    screen
        .contents()
        .lines()
        .find(|l| l.starts_with('>'))
        .map(str::to_string)
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
