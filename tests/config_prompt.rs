//! The hidden password prompt, on a real pseudo-terminal: `config check` with no password in
//! the environment or the config asks for it on the terminal, does not echo it, and signs in
//! with it (against the sandbox).
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use gongdan::sandbox::{self, SandboxOptions};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const TYPED: &str = "Typed-At-Prompt-6624";

/// Runs `gongdan config check` on a pty (English), answers the prompt with `keys`, waits for
/// `then`, and returns the screen's text and whether the process succeeded.
fn check_on_a_pty(base_url: &str, account: &str, keys: &[u8], then: &str) -> (String, bool) {
    let prompt = format!("password for {account} at 127.0.0.1: ");
    check_on_a_pty_in("C.UTF-8", &prompt, base_url, account, keys, then)
}

/// As [`check_on_a_pty`], with `LANG=locale`, waiting for `prompt`.
fn check_on_a_pty_in(
    locale: &str,
    prompt: &str,
    base_url: &str,
    account: &str,
    keys: &[u8],
    then: &str,
) -> (String, bool) {
    let home = tempfile::tempdir().unwrap();
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_gongdan"));
    command.cwd(home.path());
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("GONGDAN_") {
            command.env_remove(key);
        }
    }
    command.env("HOME", home.path());
    command.env("XDG_CONFIG_HOME", home.path().join("config"));
    command.env("XDG_STATE_HOME", home.path().join("state"));
    command.env("TERM", "xterm-256color");
    // English, whatever the machine's locale (the check follows LC_ALL/LANG).
    command.env_remove("LC_ALL");
    command.env_remove("LC_MESSAGES");
    command.env("LANG", locale);
    command.args([
        "config",
        "check",
        "--base-url",
        base_url,
        "--account",
        account,
    ]);
    let mut child = pty.slave.spawn_command(command).unwrap();
    drop(pty.slave);

    let mut reader = pty.master.try_clone_reader().unwrap();
    let (chunks, received) = mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        // EIO when the child exits: the end of the stream.
        while let Ok(n) = reader.read(&mut buffer) {
            if n == 0 || chunks.send(buffer[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    // Kept alive until the child exits: dropping it sends EOF to the child.
    let mut writer = pty.master.take_writer().unwrap();
    let rows = std::num::NonZeroU16::new(40).unwrap();
    let cols = std::num::NonZeroU16::new(200).unwrap();
    let mut parser = vt100::Parser::new(rows, cols, 0);
    let deadline = Instant::now() + Duration::from_secs(30);
    let wait_for = |parser: &mut vt100::Parser, text: &str| {
        while !parser.screen().contents().contains(text) {
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {text:?}:\n{}",
                    parser.screen().contents()
                );
            }
            if let Ok(chunk) = received.recv_timeout(Duration::from_millis(20)) {
                parser.process(&chunk);
            }
        }
    };

    wait_for(&mut parser, prompt);
    writer.write_all(keys).unwrap();
    writer.flush().unwrap();
    wait_for(&mut parser, then);

    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("gongdan did not exit:\n{}", parser.screen().contents());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    while let Ok(chunk) = received.recv_timeout(Duration::from_millis(100)) {
        parser.process(&chunk);
    }
    drop(writer);
    (parser.screen().contents(), status.success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_prompt_reads_the_password_without_echo() {
    let sandbox = sandbox::start(SandboxOptions {
        tickets: 5,
        admin: sandbox::Account::new("admin@example.com", TYPED),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let base_url = sandbox.base_url();
    let (screen, success) = tokio::task::spawn_blocking(move || {
        let keys = format!("{TYPED}\r");
        check_on_a_pty(&base_url, "admin@example.com", keys.as_bytes(), "sign-in: ")
    })
    .await
    .unwrap();
    assert!(
        screen.contains("credential found: typed at the prompt"),
        "{screen}"
    );
    assert!(screen.contains("sign-in: ok"), "{screen}");
    assert!(success, "{screen}");
    assert!(
        !screen.contains(TYPED),
        "the password was echoed:\n{screen}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_at_the_prompt_is_refused_and_not_shown() {
    let sandbox = sandbox::start(SandboxOptions {
        tickets: 5,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let base_url = sandbox.base_url();
    let (screen, success) = tokio::task::spawn_blocking(move || {
        let keys = format!("{TYPED}\r");
        check_on_a_pty(&base_url, "admin@example.com", keys.as_bytes(), "sign-in: ")
    })
    .await
    .unwrap();
    assert!(screen.contains("sign-in: FAILED"), "{screen}");
    assert!(screen.contains("401"), "{screen}");
    assert!(!success);
    assert!(!screen.contains(TYPED), "the password was shown:\n{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escape_at_the_prompt_cancels() {
    let sandbox = sandbox::start(SandboxOptions {
        tickets: 5,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let base_url = sandbox.base_url();
    let (screen, success) = tokio::task::spawn_blocking(move || {
        check_on_a_pty(&base_url, "admin@example.com", b"abc\x1b", "cancelled")
    })
    .await
    .unwrap();
    assert!(
        screen.contains("error: cancelled at the password prompt"),
        "{screen}"
    );
    assert!(!success);
    assert_eq!(sandbox.request_count(sandbox::Route::Search), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_prompt_and_the_check_speak_chinese_for_a_chinese_lang() {
    let sandbox = sandbox::start(SandboxOptions {
        tickets: 5,
        admin: sandbox::Account::new("admin@example.com", TYPED),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let base_url = sandbox.base_url();
    let (screen, success) = tokio::task::spawn_blocking(move || {
        let keys = format!("{TYPED}\r");
        check_on_a_pty_in(
            "zh_CN.UTF-8",
            "admin@example.com 在 127.0.0.1 的密码：",
            &base_url,
            "admin@example.com",
            keys.as_bytes(),
            "登录：",
        )
    })
    .await
    .unwrap();
    assert!(screen.contains("已找到凭据：在提示处输入"), "{screen}");
    assert!(screen.contains("登录：成功"), "{screen}");
    assert!(!screen.contains(TYPED), "{screen}");
    assert!(success, "{screen}");
}
