//! End-to-end: the reply composer in the built binary on a pseudo-terminal (portable-pty +
//! vt100), against the sandbox: open a ticket, press r, type a Chinese reply, check that the
//! real terminal cursor sits at the caret, send with Ctrl-S and check the sandbox got it.
//! Every wait is bounded; the child is killed on timeout and the screen printed.

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const ROWS: u16 = 40;
const COLS: u16 = 120;
const WAIT: Duration = Duration::from_secs(20);

/// Answers the cursor position query (ESC[6n) that crossterm may send.
#[derive(Default)]
struct Replies {
    owed: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl vt100::Callbacks for Replies {
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
            if let Ok(mut owed) = self.owed.lock() {
                owed.push(format!("\x1b[{};{}R", row + 1, col + 1).into_bytes());
            }
        }
    }
}

struct Session {
    parser: vt100::Parser<Replies>,
    owed: Arc<Mutex<Vec<Vec<u8>>>>,
    chunks: Receiver<Vec<u8>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    // Dropping the master hangs up the child: keep it to the end.
    _master: Box<dyn MasterPty + Send>,
    ended: bool,
    // Config and state (logs) directories of the child: never the user's.
    _home: tempfile::TempDir,
}

impl Session {
    fn spawn(args: &[&str], env: &[(&str, &str)]) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_gongdan"));
        command.args(args);
        command.cwd(env!("CARGO_MANIFEST_DIR"));
        command.env("TERM", "xterm-256color");
        command.env("LANG", "en_US.UTF-8");
        command.env_remove("LC_ALL");
        command.env_remove("LC_MESSAGES");
        command.env_remove("GONGDAN_LOG");
        command.env_remove("GONGDAN_CONFIG");
        command.env_remove("GONGDAN_PROFILE");
        command.env_remove("GONGDAN_PASSWORD");
        let home = tempfile::tempdir().unwrap();
        command.env("HOME", home.path());
        command.env("XDG_CONFIG_HOME", home.path().join("config"));
        command.env("XDG_STATE_HOME", home.path().join("state"));
        command.env("XDG_DATA_HOME", home.path().join("data"));
        for (key, value) in env {
            command.env(key, value);
        }
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
        let replies = Replies::default();
        let owed = replies.owed.clone();
        Session {
            parser: vt100::Parser::new_with_callbacks(
                std::num::NonZeroU16::new(ROWS).unwrap(),
                std::num::NonZeroU16::new(COLS).unwrap(),
                0,
                replies,
            ),
            owed,
            chunks,
            writer,
            child,
            _master: pty.master,
            ended: false,
            _home: home,
        }
    }

    fn pump(&mut self, wait: Duration) {
        match self.chunks.recv_timeout(wait) {
            Ok(chunk) => self.parser.process(&chunk),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => self.ended = true,
        }
        let owed: Vec<Vec<u8>> = self
            .owed
            .lock()
            .map(|mut o| o.drain(..).collect())
            .unwrap_or_default();
        for reply in owed {
            let _ = self.writer.write_all(&reply);
            let _ = self.writer.flush();
        }
    }

    fn screen_text(&self) -> String {
        self.parser.screen().contents()
    }

    /// Waits until the screen satisfies `pred`, or fails with the screen.
    fn wait_for(&mut self, what: &str, pred: impl Fn(&vt100::Screen) -> bool) {
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

    fn wait_text(&mut self, text: &str) {
        let text = text.to_string();
        self.wait_for(&format!("{text:?}"), move |s| s.contents().contains(&text));
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// The first list is on screen: alternate screen, a selected row.
    fn wait_first_list(&mut self) {
        self.wait_for("the first list", |s| {
            s.alternate_screen() && s.contents().lines().any(|l| l.starts_with('>'))
        });
    }

    /// Waits for the exit; returns whether it was a success, with the terminal restored.
    fn wait_exit(mut self) -> (bool, vt100::Screen) {
        let deadline = Instant::now() + WAIT;
        let status = loop {
            self.pump(Duration::from_millis(20));
            if let Ok(Some(status)) = self.child.try_wait() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the console did not exit; screen:\n{}", self.screen_text());
            }
        };
        // Drain what is left.
        let drain_deadline = Instant::now() + Duration::from_secs(5);
        while !self.ended && Instant::now() < drain_deadline {
            self.pump(Duration::from_millis(20));
        }
        (status.success(), self.parser.screen().clone())
    }
}

/// The row the selection is on.
fn selected_row(screen: &vt100::Screen) -> Option<String> {
    screen
        .contents()
        .lines()
        .find(|l| l.starts_with('>'))
        .map(str::to_string)
}

/// The screen column (in cells) where `text` starts on `row`, if it is there.
fn column_of(screen: &vt100::Screen, row: u16, text: &str) -> Option<u16> {
    let first: String = text.chars().next()?.to_string();
    (0..COLS).find(|col| {
        screen
            .cell(row, *col)
            .is_some_and(|cell| cell.contents() == first)
            && screen
                .rows(*col, COLS - *col)
                .nth(usize::from(row))
                .is_some_and(|rest| rest.starts_with(text))
    })
}

#[test]
fn a_chinese_reply_is_typed_at_the_terminal_cursor_and_reaches_the_sandbox() {
    use unicode_width::UnicodeWidthStr;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime
        .block_on(gongdan::sandbox::start(
            gongdan::sandbox::SandboxOptions::default(),
        ))
        .unwrap();
    let base_url = sandbox.base_url();
    let mut session = Session::spawn(
        &["--base-url", &base_url, "--account", "admin@example.com"],
        &[("GONGDAN_PASSWORD", "admin-pass")],
    );
    session.wait_first_list();
    let row = selected_row(session.parser.screen()).unwrap();
    let id: u64 = row
        .trim_start_matches('>')
        .split_whitespace()
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no id in {row:?}"));
    session.send("r");
    session.wait_text(&format!("Reply to #{id}"));
    let reply = "您好，问题已处理 ok";
    session.send(reply);
    session.wait_text(reply);
    // The terminal cursor is shown, right after the last character typed.
    session.wait_for("the cursor at the caret", |screen| {
        let Some(row) = (0..ROWS).find(|r| column_of(screen, *r, reply).is_some()) else {
            return false;
        };
        let start = column_of(screen, row, reply).unwrap_or(0);
        let caret = start + reply.width() as u16;
        !screen.hide_cursor() && screen.cursor_position() == (row, caret)
    });
    // Ctrl-S sends it.
    session.send("\x13");
    session.wait_text(&format!("Reply sent to #{id}"));
    let replies = sandbox.replies(id);
    assert!(
        replies.iter().any(|r| r["replyMsg"] == reply),
        "{replies:?}"
    );
    // The detail lists it as sent this session.
    session.wait_text("Replies sent in this session");
    session.send("q");
    session.send("q");
    let (success, screen) = session.wait_exit();
    assert!(success);
    assert!(!screen.alternate_screen());
    drop(runtime);
}
