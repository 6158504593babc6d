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

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const QUIET: Duration = Duration::from_millis(80);
const KEY_MAX: Duration = Duration::from_secs(3);

struct Probe {
    rx: Receiver<(Instant, Vec<u8>)>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    parser: vt100::Parser,
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

    /// Reads until `pred` holds on the screen and then no byte for `QUIET`.
    fn wait_for(&mut self, what: &str, pred: impl Fn(&str) -> bool, within: Duration) {
        let deadline = Instant::now() + within;
        let mut seen = false;
        loop {
            match self.rx.recv_timeout(QUIET * 2) {
                Ok((_, chunk)) => self.take(&chunk),
                Err(RecvTimeoutError::Timeout) if seen => return,
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => panic!("{what}: the program ended"),
            }
            seen = seen || pred(&self.parser.screen().contents());
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
        self.quiet();
        let sent = Instant::now();
        self.writer.write_all(key).unwrap();
        self.writer.flush().unwrap();
        let mut first = None;
        let mut bytes = 0;
        let wait_first = Instant::now() + KEY_MAX;
        loop {
            let wait = if first.is_some() {
                QUIET
            } else {
                wait_first.saturating_duration_since(Instant::now())
            };
            match self.rx.recv_timeout(wait) {
                Ok((at, chunk)) => {
                    first.get_or_insert(at.duration_since(sent));
                    bytes += chunk.len();
                    self.take(&chunk);
                }
                Err(_) => break,
            }
        }
        (first, bytes)
    }

    fn end(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_gongdan"))
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
    let env = [
        ("LANG", lang.to_string()),
        ("HOME", home.display().to_string()),
        ("XDG_CONFIG_HOME", home.join("config").display().to_string()),
        ("XDG_STATE_HOME", home.join("state").display().to_string()),
        ("XDG_DATA_HOME", home.join("data").display().to_string()),
        ("GONGDAN_PASSWORD", "admin-pass".to_string()),
    ];
    let mut probe = Probe::spawn(
        env!("CARGO_BIN_EXE_gongdan"),
        &["--base-url", base_url, "--account", "admin@example.com"],
        &env,
        rows,
        cols,
    );
    // The first list: rows of tickets (each has a four-digit year or id).
    probe.wait_for(
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
    probe.wait_for(
        "neomutt's index",
        |s| s.contains("产品") || s.contains("工单"),
        Duration::from_secs(60),
    );
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

fn main() {
    // `cargo bench` passes `--bench`; a filter-only run (cargo test --benches) does nothing.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let tickets: usize = std::env::var("PTY_BENCH_TICKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
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
    let (_sandbox, base_url) = Sandbox::start(tickets, 0);
    let (_slow, slow_url) = Sandbox::start(tickets, 3000);
    println!(
        "pty_keys: {tickets} tickets (gongdan sandbox seed) / messages (neomutt mbox), \
         release binary {}",
        env!("CARGO_BIN_EXE_gongdan")
    );
    for (rows, cols) in [(24u16, 80u16), (40, 120), (50, 200)] {
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
        match neomutt(&mbox, &muttrc, rows, cols) {
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
