//! Themes: `[theme]` parsing (names, hex, indexes, modifiers, errors with the key path),
//! colour-depth detection and the 256/16-colour fallbacks, panes drawing from the theme, and
//! the list without colour, where state still shows as text, reverse video and glyphs.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use gongdan::app::{Action, App, Command, Settings, update};
use gongdan::lang::Lang;
use gongdan::ui::theme::{ColorDepth, Role, Theme, fit_color, nearest_16, parse_color};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier, Style};

fn table(text: &str) -> toml::Table {
    toml::from_str(text).unwrap()
}

#[test]
fn named_hex_and_indexed_colours_with_modifiers() {
    let theme = Theme::from_config(
        &table(
            r##"
selection = { fg = "black", bg = "#87afd7", bold = true }
error = "lightred bold underline"
tags = "#0af"
account = { fg = 33 }
muted = "plain"
[status]
new = "#ff8700 on default reverse"
[priority]
urgent = { fg = "Dark-Gray", dim = true, reverse = true }
"##,
        ),
        ColorDepth::TrueColor,
    )
    .unwrap();
    assert_eq!(
        theme.style(Role::Selection),
        Style::default()
            .fg(Color::Black)
            .bg(Color::Rgb(0x87, 0xaf, 0xd7))
            .add_modifier(Modifier::BOLD)
    );
    assert_eq!(
        theme.style(Role::Error),
        Style::default()
            .fg(Color::LightRed)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    );
    assert_eq!(theme.style(Role::Tags).fg, Some(Color::Rgb(0, 0xaa, 0xff)));
    assert_eq!(theme.style(Role::Account).fg, Some(Color::Indexed(33)));
    // A role given replaces its default entirely: muted was dim.
    assert_eq!(theme.style(Role::Muted), Style::default());
    let new = theme.style(Role::StatusNew);
    assert_eq!(new.fg, Some(Color::Rgb(0xff, 0x87, 0)));
    assert_eq!(new.bg, Some(Color::Reset));
    assert!(new.add_modifier.contains(Modifier::REVERSED));
    let urgent = theme.style(Role::PriorityUrgent);
    assert_eq!(urgent.fg, Some(Color::DarkGray));
    assert!(
        urgent
            .add_modifier
            .contains(Modifier::DIM | Modifier::REVERSED)
    );
    // Roles not given keep the default.
    assert_eq!(
        theme.style(Role::StatusOpen),
        Theme::default().style(Role::StatusOpen)
    );
}

#[test]
fn bad_values_name_the_key_path() {
    let cases = [
        (
            "selecton = \"red\"",
            "theme.selecton",
            "did you mean \"selection\"",
        ),
        ("error = \"redd\"", "theme.error", "unknown colour"),
        ("error = \"red blue\"", "theme.error", "neither a modifier"),
        ("error = \"red on\"", "theme.error", "followed by a colour"),
        ("error = 3", "theme.error", "expected a style"),
        (
            "error = { fg = \"#12345\" }",
            "theme.error.fg",
            "not a hex colour",
        ),
        ("error = { fg = 300 }", "theme.error.fg", "0-255"),
        (
            "error = { bold = \"yes\" }",
            "theme.error.bold",
            "true or false",
        ),
        (
            "error = { blink = true }",
            "theme.error.blink",
            "unknown key",
        ),
        ("status = \"red\"", "theme.status", "expected a table"),
        ("[status]\nnwe = \"red\"", "theme.status.nwe", "status.new"),
        (
            "[priority]\nurgent = \"#zzzzzz\"",
            "theme.priority.urgent",
            "hex",
        ),
    ];
    for (text, path, message) in cases {
        let err = Theme::from_config(&table(text), ColorDepth::TrueColor).unwrap_err();
        assert_eq!(err.path, path, "{text}");
        assert!(err.to_string().contains(message), "{text}: {err}");
        assert!(err.to_string().starts_with(path), "{err}");
    }
    // The same errors in Chinese, the path and the value as written.
    let err = Theme::from_config(&table("error = \"redd\""), ColorDepth::TrueColor).unwrap_err();
    assert_eq!(
        err.text(Lang::Zh),
        "theme.error: 未知的颜色 \"redd\"（颜色名如 red 或 darkgray、\"#rrggbb\" 或 0-255）"
    );
    let err =
        Theme::from_config(&table("[status]\nnwe = \"red\""), ColorDepth::TrueColor).unwrap_err();
    assert_eq!(
        err.text(Lang::Zh),
        "theme.status.nwe: 未知的角色（是不是 \"status.new\"？）"
    );
}

#[test]
fn colour_depth_from_the_environment() {
    use ColorDepth::*;
    let detect =
        |flag, no_color, term, colorterm| ColorDepth::detect(flag, no_color, term, colorterm);
    assert_eq!(
        detect(false, None, Some("xterm-256color"), Some("truecolor")),
        TrueColor
    );
    assert_eq!(
        detect(false, None, Some("xterm-256color"), Some("24bit")),
        TrueColor
    );
    assert_eq!(detect(false, None, Some("xterm-256color"), None), Ansi256);
    assert_eq!(detect(false, None, Some("screen-256color"), None), Ansi256);
    assert_eq!(detect(false, None, Some("tmux-256color"), None), Ansi256);
    assert_eq!(detect(false, None, Some("xterm"), None), Ansi16);
    assert_eq!(detect(false, None, Some("screen"), None), Ansi16);
    assert_eq!(detect(false, None, Some("linux"), None), Ansi16);
    assert_eq!(detect(false, None, None, None), Ansi16);
    assert_eq!(detect(false, None, Some("dumb"), None), Mono);
    assert_eq!(
        detect(false, Some("1"), Some("xterm-256color"), Some("truecolor")),
        Mono
    );
    // An empty NO_COLOR does not count (no-color.org).
    assert_eq!(
        detect(false, Some(""), Some("xterm-256color"), None),
        Ansi256
    );
    assert_eq!(
        detect(true, None, Some("xterm-256color"), Some("truecolor")),
        Mono
    );
}

#[test]
fn hex_falls_back_to_the_nearest_256_and_16_colour() {
    let orange = Color::Rgb(0xff, 0x87, 0x00);
    assert_eq!(fit_color(orange, ColorDepth::TrueColor), Some(orange));
    assert_eq!(
        fit_color(orange, ColorDepth::Ansi256),
        Some(Color::Indexed(208))
    );
    assert_eq!(
        fit_color(Color::Rgb(0x87, 0xaf, 0xd7), ColorDepth::Ansi256),
        Some(Color::Indexed(110))
    );
    assert_eq!(
        fit_color(Color::Rgb(0x80, 0x80, 0x80), ColorDepth::Ansi256),
        Some(Color::Indexed(244))
    );
    assert_eq!(
        fit_color(Color::Rgb(250, 10, 10), ColorDepth::Ansi16),
        Some(Color::LightRed)
    );
    assert_eq!(
        fit_color(Color::Rgb(180, 0, 0), ColorDepth::Ansi16),
        Some(Color::Red)
    );
    assert_eq!(
        fit_color(Color::Rgb(0, 0, 0), ColorDepth::Ansi16),
        Some(Color::Black)
    );
    // A 256-colour index on a 16-colour terminal: 196 is pure red.
    assert_eq!(
        fit_color(Color::Indexed(196), ColorDepth::Ansi16),
        Some(Color::LightRed)
    );
    // Named colours stay as they are; nothing survives without colour.
    assert_eq!(
        fit_color(Color::Green, ColorDepth::Ansi16),
        Some(Color::Green)
    );
    assert_eq!(fit_color(Color::Green, ColorDepth::Mono), None);
    assert_eq!(nearest_16((0xe5, 0xe5, 0xe5)), Color::Gray);
    assert_eq!(parse_color("#fff").unwrap(), Color::Rgb(255, 255, 255));
}

#[test]
fn a_theme_is_fitted_to_the_depth_when_loaded() {
    let text = "[status]\nnew = \"#ff8700 bold\"\n";
    let at = |depth| {
        Theme::from_config(&table(text), depth)
            .unwrap()
            .style(Role::StatusNew)
    };
    assert_eq!(at(ColorDepth::Ansi256).fg, Some(Color::Indexed(208)));
    assert!(matches!(
        at(ColorDepth::Ansi16).fg,
        Some(Color::Yellow | Color::LightRed | Color::Red)
    ));
    let mono = at(ColorDepth::Mono);
    assert_eq!(mono.fg, None);
    assert!(mono.add_modifier.contains(Modifier::BOLD));
    // Without colour the selection is reverse video even when the theme gave colours only.
    let theme = Theme::from_config(
        &table("selection = { fg = \"black\", bg = \"yellow\" }"),
        ColorDepth::Mono,
    )
    .unwrap();
    assert_eq!(
        theme.style(Role::Selection),
        Style::default().add_modifier(Modifier::REVERSED)
    );
}

#[test]
fn the_default_theme_sets_no_background() {
    let theme = Theme::default();
    for role in Role::ALL {
        assert_eq!(theme.style(*role).bg, None, "{role:?}");
    }
    // The example config's [theme] table loads.
    let example: toml::Table = toml::from_str(include_str!("../config.example.toml")).unwrap();
    let theme = example["theme"].as_table().unwrap();
    assert!(!theme.is_empty());
    Theme::from_config(theme, ColorDepth::Ansi256).unwrap();
}

/// The "All" tab with 40 tickets, two of them changed by a refresh.
fn loaded(lang: Lang, settings: Settings) -> App {
    let settings = Settings { lang, ..settings };
    let mut app = App::new(settings, now());
    update(
        &mut app,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    let commands = start(&mut app);
    update(&mut app, Action::SelectView(3));
    let after = answer_page(
        &mut app,
        find(&commands, is_list),
        page((1..=40).map(ticket).collect(), 120, true),
    );
    let mut lookups: Vec<Command> = commands.clone();
    lookups.extend(after);
    answer_lookups(&mut app, &lookups);
    for _ in 0..3 {
        update(&mut app, Action::MoveDown);
    }
    app.views[3].changed.insert(2);
    app
}

fn render(app: &App, theme: Theme) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    terminal
        .draw(|frame| {
            gongdan::ui::draw(frame, app, &mut gongdan::ui::Ui::new(theme));
        })
        .unwrap();
    terminal.backend().buffer().clone()
}

fn row_text(buffer: &Buffer, y: u16) -> String {
    (0..buffer.area.width)
        .map(|x| buffer[(x, y)].symbol())
        .collect()
}

fn no_color_settings() -> Settings {
    Settings {
        color: false,
        ..Settings::default()
    }
}

/// The theme a terminal without colour gets.
fn mono() -> Theme {
    Theme::default().fitted(ColorDepth::Mono)
}

#[test]
fn without_colour_state_is_still_visible() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = loaded(lang, no_color_settings());
        // Mark the selected ticket (Space moves down), and go back to it.
        update(
            &mut app,
            Action::Marks(gongdan::app::marks::MarkAction::Toggle),
        );
        update(&mut app, Action::MoveUp);
        let buffer = render(&app, mono());
        // No colour anywhere.
        for cell in buffer.content() {
            assert!(
                cell.fg == Color::Reset && cell.bg == Color::Reset,
                "a coloured cell {cell:?}"
            );
        }
        // The selection: reverse video and the cursor glyph. Row 2 of the body is ticket 4.
        let selected_y = 2 + 3;
        let all: Vec<String> = (0..buffer.area.height)
            .map(|y| row_text(&buffer, y))
            .collect();
        assert!(row_text(&buffer, selected_y).starts_with(">"), "{all:#?}");
        assert!(
            buffer[(5, selected_y)]
                .modifier
                .contains(Modifier::REVERSED),
            "{all:#?}"
        );
        assert!(
            !buffer[(5, selected_y + 1)]
                .modifier
                .contains(Modifier::REVERSED)
        );
        // A changed row and a marked row: their glyphs. Ticket 2 is the second body row.
        assert_eq!(buffer[(2, 3)].symbol(), "*");
        assert_eq!(buffer[(1, selected_y)].symbol(), "✓");
        assert_eq!(buffer[(1, 3)].symbol(), " ");
        // Status as text.
        // Wide glyphs are followed by a blank cell in the buffer: compare without blanks.
        let screen: String = (0..buffer.area.height)
            .map(|y| row_text(&buffer, y).replace(' ', ""))
            .collect();
        let words = match lang {
            Lang::En => ["new", "open", "pending"],
            Lang::Zh => ["新建", "已开启", "待回应"],
        };
        for word in words {
            assert!(screen.contains(word), "{word} missing");
        }
    }
}

#[test]
fn list_snapshots_in_two_languages_and_without_colour() {
    for (lang, tag) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
        let app = loaded(lang, Settings::default());
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal
            .draw(|frame| {
                gongdan::ui::draw(frame, &app, &mut gongdan::ui::Ui::default());
            })
            .unwrap();
        insta::assert_snapshot!(format!("list_{tag}_80x24"), terminal.backend());
    }
    // With styles: what NO_COLOR draws, cell by cell (modifiers only).
    let app = loaded(Lang::En, no_color_settings());
    let mut buffer = render(&app, mono());
    buffer.resize(ratatui::layout::Rect::new(0, 0, 80, 8));
    insta::assert_debug_snapshot!("list_no_color_en_80x24_top", buffer);
}

#[test]
fn panes_draw_their_styles_from_the_theme() {
    let theme = Theme::from_config(
        &table(
            r##"
selection = "underline"
[status]
new = "#ff0000"
open = "#00ff00"
pending = "#0000ff"
[priority]
urgent = "#ffff00"
"##,
        ),
        ColorDepth::Ansi256,
    )
    .unwrap();
    let app = loaded(Lang::En, Settings::default());
    let buffer = render(&app, theme);
    let colours: Vec<Color> = buffer.content().iter().map(|c| c.fg).collect();
    for wanted in [196u8, 46, 21, 226] {
        assert!(
            colours.contains(&Color::Indexed(wanted)),
            "colour {wanted} not drawn"
        );
    }
    // The selection is underlined, not reversed, as the theme says (on the cursor and the
    // id: the row cache's highlight).
    let selected_y = 2 + 3;
    assert!(
        buffer[(5, selected_y)]
            .modifier
            .contains(Modifier::UNDERLINED)
    );
    assert!(
        !buffer[(5, selected_y)]
            .modifier
            .contains(Modifier::REVERSED)
    );
    // Nothing is drawn in a colour the theme did not give (no literal colours in panes):
    // every coloured cell carries one of the theme's colours or a default role's.
    let default_named = [Color::Red, Color::Green, Color::Magenta, Color::Cyan];
    for cell in buffer.content() {
        let ok = cell.fg == Color::Reset
            || matches!(cell.fg, Color::Indexed(196 | 46 | 21 | 226))
            || default_named.contains(&cell.fg);
        assert!(ok, "unexpected colour {:?}", cell.fg);
        assert_eq!(cell.bg, Color::Reset, "a background was set");
    }
}

/// Every window over the screen draws its frame in the theme's `border`: the `s` menu and
/// the composer's Ctrl-T status menu and Ctrl-G canned replies alike (the composer's two
/// once drew theirs plain, whatever the theme said).
#[test]
fn every_window_frames_itself_in_the_theme_s_border() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let theme = || Theme::from_config(&table("border = \"red\"\n"), ColorDepth::TrueColor).unwrap();
    let key = |app: &mut App, code: KeyCode, modifiers: KeyModifiers| {
        let event = KeyEvent::new(code, modifiers);
        if let Some(action) = gongdan::app::keymap::action_for_key(app, &event) {
            update(app, action);
        }
    };
    // The style of the top-left corner of the window titled `title`: the last `┌` before
    // the title on its row (a pane's own frame may be on screen too).
    let corner = |buffer: &Buffer, title: &str| {
        (0..buffer.area.height).find_map(|y| {
            let symbols: Vec<&str> = (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect();
            let text: String = symbols.concat();
            let at = text.find(&format!(" {title}"))?;
            // Cells up to the title (the title is ASCII: one cell a byte).
            let before = symbols.iter().scan(0, |bytes, s| {
                *bytes += s.len();
                Some(*bytes)
            });
            let cells = before.take_while(|&bytes| bytes <= at).count();
            (0..cells)
                .rev()
                .find(|&x| symbols[x] == "┌")
                .map(|x| buffer[(x as u16, y)].fg)
        })
    };
    let settings = Settings {
        snippets: vec![gongdan::app::snippets::Snippet {
            name: "thanks".into(),
            title: "Thanks".into(),
            body: "Thank you.".into(),
        }],
        ..Settings::default()
    };
    let mut app = loaded(Lang::En, settings);
    key(&mut app, KeyCode::Char('s'), KeyModifiers::NONE);
    assert_eq!(
        corner(&render(&app, theme()), "Set status"),
        Some(Color::Red),
        "the s menu"
    );
    key(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    key(&mut app, KeyCode::Char('r'), KeyModifiers::NONE);
    key(&mut app, KeyCode::Char('t'), KeyModifiers::CONTROL);
    let buffer = render(&app, theme());
    assert_eq!(
        corner(&buffer, "Send and set"),
        Some(Color::Red),
        "the Ctrl-T menu"
    );
    key(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    key(&mut app, KeyCode::Char('g'), KeyModifiers::CONTROL);
    let buffer = render(&app, theme());
    assert_eq!(
        corner(&buffer, "Canned"),
        Some(Color::Red),
        "the Ctrl-G picker"
    );
}
