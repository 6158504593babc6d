//! Terminal fit: the "terminal too small" notice below 40×10 (and no panic down to 1×1), the
//! built binary on a pty with each TERM it must work with (colour depth fallbacks seen on the
//! emulated screen), without colour, and inside tmux.

#![allow(clippy::unwrap_used)]

mod common;
mod pty;

use common::*;
use gongdan::app::{Action, App, update};
use gongdan::lang::Lang;
use gongdan::ui::{MIN_HEIGHT, MIN_WIDTH};
use pty::Session;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn screen_at(lang: Lang, width: u16, height: u16) -> String {
    let mut app: App = app(lang, width, height);
    let commands = start(&mut app);
    answer_page(
        &mut app,
        find(&commands, is_search_for("1")),
        page((1..=5).map(ticket).collect(), 5, false),
    );
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| {
            gongdan::ui::draw(frame, &app, &mut gongdan::ui::Ui::default());
        })
        .unwrap();
    // Wide glyphs leave a blank cell after them: compare without blanks.
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| {
            (0..width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn below_40_by_10_a_notice_replaces_the_layout_and_nothing_panics() {
    for lang in [Lang::En, Lang::Zh] {
        for height in 1..=MIN_HEIGHT + 2 {
            for width in 1..=MIN_WIDTH + 2 {
                let screen = screen_at(lang, width, height);
                let compact = screen.replace([' ', '\n'], "");
                let small = width < MIN_WIDTH || height < MIN_HEIGHT;
                let (title, need) = match lang {
                    Lang::En => ("Terminaltoosmall", "needsatleast40×10"),
                    Lang::Zh => ("终端太小", "至少需要40×10"),
                };
                if small {
                    assert!(!compact.contains("ID"), "{width}x{height}: {screen}");
                    // Where the notice has room, it says what is needed and what there is.
                    if width >= 24 && height >= 3 {
                        assert!(compact.contains(title), "{width}x{height}:\n{screen}");
                        assert!(compact.contains(need), "{width}x{height}:\n{screen}");
                        assert!(
                            compact.contains(&format!("{width}×{height}")),
                            "{width}x{height}:\n{screen}"
                        );
                    }
                } else {
                    assert!(!compact.contains(title), "{width}x{height}:\n{screen}");
                    let header = match lang {
                        Lang::En => "ID",
                        Lang::Zh => "编号",
                    };
                    assert!(compact.contains(header), "{width}x{height}:\n{screen}");
                }
            }
        }
    }
}

#[test]
fn a_resize_below_the_minimum_and_back_restores_the_list() {
    let mut app = app(Lang::En, 80, 24);
    start(&mut app);
    for (width, height) in [(30, 8), (1, 1), (0, 0), (80, 24)] {
        update(&mut app, Action::Resize { width, height });
        let mut terminal = Terminal::new(TestBackend::new(width.max(1), height.max(1))).unwrap();
        terminal
            .draw(|frame| {
                gongdan::ui::draw(frame, &app, &mut gongdan::ui::Ui::default());
            })
            .unwrap();
    }
    let screen = screen_at(Lang::En, 80, 24);
    assert!(screen.contains("Status"), "{screen}");
}

#[test]
fn too_small_snapshots() {
    for (lang, tag) in [(Lang::En, "en"), (Lang::Zh, "zh")] {
        let app = app(lang, 30, 6);
        let mut terminal = Terminal::new(TestBackend::new(30, 6)).unwrap();
        terminal
            .draw(|frame| {
                gongdan::ui::draw(frame, &app, &mut gongdan::ui::Ui::default());
            })
            .unwrap();
        insta::assert_snapshot!(format!("too_small_{tag}_30x6"), terminal.backend());
    }
}

// ---- the binary on a pty ----

/// A config whose theme gives the "new" status an orange no 16-colour palette has.
fn orange_config(dir: &std::path::Path) -> String {
    let path = dir.join("config.toml");
    std::fs::write(&path, "[theme.status]\nnew = \"#ff8700 bold\"\n").unwrap();
    path.display().to_string()
}

/// The colours used on screen.
fn colours(screen: &vt100::Screen) -> Vec<vt100::Color> {
    let (rows, cols) = screen.size();
    let mut out = Vec::new();
    for row in 0..rows.get() {
        for col in 0..cols.get() {
            if let Some(cell) = screen.cell(row, col) {
                out.push(cell.fgcolor());
                out.push(cell.bgcolor());
            }
        }
    }
    out
}

#[test]
fn every_term_draws_the_list_at_80x24_with_its_colour_depth() {
    let dir = tempfile::tempdir().unwrap();
    let config = orange_config(dir.path());
    let cases: [(&str, Option<&str>, vt100::Color); 6] = [
        ("xterm", None, vt100::Color::Idx(3)),
        ("linux", None, vt100::Color::Idx(3)),
        ("xterm-256color", None, vt100::Color::Idx(208)),
        ("screen-256color", None, vt100::Color::Idx(208)),
        ("tmux-256color", None, vt100::Color::Idx(208)),
        (
            "xterm-256color",
            Some("truecolor"),
            vt100::Color::Rgb(0xff, 0x87, 0x00),
        ),
    ];
    for (term, colorterm, orange) in cases {
        let mut env = vec![("TERM", term)];
        if let Some(colorterm) = colorterm {
            env.push(("COLORTERM", colorterm));
        }
        let mut session = Session::spawn_sized(&["--demo", "--config", &config], &env, 24, 80);
        session.wait_first_list();
        // The whole frame: its last line (the status bar) is there too.
        session.wait_for("a new ticket in orange", |s| {
            s.contents().contains(" new ")
                && s.contents().contains("?=Key help")
                && colours(s).contains(&orange)
        });
        let screen = session.parser.screen().clone();
        let all = colours(&screen);
        if colorterm.is_none() {
            assert!(
                !all.iter().any(|c| matches!(c, vt100::Color::Rgb(..))),
                "{term}: a true colour was sent"
            );
        }
        if !term.contains("256") {
            assert!(
                !all.iter()
                    .any(|c| matches!(c, vt100::Color::Idx(n) if *n >= 16)),
                "{term}: a 256-colour index was sent"
            );
        }
        // The status bar and the tabs fit at 80 columns.
        let text = screen.contents();
        assert!(text.contains("?=Key help"), "{term}:\n{text}");
        assert!(text.contains("1 New"), "{term}:\n{text}");
        session.send("q");
        let (ok, screen) = session.wait_exit();
        assert!(ok, "{term}");
        assert!(!screen.alternate_screen(), "{term}");
    }
}

#[test]
fn no_color_keeps_state_visible_on_a_real_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let config = orange_config(dir.path());
    for (args, env) in [
        (
            vec!["--demo", "--config", config.as_str()],
            vec![("NO_COLOR", "1"), ("COLORTERM", "truecolor")],
        ),
        (
            vec!["--demo", "--no-color", "--config", config.as_str()],
            vec![],
        ),
    ] {
        let mut session = Session::spawn_sized(&args, &env, 24, 80);
        session.wait_first_list();
        session.send("j");
        session.wait_for("the second row selected", |s| {
            s.contents()
                .lines()
                .position(|l| l.starts_with('>'))
                .is_some_and(|row| row == 3)
                // Column 4: the id, inside the cursor-and-id cells the selection styles.
                && s.cell(3, 4).is_some_and(|c| c.inverse())
                && s.cell(2, 4).is_some_and(|c| !c.inverse())
        });
        let screen = session.parser.screen().clone();
        assert!(
            colours(&screen).iter().all(|c| *c == vt100::Color::Default),
            "a colour was sent without colour"
        );
        // The selected row is in reverse video on the cursor and the id (perf: the highlight
        // covers no more); statuses are words.
        let row = 3;
        assert!(screen.cell(row, 4).unwrap().inverse());
        assert!(!screen.cell(row + 1, 4).unwrap().inverse());
        assert!(screen.contents().contains(" new "));
        session.send("q");
        let (ok, _) = session.wait_exit();
        assert!(ok);
    }
}

#[test]
fn works_inside_tmux() {
    let Some(tmux) = tmux_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("tmux.sock");
    let socket = socket.display().to_string();
    let binary = env!("CARGO_BIN_EXE_gongdan");
    let mut session = Session::spawn_program(
        &tmux,
        &[
            "-S",
            &socket,
            "-f",
            "/dev/null",
            "new-session",
            "-x",
            "100",
            "-y",
            "30",
            binary,
            "--demo",
        ],
        &[],
        30,
        100,
    );
    // tmux draws its own status line; the console is in the window above it.
    session.wait_for("the list inside tmux", |s| {
        s.contents().lines().any(|l| l.starts_with('>')) && s.contents().contains("?=Key help")
    });
    session.send("j");
    session.wait_for("the selection to move", |s| {
        s.contents()
            .lines()
            .position(|l| l.starts_with('>'))
            .is_some_and(|row| row == 3)
    });
    session.send("q");
    let (ok, _) = session.wait_exit();
    assert!(ok, "tmux did not end cleanly");
    // The server goes away with its last session; make sure it does.
    let _ = std::process::Command::new(&tmux)
        .args(["-S", &socket, "kill-server"])
        .output();
}

/// tmux, or None (loudly) outside CI: `.ci/run` installs it, so under `CI` a missing tmux
/// fails the test rather than passing it unchecked.
fn tmux_or_skip() -> Option<String> {
    let on_path = std::env::var_os("PATH")
        .map(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join("tmux"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let found = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"]
        .into_iter()
        .map(std::path::PathBuf::from)
        .chain(on_path)
        .find(|path| path.is_file())
        .map(|path| path.display().to_string());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is missing in CI: .ci/run must install tmux"
        );
        eprintln!(
            "\n\n!!! SKIPPED works_inside_tmux: no tmux here (apt-get install -y tmux) !!!\n\n"
        );
    }
    found
}

/// The first screen line at `width`×24 with `label` as the account.
fn tab_line(label: &str, width: u16) -> String {
    let mut app: App = app(Lang::En, width, 24);
    app.settings.account_label = label.to_string();
    start(&mut app);
    let mut terminal = Terminal::new(TestBackend::new(width, 24)).unwrap();
    terminal
        .draw(|frame| {
            gongdan::ui::draw(frame, &app, &mut gongdan::ui::Ui::default());
        })
        .unwrap();
    let buffer = terminal.backend().buffer();
    (0..width).map(|x| buffer[(x, 0)].symbol()).collect()
}

#[test]
fn the_profile_and_host_stay_on_the_tab_line_at_80_columns() {
    // Whole when it fits.
    let line = tab_line("work: agent@10.0.0.1", 80);
    assert!(line.contains(" 4 All (…) "), "{line}");
    assert!(line.trim_end().ends_with("work: agent@10.0.0.1"), "{line}");
    // Too long beside the four tabs: the login gives way, the profile and host stay, and
    // the tabs are whole.
    let line = tab_line("work: zhangsan@example.com@hd.example.com:8443", 80);
    assert!(line.contains(" 4 All (…) "), "{line}");
    assert!(
        line.trim_end().ends_with("work: …@hd.example.com:8443"),
        "{line}"
    );
    // Even longer: the host's end still shows, the tabs are cut.
    let host = "a-very-long-internal-helpdesk-name.support.example.com:8443";
    let line = tab_line(&format!("work: zhangsan@example.com@{host}"), 80);
    assert!(line.trim_end().ends_with("example.com:8443"), "{line}");
    assert!(line.starts_with(" 1 New"), "{line}");
    assert_eq!(line.chars().count(), 80, "{line}");
    // A label whose one `@` is not before a host is never elided to a wrong host: it is
    // whole, and the tabs give way.
    let line = tab_line("demo: administrator@example.com", 80);
    assert!(
        line.trim_end().ends_with("demo: administrator@example.com"),
        "{line}"
    );
}

#[test]
fn the_help_says_how_many_keys_are_below_until_the_last_one_shows() {
    let mut app: App = app(Lang::En, 80, 24);
    start(&mut app);
    update(&mut app, Action::ToggleHelp);
    let draw = |app: &App| {
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal
            .draw(|frame| {
                gongdan::ui::draw(frame, app, &mut gongdan::ui::Ui::default());
            })
            .unwrap();
        format!("{}", terminal.backend())
    };
    let screen = draw(&app);
    assert!(screen.contains(" more (j/↓) "), "{screen}");
    assert!(!screen.contains("Quit now"), "{screen}");
    update(&mut app, Action::Bottom);
    let screen = draw(&app);
    assert!(!screen.contains(" more ("), "{screen}");
    // The last key sits on the frame's last row, not above a blank one.
    let last = screen
        .lines()
        .position(|line| line.contains("Quit now"))
        .expect("the last key shows");
    assert!(
        screen.lines().nth(last + 1).unwrap().contains('└'),
        "{screen}"
    );
}
