//! Issue 17's one-ticket loop at the `update` level: canned replies (the composer's picker,
//! insertion at the caret, variables filled in one pass), macros (through the bulk pane's
//! preview and run, only the fields named, "assign to me") and moving on to the next
//! ticket after acting from the ticket view.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gongdan::api::{Agent, TicketStatus};
use gongdan::app::bulk_edit::{BulkCommand, Stage};
use gongdan::app::composer::ComposerMode;
use gongdan::app::keymap::{Keys, action_for_key};
use gongdan::app::macros::{Macro, MacroChange, MacroNote};
use gongdan::app::notice::Note;
use gongdan::app::snippets::{Snippet, matching};
use gongdan::app::state::Pane;
use gongdan::app::{Action, App, Command, LookupKey, LookupValue, WorkerEvent, update};
use gongdan::bulk::FieldKind;
use gongdan::lang::Lang;
use gongdan::text::placeholders::Var;

const LOGIN: &str = "me@example.com";

fn snippet(name: &str, title: &str, body: &str) -> Snippet {
    Snippet {
        name: name.into(),
        title: title.into(),
        body: body.into(),
    }
}

fn snippets() -> Vec<Snippet> {
    vec![
        snippet("thanks", "感谢来信", "您好 {contact}，感谢来信。"),
        snippet(
            "refund",
            "Refund done",
            "Your refund for #{ticket_id} is done.",
        ),
        snippet("sign", "Signature", "{agent} · {today}"),
        snippet("subject", "Subject echo", "Re: {subject} / {agent}"),
    ]
}

/// The All tab listing tickets 1..=5, with these settings' snippets and macros, the login
/// and `move_on`; the agents list answered (agent 11 is the login).
fn triage_app(macros: Vec<Macro>, move_on: bool) -> App {
    triage_app_with(macros, move_on).0
}

/// The same, with the commands the page's answer gave (its name lookups).
fn triage_app_with(macros: Vec<Macro>, move_on: bool) -> (App, Vec<Command>) {
    let mut app = app(Lang::En, 100, 30);
    app.settings.snippets = snippets();
    app.settings.macros = macros;
    app.settings.login = Some(LOGIN.into());
    app.settings.move_on = move_on;
    let commands = start(&mut app);
    answer_agents(&mut app, &commands);
    update(&mut app, Action::SelectView(3));
    let list = find(&commands, is_list);
    let tickets: Vec<_> = (1..=5).map(ticket).collect();
    let commands = answer_page(&mut app, list, page(tickets, 5, false));
    (app, commands)
}

fn answer_agents(app: &mut App, commands: &[Command]) {
    for command in commands {
        if let Command::Lookup {
            id,
            key: LookupKey::Agents,
        } = command
        {
            let agents = (10..13)
                .map(|id| Agent {
                    id,
                    name: ["王小明", "李雷", "Alice"][(id - 10) as usize].into(),
                    email: Some(if id == 11 {
                        LOGIN.to_uppercase()
                    } else {
                        format!("agent{id}@example.com")
                    }),
                    group_ids: vec![1],
                    is_admin: false,
                    active: true,
                })
                .collect();
            update(
                app,
                Action::Worker(WorkerEvent::Looked {
                    id: *id,
                    key: LookupKey::Agents,
                    result: Ok(LookupValue::Agents(agents)),
                }),
            );
        }
    }
}

fn press_with(app: &mut App, code: KeyCode, mods: KeyModifiers) -> Vec<Command> {
    match action_for_key(app, &KeyEvent::new(code, mods)) {
        Some(action) => update(app, action),
        None => Vec::new(),
    }
}

fn press(app: &mut App, code: KeyCode) -> Vec<Command> {
    press_with(app, code, KeyModifiers::NONE)
}

fn key(app: &mut App, c: char) -> Vec<Command> {
    press(app, KeyCode::Char(c))
}

fn ctrl(app: &mut App, c: char) -> Vec<Command> {
    press_with(app, KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, c);
    }
}

fn composer_text(app: &App) -> String {
    app.compose.composer.as_ref().unwrap().text()
}

fn picker(app: &App) -> (String, usize) {
    match &app.compose.composer.as_ref().unwrap().mode {
        ComposerMode::Snippets { query, selected } => (query.text.clone(), *selected),
        other => panic!("not the picker: {other:?}"),
    }
}

fn bulk_start(commands: &[Command]) -> &gongdan::bulk::Plan {
    commands
        .iter()
        .find_map(|c| match c {
            Command::Bulk(BulkCommand::Start { plan, .. }) => Some(plan.as_ref()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no run started: {commands:?}"))
}

/// The run a key started: its request id and its plan.
fn run_started(commands: &[Command]) -> (gongdan::app::RequestId, gongdan::bulk::Plan) {
    commands
        .iter()
        .find_map(|c| match c {
            Command::Bulk(BulkCommand::Start { id, plan }) => Some((*id, plan.as_ref().clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no run started: {commands:?}"))
}

// ----- canned replies -----

#[test]
fn the_picker_narrows_by_fuzzy_match_and_arrows_choose() {
    let all = snippets();
    assert_eq!(matching(&all, ""), vec![0, 1, 2, 3]);
    // Letters in order, not together: "rfd" is Refund done's.
    assert_eq!(matching(&all, "rfd").first(), Some(&1));
    assert_eq!(matching(&all, "感谢"), vec![0]);
    assert!(matching(&all, "zzzz").is_empty());

    let mut app = triage_app(Vec::new(), false);
    key(&mut app, 'r');
    ctrl(&mut app, 'g');
    assert_eq!(picker(&app), (String::new(), 0));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    assert_eq!(picker(&app).1, 2);
    // Typing narrows and chooses the best match again.
    type_text(&mut app, "sig");
    assert_eq!(picker(&app), ("sig".to_string(), 0));
    assert_eq!(
        matching(&app.settings.snippets, "sig").first(),
        Some(&2),
        "Signature first"
    );
    // Esc closes the picker and leaves the text as it was.
    press(&mut app, KeyCode::Esc);
    assert_eq!(
        app.compose.composer.as_ref().unwrap().mode,
        ComposerMode::Editing
    );
    assert_eq!(composer_text(&app), "");
    assert_eq!(app.pane(), Pane::Composer);
}

#[test]
fn the_pick_goes_in_at_the_caret_with_its_variables_filled() {
    let mut app = triage_app(Vec::new(), false);
    key(&mut app, 'r');
    let id = app.detail.as_ref().unwrap().ticket_id;
    type_text(&mut app, "AB");
    press(&mut app, KeyCode::Left);
    ctrl(&mut app, 'g');
    type_text(&mut app, "refund");
    let commands = press(&mut app, KeyCode::Enter);
    assert_eq!(
        composer_text(&app),
        format!("AYour refund for #{id} is done.B")
    );
    // The draft keeps it, as typed text.
    assert_eq!(
        app.compose
            .drafts
            .get(&gongdan::app::drafts::DraftKey::Reply(id))
            .map(str::to_string),
        Some(composer_text(&app)),
        "{commands:?}"
    );
    assert!(app.notice.is_none(), "{:?}", app.notice);
}

#[test]
fn a_subject_holding_a_placeholder_stays_as_typed() {
    let mut app = triage_app(Vec::new(), false);
    let mut hostile = ticket(1);
    hostile.subject = "{agent} {contact} {today}".into();
    app.tickets.insert(1, hostile);
    key(&mut app, 'r');
    ctrl(&mut app, 'g');
    type_text(&mut app, "subject echo");
    press(&mut app, KeyCode::Enter);
    // Filled in one pass: the subject's braces are never read again; {agent} is the
    // signed-in agent's name (agent 11, whose e-mail is the login, any case).
    assert_eq!(composer_text(&app), "Re: {agent} {contact} {today} / 李雷");
}

#[test]
fn an_unknown_contact_stays_visible_and_the_status_line_says_so() {
    let mut app = triage_app(Vec::new(), false);
    key(&mut app, 'r');
    ctrl(&mut app, 'g');
    type_text(&mut app, "thanks");
    press(&mut app, KeyCode::Enter);
    assert_eq!(composer_text(&app), "您好 {contact}，感谢来信。");
    let notice = app.notice.clone().unwrap();
    assert!(notice.is_error);
    let said = said(&app, &notice);
    assert!(
        said.contains("{contact}") && said.contains("not known"),
        "{said}"
    );

    // Once the contact's name is in, it is filled.
    let (mut app, commands) = triage_app_with(Vec::new(), false);
    answer_lookups(&mut app, &commands);
    key(&mut app, 'r');
    ctrl(&mut app, 'g');
    type_text(&mut app, "thanks");
    press(&mut app, KeyCode::Enter);
    assert_eq!(composer_text(&app), "您好 客户1，感谢来信。");
    assert!(app.notice.is_none(), "{:?}", app.notice);
}

#[test]
fn today_is_the_apps_clock_and_agent_unknown_without_a_matching_login() {
    let mut app = triage_app(Vec::new(), false);
    app.lookups.me = None;
    key(&mut app, 'r');
    ctrl(&mut app, 'g');
    type_text(&mut app, "signature");
    press(&mut app, KeyCode::Enter);
    assert_eq!(composer_text(&app), "{agent} · 2026-11-29");
    assert!(matches!(
        &app.notice.as_ref().unwrap().note,
        Note::Compose(gongdan::app::composer::ComposeNote::SnippetUnknown(vars)) if vars == &vec![Var::Agent]
    ));
}

#[test]
fn no_snippets_says_where_to_put_them() {
    let mut app = triage_app(Vec::new(), false);
    app.settings.snippets.clear();
    key(&mut app, 'r');
    ctrl(&mut app, 'g');
    assert_eq!(
        app.compose.composer.as_ref().unwrap().mode,
        ComposerMode::Editing
    );
    let said = said(&app, app.notice.as_ref().unwrap());
    assert!(said.contains("[[snippets]]"), "{said}");
}

// ----- macros -----

fn solve_and_tag() -> Macro {
    Macro {
        name: "Solve".into(),
        key: Some(Keys::parse("ctrl-k").unwrap()),
        change: MacroChange {
            status: Some(TicketStatus::Solved),
            tags_add: vec!["已回访".into()],
            tags_remove: vec!["vip客户".into()],
            ..MacroChange::default()
        },
        snippet: None,
        builtin: false,
    }
}

#[test]
fn assign_to_me_is_built_in_and_previews_one_ticket_then_enter_runs_it() {
    let mut app = triage_app(Vec::new(), false);
    // Ticket 1 is agent 11's already (left out as already set): ticket 2 is agent 12's.
    key(&mut app, 'j');
    key(&mut app, 'm');
    assert_eq!(app.pane(), Pane::MacroMenu);
    // The built-in is first: Enter applies it to the selected ticket.
    let commands = press(&mut app, KeyCode::Enter);
    assert!(commands.is_empty(), "{commands:?}");
    let Some(Stage::Preview { plan, count, .. }) = &app.bulk.stage else {
        panic!("{:?}", app.bulk.stage);
    };
    assert_eq!(*count, 1);
    assert_eq!(plan.tickets.len(), 1);
    assert_eq!(plan.change.assignee_id, Some(11));
    assert_eq!(plan.change.kinds(), vec![FieldKind::Assignee]);
    let commands = press(&mut app, KeyCode::Enter);
    let plan = bulk_start(&commands);
    assert_eq!(plan.tickets[0].id, 2);
    assert_eq!(plan.change.assignee_id, Some(11));
    // The run goes on behind; the list has the keyboard again.
    assert!(app.bulk.hidden);
    assert_eq!(app.pane(), Pane::List);
}

#[test]
fn assign_to_me_refuses_when_the_login_names_no_agent() {
    let mut app = triage_app(Vec::new(), false);
    app.lookups.me = None;
    key(&mut app, 'm');
    let commands = key(&mut app, '1');
    assert!(commands.is_empty());
    assert!(app.bulk.stage.is_none());
    let notice = app.notice.clone().unwrap();
    assert_eq!(notice.note, Note::Macro(MacroNote::MeUnknown));
    assert!(said(&app, &notice).contains("Not known which agent you are"));
}

#[test]
fn a_macro_changes_only_the_fields_it_names_and_keeps_other_tags() {
    let mut app = triage_app(vec![solve_and_tag()], false);
    // Ticket 2 has tags vip客户 and 普通客户: only vip客户 goes, 已回访 comes.
    key(&mut app, 'j');
    let commands = ctrl(&mut app, 'k');
    assert!(commands.is_empty(), "{commands:?}");
    let Some(Stage::Preview { plan, .. }) = &app.bulk.stage else {
        panic!("{:?}", app.bulk.stage);
    };
    assert_eq!(plan.change.kinds(), vec![FieldKind::Status]);
    assert_eq!(plan.tags_add, vec!["已回访".to_string()]);
    assert_eq!(plan.tags_remove, vec!["vip客户".to_string()]);
    let target = plan.tickets[0].target.as_ref().unwrap();
    assert_eq!(
        target.tags.as_deref(),
        Some(&["普通客户".to_string(), "已回访".to_string()][..])
    );
    assert_eq!(target.kinds(), vec![FieldKind::Status, FieldKind::Tags]);
    // Esc leaves it: no form to go back to, nothing sent.
    let commands = press(&mut app, KeyCode::Esc);
    assert!(commands.is_empty());
    assert!(app.bulk.stage.is_none());
}

#[test]
fn a_macro_on_the_marks_goes_to_each_marked_ticket() {
    let mut app = triage_app(vec![solve_and_tag()], false);
    key(&mut app, ' ');
    key(&mut app, ' ');
    assert_eq!(app.marks.len(), 2);
    key(&mut app, 'm');
    let commands = key(&mut app, '2');
    assert!(commands.is_empty(), "{commands:?}");
    let commands = press(&mut app, KeyCode::Enter);
    let plan = bulk_start(&commands);
    let ids: Vec<u64> = plan.tickets.iter().map(|t| t.id).collect();
    assert_eq!(ids, vec![1, 2]);
}

/// The engine's report of a run where every ticket succeeded.
fn all_done(plan: &gongdan::bulk::Plan) -> gongdan::bulk::RunReport {
    gongdan::bulk::RunReport {
        plan: plan.clone(),
        outcomes: plan
            .tickets
            .iter()
            .map(|t| gongdan::bulk::TicketOutcome {
                id: t.id,
                success: true,
                error: String::new(),
                ..Default::default()
            })
            .collect(),
        not_sent: vec![],
        cancelled: false,
    }
}

#[test]
fn a_macros_snippet_opens_the_composer_after_the_change_never_sent() {
    let mut with_snippet = solve_and_tag();
    with_snippet.snippet = Some("refund".into());
    let mut app = triage_app(vec![with_snippet], true);
    key(&mut app, 'l');
    assert_eq!(app.pane(), Pane::Detail);
    ctrl(&mut app, 'k');
    let commands = press(&mut app, KeyCode::Enter);
    let (run, plan) = run_started(&commands);
    // Not before the change is done: the reply is checked against the ticket as the
    // macro leaves it, never taken for someone else's change.
    assert!(app.compose.composer.is_none());
    assert_eq!(
        app.detail.as_ref().unwrap().ticket_id,
        1,
        "waits for the reply"
    );
    let commands = update(
        &mut app,
        Action::Worker(WorkerEvent::Bulk(
            gongdan::app::bulk_edit::BulkEvent::RunDone {
                id: run,
                result: Ok(Box::new(all_done(&plan))),
            },
        )),
    );
    assert!(
        app.bulk.stage.is_none(),
        "the macro's pane closes once done"
    );
    assert!(app.compose.composer.is_none());
    let reread = commands
        .iter()
        .find_map(|c| match c {
            Command::Show { id, ticket: 1 } if app.rereads.contains_key(id) => Some(*id),
            _ => None,
        })
        .unwrap_or_else(|| panic!("the ticket is read again: {commands:?}"));
    let mut changed = ticket(1);
    changed.status = Some(TicketStatus::Solved);
    changed.updated = Some(now());
    let commands = update(
        &mut app,
        Action::Worker(WorkerEvent::Shown {
            id: reread,
            ticket: 1,
            result: Ok(changed),
        }),
    );
    assert!(
        !commands.iter().any(|c| matches!(
            c,
            Command::Compose(gongdan::app::composer::ComposeCommand::Send { .. })
        )),
        "{commands:?}"
    );
    assert_eq!(app.pane(), Pane::Composer);
    assert_eq!(composer_text(&app), "Your refund for #1 is done.");
    // The composer stays on ticket 1: moving on waits for the reply.
    assert_eq!(app.detail.as_ref().unwrap().ticket_id, 1);
}

#[test]
fn for_an_agent_the_snippet_waits_for_the_tickets_new_time_from_the_engine() {
    let mut with_snippet = solve_and_tag();
    with_snippet.snippet = Some("refund".into());
    let mut app = triage_app(vec![with_snippet], true);
    // An ordinary agent may not show tickets.
    app.show_forbidden = true;
    key(&mut app, 'l');
    ctrl(&mut app, 'k');
    let commands = press(&mut app, KeyCode::Enter);
    let (run, plan) = run_started(&commands);
    let commands = update(
        &mut app,
        Action::Worker(WorkerEvent::Bulk(
            gongdan::app::bulk_edit::BulkEvent::RunDone {
                id: run,
                result: Ok(Box::new(all_done(&plan))),
            },
        )),
    );
    let read = commands
        .iter()
        .find_map(|c| match c {
            Command::Bulk(BulkCommand::TicketsFor { id, ids }) if ids == &vec![1] => Some(*id),
            _ => None,
        })
        .unwrap_or_else(|| panic!("the ticket's time is read: {commands:?}"));
    assert!(app.compose.composer.is_none());
    let new_time = now() + chrono::Duration::minutes(1);
    let agents_view = gongdan::api::Ticket {
        id: 1,
        updated: Some(new_time),
        ..gongdan::api::Ticket::default()
    };
    update(
        &mut app,
        Action::Worker(WorkerEvent::Bulk(
            gongdan::app::bulk_edit::BulkEvent::Tickets {
                id: read,
                result: Ok(vec![agents_view]),
            },
        )),
    );
    assert_eq!(app.pane(), Pane::Composer);
    assert_eq!(composer_text(&app), "Your refund for #1 is done.");
    let known = app.tickets.get(&1).unwrap();
    // Only the time is taken: the rest of the ticket is as known before.
    assert_eq!(known.updated, Some(new_time));
    assert_eq!(known.subject, ticket(1).subject);
}

// ----- moving on -----

#[test]
fn a_status_change_from_the_ticket_view_opens_the_next_ticket() {
    let mut app = triage_app(Vec::new(), true);
    key(&mut app, 'l');
    assert_eq!(app.detail.as_ref().unwrap().ticket_id, 1);
    key(&mut app, 's');
    let commands = key(&mut app, '4');
    bulk_start(&commands);
    assert_eq!(app.detail.as_ref().unwrap().ticket_id, 2);
    assert_eq!(app.current_view().selected_id(), Some(2));

    // From the list, the selection stays.
    let mut app = triage_app(Vec::new(), true);
    key(&mut app, 's');
    key(&mut app, '4');
    assert!(app.detail.is_none());
    assert_eq!(app.current_view().selected_id(), Some(1));

    // Off: the ticket stays open.
    let mut app = triage_app(Vec::new(), false);
    key(&mut app, 'l');
    key(&mut app, 's');
    key(&mut app, '4');
    assert_eq!(app.detail.as_ref().unwrap().ticket_id, 1);
}

#[test]
fn a_macro_from_the_ticket_view_opens_the_next_ticket_once_confirmed() {
    let mut app = triage_app(vec![solve_and_tag()], true);
    key(&mut app, 'l');
    key(&mut app, 'j');
    ctrl(&mut app, 'k');
    assert_eq!(
        app.detail.as_ref().unwrap().ticket_id,
        1,
        "not before Enter"
    );
    let commands = press(&mut app, KeyCode::Enter);
    assert_eq!(bulk_start(&commands).tickets[0].id, 1);
    assert_eq!(app.detail.as_ref().unwrap().ticket_id, 2);
    assert_eq!(app.pane(), Pane::Detail);
}

#[test]
fn a_reply_sent_from_the_ticket_view_opens_the_next_ticket() {
    use gongdan::app::composer::{ComposeCommand, ComposeEvent};
    let mut app = triage_app(Vec::new(), true);
    key(&mut app, 'l');
    key(&mut app, 'r');
    type_text(&mut app, "done");
    let commands = ctrl(&mut app, 's');
    let id = commands
        .iter()
        .find_map(|c| match c {
            Command::Compose(ComposeCommand::Send { id, .. }) => Some(*id),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{commands:?}"));
    let answer = ticket(1);
    update(
        &mut app,
        Action::Worker(WorkerEvent::Compose(ComposeEvent::Sent {
            id,
            ticket: 1,
            result: Ok(Box::new(answer)),
        })),
    );
    assert!(app.compose.composer.is_none());
    assert_eq!(app.detail.as_ref().unwrap().ticket_id, 2);
}

/// A screen's text without spaces: wide characters are drawn with a blank after them.
fn compact(text: &str) -> String {
    text.chars().filter(|c| *c != ' ').collect()
}

#[test]
fn a_macros_preview_on_one_ticket_is_one_line_at_80_by_24_in_both_languages() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = triage_app(vec![solve_and_tag()], false);
        app.settings.lang = lang;
        update(
            &mut app,
            Action::Resize {
                width: 80,
                height: 24,
            },
        );
        key(&mut app, 'j');
        ctrl(&mut app, 'k');
        let lines = screen_lines(&app);
        let line = compact(&lines[22]);
        let apply = if lang == Lang::En {
            "Enterapply"
        } else {
            "Enter套用"
        };
        assert!(line.contains(apply), "{lang:?}: {line}");
        assert!(line.contains("#2"), "{lang:?}: {line}");
        // The ticket list stays in view around it.
        assert!(
            lines.iter().any(|l| l.contains("Printer on floo")),
            "{lines:#?}"
        );
        assert_eq!(lines.iter().filter(|l| l.contains("#2")).count(), 1);
    }
}

#[test]
fn the_macro_menu_and_the_picker_read_at_80_by_24_in_both_languages() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = triage_app(vec![solve_and_tag()], false);
        app.settings.lang = lang;
        update(
            &mut app,
            Action::Resize {
                width: 80,
                height: 24,
            },
        );
        key(&mut app, 'm');
        let screen = compact(&screen_lines(&app).join("\n"));
        let (title, builtin) = match lang {
            Lang::En => ("Macros", "Assigntome"),
            Lang::Zh => ("宏", "分配给我"),
        };
        assert!(
            screen.contains(title) && screen.contains(builtin),
            "{screen}"
        );
        assert!(screen.contains("2Solve[Ctrl-k]"), "{screen}");
        press(&mut app, KeyCode::Esc);
        key(&mut app, 'r');
        ctrl(&mut app, 'g');
        type_text(&mut app, "ref");
        let screen = compact(&screen_lines(&app).join("\n"));
        let find = match lang {
            Lang::En => "Find:ref",
            Lang::Zh => "查找：ref",
        };
        assert!(screen.contains(find), "{screen}");
        assert!(screen.contains("Refunddone"), "{screen}");
        assert!(!screen.contains("Signature"), "narrowed: {screen}");
    }
}

#[test]
fn the_macro_menus_keys_are_in_its_help_and_esc_closes_it() {
    let mut app = triage_app(vec![solve_and_tag()], false);
    key(&mut app, 'm');
    key(&mut app, '?');
    assert_eq!(app.pane(), Pane::Help);
    let help = screen_lines(&app).join("\n");
    for words in ["Apply the highlighted macro", "Apply macro N", "Cancel"] {
        assert!(help.contains(words), "{words}: {help}");
    }
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.pane(), Pane::MacroMenu);
    key(&mut app, 'j');
    assert_eq!(app.macro_menu.unwrap().selected, 1);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.pane(), Pane::List);
    assert!(app.bulk.stage.is_none());
    // The list's and the ticket view's help name `m`; the composer's its canned-reply key.
    let keys = &app.settings.keymap;
    for (pane, key, words) in [
        (Pane::List, "m", "Macros: apply a set of changes"),
        (Pane::Detail, "m", "Macros: apply a set of changes"),
        (Pane::Composer, "Ctrl-g", "Insert a canned reply"),
    ] {
        let rows = keys.help_words(pane, Lang::En);
        assert!(
            rows.contains(&(key.to_string(), words)),
            "{pane:?}: {rows:?}"
        );
    }
}

#[test]
fn a_macro_never_writes_tags_it_could_not_read_back_as_empty() {
    let mut app = triage_app(vec![solve_and_tag()], false);
    let mut unknown = ticket(1);
    unknown.tags = None;
    app.tickets.insert(1, unknown.clone());
    let commands = ctrl(&mut app, 'k');
    // The tags are read first...
    let (read, ids) = commands
        .iter()
        .find_map(|c| match c {
            Command::Bulk(BulkCommand::TicketsFor { id, ids }) => Some((*id, ids.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{commands:?}"));
    assert_eq!(ids, vec![1]);
    // ... and still not known: the ticket is left out, counted, and nothing is sent.
    update(
        &mut app,
        Action::Worker(WorkerEvent::Bulk(
            gongdan::app::bulk_edit::BulkEvent::Tickets {
                id: read,
                result: Ok(vec![unknown]),
            },
        )),
    );
    let Some(Stage::Preview { plan, count, .. }) = &app.bulk.stage else {
        panic!("{:?}", app.bulk.stage);
    };
    assert_eq!(*count, 0);
    assert_eq!(
        plan.excluded[0].reason,
        gongdan::bulk::ExcludeReason::TagsUnknown
    );
    let commands = press(&mut app, KeyCode::Enter);
    assert!(
        !commands
            .iter()
            .any(|c| matches!(c, Command::Bulk(BulkCommand::Start { .. }))),
        "{commands:?}"
    );
}
