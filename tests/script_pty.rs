//! `tickets update` on a pseudo-terminal: above the threshold it asks on the terminal for
//! the count, and it draws its progress bar on standard error.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use gongdan::sandbox::{self, Route, SandboxOptions};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// Runs `gongdan` with `args` on a pty; when the output shows `question`, types `answer`.
/// Answers everything the child wrote and its exit code.
fn run_on_pty(
    base_url: &str,
    home: &std::path::Path,
    args: &[&str],
    question: &str,
    answer: &str,
) -> (String, u32) {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_gongdan"));
    command.args(args);
    command.cwd(env!("CARGO_MANIFEST_DIR"));
    command.env("TERM", "xterm-256color");
    command.env("LANG", "C");
    command.env("HOME", home);
    command.env("XDG_CONFIG_HOME", home.join("config"));
    command.env("XDG_STATE_HOME", home.join("state"));
    command.env("XDG_DATA_HOME", home.join("data"));
    command.env("GONGDAN_BASE_URL", base_url);
    command.env("GONGDAN_ACCOUNT", "admin@example.com");
    command.env("GONGDAN_PASSWORD", "admin-pass");
    command.env_remove("GONGDAN_CONFIG");
    command.env_remove("GONGDAN_PROFILE");
    let mut child = pty.slave.spawn_command(command).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let (sender, chunks) = mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        // EIO when the child exits: the end of the stream.
        while let Ok(n) = reader.read(&mut buffer) {
            if n == 0 || sender.send(buffer[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut writer = pty.master.take_writer().unwrap();
    let mut seen = Vec::new();
    let mut answered = false;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(chunk) = chunks.recv_timeout(Duration::from_millis(20)) {
            seen.extend(chunk);
        }
        let text = String::from_utf8_lossy(&seen).into_owned();
        if !answered && text.contains(question) {
            writer.write_all(answer.as_bytes()).unwrap();
            writer.flush().unwrap();
            answered = true;
        }
        if let Some(status) = child.try_wait().unwrap() {
            while let Ok(chunk) = chunks.recv_timeout(Duration::from_millis(100)) {
                seen.extend(chunk);
            }
            return (
                String::from_utf8_lossy(&seen).into_owned(),
                status.exit_code(),
            );
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the child did not finish; output so far:\n{text}");
        }
    }
}

#[test]
fn above_the_threshold_it_asks_on_the_terminal_and_draws_a_progress_bar() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sandbox = rt
        .block_on(sandbox::start(SandboxOptions {
            tickets: 40,
            ..SandboxOptions::default()
        }))
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(&config, "[ui]\nbulk_confirm_threshold = 3\n").unwrap();
    let config = config.to_str().unwrap().to_string();
    let ids: Vec<String> = (1..=30).map(|id: u64| id.to_string()).collect();
    let mut args = vec![
        "--config",
        config.as_str(),
        "tickets",
        "update",
        "--priority",
        "low",
    ];
    args.extend(ids.iter().map(String::as_str));
    let changing = (1..=30u64)
        .filter(|id| sandbox.ticket(*id).unwrap()["priorityLevel"].as_i64() != Some(1))
        .count();
    let question = format!("Type {changing} to change {changing} tickets: ");

    // A wrong answer: nothing is sent.
    let (output, code) = run_on_pty(&sandbox.base_url(), home.path(), &args, &question, "no\r");
    assert_eq!(code, 1, "{output}");
    assert!(output.contains("not confirmed"), "{output}");
    assert_eq!(sandbox.request_count(Route::UpdateMany), 0);

    // Ctrl-C at the question: stopped (the terminal's SIGINT, not an answer), nothing sent.
    let (output, code) = run_on_pty(&sandbox.base_url(), home.path(), &args, &question, "\x03");
    assert_eq!(code, 130, "{output}");
    assert!(
        output.contains("stopped by SIGINT: nothing was sent"),
        "{output}"
    );
    assert_eq!(sandbox.request_count(Route::UpdateMany), 0);

    // The count: the run goes ahead and the bar reaches the end.
    let (output, code) = run_on_pty(
        &sandbox.base_url(),
        home.path(),
        &args,
        &question,
        &format!("{changing}\r"),
    );
    assert_eq!(code, 0, "{output}");
    assert!(
        output.contains(&format!("[########################] {changing}/{changing}")),
        "{output}"
    );
    for id in 1..=30u64 {
        assert_eq!(
            sandbox.ticket(id).unwrap()["priorityLevel"].as_i64(),
            Some(1)
        );
    }
}
