//! A ticket's files in `update` and on screen (issue 17, item 8): the detail lists them with
//! their sizes (unknown said, never 0), `a` selects, `d` asks the worker for a download into
//! the configured folder, its progress shows on the status line and its end in a notice,
//! `L` copies the link; a file without a link or a console without a folder says so.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;

use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gongdan::api::{CustomField, CustomValue, FieldDef, Ticket};
use gongdan::app::files::{DownloadEvent, DownloadFailure, DownloadRequest};
use gongdan::app::keymap::action_for_key;
use gongdan::app::{Action, App, Command, LookupKey, LookupValue, WorkerEvent, update};
use gongdan::lang::Lang;
use serde_json::json;

fn key(app: &mut App, c: char) -> Vec<Command> {
    let event = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    match action_for_key(app, &event) {
        Some(action) => update(app, action),
        None => Vec::new(),
    }
}

fn notice(app: &App) -> String {
    app.notice
        .as_ref()
        .map(|n| common::said(app, n))
        .unwrap_or_default()
}

fn is_error(app: &App) -> bool {
    app.notice.as_ref().is_some_and(|n| n.is_error)
}

/// Ticket 1: two description files (one sized) and an attachment field with a link and a
/// bare token. Ticket 2: none.
fn with_files(id: u64) -> Ticket {
    let mut t = ticket(id);
    if id == 1 {
        t.live.description_attachments = Some(json!([
            {"fileName": "截图.png", "filePath": "https://files.example.com/a/desc-1.png", "fileSize": 2048},
            {"fileName": "log.txt", "filePath": "https://files.example.com/a/log.txt"},
        ]));
        t.custom_fields = vec![CustomField {
            key: "field_4".into(),
            value: CustomValue::Text("https://files.example.com/a/photo.jpg,tok123".into()),
            pay_status: None,
        }];
    }
    t
}

/// The All tab listing tickets 1 and 2 (full), `field_4` defined as an attachment field,
/// ticket 1 open.
fn files_app(lang: Lang, folder: Option<&str>) -> App {
    let mut app = app(lang, 100, 30);
    app.settings.download_dir = folder.map(PathBuf::from);
    let commands = start(&mut app);
    update(&mut app, Action::SelectView(3));
    let more = answer_page(
        &mut app,
        find(&commands, is_list),
        page(vec![with_files(1), with_files(2)], 2, false),
    );
    for command in commands.iter().chain(&more) {
        if let Command::Lookup { id, key } = command {
            let result = match key {
                LookupKey::FieldDefs => Ok(LookupValue::FieldDefs(vec![FieldDef {
                    key: "field_4".into(),
                    name: "故障照片".into(),
                    kind: 12,
                    required: false,
                    options: Vec::new(),
                }])),
                _ => Err(gongdan::api::ApiError::Forbidden(None)),
            };
            update(
                &mut app,
                Action::Worker(WorkerEvent::Looked {
                    id: *id,
                    key: *key,
                    result,
                }),
            );
        }
    }
    update(&mut app, Action::Open);
    assert_eq!(app.detail.as_ref().unwrap().ticket_id, 1);
    app
}

fn downloads(commands: &[Command]) -> Vec<DownloadRequest> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Download(request) => Some(request.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_detail_lists_each_file_with_its_size_or_unknown_and_its_field() {
    // A wide character's second cell reads as a space: compare without spaces.
    let squash = |text: &str| text.replace(' ', "");
    let app = files_app(Lang::En, Some("/tmp/dl"));
    let screen = squash(&screen_lines(&app).join("\n"));
    assert!(screen.contains("──Attachments──"), "{screen}");
    assert!(screen.contains("▶截图.png2.0KB"), "{screen}");
    assert!(screen.contains("log.txtsizeunknown"), "{screen}");
    assert!(
        screen.contains("photo.jpgsizeunknown·field:故障照片"),
        "{screen}"
    );
    assert!(
        screen.contains("(noname)sizeunknown·field:故障照片·nolink"),
        "{screen}"
    );
    assert!(!screen.contains("0B"), "{screen}");
    let zh = squash(&screen_lines(&files_app(Lang::Zh, Some("/tmp/dl"))).join("\n"));
    assert!(zh.contains("──附件──"), "{zh}");
    assert!(zh.contains("log.txt大小未知"), "{zh}");
}

#[test]
fn d_downloads_the_selected_file_into_the_folder_and_a_moves_the_selection() {
    let mut app = files_app(Lang::En, Some("/tmp/dl"));
    key(&mut app, 'a');
    let asked = downloads(&key(&mut app, 'd'));
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].url, "https://files.example.com/a/log.txt");
    assert_eq!(asked[0].name, "log.txt");
    assert_eq!(asked[0].dir, PathBuf::from("/tmp/dl"));
    assert_eq!(notice(&app), "Downloading log.txt…");
    // Keys still work while it downloads.
    key(&mut app, 'a');
    let second = downloads(&key(&mut app, 'd'));
    assert_eq!(second[0].name, "photo.jpg");
    // Progress on the status line, the oldest download first.
    let id = asked[0].id;
    update(
        &mut app,
        Action::Worker(WorkerEvent::Download(DownloadEvent::Progress {
            id,
            done: 512,
            total: Some(1024),
        })),
    );
    let bar = screen_lines(&app).last().unwrap().clone();
    assert!(bar.contains("↓ log.txt 50% +1"), "{bar}");
    update(
        &mut app,
        Action::Worker(WorkerEvent::Download(DownloadEvent::Done {
            id,
            path: PathBuf::from("/tmp/dl/log (1).txt"),
        })),
    );
    assert_eq!(notice(&app), "Downloaded log.txt to /tmp/dl/log (1).txt");
    assert_eq!(app.files.downloads.len(), 1);
    // A failure is an error that names the file and why.
    update(
        &mut app,
        Action::Worker(WorkerEvent::Download(DownloadEvent::Failed {
            id: second[0].id,
            error: DownloadFailure::File {
                dir: PathBuf::from("/tmp/dl"),
                error: "No space left on device".into(),
            },
        })),
    );
    assert!(is_error(&app));
    assert_eq!(
        notice(&app),
        "photo.jpg was not downloaded: cannot write in /tmp/dl (No space left on device)"
    );
    assert!(app.files.downloads.is_empty());
}

#[test]
fn a_size_the_host_does_not_announce_shows_the_bytes_so_far() {
    let mut app = files_app(Lang::En, Some("/tmp/dl"));
    key(&mut app, 'a');
    let id = downloads(&key(&mut app, 'd'))[0].id;
    update(
        &mut app,
        Action::Worker(WorkerEvent::Download(DownloadEvent::Progress {
            id,
            done: 3 * 1024,
            total: None,
        })),
    );
    let bar = screen_lines(&app).last().unwrap().clone();
    assert!(bar.contains("↓ log.txt 3.0 KB"), "{bar}");
}

#[test]
fn l_copies_the_link_and_a_token_without_one_is_refused() {
    let mut app = files_app(Lang::En, Some("/tmp/dl"));
    let out = key(&mut app, 'L');
    assert_eq!(
        out,
        vec![Command::Copy(
            "https://files.example.com/a/desc-1.png".into()
        )]
    );
    assert_eq!(notice(&app), "Copied the link of 截图.png");
    for _ in 0..3 {
        key(&mut app, 'a');
    }
    assert!(key(&mut app, 'L').is_empty());
    assert!(is_error(&app));
    assert!(
        notice(&app).starts_with("(no name) has no link"),
        "{}",
        notice(&app)
    );
    assert!(downloads(&key(&mut app, 'd')).is_empty());
    // The selection wraps to the first file.
    key(&mut app, 'a');
    assert_eq!(
        key(&mut app, 'L'),
        vec![Command::Copy(
            "https://files.example.com/a/desc-1.png".into()
        )]
    );
}

#[test]
fn without_a_folder_or_without_files_nothing_is_asked_and_the_notice_says_why() {
    let mut app = files_app(Lang::En, None);
    assert!(downloads(&key(&mut app, 'd')).is_empty());
    assert!(notice(&app).contains("download_dir"), "{}", notice(&app));
    let mut app = files_app(Lang::En, Some("/tmp/dl"));
    update(&mut app, Action::NextTicket);
    assert_eq!(app.detail.as_ref().unwrap().ticket_id, 2);
    assert!(downloads(&key(&mut app, 'd')).is_empty());
    assert_eq!(
        notice(&app),
        "This ticket has no attachments (or they are not read yet)"
    );
}

#[test]
fn the_keys_are_in_help_and_configurable() {
    let mut app = files_app(Lang::En, Some("/tmp/dl"));
    key(&mut app, '?');
    let help = screen_lines(&app).join("\n");
    assert!(help.contains("Download the selected attachment"), "{help}");
    assert!(
        help.contains("Copy the selected attachment's link"),
        "{help}"
    );
    assert!(help.contains("Select the next attachment"), "{help}");
}
