//! True numbers and quiet messages: a notice goes a few seconds after it was put up (by the
//! clock the ticks carry) or at the next key, an error stays until a key, "Reloading…" goes
//! when the reload has landed; after `s` and after creating a ticket the tab counts and the
//! row's update time are the server's (against the sandbox, through the real worker).

#![allow(clippy::unwrap_used)]

mod common;

use chrono::NaiveDateTime;
use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gongdan::api::{ApiError, TicketStatus};
use gongdan::app::keymap::action_for_key;
use gongdan::app::update::NOTICE_SECS;
use gongdan::app::{Action, App, Command, Settings, WorkerEvent, update};
use gongdan::lang::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn press(app: &mut App, code: KeyCode, mods: KeyModifiers) -> Vec<Command> {
    match action_for_key(app, &KeyEvent::new(code, mods)) {
        Some(action) => update(app, action),
        None => Vec::new(),
    }
}

fn key(app: &mut App, c: char) -> Vec<Command> {
    press(app, KeyCode::Char(c), KeyModifiers::NONE)
}

/// The notice as the status line words it.
fn notice(app: &App) -> Option<String> {
    app.notice.as_ref().map(|n| common::said(app, n))
}

fn at(seconds: i64) -> NaiveDateTime {
    now() + chrono::Duration::seconds(seconds)
}

fn tick(app: &mut App, seconds: i64) {
    app.dirty = false;
    update(app, Action::Tick { now: at(seconds) });
}

/// The All tab with three tickets, the other tabs answered empty: nothing in flight.
fn idle_app() -> App {
    let mut app = app(Lang::En, 100, 30);
    show_all_tab(&mut app, page((1..=3).map(ticket).collect(), 3, false));
    app
}

// ----- notices -----

#[test]
fn a_notice_goes_a_few_seconds_after_it_was_put_up() {
    let mut app = idle_app();
    key(&mut app, 'y');
    key(&mut app, 'i');
    assert_eq!(notice(&app).as_deref(), Some("Copied ticket id: 1"));
    tick(&mut app, NOTICE_SECS - 1);
    assert!(notice(&app).is_some(), "not yet");
    tick(&mut app, NOTICE_SECS);
    assert_eq!(notice(&app), None);
    assert!(app.dirty, "the status line is drawn again");
}

#[test]
fn a_new_notice_starts_its_own_few_seconds() {
    let mut app = idle_app();
    key(&mut app, 'y');
    key(&mut app, 'i');
    tick(&mut app, 3);
    key(&mut app, 'y');
    key(&mut app, 's');
    tick(&mut app, 3 + NOTICE_SECS - 1);
    assert!(notice(&app).unwrap().starts_with("Copied subject"));
    tick(&mut app, 3 + NOTICE_SECS);
    assert_eq!(notice(&app), None);
}

#[test]
fn a_notice_goes_at_the_next_key() {
    let mut app = idle_app();
    key(&mut app, 'y');
    key(&mut app, 'i');
    assert!(notice(&app).is_some());
    key(&mut app, 'j');
    assert_eq!(notice(&app), None);
}

#[test]
fn an_error_stays_until_a_key() {
    let mut app = idle_app();
    let out = key(&mut app, 'R');
    let reload = find(&out, is_list);
    update(
        &mut app,
        Action::Worker(WorkerEvent::Page {
            id: reload,
            result: Err(ApiError::Server {
                status: 500,
                excerpt: None,
            }),
        }),
    );
    assert!(app.notice.as_ref().unwrap().is_error, "{:?}", app.notice);
    tick(&mut app, 600);
    assert!(
        app.notice.as_ref().unwrap().is_error,
        "seen only once a key is pressed"
    );
    key(&mut app, 'k');
    assert_eq!(notice(&app), None);
}

#[test]
fn reloading_stays_until_the_reload_has_landed_then_goes() {
    let mut app = idle_app();
    update(&mut app, Action::Open);
    // The page and the ticket shown are read again.
    let out = key(&mut app, 'R');
    let page_id = find(&out, is_list);
    let show_id = find(&out, |c| matches!(c, Command::Show { .. }));
    assert_eq!(notice(&app).as_deref(), Some("Reloading…"));
    tick(&mut app, 60);
    assert_eq!(
        notice(&app).as_deref(),
        Some("Reloading…"),
        "not on a timer"
    );
    answer_page(
        &mut app,
        page_id,
        page((1..=3).map(ticket).collect(), 3, false),
    );
    assert_eq!(
        notice(&app).as_deref(),
        Some("Reloading…"),
        "the ticket is still read"
    );
    update(
        &mut app,
        Action::Worker(WorkerEvent::Shown {
            id: show_id,
            ticket: 1,
            result: Ok(rich_ticket(1)),
        }),
    );
    assert_eq!(notice(&app), None);
}

#[test]
fn creating_a_ticket_is_said_until_the_answer_not_on_a_timer() {
    use gongdan::app::composer::{ComposeCommand, ComposeEvent};
    let mut app = idle_app();
    key(&mut app, 'n');
    type_text(&mut app, "Printer jammed");
    focus_field(&mut app, "Contact id");
    type_text(&mut app, "501");
    while !app.compose.new_ticket.as_ref().unwrap().on_description() {
        press(&mut app, KeyCode::Tab, KeyModifiers::NONE);
    }
    type_text(&mut app, "It jams.");
    let out = press(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let Some(Command::Compose(ComposeCommand::Create { id, .. })) = out
        .iter()
        .find(|c| matches!(c, Command::Compose(ComposeCommand::Create { .. })))
    else {
        panic!("{out:?}");
    };
    assert_eq!(notice(&app).as_deref(), Some("Creating the ticket…"));
    tick(&mut app, 60);
    assert_eq!(notice(&app).as_deref(), Some("Creating the ticket…"));
    update(
        &mut app,
        Action::Worker(WorkerEvent::Compose(ComposeEvent::Created {
            id: *id,
            result: Ok(Box::new(gongdan::api::Created {
                ticket: ticket(9),
                location: None,
            })),
        })),
    );
    assert!(notice(&app).unwrap().contains("#9"), "{:?}", notice(&app));
    // The answer's own notice lives by the ordinary rules.
    tick(&mut app, 60 + NOTICE_SECS);
    assert_eq!(notice(&app), None);
}

#[test]
fn a_warning_from_start_stays_until_a_key() {
    let settings = Settings {
        startup_notice: Some(gongdan::app::notice::Note::Startup {
            first: "config: unknown key ui.colour".into(),
            more: 0,
        }),
        ..Settings::default()
    };
    let mut app = App::new(settings, now());
    update(&mut app, Action::Start);
    tick(&mut app, 600);
    assert!(notice(&app).is_some());
    key(&mut app, 'j');
    assert_eq!(notice(&app), None);
}

// ----- the counts and the update time, against the sandbox -----

/// Sends every command to the real worker and feeds its answers back until nothing the
/// screen waits for is in flight (names may still be coming). Bounded in time.
async fn settle(app: &mut App, first: Vec<Command>, to: &ToWorker, from: &mut FromWorker) {
    pump_all(app, first, to, from, |app| {
        !app.busy()
            && app.rereads.is_empty()
            && app.enriching.is_empty()
            && app.views.iter().all(|v| v.loaded())
    })
    .await;
}

/// A sandbox and an admin app on it with the real worker, every tab loaded.
async fn on_sandbox() -> (gongdan::sandbox::Sandbox, App, ToWorker, FromWorker) {
    use gongdan::sandbox::{self, SandboxOptions};
    let sandbox = sandbox::start(SandboxOptions {
        tickets: 40,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let client = admin_client(&sandbox);
    let setup = gongdan::worker::BulkSetup {
        state_dir: None,
        target: gongdan::bulk::Target {
            profile: "sandbox".into(),
            base_url: sandbox.base_url(),
        },
        options: gongdan::bulk::RunOptions::default(),
    };
    let mut app = app(Lang::En, 120, 40);
    app.settings.bulk_target = setup.target.clone();
    let (to, mut from) = gongdan::worker::spawn_with_bulk(client, 2, setup);
    let commands = update(&mut app, Action::Start);
    settle(&mut app, commands, &to, &mut from).await;
    (sandbox, app, to, from)
}

fn totals(app: &App) -> Vec<u64> {
    app.views.iter().map(|v| v.total.unwrap()).collect()
}

fn stored_updated(sandbox: &gongdan::sandbox::Sandbox, id: u64) -> NaiveDateTime {
    let stored = sandbox.ticket(id).unwrap();
    let text = stored["updateDT"].as_str().unwrap().to_string();
    NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S").unwrap()
}

fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    terminal
        .draw(|frame| {
            gongdan::ui::draw(frame, app, &mut gongdan::ui::Ui::default());
        })
        .unwrap();
    format!("{}", terminal.backend())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_s_the_tab_counts_move_and_the_row_shows_the_servers_update_time() {
    let (sandbox, mut app, to, mut from) = on_sandbox().await;
    let before = totals(&app);
    assert_eq!(app.active, 0, "on the New tab");
    let id = app.current_view().selected_id().expect("a new ticket");
    let updated_before = app.tickets.get(&id).unwrap().updated;

    key(&mut app, 's');
    let sent = update(&mut app, Action::PickStatus(TicketStatus::Open));
    settle(&mut app, sent, &to, &mut from).await;

    // It moved from New to Open; All keeps it.
    assert_eq!(
        totals(&app),
        [before[0] - 1, before[1] + 1, before[2], before[3]],
        "{before:?}"
    );
    // The server's new update time, read back (update many answers none).
    let server = stored_updated(&sandbox, id);
    assert_ne!(Some(server), updated_before, "the sandbox moved it");
    assert_eq!(app.tickets.get(&id).unwrap().updated, Some(server));
    // On the Open tab the row says so.
    update(
        &mut app,
        Action::Tick {
            now: server + chrono::Duration::seconds(30),
        },
    );
    update(&mut app, Action::SelectView(1));
    let text = screen(&app);
    let row = text
        .lines()
        .find(|line| line.contains(&format!(" {id} ")))
        .unwrap_or_else(|| panic!("#{id} on the Open tab:\n{text}"));
    assert!(row.contains("just now"), "{row}");
    drop(to);
    sandbox.shutdown().await;
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, c);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_created_ticket_counts_in_new_and_all_at_once() {
    let (sandbox, mut app, to, mut from) = on_sandbox().await;
    let before = totals(&app);
    key(&mut app, 'n');
    type_text(&mut app, "Printer jammed");
    focus_field(&mut app, "or mobile");
    type_text(&mut app, "13900001111");
    while !app.compose.new_ticket.as_ref().unwrap().on_description() {
        press(&mut app, KeyCode::Tab, KeyModifiers::NONE);
    }
    type_text(&mut app, "It jams on every page.");
    let sent = press(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(
        sent.iter().any(|c| matches!(c, Command::Compose(_))),
        "{sent:?}"
    );
    settle(&mut app, sent, &to, &mut from).await;
    // Wait for the form to close (the create answered).
    assert!(app.compose.new_ticket.is_none(), "{:?}", app.notice);
    assert_eq!(
        totals(&app),
        [before[0] + 1, before[1], before[2], before[3] + 1],
        "{before:?}"
    );
    drop(to);
    sandbox.shutdown().await;
}
