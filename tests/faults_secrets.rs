//! Secrets never leave the process: the built binary runs with a known password (a failing
//! sign-in and a successful session, on a pty and as a script command, with every log
//! level on), and everything it wrote is searched for the password and for the base64 forms
//! that an `Authorization` header would carry: stdout, stderr, the pty's bytes and every
//! file in its temporary home (logs, state, journals).
//!
//! The other credential rules are tested with the client in tests/client_wire.rs:
//! `Authorization` never goes to another origin (`a_redirect_to_another_origin_is_not_followed`,
//! `next_page_on_another_origin_is_not_followed`, and on the same origin
//! `a_redirect_on_the_same_origin_keeps_the_credentials`); plain http only to loopback unless
//! allowed (`plain_http_to_another_host_is_refused_before_sending`); TLS verification with an
//! added CA file and nothing else
//! (`a_ca_file_lets_the_client_trust_a_self_hosted_server_and_nothing_else_does`,
//! `a_missing_ca_file_is_a_config_error`). The last test below checks that no code path can
//! turn verification off.

#![allow(clippy::unwrap_used)]

mod faults_common;

use base64::Engine;
use faults_common::*;
use gongdan::sandbox::{Account, SandboxOptions, start};

const ACCOUNT: &str = "admin@example.com";
const SECRET: &str = "Kq7-s3cret-Zz9w";
const WRONG: &str = "Wr0ng-guess-Pp4x";

/// Everything whose presence in the output would leak a secret.
fn needles() -> Vec<(String, Vec<u8>)> {
    let b64 = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = Vec::new();
    for secret in [SECRET, WRONG] {
        out.push((format!("the password {secret}"), secret.as_bytes().to_vec()));
        out.push((
            format!("base64 of {ACCOUNT}:{secret}"),
            b64(&format!("{ACCOUNT}:{secret}")).into_bytes(),
        ));
        out.push((format!("base64 of {secret}"), b64(secret).into_bytes()));
    }
    out
}

fn assert_clean(what: &str, bytes: &[u8]) {
    for (name, needle) in needles() {
        assert_eq!(count(bytes, &needle), 0, "{name} found in {what}");
    }
}

fn sandbox(runtime: &tokio::runtime::Runtime) -> gongdan::sandbox::Sandbox {
    runtime
        .block_on(start(SandboxOptions {
            tickets: 30,
            admin: Account::new(ACCOUNT, SECRET),
            ..SandboxOptions::default()
        }))
        .unwrap()
}

/// Logs at their most talkative: every crate at trace.
const LOG_ALL: (&str, &str) = ("GONGDAN_LOG", "trace,gongdan=trace");

#[test]
fn no_secret_in_anything_the_console_writes() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = sandbox(&runtime);
    let home = Home::new();
    let base_url = sandbox.base_url();
    // A wrong password first: the server refuses, the console asks again on screen.
    let mut session = Session::spawn(console(
        &["--base-url", &base_url, "--account", ACCOUNT],
        &home,
        &[("GONGDAN_PASSWORD", WRONG), LOG_ALL],
    ));
    session.wait_text("Sign in again");
    session.send(&format!("{SECRET}\r"));
    session.wait_for("the list with the right password", |s| {
        !s.contents().contains("Sign in again") && s.contents().lines().any(|l| l.starts_with('>'))
    });
    // Open a ticket and reload, so that more requests (and their logs) happen.
    session.send("\r");
    session.wait_text("Ticket #");
    let asked = sandbox.requests().len();
    session.send("R");
    session.wait_for("the reload's requests", |_| {
        sandbox.requests().len() > asked
    });
    // Esc and q apart: together they read as Alt-q.
    session.send("\x1b");
    session.wait_for("the detail to close", |s| {
        !s.contents().contains("Ticket #")
    });
    session.send("q");
    let status = session.wait_exit(WAIT);
    assert!(status.success(), "{status:?}");
    assert_clean("the pty output", &session.raw);
    let files = home.files();
    assert!(
        files
            .iter()
            .any(|(path, bytes)| path.extension().is_some_and(|e| e == "log") && !bytes.is_empty()),
        "the console wrote a log: {:?}",
        files.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    // Its own lines, not only the crates': its start, the refused sign-in and the requests
    // after it.
    assert!(
        files
            .iter()
            .any(|(_, bytes)| String::from_utf8_lossy(bytes).contains("console started")),
        "the console logs its start"
    );
    let log: String = files
        .iter()
        .filter(|(path, _)| path.extension().is_some_and(|e| e == "log"))
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .collect();
    assert!(
        log.contains("request refused") && log.contains("status=401"),
        "the refused sign-in is logged:\n{log}"
    );
    assert!(
        log.lines()
            .any(|l| l.contains("gongdan::api::client::http: request ")
                && l.contains("method=GET")
                && l.contains("status=200")),
        "each request is logged:\n{log}"
    );
    for (path, bytes) in &files {
        assert_clean(&path.display().to_string(), bytes);
    }
    drop(runtime);
}

#[test]
fn no_secret_in_what_script_commands_print_or_log() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = sandbox(&runtime);
    let home = Home::new();
    let base_url = sandbox.base_url();
    for (password, should_succeed) in [(WRONG, false), (SECRET, true)] {
        for args in [
            vec!["tickets", "list", "--json"],
            vec!["tickets", "show", "1"],
            vec!["config", "check"],
        ] {
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_gongdan"));
            command
                .args(&args)
                .args(["--base-url", &base_url, "--account", ACCOUNT])
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("GONGDAN_PASSWORD", password)
                .env(LOG_ALL.0, LOG_ALL.1)
                .stdin(std::process::Stdio::null());
            for (key, value) in home.env() {
                command.env(key, value);
            }
            let output = command.output().unwrap();
            let what = format!(
                "{args:?} with the {} password",
                if should_succeed { "right" } else { "wrong" }
            );
            if args[0] == "tickets" {
                assert_eq!(
                    output.status.success(),
                    should_succeed,
                    "{what}: {output:?}"
                );
            }
            assert_clean(&format!("stdout of {what}"), &output.stdout);
            assert_clean(&format!("stderr of {what}"), &output.stderr);
        }
    }
    for (path, bytes) in home.files() {
        assert_clean(&path.display().to_string(), &bytes);
    }
    drop(runtime);
}

/// A script command with logging at debug writes one line per request, with its method,
/// path, status and duration, plus the bulk run's start and end, and no secret: neither the
/// password nor the search words (query values are left out, only their names kept).
#[test]
fn a_script_command_at_debug_logs_each_request_without_a_secret() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = sandbox(&runtime);
    let home = Home::new();
    let base_url = sandbox.base_url();
    let run = |args: &[&str]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_gongdan"));
        command
            .args(args)
            .args(["--base-url", &base_url, "--account", ACCOUNT])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("GONGDAN_PASSWORD", SECRET)
            .env("GONGDAN_LOG", "debug")
            .stdin(std::process::Stdio::null());
        for (key, value) in home.env() {
            command.env(key, value);
        }
        let output = command.output().unwrap();
        assert!(output.status.success(), "{args:?}: {output:?}");
    };
    run(&["tickets", "search", "机密客户词", "--ids"]);
    run(&["tickets", "update", "3", "4", "--status", "solved", "--yes"]);
    let log: String = home
        .files()
        .into_iter()
        .filter(|(path, _)| {
            path.to_string_lossy().contains("/logs/")
                || path.extension().is_some_and(|e| e == "log")
        })
        .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned())
        .collect();
    let requests: Vec<&str> = log
        .lines()
        .filter(|line| line.contains(" request ") || line.ends_with(" request"))
        .collect();
    assert_eq!(
        requests.len() as u64,
        sandbox.requests().len() as u64,
        "one line per request the server saw:\n{log}"
    );
    let search = requests
        .iter()
        .find(|line| line.contains("path=/api/v1/tickets/search.json"))
        .unwrap_or_else(|| panic!("no search line:\n{log}"));
    assert!(
        search.contains("method=GET") && search.contains("status=200") && search.contains("ms="),
        "{search}"
    );
    assert!(
        search.contains("query=query"),
        "the parameter's name is kept: {search}"
    );
    assert!(
        !log.contains("机密客户词"),
        "a search word reached the log:\n{log}"
    );
    // A write carries its Requestid, and the log names it (to match the server's logs).
    assert!(
        requests.iter().any(|line| line.contains("method=PUT")
            && line.contains("update_many")
            && line.contains("request_id=")
            && !line.contains("request_id=\"-\"")),
        "{log}"
    );
    assert!(
        log.contains("bulk run started") && log.contains("bulk run ended"),
        "{log}"
    );
    assert_clean("the log", log.as_bytes());
    drop(runtime);
}

#[test]
fn no_code_path_turns_tls_verification_off() {
    let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    let mut files = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files += 1;
                let text = std::fs::read_to_string(&path).unwrap();
                for switch in [
                    "danger_accept_invalid_certs",
                    "danger_accept_invalid_hostnames",
                    "dangerous()",
                    "tls_danger",
                ] {
                    assert!(!text.contains(switch), "{switch} in {}", path.display());
                }
            }
        }
    }
    assert!(files > 20, "the source tree was found");
}
