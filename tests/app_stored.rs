//! The local store in the console's state (issue 16), pure: a first page from the store
//! painted "as of" its time, the server's page replacing it in place with the changed rows
//! marked and the selection on its ticket; offline (the server out of reach): since when,
//! retries with a doubling wait, back by itself, changes refused at once. Snapshots of the
//! status line at 80×24 in both languages.

#![allow(clippy::unwrap_used)]

mod common;

use chrono::{Duration, NaiveDateTime};
use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gongdan::api::{ApiError, NetworkError, Ticket, TicketStatus};
use gongdan::app::keymap::action_for_key;
use gongdan::app::notice::Note;
use gongdan::app::offline::OfflineChange;
use gongdan::app::{Action, App, Command, RequestId, Settings, WorkerEvent, update};
use gongdan::lang::Lang;

/// An app with a local store, showing its "All" tab (a list) with its first page asked and
/// the search tabs answered empty. Returns the list's request.
fn stored_app(lang: Lang, width: u16, height: u16, store: bool) -> (App, RequestId) {
    let settings = Settings {
        lang,
        account_label: "admin@127.0.0.1".into(),
        local_store: store,
        ..Settings::default()
    };
    let mut app = App::new(settings, now());
    update(&mut app, Action::Resize { width, height });
    let commands = start(&mut app);
    for status in ["1", "2", "3"] {
        answer_page(
            &mut app,
            find(&commands, is_search_for(status)),
            page(vec![], 0, false),
        );
    }
    update(&mut app, Action::SelectView(3));
    (app, find(&commands, is_list))
}

/// The stored page as of 11:40 (server time, as the fixture's `now` is).
fn as_of() -> NaiveDateTime {
    now() - Duration::minutes(20)
}

fn stored(app: &mut App, id: RequestId, tickets: Vec<Ticket>) -> Vec<Command> {
    update(
        app,
        Action::Worker(WorkerEvent::Stored {
            id,
            tickets,
            as_of: as_of(),
        }),
    )
}

fn failed(app: &mut App, id: RequestId, error: ApiError) -> Vec<Command> {
    update(
        app,
        Action::Worker(WorkerEvent::Page {
            id,
            result: Err(error),
        }),
    )
}

fn refused() -> ApiError {
    ApiError::Network(NetworkError::ConnectionRefused)
}

fn status_line(app: &App) -> String {
    screen_lines(app).last().cloned().unwrap_or_default()
}

fn ids(app: &App) -> Vec<u64> {
    app.current_view().ids.clone()
}

fn tick_at(app: &mut App, at: NaiveDateTime) -> Vec<Command> {
    update(app, Action::Tick { now: at })
}

fn press(app: &mut App, code: KeyCode, mods: KeyModifiers) -> Vec<Command> {
    match action_for_key(app, &KeyEvent::new(code, mods)) {
        Some(action) => update(app, action),
        None => Vec::new(),
    }
}

fn pages_asked(commands: &[Command]) -> usize {
    commands
        .iter()
        .filter(|c| matches!(c, Command::FetchList { .. } | Command::Search { .. }))
        .count()
}

#[test]
fn the_stored_page_paints_at_once_and_the_servers_replaces_it_in_place_marking_changes() {
    let (mut app, list) = stored_app(Lang::En, 100, 30, true);
    stored(&mut app, list, (1..=5).map(ticket).collect());
    assert_eq!(ids(&app), vec![1, 2, 3, 4, 5]);
    assert_eq!(app.current_view().as_of, Some(as_of()));
    // How many the server holds is not known from the store: the tab does not guess.
    assert!(
        screen_lines(&app)[0].contains("(…)"),
        "{}",
        screen_lines(&app)[0]
    );
    assert!(
        status_line(&app).contains("as of 11:40, syncing…"),
        "{}",
        status_line(&app)
    );
    // The user moves to ticket 3 before the server answers.
    update(&mut app, Action::MoveDown);
    update(&mut app, Action::MoveDown);
    assert_eq!(app.current_view().selected_id(), Some(3));
    // The server: a new ticket on top, ticket 2 changed since the store's copy.
    let mut changed = ticket(2);
    changed.subject = "changed on the server".into();
    let server: Vec<Ticket> = [ticket(9), ticket(1), changed, ticket(3), ticket(4)].into();
    answer_page(&mut app, list, page(server, 9, true));
    assert_eq!(ids(&app), vec![9, 1, 2, 3, 4]);
    assert_eq!(app.current_view().selected_id(), Some(3), "on its ticket");
    assert_eq!(app.current_view().as_of, None);
    assert!(
        screen_lines(&app)[0].contains("(9)"),
        "{}",
        screen_lines(&app)[0]
    );
    let marked: Vec<u64> = app.current_view().changed.iter().copied().collect();
    assert_eq!(marked, vec![2], "only the changed ticket is marked");
    assert_eq!(
        app.tickets.get(&2).unwrap().subject,
        "changed on the server"
    );
    assert!(!status_line(&app).contains("as of"));
    // More pages are asked as without a store once the server says there are more.
    assert_eq!(app.current_view().next_page, Some(2));
    // R clears the marks.
    update(&mut app, Action::Reload);
    assert!(app.current_view().changed.is_empty());
}

#[test]
fn a_stored_page_after_the_servers_answer_is_dropped() {
    let (mut app, list) = stored_app(Lang::En, 100, 30, true);
    answer_page(&mut app, list, page(vec![ticket(1), ticket(2)], 2, false));
    stored(&mut app, list, vec![ticket(7), ticket(8)]);
    assert_eq!(ids(&app), vec![1, 2]);
    assert_eq!(app.current_view().as_of, None);
}

#[test]
fn offline_says_since_when_retries_with_a_doubling_wait_and_comes_back_by_itself() {
    let (mut app, list) = stored_app(Lang::En, 100, 30, true);
    stored(&mut app, list, (1..=3).map(ticket).collect());
    failed(&mut app, list, refused());
    // The stored rows stay, and the line says since when.
    assert_eq!(ids(&app), vec![1, 2, 3]);
    let since = app.offline.as_ref().unwrap().since;
    assert_eq!(since, now());
    let line = status_line(&app);
    assert!(line.contains("offline since 12:00, retrying"), "{line}");
    // No try before 2 s; one at 2 s; the next 4 s after it.
    assert_eq!(
        pages_asked(&tick_at(&mut app, now() + Duration::seconds(1))),
        0
    );
    let retry = tick_at(&mut app, now() + Duration::seconds(2));
    assert_eq!(pages_asked(&retry), 1);
    failed(&mut app, find(&retry, is_list), refused());
    assert_eq!(
        app.offline.as_ref().unwrap().since,
        since,
        "since the first"
    );
    assert_eq!(
        pages_asked(&tick_at(&mut app, now() + Duration::seconds(5))),
        0
    );
    let retry = tick_at(&mut app, now() + Duration::seconds(6));
    assert_eq!(pages_asked(&retry), 1);
    // The server answers: back, with the changed rows marked.
    let mut changed = ticket(1);
    changed.status = Some(TicketStatus::Closed);
    answer_page(
        &mut app,
        find(&retry, is_list),
        page(vec![changed, ticket(2), ticket(3)], 3, false),
    );
    assert_eq!(app.offline, None);
    assert!(app.current_view().changed.contains(&1));
    assert!(!status_line(&app).contains("offline"));
}

#[test]
fn the_wait_between_tries_doubles_up_to_a_minute() {
    let (mut app, list) = stored_app(Lang::En, 100, 30, true);
    failed(&mut app, list, refused());
    let mut at = now();
    let mut waits = Vec::new();
    for _ in 0..8 {
        let due = app.offline.as_ref().unwrap().retry_at;
        waits.push((due - at).num_seconds());
        at = due;
        let retry = tick_at(&mut app, at);
        let id = retry.iter().find_map(Command::request_id).unwrap();
        failed(&mut app, id, ApiError::Network(NetworkError::Timeout));
    }
    assert_eq!(waits, vec![2, 4, 8, 16, 32, 60, 60, 60]);
}

#[test]
fn an_answer_with_an_error_status_is_not_offline_and_without_a_store_nothing_changes() {
    let (mut app, list) = stored_app(Lang::En, 100, 30, true);
    failed(
        &mut app,
        list,
        ApiError::Server {
            status: 503,
            excerpt: None,
        },
    );
    assert_eq!(app.offline, None, "a 5xx is the server answering");
    let (mut app, list) = stored_app(Lang::En, 100, 30, false);
    failed(&mut app, list, refused());
    assert_eq!(
        app.offline, None,
        "without a store: only the error, as before"
    );
    assert!(tick_at(&mut app, now() + Duration::seconds(10)).is_empty());
}

#[test]
fn a_status_change_offline_is_refused_at_once_and_nothing_is_sent() {
    let (mut app, list) = stored_app(Lang::En, 100, 30, true);
    stored(&mut app, list, (1..=3).map(ticket).collect());
    failed(&mut app, list, refused());
    update(&mut app, Action::OpenStatusMenu);
    let out = update(&mut app, Action::PickStatus(TicketStatus::Closed));
    assert!(
        !out.iter().any(|c| matches!(c, Command::Bulk(_))),
        "{out:?}"
    );
    assert_eq!(
        app.notice.as_ref().map(|n| n.note.clone()),
        Some(Note::RefusedOffline(OfflineChange::StatusChange))
    );
    assert_eq!(app.tickets.get(&1).unwrap().status, ticket(1).status);
    let said = gongdan::ui::notice::current(&app).unwrap();
    assert_eq!(
        said,
        "offline: the status change refused, nothing is queued to send later"
    );
}

#[test]
fn a_reply_typed_offline_is_kept_and_not_sent() {
    let (mut app, list) = stored_app(Lang::En, 100, 30, true);
    stored(&mut app, list, (1..=3).map(ticket).collect());
    failed(&mut app, list, refused());
    press(&mut app, KeyCode::Char('r'), KeyModifiers::NONE);
    for c in "on my way".chars() {
        press(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    let out = press(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(
        !out.iter().any(|c| matches!(
            c,
            Command::Compose(gongdan::app::composer::ComposeCommand::Send { .. })
        )),
        "{out:?}"
    );
    let composer = app.compose.composer.as_ref().unwrap();
    assert_eq!(composer.text(), "on my way");
    assert_eq!(composer.sending, None);
    assert_eq!(
        app.notice.as_ref().map(|n| n.note.clone()),
        Some(Note::RefusedOffline(OfflineChange::Reply))
    );
}

fn snapshot_app(lang: Lang, offline: bool) -> App {
    let (mut app, list) = stored_app(lang, 80, 24, true);
    stored(&mut app, list, (1..=8).map(ticket).collect());
    if offline {
        failed(&mut app, list, refused());
        // The line's notice is the store's part alone.
        app.notice = None;
    }
    app
}

#[test]
fn the_as_of_and_offline_lines_at_80x24_in_both_languages() {
    for lang in [Lang::En, Lang::Zh] {
        for offline in [false, true] {
            let app = snapshot_app(lang, offline);
            let name = format!(
                "{}_{}_80x24",
                if offline { "offline" } else { "as_of" },
                if lang == Lang::En { "en" } else { "zh" }
            );
            insta::assert_snapshot!(name, screen_lines(&app).join("\n"));
        }
    }
}

#[test]
fn the_store_is_synced_at_start_and_on_r_only_with_a_store() {
    let with = |store: bool| {
        let settings = Settings {
            local_store: store,
            ..Settings::default()
        };
        let mut app = App::new(settings, now());
        let start = update(&mut app, Action::Start);
        (app, start)
    };
    let sync_of = |commands: &[Command]| {
        commands.iter().find_map(|c| match c {
            Command::Sync { id } => Some(*id),
            _ => None,
        })
    };
    let (mut app, start) = with(true);
    let first = sync_of(&start).expect("a sync at start");
    // One at a time: R while the first is on the way starts none.
    assert_eq!(sync_of(&update(&mut app, Action::Reload)), None);
    update(
        &mut app,
        Action::Worker(WorkerEvent::Synced {
            id: first,
            tickets: vec![],
            partial: false,
            server: Some(Ok(())),
        }),
    );
    let again = sync_of(&update(&mut app, Action::Reload)).expect("R syncs once it ended");
    assert_ne!(again, first);
    let (mut app, start) = with(false);
    assert_eq!(sync_of(&start), None);
    assert_eq!(sync_of(&update(&mut app, Action::Reload)), None);
}

#[test]
fn a_first_sync_shows_its_pages_and_its_changes_update_the_rows_shown_marked() {
    let (mut app, list) = stored_app(Lang::En, 100, 30, true);
    answer_page(
        &mut app,
        list,
        page((1..=5).map(ticket).collect(), 5, false),
    );
    update(
        &mut app,
        Action::Worker(WorkerEvent::SyncProgress { done: 2, total: 5 }),
    );
    let line = status_line(&app);
    assert!(line.contains("store sync 2/5 pages"), "{line}");
    update(&mut app, Action::MoveDown);
    assert_eq!(app.current_view().selected_id(), Some(2));
    let mut changed = ticket(4);
    changed.status = Some(TicketStatus::Closed);
    let mut same = ticket(3);
    same.description = None;
    // Ticket 77 is not shown: left to the views that will read it.
    update(
        &mut app,
        Action::Worker(WorkerEvent::Synced {
            id: gongdan::app::RequestId(0),
            server: Some(Ok(())),
            tickets: vec![changed, same, ticket(77)],
            partial: false,
        }),
    );
    assert_eq!(app.sync_progress, None);
    assert!(!status_line(&app).contains("store sync"));
    assert_eq!(
        app.tickets.get(&4).unwrap().status,
        Some(TicketStatus::Closed)
    );
    let marked: Vec<u64> = app.current_view().changed.iter().copied().collect();
    assert_eq!(marked, vec![4]);
    assert_eq!(ids(&app), vec![1, 2, 3, 4, 5], "rows in place");
    assert_eq!(app.current_view().selected_id(), Some(2));
    assert!(app.tickets.get(&77).is_none());
}

#[test]
fn the_detail_of_a_stored_ticket_says_how_old_it_is_until_the_server_answers() {
    let (mut app, list) = stored_app(Lang::En, 100, 30, true);
    stored(&mut app, list, (1..=3).map(ticket).collect());
    failed(&mut app, list, refused());
    update(&mut app, Action::Open);
    let title = |app: &App| {
        screen_lines(app)
            .into_iter()
            .find(|line| line.contains("Ticket #1"))
            .unwrap_or_default()
    };
    assert!(
        title(&app).contains("Ticket #1 · as of 11:40"),
        "{}",
        title(&app)
    );
    // The server's copy: no "as of".
    let retry = tick_at(&mut app, now() + Duration::seconds(2));
    let list = retry
        .iter()
        .find(|c| matches!(c, Command::FetchList { .. }))
        .and_then(Command::request_id)
        .unwrap();
    answer_page(
        &mut app,
        list,
        page((1..=3).map(ticket).collect(), 3, false),
    );
    assert!(title(&app).contains("Ticket #1"), "{}", title(&app));
    assert!(!title(&app).contains("as of"), "{}", title(&app));
}
