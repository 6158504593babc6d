//! Ctrl-C (SIGINT), SIGTERM and SIGHUP at each moment of `gongdan tickets update`, sent to
//! the real binary with `kill`: while it reads the ids from standard input, while it reads
//! the tickets, and mid-run. It stops before its next call, exits 128 + the signal's number,
//! and a run it had started says how to resume; the resume changes each ticket once.
//!
//! The children start with SIGINT ignored (`trap '' INT`, as `cmd &` in a script starts
//! them): the command's own handlers must take the signal, not the inherited disposition.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use gongdan::sandbox::{self, Fault, Faults, Route, Sandbox, SandboxOptions};

const BIN: &str = env!("CARGO_BIN_EXE_gongdan");

struct Env {
    sandbox: Sandbox,
    _rt: tokio::runtime::Runtime,
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
        // One call at a time: a run of 400 tickets is 4 calls in a row.
        let config = home.path().join("config.toml");
        std::fs::write(&config, "[ui]\nbulk_concurrency = 1\n").unwrap();
        Env {
            sandbox,
            _rt: rt,
            home,
        }
    }

    /// `gongdan ARGS` started with SIGINT ignored, stdout and stderr piped.
    fn spawn(&self, args: &[&str], stdin: Stdio) -> Child {
        self.spawn_in(args, stdin, "C")
    }

    /// [`Env::spawn`] under the locale `lang`.
    fn spawn_in(&self, args: &[&str], stdin: Stdio, lang: &str) -> Child {
        let home = self.home.path();
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg("trap '' INT; exec \"$0\" \"$@\"")
            .arg(BIN)
            .arg("--config")
            .arg(home.join("config.toml"))
            .args(args);
        for var in [
            "GONGDAN_CONFIG",
            "GONGDAN_PROFILE",
            "GONGDAN_SECRET",
            "GONGDAN_LOG",
            "LC_ALL",
            "LC_MESSAGES",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("GONGDAN_BASE_URL", self.sandbox.base_url())
            .env("GONGDAN_ACCOUNT", "admin@example.com")
            .env("GONGDAN_PASSWORD", "admin-pass")
            .env("LANG", lang)
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd.spawn().unwrap()
    }

    fn statuses(&self, ids: &[u64]) -> Vec<i64> {
        ids.iter()
            .map(|id| {
                self.sandbox.ticket(*id).unwrap()["ticketStatus"]
                    .as_i64()
                    .unwrap()
            })
            .collect()
    }

    /// Outcome lines in every journal of the home.
    fn journal_text(&self) -> String {
        let runs = self.home.path().join("state/gongdan/runs");
        let Ok(entries) = std::fs::read_dir(&runs) else {
            return String::new();
        };
        entries
            .flatten()
            .filter_map(|run| std::fs::read_to_string(run.path().join("progress.jsonl")).ok())
            .collect()
    }
}

/// Whether the process has a handler for SIGINT (SigCgt in /proc, bit 2 - 1): its own
/// handlers are in place.
fn catches_sigint(pid: u32) -> bool {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return false;
    };
    status
        .lines()
        .find_map(|line| line.strip_prefix("SigCgt:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & 0b10 != 0)
}

fn kill(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill -{signal} {pid}");
}

/// Waits (bounded) for `what`, failing with the child's stderr.
fn wait_until(child: &mut Child, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the child exited ({status}) before {what}");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("never saw {what}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The child's end, within `bound`.
fn exit_within(mut child: Child, bound: Duration) -> Output {
    let deadline = Instant::now() + bound;
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!(
                "still running {bound:?} after the signal; stderr: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The run id from `finish with: gongdan resume RUN`.
fn resume_hint(text: &str) -> Option<String> {
    text.split("gongdan resume ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .map(|run| {
            run.trim_end_matches(|c: char| !c.is_alphanumeric())
                .to_string()
        })
}

fn ids(n: u64) -> Vec<String> {
    (1..=n).map(|id| id.to_string()).collect()
}

#[test]
fn a_signal_while_the_ids_are_read_from_standard_input_stops_and_sends_nothing() {
    let env = Env::new(20);
    let mut child = env.spawn(
        &["tickets", "update", "-", "--status", "solved", "--yes"],
        Stdio::piped(),
    );
    // Some ids, and standard input left open: it is still reading.
    let mut input = child.stdin.take().unwrap();
    input.write_all(b"1 2 3\n").unwrap();
    input.flush().unwrap();
    let pid = child.id();
    wait_until(&mut child, "the handlers", || catches_sigint(pid));
    std::thread::sleep(Duration::from_millis(100));
    kill(pid, "INT");
    let output = exit_within(child, Duration::from_secs(10));
    drop(input);
    assert_eq!(output.status.code(), Some(130), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("stopped by SIGINT: nothing was sent"),
        "{}",
        stderr(&output)
    );
    assert_eq!(env.sandbox.request_count(Route::ShowMany), 0);
    assert_eq!(env.sandbox.request_count(Route::UpdateMany), 0);
    assert!(!env.home.path().join("state/gongdan/runs").exists());
}

/// The stop is said in the script's language: the locale's while the ids are read (the
/// settings not read yet), the config's `language` once they are.
#[test]
fn a_stop_is_said_in_the_users_language() {
    let env = Env::new(20);
    let mut child = env.spawn_in(
        &["tickets", "update", "-", "--status", "solved", "--yes"],
        Stdio::piped(),
        "zh_CN.UTF-8",
    );
    let mut input = child.stdin.take().unwrap();
    input.write_all(b"1 2 3\n").unwrap();
    input.flush().unwrap();
    let pid = child.id();
    wait_until(&mut child, "the handlers", || catches_sigint(pid));
    kill(pid, "INT");
    let output = exit_within(child, Duration::from_secs(10));
    drop(input);
    assert_eq!(output.status.code(), Some(130), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "gongdan: 收到 SIGINT，已停止：未发送任何修改\n"
    );

    // The profile says Chinese, the locale English: the settings win once read.
    std::fs::write(
        env.home.path().join("config.toml"),
        "[ui]\nbulk_concurrency = 1\n[profiles.zh]\nlanguage = \"zh\"\n",
    )
    .unwrap();
    env.sandbox.set_faults(Faults {
        latency: Duration::from_secs(30),
        ..Faults::default()
    });
    let mut child = env.spawn(
        &["tickets", "update", "1", "2", "--status", "solved", "--yes"],
        Stdio::null(),
    );
    wait_until(&mut child, "the tickets being read", || {
        env.sandbox.request_count(Route::ShowMany) > 0
    });
    kill(child.id(), "TERM");
    let output = exit_within(child, Duration::from_secs(10));
    assert_eq!(output.status.code(), Some(143), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "gongdan: 收到 SIGTERM，已停止：未发送任何修改\n"
    );
    assert_eq!(env.sandbox.request_count(Route::UpdateMany), 0);
}

#[test]
fn a_signal_while_the_tickets_are_read_stops_before_any_change() {
    let env = Env::new(20);
    // Reads hang: the signal lands while the tickets are being read.
    env.sandbox.set_faults(Faults {
        latency: Duration::from_secs(30),
        ..Faults::default()
    });
    for (signal, code) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
        let before = env.sandbox.request_count(Route::ShowMany);
        let mut args = vec!["tickets", "update", "--status", "solved", "--yes"];
        let ids = ids(20);
        args.extend(ids.iter().map(String::as_str));
        let mut child = env.spawn(&args, Stdio::null());
        wait_until(&mut child, "the tickets being read", || {
            env.sandbox.request_count(Route::ShowMany) > before
        });
        kill(child.id(), signal);
        let output = exit_within(child, Duration::from_secs(10));
        assert_eq!(output.status.code(), Some(code), "{}", stderr(&output));
        assert!(
            stderr(&output).contains(&format!("stopped by SIG{signal}: nothing was sent")),
            "{}",
            stderr(&output)
        );
    }
    assert_eq!(env.sandbox.request_count(Route::UpdateMany), 0);
    assert_eq!(env.sandbox.request_count(Route::Update), 0);
}

/// A run of 4 calls, one at a time; the signal while the first is answered slowly.
fn start_a_run_and_signal_mid_way(env: &Env, latency: Duration) -> (Output, Instant) {
    let mut args = vec!["tickets", "update", "--status", "solved", "--yes"];
    let ids = ids(400);
    args.extend(ids.iter().map(String::as_str));
    // The same run on a twin sandbox (same seed) counts the requests before the first
    // call; here as many go through, then the first call hangs.
    let twin = Env::new(400);
    let output = exit_within(twin.spawn(&args, Stdio::null()), Duration::from_secs(60));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let reads = twin
        .sandbox
        .requests()
        .iter()
        .position(|r| r.route == Route::UpdateMany)
        .unwrap();
    assert!(env.sandbox.requests().is_empty());
    for _ in 0..reads {
        env.sandbox.push_fault(Fault::Hang(Duration::ZERO));
    }
    env.sandbox.push_fault(Fault::Hang(latency));
    let mut child = env.spawn(&args, Stdio::null());
    wait_until(&mut child, "the run's first call", || {
        env.sandbox.request_count(Route::UpdateMany) >= 1
    });
    kill(child.id(), "INT");
    let signalled = Instant::now();
    (exit_within(child, Duration::from_secs(20)), signalled)
}

/// The resume, then: every ticket that was not solved is, changed by exactly one call.
fn resume_changes_each_ticket_once(env: &Env, run: &str, before: &[i64]) {
    let child = env.spawn(&["resume", run], Stdio::null());
    let output = exit_within(child, Duration::from_secs(60));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let solved = gongdan::api::TicketStatus::Solved.code();
    for (index, was) in before.iter().enumerate() {
        let id = index as u64 + 1;
        let expected = u64::from(*was != solved);
        assert_eq!(env.sandbox.update_count(id), expected, "ticket {id}");
        assert_eq!(env.statuses(&[id]), vec![solved], "ticket {id}");
    }
}

#[test]
fn ctrl_c_mid_run_sends_no_call_after_it_and_the_resume_changes_each_ticket_once() {
    let env = Env::new(400);
    let ids: Vec<u64> = (1..=400).collect();
    let before = env.statuses(&ids);
    // The call in flight is answered within the grace.
    let (output, _) = start_a_run_and_signal_mid_way(&env, Duration::from_millis(800));
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(130), "{text}");
    // No call after the signal: the first alone reached the server.
    assert_eq!(env.sandbox.request_count(Route::UpdateMany), 1, "{text}");
    assert!(text.contains("stopped by SIGINT"), "{text}");
    let run = resume_hint(&text).unwrap_or_else(|| panic!("no resume hint: {text}"));
    // The call in flight got its real outcome, and nothing was journaled failed.
    let journal = env.journal_text();
    assert_eq!(
        journal.matches("\"event\":\"outcome\"").count(),
        1,
        "{journal}"
    );
    assert!(!journal.contains("\"success\":false"), "{journal}");
    resume_changes_each_ticket_once(&env, &run, &before);
}

#[test]
fn calls_unanswered_when_the_grace_ends_are_left_in_doubt_and_the_resume_checks_them() {
    let env = Env::new(400);
    let ids: Vec<u64> = (1..=400).collect();
    let before = env.statuses(&ids);
    let latency = Duration::from_secs(6);
    let (output, signalled) = start_a_run_and_signal_mid_way(&env, latency);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(130), "{text}");
    assert!(text.contains("in doubt"), "{text}");
    assert_eq!(env.sandbox.request_count(Route::UpdateMany), 1, "{text}");
    // It did not wait for the server: the call's answer was still to come.
    assert!(
        ids.iter().all(|id| env.sandbox.update_count(*id) == 0),
        "the call was answered before the command left"
    );
    let run = resume_hint(&text).unwrap_or_else(|| panic!("no resume hint: {text}"));
    // The call has no outcome line: in doubt, never failed.
    let journal = env.journal_text();
    assert_eq!(
        journal.matches("\"event\":\"outcome\"").count(),
        0,
        "{journal}"
    );
    assert!(!journal.contains("\"success\":false"), "{journal}");
    // Let the slow call land (or not) before the resume looks.
    while env.sandbox.writes_in_flight() > 0 {
        assert!(
            signalled.elapsed() < latency + Duration::from_secs(30),
            "the slow call never finished at the sandbox"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    resume_changes_each_ticket_once(&env, &run, &before);
}

/// In this process (the handlers are the command's, taken first): the first signal stops the
/// run and starts the grace; a second one ends the wait for the calls in flight at once, and
/// the first still names the exit code.
#[tokio::test]
async fn a_second_signal_ends_the_wait_for_the_calls_in_flight() {
    use futures::FutureExt;
    use gongdan::script::stop::{Signal, Stop};
    let stop = Stop::listen().unwrap();
    let token = stop.token();
    kill(std::process::id(), "HUP");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !token.is_cancelled() {
        assert!(Instant::now() < deadline, "the first signal never arrived");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(stop.signal(), Some(Signal::Hangup));
    // After one signal the grace has only begun.
    assert!(stop.grace_over().now_or_never().is_none());
    kill(std::process::id(), "TERM");
    while stop.grace_over().now_or_never().is_none() {
        assert!(
            Instant::now() < deadline,
            "the second signal never ended the wait"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(stop.signal(), Some(Signal::Hangup));
    assert_eq!(Signal::Hangup.exit() as u8, 129);
}
