//! A ticket with a 10 MB description stays cheap to look at (issue 14, item 9): its
//! description is laid out once per ticket change and width, and only the rows on screen
//! are drawn. Checked by counting layouts, never by time (BENCHMARKS.md has the time a key).
#![allow(clippy::unwrap_used)]

use gongdan::app::{Action, App, update};
use gongdan::bench::{big_description, draw_and_feed, loaded_app, synthetic_tickets};
use gongdan::lang::Lang;
use gongdan::ui::detail::description_layouts;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Draws, and hands `update` what was drawn (its scroll limits), as the loop does.
fn screen(app: &mut App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    draw_and_feed(&mut terminal, app, &mut gongdan::ui::Ui::default()).unwrap();
    let buffer = terminal.backend().buffer().clone();
    (0..app.height)
        .map(|y| {
            (0..app.width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// An app at 120×40 whose first ticket has a description of about `bytes` bytes, opened.
fn opened(bytes: usize) -> App {
    let mut tickets = synthetic_tickets(50);
    tickets[0].description = Some(big_description(bytes));
    let mut app = loaded_app(tickets, Lang::En, 120, 40);
    update(&mut app, Action::Open);
    app
}

#[test]
fn a_10_mb_description_is_laid_out_once_and_scrolled_without_laying_it_out_again() {
    let mut app = opened(10 * 1024 * 1024);
    let before = description_layouts();
    let first = screen(&mut app);
    assert_eq!(
        description_layouts(),
        before + 1,
        "laid out on the first draw"
    );
    // Redraws, and scrolling down through it (each step reads how far it may scroll from
    // the last draw): no new layout, and the screen moves.
    assert_eq!(screen(&mut app), first);
    for _ in 0..50 {
        update(&mut app, Action::MoveDown);
    }
    update(&mut app, Action::PageDown);
    let scrolled = screen(&mut app);
    assert_ne!(scrolled, first);
    assert!(scrolled.contains("line"), "{scrolled}");
    assert_eq!(description_layouts(), before + 1, "never laid out again");
}

#[test]
fn the_layout_is_redone_when_the_width_or_the_ticket_changes() {
    let mut app = opened(200_000);
    let before = description_layouts();
    screen(&mut app);
    assert_eq!(description_layouts(), before + 1);
    // Another width: laid out again, once.
    update(
        &mut app,
        Action::Resize {
            width: 100,
            height: 40,
        },
    );
    screen(&mut app);
    screen(&mut app);
    assert_eq!(description_layouts(), before + 2);
    // The ticket changes (a fresh copy from the server): laid out again, with its new text.
    let id = app.detail.as_ref().unwrap().ticket_id;
    let mut ticket = app.tickets.get(&id).unwrap();
    ticket.description = Some("a short new description".into());
    app.tickets.insert(id, ticket);
    let text = screen(&mut app);
    assert_eq!(description_layouts(), before + 3);
    assert!(text.contains("a short new description"), "{text}");
}
