//! The event loop on a TestBackend: all queued input is handled before one draw.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::StreamExt;
use gongdan::app::{Action, Command, WorkerEvent, update};
use gongdan::tui::{Outputs, run_loop};
use gongdan::ui::i18n::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

#[tokio::test]
async fn a_held_down_key_draws_once_per_batch() {
    let mut app = app(Lang::En, 100, 30);
    // Tickets already loaded (as if the worker had answered), so the keys move something.
    let commands = update(&mut app, Action::Start);
    update(&mut app, Action::SelectView(3));
    answer_page(
        &mut app,
        find(&commands, is_list),
        page((1..=100).map(ticket).collect(), 100, false),
    );

    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let j = Event::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE));
    // Fifty presses queued at once, then the input ends.
    let events = futures::stream::iter((0..50).map(|_| Ok(j.clone())));
    let (worker_tx, mut worker_rx) = mpsc::unbounded_channel::<Command>();
    let (_results_tx, results_rx) = mpsc::unbounded_channel::<WorkerEvent>();
    let mut clipboard = Vec::new();
    let mut shutdown = Box::pin(std::future::pending::<()>());
    let stats = tokio::time::timeout(
        Duration::from_secs(10),
        run_loop(
            &mut terminal,
            &mut app,
            events,
            results_rx,
            Outputs {
                worker: worker_tx,
                clipboard: &mut clipboard,
            },
            Duration::from_secs(3600),
            &now,
            shutdown.as_mut(),
        ),
    )
    .await
    .expect("the loop ends when input ends")
    .unwrap();
    assert_eq!(stats.input_events, 50);
    assert_eq!(stats.input_batches, 1);
    assert_eq!(
        stats.draws, 2,
        "one draw at start, one for the whole batch: {stats:?}"
    );
    assert_eq!(app.current_view().selected_id(), Some(51));
    // The loop's own Start went to the worker.
    assert!(worker_rx.try_recv().is_ok());
    let screen = format!("{}", terminal.backend());
    assert!(screen.contains("\">   51 "), "{screen}");
}

#[tokio::test]
async fn copy_writes_osc52_to_the_terminal() {
    let mut app = app(Lang::En, 100, 30);
    let commands = update(&mut app, Action::Start);
    update(&mut app, Action::SelectView(3));
    answer_page(
        &mut app,
        find(&commands, is_list),
        page((1..=3).map(ticket).collect(), 3, false),
    );
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    // `y` opens the copy menu; `a` there copies the API URL.
    let y = Event::Key(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE));
    let a = Event::Key(KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE));
    let events = futures::stream::iter([Ok(y), Ok(a)]);
    let (worker_tx, _worker_rx) = mpsc::unbounded_channel::<Command>();
    let (_results_tx, results_rx) = mpsc::unbounded_channel::<WorkerEvent>();
    let mut clipboard = Vec::new();
    let mut shutdown = Box::pin(std::future::pending::<()>());
    tokio::time::timeout(
        Duration::from_secs(10),
        run_loop(
            &mut terminal,
            &mut app,
            events,
            results_rx,
            Outputs {
                worker: worker_tx,
                clipboard: &mut clipboard,
            },
            Duration::from_secs(3600),
            &now,
            shutdown.as_mut(),
        ),
    )
    .await
    .unwrap()
    .unwrap();
    let written = String::from_utf8(clipboard).unwrap();
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
    let mut app = app(Lang::En, 100, 30);
    let commands = update(&mut app, Action::Start);
    update(&mut app, Action::SelectView(3));
    answer_page(
        &mut app,
        find(&commands, is_list),
        page((1..=100).map(ticket).collect(), 100, false),
    );
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let shared = std::sync::Arc::new(std::sync::Mutex::new(LikeState::default()));
    let events = CrosstermLikeStream {
        shared: shared.clone(),
    };
    let j = Event::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE));
    let (worker_tx, _worker_rx) = mpsc::unbounded_channel::<Command>();
    let (_results_tx, results_rx) = mpsc::unbounded_channel::<WorkerEvent>();
    let typist = {
        let shared = shared.clone();
        let j = j.clone();
        tokio::spawn(async move {
            // Key by key, each after the loop has had time to drain and wait again.
            for _ in 0..5 {
                tokio::time::sleep(Duration::from_millis(20)).await;
                push_event(&shared, Some(j.clone()));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
            push_event(&shared, None);
        })
    };
    let mut clipboard = Vec::new();
    let mut shutdown = Box::pin(std::future::pending::<()>());
    // The deadline is checked first: were the loop polled only because the deadline woke the
    // task, the keys would still be seen, and a plain `timeout` would hide the hang.
    let stats = tokio::select! {
        biased;
        _ = tokio::time::sleep(Duration::from_secs(20)) => {
            panic!("a key waited for something else to wake the loop")
        }
        stats = run_loop(
            &mut terminal,
            &mut app,
            events,
            results_rx,
            Outputs {
                worker: worker_tx,
                clipboard: &mut clipboard,
            },
            Duration::from_secs(3600),
            &now,
            shutdown.as_mut(),
        ) => stats.unwrap(),
    };
    typist.await.unwrap();
    assert_eq!(stats.input_events, 5);
    assert_eq!(app.current_view().selected_id(), Some(6));
}

/// Esc and `q` read together (crossterm decodes `ESC q` as Alt-q, unbound in the list) act as
/// Esc, then q: from a ticket, back to the list, then quit.
#[tokio::test]
async fn esc_glued_to_q_closes_the_ticket_then_quits() {
    let mut app = app(Lang::En, 100, 30);
    let commands = update(&mut app, Action::Start);
    update(&mut app, Action::SelectView(3));
    answer_page(
        &mut app,
        find(&commands, is_list),
        page((1..=3).map(ticket).collect(), 3, false),
    );
    let enter = Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let alt_q = Event::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::ALT));
    let events = futures::stream::iter([Ok(enter), Ok(alt_q)]).chain(futures::stream::pending());
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let (worker_tx, _worker_rx) = mpsc::unbounded_channel::<Command>();
    let (_results_tx, results_rx) = mpsc::unbounded_channel::<WorkerEvent>();
    let mut clipboard = Vec::new();
    let mut shutdown = Box::pin(std::future::pending::<()>());
    tokio::time::timeout(
        Duration::from_secs(10),
        run_loop(
            &mut terminal,
            &mut app,
            events,
            results_rx,
            Outputs {
                worker: worker_tx,
                clipboard: &mut clipboard,
            },
            Duration::from_secs(3600),
            &now,
            shutdown.as_mut(),
        ),
    )
    .await
    .expect("Esc then q quits")
    .unwrap();
    assert!(app.quit);
}
