//! The key map beyond the list: the bulk pane's stages (form, text row, preview, gauge,
//! result), the history (`H`), the resume offer at start, the sign-in prompt, the composer's
//! small windows and the new-ticket form. Overrides take effect, conflicts name both
//! bindings, plain characters keep typing where text is typed, and the hint lines and the
//! help overlay (`?`) are generated from the live map (TestBackend snapshots).

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gongdan::app::bulk_edit::{BulkAction, BulkCommand, HistoryRow, RunView, Stage};
use gongdan::app::composer::{ComposeAction, ComposerMode};
use gongdan::app::faults::{FaultAction, SignIn};
use gongdan::app::keymap::{KeyInput, KeyMap, action_for_key};
use gongdan::app::marks::MarkAction;
use gongdan::app::state::Overlay;
use gongdan::app::{Action, App, Command, Pane, Settings, update};
use gongdan::bulk::{RunKind, RunState};
use gongdan::config::Secret;
use gongdan::lang::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn map(text: &str) -> KeyMap {
    KeyMap::from_config(&toml::from_str(text).unwrap()).unwrap()
}

/// An English admin app with the given key map, 5 tickets on the "All" tab and an empty
/// journal (no resume offer).
fn loaded(map: KeyMap, width: u16, height: u16) -> App {
    let settings = Settings {
        lang: Lang::En,
        account_label: "admin@127.0.0.1".into(),
        keymap: Arc::new(map),
        ..Settings::default()
    };
    let mut app = App::new(settings, now());
    update(&mut app, Action::Resize { width, height });
    let commands = show_all_tab(&mut app, page((1..=5).map(ticket).collect(), 5, false));
    answer_empty_history(&mut app, &commands);
    app
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ch(c: char) -> KeyEvent {
    let mods = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    KeyEvent::new(KeyCode::Char(c), mods)
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// Maps a key and applies the action, as the event loop does.
fn press(app: &mut App, event: KeyEvent) -> Option<Action> {
    let action = action_for_key(app, &event);
    if let Some(action) = action.clone() {
        update(app, action);
    }
    action
}

fn bulk(action: BulkAction) -> Option<Action> {
    Some(Action::Bulk(action))
}

fn screen(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| {
            gongdan::ui::draw(frame, app, &mut gongdan::ui::Ui::default());
        })
        .unwrap();
    terminal
}

fn text(app: &App) -> String {
    format!("{}", screen(app, app.width, app.height).backend())
}

/// A run of 3 tickets: all left when `resumable`, else all done.
fn row(run_id: &str, state: RunState, resumable: bool) -> HistoryRow {
    let row = history_row(run_id, state, 3, if resumable { 0 } else { 3 });
    assert_eq!(row.resumable(), resumable);
    row
}

fn history(app: &mut App) {
    app.bulk.stage = Some(Stage::History {
        request: None,
        runs: vec![
            row("20261129-050000-0001", RunState::Interrupted, true),
            row("20261128-050000-0002", RunState::Complete, false),
        ],
        problems: vec![],
        selected: 0,
        error: None,
    });
}

fn result(app: &mut App) {
    app.bulk.stage = Some(Stage::Result(RunView {
        request: gongdan::app::RequestId(900),
        kind: RunKind::Change,
        total: 0,
        progress: None,
        checking: None,
        cancelling: false,
        call_failures: vec![],
        report: None,
        error: None,
        scroll: 0,
        auth_refused: false,
    }));
}

/// The character a key types into the composer or the form, if it maps to typed text.
fn typed(action: Option<Action>) -> Option<char> {
    match action {
        Some(Action::Compose(ComposeAction::Key(key))) => key.plain_char(),
        _ => None,
    }
}

#[test]
fn the_bulk_form_follows_an_override_and_its_hint_names_the_new_key() {
    let mut app = loaded(
        map("[bulk]\nnext_value = \"n\"\nclose = \"ctrl-q\"\n"),
        80,
        24,
    );
    update(&mut app, Action::Marks(MarkAction::Toggle));
    press(&mut app, ch('b'));
    assert!(matches!(app.bulk.stage, Some(Stage::Form(_))));
    assert_eq!(action_for_key(&app, &ch('n')), bulk(BulkAction::Right));
    assert_eq!(
        action_for_key(&app, &ch('l')),
        None,
        "the default is replaced"
    );
    // The arrows always work; the defaults of other actions stay.
    assert_eq!(
        action_for_key(&app, &key(KeyCode::Right)),
        bulk(BulkAction::Right)
    );
    assert_eq!(action_for_key(&app, &ch('j')), bulk(BulkAction::Down));
    assert_eq!(action_for_key(&app, &ch('q')), None);
    assert_eq!(action_for_key(&app, &ctrl('q')), bulk(BulkAction::Esc));
    let shown = text(&app);
    assert!(shown.contains("h/n value"), "{shown}");
    assert!(shown.contains("Ctrl-q close"), "{shown}");
    insta::assert_snapshot!("bulk_form_rebound_en_80x24", screen(&app, 80, 24).backend());
    press(&mut app, ctrl('q'));
    assert!(app.bulk.stage.is_none());
}

#[test]
fn a_text_row_types_plain_letters_and_its_commands_rebind() {
    let mut app = loaded(
        map("[bulk_text]\ndone = [\"enter\", \"d\"]\ndiscard = \"ctrl-g\"\n"),
        80,
        24,
    );
    update(&mut app, Action::Marks(MarkAction::Toggle));
    press(&mut app, ch('b'));
    // To the tags row (a text row) and start typing.
    for _ in 0..6 {
        press(&mut app, ch('j'));
    }
    press(&mut app, ch('e'));
    let Some(Stage::Form(form)) = &app.bulk.stage else {
        panic!("{:?}", app.bulk.stage)
    };
    assert!(form.editing.is_some());
    // `d` is bound but a plain character is text while typing.
    assert_eq!(action_for_key(&app, &ch('d')), bulk(BulkAction::Char('d')));
    assert_eq!(
        action_for_key(&app, &key(KeyCode::Backspace)),
        bulk(BulkAction::Backspace)
    );
    assert_eq!(action_for_key(&app, &key(KeyCode::Esc)), None);
    assert!(text(&app).contains("Ctrl-g discard"));
    press(&mut app, ch('v'));
    press(&mut app, ch('i'));
    press(&mut app, ch('p'));
    press(&mut app, key(KeyCode::Enter));
    let Some(Stage::Form(form)) = &app.bulk.stage else {
        panic!("{:?}", app.bulk.stage)
    };
    assert!(form.editing.is_none());
    assert!(text(&app).contains("vip"));
}

#[test]
fn the_history_rebinds_and_its_help_overlay_is_generated_from_the_map() {
    let mut app = loaded(
        map("[bulk_history]\nresume = \"ctrl-r\"\nclose = [\"esc\", \"x\"]\n"),
        100,
        30,
    );
    history(&mut app);
    assert_eq!(action_for_key(&app, &ctrl('r')), bulk(BulkAction::Resume));
    assert_eq!(action_for_key(&app, &ch('R')), None);
    assert_eq!(action_for_key(&app, &key(KeyCode::Enter)), None);
    assert_eq!(action_for_key(&app, &ch('x')), bulk(BulkAction::Esc));
    let shown = text(&app);
    assert!(shown.contains("Ctrl-r resume"), "{shown}");
    assert!(shown.contains("Esc close"), "{shown}");
    // `?` opens help for the history, with the live keys.
    assert_eq!(press(&mut app, ch('?')), bulk(BulkAction::Help));
    assert!(matches!(
        app.overlay,
        Some(Overlay::Help {
            pane: Pane::BulkHistory,
            ..
        })
    ));
    let rows = app.settings.keymap.help_words(Pane::BulkHistory, Lang::En);
    assert!(
        rows.iter()
            .any(|(k, t)| k == "Ctrl-r" && *t == "Resume an unfinished run"),
        "{rows:?}"
    );
    assert!(rows.iter().any(|(k, _)| k == "Esc x"), "{rows:?}");
    insta::assert_snapshot!(
        "help_bulk_history_rebound_en_100x30",
        screen(&app, 100, 30).backend()
    );
    // Help has the keyboard while open; `?` closes it and the history has it again.
    assert_eq!(press(&mut app, ch('?')), Some(Action::ToggleHelp));
    assert!(app.overlay.is_none());
    let resume = action_for_key(&app, &ctrl('r')).unwrap();
    let out = update(&mut app, resume);
    assert!(
        out.iter()
            .any(|c| matches!(c, Command::Bulk(BulkCommand::Resume { run_id, .. }) if run_id == "20261129-050000-0001")),
        "{out:?}"
    );
}

#[test]
fn the_result_list_rebinds_undo_and_a_sequence_opens_the_history() {
    let mut app = loaded(
        map("[bulk_result]\nundo = \"z\"\nhistory = \"g h\"\n"),
        80,
        24,
    );
    result(&mut app);
    assert_eq!(action_for_key(&app, &ch('z')), bulk(BulkAction::Undo));
    assert_eq!(action_for_key(&app, &ch('u')), None);
    let shown = text(&app);
    assert!(shown.contains("z undo the run"), "{shown}");
    assert!(shown.contains("g h history"), "{shown}");
    assert_eq!(
        press(&mut app, ch('g')),
        Some(Action::Keys(KeyInput::Prefix(
            gongdan::app::keymap::Key::parse("g").unwrap()
        )))
    );
    assert!(text(&app).contains("[g…]"), "the pending key shows");
    assert_eq!(press(&mut app, ch('h')), bulk(BulkAction::OpenHistory));
    assert!(matches!(app.bulk.stage, Some(Stage::History { .. })));
}

#[test]
fn the_resume_offer_rebinds_and_names_the_history_key() {
    let mut app = loaded(
        map("[resume_offer]\nlater = \"L\"\n[list]\nbulk_history = \"Y\"\n"),
        80,
        24,
    );
    app.bulk.stage = Some(Stage::ResumeOffer {
        runs: vec![row("20261129-050000-0001", RunState::Interrupted, true)],
    });
    assert_eq!(action_for_key(&app, &ch('L')), bulk(BulkAction::Esc));
    assert_eq!(action_for_key(&app, &key(KeyCode::Esc)), None);
    assert_eq!(
        action_for_key(&app, &key(KeyCode::Enter)),
        bulk(BulkAction::Resume)
    );
    let shown = text(&app);
    assert!(shown.contains("L later (Y)"), "{shown}");
    insta::assert_snapshot!(
        "resume_offer_rebound_en_80x24",
        screen(&app, 80, 24).backend()
    );
    press(&mut app, ch('L'));
    assert!(app.bulk.stage.is_none());
    let shown = text(&app);
    assert!(shown.contains("Later: Y opens the history"), "{shown}");
    // Later from the list: the rebound history key.
    assert_eq!(
        action_for_key(&app, &ch('Y')),
        bulk(BulkAction::OpenHistory)
    );
}

#[test]
fn conflicts_inside_the_bulk_panes_name_both_bindings() {
    let keymap = map("[bulk]\nedit = \"x\"\n[resume_offer]\nundo = \"enter\"\n");
    let described: Vec<String> = keymap
        .conflicts
        .iter()
        .map(|c| c.describe(Lang::En))
        .collect();
    assert_eq!(described.len(), 2, "{described:?}");
    assert!(
        described
            .iter()
            .any(|d| d.contains("keys.bulk.edit = \"x\" (config)")
                && d.contains("keys.bulk.clear_row = \"x\" (default)")),
        "{described:?}"
    );
    assert!(
        described.iter().any(
            |d| d.contains("keys.resume_offer.undo = \"Enter\" (config)")
                && d.contains("keys.resume_offer.resume = \"Enter\" (default)")
        ),
        "{described:?}"
    );
    // The config's binding wins; the other action keeps its other keys.
    let mut app = loaded(keymap, 80, 24);
    app.bulk.stage = Some(Stage::ResumeOffer {
        runs: vec![row("20261129-050000-0001", RunState::Interrupted, true)],
    });
    assert_eq!(
        action_for_key(&app, &key(KeyCode::Enter)),
        bulk(BulkAction::Undo)
    );
    assert_eq!(action_for_key(&app, &ch('R')), bulk(BulkAction::Resume));
    // Arrows cannot be taken inside the bulk form either.
    let arrows = map("[bulk]\nedit = \"left\"\n");
    assert_eq!(arrows.conflicts.len(), 1);
    assert!(
        arrows.conflicts[0]
            .describe(Lang::En)
            .contains("keys.bulk.prev_value = \"←\" (fixed)")
    );
}

#[test]
fn the_sign_in_prompt_types_letters_and_its_commands_rebind() {
    let mut app = loaded(
        map("[sign_in]\nsubmit = \"ctrl-j\"\ncancel = [\"esc\", \"q\"]\n"),
        80,
        24,
    );
    app.faults.sign_in = Some(SignIn {
        input: Secret::new(""),
        error: None,
    });
    // A password may hold any letter: `q` types even though it is bound.
    assert_eq!(
        action_for_key(&app, &ch('q')),
        Some(Action::Fault(FaultAction::SignInChar('q')))
    );
    assert_eq!(
        action_for_key(&app, &ctrl('j')),
        Some(Action::Fault(FaultAction::SignInSubmit))
    );
    assert_eq!(action_for_key(&app, &key(KeyCode::Enter)), None);
    assert_eq!(
        action_for_key(&app, &key(KeyCode::Esc)),
        Some(Action::Fault(FaultAction::SignInCancel))
    );
    // Every other key is swallowed; Ctrl-C still quits.
    assert_eq!(
        action_for_key(&app, &ch('?')),
        Some(Action::Fault(FaultAction::SignInChar('?')))
    );
    assert_eq!(action_for_key(&app, &key(KeyCode::F(5))), None);
    assert_eq!(action_for_key(&app, &ctrl('c')), Some(Action::Quit));
    let shown = text(&app);
    assert!(shown.contains("Ctrl-j sign in"), "{shown}");
    assert!(shown.contains("Esc cancel"), "{shown}");
}

#[test]
fn the_composers_windows_read_the_status_menu_and_prompt_keys() {
    let mut app = loaded(
        map(
            "[status_menu]\nmove_down = \"n\"\ncancel = \"ctrl-g\"\n[prompt]\ncancel = \"ctrl-g\"\n",
        ),
        80,
        24,
    );
    update(&mut app, Action::Compose(ComposeAction::OpenReply));
    update(&mut app, Action::Compose(ComposeAction::SendWithStatus));
    let mode = |app: &App| app.compose.composer.as_ref().unwrap().mode.clone();
    let ComposerMode::StatusMenu { selected } = mode(&app) else {
        panic!("{:?}", mode(&app))
    };
    press(&mut app, ch('n'));
    assert_eq!(
        mode(&app),
        ComposerMode::StatusMenu {
            selected: selected + 1
        }
    );
    press(&mut app, ch('j'));
    assert_eq!(
        mode(&app),
        ComposerMode::StatusMenu {
            selected: selected + 1
        },
        "j no longer moves"
    );
    assert!(text(&app).contains("Ctrl-g cancel"));
    press(&mut app, key(KeyCode::Esc));
    assert!(matches!(mode(&app), ComposerMode::StatusMenu { .. }));
    press(&mut app, ctrl('g'));
    assert_eq!(mode(&app), ComposerMode::Editing);
    // The attachment path: the prompt's cancel.
    update(&mut app, Action::Compose(ComposeAction::Attach));
    press(&mut app, key(KeyCode::Esc));
    assert!(matches!(mode(&app), ComposerMode::AttachPath { .. }));
    press(&mut app, ch('q'));
    assert_eq!(
        mode(&app),
        ComposerMode::AttachPath {
            line: gongdan::app::line_edit::LineEditor::new("q")
        }
    );
    press(&mut app, ctrl('g'));
    assert_eq!(mode(&app), ComposerMode::Editing);
}

#[test]
fn the_new_ticket_form_moves_between_fields_with_mapped_keys() {
    let mut app = loaded(
        map(
            "[new_ticket]\nnext_field = \"ctrl-n\"\nprev_field = \"ctrl-p\"\nnext_choice = \"+\"\n",
        ),
        80,
        24,
    );
    update(&mut app, Action::Compose(ComposeAction::OpenNewTicket));
    let focus = |app: &App| app.compose.new_ticket.as_ref().unwrap().focus;
    assert_eq!(focus(&app), 0);
    let shown = text(&app);
    assert!(shown.contains("Ctrl-n/↑↓ field"), "{shown}");
    assert_eq!(
        press(&mut app, ctrl('n')),
        Some(Action::Compose(ComposeAction::NextField))
    );
    assert_eq!(focus(&app), 1);
    press(&mut app, ctrl('p'));
    assert_eq!(focus(&app), 0);
    // Tab is no longer bound: it does not move.
    press(&mut app, key(KeyCode::Tab));
    assert_eq!(focus(&app), 0);
    // On a text field a bound plain character types.
    assert!(!gongdan::app::new_ticket::focus_is_choice(&app));
    assert_eq!(typed(action_for_key(&app, &ch('+'))), Some('+'));
    // On a choice field it picks.
    let choice = (0..20)
        .find(|_| {
            press(&mut app, ctrl('n'));
            gongdan::app::new_ticket::focus_is_choice(&app)
        })
        .expect("the form has a choice field");
    let _ = choice;
    assert_eq!(
        action_for_key(&app, &ch('+')),
        Some(Action::Compose(ComposeAction::NextChoice))
    );
    let before = app.compose.new_ticket.as_ref().unwrap().fields[focus(&app)]
        .choice
        .clone();
    press(&mut app, ch('+'));
    let after = app.compose.new_ticket.as_ref().unwrap().fields[focus(&app)]
        .choice
        .clone();
    assert_ne!(before, after);
    assert_eq!(
        typed(action_for_key(&app, &ch('l'))),
        Some('l'),
        "the default letter is replaced"
    );
}

#[test]
fn after_a_401_the_result_names_the_rebound_retry_key() {
    use gongdan::api::{TicketChange, TicketStatus};
    use gongdan::bulk::{BulkEdit, Plan, RunReport, Target};
    let mut app = loaded(map("[bulk_result]\nretry = \"ctrl-t\"\n"), 160, 30);
    let edit = BulkEdit::from(TicketChange {
        status: Some(TicketStatus::Solved),
        ..TicketChange::default()
    });
    let tickets: Vec<_> = (1..=3).map(ticket).collect();
    let plan = Plan::new(
        &edit,
        &tickets,
        Target::default(),
        gongdan::bulk::RunStamp::now(),
    );
    let not_sent: Vec<u64> = plan.tickets.iter().map(|t| t.id).collect();
    assert!(!not_sent.is_empty());
    result(&mut app);
    if let Some(Stage::Result(run)) = &mut app.bulk.stage {
        run.auth_refused = true;
        run.report = Some(RunReport {
            plan,
            outcomes: vec![],
            not_sent,
            cancelled: true,
        });
    }
    let shown = text(&app);
    assert!(shown.contains("or press Ctrl-t"), "{shown}");
    assert!(shown.contains("Ctrl-t send the rest"), "{shown}");
    assert_eq!(action_for_key(&app, &ctrl('t')), bulk(BulkAction::Retry));
    assert_eq!(action_for_key(&app, &ch('r')), None);
}

/// `App::pane` names the context in front in every case: the bulk pane's stages over the
/// list, help over them, the sign-in prompt over everything; the wheel moves nothing hidden
/// behind the bulk pane.
#[test]
fn the_pane_in_front_is_the_one_with_the_keys() {
    let mut app = loaded(KeyMap::default(), 80, 24);
    assert_eq!(app.pane(), Pane::List);
    update(&mut app, Action::Marks(MarkAction::Toggle));
    press(&mut app, ch('b'));
    assert_eq!(app.pane(), Pane::Bulk);
    let selected = app.current_view().selected;
    update(&mut app, Action::Wheel(3));
    assert_eq!(
        app.current_view().selected,
        selected,
        "the list behind stays"
    );
    press(&mut app, ch('?'));
    assert_eq!(app.pane(), Pane::Help);
    press(&mut app, key(KeyCode::Esc));
    assert_eq!(app.pane(), Pane::Bulk);
    app.faults.sign_in = Some(SignIn {
        input: Secret::new(""),
        error: None,
    });
    assert_eq!(app.pane(), Pane::SignIn);
    // Pasted into the password, as if typed.
    update(&mut app, Action::Paste("pw".into()));
    assert_eq!(app.faults.sign_in.as_ref().map(SignIn::typed), Some(2));
}
