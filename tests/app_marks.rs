//! Marks at the update level: Space, ranges, `*`, `A` with its progress, `U`, `M`; marks
//! kept across pages, views, refresh and sort; the gutter and the status bar.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;

use common::*;
use gongdan::app::bulk_edit::{BulkCommand, BulkEvent};
use gongdan::app::marks::MarkAction;
use gongdan::app::state::ViewName;
use gongdan::app::{Action, App, Command, ViewSource, WorkerEvent, update};
use gongdan::lang::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The "All" tab (list) with page 1 of 3 (ids 1..=40 of 120) loaded.
fn loaded() -> (App, Vec<Command>) {
    let mut app = app(Lang::En, 120, 30);
    let commands = start(&mut app);
    update(&mut app, Action::SelectView(3));
    let after = answer_page(
        &mut app,
        find(&commands, is_list),
        page((1..=40).map(ticket).collect(), 120, true),
    );
    let mut all = commands;
    all.extend(after);
    (app, all)
}

fn mark(app: &mut App, action: MarkAction) -> Vec<Command> {
    update(app, Action::Marks(action))
}

fn marks(app: &App) -> Vec<u64> {
    app.marks.ids.iter().copied().collect()
}

fn select(app: &mut App, id: u64) {
    update(app, Action::Top);
    while app.current_view().selected_id() != Some(id) {
        let before = app.current_view().selected;
        update(app, Action::MoveDown);
        assert_ne!(before, app.current_view().selected, "{id} not in the view");
    }
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

#[test]
fn space_marks_unmarks_and_moves_down() {
    let (mut app, _) = loaded();
    select(&mut app, 3);
    mark(&mut app, MarkAction::Toggle);
    assert_eq!(marks(&app), vec![3]);
    assert_eq!(app.current_view().selected_id(), Some(4));
    mark(&mut app, MarkAction::Toggle);
    assert_eq!(marks(&app), vec![3, 4]);
    select(&mut app, 3);
    mark(&mut app, MarkAction::Toggle);
    assert_eq!(marks(&app), vec![4], "Space on a marked row unmarks it");
}

#[test]
fn a_range_follows_the_cursor_both_ways_and_ends_with_space_or_esc() {
    let (mut app, _) = loaded();
    select(&mut app, 2);
    mark(&mut app, MarkAction::Toggle); // 2 marked, cursor on 3
    select(&mut app, 10);
    mark(&mut app, MarkAction::StartRange);
    assert_eq!(marks(&app), vec![2, 10]);
    for _ in 0..3 {
        update(&mut app, Action::MoveDown);
    }
    assert_eq!(marks(&app), vec![2, 10, 11, 12, 13]);
    // Back up past the anchor: the range is now above it, the rows below are unmarked.
    for _ in 0..5 {
        update(&mut app, Action::MoveUp);
    }
    assert_eq!(marks(&app), vec![2, 8, 9, 10]);
    // Esc ends the range (and does not leave the view).
    update(&mut app, Action::Back);
    assert!(app.marks.range.is_none());
    update(&mut app, Action::MoveUp);
    assert_eq!(
        marks(&app),
        vec![2, 8, 9, 10],
        "moving after the end changes nothing"
    );
    // Space ends a range too, without toggling.
    select(&mut app, 20);
    mark(&mut app, MarkAction::StartRange);
    update(&mut app, Action::MoveDown);
    mark(&mut app, MarkAction::Toggle);
    assert!(app.marks.range.is_none());
    assert_eq!(marks(&app), vec![2, 8, 9, 10, 20, 21]);
    assert_eq!(app.current_view().selected_id(), Some(21));
}

#[test]
fn marks_survive_paging_refresh_sort_and_switching_views() {
    let (mut app, _) = loaded();
    select(&mut app, 5);
    mark(&mut app, MarkAction::Toggle);
    // To the end of page 1 (row by row; `G` would jump to the last page): page 2 is
    // fetched; mark on it.
    select(&mut app, 40);
    // Page 2 was asked for when the cursor came within a screen of the end.
    let (page2, number) = app.current_view().loading.unwrap();
    assert_eq!(number, 2);
    answer_page(
        &mut app,
        page2,
        page((41..=80).map(ticket).collect(), 120, true),
    );
    select(&mut app, 60);
    mark(&mut app, MarkAction::Toggle);
    assert_eq!(marks(&app), vec![5, 60]);

    // Refresh: pages 1 and 2 come back in another order; the marks stay.
    let commands = update(&mut app, Action::Reload);
    let mut pages: Vec<_> = commands
        .iter()
        .filter(|c| is_list(c))
        .filter_map(Command::request_id)
        .collect();
    assert_eq!(pages.len(), 2);
    pages.sort();
    answer_page(
        &mut app,
        pages[0],
        page((1..=40).rev().map(ticket).collect(), 120, true),
    );
    answer_page(
        &mut app,
        pages[1],
        page((41..=80).map(ticket).collect(), 120, true),
    );
    assert_eq!(marks(&app), vec![5, 60]);

    // Sorting reloads the view; the marks are ids, not rows.
    let commands = update(&mut app, Action::CycleSortField);
    for id in commands
        .iter()
        .filter(|c| is_list(c))
        .filter_map(Command::request_id)
    {
        answer_page(
            &mut app,
            id,
            page((1..=40).map(ticket).collect(), 120, true),
        );
    }
    assert_eq!(marks(&app), vec![5, 60]);

    // Another view (a search): mark there, come back.
    update(&mut app, Action::SelectView(1));
    // Its first page was asked for at start.
    let (open, _) = app.current_view().loading.unwrap();
    answer_page(
        &mut app,
        open,
        page((200..=210).map(search_hit).collect(), 11, false),
    );
    select(&mut app, 203);
    mark(&mut app, MarkAction::Toggle);
    update(&mut app, Action::SelectView(3));
    assert_eq!(marks(&app), vec![5, 60, 203]);
    update(&mut app, Action::Top);
    let text = screen(&app);
    assert!(text.contains("3 marked"), "{text}");
    // The gutter shows the mark on row 5 (no colour needed).
    assert!(text.lines().any(|l| l.starts_with("\" ✓  5 ")), "{text}");
}

#[test]
fn star_marks_every_loaded_row_and_u_clears() {
    let (mut app, _) = loaded();
    mark(&mut app, MarkAction::MarkLoaded);
    assert_eq!(app.marks.len(), 40);
    mark(&mut app, MarkAction::Clear);
    assert!(app.marks.is_empty());
}

#[test]
fn u_clears_and_a_second_u_brings_the_cleared_marks_back() {
    let (mut app, _) = loaded();
    mark(&mut app, MarkAction::MarkLoaded);
    let before = marks(&app);
    assert_eq!(before.len(), 40);
    // Through the live key map, as typed.
    let u = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('U'),
        crossterm::event::KeyModifiers::SHIFT,
    );
    let clear = gongdan::app::keymap::action_for_key(&app, &u).unwrap();
    assert_eq!(clear, Action::Marks(MarkAction::Clear));
    update(&mut app, clear.clone());
    assert!(app.marks.is_empty());
    // The status line says how many went and which key brings them back.
    let text = screen(&app);
    assert!(text.contains("Cleared 40 marks — U restores"), "{text}");
    update(&mut app, clear.clone());
    assert_eq!(marks(&app), before);
    assert!(screen(&app).contains("Restored 40 marks"));
    // And again: cleared, restorable; with nothing ever cleared, U says so.
    update(&mut app, clear.clone());
    assert!(app.marks.is_empty());
    update(&mut app, clear.clone());
    assert_eq!(marks(&app), before);
    let (mut fresh, _) = loaded();
    update(&mut fresh, clear);
    assert!(fresh.marks.is_empty());
    assert!(screen(&fresh).contains("Nothing marked, nothing to restore"));
}

#[test]
fn the_marks_cleared_by_u_come_back_in_chinese_too() {
    let (mut app, _) = loaded();
    app.settings.lang = Lang::Zh;
    mark(&mut app, MarkAction::MarkLoaded);
    mark(&mut app, MarkAction::Clear);
    let text = screen(&app);
    assert!(text.contains("已清除 40 个标记 — 按 U 恢复"), "{text}");
    mark(&mut app, MarkAction::Clear);
    assert_eq!(app.marks.len(), 40);
}

#[test]
fn only_marked_shows_the_marked_tickets_and_esc_goes_back() {
    let (mut app, _) = loaded();
    for id in [3, 7, 30] {
        select(&mut app, id);
        mark(&mut app, MarkAction::Toggle);
    }
    select(&mut app, 12);
    mark(&mut app, MarkAction::OnlyMarked);
    assert_eq!(app.current_view().spec.name, ViewName::Marked);
    assert_eq!(app.current_view().ids, vec![30, 7, 3]);
    // The view's own count says how many; the status bar does not repeat it.
    assert_eq!(gongdan::ui::status_bar::marks_text(&app), None);
    // A reload there rebuilds from the marks and asks the server nothing.
    assert!(update(&mut app, Action::Reload).is_empty());
    // Unmarking in the marked view keeps the row until the view is rebuilt.
    update(&mut app, Action::Top);
    mark(&mut app, MarkAction::Toggle);
    assert_eq!(marks(&app), vec![3, 7]);
    update(&mut app, Action::Reload);
    assert_eq!(app.current_view().ids, vec![7, 3]);
    // Esc (or M again) goes back to the tab and the row the user was on.
    update(&mut app, Action::Back);
    assert_eq!(app.current_view().spec.name, ViewName::All);
    assert_eq!(app.current_view().selected_id(), Some(12));
    assert_eq!(
        gongdan::ui::status_bar::marks_text(&app).as_deref(),
        Some("2 marked")
    );
    mark(&mut app, MarkAction::OnlyMarked);
    mark(&mut app, MarkAction::OnlyMarked);
    assert_eq!(app.current_view().spec.name, ViewName::All);
}

#[test]
fn mark_all_fetches_ids_page_by_page_with_progress() {
    let (mut app, _) = loaded();
    let commands = mark(&mut app, MarkAction::MarkAllOnServer);
    let (id, source) = commands
        .iter()
        .find_map(|c| match c {
            Command::Bulk(BulkCommand::FetchIds { id, source }) => Some((*id, source.clone())),
            _ => None,
        })
        .expect("a fetch of every page");
    let ViewSource::List(query) = source else {
        panic!("the All tab is a list");
    };
    assert_eq!(query.page, Some(1));
    assert!(app.busy());
    for (n, range) in [(1u64..=40), (41..=80), (81..=120)].into_iter().enumerate() {
        update(
            &mut app,
            Action::Worker(WorkerEvent::Bulk(BulkEvent::IdsPage {
                id,
                tickets: range.map(ticket).collect(),
                total: Some(120),
            })),
        );
        let fetched = (n + 1) * 40;
        assert_eq!(app.marks.fetch.as_ref().unwrap().fetched, fetched);
        let text = screen(&app);
        assert!(text.contains(&format!("fetching {fetched}/120")), "{text}");
    }
    // A page for an older request is dropped.
    update(
        &mut app,
        Action::Worker(WorkerEvent::Bulk(BulkEvent::IdsPage {
            id: gongdan::app::RequestId(1),
            tickets: vec![ticket(999)],
            total: None,
        })),
    );
    update(
        &mut app,
        Action::Worker(WorkerEvent::Bulk(BulkEvent::IdsDone { id, error: None })),
    );
    assert!(app.marks.fetch.is_none());
    let expected: BTreeSet<u64> = (1..=120).collect();
    assert_eq!(app.marks.ids, expected);
    assert!(common::said(&app, app.notice.as_ref().unwrap()).contains("120"));
    // The marked view shows rows the list never loaded.
    mark(&mut app, MarkAction::OnlyMarked);
    assert_eq!(app.current_view().ids.len(), 120);
    let text = screen(&app);
    assert!(text.contains("120 "), "{text}");
}

#[test]
fn mark_all_in_a_search_view_walks_the_search() {
    let mut app = app(Lang::Zh, 80, 24);
    let commands = start(&mut app);
    let open = find(&commands, is_search_for("2"));
    update(&mut app, Action::SelectView(1));
    answer_page(
        &mut app,
        open,
        page((1..=5).map(search_hit).collect(), 300, true),
    );
    let commands = mark(&mut app, MarkAction::MarkAllOnServer);
    assert!(commands.iter().any(|c| matches!(
        c,
        Command::Bulk(BulkCommand::FetchIds {
            source: ViewSource::Search(_),
            ..
        })
    )));
    // U during the fetch clears the marks and drops what still arrives.
    let id = commands[0].request_id().unwrap();
    mark(&mut app, MarkAction::Clear);
    update(
        &mut app,
        Action::Worker(WorkerEvent::Bulk(BulkEvent::IdsPage {
            id,
            tickets: (1..=100).map(search_hit).collect(),
            total: Some(300),
        })),
    );
    assert!(app.marks.is_empty());
}
