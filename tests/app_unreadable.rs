//! Every ticket of a page is accounted for on screen (issue 13, item 6): a ticket the
//! server sent but that could not be read keeps its row in its place, counted, with the
//! reason, dimmed; opening it says why; a readable copy later replaces it.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use gongdan::api::model::ItemError;
use gongdan::app::{Action, App, Command, WorkerEvent, update};
use gongdan::lang::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;

/// The notice as the status line words it.
fn said(app: &App) -> String {
    gongdan::ui::notice::current(app).unwrap_or_default()
}

fn render(app: &App) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    terminal
        .draw(|frame| gongdan::ui::draw(frame, app))
        .unwrap();
    terminal
}

/// The screen row (text) holding `needle`, and its y.
fn row_with(terminal: &Terminal<TestBackend>, needle: &str) -> Option<(u16, String)> {
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height).find_map(|y| {
        let text: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        text.contains(needle).then_some((y, text))
    })
}

/// Tickets 1..=5 where the server's third (id 3) has a status that is an object.
fn page_with_a_malformed_ticket() -> gongdan::api::Page<gongdan::api::Ticket> {
    let mut list = page(vec![ticket(1), ticket(2), ticket(4), ticket(5)], 5, false);
    list.bad_items.push(ItemError {
        index: 2,
        ticket_id: Some(3),
        path: "tickets[2].ticketStatus".into(),
        message: "expected a code or a label, found an object".into(),
    });
    list
}

#[test]
fn a_malformed_ticket_keeps_its_row_in_its_place_with_the_reason() {
    let mut app = app(Lang::En, 120, 30);
    show_all_tab(&mut app, page_with_a_malformed_ticket());
    let view = app.current_view();
    assert_eq!(
        view.ids,
        vec![1, 2, 3, 4, 5],
        "counted, in the server's order"
    );
    assert_eq!(
        app.tickets.unreadable(3),
        Some("ticketStatus: expected a code or a label, found an object")
    );
    assert!(app.tickets.get(&3).is_none());
    let terminal = render(&app);
    let (y, text) = row_with(&terminal, "could not read: ticketStatus").unwrap();
    assert!(text.contains(" 3 "), "the row carries the id: {text}");
    // Dimmed: the reason's cells are muted.
    let buffer = terminal.backend().buffer();
    let x = text.find("could not read").unwrap() as u16;
    assert!(buffer[(x, y)].modifier.contains(Modifier::DIM), "{text}");
}

#[test]
fn the_unreadable_row_is_worded_in_chinese_too() {
    let mut app = app(Lang::Zh, 120, 30);
    show_all_tab(&mut app, page_with_a_malformed_ticket());
    let terminal = render(&app);
    // CJK cells are two wide (a blank after each glyph): the ASCII field name is
    // contiguous, the label is read with the blanks taken out.
    let (_, row) = row_with(&terminal, "ticketStatus").unwrap();
    let packed = row.replace(' ', "");
    assert!(packed.contains("无法读取：ticketStatus"), "{row}");
}

#[test]
fn opening_an_unreadable_row_says_why_and_a_readable_copy_replaces_it() {
    let mut app = app(Lang::En, 160, 40);
    show_all_tab(&mut app, page_with_a_malformed_ticket());
    update(&mut app, Action::MoveDown);
    update(&mut app, Action::MoveDown);
    assert_eq!(app.current_view().selected_id(), Some(3));
    let open = update(&mut app, Action::Open);
    let lines: Vec<String> = gongdan::ui::detail::lines(&app, 100)
        .iter()
        .map(|line| line.to_string())
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("Could not read ticket #3: ticketStatus: expected a code")),
        "{lines:?}"
    );
    // The show the open sent comes back readable (fixed on the server): the row is whole.
    let show = find(&open, |c| matches!(c, Command::Show { .. }));
    update(
        &mut app,
        Action::Worker(WorkerEvent::Shown {
            id: show,
            ticket: 3,
            result: Ok(ticket(3)),
        }),
    );
    assert_eq!(app.tickets.unreadable(3), None);
    assert_eq!(app.tickets.get(&3).unwrap().subject, ticket(3).subject);
}

#[test]
fn a_malformed_ticket_without_an_id_is_said_on_the_status_line() {
    let mut app = app(Lang::En, 120, 30);
    let mut list = page(vec![ticket(1), ticket(2)], 3, false);
    list.bad_items.push(ItemError {
        index: 1,
        ticket_id: None,
        path: "tickets[1]".into(),
        message: "expected a ticket object, found a string".into(),
    });
    show_all_tab(&mut app, list);
    assert_eq!(app.current_view().ids, vec![1, 2]);
    let notice = app.notice.clone().unwrap();
    assert!(notice.is_error);
    assert_eq!(
        said(&app),
        "Could not read 1 ticket(s) on this page, which have no readable id"
    );
}

#[test]
fn a_malformed_status_shows_as_unknown_with_its_reason_not_as_blank() {
    let mut app = app(Lang::En, 160, 40);
    let mut odd = ticket(3);
    odd.status = None;
    odd.unreadable.push(gongdan::api::model::UnreadableField {
        key: "ticketStatus".into(),
        reason: "expected a code or label, found an object".into(),
    });
    show_all_tab(&mut app, page(vec![ticket(1), odd], 2, false));
    let terminal = render(&app);
    let (_, row) = row_with(&terminal, "Printer on floor 3").unwrap();
    assert!(row.contains(" ? "), "the status cell says unknown: {row}");
    update(&mut app, Action::MoveDown);
    update(&mut app, Action::Open);
    let lines: Vec<String> = gongdan::ui::detail::lines(&app, 120)
        .iter()
        .map(|line| line.to_string())
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("could not read (expected a code or label, found an object)")),
        "{lines:?}"
    );
}

#[test]
fn a_bulk_change_leaves_an_unreadable_ticket_out_and_says_so() {
    use gongdan::app::bulk_edit::BulkAction;
    use gongdan::app::marks::MarkAction;
    let mut app = app(Lang::En, 120, 30);
    show_all_tab(&mut app, page_with_a_malformed_ticket());
    // Marks on 2, 3 (unreadable) and 4.
    update(&mut app, Action::MoveDown);
    for _ in 0..3 {
        update(&mut app, Action::Marks(MarkAction::Toggle));
    }
    assert_eq!(app.marks.len(), 3);
    update(&mut app, Action::Bulk(BulkAction::Open));
    assert_eq!(said(&app), "Left out, could not be read: 3");
    match &app.bulk.stage {
        Some(gongdan::app::bulk_edit::Stage::Form(form)) => {
            assert_eq!(form.targets, vec![2, 4], "planned only from what was read")
        }
        other => panic!("{other:?}"),
    }
    // Alone, it opens no form and says why.
    let mut app = app_with_only_the_unreadable_row_selected();
    update(&mut app, Action::Bulk(BulkAction::Open));
    assert!(app.bulk.stage.is_none());
    assert!(
        gongdan::ui::notice::current(&app)
            .unwrap_or_default()
            .starts_with("Could not read ticket #3: ticketStatus")
    );
}

fn app_with_only_the_unreadable_row_selected() -> App {
    let mut app = app(Lang::En, 120, 30);
    show_all_tab(&mut app, page_with_a_malformed_ticket());
    update(&mut app, Action::MoveDown);
    update(&mut app, Action::MoveDown);
    assert_eq!(app.current_view().selected_id(), Some(3));
    app
}
