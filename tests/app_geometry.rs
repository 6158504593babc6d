//! Layout fed back, not called (issue 15, item 4): the view records what it drew (scroll
//! limits, the editors' sizes) and `update` reads the last of it; key handling never asks
//! the view. Before the first draw keys move freely and the view clamps what it draws.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use gongdan::app::composer::ComposeAction;
use gongdan::app::state::Overlay;
use gongdan::app::{Action, App, update};
use gongdan::bench::draw_and_feed;
use gongdan::lang::Lang;
use gongdan::ui::Ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Position;

/// Draws at the app's size and hands `update` what was drawn, as the loop does; answers
/// the screen's rows and the terminal cursor.
fn frame(app: &mut App) -> (Vec<String>, Position) {
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    draw_and_feed(&mut terminal, app, &mut Ui::default()).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let rows = (0..app.height)
        .map(|y| {
            (0..app.width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect()
        })
        .collect();
    let cursor = terminal.get_cursor_position().unwrap();
    (rows, cursor)
}

/// Ticket 1 open over the list, its description 120 numbered lines.
fn long_ticket_open(width: u16, height: u16) -> App {
    let mut app = app(Lang::En, width, height);
    let mut first = ticket(1);
    first.description = Some(
        (1..=120)
            .map(|n| format!("line {n}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    show_all_tab(&mut app, page(vec![first, ticket(2)], 2, false));
    update(&mut app, Action::Open);
    app
}

fn detail_scroll(app: &App) -> u16 {
    app.detail.as_ref().unwrap().scroll
}

#[test]
fn the_detail_scrolls_to_its_end_as_drawn_and_no_further() {
    let mut app = long_ticket_open(80, 24);
    // Before any draw nothing is known: the keys move, and the view clamps what it draws.
    for _ in 0..500 {
        update(&mut app, Action::MoveDown);
    }
    assert_eq!(detail_scroll(&app), 500);
    let (rows, _) = frame(&mut app);
    assert!(rows.iter().any(|r| r.contains("line 120")), "{rows:#?}");
    // The geometry that came back clamps the state to the end.
    let max = app.geometry.detail.unwrap().max;
    assert!(max > 0);
    assert_eq!(usize::from(detail_scroll(&app)), max);
    // From the end, one key up moves at once.
    update(&mut app, Action::MoveUp);
    assert_eq!(usize::from(detail_scroll(&app)), max - 1);
    // And down stops at the end, however often it is pressed.
    for _ in 0..50 {
        update(&mut app, Action::MoveDown);
    }
    assert_eq!(usize::from(detail_scroll(&app)), max);
    let (end, _) = frame(&mut app);
    assert_eq!(end, rows, "the end drawn is the same end");
}

#[test]
fn after_a_resize_the_limits_follow() {
    let mut app = long_ticket_open(80, 24);
    frame(&mut app);
    update(&mut app, Action::Bottom);
    for _ in 0..500 {
        update(&mut app, Action::MoveDown);
    }
    let short = app.geometry.detail.unwrap().max;
    let short_page = app.geometry.detail.unwrap().page;
    assert_eq!(usize::from(detail_scroll(&app)), short);
    // Taller: less to scroll; the next frame's geometry pulls the scroll back to its end.
    update(
        &mut app,
        Action::Resize {
            width: 80,
            height: 60,
        },
    );
    let (rows, _) = frame(&mut app);
    let tall = app.geometry.detail.unwrap();
    assert!(tall.max < short, "{} < {short}", tall.max);
    assert_eq!(usize::from(detail_scroll(&app)), tall.max);
    assert!(rows.iter().any(|r| r.contains("line 120")));
    // A page is the new height.
    assert_eq!(tall.page, short_page + 36);
    // Narrower again: more to scroll, and the keys go further.
    update(
        &mut app,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    frame(&mut app);
    for _ in 0..500 {
        update(&mut app, Action::MoveDown);
    }
    assert_eq!(usize::from(detail_scroll(&app)), short);
}

fn help_scroll(app: &App) -> u16 {
    match &app.overlay {
        Some(Overlay::Help { scroll, .. }) => *scroll,
        other => panic!("no help: {other:?}"),
    }
}

#[test]
fn the_help_scrolls_to_its_end_as_drawn_and_no_further() {
    let mut app = app(Lang::Zh, 80, 24);
    show_all_tab(&mut app, page((1..=5).map(ticket).collect(), 5, false));
    update(&mut app, Action::ToggleHelp);
    frame(&mut app);
    let max = app.geometry.help.unwrap().max;
    assert!(max > 0, "the list's help is longer than 80x24 shows");
    for _ in 0..300 {
        update(&mut app, Action::MoveDown);
    }
    assert_eq!(usize::from(help_scroll(&app)), max);
    update(&mut app, Action::MoveUp);
    assert_eq!(usize::from(help_scroll(&app)), max - 1);
}

/// The composer open under ticket 1 with `text` typed.
fn composing(text: &str) -> App {
    let mut app = app(Lang::Zh, 80, 24);
    show_all_tab(&mut app, page((1..=3).map(ticket).collect(), 3, false));
    update(&mut app, Action::Open);
    update(&mut app, Action::Compose(ComposeAction::OpenReply));
    for c in text.chars() {
        type_key(&mut app, crossterm::event::KeyCode::Char(c));
    }
    app
}

/// A key through the one key router, as the loop sends it.
fn type_key(app: &mut App, code: crossterm::event::KeyCode) {
    let key = crossterm::event::KeyEvent::from(code);
    let action =
        gongdan::app::keymap::action_for_key(app, &key).expect("the composer takes the key");
    update(app, action);
}

fn arrow(app: &mut App, code: crossterm::event::KeyCode) {
    type_key(app, code);
}

fn caret(app: &App) -> (usize, usize) {
    app.compose.composer.as_ref().unwrap().cursor()
}

#[test]
fn the_composer_caret_moves_by_screen_row_over_wrapped_chinese() {
    use crossterm::event::KeyCode;
    // One line of 100 wide characters: 200 cells, three rows at the editor's width.
    let text: String = "打印机无法连接网络请帮忙"
        .chars()
        .cycle()
        .take(100)
        .collect();
    let mut app = composing(&text);
    let (_, at_end) = frame(&mut app);
    let width = usize::from(app.geometry.composer_editor.unwrap().width);
    assert!((67..100).contains(&width), "three rows at {width}");
    assert_eq!(caret(&app), (0, 100));
    // Up: one screen row up within the same line, at the same screen column (a wide
    // character's cells are whole, so the column is the same or one to the left).
    arrow(&mut app, KeyCode::Up);
    let up = caret(&app);
    assert_eq!(up.0, 0, "still the one line");
    assert!(up.1 < 100);
    let (_, cursor) = frame(&mut app);
    assert_eq!(cursor.y + 1, at_end.y, "one row up on screen");
    assert!(at_end.x - cursor.x <= 1, "{cursor:?} under {at_end:?}");
    // Down comes back to the same screen cell.
    arrow(&mut app, KeyCode::Down);
    let (_, back) = frame(&mut app);
    assert_eq!(back, at_end);
    assert_eq!(caret(&app), (0, 100));
    // Up twice, then once more at the first row: the caret stays on the first row.
    for _ in 0..5 {
        arrow(&mut app, KeyCode::Up);
    }
    let (_, top) = frame(&mut app);
    assert_eq!(top.y + 2, at_end.y, "three rows, the first one reached");
    assert!(caret(&app).1 < width / 2);
}

#[test]
fn the_composer_keeps_its_caret_on_screen_at_the_size_drawn() {
    use crossterm::event::KeyCode;
    // More rows than the editor holds: the caret on the last row is drawn inside it.
    let text: String = "第一行很长的中文句子需要换行显示".repeat(30);
    let mut app = composing(&text);
    let area = gongdan::ui::composer::editor_area(&app).unwrap();
    let (_, cursor) = frame(&mut app);
    assert!(
        cursor.y >= area.y && cursor.y < area.y + area.height,
        "{cursor:?} in {area:?}"
    );
    let scrolled = app.compose.composer.as_ref().unwrap().scroll;
    assert!(scrolled > 0, "the first rows are scrolled out");
    // Up to the first row scrolls back to the top, by update alone (no draw between).
    for _ in 0..40 {
        arrow(&mut app, KeyCode::Up);
    }
    assert_eq!(app.compose.composer.as_ref().unwrap().scroll, 0);
    assert_eq!(caret(&app).0, 0);
    assert!(caret(&app).1 < 40);
}

#[test]
fn a_frame_drawn_is_not_a_key() {
    use gongdan::app::layout::{Geometry, Scroll};
    use gongdan::app::state::Notice;
    let mut app = app(Lang::En, 80, 24);
    show_all_tab(&mut app, page((1..=5).map(ticket).collect(), 5, false));
    // The first key of `g g` waits for the second.
    let g = crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char('g'));
    let first = gongdan::app::keymap::action_for_key(&app, &g).unwrap();
    update(&mut app, first);
    assert!(app.key_pending.is_some());
    let kept = gongdan::app::notice::Note::Compose(gongdan::app::composer::ComposeNote::DraftKept);
    app.notice = Some(Notice {
        note: kept.clone(),
        is_error: false,
    });
    let drawn = Geometry {
        help: Some(Scroll { page: 5, max: 9 }),
        ..Geometry::default()
    };
    update(&mut app, Action::Drawn(drawn));
    assert_eq!(app.geometry, drawn);
    // Neither the notice nor the pending key is touched by a frame.
    assert_eq!(app.notice.as_ref().unwrap().note, kept);
    assert!(app.key_pending.is_some());
    // Nothing changed on screen: the frame costs no other frame.
    app.dirty = false;
    update(&mut app, Action::Drawn(drawn));
    assert!(!app.dirty);
}
