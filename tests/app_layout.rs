//! `update` tests of moving between tickets (issue 12): the preview beside the list on a
//! wide screen follows the selection and takes the keyboard on a key; `]` / `[` step
//! through the view from an open ticket, fetching the next page when needed; `#` opens a
//! ticket by number; the composer scrolls the ticket above it.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gongdan::api::ApiError;
use gongdan::app::composer::ComposeAction;
use gongdan::app::keymap::action_for_key;
use gongdan::app::state::{Pane, PromptKind};
use gongdan::app::{Action, App, Command, RequestId, WorkerEvent, update};
use gongdan::lang::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// An admin app on the "All" tab: 40 full tickets of `count`, more pages when `more`.
fn listing(width: u16, height: u16, count: u64, more: bool) -> App {
    let mut app = app(Lang::En, width, height);
    show_all_tab(&mut app, page((1..=40).map(ticket).collect(), count, more));
    app
}

fn selected(app: &App) -> Option<u64> {
    app.current_view().selected_id()
}

fn shown(app: &App) -> Option<u64> {
    app.detail.as_ref().map(|d| d.ticket_id)
}

fn shows(commands: &[Command]) -> Vec<u64> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Show { ticket, .. } => Some(*ticket),
            _ => None,
        })
        .collect()
}

fn list_fetches(commands: &[Command]) -> Vec<(RequestId, u32)> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::FetchList { id, query } => Some((*id, query.page.unwrap_or(1))),
            _ => None,
        })
        .collect()
}

fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

fn char_key(c: char) -> KeyEvent {
    key(KeyCode::Char(c), KeyModifiers::NONE)
}

#[test]
fn on_a_wide_screen_j_moves_the_list_and_the_preview_follows() {
    let mut app = listing(200, 50, 40, false);
    assert_eq!(app.pane(), Pane::List);
    assert_eq!(
        shown(&app),
        Some(1),
        "the preview shows the selected ticket"
    );
    for expected in 2..=5 {
        let out = update(&mut app, Action::MoveDown);
        assert_eq!(selected(&app), Some(expected), "j moves the list");
        assert_eq!(shown(&app), Some(expected), "the preview follows");
        assert_eq!(app.pane(), Pane::List, "the list keeps the keyboard");
        // The list gave these tickets in full: following them reads nothing.
        assert!(shows(&out).is_empty(), "{out:?}");
    }
    update(&mut app, Action::MoveUp);
    assert_eq!((selected(&app), shown(&app)), (Some(4), Some(4)));
}

#[test]
fn the_preview_reads_a_ticket_the_store_lacks_in_full() {
    let mut app = listing(200, 50, 40, false);
    // A row the store knows only from a search (no show-many on the way for it).
    app.full.remove(&2);
    let out = update(&mut app, Action::MoveDown);
    assert_eq!(shows(&out), vec![2]);
}

#[test]
fn a_key_moves_the_keyboard_into_the_preview_and_back_without_moving_the_list() {
    // Low enough that the ticket is longer than its pane.
    let mut app = listing(200, 16, 40, false);
    update(&mut app, Action::MoveDown);
    assert_eq!(selected(&app), Some(2));
    // `l` and Enter open the ticket: on a wide screen, the keyboard goes to the preview.
    assert_eq!(action_for_key(&app, &char_key('l')), Some(Action::Open));
    let out = update(&mut app, Action::Open);
    assert_eq!(shows(&out), vec![2], "opening reads the ticket afresh");
    assert_eq!(app.pane(), Pane::Detail);
    assert!(app.detail.as_ref().unwrap().focused);
    // j / k now scroll the ticket; the list stays where it was.
    update(&mut app, Action::MoveDown);
    update(&mut app, Action::MoveDown);
    assert_eq!(app.detail.as_ref().unwrap().scroll, 2);
    assert_eq!(selected(&app), Some(2));
    update(&mut app, Action::MoveUp);
    assert_eq!(app.detail.as_ref().unwrap().scroll, 1);
    // Esc, h and Tab give the keyboard back; the preview stays on the ticket.
    for back in [
        key(KeyCode::Esc, KeyModifiers::NONE),
        char_key('h'),
        key(KeyCode::Tab, KeyModifiers::NONE),
    ] {
        assert_eq!(action_for_key(&app, &back), Some(Action::Back), "{back:?}");
    }
    update(&mut app, Action::Back);
    assert_eq!(app.pane(), Pane::List);
    assert_eq!((selected(&app), shown(&app)), (Some(2), Some(2)));
    update(&mut app, Action::MoveDown);
    assert_eq!((selected(&app), shown(&app)), (Some(3), Some(3)));
}

#[test]
fn a_narrow_screen_has_no_preview_and_esc_closes_the_ticket() {
    let mut app = listing(120, 40, 40, false);
    assert_eq!(shown(&app), None);
    update(&mut app, Action::MoveDown);
    assert_eq!(shown(&app), None, "moving the list opens nothing");
    update(&mut app, Action::Open);
    assert_eq!((app.pane(), shown(&app)), (Pane::Detail, Some(2)));
    update(&mut app, Action::Back);
    assert_eq!((app.pane(), shown(&app)), (Pane::List, None));
    // Wider: the preview appears beside the list; narrower again: it goes, the list keeps
    // the keyboard.
    update(
        &mut app,
        Action::Resize {
            width: 200,
            height: 40,
        },
    );
    assert_eq!((app.pane(), shown(&app)), (Pane::List, Some(2)));
    update(
        &mut app,
        Action::Resize {
            width: 120,
            height: 40,
        },
    );
    assert_eq!((app.pane(), shown(&app)), (Pane::List, None));
    // A ticket opened stays open through a resize, with the keyboard.
    update(&mut app, Action::Open);
    for width in [200, 120] {
        update(&mut app, Action::Resize { width, height: 40 });
        assert_eq!((app.pane(), shown(&app)), (Pane::Detail, Some(2)));
    }
}

#[test]
fn brackets_step_to_the_next_and_previous_ticket_of_the_view() {
    for width in [120, 200] {
        let mut app = listing(width, 40, 40, false);
        update(&mut app, Action::Open);
        assert_eq!(shown(&app), Some(1));
        for (c, action) in [
            (']', Action::NextTicket),
            ('J', Action::NextTicket),
            ('[', Action::PrevTicket),
            ('K', Action::PrevTicket),
        ] {
            assert_eq!(action_for_key(&app, &char_key(c)), Some(action), "{c}");
        }
        let out = update(&mut app, Action::NextTicket);
        assert_eq!(shows(&out), vec![2]);
        assert_eq!((shown(&app), selected(&app)), (Some(2), Some(2)));
        assert_eq!(app.pane(), Pane::Detail, "the ticket keeps the keyboard");
        update(&mut app, Action::NextTicket);
        update(&mut app, Action::PrevTicket);
        assert_eq!((shown(&app), selected(&app)), (Some(2), Some(2)));
        update(&mut app, Action::PrevTicket);
        let out = update(&mut app, Action::PrevTicket);
        assert!(out.is_empty(), "nothing before the first ticket: {out:?}");
        assert_eq!((shown(&app), selected(&app)), (Some(1), Some(1)));
        // The last ticket of a view with no more pages: `]` stays.
        update(&mut app, Action::Back);
        update(&mut app, Action::Bottom);
        update(&mut app, Action::Open);
        let out = update(&mut app, Action::NextTicket);
        assert!(shows(&out).is_empty() && list_fetches(&out).is_empty());
        assert_eq!(shown(&app), Some(40));
        assert!(!app.detail.as_ref().unwrap().step_pending);
    }
}

#[test]
fn next_ticket_waits_for_the_page_being_fetched() {
    let mut app = listing(120, 40, 120, true);
    // Moving near the end fetches page 2, as the list does.
    let out = update(&mut app, Action::Bottom);
    let (page2, number) = list_fetches(&out)[0];
    assert_eq!(number, 2);
    update(&mut app, Action::Open);
    assert_eq!(shown(&app), Some(40));
    let out = update(&mut app, Action::NextTicket);
    assert!(list_fetches(&out).is_empty(), "page 2 is already asked for");
    assert_eq!(shown(&app), Some(40), "no ticket 41 yet");
    assert!(app.detail.as_ref().unwrap().step_pending);
    let out = answer_page(
        &mut app,
        page2,
        page((41..=80).map(ticket).collect(), 120, true),
    );
    assert_eq!((shown(&app), selected(&app)), (Some(41), Some(41)));
    assert_eq!(shows(&out), vec![41]);
    assert!(!app.detail.as_ref().unwrap().step_pending);
    assert_eq!(app.pane(), Pane::Detail);
}

#[test]
fn next_ticket_fetches_a_page_not_loaded_yet() {
    let mut app = listing(120, 40, 120, true);
    let out = update(&mut app, Action::Bottom);
    let (page2, _) = list_fetches(&out)[0];
    // That fetch fails: nothing is in flight any more.
    update(
        &mut app,
        Action::Worker(WorkerEvent::Page {
            id: page2,
            result: Err(ApiError::Server {
                status: 503,
                excerpt: None,
            }),
        }),
    );
    update(&mut app, Action::Open);
    let out = update(&mut app, Action::NextTicket);
    let fetches = list_fetches(&out);
    assert_eq!(fetches.len(), 1, "`]` asks for the next page: {out:?}");
    assert_eq!(fetches[0].1, 2);
    let out = answer_page(
        &mut app,
        fetches[0].0,
        page((41..=80).map(ticket).collect(), 120, true),
    );
    assert_eq!((shown(&app), selected(&app)), (Some(41), Some(41)));
    assert_eq!(shows(&out), vec![41]);
}

#[test]
fn a_ticket_number_opens_that_ticket() {
    let mut app = listing(200, 50, 40, false);
    assert_eq!(
        action_for_key(&app, &char_key('#')),
        Some(Action::StartGoTo)
    );
    update(&mut app, Action::StartGoTo);
    assert_eq!(app.pane(), Pane::Prompt);
    assert_eq!(app.prompt.as_ref().unwrap().kind, PromptKind::GoTo);
    // Not a number: Enter does nothing (the prompt's second line says why).
    for c in "7x".chars() {
        update(&mut app, Action::InputChar(c));
    }
    let out = update(&mut app, Action::InputSubmit);
    assert!(out.is_empty());
    assert_eq!(app.pane(), Pane::Prompt);
    update(&mut app, Action::InputBackspace);
    // In the view: selected there and opened, with the keyboard.
    let out = update(&mut app, Action::InputSubmit);
    assert_eq!(shows(&out), vec![7]);
    assert_eq!((shown(&app), selected(&app)), (Some(7), Some(7)));
    assert_eq!(app.pane(), Pane::Detail);
    assert!(app.prompt.is_none());
    // Not in the view: read by id (the one-ticket show); the list stays.
    assert_eq!(
        action_for_key(&app, &char_key('#')),
        Some(Action::StartGoTo)
    );
    update(&mut app, Action::StartGoTo);
    for c in "#4242".chars() {
        update(&mut app, Action::InputChar(c));
    }
    let out = update(&mut app, Action::InputSubmit);
    assert_eq!(shows(&out), vec![4242]);
    assert_eq!((shown(&app), selected(&app)), (Some(4242), Some(7)));
    assert_eq!(app.pane(), Pane::Detail);
    // Back on a wide screen: the preview follows the selection again.
    update(&mut app, Action::Back);
    assert_eq!((app.pane(), shown(&app)), (Pane::List, Some(7)));
}

#[test]
fn ticket_numbers_as_typed() {
    use gongdan::app::update::ticket_number;
    assert_eq!(ticket_number(" 42 "), Some(42));
    assert_eq!(ticket_number("#42"), Some(42));
    assert_eq!(ticket_number("# 42"), Some(42));
    assert_eq!(ticket_number("0"), None);
    assert_eq!(ticket_number("4 2"), None);
    assert_eq!(ticket_number("-1"), None);
    assert_eq!(ticket_number("四十二"), None);
    assert_eq!(ticket_number(""), None);
}

#[test]
fn the_composer_scrolls_the_ticket_above_it() {
    let mut app = listing(80, 24, 40, false);
    update(&mut app, Action::Open);
    update(&mut app, Action::Compose(ComposeAction::OpenReply));
    assert_eq!(app.pane(), Pane::Composer);
    for c in "您好".chars() {
        // Typed through the key map, as the loop does.
        let typed = gongdan::app::keymap::action_for_key(&app, &char_key(c));
        update(&mut app, typed.expect("a character types"));
    }
    let alt = |code| key(code, KeyModifiers::ALT);
    let ctrl = |code| key(code, KeyModifiers::CONTROL);
    for (event, action) in [
        (alt(KeyCode::Down), ComposeAction::ScrollTicket(1)),
        (ctrl(KeyCode::Down), ComposeAction::ScrollTicket(1)),
        (alt(KeyCode::Up), ComposeAction::ScrollTicket(-1)),
        (ctrl(KeyCode::Up), ComposeAction::ScrollTicket(-1)),
        (alt(KeyCode::PageDown), ComposeAction::PageTicket(1)),
        (alt(KeyCode::PageUp), ComposeAction::PageTicket(-1)),
    ] {
        assert_eq!(
            action_for_key(&app, &event),
            Some(Action::Compose(action)),
            "{event:?}"
        );
    }
    let scroll = |app: &App| app.detail.as_ref().unwrap().scroll;
    update(&mut app, Action::Compose(ComposeAction::ScrollTicket(1)));
    update(&mut app, Action::Compose(ComposeAction::ScrollTicket(1)));
    assert_eq!(scroll(&app), 2);
    update(&mut app, Action::Compose(ComposeAction::ScrollTicket(-1)));
    assert_eq!(scroll(&app), 1);
    // A page is the detail's height as last drawn.
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    gongdan::bench::draw_and_feed(&mut terminal, &mut app, &mut gongdan::ui::Ui::default())
        .unwrap();
    let drawn = app.geometry.detail.unwrap();
    assert!(drawn.page > 1);
    update(&mut app, Action::Compose(ComposeAction::PageTicket(1)));
    assert_eq!(usize::from(scroll(&app)), (1 + drawn.page).min(drawn.max));
    update(&mut app, Action::Compose(ComposeAction::PageTicket(-9)));
    assert_eq!(scroll(&app), 0);
    // The composer kept the keyboard and the text.
    assert_eq!(app.pane(), Pane::Composer);
    assert_eq!(app.compose.composer.as_ref().unwrap().text(), "您好");
}
