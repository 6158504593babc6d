//! Pane snapshots on ratatui's TestBackend: 80×24 and 160×48, Chinese and English, long CJK
//! subjects. The state is built from fixture tickets through `update`, without network.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use gongdan::app::{Action, App, Command, WorkerEvent, update};
use gongdan::lang::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// An admin app on the "All" tab with 40 tickets and every name looked up.
fn loaded(lang: Lang, width: u16, height: u16) -> App {
    let mut app = app(lang, width, height);
    show_all_tab(&mut app, page((1..=40).map(ticket).collect(), 120, true));
    for _ in 0..3 {
        update(&mut app, Action::MoveDown);
    }
    app
}

fn render(app: &App) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    terminal
        .draw(|frame| {
            gongdan::ui::draw(frame, app, &mut gongdan::ui::Ui::default());
        })
        .unwrap();
    terminal
}

fn open_detail(app: &mut App) {
    let ticket_id = app.current_view().selected_id().unwrap();
    let open = update(app, Action::Open);
    let show = find(&open, |c| matches!(c, Command::Show { .. }));
    answer_lookups(app, &open);
    let more = update(
        app,
        Action::Worker(WorkerEvent::Shown {
            id: show,
            ticket: ticket_id,
            result: Ok(rich_ticket(ticket_id)),
        }),
    );
    answer_lookups(app, &more);
}

macro_rules! both_sizes_and_languages {
    ($name:ident, $prepare:expr) => {
        #[test]
        fn $name() {
            for (lang, tag) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
                for (w, h) in [(80u16, 24u16), (160, 48)] {
                    let mut app = loaded(lang, w, h);
                    let prepare: fn(&mut App) = $prepare;
                    prepare(&mut app);
                    let terminal = render(&app);
                    insta::assert_snapshot!(
                        format!("{}_{}_{}x{}", stringify!($name), tag, w, h),
                        terminal.backend()
                    );
                }
            }
        }
    };
}

both_sizes_and_languages!(list, |_| {});
both_sizes_and_languages!(detail, open_detail);
both_sizes_and_languages!(status_menu, |app| {
    update(app, Action::OpenStatusMenu);
});
both_sizes_and_languages!(help, |app| {
    update(app, Action::ToggleHelp);
});
both_sizes_and_languages!(search_line_refusal, |app| {
    update(app, Action::StartSearch);
    for c in "createDT>= 2024-01-01".chars() {
        update(app, Action::InputChar(c));
    }
    update(app, Action::InputSubmit);
});

#[test]
fn loading_and_agent_notice() {
    let mut app = app(Lang::Zh, 80, 24);
    let commands = start(&mut app);
    update(
        &mut app,
        Action::Worker(WorkerEvent::Page {
            id: find(&commands, is_list),
            result: Err(gongdan::api::ApiError::Forbidden(None)),
        }),
    );
    let terminal = render(&app);
    insta::assert_snapshot!("agent_loading_zh_80x24", terminal.backend());
}

#[test]
fn the_list_never_splits_a_wide_character() {
    for lang in [Lang::Zh, Lang::En] {
        for width in 60..=100u16 {
            let app = loaded(lang, width, 24);
            let terminal = render(&app);
            let buffer = terminal.backend().buffer();
            for y in 0..buffer.area.height {
                let mut x = 0;
                while x < buffer.area.width {
                    let cell = &buffer[(x, y)];
                    let w = unicode_width::UnicodeWidthStr::width(cell.symbol()).max(1) as u16;
                    assert!(x + w <= buffer.area.width, "a glyph overflows at {x},{y}");
                    x += w;
                }
            }
        }
    }
}

#[test]
fn only_visible_rows_are_built_among_many_tickets() {
    let mut app = app(Lang::En, 120, 40);
    let commands = start(&mut app);
    update(&mut app, Action::SelectView(3));
    answer_page(
        &mut app,
        find(&commands, is_list),
        page((1..=20_000).map(ticket).collect(), 20_000, false),
    );
    update(&mut app, Action::Bottom);
    update(&mut app, Action::MoveUp);
    let terminal = render(&app);
    let screen = format!("{}", terminal.backend());
    let rows: Vec<&str> = screen.lines().collect();
    assert!(
        rows.iter().any(|r| r.starts_with("\">  19999 ")),
        "{screen}"
    );
    assert!(
        rows.iter().any(|r| r.starts_with("\"   20000 ")),
        "{screen}"
    );
    // The first rows are not on screen: the list showed the end without building them.
    assert!(
        !rows.iter().any(|r| r.starts_with("\"       1 ")),
        "{screen}"
    );
}
