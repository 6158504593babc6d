//! The copy menu and the description on ratatui's TestBackend: Chinese and English, 80×24
//! and 200×50; a plain-text description of three lines shows as three lines.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use gongdan::app::{Action, App, Command, WorkerEvent, update};
use gongdan::lang::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn render(app: &App) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    terminal
        .draw(|frame| {
            gongdan::ui::draw(frame, app, &mut gongdan::ui::Ui::default());
        })
        .unwrap();
    terminal
}

fn rows(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buffer = terminal.backend().buffer();
    let width = usize::from(buffer.area.width);
    buffer
        .content
        .chunks(width)
        .map(|row| {
            // A wide glyph's second cell holds a blank: leave it out.
            let mut text = String::new();
            let mut skip = false;
            for cell in row {
                if !std::mem::take(&mut skip) {
                    text.push_str(cell.symbol());
                    skip = gongdan::text::width(cell.symbol()) == 2;
                }
            }
            text
        })
        .collect()
}

/// Opens the selected order ticket's detail with its show answered.
fn open_detail(app: &mut App) {
    let ticket_id = app.current_view().selected_id().unwrap();
    let open = update(app, Action::Open);
    let show = find(&open, |c| matches!(c, Command::Show { .. }));
    let more = update(
        app,
        Action::Worker(WorkerEvent::Shown {
            id: show,
            ticket: ticket_id,
            result: Ok(order_ticket(ticket_id)),
        }),
    );
    answer_order_lookups(app, &more, true);
}

#[test]
fn a_plain_description_of_three_lines_shows_as_three_lines() {
    for lang in [Lang::En, Lang::Zh] {
        for (w, h) in [(80, 40), (200, 50)] {
            let mut app = order_app(lang, w, h, true);
            open_detail(&mut app);
            let rows = rows(&render(&app));
            let at = |text: &str| {
                rows.iter()
                    .position(|row| row.contains(text))
                    .unwrap_or_else(|| panic!("{text} not shown:\n{}", rows.join("\n")))
            };
            let (one, two, three) = (at("第一步"), at("第二步"), at("第三步"));
            assert_eq!((two, three), (one + 1, one + 2), "{}", rows.join("\n"));
            // Each line alone on its row: nothing run together.
            assert!(!rows[one].contains("第二步"), "{}", rows[one]);
        }
    }
}

#[test]
fn the_copy_menu() {
    for (lang, tag) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
        for (w, h) in [(80u16, 24u16), (200, 50)] {
            // The contact's name has not arrived: phone and e-mail are unknown.
            let mut app = order_app(lang, w, h, false);
            update(&mut app, Action::MoveDown);
            update(&mut app, Action::Copy(gongdan::app::copy::CopyAction::Open));
            update(&mut app, Action::MoveDown);
            let terminal = render(&app);
            insta::assert_snapshot!(format!("copy_menu_{tag}_{w}x{h}"), terminal.backend());
        }
    }
}
