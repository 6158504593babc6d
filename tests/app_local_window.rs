//! A view from the store at 100,000 rows in the console's state (issue 16, item 6), pure:
//! the answer carries every row's id but the tickets of the rows around the screen only;
//! rows scrolled or jumped to without their ticket are asked of the worker by id
//! (`Command::LocalTickets`), painted as loading meanwhile and painted whole when they land;
//! the tickets held stay bounded however far the user scrolls; marks work on ids.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;

use gongdan::app::marks::MarkAction;
use gongdan::app::update::HELD_MOST;
use gongdan::app::{
    Action, App, Command, LocalAnswer, LocalWindow, RequestId, Settings, WorkerEvent, update,
};
use gongdan::lang::Lang;

const ROWS: u64 = 100_000;

/// The view's ids: newest first, as a store view of 100,000 tickets sorted by update.
fn view_ids() -> Vec<u64> {
    (1..=ROWS).rev().collect()
}

/// A console at 80×24 whose All tab asked the store for its rows after a sync.
fn asked_console() -> (App, RequestId, LocalWindow) {
    asked_console_in(Lang::En)
}

fn asked_console_in(lang: Lang) -> (App, RequestId, LocalWindow) {
    let settings = Settings {
        lang,
        local_store: true,
        ..Settings::default()
    };
    let mut app = App::new(settings, now());
    update(
        &mut app,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    update(&mut app, Action::Start);
    update(&mut app, Action::SelectView(3));
    let commands = update(
        &mut app,
        Action::Worker(WorkerEvent::Synced {
            id: RequestId(0),
            server: Some(Ok(())),
            tickets: vec![],
            partial: false,
        }),
    );
    let (id, window) = commands
        .iter()
        .find_map(|command| match command {
            Command::LocalView { id, window, .. } => Some((*id, *window)),
            _ => None,
        })
        .unwrap();
    (app, id, window)
}

/// The worker's answer: every id, the tickets of the window only.
fn answered_console() -> App {
    answered_console_in(Lang::En)
}

fn answered_console_in(lang: Lang) -> App {
    let (mut app, id, window) = asked_console_in(lang);
    let ids = view_ids();
    let rows = LocalAnswer {
        facets: None,
        tickets: window.of(&ids).iter().map(|id| ticket(*id)).collect(),
        ids,
        hits: vec![],
        as_of: now() - chrono::Duration::minutes(5),
        unknown: 0,
    };
    update(
        &mut app,
        Action::Worker(WorkerEvent::LocalRows {
            id,
            rows: Some(rows),
        }),
    );
    app
}

/// The ids asked by `Command::LocalTickets` in `commands`.
fn asked_tickets(commands: &[Command]) -> Vec<u64> {
    commands
        .iter()
        .filter_map(|command| match command {
            Command::LocalTickets { ids, .. } => Some(ids.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// The worker's answer to the tickets asked in `commands`.
fn land(app: &mut App, commands: &[Command]) -> Vec<Command> {
    let Some(id) = commands.iter().find_map(|command| match command {
        Command::LocalTickets { id, .. } => Some(*id),
        _ => None,
    }) else {
        return Vec::new();
    };
    let tickets = asked_tickets(commands).into_iter().map(ticket).collect();
    update(
        app,
        Action::Worker(WorkerEvent::LocalTickets {
            id,
            tickets,
            hits: vec![],
        }),
    )
}

#[test]
fn the_window_is_around_the_selection_and_clipped_to_the_view() {
    let ids: Vec<u64> = (1..=10).collect();
    let around = LocalWindow {
        selected: Some(5),
        rows: 2,
    };
    assert_eq!(around.of(&ids), &[3, 4, 5, 6, 7]);
    let top = LocalWindow {
        selected: Some(99),
        rows: 2,
    };
    assert_eq!(top.of(&ids), &[1, 2, 3]);
    let end = LocalWindow {
        selected: Some(10),
        rows: 4,
    };
    assert_eq!(end.of(&ids), &[6, 7, 8, 9, 10]);
    assert!(end.of(&[]).is_empty());
}

#[test]
fn a_100k_view_holds_every_id_but_the_tickets_of_the_screen_only() {
    let (_, _, window) = asked_console();
    // A screen either side of the selection, never the whole view.
    assert!(window.rows > 0 && window.rows < 100);
    let app = answered_console();
    let view = app.current_view();
    assert_eq!(view.ids.len(), ROWS as usize);
    assert_eq!(view.ids[0], ROWS);
    assert!(app.tickets.len() <= 2 * window.rows + 1);
    let lines = screen_lines(&app).join("\n");
    assert!(lines.contains(&ROWS.to_string()), "{lines}");
    assert!(!lines.contains("loading"), "{lines}");
}

#[test]
fn g_to_rows_without_tickets_asks_for_them_paints_them_loading_then_whole() {
    let mut app = answered_console();
    let commands = update(&mut app, Action::Bottom);
    let asked = asked_tickets(&commands);
    // The rows on screen at the end, by id, and none the app holds.
    assert!(asked.contains(&1) && asked.contains(&2), "{asked:?}");
    assert!(asked.iter().all(|id| *id < 100), "{asked:?}");
    assert!(
        !commands
            .iter()
            .any(|c| matches!(c, Command::FetchList { .. }))
    );
    let lines = screen_lines(&app).join("\n");
    assert!(lines.contains("loading…"), "{lines}");
    // Asked once: another key before they land asks nothing again.
    assert!(asked_tickets(&update(&mut app, Action::MoveUp)).is_empty());
    land(&mut app, &commands);
    let lines = screen_lines(&app);
    let row = lines
        .iter()
        .find(|line| line.trim_start().starts_with("1  "))
        .unwrap();
    // Its cells from the ticket: the assignee and the update time.
    assert!(row.contains(" #") && row.contains(" ago"), "{row}");
    assert!(!lines.join("\n").contains("loading…"));
}

#[test]
fn paging_down_a_100k_view_keeps_the_tickets_held_bounded() {
    let mut app = answered_console();
    // Marked at the top, then scrolled far away: the mark and its ticket stay.
    update(&mut app, Action::Marks(MarkAction::Toggle));
    let marked = ROWS;
    assert!(app.marks.ids.contains(&marked));
    let mut most = 0;
    for _ in 0..400 {
        let commands = update(&mut app, Action::PageDown);
        land(&mut app, &commands);
        most = most.max(app.tickets.len());
    }
    let view = app.current_view();
    assert!(view.selected > 400 * 15, "{}", view.selected);
    // Every page's tickets came and the far ones went: a bound, not the rows walked.
    assert!(most <= HELD_MOST + 200, "{most}");
    assert!(app.tickets.len() < 400 * 15);
    assert!(app.marks.ids.contains(&marked));
    assert!(app.tickets.get(&marked).is_some());
    // Back to the top: the rows let go are asked again, and the screen paints loading.
    let commands = update(&mut app, Action::Top);
    let asked = asked_tickets(&commands);
    assert!(asked.contains(&(ROWS - 1)), "{asked:?}");
    assert!(!asked.contains(&marked));
    land(&mut app, &commands);
    let lines = screen_lines(&app).join("\n");
    assert!(!lines.contains("loading…"), "{lines}");
}

#[test]
fn a_filter_answer_after_g_asks_the_tickets_its_rows_lack_and_nothing_past_its_end() {
    let mut app = answered_console();
    let commands = update(&mut app, Action::Bottom);
    land(&mut app, &commands);
    // `f` and a key: the answer is three rows, one held (at the end), two not.
    update(&mut app, Action::StartFilter);
    let commands = update(&mut app, Action::InputChar('7'));
    let id = commands
        .iter()
        .find_map(|command| match command {
            Command::LocalView { id, .. } => Some(*id),
            _ => None,
        })
        .unwrap();
    let rows = LocalAnswer {
        facets: None,
        ids: vec![70_007, 50_007, 1],
        tickets: vec![],
        hits: vec![],
        as_of: now() - chrono::Duration::minutes(5),
        unknown: 0,
    };
    let commands = update(
        &mut app,
        Action::Worker(WorkerEvent::LocalRows {
            id,
            rows: Some(rows),
        }),
    );
    assert_eq!(app.current_view().ids, vec![70_007, 50_007, 1]);
    let mut asked = asked_tickets(&commands);
    asked.sort_unstable();
    assert_eq!(asked, vec![50_007, 70_007]);
}

#[test]
fn a_loading_row_says_so_in_chinese_and_english_at_80x24_and_200x50() {
    for (lang, word) in [(Lang::En, "loading…"), (Lang::Zh, "读 取 中")] {
        for (width, height) in [(80, 24), (200, 50)] {
            let mut app = answered_console_in(lang);
            update(&mut app, Action::Resize { width, height });
            update(&mut app, Action::Bottom);
            let lines = screen_lines(&app);
            let loading: Vec<&String> = lines.iter().filter(|l| l.contains(word)).collect();
            // Every row on screen is waiting for its ticket: each says so beside its id.
            assert!(
                loading.len() >= usize::from(height) - 6,
                "{lang:?} {width}x{height}:\n{}",
                lines.join("\n")
            );
            assert!(loading.iter().all(|line| {
                line.trim_start_matches(['>', ' '])
                    .starts_with(char::is_numeric)
            }));
        }
    }
}
