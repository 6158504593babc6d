//! The list's selection and the layout around it on ratatui's TestBackend (issue 12): the
//! whole selected row highlighted (theme colours, no colour, CJK included, and a bar with
//! no gaps on a real terminal), the list's columns unchanged when the preview beside it
//! takes the keyboard, and the customer's message in view above the composer at 80×24.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use gongdan::app::composer::ComposeAction;
use gongdan::app::state::SelectionStyle;
use gongdan::app::{Action, App, Command, Settings, WorkerEvent, update};
use gongdan::lang::Lang;
use gongdan::ui::Ui;
use gongdan::ui::theme::{ColorDepth, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 50)];

/// The looks a selection can have.
#[derive(Clone, Copy, Debug)]
enum Look {
    /// The default theme: reverse video, colour on.
    Default,
    /// NO_COLOR: modifiers only.
    NoColour,
    /// A theme with its own selection colours.
    Themed,
}

const LOOKS: [Look; 3] = [Look::Default, Look::NoColour, Look::Themed];
const THEMED_BG: Color = Color::Rgb(0x87, 0xaf, 0xd7);

fn settings(lang: Lang, look: Look) -> Settings {
    Settings {
        lang,
        color: !matches!(look, Look::NoColour),
        account_label: "admin@127.0.0.1".into(),
        ..Settings::default()
    }
}

/// The view's side of a look: its theme.
fn ui(look: Look) -> Ui {
    Ui::new(match look {
        Look::Default => Theme::default(),
        Look::NoColour => Theme::default().fitted(ColorDepth::Mono),
        Look::Themed => {
            let table: toml::Table =
                toml::from_str("selection = { fg = \"black\", bg = \"#87afd7\" }").unwrap();
            Theme::from_config(&table, ColorDepth::TrueColor).unwrap()
        }
    })
}

/// An admin app on the "All" tab with 40 tickets, every name looked up, the fourth row
/// selected.
fn loaded(settings: Settings, width: u16, height: u16) -> App {
    let mut app = App::new(settings, now());
    update(&mut app, Action::Resize { width, height });
    show_all_tab(&mut app, page((1..=40).map(ticket).collect(), 120, true));
    for _ in 0..3 {
        update(&mut app, Action::MoveDown);
    }
    app
}

fn render(app: &App) -> Buffer {
    render_in(app, Look::Default)
}

fn render_in(app: &App, look: Look) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    terminal
        .draw(|frame| {
            gongdan::ui::draw(frame, app, &mut ui(look));
        })
        .unwrap();
    terminal.backend().buffer().clone()
}

/// A row's text as a terminal shows it: a wide glyph once, not followed by the blank
/// TestBackend keeps for its right half.
fn row_text(buffer: &Buffer, y: u16, from: u16, to: u16) -> String {
    let mut text = String::new();
    let mut x = from;
    while x < to {
        let symbol = buffer[(x, y)].symbol();
        text.push_str(symbol);
        x += u16::try_from(symbol.width().max(1)).unwrap();
    }
    text
}

/// The row the cursor glyph is on.
fn selected_y(buffer: &Buffer) -> u16 {
    (0..buffer.area.height)
        .find(|y| buffer[(0, *y)].symbol() == ">")
        .expect("a selected row")
}

/// The list's width on this screen.
fn list_width(app: &App) -> u16 {
    gongdan::ui::layout(app, gongdan::ui::screen(app))
        .list
        .unwrap()
        .width
}

/// The styles along a row as runs `x..end fg bg modifiers`, the right half of a wide
/// glyph counted with its glyph (a terminal paints both halves in the glyph's style;
/// TestBackend leaves that cell reset).
fn style_runs(buffer: &Buffer, y: u16, width: u16) -> Vec<(u16, u16, Color, Color, Modifier)> {
    let mut runs: Vec<(u16, u16, Color, Color, Modifier)> = Vec::new();
    let mut covered = 0;
    for x in 0..width {
        let cell = &buffer[(x, y)];
        if covered > 0 {
            covered -= 1;
            if let Some(last) = runs.last_mut() {
                last.1 = x + 1;
            }
            continue;
        }
        covered = cell.symbol().width().saturating_sub(1);
        let style = (cell.fg, cell.bg, cell.modifier);
        match runs.last_mut() {
            Some(last) if (last.2, last.3, last.4) == style => last.1 = x + 1,
            _ => runs.push((x, x + 1, style.0, style.1, style.2)),
        }
    }
    runs
}

#[test]
fn the_whole_selected_row_is_one_bar_at_every_size_and_look() {
    for (width, height) in SIZES {
        for lang in [Lang::En, Lang::Zh] {
            for look in LOOKS {
                let app = loaded(settings(lang, look), width, height);
                assert_eq!(app.settings.selection, SelectionStyle::Row);
                let buffer = render_in(&app, look);
                let y = selected_y(&buffer);
                let list = list_width(&app);
                let runs = style_runs(&buffer, y, list);
                let what = format!("{width}x{height} {lang:?} {look:?}: {runs:?}");
                assert_eq!(runs.len(), 1, "one style over the whole row: {what}");
                let (_, end, fg, bg, modifier) = runs[0];
                assert_eq!(end, list, "{what}");
                match look {
                    Look::Default | Look::NoColour => {
                        assert!(modifier.contains(Modifier::REVERSED), "{what}");
                        assert_eq!((fg, bg), (Color::Reset, Color::Reset), "{what}");
                    }
                    Look::Themed => assert_eq!((fg, bg), (Color::Black, THEMED_BG), "{what}"),
                }
                // The rows around keep their own styles: only one row is a bar.
                let next = style_runs(&buffer, y + 1, list);
                assert!(
                    next.iter()
                        .all(|r| !r.4.contains(Modifier::REVERSED) && r.3 != THEMED_BG),
                    "{what}; next row {next:?}"
                );
            }
        }
    }
}

/// The selected row and its styles, for review.
fn described_row(app: &App, look: Look) -> String {
    let buffer = render_in(app, look);
    let y = selected_y(&buffer);
    let list = list_width(app);
    let mut text = format!("{}\n", row_text(&buffer, y, 0, list).trim_end());
    for (x, end, fg, bg, modifier) in style_runs(&buffer, y, list) {
        text.push_str(&format!("  {x}..{end} fg={fg:?} bg={bg:?} {modifier:?}\n"));
    }
    text
}

#[test]
fn selected_row_snapshots() {
    for look in LOOKS {
        let mut text = String::new();
        for lang in [Lang::En, Lang::Zh] {
            text.push_str(&described_row(&loaded(settings(lang, look), 120, 40), look));
        }
        insta::assert_snapshot!(format!("selected_row_{look:?}_120x40"), text);
    }
}

#[test]
fn cursor_mode_highlights_the_cursor_and_the_id_only() {
    let mut settings = settings(Lang::Zh, Look::Default);
    settings.selection = SelectionStyle::Cursor;
    let app = loaded(settings, 120, 40);
    let buffer = render(&app);
    let y = selected_y(&buffer);
    let runs = style_runs(&buffer, y, list_width(&app));
    let (start, end, _, _, modifier) = runs[0];
    assert_eq!(start, 0);
    assert!(modifier.contains(Modifier::REVERSED));
    // The gutter (3) and the id column ("编号" is 4 wide, ids 2 digits: 5 with its space).
    assert_eq!(end, 3 + 5, "{runs:?}");
    assert!(runs[1..].iter().all(|r| !r.4.contains(Modifier::REVERSED)));
}

/// On a terminal (the console's backend, its bytes read back by vt100), every column of
/// the selected row shows the bar: a wide glyph's right half in its glyph's colours.
#[test]
fn the_bar_has_no_gaps_on_a_terminal() {
    for (width, height) in SIZES {
        for lang in [Lang::Zh, Lang::En] {
            for look in LOOKS {
                let mut app = loaded(settings(lang, look), width, height);
                let (mut terminal, writer) = gongdan::bench::bytes_terminal(width, height).unwrap();
                let mut parser = vt100::Parser::new(
                    std::num::NonZeroU16::new(height).unwrap(),
                    std::num::NonZeroU16::new(width).unwrap(),
                    0,
                );
                // The first frame, then a `j`, drawn as diffs.
                let mut ui = ui(look);
                gongdan::bench::draw_console(&mut terminal, &app, &mut ui).unwrap();
                update(&mut app, Action::MoveDown);
                gongdan::bench::draw_console(&mut terminal, &app, &mut ui).unwrap();
                parser.process(&writer.take());
                let screen = parser.screen();
                let y = (0..height)
                    .find(|y| screen.cell(*y, 0).is_some_and(|c| c.contents() == ">"))
                    .unwrap();
                let list = list_width(&app);
                let lit = |cell: &vt100::Cell| match look {
                    Look::Default | Look::NoColour => cell.inverse(),
                    Look::Themed => cell.bgcolor() == vt100::Color::Rgb(0x87, 0xaf, 0xd7),
                };
                let mut wide = 0;
                for x in 0..list {
                    let cell = screen.cell(y, x).unwrap();
                    let shown = if cell.is_wide_continuation() {
                        screen.cell(y, x - 1).unwrap()
                    } else {
                        cell
                    };
                    wide += usize::from(cell.is_wide());
                    assert!(
                        lit(shown),
                        "{width}x{height} {lang:?} {look:?}: column {x} of the bar is not lit: {:?}",
                        screen.rows(0, width).nth(usize::from(y))
                    );
                }
                if lang == Lang::Zh {
                    assert!(wide > 0, "the Chinese row has wide glyphs to cross");
                }
                // The row it left shows no bar.
                let above = screen.cell(y - 1, 5).unwrap();
                assert!(!lit(above), "{width}x{height} {lang:?} {look:?}");
            }
        }
    }
}

#[test]
fn the_list_keeps_its_columns_when_the_preview_takes_the_keyboard() {
    for (width, height) in [(140, 40), (200, 50)] {
        for lang in [Lang::En, Lang::Zh] {
            let mut app = loaded(settings(lang, Look::Default), width, height);
            let header = |app: &App| {
                let buffer = render(app);
                let list = list_width(app);
                (list, row_text(&buffer, 1, 0, list))
            };
            let columns = |app: &App| {
                gongdan::ui::list::columns(app, app.current_view(), usize::from(list_width(app)))
            };
            let before = (header(&app), columns(&app));
            let subject = if lang == Lang::En {
                "Subject"
            } else {
                "标题"
            };
            assert!(before.0.1.replace(' ', "").contains(subject), "{before:?}");
            // The preview takes the keyboard, scrolls, gives it back; the list moves.
            for action in [
                Action::Open,
                Action::MoveDown,
                Action::Back,
                Action::MoveDown,
                Action::Open,
                Action::NextTicket,
            ] {
                update(&mut app, action.clone());
                assert_eq!(
                    (header(&app), columns(&app)),
                    before,
                    "{width}x{height} {lang:?} after {action:?}"
                );
            }
            // No preview at all (an empty view): the list keeps its place still.
            update(&mut app, Action::Back);
            update(&mut app, Action::SelectView(0));
            assert!(app.current_view().ids.is_empty() && app.detail.is_none());
            assert_eq!(list_width(&app), before.0.0);
        }
    }
}

/// Opens the composer under ticket `id`'s detail (the rich one: custom fields, a table).
fn reply_to_selected(app: &mut App) {
    let id = app.current_view().selected_id().unwrap();
    let open = update(app, Action::Open);
    let show = find(&open, |c| matches!(c, Command::Show { .. }));
    answer_lookups(app, &open);
    update(
        app,
        Action::Worker(WorkerEvent::Shown {
            id: show,
            ticket: id,
            result: Ok(rich_ticket(id)),
        }),
    );
    update(app, Action::Compose(ComposeAction::OpenReply));
}

#[test]
fn replying_at_80x24_the_customers_message_is_in_view() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = loaded(settings(lang, Look::Default), 80, 24);
        reply_to_selected(&mut app);
        let buffer = render(&app);
        let rows: Vec<String> = (0..24).map(|y| row_text(&buffer, y, 0, 80)).collect();
        let composer_top = rows
            .iter()
            .position(|r| r.starts_with("┌ 回复") || r.starts_with("┌ Reply"))
            .unwrap();
        let above = rows[..composer_top].join("\n");
        let squeeze = |s: &str| s.replace(' ', "");
        // The ticket's first lines: a summary, then the description, before the fields.
        let subject: String = squeeze(&ticket(4).subject).chars().take(4).collect();
        assert!(squeeze(&rows[2]).contains(&subject), "{above}");
        assert!(squeeze(&above).contains("工单4的描述。"), "{above}");
        assert!(squeeze(&above).contains("第一步"), "{above}");
        let description_row = rows
            .iter()
            .position(|r| squeeze(r).contains("第一步"))
            .unwrap();
        let field_label = if lang == Lang::En {
            "Custom fields"
        } else {
            "自定义字段"
        };
        let fields_row = rows.iter().position(|r| squeeze(r).contains(field_label));
        assert!(fields_row.is_none_or(|f| f > description_row), "{above}");
        insta::assert_snapshot!(
            format!(
                "replying_{}_80x24",
                if lang == Lang::En { "en" } else { "zh" }
            ),
            rows.join("\n")
        );
    }
}
