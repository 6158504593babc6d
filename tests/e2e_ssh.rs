//! Over SSH for real: an sshd of our own on a loopback port (a throwaway host key and an
//! authorized key generated into a temp dir), the console run through `ssh -tt` inside a
//! pseudo-terminal. The list draws as it does locally; a bulk run is started and the ssh
//! client is killed mid-run; the console on the far side exits cleanly (its SIGHUP path,
//! which restores the terminal) within 2 s of the hang-up and leaves a journal that the
//! next start offers to resume, and resuming finishes the run on the server.
//!
//! Needs `sshd` (Debian: openssh-server). Without it the test says so loudly and passes,
//! except in CI (`CI` set), where it fails.

#![allow(clippy::unwrap_used)]

mod faults_common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use faults_common::*;
use gongdan::api::TicketStatus;
use gongdan::sandbox::{Faults, SandboxOptions, start};
use portable_pty::CommandBuilder;

fn find_sshd() -> Option<PathBuf> {
    ["/usr/sbin/sshd", "/usr/local/sbin/sshd", "/sbin/sshd"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn run(program: &str, args: &[&str]) {
    let status = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(status.success(), "{program} {args:?}: {status}");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn user() -> String {
    let out = Command::new("id").arg("-un").output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Our own sshd, stopped when dropped.
struct Sshd {
    child: Child,
    port: u16,
    key: PathBuf,
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_sshd(sshd: &Path, dir: &Path) -> Sshd {
    let host_key = dir.join("host_key");
    let key = dir.join("client_key");
    for path in [&host_key, &key] {
        run(
            "ssh-keygen",
            &[
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-f",
                path.to_str().unwrap(),
            ],
        );
    }
    std::fs::copy(dir.join("client_key.pub"), dir.join("authorized_keys")).unwrap();
    // Privilege separation wants this directory when sshd starts as root.
    let _ = std::fs::create_dir_all("/run/sshd");
    let port = free_port();
    let config = dir.join("sshd_config");
    std::fs::write(
        &config,
        format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {host}\n\
             AuthorizedKeysFile {dir}/authorized_keys\nPidFile {dir}/sshd.pid\n\
             PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n\
             PermitRootLogin prohibit-password\nStrictModes no\nPrintMotd no\n\
             AcceptEnv LANG\nLogLevel ERROR\n",
            host = host_key.display(),
            dir = dir.display(),
        ),
    )
    .unwrap();
    let log = std::fs::File::create(dir.join("sshd.log")).unwrap();
    let child = Command::new(sshd)
        .args(["-D", "-e", "-f", config.to_str().unwrap()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "sshd did not listen: {}",
            std::fs::read_to_string(dir.join("sshd.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Sshd { child, port, key }
}

/// `ssh -tt` to our sshd running `remote` (a shell command line).
fn ssh(sshd: &Sshd, remote: &str) -> CommandBuilder {
    let mut command = CommandBuilder::new("ssh");
    let port = sshd.port.to_string();
    let target = format!("{}@127.0.0.1", user());
    command.args([
        "-tt",
        "-p",
        &port,
        "-i",
        sshd.key.to_str().unwrap(),
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "BatchMode=yes",
        "-o",
        "LogLevel=ERROR",
        &target,
        remote,
    ]);
    command.env("TERM", "xterm-256color");
    command
}

/// Single-quotes a word for the remote shell.
fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
}

/// The remote command line: the console with this test's home, its exit status written by
/// the shell after it exits (the shell's HUP trap lets it outlive the hang-up). Answers the
/// command and the file the status goes to.
/// The console's stderr goes to a file, or stays on the terminal when `stderr_to_file` is
/// false (as a user runs it: a write to a dead stderr then panics).
fn remote_console_with(
    home: &Home,
    dir: &Path,
    base_url: &str,
    lang: &str,
    stderr_to_file: bool,
) -> (String, PathBuf) {
    let status_file = dir.join("console.status");
    let mut env_words: Vec<String> = home
        .env()
        .into_iter()
        .map(|(k, v)| quote(&format!("{k}={v}")))
        .collect();
    env_words.push(quote("GONGDAN_PASSWORD=admin-pass"));
    env_words.push(quote(&format!("LANG={lang}")));
    env_words.push(quote("TERM=xterm-256color"));
    env_words.push(quote("RUST_BACKTRACE=1"));
    let console = format!(
        "{} --base-url {} --account admin@example.com",
        quote(env!("CARGO_BIN_EXE_gongdan")),
        quote(base_url),
    );
    let stderr = if stderr_to_file {
        format!(
            "2> {}",
            quote(&dir.join("console.stderr").display().to_string())
        )
    } else {
        String::new()
    };
    let remote = format!(
        "trap 'echo hup >> {trace}' HUP; env {env} {console} {stderr}; echo $? > {status}",
        trace = quote(&dir.join("hup").display().to_string()),
        env = env_words.join(" "),
        status = quote(&status_file.display().to_string()),
    );
    (remote, status_file)
}

/// The console's exit status, as the remote shell wrote it, within 2 s of `since`.
fn exit_status_after(status_file: &Path, since: Instant) -> String {
    exit_status_within(status_file, since, Duration::from_secs(2))
}

/// The console's exit status within `bound` of `since`.
fn exit_status_within(status_file: &Path, since: Instant, bound: Duration) -> String {
    loop {
        if let Ok(text) = std::fs::read_to_string(status_file)
            && !text.trim().is_empty()
        {
            return text.trim().to_string();
        }
        assert!(
            since.elapsed() < bound,
            "the console was still running {bound:?} after the hang-up"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Bulk calls in flight at a hang-up are awaited this long (`console::RUNS_GRACE`), then
/// the console leaves; 2 s more for the rest of the way out.
fn hang_up_bound() -> Duration {
    gongdan::console::RUNS_GRACE + Duration::from_secs(2)
}

/// The runs in the console's home (its state directory found by the journal's files).
fn runs_in(home: &Home) -> Vec<gongdan::bulk::RunInfo> {
    match runs_in_state(home) {
        Some(state) => gongdan::bulk::Journal::new(state).list().runs,
        None => Vec::new(),
    }
}

/// The state directory holding the journal's runs, once there is one.
fn runs_in_state(home: &Home) -> Option<PathBuf> {
    home.files().into_iter().find_map(|(path, _)| {
        (path.file_name()? == "plan.json")
            .then(|| path.parent()?.parent()?.parent().map(Path::to_path_buf))
            .flatten()
    })
}

/// sshd, or None (loudly) outside CI.
fn sshd_or_skip() -> Option<PathBuf> {
    let found = find_sshd();
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "sshd is missing in CI: .ci/run must install openssh-server"
        );
        eprintln!(
            "\n\n!!! SKIPPED e2e_ssh: no sshd here (apt-get install -y openssh-server) !!!\n\n"
        );
    }
    found
}

/// What each test over ssh starts with: our sshd, a sandbox of `tickets` on loopback and a
/// home for the console.
struct Hop {
    dir: tempfile::TempDir,
    sshd: Sshd,
    sandbox: gongdan::sandbox::Sandbox,
    // The sandbox serves on it; fields drop in order, so the sandbox goes first.
    _runtime: tokio::runtime::Runtime,
    home: Home,
}

impl Hop {
    /// None (said loudly) where there is no sshd, outside CI.
    fn start(tickets: usize) -> Option<Hop> {
        let sshd_path = sshd_or_skip()?;
        let dir = tempfile::tempdir().unwrap();
        let sshd = start_sshd(&sshd_path, dir.path());
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let sandbox = runtime
            .block_on(start(SandboxOptions {
                tickets,
                ..SandboxOptions::default()
            }))
            .unwrap();
        Some(Hop {
            dir,
            sshd,
            sandbox,
            _runtime: runtime,
            home: Home::new(),
        })
    }

    /// The console through `ssh -tt` (see [`remote_console_with`]), with its first list
    /// drawn; answers the session and the file its exit status goes to.
    fn console(&self, lang: &str, stderr_to_file: bool) -> (Session, PathBuf) {
        let (remote, status_file) = remote_console_with(
            &self.home,
            self.dir.path(),
            &self.sandbox.base_url(),
            lang,
            stderr_to_file,
        );
        let mut session = Session::spawn(ssh(&self.sshd, &remote));
        session.wait_first_list();
        (session, status_file)
    }
}

/// The run's calls answered after the console gave up on them (`RUNS_GRACE`): they are left
/// in doubt, never failed, and the resume finds out what landed.
#[test]
fn the_console_over_ssh_survives_a_hang_up_mid_bulk_run() {
    hang_up_mid_bulk_run(
        gongdan::console::RUNS_GRACE + Duration::from_millis(1500),
        None,
    );
}

/// Calls one at a time, the one in flight at the hang-up answered within the grace: the
/// console waits for it (its real outcome is journaled), sends no other, and the next start
/// offers the rest.
#[test]
fn over_ssh_a_hang_up_mid_run_awaits_the_call_in_flight_and_sends_no_other() {
    hang_up_mid_bulk_run(Duration::from_millis(1200), Some(1));
}

/// A bulk run over ssh, the link cut mid-run with stderr on the terminal; every call hangs
/// `latency` at the server; `concurrency` for `[ui] bulk_concurrency`.
fn hang_up_mid_bulk_run(latency: Duration, concurrency: Option<usize>) {
    let Some(hop) = Hop::start(150) else {
        return;
    };
    if let Some(concurrency) = concurrency {
        let config = hop.home.path().join("config/gongdan/config.toml");
        std::fs::create_dir_all(config.parent().unwrap()).unwrap();
        std::fs::write(config, format!("[ui]\nbulk_concurrency = {concurrency}\n")).unwrap();
    }

    // The list draws over SSH as it does locally; stderr stays on the terminal, as a user
    // runs it (a write to it after the hang-up would panic: exit 101).
    let (mut session, status_file) = hop.console("en_US.UTF-8", false);
    session.send("4");
    session.wait_for("the All tab", |s| {
        s.contents().contains("All (150)") && s.contents().lines().any(|l| l.starts_with('>'))
    });
    // Mark the tickets, open the bulk pane, set the status to "open".
    if concurrency.is_some() {
        // Every ticket (150 of them: two calls, sent one at a time).
        session.send("A");
        session.wait_text("from the server");
    } else {
        session.send("*");
        session.wait_text("marked");
    }
    session.send("b");
    session.wait_text("Bulk edit:");
    session.send("l");
    session.send("l");
    session.wait_text("open");
    session.send("\r");
    session.wait_for("the preview", |s| {
        s.contents().contains("tickets:") || s.contents().contains("to confirm")
    });
    // From here on every call hangs: the run's calls are in flight when the link dies.
    hop.sandbox.set_faults(Faults {
        latency,
        ..Faults::default()
    });
    // Enter starts the run, or (above the threshold) the preview asks for the count.
    session.send("\r");
    session.wait_for_text("the run, or the count to type", |s| {
        s.contains("Bulk run") || count_asked(s).is_some()
    });
    if let Some(count) = count_asked(&session.screen_text()) {
        session.send(&count);
        session.send("\r");
    }
    session.wait_text("Bulk run");
    // Wait until the run is journaled (its calls then hang in the sandbox).
    let journaled = |home: &Home| {
        home.files()
            .iter()
            .any(|(path, _)| path.components().any(|c| c.as_os_str() == "runs"))
    };
    let deadline = Instant::now() + WAIT;
    while !journaled(&hop.home) {
        assert!(Instant::now() < deadline, "the run was never journaled");
        session.pump(Duration::from_millis(20));
    }
    // And until its first call is at the server.
    while hop
        .sandbox
        .request_count(gongdan::sandbox::Route::UpdateMany)
        == 0
    {
        assert!(Instant::now() < deadline, "the run never sent a call");
        session.pump(Duration::from_millis(20));
    }

    // Kill the ssh client: the far side hangs up.
    session.child.kill().unwrap();
    let hung_up = Instant::now();
    let status = exit_status_within(&status_file, hung_up, hang_up_bound());
    assert_eq!(
        status, "0",
        "the console exited through its SIGHUP path (which restores the terminal)"
    );
    drop(session);
    // The calls in flight have no outcome (in doubt), none is journaled as failed, and the
    // run has no finish line: interrupted.
    let runs = runs_in(&hop.home);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].state, gongdan::bulk::RunState::Interrupted);
    assert_eq!(
        runs[0].failed,
        0,
        "{}",
        gongdan::words::bulk::run_summary(gongdan::lang::Lang::En, &runs[0])
    );
    let state = runs_in_state(&hop.home).unwrap();
    let plan = gongdan::bulk::Journal::new(state)
        .load(&runs[0].run_id)
        .unwrap()
        .plan;
    let planned: Vec<u64> = plan.tickets.iter().map(|t| t.id).collect();
    assert!(!planned.is_empty());
    let calls_at_the_hang_up = hop
        .sandbox
        .request_count(gongdan::sandbox::Route::UpdateMany);
    if latency < gongdan::console::RUNS_GRACE {
        // The call in flight was awaited: its tickets have their outcomes, nothing is in
        // doubt, and no other call went out.
        let state = runs_in_state(&hop.home).unwrap();
        let loaded = gongdan::bulk::Journal::new(state)
            .load(&runs[0].run_id)
            .unwrap();
        assert!(loaded.in_flight.is_empty(), "{:?}", loaded.in_flight);
        assert_eq!(calls_at_the_hang_up, 1);
        assert_eq!(
            runs[0].succeeded,
            100,
            "{}",
            gongdan::words::bulk::run_summary(gongdan::lang::Lang::En, &runs[0])
        );
        assert!(runs[0].left > 0);
    }
    // The calls that were at the server land (or not) before the resume looks: whether they
    // did is for the resume to find out, not for this test to race.
    writes_done(&hop.sandbox, latency + WAIT);

    // The next start (locally, same home and server) offers to resume; R resumes.
    hop.sandbox.set_faults(Faults::default());
    let mut again = Session::spawn(faults_common::console(
        &[
            "--base-url",
            &hop.sandbox.base_url(),
            "--account",
            "admin@example.com",
        ],
        &hop.home,
        &[("GONGDAN_PASSWORD", "admin-pass")],
    ));
    if !again.screen_text().contains("Bulk runs stopped mid-way") {
        let journal: Vec<String> = hop
            .home
            .files()
            .iter()
            .map(|(p, b)| format!("{}: {}", p.display(), String::from_utf8_lossy(b)))
            .collect();
        eprintln!("files in the console's home:\n{}", journal.join("\n"));
    }
    again.wait_text("Bulk runs stopped mid-way");
    again.send("R");
    again.wait_for("the resumed run to finish", |s| {
        let text = s.contents();
        text.contains("Bulk run") && (text.contains("done") || text.contains("succeeded"))
    });
    again.settle(Duration::from_millis(300));
    again.send("\x1b");
    again.settle(Duration::from_millis(200));
    again.send("q");
    let _ = again.wait_exit(WAIT);
    // Every marked ticket the server has is open now.
    let ids = hop.sandbox.ticket_ids();
    let statuses: Vec<Option<TicketStatus>> = ids
        .iter()
        .map(|id| {
            let stored = hop.sandbox.ticket(*id).unwrap();
            match &stored["ticketStatus"] {
                serde_json::Value::Number(n) => n.as_i64().map(TicketStatus::from_code),
                serde_json::Value::String(s) => TicketStatus::parse(s),
                _ => None,
            }
        })
        .collect();
    let open = statuses
        .iter()
        .filter(|s| **s == Some(TicketStatus::Open))
        .count();
    assert!(open >= 100, "{open} of {} open after the resume", ids.len());
    // Each planned ticket changed exactly once, by the run or its resume; no other.
    for id in ids {
        let expected = u64::from(planned.contains(&id));
        assert_eq!(hop.sandbox.update_count(id), expected, "ticket {id}");
    }
    assert_eq!(
        runs_in(&hop.home)[0].state,
        gongdan::bulk::RunState::Complete
    );
    drop(hop);
}

/// The link cut while a reply is on its way (the server slow to answer), stderr on the
/// terminal: the console leaves with status 0, and the reply reaches the ticket at most once
/// (nothing sends it again, neither the way out nor the next start).
#[test]
fn over_ssh_the_link_cut_while_a_reply_is_sent_exits_0_and_the_reply_lands_at_most_once() {
    let Some(hop) = Hop::start(30) else {
        return;
    };
    let (mut session, status_file) = hop.console("en_US.UTF-8", false);
    session.send("r");
    session.wait_text("Reply to #");
    let id: u64 = session
        .screen_text()
        .split("Reply to #")
        .nth(1)
        .and_then(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|n| n.parse().ok())
        })
        .unwrap();
    let replies_before = hop.sandbox.replies(id).len();
    let reply = "Your refund was sent today";
    session.send(reply);
    session.wait_text("sent today");
    let latency = Duration::from_secs(3);
    hop.sandbox.set_faults(Faults {
        latency,
        ..Faults::default()
    });
    let updates_before = hop.sandbox.request_count(gongdan::sandbox::Route::Update);
    session.send("\x13");
    let deadline = Instant::now() + WAIT;
    while hop.sandbox.request_count(gongdan::sandbox::Route::Update) == updates_before {
        assert!(Instant::now() < deadline, "the reply was never sent");
        session.pump(Duration::from_millis(10));
    }
    session.child.kill().unwrap();
    let status = exit_status_within(&status_file, Instant::now(), hang_up_bound());
    assert_eq!(status, "0", "a hang-up while a reply is sent");
    drop(session);
    writes_done(&hop.sandbox, latency + WAIT);
    hop.sandbox.set_faults(Faults::default());
    // The next start sends nothing by itself.
    let mut again = Session::spawn(faults_common::console(
        &[
            "--base-url",
            &hop.sandbox.base_url(),
            "--account",
            "admin@example.com",
        ],
        &hop.home,
        &[("GONGDAN_PASSWORD", "admin-pass")],
    ));
    again.wait_first_list();
    again.settle(Duration::from_millis(300));
    again.send("q");
    let _ = again.wait_exit(WAIT);
    let landed = hop.sandbox.replies(id).len() - replies_before;
    assert!(landed <= 1, "the reply landed {landed} times");
    assert_eq!(
        hop.sandbox.request_count(gongdan::sandbox::Route::Update),
        updates_before + 1,
        "the reply was sent once"
    );
    drop(hop);
}

/// Over ssh, the daily loop's keys: Enter, Esc and q typed 20 ms apart open a ticket, close it
/// and quit (0 of 6 did before issue 12); then a reply typed in Chinese with the link cut
/// 100 ms after the last key is on disk, whole, when the console has gone.
#[test]
fn over_ssh_fast_keys_act_one_by_one_and_a_draft_survives_the_link_cut() {
    let Some(hop) = Hop::start(60) else {
        return;
    };

    let (mut session, status_file) = hop.console("en_US.UTF-8", true);
    for key in ["j", "\r", "\x1b", "q"] {
        session.send(key);
        session.settle(Duration::from_millis(20));
    }
    let status = exit_status_after(&status_file, Instant::now());
    assert_eq!(status, "0", "Enter, Esc, q typed 20 ms apart over ssh quit");
    drop(session);
    std::fs::remove_file(&status_file).unwrap();

    let (mut session, status_file) = hop.console("zh_CN.UTF-8", false);
    session.send("r");
    session.wait_text("回复 #");
    let reply = "您好，订单 DD2026 已补发，请查收";
    session.send(reply);
    session.wait_text("请查收");
    session.settle(Duration::from_millis(100));
    session.child.kill().unwrap();
    let status = exit_status_after(&status_file, Instant::now());
    let drafts: Vec<String> = hop
        .home
        .files()
        .into_iter()
        .filter(|(path, _)| path.components().any(|c| c.as_os_str() == "drafts"))
        .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned())
        .collect();
    assert_eq!(
        status,
        "0",
        "the console left through its hang-up path; stderr:\n{}",
        std::fs::read_to_string(hop.dir.path().join("console.stderr")).unwrap_or_default()
    );
    assert!(
        drafts.iter().any(|d| d == reply),
        "the draft after the link was cut (console exit {status}): {drafts:?}; stderr:\n{}",
        std::fs::read_to_string(hop.dir.path().join("console.stderr")).unwrap_or_default()
    );
    std::fs::remove_file(&status_file).unwrap();

    // The link cut while the list is shown, stderr on the terminal as a user runs it: the
    // console leaves through its hang-up path with status 0 (restoring the dead terminal
    // used to panic on a write to stderr: exit 101).
    let (mut session, status_file) = hop.console("en_US.UTF-8", false);
    session.send("j");
    session.settle(Duration::from_millis(100));
    session.child.kill().unwrap();
    let status = exit_status_after(&status_file, Instant::now());
    assert_eq!(status, "0", "a hang-up on the list");
    drop(hop);
}
