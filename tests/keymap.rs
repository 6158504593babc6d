//! The key map: `[keys]` overrides, errors with the key path, conflicts naming both
//! bindings, two-key sequences with fallback and timeout, help and hints generated from the
//! live map, and arrows that cannot be unbound.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gongdan::app::keymap::{KeyInput, KeyMap, Keys, action_for_key};
use gongdan::app::{Action, App, Pane, Settings, update};
use gongdan::lang::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn keys(text: &str) -> toml::Table {
    toml::from_str(text).unwrap()
}

fn app_with(map: KeyMap, lang: Lang) -> App {
    let settings = Settings {
        lang,
        keymap: Arc::new(map),
        ..Settings::default()
    };
    let mut app = App::new(settings, now());
    update(
        &mut app,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    app
}

fn char_key(c: char) -> KeyEvent {
    let mods = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    KeyEvent::new(KeyCode::Char(c), mods)
}

fn code(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Maps a key and applies the action, as the event loop does.
fn press(app: &mut App, event: KeyEvent) -> Option<Action> {
    let action = action_for_key(app, &event);
    if let Some(action) = action.clone() {
        update(app, action);
    }
    action
}

#[test]
fn an_override_replaces_the_default_keys_of_that_action() {
    let map = KeyMap::from_config(&keys(
        "[list]\nquit = [\"x\", \"ctrl-c\"]\nopen = \"o\"\nsort_field = \"S\"\n",
    ))
    .unwrap();
    assert!(map.conflicts.is_empty(), "{:?}", map.conflicts);
    let app = app_with(map, Lang::En);
    assert_eq!(action_for_key(&app, &char_key('x')), Some(Action::Quit));
    // q no longer quits: its binding was replaced.
    assert_eq!(action_for_key(&app, &char_key('q')), None);
    assert_eq!(action_for_key(&app, &char_key('o')), Some(Action::Open));
    assert_eq!(action_for_key(&app, &code(KeyCode::Enter)), None);
    assert_eq!(
        action_for_key(&app, &char_key('S')),
        Some(Action::CycleSortField)
    );
    // Other panes keep their defaults.
    let keymap = &app.settings.keymap;
    assert_eq!(
        keymap.first_label(Pane::Detail, "back").as_deref(),
        Some("Esc")
    );
}

#[test]
fn an_empty_list_unbinds_but_arrows_stay() {
    let map = KeyMap::from_config(&keys(
        "[list]\nmove_down = []\nmove_up = \"ctrl-p\"\n[prompt]\ncursor_left = []\n",
    ))
    .unwrap();
    let mut app = app_with(map, Lang::En);
    assert_eq!(action_for_key(&app, &char_key('j')), None);
    assert_eq!(action_for_key(&app, &char_key('k')), None);
    assert_eq!(
        action_for_key(&app, &code(KeyCode::Down)),
        Some(Action::MoveDown)
    );
    assert_eq!(
        action_for_key(&app, &code(KeyCode::Up)),
        Some(Action::MoveUp)
    );
    let ctrl_p = KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL);
    assert_eq!(action_for_key(&app, &ctrl_p), Some(Action::MoveUp));
    update(&mut app, Action::StartSearch);
    assert_eq!(
        action_for_key(&app, &code(KeyCode::Left)),
        Some(Action::InputLeft)
    );
}

#[test]
fn arrows_cannot_be_taken_by_another_action() {
    let map = KeyMap::from_config(&keys("[list]\nopen = [\"down\", \"enter\"]\n")).unwrap();
    let app = app_with(map.clone(), Lang::En);
    assert_eq!(
        action_for_key(&app, &code(KeyCode::Down)),
        Some(Action::MoveDown)
    );
    assert_eq!(
        action_for_key(&app, &code(KeyCode::Enter)),
        Some(Action::Open)
    );
    assert_eq!(map.conflicts.len(), 1, "{:?}", map.conflicts);
    let text = map.conflicts[0].to_string();
    assert!(
        text.contains("keys.list.move_down = \"↓\" (fixed)"),
        "{text}"
    );
    assert!(text.contains("keys.list.open = \"↓\" (config)"), "{text}");
}

#[test]
fn a_conflict_names_both_bindings_and_the_config_wins() {
    let map = KeyMap::from_config(&keys("[list]\nopen = \"j\"\n")).unwrap();
    assert_eq!(map.conflicts.len(), 1, "{:?}", map.conflicts);
    let conflict = &map.conflicts[0];
    assert_eq!(conflict.kept.action, "open");
    assert_eq!(conflict.dropped.action, "move_down");
    let en = conflict.describe(Lang::En);
    assert!(en.contains("keys.list.open = \"j\" (config)"), "{en}");
    assert!(en.contains("keys.list.move_down = \"j\" (default)"), "{en}");
    let zh = conflict.describe(Lang::Zh);
    assert!(zh.contains("按键冲突"), "{zh}");
    let app = app_with(map, Lang::En);
    assert_eq!(action_for_key(&app, &char_key('j')), Some(Action::Open));
    // The conflict shows in the status line at start, as the console passes it.
    let settings = Settings {
        startup_notice: Some(gongdan::app::notice::Note::Startup {
            first: app.settings.keymap.conflicts[0].describe(Lang::En),
            more: 0,
        }),
        ..app.settings.clone()
    };
    let app = App::new(settings, now());
    let mut terminal = Terminal::new(TestBackend::new(160, 24)).unwrap();
    terminal
        .draw(|frame| {
            gongdan::ui::draw(frame, &app, &mut gongdan::ui::Ui::default());
        })
        .unwrap();
    let screen = format!("{}", terminal.backend());
    assert!(screen.contains("Key conflict"), "{screen}");
}

#[test]
fn two_config_bindings_on_one_key_conflict() {
    let map = KeyMap::from_config(&keys("[list]\nreload = \"x\"\nsearch = \"x\"\n")).unwrap();
    assert_eq!(map.conflicts.len(), 1, "{:?}", map.conflicts);
    let text = map.conflicts[0].to_string();
    assert!(text.contains("keys.list.search = \"x\" (config)"), "{text}");
    assert!(text.contains("keys.list.reload = \"x\" (config)"), "{text}");
}

#[test]
fn a_sequence_whose_first_key_is_bound_alone_is_a_conflict() {
    // `o` is sort_field by default; `o o` for open cannot work while `o` fires at once.
    let map = KeyMap::from_config(&keys("[list]\nopen = \"o o\"\n")).unwrap();
    assert_eq!(map.conflicts.len(), 1, "{:?}", map.conflicts);
    let text = map.conflicts[0].to_string();
    assert!(text.contains("\"o o\""), "{text}");
    assert!(text.contains("keys.list.sort_field = \"o\""), "{text}");
    // And the other way round: a single key on the first key of a sequence.
    let map = KeyMap::from_config(&keys("[list]\nreload = \"g\"\n")).unwrap();
    assert_eq!(map.conflicts.len(), 1, "{:?}", map.conflicts);
    let text = map.conflicts[0].to_string();
    assert!(text.contains("keys.list.reload = \"g\" (config)"), "{text}");
    assert!(text.contains("keys.list.top = \"g g\" (default)"), "{text}");
}

#[test]
fn sequences_wait_for_the_second_key() {
    let map = KeyMap::from_config(&keys("[list]\nreload = \"z r\"\n")).unwrap();
    assert!(map.conflicts.is_empty(), "{:?}", map.conflicts);
    let mut app = app_with(map, Lang::En);
    // g g: the default top.
    assert_eq!(
        press(&mut app, char_key('g')),
        Some(Action::Keys(KeyInput::Prefix(
            gongdan::app::keymap::Key::parse("g").unwrap()
        )))
    );
    assert!(app.key_pending.is_some());
    assert_eq!(press(&mut app, char_key('g')), Some(Action::Top));
    assert!(app.key_pending.is_none());
    // z r: the rebound reload; R alone no longer reloads.
    press(&mut app, char_key('z'));
    assert_eq!(press(&mut app, char_key('r')), Some(Action::Reload));
    assert_eq!(action_for_key(&app, &char_key('R')), None);
}

#[test]
fn a_non_matching_key_falls_back_to_its_own_binding() {
    let mut app = app_with(KeyMap::default(), Lang::En);
    press(&mut app, char_key('g'));
    // g j: no such sequence; j does what j does, and the pending g is gone.
    assert_eq!(press(&mut app, char_key('j')), Some(Action::MoveDown));
    assert!(app.key_pending.is_none());
    // g x: x means nothing; the pending g is dropped, so a later g starts afresh.
    press(&mut app, char_key('g'));
    assert_eq!(
        press(&mut app, char_key('x')),
        Some(Action::Keys(KeyInput::Cancel))
    );
    assert!(app.key_pending.is_none());
    assert!(matches!(
        press(&mut app, char_key('g')),
        Some(Action::Keys(KeyInput::Prefix(_)))
    ));
}

#[test]
fn a_pending_key_times_out_on_ticks() {
    let mut app = app_with(KeyMap::default(), Lang::En);
    press(&mut app, char_key('g'));
    // A tick before the timeout keeps it; worker results and ticks do not cancel it.
    update(
        &mut app,
        Action::Tick {
            now: now() + chrono::Duration::milliseconds(400),
        },
    );
    assert!(app.key_pending.is_some());
    update(
        &mut app,
        Action::Tick {
            now: now() + chrono::Duration::milliseconds(1200),
        },
    );
    assert!(app.key_pending.is_none());
    // After the timeout, g starts a new sequence instead of completing the old one.
    assert!(matches!(
        press(&mut app, char_key('g')),
        Some(Action::Keys(KeyInput::Prefix(_)))
    ));
}

#[test]
fn errors_name_the_key_path() {
    let err = KeyMap::from_config(&keys("[list]\nopne = \"o\"\n")).unwrap_err();
    assert_eq!(err.path, "keys.list.opne");
    assert!(err.to_string().contains("did you mean \"open\""), "{err}");
    let err = KeyMap::from_config(&keys("[lst]\nopen = \"o\"\n")).unwrap_err();
    assert_eq!(err.path, "keys.lst");
    assert!(err.to_string().contains("\"list\""), "{err}");
    let err = KeyMap::from_config(&keys("[list]\nopen = \"entr\"\n")).unwrap_err();
    assert_eq!(err.path, "keys.list.open");
    assert!(err.to_string().contains("unknown key name"), "{err}");
    let err = KeyMap::from_config(&keys("[list]\nquit = [\"q\", \"hyper-q\"]\n")).unwrap_err();
    assert_eq!(err.path, "keys.list.quit[1]");
    let err = KeyMap::from_config(&keys("[list]\nquit = 3\n")).unwrap_err();
    assert_eq!(err.path, "keys.list.quit");
    let err = KeyMap::from_config(&keys("[list]\ntop = \"g g g\"\n")).unwrap_err();
    assert!(err.to_string().contains("sequence of two"), "{err}");
    // An action of another pane is unknown in this one.
    let err = KeyMap::from_config(&keys("[detail]\nsearch = \"/\"\n")).unwrap_err();
    assert_eq!(err.path, "keys.detail.search");
}

#[test]
fn errors_are_worded_in_either_language_from_the_table() {
    let err = KeyMap::from_config(&keys("[list]\nopne = \"o\"\n")).unwrap_err();
    assert_eq!(
        err.text(Lang::En),
        "keys.list.opne: unknown action in list (did you mean \"open\"?)"
    );
    assert_eq!(err.to_string(), err.text(Lang::En));
    assert_eq!(
        err.text(Lang::Zh),
        "keys.list.opne: list 里没有这个动作（是不是 \"open\"？）"
    );
    let err = KeyMap::from_config(&keys("[list]\nopen = [\"enter\", \"entr\"]\n")).unwrap_err();
    assert_eq!(err.text(Lang::Zh), "keys.list.open[1]: 未知的键名 \"entr\"");
    let err = KeyMap::from_config(&keys("[list]\ntop = \"g g g\"\n")).unwrap_err();
    assert_eq!(
        err.text(Lang::Zh),
        "keys.list.top: \"g g g\" 有 3 个键：一个绑定只能是一个键或两个键的序列"
    );
}

#[test]
fn help_and_hints_follow_a_rebinding() {
    let map = KeyMap::from_config(&keys(
        "[list]\nhelp = \"F1\"\nsearch = \"ctrl-s\"\ntop = [\"t t\", \"home\"]\n",
    ))
    .unwrap();
    let rows = map.help_words(Pane::List, Lang::En);
    assert!(
        rows.iter()
            .any(|(k, text)| k == "F1" && *text == "Key help"),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|(k, text)| k == "Ctrl-s" && *text == "Search"),
        "{rows:?}"
    );
    assert!(rows.iter().any(|(k, _)| k == "t t Home"), "{rows:?}");
    assert!(!rows.iter().any(|(k, _)| k == "?" || k == "/"), "{rows:?}");

    // The overlay and the status bar, drawn.
    let mut app = app_with(map, Lang::En);
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal
        .draw(|frame| {
            gongdan::ui::draw(frame, &app, &mut gongdan::ui::Ui::default());
        })
        .unwrap();
    let bar = format!("{}", terminal.backend());
    let status_line = bar.lines().last().unwrap().to_string();
    assert!(status_line.contains("F1=Key help"), "{status_line}");
    assert!(status_line.contains("Ctrl-s=Search"), "{status_line}");
    assert!(!status_line.contains("?="), "{status_line}");
    update(&mut app, Action::ToggleHelp);
    terminal
        .draw(|frame| {
            gongdan::ui::draw(frame, &app, &mut gongdan::ui::Ui::default());
        })
        .unwrap();
    insta::assert_snapshot!("help_rebound_en_100x30", terminal.backend());
}

#[test]
fn messages_that_name_a_key_follow_the_rebinding() {
    let map = KeyMap::from_config(&keys("[list]\nreload = \"F5\"\n")).unwrap();
    let text = gongdan::words::api_error(
        Lang::En,
        &gongdan::api::ApiError::Network(gongdan::api::NetworkError::Timeout),
    );
    assert_eq!(
        map.expand(&text),
        "The server did not answer in time; press F5 to retry"
    );
}

#[test]
fn keys_parse_like_they_are_shown() {
    for (text, label) in [
        ("j", "j"),
        ("G", "G"),
        ("ctrl-d", "Ctrl-d"),
        ("C-d", "Ctrl-d"),
        ("alt-x", "Alt-x"),
        ("enter", "Enter"),
        ("Esc", "Esc"),
        ("space", "Space"),
        ("shift-tab", "Shift-Tab"),
        ("pgdn", "PgDn"),
        ("PageUp", "PgUp"),
        ("f12", "F12"),
        ("g g", "g g"),
        ("up", "↑"),
    ] {
        assert_eq!(Keys::parse(text).unwrap().label(), label, "{text}");
    }
}

#[test]
fn the_example_config_documents_every_action_and_loads() {
    let example = include_str!("../config.example.toml");
    let documented: String = example
        .lines()
        .skip_while(|line| !line.starts_with("# Actions per pane"))
        .take_while(|line| line.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    for def in gongdan::app::keymap::definitions() {
        let pane = gongdan::app::keymap::pane_name(def.pane);
        let line = documented
            .lines()
            .skip_while(|l| !l.contains(&format!("{pane}:")))
            .take_while(|l| l.contains(&format!("{pane}:")) || !l.contains(':'))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            line.split_whitespace().any(|word| word == def.name),
            "config.example.toml does not list {pane}.{}",
            def.name
        );
        // Each action with its default keys, written as in the [keys] table.
        let defaults: Vec<String> = def.defaults.iter().map(|k| format!("\"{k}\"")).collect();
        let entry = format!("{} [{}]", def.name, defaults.join(", "));
        assert!(
            line.contains(&entry),
            "config.example.toml does not give {pane}.{} its defaults: want `{entry}`",
            def.name
        );
    }
    let table: toml::Table = toml::from_str(example).unwrap();
    let map = KeyMap::from_config(table["keys"].as_table().unwrap()).unwrap();
    assert!(map.conflicts.is_empty(), "{:?}", map.conflicts);
}

mod glued_escape {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use gongdan::app::keymap::split_glued_escape;

    fn alt(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT)
    }

    #[test]
    fn an_unbound_alt_key_is_esc_then_the_key() {
        let app = common::app(gongdan::lang::Lang::En, 100, 30);
        let (esc, key) = split_glued_escape(&app, &alt('q')).expect("split");
        assert_eq!(esc.code, KeyCode::Esc);
        assert_eq!(key, KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE));
        // Shift stays with the key (Esc then G).
        let (_, key) = split_glued_escape(
            &app,
            &KeyEvent::new(KeyCode::Char('G'), KeyModifiers::ALT | KeyModifiers::SHIFT),
        )
        .expect("split");
        assert_eq!(key.modifiers, KeyModifiers::SHIFT);
        // Plain keys, Ctrl-Alt keys and Esc itself are never split.
        assert!(
            split_glued_escape(&app, &KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE))
                .is_none()
        );
        assert!(
            split_glued_escape(
                &app,
                &KeyEvent::new(
                    KeyCode::Char('q'),
                    KeyModifiers::ALT | KeyModifiers::CONTROL
                )
            )
            .is_none()
        );
    }

    #[test]
    fn an_alt_key_the_composer_uses_stays_an_alt_key() {
        let mut app = common::app(gongdan::lang::Lang::En, 100, 30);
        let commands = gongdan::app::update(&mut app, gongdan::app::Action::Start);
        gongdan::app::update(&mut app, gongdan::app::Action::SelectView(3));
        common::answer_page(
            &mut app,
            common::find(&commands, common::is_list),
            common::page((1..=3).map(common::ticket).collect(), 3, false),
        );
        let r = KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE);
        let action = gongdan::app::keymap::action_for_key(&app, &r).unwrap();
        gongdan::app::update(&mut app, action);
        assert_eq!(app.pane(), gongdan::app::state::Pane::Composer);
        // Alt-b is a word move of the editor.
        assert!(split_glued_escape(&app, &alt('b')).is_none());
        // Alt-q and Alt-s mean nothing there: Esc (close, keeping the draft), then the key.
        // Nothing in the composer that sends is bound to an Alt key: a fast Esc then `s`
        // (the ticket's status menu) must never send a half-written reply.
        assert!(split_glued_escape(&app, &alt('q')).is_some());
        assert!(split_glued_escape(&app, &alt('s')).is_some());
        let keymap = gongdan::app::keymap::KeyMap::shared_default();
        for pane in [
            gongdan::app::state::Pane::Composer,
            gongdan::app::state::Pane::NewTicket,
        ] {
            for c in 'a'..='z' {
                let action =
                    keymap.resolve(pane, None, gongdan::app::keymap::Key::from_event(&alt(c)));
                assert!(
                    matches!(action, gongdan::app::keymap::Resolution::None),
                    "{pane:?}: Alt-{c} is bound"
                );
            }
        }
    }
}
