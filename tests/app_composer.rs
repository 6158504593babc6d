//! The reply composer and the new-ticket form at the `update` level, with the worker's
//! commands run against the sandbox (loopback) where the server's answer matters: sending,
//! Ctrl-T with a status, attachments, drafts (debounced, atomic, surviving a fresh App),
//! failures that keep the text, and creating a ticket.

#![allow(clippy::unwrap_used)]

mod common;

use chrono::NaiveDateTime;
use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gongdan::api::{Client, Ticket, TicketStatus};
use gongdan::app::composer::{ComposeCommand, ComposeEvent, ComposerMode, ReplyTarget};
use gongdan::app::drafts::DraftKey;
use gongdan::app::keymap::action_for_key;
use gongdan::app::state::Pane;
use gongdan::app::{Action, App, Command, WorkerEvent, update};
use gongdan::lang::Lang;
use gongdan::sandbox::{self, Sandbox, SandboxOptions};

// ----- helpers -----

fn client(sandbox: &Sandbox) -> Client {
    admin_client(sandbox)
}

async fn small_sandbox() -> Sandbox {
    sandbox::start(SandboxOptions {
        tickets: 12,
        ..SandboxOptions::default()
    })
    .await
    .unwrap()
}

/// An app whose All tab lists the given ticket ids, with drafts kept in `drafts_dir`.
fn app_listing(ids: &[u64], drafts_dir: Option<&std::path::Path>) -> App {
    app_with_tickets(ids.iter().copied().map(ticket).collect(), drafts_dir)
}

/// A console listing these tickets (e.g. the sandbox's own, with their real update times).
fn app_with_tickets(tickets: Vec<Ticket>, drafts_dir: Option<&std::path::Path>) -> App {
    let mut app = app(Lang::Zh, 100, 30);
    if let Some(dir) = drafts_dir {
        app.compose.drafts = gongdan::draft_files::load(dir.to_path_buf());
    }
    let commands = start(&mut app);
    update(&mut app, Action::SelectView(3));
    let list = find(&commands, is_list);
    answer_page(
        &mut app,
        list,
        page(tickets.clone(), tickets.len() as u64, false),
    );
    app
}

/// An app whose All tab lists tickets as the sandbox has them now (the reply is checked
/// against the version shown: a made-up one would be "changed since").
async fn app_showing(client: &Client, ids: &[u64]) -> App {
    // Tall enough for the server's longer tickets and the replies sent under them.
    let mut app = app(Lang::Zh, 100, 50);
    let commands = start(&mut app);
    update(&mut app, Action::SelectView(3));
    let list = find(&commands, is_list);
    let mut tickets = Vec::new();
    for id in ids {
        tickets.push(client.show(*id).await.unwrap());
    }
    answer_page(&mut app, list, page(tickets, ids.len() as u64, false));
    app
}

fn press_with(app: &mut App, code: KeyCode, mods: KeyModifiers) -> Vec<Command> {
    let event = KeyEvent::new(code, mods);
    match action_for_key(app, &event) {
        Some(action) => update(app, action),
        None => Vec::new(),
    }
}

fn press(app: &mut App, code: KeyCode) -> Vec<Command> {
    press_with(app, code, KeyModifiers::NONE)
}

fn ctrl(app: &mut App, c: char) -> Vec<Command> {
    press_with(app, KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn type_text(app: &mut App, text: &str) -> Vec<Command> {
    let mut out = Vec::new();
    for c in text.chars() {
        out.extend(press(app, KeyCode::Char(c)));
    }
    out
}

fn tick(app: &mut App, at: NaiveDateTime) -> Vec<Command> {
    update(app, Action::Tick { now: at })
}

fn composer_text(app: &App) -> String {
    app.compose.composer.as_ref().unwrap().text()
}

fn compose_commands(commands: &[Command]) -> Vec<ComposeCommand> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Compose(c) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

/// Runs the composer's commands through the real worker and feeds the answers back.
async fn run(app: &mut App, client: &Client, commands: Vec<Command>) -> Vec<Command> {
    let mut later = Vec::new();
    for command in commands {
        if !matches!(command, Command::Compose(_)) {
            continue;
        }
        if let Some(event) = gongdan::worker::execute(client, command).await {
            later.extend(update(app, Action::Worker(event)));
        }
    }
    later
}

fn reply_texts(sandbox: &Sandbox, id: u64) -> Vec<String> {
    sandbox
        .replies(id)
        .iter()
        .filter_map(|r| r["replyMsg"].as_str().map(str::to_string))
        .collect()
}

fn stored_status(sandbox: &Sandbox, id: u64) -> Option<TicketStatus> {
    let stored = sandbox.ticket(id)?;
    match &stored["ticketStatus"] {
        serde_json::Value::Number(n) => n.as_i64().map(TicketStatus::from_code),
        serde_json::Value::String(s) => TicketStatus::parse(s),
        _ => None,
    }
}

// ----- opening and keys -----

#[test]
fn r_opens_the_composer_under_the_tickets_detail() {
    let mut app = app_listing(&[7, 8], None);
    let commands = press(&mut app, KeyCode::Char('r'));
    assert_eq!(app.pane(), Pane::Composer);
    assert_eq!(app.detail.as_ref().unwrap().ticket_id, 7);
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::Show { ticket: 7, .. }))
    );
    let composer = app.compose.composer.as_ref().unwrap();
    assert_eq!(composer.target, ReplyTarget::One(7));
    // Keys that mean something in the list are text here.
    type_text(&mut app, "jk q?");
    assert_eq!(composer_text(&app), "jk q?");
    assert_eq!(app.pane(), Pane::Composer);
}

#[test]
fn enter_makes_a_new_line_and_the_caret_counts_chars() {
    let mut app = app_listing(&[7], None);
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "您好");
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "ok中文");
    let composer = app.compose.composer.as_ref().unwrap();
    assert_eq!(composer.editor.lines(), ["您好", "ok中文"]);
    assert_eq!(composer.cursor(), (1, 4));
}

#[test]
fn ctrl_j_makes_a_new_line_and_deletes_nothing() {
    let mut app = app_listing(&[7], None);
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "您好");
    press(&mut app, KeyCode::Left);
    // Ctrl-J is a line feed (Shift-Enter on many terminals): the line splits at the caret;
    // the text area's own binding would have deleted to the line start.
    ctrl(&mut app, 'j');
    type_text(&mut app, "x");
    let composer = app.compose.composer.as_ref().unwrap();
    assert_eq!(composer.editor.lines(), ["您", "x好"]);
    assert_eq!(composer.cursor(), (1, 1));
    // Enter is unchanged: a new line too.
    press(&mut app, KeyCode::Enter);
    assert_eq!(composer_text(&app), "您\nx\n好");
}

#[test]
fn ctrl_j_makes_a_new_line_in_the_new_tickets_description() {
    let mut app = app_listing(&[7], None);
    press(&mut app, KeyCode::Char('n'));
    focus_description(&mut app);
    type_text(&mut app, "ab");
    ctrl(&mut app, 'j');
    type_text(&mut app, "c");
    let form = app.compose.new_ticket.as_ref().unwrap();
    assert_eq!(form.description.lines(), ["ab", "c"]);
}

#[test]
fn an_empty_reply_is_not_sent_and_says_why() {
    let mut app = app_listing(&[7], None);
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "   ");
    let commands = ctrl(&mut app, 's');
    assert!(compose_commands(&commands).is_empty());
    let error = app
        .compose
        .composer
        .as_ref()
        .unwrap()
        .error
        .as_ref()
        .map(|e| common::compose_said(&app, e))
        .unwrap();
    assert!(error.contains("空"), "{error}");
}

// ----- drafts -----

#[test]
fn drafts_are_written_a_second_after_the_last_key_and_survive_a_fresh_app() {
    let dir = tempfile::tempdir().unwrap();
    let drafts_dir = dir.path().join("drafts");
    let mut app = app_listing(&[7], Some(&drafts_dir));
    press(&mut app, KeyCode::Char('r'));
    let t0 = now();
    tick(&mut app, t0);
    type_text(&mut app, "草稿：打印机 jammed");
    // Half a second later: not yet.
    let early = tick(&mut app, t0 + chrono::Duration::milliseconds(500));
    assert!(compose_commands(&early).is_empty(), "{early:?}");
    type_text(&mut app, "！");
    // Half a second after the last key (typed at t0 + 0.5 s) is still too early.
    let still_early = tick(&mut app, t0 + chrono::Duration::milliseconds(1000));
    assert!(compose_commands(&still_early).is_empty());
    let due = tick(&mut app, t0 + chrono::Duration::milliseconds(1600));
    let saves = compose_commands(&due);
    assert_eq!(saves.len(), 1, "{saves:?}");
    let ComposeCommand::SaveDraft { path, text } = &saves[0] else {
        panic!("{saves:?}");
    };
    assert_eq!(path, &drafts_dir.join("7.txt"));
    assert_eq!(text, "草稿：打印机 jammed！");
    // Written once: later ticks without keys write nothing.
    assert!(compose_commands(&tick(&mut app, t0 + chrono::Duration::seconds(5))).is_empty());

    // The worker writes it atomically (no temporary file left behind).
    gongdan::draft_files::save(path, text).unwrap();
    let names: Vec<String> = std::fs::read_dir(&drafts_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["7.txt".to_string()]);

    // A fresh console (a restart) finds it when the composer opens on that ticket.
    let mut fresh = app_listing(&[7], Some(&drafts_dir));
    press(&mut fresh, KeyCode::Char('r'));
    assert_eq!(composer_text(&fresh), "草稿：打印机 jammed！");
    // The caret is at the end, ready to go on typing.
    assert_eq!(
        fresh.compose.composer.as_ref().unwrap().cursor(),
        (0, "草稿：打印机 jammed！".chars().count())
    );
}

#[test]
fn esc_closes_and_keeps_the_draft_per_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let drafts_dir = dir.path().join("drafts");
    let mut app = app_listing(&[7, 8], Some(&drafts_dir));
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "给七号的回复");
    let commands = press(&mut app, KeyCode::Esc);
    assert!(app.compose.composer.is_none());
    assert_eq!(app.pane(), Pane::Detail);
    let saves = compose_commands(&commands);
    assert!(
        matches!(&saves[..], [ComposeCommand::SaveDraft { text, .. }] if text == "给七号的回复"),
        "{saves:?}"
    );
    // Another ticket has its own (empty) draft.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(app.detail.as_ref().unwrap().ticket_id, 8);
    assert_eq!(composer_text(&app), "");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(composer_text(&app), "给七号的回复");
    assert_eq!(
        app.compose.drafts.get(&DraftKey::Reply(7)),
        Some("给七号的回复")
    );
}

// ----- sending, against the sandbox -----

#[tokio::test]
async fn ctrl_s_sends_the_reply_and_the_detail_lists_it() {
    let sandbox = small_sandbox().await;
    let client = client(&sandbox);
    let id = sandbox.ticket_ids()[0];
    let mut app = app_showing(&client, &[id]).await;
    press(&mut app, KeyCode::Char('r'));
    let reply = "您好，密码已重置，请用新密码登录。Thanks!";
    type_text(&mut app, reply);
    let commands = ctrl(&mut app, 's');
    let sends = compose_commands(&commands);
    assert!(
        matches!(&sends[..], [ComposeCommand::Send { ticket, change, .. }]
            if *ticket == id && change.status.is_none()
            && change.reply.as_ref().unwrap().message == reply),
        "{sends:?}"
    );
    run(&mut app, &client, commands).await;
    assert!(app.compose.composer.is_none(), "closed after sending");
    assert!(reply_texts(&sandbox, id).contains(&reply.to_string()));
    // Shown in the detail as sent this session.
    let sent = &app.compose.sent[&id];
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].text, reply);
    let lines = gongdan::ui::detail::lines(&app, 80);
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    assert!(
        text.iter().any(|l| l.contains("本次会话发出的回复")),
        "{text:?}"
    );
    assert!(text.iter().any(|l| l.contains("密码已重置")), "{text:?}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_failed_send_keeps_the_text_and_says_why() {
    let sandbox = small_sandbox().await;
    let client = client(&sandbox);
    // A ticket the server does not have: the update answers 404.
    let missing = sandbox.ticket_ids().last().unwrap() + 1000;
    let mut app = app_listing(&[missing], None);
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "这条回复发不出去");
    let commands = ctrl(&mut app, 's');
    run(&mut app, &client, commands).await;
    let composer = app.compose.composer.as_ref().expect("still open");
    assert_eq!(composer.text(), "这条回复发不出去");
    assert!(composer.sending.is_none());
    let error = common::compose_said(&app, composer.error.as_ref().unwrap());
    assert!(error.contains("找不到"), "{error}");
    let notice = app.notice.clone().unwrap();
    assert!(notice.is_error);
    assert!(
        common::said(&app, &notice).contains("文字已保留"),
        "{}",
        common::said(&app, &notice)
    );
    assert!(!app.compose.sent.contains_key(&missing));
    // Sending again works once the text can go (here: it still cannot, and still is kept).
    let again = ctrl(&mut app, 's');
    assert_eq!(compose_commands(&again).len(), 1);
    sandbox.shutdown().await;
}

/// The app drawn at its size.
fn drawn(app: &App) -> String {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(app.width, app.height)).unwrap();
    terminal
        .draw(|frame| {
            gongdan::ui::draw(frame, app, &mut gongdan::ui::Ui::default());
        })
        .unwrap();
    format!("{}", terminal.backend())
}

#[test]
fn a_network_failure_names_the_key_that_sends_again_not_the_lists_reload() {
    let refused = || gongdan::api::ApiError::Network(gongdan::api::NetworkError::ConnectionRefused);
    // The reply composer: its send key.
    let mut app = app_listing(&[7], None);
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "稍后处理");
    let commands = ctrl(&mut app, 's');
    let Some(Command::Compose(ComposeCommand::Send { id, .. })) = commands.first() else {
        panic!("{commands:?}");
    };
    update(
        &mut app,
        Action::Worker(WorkerEvent::Compose(ComposeEvent::Sent {
            id: *id,
            ticket: 7,
            result: Err(refused()),
        })),
    );
    let screen = drawn(&app);
    assert!(!screen.contains("{key:"), "{screen}");
    assert!(screen.contains("按 Ctrl-s 重试"), "{screen}");
    // The new-ticket form: its create key.
    let app = new_ticket_refused(refused());
    let screen = drawn(&app);
    assert!(!screen.contains("{key:"), "{screen}");
    assert!(screen.contains("按 Ctrl-s 重试"), "{screen}");
}

/// A server's message that reads like a key reference is quoted as sent: only the table's
/// own `{key:..}` are named from the key map, never one inside the server's words.
#[test]
fn a_servers_message_with_a_key_reference_is_quoted_verbatim() {
    const SERVER: &str = "server says {key:list.reload} {0}";
    let said_by_server = || gongdan::api::ApiError::Reported {
        code: None,
        message: SERVER.into(),
    };
    let mut app = app_listing(&[7], None);
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "稍后处理");
    let commands = ctrl(&mut app, 's');
    let Some(Command::Compose(ComposeCommand::Send { id, .. })) = commands.first() else {
        panic!("{commands:?}");
    };
    update(
        &mut app,
        Action::Worker(WorkerEvent::Compose(ComposeEvent::Sent {
            id: *id,
            ticket: 7,
            result: Err(said_by_server()),
        })),
    );
    let composer = app.compose.composer.as_ref().expect("still open");
    let error = common::compose_said(&app, composer.error.as_ref().unwrap());
    assert!(error.contains(SERVER), "{error}");
    let notice = common::said(&app, app.notice.as_ref().unwrap());
    assert!(notice.contains(SERVER) && notice.contains("#7"), "{notice}");
    // The new-ticket form's line and notice.
    let app = new_ticket_refused(said_by_server());
    let form = app.compose.new_ticket.as_ref().expect("kept");
    let error = common::compose_said(&app, form.error.as_ref().unwrap());
    assert!(error.contains(SERVER), "{error}");
    let notice = common::said(&app, app.notice.as_ref().unwrap());
    assert!(notice.contains(SERVER), "{notice}");
}

#[tokio::test]
async fn ctrl_t_sends_and_sets_solved_in_the_same_update() {
    let sandbox = small_sandbox().await;
    let client = client(&sandbox);
    let id = sandbox
        .ticket_ids()
        .into_iter()
        .find(|id| stored_status(&sandbox, *id) != Some(TicketStatus::Solved))
        .unwrap();
    let mut app = app_showing(&client, &[id]).await;
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "已处理，关闭工单");
    let none = ctrl(&mut app, 't');
    assert!(compose_commands(&none).is_empty(), "the menu opens first");
    let solved = TicketStatus::ALL
        .iter()
        .position(|s| *s == TicketStatus::Solved)
        .unwrap();
    assert_eq!(
        app.compose.composer.as_ref().unwrap().mode,
        ComposerMode::StatusMenu { selected: solved }
    );
    let updates_before = sandbox.update_count(id);
    let commands = press(&mut app, KeyCode::Enter);
    let sends = compose_commands(&commands);
    assert!(
        matches!(&sends[..], [ComposeCommand::Send { change, .. }]
            if change.status == Some(TicketStatus::Solved) && change.reply.is_some()),
        "{sends:?}"
    );
    let after = run(&mut app, &client, commands).await;
    assert_eq!(sandbox.update_count(id), updates_before + 1, "one call");
    assert_eq!(stored_status(&sandbox, id), Some(TicketStatus::Solved));
    // The ticket moved between views: the loaded tab reloads now, for its rows and count.
    assert!(after.iter().any(is_list), "{after:?}");
    assert!(reply_texts(&sandbox, id).contains(&"已处理，关闭工单".to_string()));
    assert_eq!(
        app.tickets.get(&id).unwrap().status,
        Some(TicketStatus::Solved)
    );
    assert_eq!(app.compose.sent[&id][0].status, Some(TicketStatus::Solved));
    // The status line says both: the reply and the status.
    let notice = app.notice.clone().unwrap();
    assert_eq!(
        common::said(&app, &notice),
        format!("已回复 #{id}，并设为 已解决")
    );
    // The ticket lists the reply sent, its heading naming the status it set.
    let screen = drawn(&app);
    assert!(screen.contains("· 状态设为 已解决"), "{screen}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_good_file_after_a_missing_one_clears_the_upload_error() {
    let sandbox = small_sandbox().await;
    let client = client(&sandbox);
    let id = sandbox.ticket_ids()[1];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("日志.txt");
    std::fs::write(&file, b"log").unwrap();
    let mut app = app_listing(&[id], None);
    press(&mut app, KeyCode::Char('r'));
    for path in [dir.path().join("missing.png"), file] {
        ctrl(&mut app, 'o');
        type_text(&mut app, &path.display().to_string());
        let commands = press(&mut app, KeyCode::Enter);
        run(&mut app, &client, commands).await;
        if path.ends_with("missing.png") {
            let error = app.compose.composer.as_ref().unwrap().error.as_ref();
            let error = error.map(|e| common::compose_said(&app, e));
            assert!(error.is_some_and(|e| e.contains("missing.png")));
        }
    }
    let composer = app.compose.composer.as_ref().unwrap();
    assert_eq!(composer.attachments.len(), 1);
    assert_eq!(composer.error, None);
    let notice = app.notice.clone().expect("a notice");
    assert!(!notice.is_error, "{notice:?}");
    assert!(
        common::said(&app, &notice).contains("日志.txt"),
        "{notice:?}"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_attachment_is_uploaded_and_its_token_goes_with_the_reply() {
    let sandbox = small_sandbox().await;
    let client = client(&sandbox);
    let id = sandbox.ticket_ids()[1];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("截图.png");
    std::fs::write(&file, b"\x89PNG fake image").unwrap();
    let mut app = app_showing(&client, &[id]).await;
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "见附件");
    ctrl(&mut app, 'o');
    assert!(matches!(
        app.compose.composer.as_ref().unwrap().mode,
        ComposerMode::AttachPath { .. }
    ));
    type_text(&mut app, &file.display().to_string());
    let commands = press(&mut app, KeyCode::Enter);
    assert!(matches!(
        &compose_commands(&commands)[..],
        [ComposeCommand::Upload { .. }]
    ));
    // Sending while the upload is in flight is refused, the text kept.
    assert!(compose_commands(&ctrl(&mut app, 's')).is_empty());
    assert_eq!(composer_text(&app), "见附件");
    run(&mut app, &client, commands).await;
    let composer = app.compose.composer.as_ref().unwrap();
    assert_eq!(composer.attachments.len(), 1);
    assert_eq!(composer.attachments[0].name, "截图.png");
    let token = composer.attachments[0].token.clone().expect("uploaded");
    let commands = ctrl(&mut app, 's');
    let sends = compose_commands(&commands);
    assert!(
        matches!(&sends[..], [ComposeCommand::Send { change, .. }]
            if change.reply.as_ref().unwrap().attachments == vec![token.clone()]),
        "{sends:?}"
    );
    run(&mut app, &client, commands).await;
    let replies = sandbox.replies(id);
    let last = replies.last().unwrap();
    assert_eq!(last["replyMsg"], "见附件");
    assert!(last["attachments"].to_string().contains(&token), "{last}");
    assert_eq!(
        app.compose.sent[&id][0].attachments,
        vec!["截图.png".to_string()]
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_file_that_cannot_be_read_is_said_in_plain_words() {
    let sandbox = small_sandbox().await;
    let client = client(&sandbox);
    let mut app = app_listing(&[1], None);
    press(&mut app, KeyCode::Char('r'));
    ctrl(&mut app, 'o');
    type_text(&mut app, "/no/such/file.pdf");
    let commands = press(&mut app, KeyCode::Enter);
    run(&mut app, &client, commands).await;
    let composer = app.compose.composer.as_ref().unwrap();
    assert!(composer.attachments.is_empty());
    let error = common::compose_said(&app, composer.error.as_ref().unwrap());
    assert!(
        error.contains("file.pdf") && error.contains("没有上传"),
        "{error}"
    );
    sandbox.shutdown().await;
}

#[test]
fn the_external_editors_text_replaces_the_draft() {
    let mut app = app_listing(&[7], None);
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "旧文字");
    // The loop runs the editor on the text (it owns the terminal).
    let out = ctrl(&mut app, 'x');
    assert_eq!(
        out,
        vec![Command::EditInEditor {
            text: "旧文字".into()
        }]
    );
    update(
        &mut app,
        Action::Compose(gongdan::app::composer::ComposeAction::ExternalEdited(Ok(
            "新文字\r\n第二行\t缩进\n".into(),
        ))),
    );
    let composer = app.compose.composer.as_ref().unwrap();
    assert_eq!(composer.editor.lines(), ["新文字", "第二行    缩进"]);
    // A failing editor leaves the text alone and says so.
    update(
        &mut app,
        Action::Compose(gongdan::app::composer::ComposeAction::ExternalEdited(Err(
            "vi: exit status: 1".into(),
        ))),
    );
    assert_eq!(composer_text(&app), "新文字\n第二行    缩进");
    assert!(app.notice.clone().unwrap().is_error);
}

#[test]
fn the_external_editor_runs_on_a_temporary_file() {
    // `sed -i` stands in for an editor: it changes the file in place and exits 0.
    let edited = gongdan::tui::editor::edit_with("sed -i s/旧/新/", "旧的回复").unwrap();
    assert_eq!(edited.trim_end(), "新的回复");
    let failed = gongdan::tui::editor::edit_with("false", "x");
    assert!(failed.is_err());
}

// ----- the new-ticket form -----

fn focus_description(app: &mut App) {
    for _ in 0..40 {
        if app.compose.new_ticket.as_ref().unwrap().on_description() {
            return;
        }
        press(app, KeyCode::Tab);
    }
    panic!("no description");
}

#[test]
fn the_new_ticket_form_refuses_what_the_server_needs() {
    let mut app = app_listing(&[7], None);
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.pane(), Pane::NewTicket);
    assert!(compose_commands(&ctrl(&mut app, 's')).is_empty());
    let error = app
        .compose
        .new_ticket
        .as_ref()
        .unwrap()
        .error
        .as_ref()
        .map(|e| common::compose_said(&app, e))
        .unwrap();
    assert!(error.contains("标题"), "{error}");
    type_text(&mut app, "打印机卡纸");
    focus_description(&mut app);
    type_text(&mut app, "三楼打印机又卡纸了");
    ctrl(&mut app, 's');
    let error = app
        .compose
        .new_ticket
        .as_ref()
        .unwrap()
        .error
        .as_ref()
        .map(|e| common::compose_said(&app, e))
        .unwrap();
    assert!(error.contains("联系人"), "{error}");
}

#[test]
fn a_new_ticket_draft_survives_esc_and_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let drafts_dir = dir.path().join("drafts");
    let mut app = app_listing(&[7], Some(&drafts_dir));
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "发票抬头错误");
    focus_field(&mut app, "或手机号");
    type_text(&mut app, "13800138000");
    focus_field(&mut app, "优先级");
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    focus_description(&mut app);
    type_text(&mut app, "需要重开发票");
    let commands = press(&mut app, KeyCode::Esc);
    assert!(app.compose.new_ticket.is_none());
    let saves = compose_commands(&commands);
    let [ComposeCommand::SaveDraft { path, text }] = &saves[..] else {
        panic!("{saves:?}");
    };
    gongdan::draft_files::save(path, text).unwrap();
    for mut app in [
        app,
        app_listing(&[7], Some(&drafts_dir)), // a restart
    ] {
        press(&mut app, KeyCode::Char('n'));
        let form = app.compose.new_ticket.as_ref().unwrap();
        assert_eq!(form.fields[0].text, "发票抬头错误");
        let mobile = form
            .fields
            .iter()
            .find(|f| f.id == gongdan::app::new_ticket::FieldId::Mobile)
            .unwrap();
        assert_eq!(mobile.text, "13800138000");
        let priority = form
            .fields
            .iter()
            .find(|f| f.id == gongdan::app::new_ticket::FieldId::Priority)
            .unwrap();
        assert_eq!(priority.choice.as_deref(), Some("2"));
        assert_eq!(form.description_text(), "需要重开发票");
    }
}

#[tokio::test]
async fn ctrl_s_creates_the_ticket_on_the_sandbox_and_opens_it() {
    let sandbox = small_sandbox().await;
    let client = client(&sandbox);
    let before = sandbox.ticket_ids();
    let mut app = app_listing(&[before[0]], None);
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "无法登录 VPN");
    focus_field(&mut app, "或手机号");
    type_text(&mut app, "13900001111");
    focus_field(&mut app, "姓名");
    type_text(&mut app, "王小明");
    focus_field(&mut app, "优先级");
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    focus_field(&mut app, "标签（逗号分隔）");
    type_text(&mut app, "vip客户，远程");
    focus_description(&mut app);
    type_text(&mut app, "从昨天开始 VPN 每十分钟断一次。");
    let commands = ctrl(&mut app, 's');
    assert!(matches!(
        &compose_commands(&commands)[..],
        [ComposeCommand::Create { .. }]
    ));
    let after = run(&mut app, &client, commands).await;
    assert!(app.compose.new_ticket.is_none(), "closed after creating");
    let new_id = sandbox
        .ticket_ids()
        .into_iter()
        .find(|id| !before.contains(id))
        .expect("a new ticket on the sandbox");
    let stored = sandbox.ticket(new_id).unwrap();
    assert_eq!(stored["subject"], "无法登录 VPN", "{stored}");
    assert_eq!(stored["priorityLevel"].to_string().trim_matches('"'), "3");
    let tags = stored["tagList"].to_string();
    assert!(tags.contains("vip客户") && tags.contains("远程"), "{tags}");
    // The new ticket's detail is open and asked for.
    assert_eq!(app.detail.as_ref().unwrap().ticket_id, new_id);
    assert!(
        after
            .iter()
            .any(|c| matches!(c, Command::Show { ticket, .. } if *ticket == new_id))
    );
    sandbox.shutdown().await;
}

#[test]
fn a_failed_create_keeps_the_form() {
    let app = new_ticket_refused(gongdan::api::ApiError::Forbidden(None));
    let form = app.compose.new_ticket.as_ref().expect("kept");
    assert_eq!(form.fields[0].text, "主题");
    assert!(common::compose_said(&app, form.error.as_ref().unwrap()).contains("403"));
}

#[test]
fn a_created_ticket_shows_at_once_in_the_view_behind_it_and_the_other_tabs_reload_at_once() {
    let mut app = app(Lang::Zh, 100, 30);
    // Every tab asks for its first page at start; the first two answer.
    let commands = start(&mut app);
    let is_page = |c: &Command| matches!(c, Command::FetchList { .. } | Command::Search { .. });
    let lists: Vec<_> = commands
        .iter()
        .filter(|c| is_page(c))
        .filter_map(Command::request_id)
        .collect();
    answer_page(
        &mut app,
        lists[0],
        page(vec![ticket(7), ticket(8)], 2, false),
    );
    answer_page(&mut app, lists[1], page(vec![ticket(8)], 1, false));
    assert_eq!(app.active, 0);
    // #7 marked, the selection on #8.
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(app.views[0].ids[app.views[0].selected], 8);

    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "主题");
    focus_field(&mut app, "联系人编号");
    type_text(&mut app, "501");
    focus_description(&mut app);
    type_text(&mut app, "描述");
    let commands = ctrl(&mut app, 's');
    let Some(Command::Compose(ComposeCommand::Create { id, .. })) = commands
        .iter()
        .find(|c| matches!(c, Command::Compose(ComposeCommand::Create { .. })))
    else {
        panic!("{commands:?}");
    };
    let commands = update(
        &mut app,
        Action::Worker(WorkerEvent::Compose(ComposeEvent::Created {
            id: *id,
            result: Ok(Box::new(gongdan::api::Created {
                ticket: ticket(9),
                location: None,
            })),
        })),
    );
    // The view behind the new ticket's detail reloads now, without R, and so does the other
    // loaded tab, so the counts on the tab line include the new ticket at once.
    let reloads = |app: &App, view: usize| -> Vec<gongdan::app::RequestId> {
        let refresh = app.views[view].refresh.as_ref().expect("reloading");
        refresh.requests.keys().copied().collect()
    };
    let [reload] = reloads(&app, 0)[..] else {
        panic!("one page to reload");
    };
    let [other] = reloads(&app, 1)[..] else {
        panic!("one page to reload");
    };
    let sent: Vec<_> = commands.iter().filter_map(Command::request_id).collect();
    assert!(
        sent.contains(&reload) && sent.contains(&other),
        "{commands:?}"
    );
    assert!(!app.views[1].stale);
    answer_page(
        &mut app,
        reload,
        page(vec![ticket(9), ticket(7), ticket(8)], 3, false),
    );
    assert_eq!(app.views[0].ids, [9, 7, 8]);
    assert_eq!(app.views[0].ids[app.views[0].selected], 8, "selection kept");
    assert!(app.marks.ids.contains(&7), "marks kept");
    assert_eq!(app.detail.as_ref().unwrap().ticket_id, 9);
    answer_page(&mut app, other, page(vec![ticket(9), ticket(8)], 2, false));
    assert_eq!(app.views[1].total, Some(2));
    // Showing it then costs nothing more.
    let commands = update(&mut app, Action::SelectView(1));
    assert!(!commands.iter().any(is_page), "{commands:?}");
}

// ----- one reply to many -----

#[tokio::test]
async fn with_tickets_marked_the_reply_goes_to_all_through_the_bulk_pane() {
    use gongdan::app::bulk_edit::{BulkCommand, BulkEvent, Stage};
    use gongdan::bulk::{Engine, Journal, RunOptions};
    let sandbox = small_sandbox().await;
    let client = client(&sandbox);
    let ids: Vec<u64> = sandbox.ticket_ids().into_iter().take(3).collect();
    let state = tempfile::tempdir().unwrap();
    // The rows as the server has them: the run reads them again before its call and would
    // leave a ticket whose update time differs alone ("changed since the preview").
    let listed = client.show_many(&ids).await.unwrap().tickets;
    let mut app = app_with_tickets(listed, Some(&state.path().join("drafts")));
    // Space marks and moves down.
    for _ in 0..3 {
        press(&mut app, KeyCode::Char(' '));
    }
    assert_eq!(app.marks.ids.len(), 3);
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(
        app.compose.composer.as_ref().unwrap().target,
        ReplyTarget::Many(ids.clone())
    );
    let reply = "系统维护已完成，请重试。";
    type_text(&mut app, reply);
    let commands = ctrl(&mut app, 's');
    // The draft is kept until the run is done; nothing is sent before the preview.
    assert!(
        commands
            .iter()
            .all(|c| !matches!(c, Command::Bulk(BulkCommand::Start { .. })))
    );
    assert!(app.compose.composer.is_none());
    assert_eq!(app.compose.drafts.get(&DraftKey::ReplyMany), Some(reply));
    let Some(Stage::Preview { plan, preview, .. }) = &app.bulk.stage else {
        panic!("{:?}", app.bulk.stage);
    };
    let summary = gongdan::words::bulk::preview_summary(
        gongdan::lang::Lang::En,
        preview,
        &Default::default(),
    );
    assert_eq!(plan.tickets.len(), 3);
    assert_eq!(plan.reply.as_ref().unwrap().message, reply);
    assert!(summary.contains("3"), "{summary}");
    // A reply cannot be taken back: the preview does not promise an undo.
    let screen = drawn(&app);
    assert!(screen.contains("回复发出后不能撤回"), "{screen}");
    assert!(!screen.contains("可在历史"), "{screen}");
    // Enter in the preview starts the run (the bulk pane's keys).
    let commands = press(&mut app, KeyCode::Enter);
    let Some(Command::Bulk(BulkCommand::Start { id, plan })) = commands
        .iter()
        .find(|c| matches!(c, Command::Bulk(BulkCommand::Start { .. })))
    else {
        panic!("{commands:?}");
    };
    // The bulk worker's part: the engine, journaled, against the sandbox.
    let engine = Engine::new(
        client.clone(),
        Journal::new(state.path()),
        RunOptions::default(),
        app.settings.bulk_target.clone(),
    );
    let (events, mut receiver) = tokio::sync::mpsc::channel(64);
    let drain = tokio::spawn(async move { while receiver.recv().await.is_some() {} });
    let report = engine
        .start(plan, &events, &tokio_util::sync::CancellationToken::new())
        .await
        .unwrap();
    drop(events);
    drain.await.unwrap();
    assert!(
        report.all_done(),
        "{}",
        gongdan::words::bulk::run_report(gongdan::lang::Lang::En, &report)
    );
    update(
        &mut app,
        Action::Worker(WorkerEvent::Bulk(BulkEvent::RunDone {
            id: *id,
            result: Ok(Box::new(report)),
        })),
    );
    for id in &ids {
        assert!(
            reply_texts(&sandbox, *id).contains(&reply.to_string()),
            "#{id}"
        );
        assert_eq!(app.compose.sent[id][0].text, reply);
    }
    assert_eq!(app.compose.drafts.get(&DraftKey::ReplyMany), None);
    assert!(matches!(app.bulk.stage, Some(Stage::Result(_))));
    // And the engine refuses to undo it, with a reason the console can name.
    let refused = engine.plan_undo(&plan.run_id).await.unwrap_err();
    assert!(
        matches!(
            refused,
            gongdan::bulk::BulkError::NothingToUndo(gongdan::bulk::UndoRefusal::ReplyOnly)
        ),
        "{refused}"
    );
    sandbox.shutdown().await;
}

// ----- paste and the way out -----

#[test]
fn a_paste_lands_whole_in_the_composer_cleaned_of_control_bytes() {
    let mut app = app_listing(&[7], None);
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "您好，");
    update(
        &mut app,
        Action::Paste("订单 DD1\r\n地址：上海\x1b]52;c;eA==\x07\n\tok".into()),
    );
    let composer = app.compose.composer.as_ref().unwrap();
    assert_eq!(
        composer.editor.lines(),
        ["您好，订单 DD1", "地址：上海", "    ok"]
    );
    assert!(composer.edited_at.is_some() || composer_text(&app).contains("ok"));
}

/// xterm, VTE, iTerm2 and tmux send a pasted line break as a lone CR: it is a line break.
#[test]
fn a_pasted_lone_carriage_return_is_a_line_break() {
    let mut app = app_listing(&[7], None);
    press(&mut app, KeyCode::Char('r'));
    update(
        &mut app,
        Action::Paste("line one\rline two\r\u{202e}x".into()),
    );
    let composer = app.compose.composer.as_ref().unwrap();
    assert_eq!(composer.editor.lines(), ["line one", "line two", "x"]);
    // In a one-line prompt the lines are joined by a space.
    let mut app = app_listing(&[7], None);
    press(&mut app, KeyCode::Char('/'));
    update(&mut app, Action::Paste("foo\rbar".into()));
    assert_eq!(app.prompt.as_ref().unwrap().line.text, "foo bar");
}

#[test]
fn a_paste_in_the_list_is_never_taken_as_commands() {
    let mut app = app_listing(&[7, 8, 9], None);
    let commands = update(&mut app, Action::Paste("jjq".into()));
    assert!(commands.is_empty(), "{commands:?}");
    assert!(!app.quit);
    assert_eq!(app.current_view().selected_id(), Some(7));
}

#[test]
fn a_paste_in_the_search_prompt_is_typed_on_one_line() {
    let mut app = app_listing(&[7], None);
    press(&mut app, KeyCode::Char('/'));
    assert_eq!(app.pane(), Pane::Prompt);
    update(&mut app, Action::Paste("打印机\n卡纸".into()));
    assert_eq!(app.prompt.as_ref().unwrap().line.text, "打印机 卡纸");
}

#[test]
fn the_way_out_writes_the_open_composers_text_as_it_is_now() {
    let dir = tempfile::tempdir().unwrap();
    let drafts_dir = dir.path().join("drafts");
    let mut app = app_listing(&[7], Some(&drafts_dir));
    assert!(gongdan::app::composer::draft_writes_on_the_way_out(&app).is_empty());
    press(&mut app, KeyCode::Char('r'));
    tick(&mut app, now());
    type_text(&mut app, "刚打的字");
    let writes = gongdan::app::composer::draft_writes_on_the_way_out(&app);
    let expected = vec![ComposeCommand::SaveDraft {
        path: drafts_dir.join("7.txt"),
        text: "刚打的字".into(),
    }];
    assert_eq!(writes, expected);
    // The debounce asked the worker to write it; the way out writes it all the same (the
    // worker may not have run it yet).
    let due = tick(&mut app, now() + chrono::Duration::seconds(2));
    assert_eq!(compose_commands(&due), expected);
    assert_eq!(
        gongdan::app::composer::draft_writes_on_the_way_out(&app),
        expected
    );
    // All text deleted: the way out removes the draft.
    for _ in 0..4 {
        press(&mut app, KeyCode::Backspace);
    }
    assert_eq!(
        gongdan::app::composer::draft_writes_on_the_way_out(&app),
        vec![ComposeCommand::DeleteDraft {
            path: drafts_dir.join("7.txt")
        }]
    );
}

#[test]
fn steady_typing_is_written_every_five_seconds_not_only_after_a_pause() {
    let dir = tempfile::tempdir().unwrap();
    let drafts_dir = dir.path().join("drafts");
    let mut app = app_listing(&[7], Some(&drafts_dir));
    press(&mut app, KeyCode::Char('r'));
    let t0 = now();
    let mut written = Vec::new();
    // A key every 200 ms (each tick), never a pause of a second, for six seconds.
    for step in 0..30 {
        written.extend(compose_commands(&tick(
            &mut app,
            t0 + chrono::Duration::milliseconds(200 * step),
        )));
        type_text(&mut app, "字");
        let at = t0 + chrono::Duration::milliseconds(200 * step + 100);
        written.extend(compose_commands(&tick(&mut app, at)));
    }
    assert_eq!(written.len(), 1, "{written:?}");
    let ComposeCommand::SaveDraft { text, .. } = &written[0] else {
        panic!("{written:?}");
    };
    // Written at the tick five seconds after the first key (t0 + 5 s), with the 25
    // characters typed by then.
    assert_eq!(text.chars().count(), 25, "{text}");
}

/// With tickets marked, `r` in the list replies to the marked ones, but `r` in an open ticket
/// replies to that ticket: the one the agent is reading.
#[test]
fn r_in_an_open_ticket_replies_to_it_even_with_tickets_marked() {
    let mut app = app_listing(&[7, 8, 9], None);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(app.current_view().selected_id(), Some(9));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.pane(), Pane::Detail);
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(
        app.compose.composer.as_ref().unwrap().target,
        ReplyTarget::One(9)
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.pane(), Pane::List);
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(
        app.compose.composer.as_ref().unwrap().target,
        ReplyTarget::Many(vec![7, 8])
    );
}

/// The composer's text takes the keys a shell user types by reflex: Ctrl-A/E to the line's
/// start and end, Ctrl-U deletes to the start, Ctrl-W a word back, Ctrl-K to the end, and
/// Ctrl-Z undoes (attach is Ctrl-O and the editor Ctrl-X, off those keys).
#[test]
fn the_composer_edits_a_line_like_a_shell_prompt() {
    let mut app = app_listing(&[7], None);
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "第一行");
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "hello world");
    ctrl(&mut app, 'a');
    type_text(&mut app, ">");
    let mut out = ctrl(&mut app, 'e');
    out.extend(type_text(&mut app, " ok"));
    assert_eq!(composer_text(&app), "第一行\n>hello world ok");
    assert_eq!(app.pane(), Pane::Composer, "no attach prompt, no editor");
    assert!(
        !out.iter()
            .any(|c| matches!(c, Command::EditInEditor { .. })),
        "{out:?}"
    );
    ctrl(&mut app, 'w');
    assert_eq!(composer_text(&app), "第一行\n>hello world ");
    ctrl(&mut app, 'u');
    assert_eq!(composer_text(&app), "第一行\n");
    ctrl(&mut app, 'z');
    assert_eq!(composer_text(&app), "第一行\n>hello world ");
    // Ctrl-O opens the attachment path, Ctrl-X the external editor.
    ctrl(&mut app, 'o');
    assert!(matches!(
        app.compose.composer.as_ref().unwrap().mode,
        ComposerMode::AttachPath { .. }
    ));
    press(&mut app, KeyCode::Esc);
    let out = ctrl(&mut app, 'x');
    assert!(
        out.iter()
            .any(|c| matches!(c, Command::EditInEditor { .. })),
        "{out:?}"
    );
    // F1 lists them after the composer's own keys, in the UI language.
    let rows = app.settings.keymap.help_words(Pane::Composer, Lang::Zh);
    assert!(
        rows.iter()
            .any(|(keys, text)| keys == "Ctrl-U Ctrl-K" && *text == "删除到行首 / 行尾"),
        "{rows:?}"
    );
}

// ----- a ticket changed on the server since it was shown -----

/// A colleague changes the ticket while the reply is written: Ctrl-S sends nothing, says
/// what changed (the status, and the update time), and the text stays; Ctrl-S again sends it
/// once. Esc over the window goes back to the text.
#[tokio::test]
async fn a_reply_to_a_ticket_changed_since_it_was_shown_asks_before_it_is_sent() {
    let sandbox = small_sandbox().await;
    let client = client(&sandbox);
    let id = sandbox
        .ticket_ids()
        .into_iter()
        .find(|id| stored_status(&sandbox, *id) != Some(TicketStatus::Pending))
        .unwrap();
    let mut app = app_showing(&client, &[id]).await;
    press(&mut app, KeyCode::Char('r'));
    let reply = "您好，已为您补发";
    type_text(&mut app, reply);
    // The colleague, on the web page.
    client
        .update(
            id,
            &gongdan::api::TicketChange {
                status: Some(TicketStatus::Pending),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let replies_before = reply_texts(&sandbox, id).len();

    let commands = ctrl(&mut app, 's');
    assert!(
        matches!(
            &compose_commands(&commands)[..],
            [ComposeCommand::Send { seen: Some(_), .. }]
        ),
        "the send carries the version shown"
    );
    run(&mut app, &client, commands).await;
    assert_eq!(
        reply_texts(&sandbox, id).len(),
        replies_before,
        "nothing sent"
    );
    let composer = app.compose.composer.as_ref().unwrap();
    assert!(
        matches!(composer.mode, ComposerMode::Stale { .. }),
        "{:?}",
        composer.mode
    );
    assert_eq!(composer.text(), reply, "the text stays");
    let screen = drawn(&app);
    assert!(screen.contains("已被更改"), "{screen}");
    assert!(
        screen.contains("状态：") && screen.contains("待回应"),
        "{screen}"
    );
    // The store has the server's version: the ticket above the reply is the new one.
    assert_eq!(
        app.tickets.get(&id).unwrap().status,
        Some(TicketStatus::Pending)
    );

    // Esc: back to the text, nothing sent.
    press(&mut app, KeyCode::Esc);
    let composer = app.compose.composer.as_ref().unwrap();
    assert_eq!(composer.mode, ComposerMode::Editing);
    assert_eq!(reply_texts(&sandbox, id).len(), replies_before);

    // Ctrl-S again: checked against the version now shown, sent once.
    let commands = ctrl(&mut app, 's');
    run(&mut app, &client, commands).await;
    assert!(app.compose.composer.is_none(), "sent and closed");
    let replies = reply_texts(&sandbox, id);
    assert_eq!(replies.len(), replies_before + 1);
    assert_eq!(replies.iter().filter(|r| *r == reply).count(), 1);
    sandbox.shutdown().await;
}

/// Over the "changed since" window the send key sends anyway; a ticket changed a second
/// time meanwhile asks again.
#[tokio::test]
async fn send_anyway_sends_once_and_a_second_change_asks_again() {
    let sandbox = small_sandbox().await;
    let client = client(&sandbox);
    let id = sandbox.ticket_ids()[2];
    let mut app = app_showing(&client, &[id]).await;
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "第二次回复");
    let colleague = |priority| gongdan::api::TicketChange {
        priority: Some(priority),
        ..Default::default()
    };
    let shown = app.tickets.get(&id).unwrap().priority;
    let (first, second) = if shown == Some(gongdan::api::Priority::Urgent) {
        (gongdan::api::Priority::Low, gongdan::api::Priority::High)
    } else {
        (gongdan::api::Priority::Urgent, gongdan::api::Priority::Low)
    };
    client.update(id, &colleague(first)).await.unwrap();
    let commands = ctrl(&mut app, 's');
    run(&mut app, &client, commands).await;
    assert!(matches!(
        app.compose.composer.as_ref().unwrap().mode,
        ComposerMode::Stale { .. }
    ));
    let screen = drawn(&app);
    let label = gongdan::words::priority_label(Lang::Zh, first);
    assert!(screen.contains(&format!("→ {label}")), "{screen}");
    // Changed again before the user answers; the seconds of updateDT must move.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    client.update(id, &colleague(second)).await.unwrap();
    let commands = ctrl(&mut app, 's');
    run(&mut app, &client, commands).await;
    assert!(
        matches!(
            app.compose.composer.as_ref().unwrap().mode,
            ComposerMode::Stale { .. }
        ),
        "asked again"
    );
    assert!(!reply_texts(&sandbox, id).contains(&"第二次回复".to_string()));
    let commands = ctrl(&mut app, 's');
    run(&mut app, &client, commands).await;
    assert!(app.compose.composer.is_none());
    let sent = reply_texts(&sandbox, id);
    assert_eq!(sent.iter().filter(|r| *r == "第二次回复").count(), 1);
    sandbox.shutdown().await;
}

/// The composer closed while the check ran: nothing sent, the text kept as the draft, an
/// error notice says why.
#[test]
fn a_stale_answer_for_a_closed_composer_keeps_the_draft_and_says_why() {
    let mut app = app_listing(&[7], None);
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "写了一半");
    let commands = ctrl(&mut app, 's');
    let Some(ComposeCommand::Send { id, ticket, .. }) = compose_commands(&commands).pop() else {
        panic!("a send");
    };
    // Esc closes the composer while the check is in flight.
    app.compose.composer = None;
    update(
        &mut app,
        Action::Worker(WorkerEvent::Compose(ComposeEvent::Stale {
            id,
            ticket,
            now: None,
            updated: now(),
        })),
    );
    assert_eq!(
        app.compose.drafts.get(&DraftKey::Reply(7)),
        Some("写了一半")
    );
    let notice = app.notice.as_ref().unwrap();
    assert!(
        notice.is_error && common::said(&app, notice).contains("#7"),
        "{notice:?}"
    );
}

/// The new-ticket form filled and sent for contact 501, the create refused with `error`.
fn new_ticket_refused(error: gongdan::api::ApiError) -> App {
    let mut app = app_listing(&[7], None);
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "主题");
    focus_field(&mut app, "联系人编号");
    type_text(&mut app, "501");
    focus_description(&mut app);
    type_text(&mut app, "描述");
    let commands = ctrl(&mut app, 's');
    let Some(Command::Compose(ComposeCommand::Create { id, .. })) = commands
        .iter()
        .find(|c| matches!(c, Command::Compose(ComposeCommand::Create { .. })))
    else {
        panic!("{commands:?}");
    };
    update(
        &mut app,
        Action::Worker(WorkerEvent::Compose(ComposeEvent::Created {
            id: *id,
            result: Err(error),
        })),
    );
    app
}
