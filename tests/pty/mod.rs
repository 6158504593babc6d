//! A pty harness for end-to-end tests of the built binary (portable-pty + vt100), as in
//! e2e_console.rs, with the size and environment given by the test. The one harness of the
//! e2e tests: faults_common builds on it with its own callbacks.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const WAIT: Duration = Duration::from_secs(20);

/// Callbacks of the emulated terminal that answer the child's queries: the replies owed.
pub trait Answers: vt100::Callbacks {
    /// The replies owed to the child since the last call.
    fn take_owed(&mut self) -> Vec<Vec<u8>>;
}

/// Answers the cursor position query (ESC[6n) that crossterm may send.
#[derive(Default)]
pub struct Replies {
    owed: Arc<Mutex<Vec<Vec<u8>>>>,
}

/// The reply to the cursor position query (ESC[6n), if `c` and `params` are one.
pub fn cursor_report(screen: &vt100::Screen, params: &[&[u16]], c: char) -> Option<Vec<u8>> {
    if c == 'n' && params.first().is_some_and(|p| p.first() == Some(&6)) {
        let (row, col) = screen.cursor_position();
        Some(format!("\x1b[{};{}R", row + 1, col + 1).into_bytes())
    } else {
        None
    }
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
        if let Some(reply) = cursor_report(screen, params, c)
            && let Ok(mut owed) = self.owed.lock()
        {
            owed.push(reply);
        }
    }
}

impl Answers for Replies {
    fn take_owed(&mut self) -> Vec<Vec<u8>> {
        self.owed
            .lock()
            .map(|mut o| o.drain(..).collect())
            .unwrap_or_default()
    }
}

/// A child on a pty, with the emulated screen and every byte it wrote.
pub struct Session<C: Answers = Replies> {
    pub parser: vt100::Parser<C>,
    pub raw: Vec<u8>,
    chunks: Receiver<Vec<u8>>,
    writer: Option<Box<dyn Write + Send>>,
    pub child: Box<dyn Child + Send + Sync>,
    // Dropping the master hangs up the child: keep it to the end (or `hang_up`).
    master: Option<Box<dyn MasterPty + Send>>,
    pub ended: bool,
    /// How long `wait_for` (and `wait_exit`) wait.
    pub wait: Duration,
    /// Kill the child, if it is still running, when the session is dropped.
    pub kill_on_drop: bool,
    // Config and state (logs) directories of the child: never the user's.
    _home: Option<tempfile::TempDir>,
}

impl Session {
    pub fn spawn(args: &[&str], env: &[(&str, &str)]) -> Session {
        Self::spawn_sized(args, env, 40, 120)
    }

    pub fn spawn_sized(args: &[&str], env: &[(&str, &str)], rows: u16, cols: u16) -> Session {
        Self::spawn_program(env!("CARGO_BIN_EXE_gongdan"), args, env, rows, cols)
    }

    /// Any program on the pty (tmux, say), with the same environment as the console gets.
    pub fn spawn_program(
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        rows: u16,
        cols: u16,
    ) -> Session {
        let mut command = CommandBuilder::new(program);
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
        command.env_remove("NO_COLOR");
        command.env_remove("COLORTERM");
        command.env_remove("TMUX");
        // What `ui.hyperlinks = "auto"` reads: hyperlinks stay off unless a test says so.
        for var in [
            "TERM_PROGRAM",
            "VTE_VERSION",
            "WT_SESSION",
            "KITTY_WINDOW_ID",
            "KONSOLE_VERSION",
        ] {
            command.env_remove(var);
        }
        let home = tempfile::tempdir().unwrap();
        command.env("HOME", home.path());
        command.env("XDG_CONFIG_HOME", home.path().join("config"));
        command.env("XDG_STATE_HOME", home.path().join("state"));
        command.env("XDG_DATA_HOME", home.path().join("data"));
        for (key, value) in env {
            command.env(key, value);
        }
        let mut session = Self::spawn_command(command, rows, cols, Replies::default());
        session._home = Some(home);
        session
    }

    /// Waits for the exit; returns whether it was a success, with the terminal restored.
    pub fn wait_exit(self) -> (bool, vt100::Screen) {
        let (success, screen, _) = self.wait_exit_with_output();
        (success, screen)
    }

    /// [`Session::wait_exit`], with every byte the child wrote (for checks on the order of
    /// output).
    pub fn wait_exit_with_output(mut self) -> (bool, vt100::Screen, Vec<u8>) {
        let status = self.exit_status_within(self.wait, "the console");
        let raw = std::mem::take(&mut self.raw);
        (status.success(), self.parser.screen().clone(), raw)
    }
}

impl<C: Answers> Session<C> {
    /// `command` on a pty of `rows` x `cols`, the emulated terminal calling `callbacks`.
    pub fn spawn_command(command: CommandBuilder, rows: u16, cols: u16, callbacks: C) -> Self {
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
        Session {
            parser: vt100::Parser::new_with_callbacks(
                std::num::NonZeroU16::new(rows).unwrap(),
                std::num::NonZeroU16::new(cols).unwrap(),
                0,
                callbacks,
            ),
            raw: Vec::new(),
            chunks,
            writer: Some(writer),
            child,
            master: Some(pty.master),
            ended: false,
            wait: WAIT,
            kill_on_drop: false,
            _home: None,
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
        let owed = self.parser.callbacks_mut().take_owed();
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
        let deadline = Instant::now() + self.wait;
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

    /// Waits until the screen's text satisfies `pred`, or fails with the screen.
    pub fn wait_for_text(&mut self, what: &str, pred: impl Fn(&str) -> bool) {
        self.wait_for(what, move |s| pred(&s.contents()));
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

    /// The child's temporary home (config and state under it), for spawned consoles.
    pub fn home(&self) -> Option<&std::path::Path> {
        self._home.as_ref().map(|home| home.path())
    }

    /// Closes the master side: the child's terminal hangs up (SIGHUP).
    pub fn hang_up(&mut self) {
        self.writer = None;
        self.master = None;
    }

    /// Waits for the exit (bounded by `within`; on timeout the child, called `who` in the
    /// panic, is killed); returns the exit status, after draining the output.
    pub fn exit_status_within(&mut self, within: Duration, who: &str) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + within;
        let status = loop {
            self.pump(Duration::from_millis(20));
            if let Ok(Some(status)) = self.child.try_wait() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("{who} did not exit; screen:\n{}", self.screen_text());
            }
        };
        // Drain what is left.
        let drain_deadline = Instant::now() + Duration::from_secs(5);
        while !self.ended && Instant::now() < drain_deadline {
            self.pump(Duration::from_millis(20));
        }
        status
    }
}

impl<C: Answers> Drop for Session<C> {
    fn drop(&mut self) {
        if self.kill_on_drop
            && let Ok(None) = self.child.try_wait()
        {
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

/// The number in "type N to confirm" (the bulk pane's typed confirmation).
pub fn count_to_type(screen: &str) -> usize {
    let at = screen.find("type ").expect("a typed confirmation");
    screen[at + 5..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .expect("a count to type")
}

/// On the "All" tab of an English console over `tickets` tickets: marks every ticket on
/// the server, opens the bulk pane, picks solved and gets to the grouped preview; returns
/// how many tickets the preview will change.
pub fn mark_all_and_preview(session: &mut Session, tickets: usize) -> usize {
    session.wait_for_text("the first list", |s| s.lines().any(|l| l.starts_with('>')));
    session.send("4");
    session.wait_text(&format!("All 100/{tickets}"));
    session.send("A");
    session.wait_text(&format!("marked {tickets} from the server"));
    session.send("b");
    session.wait_text(&format!("Bulk edit: {tickets} tickets"));
    // The status row: new, open, pending, solved.
    session.send("\x1b[C\x1b[C\x1b[C\x1b[C");
    session.wait_for_text("solved picked", |s| {
        s.lines()
            .any(|l| l.contains("Status") && l.contains("solved"))
    });
    session.send("\r");
    session.wait_text("This will change:");
    session.wait_text("to confirm");
    let screen = session.screen_text();
    let count = count_to_type(&screen);
    // The preview's head line names the count it asks to type.
    assert!(
        screen
            .lines()
            .any(|l| l.contains(&format!("│{count} tickets"))),
        "{screen}"
    );
    count
}

/// Types the count the preview asks for, and Enter.
pub fn confirm(session: &mut Session, count: usize) {
    session.send(&count.to_string());
    session.send("\r");
}

/// The id of the selected row, once a row is selected.
pub fn selected_id(session: &mut Session) -> u64 {
    session.wait_for("a selected row", |screen| selected_row(screen).is_some());
    let row = selected_row(session.parser.screen()).unwrap_or_default();
    row.trim_start_matches('>')
        .split_whitespace()
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no id in {row:?}"))
}

/// The ticket number of the detail's title ("Ticket #12"), if one is on screen.
pub fn shown_ticket(screen: &str) -> Option<u64> {
    let at = screen.find("Ticket #")?;
    screen[at + "Ticket #".len()..]
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// The rows the status line counts in a view from the store (`SLA 43/43 · store, as of`).
pub fn store_rows(text: &str) -> Option<usize> {
    let line = text.lines().rev().find(|l| l.contains("store, as of"))?;
    let count = line.split_whitespace().nth(1)?;
    count.split('/').next()?.parse().ok()
}

/// The first tag offered among the quick filter's facets, with the key on its line.
pub fn first_tag(text: &str) -> Option<(char, String)> {
    let mut lines = text.lines().skip_while(|l| !l.contains("│Tags"));
    lines.next()?;
    let line = lines.next()?;
    let inside = line.split('│').nth(1)?.trim();
    let mut words = inside.split_whitespace();
    let key = words.next()?.chars().next()?;
    let tag = words.next()?.to_string();
    Some((key, tag))
}
