//! The event loop on a TestBackend: all queued input is handled before one draw.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::StreamExt;
use gongdan::app::{App, Command, WorkerEvent};
use gongdan::lang::Lang;
use gongdan::tui::{LoopStats, Outputs, run_loop};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

/// What a run of the loop left: its counts, the screen, what went to the clipboard and to
/// the worker.
struct Ran {
    stats: LoopStats,
    screen: String,
    clipboard: Vec<u8>,
    worker: mpsc::UnboundedReceiver<Command>,
}

/// Runs the loop on a 100x30 TestBackend (ticks an hour apart) until the input ends or the
/// app quits. The deadline is checked first: were the loop polled only because the deadline
/// woke the task, queued keys would still be seen, and a plain `timeout` would hide a hang.
async fn run<E>(app: &mut App, events: E) -> Ran
where
    E: futures::Stream<Item = std::io::Result<Event>> + Unpin,
{
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let (worker_tx, worker) = mpsc::unbounded_channel::<Command>();
    let (_results_tx, results_rx) = mpsc::unbounded_channel::<WorkerEvent>();
    let mut clipboard = Vec::new();
    let mut shutdown = Box::pin(std::future::pending::<()>());
    let mut ui = gongdan::ui::Ui::default();
    let stats = tokio::select! {
        biased;
        _ = tokio::time::sleep(Duration::from_secs(20)) => {
            panic!("the loop did not end: a key waited for something else to wake it")
        }
        stats = run_loop(
            &mut terminal,
            app,
            events,
            results_rx,
            Outputs {
                worker: worker_tx,
                clipboard: &mut clipboard,
            },
            &mut ui,
            Duration::from_secs(3600),
            &now,
            shutdown.as_mut(),
        ) => stats.unwrap(),
    };
    Ran {
        stats,
        screen: format!("{}", terminal.backend()),
        clipboard,
        worker,
    }
}

#[tokio::test]
async fn a_held_down_key_draws_once_per_batch() {
    let mut app = all_tab(Lang::En, 100, 30, 100);
    // Fifty presses queued at once, then the input ends.
    let j = key(KeyCode::Char('j'), KeyModifiers::NONE);
    let events = futures::stream::iter((0..50).map(|_| Ok(j.clone())));
    let mut ran = run(&mut app, events).await;
    let stats = ran.stats;
    assert_eq!(stats.input_events, 50);
    assert_eq!(stats.input_batches, 1);
    assert_eq!(
        stats.draws, 2,
        "one draw at start, one for the whole batch: {stats:?}"
    );
    assert_eq!(app.current_view().selected_id(), Some(51));
    // The loop's own Start went to the worker.
    assert!(ran.worker.try_recv().is_ok());
    assert!(ran.screen.contains("\">   51 "), "{}", ran.screen);
}

#[tokio::test]
async fn copy_writes_osc52_to_the_terminal() {
    let mut app = all_tab(Lang::En, 100, 30, 3);
    // `y` opens the copy menu; `a` there copies the API URL.
    let events = futures::stream::iter([
        Ok(key(KeyCode::Char('y'), KeyModifiers::NONE)),
        Ok(key(KeyCode::Char('a'), KeyModifiers::NONE)),
    ]);
    let ran = run(&mut app, events).await;
    let written = String::from_utf8(ran.clipboard).unwrap();
    let url = "http://127.0.0.1/api/v1/tickets/1.json";
    let encoded = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, url);
    assert_eq!(written, format!("\x1b]52;c;{encoded}\x07"));
}

/// Behaves as crossterm's `EventStream`: the waker of the poll that found it empty is the
/// one woken when the next event arrives; later polls while it waits do not replace it.
struct CrosstermLikeStream {
    shared: std::sync::Arc<std::sync::Mutex<LikeState>>,
}

#[derive(Default)]
struct LikeState {
    queue: std::collections::VecDeque<Event>,
    waker: Option<std::task::Waker>,
    closed: bool,
}

impl futures::Stream for CrosstermLikeStream {
    type Item = std::io::Result<Event>;
    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        let mut state = self.shared.lock().unwrap();
        if let Some(event) = state.queue.pop_front() {
            return std::task::Poll::Ready(Some(Ok(event)));
        }
        if state.closed {
            return std::task::Poll::Ready(None);
        }
        if state.waker.is_none() {
            state.waker = Some(cx.waker().clone());
        }
        std::task::Poll::Pending
    }
}

fn push_event(shared: &std::sync::Mutex<LikeState>, event: Option<Event>) {
    let mut state = shared.lock().unwrap();
    match event {
        Some(event) => state.queue.push_back(event),
        None => state.closed = true,
    }
    if let Some(waker) = state.waker.take() {
        waker.wake();
    }
}

/// A key typed after the loop drained the queue is handled at once, not at the next tick:
/// the drain must not leave a waker behind that nobody listens to (issue 12: every key
/// waited for the 200 ms tick). The tick here is an hour away.
#[tokio::test]
async fn a_key_typed_after_a_drain_is_handled_without_waiting_for_a_tick() {
    let mut app = all_tab(Lang::En, 100, 30, 100);
    let shared = std::sync::Arc::new(std::sync::Mutex::new(LikeState::default()));
    let events = CrosstermLikeStream {
        shared: shared.clone(),
    };
    let typist = {
        let shared = shared.clone();
        tokio::spawn(async move {
            // Key by key, each after the loop has had time to drain and wait again.
            for _ in 0..5 {
                tokio::time::sleep(Duration::from_millis(20)).await;
                push_event(&shared, Some(key(KeyCode::Char('j'), KeyModifiers::NONE)));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
            push_event(&shared, None);
        })
    };
    let ran = run(&mut app, events).await;
    typist.await.unwrap();
    assert_eq!(ran.stats.input_events, 5);
    assert_eq!(app.current_view().selected_id(), Some(6));
}

/// Esc and `q` read together (crossterm decodes `ESC q` as Alt-q, unbound in the list) act as
/// Esc, then q: from a ticket, back to the list, then quit.
#[tokio::test]
async fn esc_glued_to_q_closes_the_ticket_then_quits() {
    let mut app = all_tab(Lang::En, 100, 30, 3);
    let events = futures::stream::iter([
        Ok(key(KeyCode::Enter, KeyModifiers::NONE)),
        Ok(key(KeyCode::Char('q'), KeyModifiers::ALT)),
    ])
    .chain(futures::stream::pending());
    run(&mut app, events).await;
    assert!(app.quit);
}
