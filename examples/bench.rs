//! End-to-end figures of issue 7, each printed with its baseline measured in the same run:
//! bulk throughput against the sandbox, resident memory with 100k tickets, spawn to first
//! painted list, key-to-screen while a request hangs, and bytes written while idle.
//!
//! `cargo run --release --example bench -- [bulk|memory|first-paint|hang-idle|all]`
//! (see BENCHMARKS.md). `first-paint` needs `cargo build --release` first: it runs
//! target/release/gongdan.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gongdan::api::{Auth, Client, ClientConfig, Ticket, TicketChange, TicketStatus, decode};
use gongdan::app::{App, Settings};
use gongdan::bulk::{BulkEdit, Engine, Journal, Plan, RunOptions, Target};
use gongdan::sandbox::{self, Fault, Route, SandboxOptions};
use gongdan::tui::{Outputs, run_loop, server_now};

fn admin_client(base_url: String, concurrency: usize) -> Client {
    let mut config = ClientConfig::new(
        base_url,
        Auth::Basic {
            account: "admin@example.com".into(),
            password: "admin-pass".into(),
        },
    );
    config.timeout = Duration::from_secs(30);
    config.concurrency = concurrency;
    Client::new(config).unwrap()
}

// ---------------------------------------------------------------------------------------
// Bulk: 10,000 tickets, 20 ms latency.

async fn bulk() {
    const N: usize = 10_000;
    const LATENCY_MS: u64 = 20;
    let concurrency = RunOptions::default().concurrency;
    let sandbox = sandbox::start(SandboxOptions {
        tickets: N,
        latency: Duration::from_millis(LATENCY_MS),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let client = admin_client(sandbox.base_url(), concurrency);
    // The rows as the console holds them; all "new", so every one is sent.
    let tickets: Vec<Ticket> = sandbox
        .ticket_ids()
        .into_iter()
        .map(|id| Ticket {
            id,
            status: Some(TicketStatus::New),
            ..Ticket::default()
        })
        .collect();
    let edit = BulkEdit::from(TicketChange {
        status: Some(TicketStatus::Pending),
        ..TicketChange::default()
    });
    let target = Target {
        profile: "bench".into(),
        base_url: sandbox.base_url(),
    };
    let plan = Plan::new(
        &edit,
        &tickets,
        target.clone(),
        gongdan::bulk::RunStamp::now(),
    );
    let state = tempfile::tempdir().unwrap();
    let engine = Engine::new(
        client.clone(),
        Journal::new(state.path()),
        RunOptions::default(),
        target,
    );
    let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
    let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
    let before = sandbox.request_count(Route::UpdateMany);
    let start = Instant::now();
    let report = engine
        .start(&plan, &tx, &tokio_util::sync::CancellationToken::new())
        .await
        .unwrap();
    let wall = start.elapsed();
    drop(tx);
    let _ = drain.await;
    let calls = sandbox.request_count(Route::UpdateMany) - before;
    let ideal_ms = N.div_ceil(100) as f64 * LATENCY_MS as f64 / concurrency as f64;

    // One call per ticket: a sample with the same concurrency, extrapolated.
    const SAMPLE: usize = 200;
    let change = TicketChange {
        status: Some(TicketStatus::Open),
        ..TicketChange::default()
    };
    let ids: Vec<u64> = sandbox.ticket_ids().into_iter().take(SAMPLE).collect();
    let single_start = Instant::now();
    use futures::StreamExt;
    let done = futures::stream::iter(ids)
        .map(|id| {
            let client = client.clone();
            let change = change.clone();
            async move { client.update(id, &change).await.is_ok() }
        })
        .buffer_unordered(concurrency)
        .filter(|ok| futures::future::ready(*ok))
        .count()
        .await;
    let single = single_start.elapsed();
    let per_ticket_ms = single.as_secs_f64() * 1e3 * N as f64 / SAMPLE as f64;

    println!(
        "bulk status change of {N} tickets, sandbox latency {LATENCY_MS} ms, concurrency {concurrency}:"
    );
    println!(
        "  gongdan:  {calls} update-many calls, {:.0} ms wall ({} done)",
        wall.as_secs_f64() * 1e3,
        report.outcomes.len()
    );
    println!(
        "  ideal:    {} calls, ceil(N/100) x latency / concurrency = {ideal_ms:.0} ms",
        N.div_ceil(100)
    );
    println!(
        "  one call per ticket: {SAMPLE} sampled ({done} ok) in {:.0} ms -> {per_ticket_ms:.0} ms for {N} (extrapolated)",
        single.as_secs_f64() * 1e3
    );
    println!(
        "  wall / ideal = {:.2} (target <= 1.3: {}); calls = {calls} (target 100: {})",
        wall.as_secs_f64() * 1e3 / ideal_ms,
        met(wall.as_secs_f64() * 1e3 <= 1.3 * ideal_ms),
        met(calls == 100)
    );
    sandbox.shutdown().await;
}

fn met(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

// ---------------------------------------------------------------------------------------
// Memory: 100,000 tickets, in a fresh process per variant.

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

const MEMORY_TICKETS: usize = 100_000;

/// Runs in the child: loads 1,000 pages of 100 tickets one way and prints the RSS growth.
fn memory_child(variant: &str) {
    let page = gongdan::bench::live_page_json(100);
    let before = rss_bytes();
    let pages = MEMORY_TICKETS / 100;
    match variant {
        "typed" => {
            let mut app = App::new(Settings::default(), server_now());
            let mut ids = Vec::with_capacity(MEMORY_TICKETS);
            for p in 0..pages {
                // The same bytes each page; ids made distinct as 1,000 pages would have.
                let decoded = decode::ticket_page(page.as_bytes()).unwrap();
                for (i, mut ticket) in decoded.items.into_iter().enumerate() {
                    ticket.id = (p * 100 + i + 1) as u64;
                    ids.push(ticket.id);
                    app.tickets.insert(ticket.id, ticket);
                }
            }
            app.views[0].set_ids(ids);
            let after = rss_bytes();
            println!("{}", after.saturating_sub(before));
            std::hint::black_box(&app);
        }
        _ => {
            let mut held = Vec::with_capacity(pages);
            for _ in 0..pages {
                held.push(serde_json::from_str::<serde_json::Value>(&page).unwrap());
            }
            let after = rss_bytes();
            println!("{}", after.saturating_sub(before));
            std::hint::black_box(&held);
        }
    }
}

fn memory() {
    let exe = std::env::current_exe().unwrap();
    let run = |variant: &str| -> f64 {
        let out = std::process::Command::new(&exe)
            .args(["memory-child", variant])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        text.trim().parse::<f64>().unwrap_or(f64::NAN) / (1024.0 * 1024.0)
    };
    let typed = run("typed");
    let value = run("value");
    println!(
        "resident memory growth with {MEMORY_TICKETS} tickets loaded (fresh process each, /proc/self/statm):"
    );
    println!("  gongdan (typed, compact store): {typed:>8.1} MiB");
    println!("  same pages as serde_json::Value: {value:>7.1} MiB");
    println!(
        "  ratio {:.2} (target <= 0.33: {}); <= 100 MiB: {}",
        typed / value,
        met(typed / value <= 1.0 / 3.0),
        met(typed <= 100.0)
    );
}

// ---------------------------------------------------------------------------------------
// Spawn to first painted list: the release binary on a pty against `gongdan sandbox`.

fn first_paint() {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/gongdan");
    assert!(bin.exists(), "build it first: cargo build --release");
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut server = std::process::Command::new(&bin)
        .args([
            "sandbox",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--tickets",
            "10000",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut banner = [0u8; 64];
    let _ = server.stdout.as_mut().map(|out| out.read(&mut banner));
    let mut times = Vec::new();
    for _ in 0..7 {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let home = tempfile::tempdir().unwrap();
        let mut command = CommandBuilder::new(&bin);
        command.env("TERM", "xterm-256color");
        command.env("LANG", "en_US.UTF-8");
        command.env("HOME", home.path());
        command.env("XDG_CONFIG_HOME", home.path().join("config"));
        command.env("XDG_STATE_HOME", home.path().join("state"));
        command.env("GONGDAN_BASE_URL", format!("http://127.0.0.1:{port}"));
        command.env("GONGDAN_ACCOUNT", "admin@example.com");
        command.env("GONGDAN_PASSWORD", "admin-pass");
        let start = Instant::now();
        let mut child = pty.slave.spawn_command(command).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        let mut writer = pty.master.take_writer().unwrap();
        let mut parser = vt100::Parser::new(
            std::num::NonZeroU16::new(40).unwrap(),
            std::num::NonZeroU16::new(120).unwrap(),
            0,
        );
        let deadline = start + Duration::from_secs(10);
        let mut painted = None;
        while Instant::now() < deadline {
            if let Ok(chunk) = rx.recv_timeout(Duration::from_millis(2)) {
                parser.process(&chunk);
                // The list is painted once a row below the header starts with an id.
                let screen = parser.screen();
                let row = screen.contents_between(2, 0, 2, 120);
                if row
                    .trim_start_matches(['>', ' ', '*'])
                    .starts_with(|c: char| c.is_ascii_digit())
                {
                    painted = Some(start.elapsed());
                    if times.is_empty() {
                        println!("  first run, the screen when the list showed:");
                        for line in screen.contents().lines().take(4) {
                            println!("  | {line}");
                        }
                    }
                    break;
                }
            }
        }
        let _ = writer.write_all(b"q");
        let _ = writer.flush();
        let quit_by = Instant::now() + Duration::from_secs(3);
        while Instant::now() < quit_by {
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
        // The server finishes what the last console left in flight (its other tabs), so
        // that each run starts against an idle server, as a user's start does.
        std::thread::sleep(Duration::from_millis(500));
        match painted {
            Some(t) => times.push(t.as_secs_f64() * 1e3),
            None => println!("  (a run painted no list within 10 s)"),
        }
    }
    let _ = server.kill();
    let _ = server.wait();
    times.sort_by(f64::total_cmp);
    let median = times.get(times.len() / 2).copied().unwrap_or(f64::NAN);
    println!(
        "spawn to first painted list (release, pty 120x40, `gongdan sandbox` with 10,000 tickets in another process):"
    );
    println!(
        "  runs (ms): {:?}",
        times.iter().map(|t| t.round()).collect::<Vec<_>>()
    );
    println!(
        "  median {median:.0} ms; baseline neomutt 329 ms; target <= 200 ms: {}",
        met(median <= 200.0)
    );
}

// ---------------------------------------------------------------------------------------
// Key-to-screen while a request hangs, and bytes written while idle: the real event loop
// in-process on a crossterm backend over a writer that timestamps every write.

#[derive(Clone, Default)]
struct TimedWriter(Arc<Mutex<Vec<(Instant, usize)>>>);

impl Write for TimedWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().push((Instant::now(), bytes.len()));
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl TimedWriter {
    fn bytes_between(&self, from: Instant, to: Instant) -> usize {
        let writes = self.0.lock().unwrap();
        writes
            .iter()
            .filter(|(at, _)| *at >= from && *at < to)
            .map(|(_, n)| n)
            .sum()
    }
    fn first_write_after(&self, from: Instant) -> Option<Instant> {
        let writes = self.0.lock().unwrap();
        writes.iter().map(|(at, _)| *at).find(|at| *at >= from)
    }
}

async fn hang_idle() {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use ratatui::{Terminal, TerminalOptions, Viewport, backend::CrosstermBackend, layout::Rect};
    let sandbox = sandbox::start(SandboxOptions {
        tickets: 2_000,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let writer = TimedWriter::default();
    // The console's own backend over the timed writer.
    let mut terminal = Terminal::with_options(
        gongdan::term_backend::WideAwareBackend::new(CrosstermBackend::new(writer.clone())),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 120, 40)),
        },
    )
    .unwrap();
    let (commands, results) = gongdan::worker::spawn(admin_client(sandbox.base_url(), 4), 4);
    let mut app = App::new(Settings::default(), server_now());
    let (keys_tx, keys_rx) = tokio::sync::mpsc::unbounded_channel::<std::io::Result<Event>>();
    let events = tokio_stream_from(keys_rx);
    let mut clipboard = Vec::new();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let mut shutdown = Box::pin(async move {
        let _ = stop_rx.await;
    });
    let key = |c: char| {
        Ok(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )))
    };
    let driver = async {
        // Let the first pages arrive.
        tokio::time::sleep(Duration::from_secs(2)).await;
        // Idle: nothing in flight, no input, for 10 s.
        let idle_from = Instant::now();
        tokio::time::sleep(Duration::from_secs(10)).await;
        let idle_bytes = writer.bytes_between(idle_from, Instant::now());

        // Every request from now on hangs 5 s; a reload starts one.
        for _ in 0..8 {
            sandbox.push_fault(Fault::Hang(Duration::from_secs(5)));
        }
        keys_tx.send(key('r')).unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mut lags = Vec::new();
        for c in ['j', 'j', 'k', 'j', 'j', 'j', 'k', 'j', 'j', 'j'] {
            // Keep clear of the spinner's tick (every 200 ms) so its frame is not counted.
            tokio::time::sleep(Duration::from_millis(90)).await;
            let sent = Instant::now();
            keys_tx.send(key(c)).unwrap();
            tokio::time::sleep(Duration::from_millis(60)).await;
            if let Some(at) = writer.first_write_after(sent) {
                lags.push(at.duration_since(sent).as_secs_f64() * 1e3);
            }
        }
        let _ = stop_tx.send(());
        (idle_bytes, lags)
    };
    let mut ui = gongdan::ui::Ui::default();
    let console = run_loop(
        &mut terminal,
        &mut app,
        events,
        results,
        Outputs {
            worker: commands,
            clipboard: &mut clipboard,
        },
        &mut ui,
        Duration::from_millis(200),
        &server_now,
        shutdown.as_mut(),
    );
    let (stats, (idle_bytes, mut lags)) = tokio::join!(console, driver);
    let stats = stats.unwrap();
    lags.sort_by(f64::total_cmp);
    let median = lags.get(lags.len() / 2).copied().unwrap_or(f64::NAN);
    let worst = lags.last().copied().unwrap_or(f64::NAN);
    println!(
        "bytes written in 10 s without input (no auto-refresh): {idle_bytes} (baseline neomutt 0; target 0: {})",
        met(idle_bytes == 0)
    );
    println!(
        "key-to-screen while a request hangs 5 s: median {median:.2} ms, worst {worst:.2} ms over {} keys (target <= 20 ms: {})",
        lags.len(),
        met(worst <= 20.0)
    );
    println!(
        "  loop: {} draws, {} input batches",
        stats.draws, stats.input_batches
    );
    sandbox.shutdown().await;
}

/// The receiving half of a channel as a stream of terminal events.
fn tokio_stream_from(
    rx: tokio::sync::mpsc::UnboundedReceiver<std::io::Result<crossterm::event::Event>>,
) -> impl futures::Stream<Item = std::io::Result<crossterm::event::Event>> + Unpin {
    Box::pin(futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|event| (event, rx))
    }))
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let what = args.first().map(String::as_str).unwrap_or("all");
    match what {
        "memory-child" => memory_child(args.get(1).map(String::as_str).unwrap_or("typed")),
        "bulk" => bulk().await,
        "memory" => memory(),
        "first-paint" => first_paint(),
        "hang-idle" => hang_idle().await,
        _ => {
            bulk().await;
            memory();
            hang_idle().await;
            first_paint();
        }
    }
}
