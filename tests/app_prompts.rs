//! The one-line prompts through the key map and `update`: readline keys, `/` over a
//! search, the history per prompt (kept in state, written through a command), Tab
//! completion and its candidates on the hint line, the attachment path, F1 help.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gongdan::app::composer::{ComposeAction, ComposerMode};
use gongdan::app::keymap::action_for_key;
use gongdan::app::line_edit::{HistoryKind, PromptHistory};
use gongdan::app::state::{Overlay, PromptKind};
use gongdan::app::{Action, App, Command, Pane, update};
use gongdan::lang::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

/// Maps a key through the live map and applies it, as the event loop does.
fn press(app: &mut App, event: KeyEvent) -> Vec<Command> {
    match action_for_key(app, &event) {
        Some(action) => update(app, action),
        None => Vec::new(),
    }
}

fn ctrl(app: &mut App, c: char) -> Vec<Command> {
    press(app, key(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn plain(app: &mut App, code: KeyCode) -> Vec<Command> {
    press(app, key(code, KeyModifiers::NONE))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        plain(app, KeyCode::Char(c));
    }
}

/// The prompt's text and caret (in chars).
fn line(app: &App) -> (String, usize) {
    let prompt = app.prompt.as_ref().expect("a prompt is open");
    (prompt.line.text.clone(), prompt.line.caret)
}

fn s(text: &str, caret: usize) -> (String, usize) {
    (text.to_string(), caret)
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

fn searching(lang: Lang) -> App {
    let mut app = app(lang, 100, 30);
    start(&mut app);
    update(&mut app, Action::StartSearch);
    app
}

#[test]
fn the_readline_keys_edit_the_search_line() {
    let mut app = searching(Lang::En);
    type_text(&mut app, "退款 status:pending");
    assert_eq!(line(&app), s("退款 status:pending", 17));
    ctrl(&mut app, 'a');
    assert_eq!(line(&app).1, 0);
    ctrl(&mut app, 'e');
    assert_eq!(line(&app).1, 17);
    plain(&mut app, KeyCode::Home);
    plain(&mut app, KeyCode::Delete);
    assert_eq!(line(&app), s("款 status:pending", 0));
    ctrl(&mut app, 'd');
    assert_eq!(line(&app), s(" status:pending", 0));
    plain(&mut app, KeyCode::End);
    press(&mut app, key(KeyCode::Char('b'), KeyModifiers::ALT));
    assert_eq!(line(&app).1, 8, "Alt-b: back to the start of `pending`");
    press(&mut app, key(KeyCode::Left, KeyModifiers::CONTROL));
    assert_eq!(line(&app).1, 1, "Ctrl-←: back to the start of `status`");
    press(&mut app, key(KeyCode::Char('f'), KeyModifiers::ALT));
    assert_eq!(line(&app).1, 7, "Alt-f: to the end of `status`");
    press(&mut app, key(KeyCode::Right, KeyModifiers::CONTROL));
    assert_eq!(line(&app).1, 15);
    ctrl(&mut app, 'k');
    assert_eq!(line(&app), s(" status:pending", 15));
    plain(&mut app, KeyCode::Left);
    plain(&mut app, KeyCode::Left);
    ctrl(&mut app, 'k');
    assert_eq!(line(&app), s(" status:pendi", 13));
    press(&mut app, key(KeyCode::Backspace, KeyModifiers::ALT));
    assert_eq!(line(&app), s(" status:", 8));
    type_text(&mut app, "open 退");
    ctrl(&mut app, 'w');
    assert_eq!(line(&app), s(" status:open ", 13));
    ctrl(&mut app, 'w');
    assert_eq!(line(&app), s(" ", 1));
    type_text(&mut app, "abc");
    plain(&mut app, KeyCode::Left);
    ctrl(&mut app, 'u');
    assert_eq!(line(&app), s("c", 0));
    // Plain letters still type (Ctrl and Alt are the commands).
    type_text(&mut app, "ab");
    assert_eq!(line(&app), s("abc", 2));
}

#[test]
fn slash_over_a_search_brings_it_back_with_a_space() {
    let mut app = searching(Lang::En);
    type_text(&mut app, "退款");
    plain(&mut app, KeyCode::Enter);
    assert!(app.prompt.is_none());
    assert_eq!(app.search.as_ref().unwrap().text, "退款");
    plain(&mut app, KeyCode::Char('/'));
    assert_eq!(line(&app), s("退款 ", 3));
    type_text(&mut app, "status:open");
    plain(&mut app, KeyCode::Enter);
    assert_eq!(app.search.as_ref().unwrap().text, "退款 status:open");
    // Ctrl-U clears it for a new search.
    plain(&mut app, KeyCode::Char('/'));
    ctrl(&mut app, 'u');
    assert_eq!(line(&app), s("", 0));
    // Without a search shown, the prompt opens empty.
    plain(&mut app, KeyCode::Esc);
    plain(&mut app, KeyCode::Esc);
    assert!(app.search.is_none());
    plain(&mut app, KeyCode::Char('/'));
    assert_eq!(line(&app), s("", 0));
}

#[test]
fn each_prompt_has_its_own_history_and_what_was_typed_comes_back() {
    let mut app = searching(Lang::En);
    for query in ["one", "two", "two"] {
        type_text(&mut app, query);
        plain(&mut app, KeyCode::Enter);
        plain(&mut app, KeyCode::Char('/'));
        ctrl(&mut app, 'u');
    }
    assert_eq!(
        app.prompt_history.entries(HistoryKind::Search),
        ["one", "two"],
        "no repeats"
    );
    type_text(&mut app, "thr");
    plain(&mut app, KeyCode::Up);
    assert_eq!(line(&app), s("two", 3));
    ctrl(&mut app, 'p');
    assert_eq!(line(&app), s("one", 3));
    plain(&mut app, KeyCode::Up);
    assert_eq!(line(&app).0, "one", "the oldest stays");
    plain(&mut app, KeyCode::Down);
    assert_eq!(line(&app).0, "two");
    ctrl(&mut app, 'n');
    assert_eq!(line(&app), s("thr", 3), "what was typed comes back");
    // The date filter's history is its own.
    plain(&mut app, KeyCode::Esc);
    plain(&mut app, KeyCode::Char('f'));
    assert_eq!(app.prompt.as_ref().unwrap().kind, PromptKind::Filter);
    plain(&mut app, KeyCode::Up);
    assert_eq!(line(&app), s("", 0));
    type_text(&mut app, "created 2024-01-01..");
    plain(&mut app, KeyCode::Enter);
    assert_eq!(
        app.prompt_history.entries(HistoryKind::Filter),
        ["created 2024-01-01.."]
    );
    plain(&mut app, KeyCode::Char('f'));
    plain(&mut app, KeyCode::Up);
    assert_eq!(line(&app).0, "created 2024-01-01..");
    // And the ticket number prompt's.
    plain(&mut app, KeyCode::Esc);
    update(&mut app, Action::StartGoTo);
    assert_eq!(app.prompt.as_ref().unwrap().kind, PromptKind::GoTo);
    type_text(&mut app, "42");
    plain(&mut app, KeyCode::Enter);
    assert_eq!(app.prompt_history.entries(HistoryKind::GoTo), ["42"]);
    update(&mut app, Action::StartGoTo);
    plain(&mut app, KeyCode::Up);
    assert_eq!(line(&app), s("42", 2));
}

#[test]
fn a_search_that_is_refused_is_not_kept() {
    let mut app = searching(Lang::En);
    type_text(&mut app, "createDT>=2024-13-45");
    plain(&mut app, KeyCode::Enter);
    assert!(app.prompt.as_ref().unwrap().error.is_some());
    assert!(app.prompt_history.entries(HistoryKind::Search).is_empty());
}

#[test]
fn the_history_is_written_through_a_command_and_read_back_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(Lang::En, 100, 30);
    app.prompt_history = gongdan::history_files::load(PromptHistory::dir_in(dir.path()));
    start(&mut app);
    update(&mut app, Action::StartSearch);
    type_text(&mut app, "status:open 退款");
    let sent = plain(&mut app, KeyCode::Enter);
    let writes: Vec<_> = sent
        .iter()
        .filter_map(|c| match c {
            Command::SaveHistory { path, text } => Some((path.clone(), text.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(writes.len(), 1, "{sent:?}");
    let (path, text) = &writes[0];
    assert!(path.starts_with(dir.path()), "{path:?}");
    assert!(!path.exists(), "update writes nothing itself");
    gongdan::history_files::save(path, text).unwrap();
    // The next start reads it.
    let mut next = gongdan::app::App::new(Default::default(), now());
    next.prompt_history = gongdan::history_files::load(PromptHistory::dir_in(dir.path()));
    update(&mut next, Action::StartSearch);
    plain(&mut next, KeyCode::Up);
    assert_eq!(line(&next).0, "status:open 退款");
}

#[test]
fn tab_completes_and_lists_the_candidates_on_the_hint_line() {
    let mut app = searching(Lang::En);
    type_text(&mut app, "sta");
    plain(&mut app, KeyCode::Tab);
    assert_eq!(line(&app), s("status:", 7));
    type_text(&mut app, "pe");
    plain(&mut app, KeyCode::Tab);
    assert_eq!(line(&app), s("status:pending", 14));
    type_text(&mut app, " tick");
    plain(&mut app, KeyCode::Tab);
    assert_eq!(line(&app).0, "status:pending ticket");
    let shown = screen(&app);
    assert!(
        shown.contains("Tab cycles: ticketStatus:  ticketType:  ticketSource:  ticketId:"),
        "{shown}"
    );
    plain(&mut app, KeyCode::Tab);
    assert_eq!(line(&app).0, "status:pending ticketStatus:");
    plain(&mut app, KeyCode::Tab);
    assert_eq!(line(&app).0, "status:pending ticketType:");
    // The completed search runs.
    ctrl(&mut app, 'w');
    plain(&mut app, KeyCode::Enter);
    assert_eq!(app.search.as_ref().unwrap().text, "status:pending");
}

#[test]
fn the_hint_names_the_prompt_keys_in_both_languages_and_f1_lists_them() {
    for (lang, words) in [
        (
            Lang::En,
            ["Enter search", "Tab complete", "↑↓ history", "F1 keys"],
        ),
        (Lang::Zh, ["Enter 搜索", "Tab 补全", "↑↓ 历史", "F1 按键"]),
    ] {
        let mut app = searching(lang);
        let shown = screen(&app);
        for word in words {
            assert!(shown.contains(word), "{word}:\n{shown}");
        }
        plain(&mut app, KeyCode::F(1));
        assert!(matches!(
            app.overlay,
            Some(Overlay::Help {
                pane: Pane::Prompt,
                ..
            })
        ));
        let help = screen(&app);
        let expected = match lang {
            Lang::En => ["Ctrl-a Home", "Ctrl-u", "Ctrl-w", "Alt-Backspace", "Tab"],
            Lang::Zh => ["Ctrl-a Home", "Ctrl-u", "Ctrl-w", "Alt-Backspace", "补全"],
        };
        for word in expected {
            assert!(help.contains(word), "{word}:\n{help}");
        }
    }
}

#[test]
fn the_caret_sits_after_wide_characters_by_columns() {
    let mut app = searching(Lang::Zh);
    type_text(&mut app, "退款申请");
    plain(&mut app, KeyCode::Left);
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal
        .draw(|frame| {
            gongdan::ui::draw(frame, &app, &mut gongdan::ui::Ui::default());
        })
        .unwrap();
    let cursor = terminal.get_cursor_position().unwrap();
    // "搜索: " is 6 columns, then three CJK characters of 2.
    assert_eq!(cursor.x, 6 + 6);
}

#[test]
fn the_attachment_path_is_edited_like_a_prompt_with_its_own_history() {
    let mut app = all_tab(Lang::En, 100, 30, 3);
    update(&mut app, Action::Compose(ComposeAction::OpenReply));
    let path = |app: &App| match &app.compose.composer.as_ref().unwrap().mode {
        ComposerMode::AttachPath { line } => (line.text.clone(), line.caret),
        other => panic!("{other:?}"),
    };
    update(&mut app, Action::Compose(ComposeAction::Attach));
    type_text(&mut app, "/tmp/a b.txt");
    ctrl(&mut app, 'w');
    assert_eq!(path(&app), s("/tmp/a ", 7));
    ctrl(&mut app, 'a');
    ctrl(&mut app, 'k');
    type_text(&mut app, "/tmp/report.pdf");
    plain(&mut app, KeyCode::Enter);
    assert_eq!(
        app.prompt_history.entries(HistoryKind::Attach),
        ["/tmp/report.pdf"]
    );
    update(&mut app, Action::Compose(ComposeAction::Attach));
    type_text(&mut app, "x");
    plain(&mut app, KeyCode::Up);
    assert_eq!(path(&app), s("/tmp/report.pdf", 15));
    plain(&mut app, KeyCode::Down);
    assert_eq!(path(&app), s("x", 1));
    assert!(app.prompt_history.entries(HistoryKind::Search).is_empty());
}

#[test]
fn the_bulk_forms_text_row_takes_the_same_line_keys() {
    use gongdan::app::bulk_edit::{BulkAction, FormValue, Stage};
    let mut app = all_tab(Lang::Zh, 100, 30, 3);
    update(&mut app, Action::Bulk(BulkAction::Open));
    // Status, priority, type, assignee, group, CC, tags.
    for _ in 0..6 {
        plain(&mut app, KeyCode::Char('j'));
    }
    plain(&mut app, KeyCode::Char('e'));
    assert_eq!(app.pane(), Pane::BulkText);
    let row = |app: &App| match app.bulk.stage.as_ref().unwrap() {
        Stage::Form(form) => form.editing.as_ref().map(|l| (l.text.clone(), l.caret)),
        other => panic!("{other:?}"),
    };
    type_text(&mut app, "升级 vip客户");
    ctrl(&mut app, 'w');
    assert_eq!(row(&app), Some(s("升级 ", 3)));
    type_text(&mut app, "投诉");
    ctrl(&mut app, 'a');
    plain(&mut app, KeyCode::Right);
    // The caret by columns: "> 标签" and the mode before the text, then 升 (2 columns).
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal
        .draw(|frame| {
            gongdan::ui::draw(frame, &app, &mut gongdan::ui::Ui::default());
        })
        .unwrap();
    let at = terminal.get_cursor_position().unwrap();
    let buffer = terminal.backend().buffer();
    let first = (0..100u16)
        .find(|x| buffer[(*x, at.y)].symbol() == "升")
        .expect("the row being edited is on the caret's line");
    assert_eq!(at.x, first + 2, "after 升, before 级");
    ctrl(&mut app, 'k');
    assert_eq!(row(&app), Some(s("升", 1)));
    ctrl(&mut app, 'u');
    type_text(&mut app, "紧急");
    plain(&mut app, KeyCode::Enter);
    let Some(Stage::Form(form)) = &app.bulk.stage else {
        panic!()
    };
    assert_eq!(form.rows[6].value, FormValue::Text("紧急".into()));
    assert!(form.editing.is_none());
}
