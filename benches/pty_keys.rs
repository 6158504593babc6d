//! Keys as a user feels them: the release binary on a pseudo-terminal, keys written to the pty
//! master one at a time, every byte read back from it with the time it arrived, beside the
//! anchor (Debian's `neomutt` on a generated mbox of Chinese subjects) measured in the same
//! run. Nothing goes around the real input path: crossterm reads the keys from the tty.
//!
//! ```sh
//! apt-get install -y neomutt        # the anchor; without it only gongdan is measured
//! cargo bench --bench pty_keys      # PTY_BENCH_TICKETS=10000 by default
//! ```
//!
//! For each key: the time from writing it to the first byte of the answer, and the bytes
//! written until the screen is quiet again (80 ms without output; later redraws caused by
//! the key, such as a page arriving, count). gongdan runs against `gongdan sandbox` (its
//! seeded, live-shaped tickets: Chinese subjects, contacts, tags, custom fields) as a separate
//! process on loopback; "hanging" runs it with every answer delayed 3 s, so requests are in
//! flight while the keys are measured.

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use gongdan::sandbox::{self, Route, SandboxOptions};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const QUIET: Duration = Duration::from_millis(80);
const KEY_MAX: Duration = Duration::from_secs(3);

struct Probe {
    rx: Receiver<(Instant, Vec<u8>)>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    parser: vt100::Parser,
    spawned: Instant,
    /// From spawn to the first screen the caller waited for.
    painted: Option<Duration>,
}

impl Probe {
    fn spawn(program: &str, args: &[&str], env: &[(&str, String)], rows: u16, cols: u16) -> Probe {
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
        command.env("TERM", "xterm-256color");
        for var in [
            "LC_ALL",
            "LC_MESSAGES",
            "LANG",
            "NO_COLOR",
            "TMUX",
            "GONGDAN_CONFIG",
        ] {
            command.env_remove(var);
        }
        for (key, value) in env {
            command.env(key, value);
        }
        let spawned = Instant::now();
        let child = pty.slave.spawn_command(command).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if tx.send((Instant::now(), buf[..n].to_vec())).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        let writer = pty.master.take_writer().unwrap();
        Probe {
            rx,
            writer,
            child,
            _master: pty.master,
            spawned,
            painted: None,
            parser: vt100::Parser::new(
                std::num::NonZeroU16::new(rows).unwrap(),
                std::num::NonZeroU16::new(cols).unwrap(),
                0,
            ),
        }
    }

    fn take(&mut self, chunk: &[u8]) {
        self.parser.process(chunk);
        // A cursor position query answered as a terminal would (crossterm may ask).
        if chunk.windows(4).any(|w| w == b"\x1b[6n") {
            let (row, col) = self.parser.screen().cursor_position();
            let _ = write!(self.writer, "\x1b[{};{}R", row + 1, col + 1);
            let _ = self.writer.flush();
        }
    }

    /// Reads until `pred` holds on the screen and then no byte for `QUIET`; answers when the
    /// bytes that made it hold arrived.
    fn wait_for(&mut self, what: &str, pred: impl Fn(&str) -> bool, within: Duration) -> Instant {
        let deadline = Instant::now() + within;
        let mut seen = None;
        loop {
            match self.rx.recv_timeout(QUIET * 2) {
                Ok((at, chunk)) => {
                    self.take(&chunk);
                    if seen.is_none() && pred(&self.parser.screen().contents()) {
                        seen = Some(at);
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    if let Some(at) = seen {
                        return at;
                    }
                }
                Err(RecvTimeoutError::Disconnected) => panic!("{what}: the program ended"),
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}:\n{}",
                self.parser.screen().contents()
            );
        }
    }

    /// Drops what is still arriving, so that a key's bytes are its own.
    fn quiet(&mut self) {
        while let Ok((_, chunk)) = self.rx.recv_timeout(QUIET) {
            self.take(&chunk);
        }
    }

    /// Writes one key; answers (time to the first byte, bytes until quiet).
    fn press(&mut self, key: &[u8]) -> (Option<Duration>, usize) {
        let (first, _, bytes) = self.press_until(key, QUIET, KEY_MAX);
        (first, bytes)
    }

    /// Writes one key and reads until `quiet` passes without a byte (at most `within`);
    /// answers (time to the first byte, time to the last byte, bytes).
    fn press_until(
        &mut self,
        key: &[u8],
        quiet: Duration,
        within: Duration,
    ) -> (Option<Duration>, Option<Duration>, usize) {
        self.quiet();
        let sent = Instant::now();
        let deadline = sent + within;
        let mut last = None;
        self.writer.write_all(key).unwrap();
        self.writer.flush().unwrap();
        let mut first = None;
        let mut bytes = 0;
        let wait_first = Instant::now() + KEY_MAX;
        loop {
            let wait = if first.is_some() {
                quiet.min(deadline.saturating_duration_since(Instant::now()))
            } else {
                wait_first.saturating_duration_since(Instant::now())
            };
            match self.rx.recv_timeout(wait) {
                Ok((at, chunk)) => {
                    first.get_or_insert(at.duration_since(sent));
                    last = Some(at.duration_since(sent));
                    bytes += chunk.len();
                    self.take(&chunk);
                }
                Err(_) => break,
            }
        }
        (first, last, bytes)
    }

    /// The program's resident set now and at its peak (KiB), from /proc/PID/status.
    fn memory(&self) -> Option<(u64, u64)> {
        let pid = self.child.process_id()?;
        memory_of(pid)
    }

    /// CPU time the program has used (user + system), from /proc/PID/stat.
    fn cpu(&self) -> Option<Duration> {
        let pid = self.child.process_id()?;
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // The fields after the command name (which may hold spaces, in parentheses).
        let rest = stat.rsplit_once(')')?.1;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks: u64 =
            fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        // USER_HZ is 100 on Linux.
        Some(Duration::from_millis(ticks * 10))
    }

    fn end(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// VmRSS and VmHWM of a process, in KiB.
fn memory_of(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse::<u64>()
            .ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// A key to press: the row it is counted under (`None`: pressed, not counted) and its bytes.
type Key = (Option<&'static str>, &'static [u8]);

#[derive(Default)]
struct Figures {
    firsts: Vec<Duration>,
    bytes: Vec<usize>,
    silent: usize,
}

impl Figures {
    fn add(&mut self, (first, bytes): (Option<Duration>, usize)) {
        match first {
            Some(first) => self.firsts.push(first),
            None => self.silent += 1,
        }
        self.bytes.push(bytes);
    }

    fn cells(&self) -> String {
        let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
        let mut firsts = self.firsts.clone();
        firsts.sort();
        let median = firsts.get(firsts.len() / 2).copied();
        let max = firsts.last().copied();
        let mut bytes = self.bytes.clone();
        bytes.sort_unstable();
        let median_bytes = bytes.get(bytes.len() / 2).copied().unwrap_or(0);
        let max_bytes = bytes.last().copied().unwrap_or(0);
        let silent = if self.silent > 0 {
            format!(" ({} of {} drew nothing)", self.silent, self.bytes.len())
        } else {
            String::new()
        };
        format!(
            "{} | {} | {} | {}{}",
            median.map_or("-".into(), ms),
            max.map_or("-".into(), ms),
            median_bytes,
            max_bytes,
            silent
        )
    }
}

/// Keys pressed in turn, `times` over.
type Script = Vec<(Vec<Key>, usize)>;

fn run(probe: &mut Probe, script: &Script) -> Vec<(&'static str, Figures)> {
    let mut out: Vec<(&'static str, Figures)> = Vec::new();
    for (keys, times) in script {
        for _ in 0..*times {
            for (label, key) in keys {
                let measured = probe.press(key);
                let Some(label) = label else { continue };
                match out.iter_mut().find(|(n, _)| n == label) {
                    Some((_, figures)) => figures.add(measured),
                    None => {
                        let mut figures = Figures::default();
                        figures.add(measured);
                        out.push((label, figures));
                    }
                }
            }
        }
    }
    out
}

const PAGE_DOWN: &[u8] = b"\x1b[6~";

/// j while the cursor moves down the screen (from the top row), then j past the bottom.
fn j_steps(rows: u16) -> Vec<(Vec<Key>, usize)> {
    let within = usize::from(rows).saturating_sub(12).max(4);
    vec![
        (vec![(Some("j, within the screen"), b"j")], within),
        (vec![(None, b"j")], 10),
        (vec![(Some("j, the list scrolls"), b"j")], 30),
    ]
}

/// The keys measured, the same for both programs but for the key that leaves a ticket
/// (`back`: Esc in gongdan, q in neomutt's pager) and the one that closes a prompt (Esc,
/// Ctrl-G); gongdan's run ends typing in its composer (`r`), which neomutt has not.
fn script(rows: u16, back: &'static [u8], close: &'static [u8], composer: bool) -> Script {
    let mut script = j_steps(rows);
    script.extend([
        (vec![(Some("k"), &b"k"[..])], 30),
        (vec![(Some("PageDown"), PAGE_DOWN)], 10),
        (
            vec![
                (Some("Enter (open)"), &b"\r"[..]),
                (Some("Esc / q (back)"), back),
            ],
            6,
        ),
        (
            vec![
                (Some("/ (prompt)"), &b"/"[..]),
                (Some("Esc / Ctrl-G (close)"), close),
            ],
            6,
        ),
        (vec![(None, &b"/"[..])], 1),
        (vec![(Some("typing in a prompt"), &b"a"[..])], 20),
        (vec![(None, close)], 1),
    ]);
    if composer {
        script.push((vec![(None, &b"r"[..])], 1));
        script.push((vec![(Some("typing in the composer"), &b"x"[..])], 30));
    }
    script
}

/// A deterministic mbox of Chinese subjects, shaped as `shared/tools/gen_mbox.py` makes it.
fn write_mbox(path: &Path, count: usize) {
    const SUBJECTS: [&str; 17] = [
        "产品咨询",
        "退款申请",
        "无法登录",
        "发票问题",
        "订单查询",
        "物流延迟",
        "账号被锁定",
        "密码重置",
        "支付失败",
        "会员续费",
        "APP闪退",
        "数据导出失败",
        "产品功能建议",
        "合同续签",
        "价格咨询",
        "退货流程",
        "产品使用培训",
    ];
    const NAMES: [&str; 12] = [
        "张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴艳", "徐涛",
        "孙丽",
    ];
    let b64 = |s: &str| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, s);
    let mut state: u64 = 1;
    let mut next = |n: u64| {
        // xorshift: deterministic, no dependency.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let mut out = String::new();
    let mut t = chrono::NaiveDate::from_ymd_opt(2025, 1, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    for i in 1..=count {
        t += chrono::Duration::seconds(60 + next(7140) as i64);
        let subject = format!(
            "{} #{i} 工单{}",
            SUBJECTS[next(17) as usize],
            1000 + next(98999)
        );
        let name = NAMES[next(12) as usize];
        let who = format!("customer{}@example.com", i % 97);
        out.push_str(&format!(
            "From {who} {}\nFrom: =?utf-8?b?{}?= <{who}>\nTo: support@example.com\n\
             Subject: =?utf-8?b?{}?=\nDate: {} +0800\nMessage-ID: <{i}.1@bench.example>\n\
             MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\
             Content-Transfer-Encoding: 8bit\n\n您好,这是第 {i} 封测试邮件。\n{subject}\n\
             请尽快处理,谢谢!\n\n",
            t.format("%a %b %d %H:%M:%S %Y"),
            b64(name),
            b64(&subject),
            t.format("%a, %d %b %Y %H:%M:%S"),
        ));
    }
    std::fs::write(path, out).unwrap();
}

/// The binary measured: this build's, or another one's (`PTY_BENCH_BIN`, e.g. a build of
/// an earlier commit for a before/after in the same conditions).
fn binary() -> String {
    std::env::var("PTY_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_gongdan").to_string())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Sandbox(std::process::Child);

impl Sandbox {
    fn start(tickets: usize, latency_ms: u64) -> (Sandbox, String) {
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");
        let child = std::process::Command::new(binary())
            .args([
                "sandbox",
                "--tickets",
                &tickets.to_string(),
                "--addr",
                &addr,
                "--latency-ms",
                &latency_ms.to_string(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        while std::net::TcpStream::connect(&addr).is_err() {
            assert!(Instant::now() < deadline, "the sandbox did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        (Sandbox(child), format!("http://{addr}"))
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn gongdan(
    base_url: &str,
    home: &Path,
    lang: &str,
    rows: u16,
    cols: u16,
    first_wait: Duration,
) -> Probe {
    place_config(home);
    let env = [
        ("LANG", lang.to_string()),
        ("HOME", home.display().to_string()),
        ("XDG_CONFIG_HOME", home.join("config").display().to_string()),
        ("XDG_STATE_HOME", home.join("state").display().to_string()),
        ("XDG_DATA_HOME", home.join("data").display().to_string()),
        ("GONGDAN_PASSWORD", "admin-pass".to_string()),
    ];
    let mut probe = Probe::spawn(
        &binary(),
        &["--base-url", base_url, "--account", "admin@example.com"],
        &env,
        rows,
        cols,
    );
    // The first list: rows of tickets (each has a four-digit year or id).
    let painted = probe.wait_for(
        "gongdan's first list",
        |s| {
            s.lines()
                .filter(|l| {
                    l.as_bytes()
                        .windows(4)
                        .any(|w| w.iter().all(u8::is_ascii_digit))
                })
                .count()
                > usize::from(rows) / 2
        },
        first_wait,
    );
    probe.painted = Some(painted.duration_since(probe.spawned));
    probe
}

fn neomutt(mbox: &Path, muttrc: &Path, rows: u16, cols: u16) -> Option<Probe> {
    let program = ["/usr/bin/neomutt", "/usr/local/bin/neomutt"]
        .into_iter()
        .find(|p| Path::new(p).exists())?;
    let env = [("LC_ALL", "C.UTF-8".to_string())];
    let mut probe = Probe::spawn(
        program,
        &[
            "-n",
            "-F",
            &muttrc.display().to_string(),
            "-R",
            "-f",
            &mbox.display().to_string(),
        ],
        &env,
        rows,
        cols,
    );
    let painted = probe.wait_for(
        "neomutt's index",
        |s| s.contains("产品") || s.contains("工单"),
        Duration::from_secs(120),
    );
    probe.painted = Some(painted.duration_since(probe.spawned));
    Some(probe)
}

fn print_table(title: &str, rows: &[(String, Vec<(&'static str, Figures)>)]) {
    println!("\n### {title}\n");
    println!(
        "| run | key | first byte, median ms | first byte, worst ms | bytes, median | bytes, most |"
    );
    println!("|---|---|---|---|---|---|");
    for (run, figures) in rows {
        for (key, f) in figures {
            println!("| {run} | {key} | {} |", f.cells());
        }
    }
}

/// The sandbox in this process, seeded as `gongdan sandbox --tickets N` is (the same
/// options, the same seed), so that its requests can be counted and a ticket inserted.
struct InProcess {
    runtime: tokio::runtime::Runtime,
    sandbox: Option<sandbox::Sandbox>,
}

impl InProcess {
    fn start(tickets: usize, latency_ms: u64) -> InProcess {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let sandbox = runtime
            .block_on(sandbox::start(SandboxOptions {
                tickets,
                latency: Duration::from_millis(latency_ms),
                ..SandboxOptions::default()
            }))
            .unwrap();
        InProcess {
            runtime,
            sandbox: Some(sandbox),
        }
    }

    fn sandbox(&self) -> &sandbox::Sandbox {
        self.sandbox.as_ref().unwrap()
    }

    fn url(&self) -> String {
        self.sandbox().base_url()
    }

    /// Every request answered so far.
    fn requests(&self) -> usize {
        self.sandbox().requests().len()
    }

    fn count(&self, route: Route) -> u64 {
        self.sandbox().request_count(route)
    }
}

impl Drop for InProcess {
    fn drop(&mut self) {
        if let Some(sandbox) = self.sandbox.take() {
            self.runtime.block_on(sandbox.shutdown());
        }
    }
}

/// `PTY_BENCH_CONFIG=FILE`: that file is the console's config in each fresh home, to
/// measure with a setting (`default_profile = "b"` and `[profiles.b] cache = false`: the
/// console without its local store; the flags still name the server and the account).
fn place_config(home: &Path) {
    if let Ok(file) = std::env::var("PTY_BENCH_CONFIG") {
        let dir = home.join("config").join("gongdan");
        std::fs::create_dir_all(&dir).expect("the config folder in the bench's home");
        std::fs::copy(&file, dir.join("config.toml")).expect("PTY_BENCH_CONFIG is readable");
    }
}

fn console_env(home: &Path) -> Vec<(&'static str, String)> {
    place_config(home);
    vec![
        ("LANG", "en_US.UTF-8".to_string()),
        ("HOME", home.display().to_string()),
        ("XDG_CONFIG_HOME", home.join("config").display().to_string()),
        ("XDG_STATE_HOME", home.join("state").display().to_string()),
        ("XDG_DATA_HOME", home.join("data").display().to_string()),
        ("GONGDAN_PASSWORD", "admin-pass".to_string()),
    ]
}

/// A script command of the release binary against `url`, with `home` as its home; answers
/// its standard output and how long it ran.
fn script_command(url: &str, home: &Path, args: &[&str], stdin: &str) -> (String, Duration) {
    let mut command = std::process::Command::new(binary());
    command
        .args(args)
        .args(["--base-url", url, "--account", "admin@example.com"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for var in ["LC_ALL", "LANG", "GONGDAN_CONFIG"] {
        command.env_remove(var);
    }
    for (key, value) in console_env(home) {
        command.env(key, value);
    }
    let started = Instant::now();
    let mut child = command.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    let output = child.wait_with_output().unwrap();
    let took = started.elapsed();
    assert!(
        output.status.success(),
        "gongdan {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (String::from_utf8_lossy(&output.stdout).into_owned(), took)
}

fn median<T: Ord + Copy>(mut values: Vec<T>) -> T {
    values.sort();
    values[values.len() / 2]
}

/// Item 9: a ticket whose description is 10 MB (HTML paragraphs, all different), inserted
/// into the sandbox as the newest ticket, opened and scrolled at 120×40.
fn big_ticket_rows(tickets: usize) {
    let server = InProcess::start(tickets, 0);
    let mut ticket = server.sandbox().ticket(1).unwrap();
    let id = tickets as u64 + 1;
    ticket["ticketId"] = serde_json::json!(id);
    ticket["description"] = serde_json::json!(gongdan::bench::big_description(10 * 1024 * 1024));
    ticket["createDT"] = serde_json::json!("2030-01-01 00:00:00");
    ticket["updateDT"] = serde_json::json!("2030-01-01 00:00:00");
    server.sandbox().insert_ticket(ticket);
    let home = tempfile::tempdir().unwrap();
    let mut probe = gongdan(
        &server.url(),
        home.path(),
        "en_US.UTF-8",
        40,
        120,
        Duration::from_secs(120),
    );
    // The "All" tab (the fourth): the inserted ticket is the newest, so its first row.
    probe.press_until(b"4", Duration::from_secs(1), Duration::from_secs(60));
    let top = probe.parser.screen().contents();
    let first_row = top.lines().nth(2).unwrap_or_default().to_string();
    assert!(
        first_row.contains(&id.to_string()),
        "the big ticket is not the first row:\n{top}"
    );
    // Enter: the detail from the list's copy, then the show's fresh copy (laid out again).
    let (first, last, bytes) =
        probe.press_until(b"\r", Duration::from_secs(3), Duration::from_secs(120));
    let shown = probe.parser.screen().contents();
    println!("(the detail after Enter, first lines:)");
    for line in shown.lines().take(14) {
        println!("    {line}");
    }
    let mut figures: Vec<(&'static str, Figures)> = Vec::new();
    let mut open = Figures::default();
    open.add((first, bytes));
    figures.push(("Enter (open the 10 MB ticket)", open));
    let mut keys = Figures::default();
    for _ in 0..30 {
        keys.add(probe.press(b"j"));
    }
    figures.push(("j in its detail", keys));
    let mut pages = Figures::default();
    for _ in 0..10 {
        pages.add(probe.press(PAGE_DOWN));
    }
    figures.push(("PageDown in its detail", pages));
    let memory = probe.memory();
    probe.end();
    print_table(
        "A 10 MB description, 120x40 (en)",
        &[("gongdan en".to_string(), figures)],
    );
    println!(
        "\nEnter: last byte {} after the key (the show's copy laid out too); memory after: {}",
        last.map_or("-".into(), ms),
        memory.map_or("-".into(), |(rss, hwm)| format!(
            "VmRSS {}, VmHWM {}",
            mib(rss),
            mib(hwm)
        ))
    );
}

/// Items 6 and 10: 100,000 tickets loaded by holding End (`G`), the resident set of the
/// process, then `R` at that depth (requests counted on the sandbox); neomutt's resident set
/// on 100,000 messages beside it.
fn depth_rows(dir: &Path, muttrc: &Path) {
    const DEEP: usize = 100_000;
    let server = InProcess::start(DEEP, 0);
    let home = tempfile::tempdir().unwrap();
    let mut probe = gongdan(
        &server.url(),
        home.path(),
        "en_US.UTF-8",
        40,
        120,
        Duration::from_secs(120),
    );
    // The "All" tab (the fourth), where every ticket is.
    probe.press_until(b"4", Duration::from_secs(1), Duration::from_secs(60));
    let start = probe.memory();
    // Hold End until the requests stop: each End moves to the last loaded row, which asks
    // for the next page.
    let loading = Instant::now();
    let mut steady = 0;
    let mut seen = server.requests();
    while steady < 40 && loading.elapsed() < Duration::from_secs(1200) {
        probe.press_until(b"G", Duration::from_millis(30), KEY_MAX);
        let now = server.requests();
        steady = if now == seen { steady + 1 } else { 0 };
        seen = now;
    }
    let pages = server.count(Route::List) + server.count(Route::Search);
    let loaded = probe.memory();
    println!("\n### 100,000 tickets loaded, 120x40 (en)\n");
    println!(
        "gongdan: {pages} list/search pages read in {} (End held); VmRSS at the first list {}, \
         after loading {} (VmHWM {})",
        ms(loading.elapsed()),
        start.map_or("-".into(), |(rss, _)| mib(rss)),
        loaded.map_or("-".into(), |(rss, _)| mib(rss)),
        loaded.map_or("-".into(), |(_, hwm)| mib(hwm)),
    );
    let screen = probe.parser.screen().contents();
    let last_rows: Vec<&str> = screen.lines().rev().take(4).collect();
    println!("(the screen's last lines: {last_rows:?})");
    // R at depth: requests until the screen is quiet for 3 s (the spinner turns while any
    // request is in flight).
    let before = server.requests();
    let (first, last, bytes) =
        probe.press_until(b"R", Duration::from_secs(3), Duration::from_secs(900));
    let requests = server.requests() - before;
    println!(
        "R at depth: {requests} requests, last byte {} after the key (first byte {}), {bytes} bytes",
        last.map_or("-".into(), ms),
        first.map_or("-".into(), ms),
    );
    probe.end();
    drop(server);
    let mbox = dir.join("deep.mbox");
    write_mbox(&mbox, DEEP);
    if let Some(probe) = neomutt(&mbox, muttrc, 40, 120) {
        let memory = probe.memory();
        println!(
            "neomutt (anchor), 100,000 messages: VmRSS {} (VmHWM {}), index after {}",
            memory.map_or("-".into(), |(rss, _)| mib(rss)),
            memory.map_or("-".into(), |(_, hwm)| mib(hwm)),
            probe.painted.map_or("-".into(), ms),
        );
        probe.end();
    }
}

/// Item 5: start-up with no past runs and with 30 past bulk runs of 10,000 tickets each
/// (made by the release binary's own `tickets update`, so the journals are real).
fn startup_rows(mbox: &Path, muttrc: &Path, tickets: usize) {
    const RUNS: usize = 30;
    let server = InProcess::start(tickets, 0);
    let empty = tempfile::tempdir().unwrap();
    let busy = tempfile::tempdir().unwrap();
    let ids: String = (1..=tickets).map(|id| format!("{id}\n")).collect();
    let made = Instant::now();
    for run in 0..RUNS {
        // Priority, not status: the first tab (new tickets) must keep its rows.
        let priority = if run % 2 == 0 { "high" } else { "normal" };
        script_command(
            &server.url(),
            busy.path(),
            &["tickets", "update", "-", "--priority", priority, "--yes"],
            &ids,
        );
    }
    let journal_bytes = dir_size(&busy.path().join("state"));
    println!("\n### Start-up, 120x40 (en)\n");
    println!(
        "{RUNS} past runs of {tickets} tickets made in {} ({} MiB on disk under the state dir)",
        ms(made.elapsed()),
        journal_bytes / (1024 * 1024)
    );
    println!(
        "| run | spawn to first list, median (of 5) | VmHWM, median | CPU to the first list, median |"
    );
    println!("|---|---|---|---|");
    for (name, home) in [
        ("gongdan, no past runs", &empty),
        ("gongdan, 30 past runs", &busy),
    ] {
        let (mut times, mut peaks, mut cpus) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..5 {
            let probe = gongdan(
                &server.url(),
                home.path(),
                "en_US.UTF-8",
                40,
                120,
                Duration::from_secs(60),
            );
            times.push(probe.painted.unwrap_or_default());
            peaks.push(probe.memory().map_or(0, |(_, hwm)| hwm));
            cpus.push(probe.cpu().unwrap_or_default());
            probe.end();
            std::thread::sleep(Duration::from_millis(500));
        }
        println!(
            "| {name} | {} | {} | {} |",
            ms(median(times)),
            mib(median(peaks)),
            ms(median(cpus))
        );
    }
    let mut times = Vec::new();
    let mut peaks = Vec::new();
    for _ in 0..5 {
        let Some(probe) = neomutt(mbox, muttrc, 40, 120) else {
            break;
        };
        times.push(probe.painted.unwrap_or_default());
        peaks.push(probe.memory().map_or(0, |(_, hwm)| hwm));
        probe.end();
    }
    if !times.is_empty() {
        println!(
            "| neomutt (anchor), {tickets} messages | {} | {} | - |",
            ms(median(times)),
            mib(median(peaks))
        );
    }
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(meta) if meta.is_dir() => dir_size(&entry.path()),
            Ok(meta) => meta.len(),
            Err(_) => 0,
        })
        .sum()
}

/// Item 7: `tickets search --all` of 10,000 tickets, calls counted on the sandbox, at no
/// latency and with every answer delayed 40 ms (about the live server's, issue 14).
fn search_rows(tickets: usize) {
    println!("\n### tickets search --all of {tickets}\n");
    println!("| latency | search calls | tickets printed | wall time, median of 3 |");
    println!("|---|---|---|---|");
    for latency in [0u64, 40] {
        let server = InProcess::start(tickets, latency);
        let home = tempfile::tempdir().unwrap();
        let mut times = Vec::new();
        let mut calls = 0;
        let mut printed = 0;
        for _ in 0..3 {
            let before = server.count(Route::Search);
            let (out, took) = script_command(
                &server.url(),
                home.path(),
                &["tickets", "search", "--all", "--ids"],
                "",
            );
            calls = server.count(Route::Search) - before;
            printed = out.lines().count();
            times.push(took);
        }
        println!(
            "| {latency} ms | {calls} | {printed} | {} |",
            ms(median(times))
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a filter-only run (cargo test --benches) does nothing.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let tickets: usize = std::env::var("PTY_BENCH_TICKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    // Which parts to run (all by default): keys, big, depth, startup, search.
    let parts = std::env::var("PTY_BENCH_PARTS")
        .unwrap_or_else(|_| "keys,big,depth,startup,search".to_string());
    let part = |name: &str| parts.split(',').any(|p| p.trim() == name);
    // The screen sizes of the keys part (all three by default), e.g. "120x40".
    let sizes: Vec<(u16, u16)> = std::env::var("PTY_BENCH_SIZES")
        .unwrap_or_else(|_| "80x24,120x40,200x50".to_string())
        .split(',')
        .filter_map(|size| {
            let (cols, rows) = size.trim().split_once('x')?;
            Some((rows.parse().ok()?, cols.parse().ok()?))
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let mbox = dir.path().join("bench.mbox");
    write_mbox(&mbox, tickets);
    let muttrc = dir.path().join("bench.muttrc");
    std::fs::write(
        &muttrc,
        "set folder=.\nset mbox_type=mbox\nset charset=utf-8\nset header_cache=\"\"\n\
         set mail_check_stats=no\nset sort=date\n",
    )
    .unwrap();
    println!(
        "pty_keys: {tickets} tickets (gongdan sandbox seed) / messages (neomutt mbox), \
         release binary {}",
        binary()
    );
    if part("keys") {
        keys_rows(&mbox, &muttrc, tickets, &sizes);
    }
    if part("big") {
        big_ticket_rows(tickets);
    }
    if part("depth") {
        depth_rows(dir.path(), &muttrc);
    }
    if part("startup") {
        startup_rows(&mbox, &muttrc, tickets);
    }
    if part("search") {
        search_rows(tickets);
    }
}

/// Keys on the list, the ticket and the prompts, at each size, beside neomutt.
fn keys_rows(mbox: &Path, muttrc: &Path, tickets: usize, sizes: &[(u16, u16)]) {
    let (_sandbox, base_url) = Sandbox::start(tickets, 0);
    let (_slow, slow_url) = Sandbox::start(tickets, 3000);
    for &(rows, cols) in sizes {
        let mut results: Vec<(String, Vec<(&'static str, Figures)>)> = Vec::new();
        let runs: Vec<(&str, &str, &str, Duration)> = if (rows, cols) == (40, 120) {
            vec![
                (
                    "gongdan en",
                    &base_url,
                    "en_US.UTF-8",
                    Duration::from_secs(60),
                ),
                (
                    "gongdan zh",
                    &base_url,
                    "zh_CN.UTF-8",
                    Duration::from_secs(60),
                ),
                (
                    "gongdan en, answers delayed 3 s",
                    &slow_url,
                    "en_US.UTF-8",
                    Duration::from_secs(120),
                ),
            ]
        } else {
            vec![(
                "gongdan en",
                &base_url,
                "en_US.UTF-8",
                Duration::from_secs(60),
            )]
        };
        for (name, url, lang, first_wait) in runs {
            let home = tempfile::tempdir().unwrap();
            let mut probe = gongdan(url, home.path(), lang, rows, cols, first_wait);
            let figures = run(&mut probe, &script(rows, b"\x1b", b"\x1b", true));
            probe.end();
            results.push((name.to_string(), figures));
        }
        match neomutt(mbox, muttrc, rows, cols) {
            Some(mut probe) => {
                let figures = run(&mut probe, &script(rows, b"q", b"\x07", false));
                probe.end();
                results.push(("neomutt (anchor)".to_string(), figures));
            }
            None => println!("(neomutt is not installed: apt-get install -y neomutt)"),
        }
        print_table(&format!("{cols}x{rows}"), &results);
    }
}
