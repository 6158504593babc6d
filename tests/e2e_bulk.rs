//! End-to-end bulk runs: the built binary on a pseudo-terminal (portable-pty + vt100)
//! against a sandbox this test owns. Every wait is bounded; on timeout the child is killed
//! and the screen printed.
//!
//! 1. Mark every ticket of the "All" tab on the server (`A`, five pages), set them to
//!    solved through the bulk pane (preview, typed count), and check the sandbox: every
//!    ticket solved, each not already solved updated exactly once.
//! 2. The same run killed with SIGKILL mid-run (slow sandbox, one call at a time), the
//!    console started again: it offers the resume, Enter finishes the run, and still every
//!    ticket is updated exactly once.

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gongdan::api::TicketStatus;
use gongdan::sandbox::{Faults, Sandbox, SandboxOptions};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const ROWS: u16 = 40;
const COLS: u16 = 120;
const WAIT: Duration = Duration::from_secs(30);
const TICKETS: usize = 450;

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
}

impl Session {
    /// The console signed in to the sandbox as admin, with HOME and the XDG directories
    /// (config, state: the journal) under `home`.
    fn spawn(base_url: &str, home: &Path) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_gongdan"));
        command.args(["--base-url", base_url, "--account", "admin@example.com"]);
        command.cwd(env!("CARGO_MANIFEST_DIR"));
        command.env("TERM", "xterm-256color");
        command.env("LANG", "en_US.UTF-8");
        for var in [
            "LC_ALL",
            "LC_MESSAGES",
            "GONGDAN_LOG",
            "GONGDAN_CONFIG",
            "GONGDAN_PROFILE",
        ] {
            command.env_remove(var);
        }
        command.env("GONGDAN_PASSWORD", "admin-pass");
        command.env("HOME", home);
        command.env("XDG_CONFIG_HOME", home.join("config"));
        command.env("XDG_STATE_HOME", home.join("state"));
        command.env("XDG_DATA_HOME", home.join("data"));
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

    fn text(&self) -> String {
        self.parser.screen().contents()
    }

    fn wait_for(&mut self, what: &str, pred: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            self.pump(Duration::from_millis(20));
            if pred(&self.text()) {
                return;
            }
            if self.ended {
                break;
            }
        }
        let _ = self.child.kill();
        panic!("timed out waiting for {what}; screen:\n{}", self.text());
    }

    fn wait_text(&mut self, text: &str) {
        let owned = text.to_string();
        self.wait_for(&format!("{text:?}"), move |s| s.contains(&owned));
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Closes the pane (Esc), then quits (q). The two are sent apart: ESC followed at once
    /// by `q` reads as Alt-q.
    fn quit(mut self) {
        self.send("\x1b");
        let pause = Instant::now() + Duration::from_millis(300);
        while Instant::now() < pause {
            self.pump(Duration::from_millis(20));
        }
        self.send("q");
        let deadline = Instant::now() + WAIT;
        loop {
            self.pump(Duration::from_millis(20));
            if let Ok(Some(status)) = self.child.try_wait() {
                assert!(status.success(), "exit status; screen:\n{}", self.text());
                return;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the console did not exit; screen:\n{}", self.text());
            }
        }
    }
}

fn status_of(sandbox: &Sandbox, id: u64) -> Option<TicketStatus> {
    let stored = sandbox.ticket(id)?;
    match &stored["ticketStatus"] {
        serde_json::Value::Number(n) => n.as_i64().map(TicketStatus::from_code),
        serde_json::Value::String(s) => TicketStatus::parse(s),
        _ => None,
    }
}

/// The number in "type N to confirm".
fn count_to_type(screen: &str) -> String {
    let at = screen.find("type ").expect("a typed confirmation");
    screen[at + 5..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

/// On the "All" tab: marks every ticket on the server, opens the bulk pane, picks solved
/// and gets to the preview; returns how many tickets the preview will change.
fn mark_all_and_preview(session: &mut Session) -> usize {
    session.wait_for("the first list", |s| s.lines().any(|l| l.starts_with('>')));
    session.send("4");
    session.wait_text(&format!("All 100/{TICKETS}"));
    session.send("A");
    session.wait_text(&format!("marked {TICKETS} from the server"));
    session.send("b");
    session.wait_text(&format!("Bulk edit: {TICKETS} tickets"));
    // The status row: new, open, pending, solved.
    session.send("\x1b[C\x1b[C\x1b[C\x1b[C");
    session.wait_for("solved picked", |s| {
        s.lines()
            .any(|l| l.contains("Status") && l.contains("solved"))
    });
    session.send("\r");
    session.wait_text("This will change:");
    session.wait_text("to confirm");
    let count = count_to_type(&session.text());
    assert!(
        session.text().contains(&format!("{count} tickets: ")),
        "{}",
        session.text()
    );
    count.parse().unwrap()
}

fn confirm(session: &mut Session, count: usize) {
    session.send(&count.to_string());
    session.send("\r");
}

fn check_every_ticket_once(sandbox: &Sandbox, before: &[(u64, Option<TicketStatus>)]) {
    let mut changed = 0;
    for (id, was) in before {
        assert_eq!(status_of(sandbox, *id), Some(TicketStatus::Solved), "#{id}");
        let expected = if *was == Some(TicketStatus::Solved) {
            0
        } else {
            1
        };
        changed += expected;
        assert_eq!(sandbox.update_count(*id), expected, "#{id} (was {was:?})");
    }
    assert!(changed > 100, "a run across pages: {changed}");
}

fn progress_outcomes(state: &Path) -> usize {
    let mut total = 0;
    let mut dirs: Vec<PathBuf> = vec![state.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.file_name().is_some_and(|n| n == "progress.jsonl") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                total += text.matches("\"event\":\"outcome\"").count();
            }
        }
    }
    total
}

fn sandbox(runtime: &tokio::runtime::Runtime) -> Sandbox {
    runtime
        .block_on(gongdan::sandbox::start(SandboxOptions {
            tickets: TICKETS,
            ..SandboxOptions::default()
        }))
        .unwrap()
}

#[test]
fn a_bulk_status_change_across_pages_changes_each_ticket_once() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = sandbox(&runtime);
    let before: Vec<(u64, Option<TicketStatus>)> = sandbox
        .ticket_ids()
        .into_iter()
        .map(|id| (id, status_of(&sandbox, id)))
        .collect();
    let home = tempfile::tempdir().unwrap();
    let mut session = Session::spawn(&sandbox.base_url(), home.path());
    let count = mark_all_and_preview(&mut session);
    let already = before
        .iter()
        .filter(|(_, s)| *s == Some(TicketStatus::Solved))
        .count();
    assert_eq!(count, TICKETS - already);
    confirm(&mut session, count);
    session.wait_text(&format!("{count} succeeded:"));
    check_every_ticket_once(&sandbox, &before);
    // The list shows the new values after the run, with the marks in the gutter.
    session.send("\x1b");
    session.wait_for("rows solved", |s| {
        s.lines()
            .filter(|l| l.contains(" solved ") && l.contains(gongdan::ui::theme::glyph::MARKED))
            .count()
            > 20
    });
    session.quit();
    drop(runtime);
}

#[test]
fn killed_mid_run_the_console_offers_the_resume_and_changes_each_ticket_once() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = sandbox(&runtime);
    let before: Vec<(u64, Option<TicketStatus>)> = sandbox
        .ticket_ids()
        .into_iter()
        .map(|id| (id, status_of(&sandbox, id)))
        .collect();
    let home = tempfile::tempdir().unwrap();
    // One call at a time, so that the kill lands between calls of a five-call run.
    let config = home.path().join("config").join("gongdan");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "[ui]\nbulk_concurrency = 1\n").unwrap();

    let mut session = Session::spawn(&sandbox.base_url(), home.path());
    let count = mark_all_and_preview(&mut session);
    sandbox.set_faults(Faults {
        latency: Duration::from_millis(250),
        ..Faults::default()
    });
    confirm(&mut session, count);
    // Bounded: once a call has answered, kill -9.
    let state = home.path().join("state");
    let deadline = Instant::now() + WAIT;
    while progress_outcomes(&state) == 0 {
        session.pump(Duration::from_millis(10));
        assert!(
            Instant::now() < deadline,
            "no progress; screen:\n{}",
            session.text()
        );
    }
    session.child.kill().unwrap();
    let _ = session.child.wait();
    let sent_before_kill: u64 = before.iter().map(|(id, _)| sandbox.update_count(*id)).sum();
    assert!(
        (sent_before_kill as usize) < count,
        "the kill came after the end: {sent_before_kill} of {count}"
    );
    drop(session);
    sandbox.set_faults(Faults::default());

    // Start again: the console says the run stopped and offers to resume it.
    let mut session = Session::spawn(&sandbox.base_url(), home.path());
    session.wait_text("did not finish last time");
    session.send("\r");
    session.wait_for("the resumed run's result", |s| {
        s.contains("succeeded:") && !s.contains("failed:")
    });
    check_every_ticket_once(&sandbox, &before);
    session.quit();
    drop(runtime);
}
