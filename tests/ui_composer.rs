//! The composer and the new-ticket form on ratatui's TestBackend: the real terminal cursor
//! at the caret (counted in display cells) after typing Chinese and ASCII, soft wrapping at
//! the pane's width without splitting a character, scrolling that keeps the caret visible,
//! and snapshots at 80×24 and 160×48 in Chinese and English.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gongdan::app::keymap::action_for_key;
use gongdan::app::{Action, App, Command, WorkerEvent, update};
use gongdan::lang::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::{Position, Rect};
use unicode_width::UnicodeWidthStr;

fn loaded(lang: Lang, width: u16, height: u16) -> App {
    let mut app = app(lang, width, height);
    show_all_tab(&mut app, page((1..=40).map(ticket).collect(), 120, true));
    update(&mut app, Action::MoveDown);
    app
}

fn press(app: &mut App, code: KeyCode, mods: KeyModifiers) {
    let event = KeyEvent::new(code, mods);
    if let Some(action) = action_for_key(app, &event) {
        let commands = update(app, action);
        // The detail's show call answers with the full ticket.
        for command in commands {
            if let Command::Show { id, ticket } = command {
                update(
                    app,
                    Action::Worker(WorkerEvent::Shown {
                        id,
                        ticket,
                        result: Ok(rich_ticket(ticket)),
                    }),
                );
            }
        }
    }
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        if c == '\n' {
            press(app, KeyCode::Enter, KeyModifiers::NONE);
        } else {
            press(app, KeyCode::Char(c), KeyModifiers::NONE);
        }
    }
}

fn open_composer(lang: Lang, width: u16, height: u16) -> App {
    let mut app = loaded(lang, width, height);
    press(&mut app, KeyCode::Char('r'), KeyModifiers::NONE);
    assert!(app.compose.composer.is_some());
    app
}

fn render(app: &App) -> Terminal<TestBackend> {
    render_with(app, &mut gongdan::ui::Ui::default())
}

fn render_with(app: &App, ui: &mut gongdan::ui::Ui) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    terminal
        .draw(|frame| {
            gongdan::ui::draw(frame, app, ui);
        })
        .unwrap();
    terminal
}

fn editor_area(app: &App) -> Rect {
    gongdan::ui::composer::editor_area(app).unwrap()
}

/// The text of one screen row inside `area`, wide glyphs once each.
fn row_text(terminal: &Terminal<TestBackend>, area: Rect, row: u16) -> String {
    let buffer = terminal.backend().buffer();
    let mut text = String::new();
    let mut x = area.x;
    while x < area.right() {
        let cell = &buffer[(x, area.y + row)];
        let symbol = cell.symbol();
        text.push_str(symbol);
        x += symbol.width().max(1) as u16;
    }
    text.trim_end().to_string()
}

fn cursor(terminal: &mut Terminal<TestBackend>) -> Position {
    assert!(
        terminal.backend().cursor_visible(),
        "the terminal cursor is shown"
    );
    terminal.get_cursor_position().unwrap()
}

#[test]
fn the_terminal_cursor_lands_on_the_caret_after_chinese_and_ascii() {
    let mut app = open_composer(Lang::Zh, 100, 30);
    type_text(&mut app, "ab中文c");
    let area = editor_area(&app);
    let mut terminal = render(&app);
    // a b = 2 cells, 中文 = 4 cells, c = 1 cell: the caret is 7 cells in.
    assert_eq!(cursor(&mut terminal), Position::new(area.x + 7, area.y));
    assert_eq!(row_text(&terminal, area, 0), "ab中文c");
    // Left over a wide character moves back two cells.
    press(&mut app, KeyCode::Left, KeyModifiers::NONE);
    press(&mut app, KeyCode::Left, KeyModifiers::NONE);
    let mut terminal = render(&app);
    assert_eq!(cursor(&mut terminal), Position::new(area.x + 4, area.y));
    // On a second line the column starts again.
    press(&mut app, KeyCode::End, KeyModifiers::NONE);
    type_text(&mut app, "\n您好");
    let mut terminal = render(&app);
    assert_eq!(cursor(&mut terminal), Position::new(area.x + 4, area.y + 1));
}

#[test]
fn a_long_paragraph_wraps_at_the_panes_width_without_splitting_characters() {
    for width in [80u16, 101, 160] {
        let mut app = open_composer(Lang::Zh, width, 40);
        let area = editor_area(&app);
        // Odd widths leave one cell that a wide character cannot use.
        let paragraph = "您好，关于您反映的打印机卡纸问题，技术部门已经安排工程师明天上午十点上门检查，\
                         如有变动会提前电话通知您。Ticket ref: PRN-3F-0042, thanks for your patience!";
        type_text(&mut app, paragraph);
        let terminal = render(&app);
        let mut joined = String::new();
        let mut rows = 0;
        for row in 0..area.height {
            let text = row_text(&terminal, area, row);
            assert!(text.width() <= usize::from(area.width), "{text:?}");
            if text.is_empty() {
                break;
            }
            rows += 1;
            joined.push_str(&text);
        }
        assert!(rows > 1, "the paragraph wraps at width {width}");
        // Every character is on screen once, in order (spaces at row ends are trimmed).
        assert_eq!(
            joined.replace(' ', ""),
            paragraph.replace(' ', ""),
            "width {width}"
        );
        // No wide glyph is cut at the right edge: the last column holds a whole glyph's
        // first cell or nothing.
        let buffer = terminal.backend().buffer();
        for row in 0..rows {
            let last = &buffer[(area.right() - 1, area.y + row)];
            assert!(last.symbol().width() <= 1, "row {row}: {:?}", last.symbol());
        }
    }
}

#[test]
fn the_caret_at_the_end_of_a_full_row_goes_to_the_next_row() {
    let mut app = open_composer(Lang::Zh, 100, 30);
    let area = editor_area(&app);
    let cells = usize::from(area.width);
    let text: String = "中".repeat(cells / 2);
    type_text(&mut app, &text);
    let mut terminal = render(&app);
    let position = cursor(&mut terminal);
    if cells % 2 == 0 {
        assert_eq!(position, Position::new(area.x, area.y + 1));
    } else {
        assert_eq!(position, Position::new(area.x + cells as u16 - 1, area.y));
    }
}

#[test]
fn scrolling_keeps_the_caret_visible() {
    let mut app = open_composer(Lang::Zh, 80, 24);
    let area = editor_area(&app);
    for line in 0..(area.height * 3) {
        type_text(&mut app, &format!("第{line}行：请确认"));
        press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    }
    type_text(&mut app, "最后一行");
    let mut terminal = render(&app);
    let position = cursor(&mut terminal);
    assert!(area.contains(position), "{position:?} in {area:?}");
    let row = position.y - area.y;
    assert_eq!(row_text(&terminal, area, row), "最后一行");
    assert_eq!(position.x, area.x + "最后一行".width() as u16);
    // Back to the top: the view follows the caret up.
    press(&mut app, KeyCode::Up, KeyModifiers::CONTROL);
    for _ in 0..(area.height * 3 + 1) {
        press(&mut app, KeyCode::Up, KeyModifiers::NONE);
    }
    let mut terminal = render(&app);
    let position = cursor(&mut terminal);
    assert_eq!(position.y, area.y);
    assert_eq!(row_text(&terminal, area, 0), "第0行：请确认");
}

#[test]
fn the_attach_prompt_holds_the_cursor_and_scrolls_by_cells() {
    let mut app = open_composer(Lang::En, 80, 24);
    press(&mut app, KeyCode::Char('o'), KeyModifiers::CONTROL);
    let path = format!("/home/客服/{}/截图.png", "很长的目录名".repeat(6));
    type_text(&mut app, &path);
    let mut terminal = render(&app);
    let position = cursor(&mut terminal);
    let composer = gongdan::ui::composer::area(&app).unwrap();
    assert!(composer.contains(position), "{position:?} in {composer:?}");
    // The end of the path is shown just before the cursor.
    let buffer = terminal.backend().buffer();
    let before = &buffer[(position.x - 1, position.y)];
    assert_eq!(before.symbol(), "g");
}

#[test]
fn the_new_ticket_form_puts_the_cursor_on_the_focused_field() {
    let mut app = loaded(Lang::Zh, 100, 30);
    press(&mut app, KeyCode::Char('n'), KeyModifiers::NONE);
    type_text(&mut app, "打印机abc");
    let mut terminal = render(&app);
    let position = cursor(&mut terminal);
    let buffer = terminal.backend().buffer();
    assert_eq!(buffer[(position.x - 1, position.y)].symbol(), "c");
    assert_eq!(buffer[(position.x - 5, position.y)].symbol(), "机");
    // In the description, the editor's caret.
    for _ in 0..40 {
        if app.compose.new_ticket.as_ref().unwrap().on_description() {
            break;
        }
        press(&mut app, KeyCode::Tab, KeyModifiers::NONE);
    }
    type_text(&mut app, "三楼\n打印机");
    let area = gongdan::ui::new_ticket::description_area(&app).unwrap();
    let mut terminal = render(&app);
    assert_eq!(cursor(&mut terminal), Position::new(area.x + 6, area.y + 1));
}

fn compose_some(app: &mut App) {
    press(app, KeyCode::Char('r'), KeyModifiers::NONE);
    type_text(
        app,
        "您好，关于您反映的打印机卡纸问题，技术部门已经安排工程师明天上午十点上门检查。\nThanks, 客服小王",
    );
}

fn new_ticket_some(app: &mut App) {
    press(app, KeyCode::Char('n'), KeyModifiers::NONE);
    type_text(app, "发票抬头填写错误需要重开");
    press(app, KeyCode::Tab, KeyModifiers::NONE);
    press(app, KeyCode::Tab, KeyModifiers::NONE);
    type_text(app, "13800138000");
    for _ in 0..4 {
        press(app, KeyCode::Tab, KeyModifiers::NONE);
    }
    press(app, KeyCode::Right, KeyModifiers::NONE);
}

macro_rules! snapshots {
    ($name:ident, $prepare:expr) => {
        #[test]
        fn $name() {
            for (lang, tag) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
                for (w, h) in [(80u16, 24u16), (160, 48)] {
                    let mut app = loaded(lang, w, h);
                    let prepare: fn(&mut App) = $prepare;
                    prepare(&mut app);
                    let mut terminal = render(&app);
                    let position = terminal.get_cursor_position().unwrap();
                    insta::assert_snapshot!(
                        format!("{}_{}_{}x{}", stringify!($name), tag, w, h),
                        format!(
                            "{}\ncursor: {}, {}",
                            terminal.backend(),
                            position.x,
                            position.y
                        )
                    );
                }
            }
        }
    };
}

snapshots!(composer, compose_some);
snapshots!(new_ticket_form, new_ticket_some);

/// NO_COLOR: the composer and the new-ticket form draw no colour.
#[test]
fn without_colour_the_composer_and_new_ticket_form_draw_no_colour() {
    use gongdan::ui::theme::{ColorDepth, Theme};
    use ratatui::style::Color;
    let prepares: [fn(&mut App); 2] = [compose_some, new_ticket_some];
    for lang in [Lang::Zh, Lang::En] {
        for prepare in prepares {
            let mut app = loaded(lang, 100, 30);
            app.settings.color = false;
            let mut ui = gongdan::ui::Ui::new(Theme::default().fitted(ColorDepth::Mono));
            prepare(&mut app);
            let terminal = render_with(&app, &mut ui);
            for cell in terminal.backend().buffer().content() {
                assert_eq!(cell.fg, Color::Reset, "a foreground colour");
                assert_eq!(cell.bg, Color::Reset, "a background colour");
            }
        }
    }
}
