//! The event loop on a TestBackend: all queued input is handled before one draw.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
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
    let y = Event::Key(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE));
    let events = futures::stream::iter([Ok(y)]);
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
