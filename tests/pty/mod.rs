//! A pty harness for end-to-end tests of the built binary (portable-pty + vt100), as in
//! e2e_console.rs, with the size and environment given by the test.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const WAIT: Duration = Duration::from_secs(20);

/// Answers the cursor position query (ESC[6n) that crossterm may send.
#[derive(Default)]
pub struct Replies {
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

pub struct Session {
    pub parser: vt100::Parser<Replies>,
    /// Every byte the child wrote, in order (for checks on the order of output).
    pub raw: Vec<u8>,
    owed: Arc<Mutex<Vec<Vec<u8>>>>,
    chunks: Receiver<Vec<u8>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    // Dropping the master hangs up the child: keep it to the end.
    _master: Box<dyn MasterPty + Send>,
    ended: bool,
    // Config and state (logs) directories of the child: never the user's.
    pub home: tempfile::TempDir,
}

impl Session {
    pub fn spawn(args: &[&str], env: &[(&str, &str)]) -> Session {
        Session::spawn_sized(args, env, 40, 120)
    }

    pub fn spawn_sized(args: &[&str], env: &[(&str, &str)], rows: u16, cols: u16) -> Session {
        Session::spawn_program(env!("CARGO_BIN_EXE_gongdan"), args, env, rows, cols)
    }

    /// Any program on the pty (tmux, say), with the same environment as the console gets.
    pub fn spawn_program(
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        rows: u16,
        cols: u16,
    ) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
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
                std::num::NonZeroU16::new(rows).unwrap(),
                std::num::NonZeroU16::new(cols).unwrap(),
                0,
                replies,
            ),
            owed,
            chunks,
            writer,
            child,
            _master: pty.master,
            raw: Vec::new(),
            ended: false,
            home,
        }
    }

    pub fn pump(&mut self, wait: Duration) {
        match self.chunks.recv_timeout(wait) {
            Ok(chunk) => {
                self.parser.process(&chunk);
                self.raw.extend_from_slice(&chunk);
            }
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
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// The first list is on screen: alternate screen, a selected row.
    pub fn wait_first_list(&mut self) {
        self.wait_for("the first list", |s| {
            s.alternate_screen() && s.contents().lines().any(|l| l.starts_with('>'))
        });
    }

    /// Waits for the exit; returns whether it was a success, with the terminal restored.
    pub fn wait_exit(self) -> (bool, vt100::Screen) {
        let (success, screen, _) = self.wait_exit_with_output();
        (success, screen)
    }

    /// [`Session::wait_exit`], with every byte the child wrote.
    pub fn wait_exit_with_output(mut self) -> (bool, vt100::Screen, Vec<u8>) {
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
        let raw = std::mem::take(&mut self.raw);
        (status.success(), self.parser.screen().clone(), raw)
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
