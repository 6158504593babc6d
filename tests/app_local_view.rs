//! Views computed from the local store in the console's state (issue 16, item 4), pure:
//! after a sync the view in front asks the worker for its rows from the store; the answer
//! replaces the rows with the selection on its ticket; `o` and `O` then sort locally (one
//! request each, the answer to an older one dropped); a view the store cannot answer stays
//! the server's. Snapshots of the header's sort arrow and the "store" line at 80×24 in both
//! languages.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use std::time::Duration;

use gongdan::api::{ApiError, ListOrder, NetworkError, SortOrder, Ticket};
use gongdan::app::faults::FaultEvent;
use gongdan::app::local::Column;
use gongdan::app::state::PromptKind;
use gongdan::app::{
    Action, App, Command, LocalAnswer, LocalWindow, RequestId, Settings, ViewSource, WorkerEvent,
    update,
};
use gongdan::lang::Lang;

/// An app with a local store on its "All" tab (a list) showing tickets 1..=5 from the server.
fn console(lang: Lang, store: bool) -> App {
    console_and_start(lang, store).0
}

/// [`console`], and the start's commands.
fn console_and_start(lang: Lang, store: bool) -> (App, Vec<Command>) {
    let settings = Settings {
        lang,
        account_label: "admin@127.0.0.1".into(),
        local_store: store,
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
    let commands = start(&mut app);
    for status in ["1", "2", "3"] {
        answer_page(
            &mut app,
            find(&commands, is_search_for(status)),
            page(vec![], 0, false),
        );
    }
    update(&mut app, Action::SelectView(3));
    let tickets: Vec<Ticket> = (1..=5).rev().map(ticket).collect();
    answer_page(&mut app, find(&commands, is_list), page(tickets, 5, false));
    (app, commands)
}

/// The local view asked for in `commands`: its request, column, order and the rows whose
/// tickets it wants.
fn local_view(commands: &[Command]) -> Option<(RequestId, Column, SortOrder, LocalWindow)> {
    commands.iter().find_map(|command| match command {
        Command::LocalView {
            id,
            column,
            order,
            window,
            ..
        } => Some((*id, column.clone(), *order, *window)),
        _ => None,
    })
}

fn synced(app: &mut App) -> Vec<Command> {
    update(
        app,
        Action::Worker(WorkerEvent::Synced {
            id: gongdan::app::RequestId(0),
            server: Some(Ok(())),
            tickets: vec![],
            partial: false,
        }),
    )
}

fn answer(app: &mut App, id: RequestId, ids: &[u64], with_tickets: bool) -> Vec<Command> {
    answer_unknown(app, id, ids, with_tickets, 0)
}

fn answer_unknown(
    app: &mut App,
    id: RequestId,
    ids: &[u64],
    with_tickets: bool,
    unknown: usize,
) -> Vec<Command> {
    let rows = LocalAnswer {
        facets: None,
        ids: ids.to_vec(),
        tickets: if with_tickets {
            ids.iter().map(|id| ticket(*id)).collect()
        } else {
            vec![]
        },
        hits: vec![],
        as_of: now() - chrono::Duration::minutes(5),
        unknown,
    };
    update(
        app,
        Action::Worker(WorkerEvent::LocalRows {
            id,
            rows: Some(rows),
        }),
    )
}

fn ids(app: &App) -> Vec<u64> {
    app.current_view().ids.clone()
}

/// A console whose "All" tab is the store's: 1..=7 by update time (newest first).
fn local_console(lang: Lang) -> App {
    let mut app = console(lang, true);
    let (id, ..) = local_view(&synced(&mut app)).unwrap();
    answer(&mut app, id, &[7, 6, 5, 4, 3, 2, 1], true);
    app.notice = None;
    app
}

#[test]
fn a_sync_asks_the_view_in_front_from_the_store_with_its_definition() {
    let mut app = console(Lang::En, true);
    let commands = synced(&mut app);
    let Some(Command::LocalView { source, filter, .. }) = commands
        .iter()
        .find(|c| matches!(c, Command::LocalView { .. }))
    else {
        panic!("no local view asked: {commands:?}");
    };
    let ViewSource::List(query) = source else {
        panic!("the All tab is a list: {source:?}");
    };
    assert_eq!(query.order, Some(ListOrder::Updated(SortOrder::Desc)));
    assert_eq!(query.page, None);
    assert_eq!(filter, "");
    // First: by update time, newest first (as the server showed it), with the tickets.
    let (_, column, order, window) = local_view(&commands).unwrap();
    assert_eq!(
        (column, order, window.rows > 0),
        (Column::Updated, SortOrder::Desc, true)
    );
    // Without a store nothing is asked.
    let mut app = console(Lang::En, false);
    assert_eq!(local_view(&synced(&mut app)), None);
}

#[test]
fn the_stores_answer_replaces_the_rows_and_keeps_the_selection_on_its_ticket() {
    let mut app = console(Lang::En, true);
    update(&mut app, Action::MoveDown);
    update(&mut app, Action::MoveDown);
    assert_eq!(app.current_view().selected_id(), Some(3));
    let (id, ..) = local_view(&synced(&mut app)).unwrap();
    // Until the answer the server's rows stay.
    assert_eq!(ids(&app), vec![5, 4, 3, 2, 1]);
    answer(&mut app, id, &[7, 3, 6, 5, 4, 2, 1], true);
    assert_eq!(ids(&app), vec![7, 3, 6, 5, 4, 2, 1]);
    assert_eq!(app.current_view().selected_id(), Some(3));
    assert_eq!(app.current_view().total, Some(7));
    assert!(
        app.tickets.get(&7).is_some(),
        "the new rows' tickets are held"
    );
    assert!(app.current_view().local.as_ref().unwrap().answered());
    // No page of the server is asked for a view from the store.
    update(&mut app, Action::Bottom);
    let commands = update(&mut app, Action::Top);
    assert!(
        !commands
            .iter()
            .any(|c| matches!(c, Command::FetchList { .. } | Command::Search { .. })),
        "{commands:?}"
    );
}

#[test]
fn o_cycles_every_column_and_capital_o_flips_locally_dropping_stale_answers() {
    let mut app = local_console(Lang::En);
    let mut seen = Vec::new();
    let mut last = None;
    for _ in 0..10 {
        let commands = update(&mut app, Action::CycleSortField);
        assert!(
            !commands
                .iter()
                .any(|c| matches!(c, Command::FetchList { .. }))
        );
        let (id, column, order, window) = local_view(&commands).unwrap();
        assert_eq!(order, SortOrder::Desc);
        // The tickets of the rows around the selection, wherever the new sort puts it.
        assert_eq!(window.selected, app.current_view().selected_id());
        seen.push(column);
        last = Some(id);
    }
    assert_eq!(
        seen,
        vec![
            Column::Id,
            Column::Status,
            Column::Priority,
            Column::Type,
            Column::Assignee,
            Column::Group,
            Column::Contact,
            Column::Tags,
            Column::Created,
            Column::Updated,
        ]
    );
    let (flipped, column, order, _) =
        local_view(&update(&mut app, Action::ToggleSortOrder)).unwrap();
    assert_eq!((column, order), (Column::Updated, SortOrder::Asc));
    // The answer to an older request comes late: dropped.
    answer(&mut app, last.unwrap(), &[2, 1], false);
    assert_eq!(ids(&app), vec![7, 6, 5, 4, 3, 2, 1]);
    answer(&mut app, flipped, &[1, 2, 3, 4, 5, 6, 7], false);
    assert_eq!(ids(&app), vec![1, 2, 3, 4, 5, 6, 7]);
}

#[test]
fn a_view_the_store_cannot_answer_stays_the_servers() {
    let mut app = console(Lang::En, true);
    let (id, ..) = local_view(&synced(&mut app)).unwrap();
    update(
        &mut app,
        Action::Worker(WorkerEvent::LocalRows { id, rows: None }),
    );
    assert_eq!(ids(&app), vec![5, 4, 3, 2, 1]);
    assert_eq!(app.current_view().local, None);
    // `o` is the server's sort again: a reload of the list.
    let commands = update(&mut app, Action::CycleSortField);
    assert_eq!(local_view(&commands), None);
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::FetchList { .. }))
    );
    assert!(
        status_line(&app).contains("server"),
        "{}",
        status_line(&app)
    );
}

fn status_line(app: &App) -> String {
    screen_lines(app).last().cloned().unwrap_or_default()
}

#[test]
fn the_header_arrow_and_the_store_line_at_80x24_in_both_languages() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = local_console(lang);
        // By id (o from updated wraps to the first column), ascending.
        let (id, ..) = local_view(&update(&mut app, Action::CycleSortField)).unwrap();
        answer(&mut app, id, &[7, 6, 5, 4, 3, 2, 1], false);
        let (id, ..) = local_view(&update(&mut app, Action::ToggleSortOrder)).unwrap();
        answer(&mut app, id, &[1, 2, 3, 4, 5, 6, 7], false);
        app.notice = None;
        let lines = screen_lines(&app);
        let name = format!(
            "local_sort_{}_80x24",
            if lang == Lang::En { "en" } else { "zh" }
        );
        insta::assert_snapshot!(name, lines.join("\n"));
    }
}

/// The filter of the local view asked in `commands`.
fn asked_filter(commands: &[Command]) -> Option<(RequestId, String, LocalWindow)> {
    commands.iter().find_map(|command| match command {
        Command::LocalView {
            id, filter, window, ..
        } => Some((*id, filter.clone(), *window)),
        _ => None,
    })
}

#[test]
fn f_filters_as_you_type_in_a_store_view_esc_clears_and_enter_keeps() {
    let mut app = local_console(Lang::En);
    update(&mut app, Action::StartFilter);
    assert_eq!(
        app.prompt.as_ref().map(|p| p.kind),
        Some(PromptKind::LiveFilter)
    );
    let mut asked = Vec::new();
    for c in "vpn".chars() {
        let (id, filter, window) = asked_filter(&update(&mut app, Action::InputChar(c))).unwrap();
        // The rows a narrower filter brings to the screen may be any of the view's.
        assert!(window.rows > 0);
        asked.push((id, filter));
    }
    let filters: Vec<&str> = asked.iter().map(|(_, f)| f.as_str()).collect();
    assert_eq!(filters, vec!["v", "vp", "vpn"]);
    // The answer to "vpn" comes first; the one to "v", late, is dropped.
    answer(&mut app, asked[2].0, &[6], false);
    answer(&mut app, asked[0].0, &[6, 3, 1], false);
    assert_eq!(ids(&app), vec![6]);
    // A key that leaves the text as it was asks nothing.
    assert_eq!(asked_filter(&update(&mut app, Action::InputLeft)), None);
    // Esc clears the filter: every row again.
    let (id, filter, _) = asked_filter(&update(&mut app, Action::Back)).unwrap();
    assert_eq!((filter.as_str(), app.prompt.is_none()), ("", true));
    answer(&mut app, id, &[7, 6, 5, 4, 3, 2, 1], false);
    assert_eq!(ids(&app).len(), 7);
    // Enter keeps it: the prompt closes, the line says the filter, `f` opens it again.
    update(&mut app, Action::StartFilter);
    let (id, ..) = asked_filter(&update(&mut app, Action::InputChar('1'))).unwrap();
    answer(&mut app, id, &[1], false);
    assert_eq!(asked_filter(&update(&mut app, Action::InputSubmit)), None);
    assert!(app.prompt.is_none());
    assert_eq!(ids(&app), vec![1]);
    assert!(
        status_line(&app).contains("filter: 1"),
        "{}",
        status_line(&app)
    );
}

#[test]
fn f_in_a_server_view_is_the_date_range_as_before() {
    let mut app = console(Lang::En, true);
    update(&mut app, Action::StartFilter);
    assert_eq!(
        app.prompt.as_ref().map(|p| p.kind),
        Some(PromptKind::Filter)
    );
    assert_eq!(
        asked_filter(&update(&mut app, Action::InputChar('c'))),
        None
    );
}

#[test]
fn the_live_filter_prompt_at_80x24_in_both_languages() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = local_console(lang);
        update(&mut app, Action::StartFilter);
        let mut last = None;
        for c in "登录".chars() {
            last = asked_filter(&update(&mut app, Action::InputChar(c)));
        }
        answer(&mut app, last.unwrap().0, &[5, 2], false);
        let name = format!(
            "live_filter_{}_80x24",
            if lang == Lang::En { "en" } else { "zh" }
        );
        insta::assert_snapshot!(name, screen_lines(&app).join("\n"));
    }
}

#[test]
fn o_goes_on_to_the_custom_fields_once_their_definitions_are_in() {
    let (mut app, start) = console_and_start(Lang::En, true);
    let (id, ..) = local_view(&synced(&mut app)).unwrap();
    answer(&mut app, id, &[7, 6, 5, 4, 3, 2, 1], true);
    // The start asked for the field definitions: answered now.
    let defs = gongdan::api::FieldDef {
        key: "field_1".into(),
        name: "Device".into(),
        kind: 1,
        required: false,
        options: vec![],
    };
    let id = find(&start, |c| {
        matches!(
            c,
            Command::Lookup {
                key: gongdan::app::LookupKey::FieldDefs,
                ..
            }
        )
    });
    update(
        &mut app,
        Action::Worker(WorkerEvent::Looked {
            id,
            key: gongdan::app::LookupKey::FieldDefs,
            result: Ok(gongdan::app::LookupValue::FieldDefs(vec![defs])),
        }),
    );
    // From the update time (the last of the ticket's own columns) to the custom field.
    let (id, column, ..) = local_view(&update(&mut app, Action::CycleSortField)).unwrap();
    assert_eq!(column, Column::Custom("field_1".into()));
    answer(&mut app, id, &[1, 2, 3, 4, 5, 6, 7], false);
    assert!(
        status_line(&app).contains("Device▼"),
        "{}",
        status_line(&app)
    );
    // And round to the id.
    let (_, column, ..) = local_view(&update(&mut app, Action::CycleSortField)).unwrap();
    assert_eq!(column, Column::Id);
}

/// The sync asked in `commands`.
fn sync_asked(commands: &[Command]) -> Option<RequestId> {
    commands.iter().find_map(|command| match command {
        Command::Sync { id } => Some(*id),
        _ => None,
    })
}

fn sync_ended(app: &mut App, id: RequestId, server: Result<(), ApiError>) -> Vec<Command> {
    update(
        app,
        Action::Worker(WorkerEvent::Synced {
            id,
            tickets: vec![],
            partial: false,
            server: Some(server),
        }),
    )
}

/// [`local_console`] whose start's sync is the one that ended (so `R` syncs again).
fn local_console_after_its_sync(lang: Lang) -> App {
    let (mut app, start) = console_and_start(lang, true);
    let first = sync_asked(&start).expect("a sync at start");
    let (id, ..) = local_view(&sync_ended(&mut app, first, Ok(()))).unwrap();
    answer(&mut app, id, &[7, 6, 5, 4, 3, 2, 1], true);
    app.notice = None;
    app
}

fn server_error() -> ApiError {
    ApiError::Server {
        status: 500,
        excerpt: None,
    }
}

#[test]
fn r_in_a_store_view_syncs_and_a_server_error_says_retrying_then_press_r_and_the_rows_stay() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = local_console_after_its_sync(lang);
        // Wide enough for the whole notice.
        update(
            &mut app,
            Action::Resize {
                width: 160,
                height: 24,
            },
        );
        update(&mut app, Action::MoveDown);
        let selected = app.current_view().selected_id();
        let commands = update(&mut app, Action::Reload);
        let sync = sync_asked(&commands).expect("R in a store view syncs");
        let (local, ..) = local_view(&commands).expect("and reads the store again");
        answer(&mut app, local, &[7, 6, 5, 4, 3, 2, 1], false);
        // The store answered; the view still waits on the sync for the server's changes.
        update(
            &mut app,
            Action::Worker(WorkerEvent::Fault(FaultEvent::Retrying {
                id: sync,
                error: server_error(),
                delay: Duration::from_secs(2),
            })),
        );
        let line = status_line(&app).replace(' ', "");
        let retrying = if lang == Lang::En {
            "retryingin2s"
        } else {
            "2秒后重试"
        };
        assert!(line.contains(retrying), "{line}");
        sync_ended(&mut app, sync, Err(server_error()));
        let line = status_line(&app).replace(' ', "");
        let press_r = if lang == Lang::En {
            "pressRtoretry"
        } else {
            "按R重试"
        };
        assert!(line.contains(press_r), "{line}");
        assert!(line.contains("500"), "{line}");
        assert_eq!(ids(&app), vec![7, 6, 5, 4, 3, 2, 1], "the rows stay");
        assert_eq!(app.current_view().selected_id(), selected);
        // R again with the server well: the error goes once the sync ends.
        let commands = update(&mut app, Action::Reload);
        let sync = sync_asked(&commands).expect("R tries again");
        let (local, ..) = local_view(&commands).unwrap();
        answer(&mut app, local, &[7, 6, 5, 4, 3, 2, 1], false);
        // At 160 columns the ticket shown beside the list is read again too.
        for command in &commands {
            if let Command::Show { id, ticket: shown } = command {
                update(
                    &mut app,
                    Action::Worker(WorkerEvent::Shown {
                        id: *id,
                        ticket: *shown,
                        result: Ok(ticket(*shown)),
                    }),
                );
            }
        }
        assert!(!status_line(&app).replace(' ', "").contains(press_r));
        sync_ended(&mut app, sync, Ok(()));
        assert_eq!(app.notice, None, "{}", status_line(&app));
        assert_eq!(app.current_view().error, None);
    }
}

#[test]
fn a_sync_that_cannot_reach_the_server_is_offline_and_the_due_try_is_a_sync() {
    let mut app = local_console_after_its_sync(Lang::En);
    let sync = sync_asked(&update(&mut app, Action::Reload)).unwrap();
    sync_ended(
        &mut app,
        sync,
        Err(ApiError::Network(NetworkError::ConnectionRefused)),
    );
    assert!(app.offline.is_some(), "out of reach is offline");
    assert!(
        status_line(&app).contains("offline"),
        "{}",
        status_line(&app)
    );
    assert!(
        app.notice.as_ref().is_some_and(|n| n.is_error),
        "the refresh's failure is said as a page's would be"
    );
    // The first try is due 2 s later: in a store view it is a sync.
    let commands = update(
        &mut app,
        Action::Tick {
            now: now() + chrono::Duration::seconds(3),
        },
    );
    let again = sync_asked(&commands).expect("the due try syncs");
    assert_ne!(again, sync);
    sync_ended(&mut app, again, Ok(()));
    assert_eq!(app.offline, None, "back by itself at the first answer");
    assert_eq!(app.notice, None, "what it said of the network is over");
    // An error of another kind stays until a key, even when the server comes back.
    let sync = sync_asked(&update(&mut app, Action::Reload)).unwrap();
    sync_ended(
        &mut app,
        sync,
        Err(ApiError::Network(NetworkError::ConnectionRefused)),
    );
    let sync = sync_asked(&update(&mut app, Action::Reload)).unwrap();
    sync_ended(&mut app, sync, Err(server_error()));
    assert!(
        app.offline.is_none(),
        "a 500 is an answer: the server is there"
    );
    assert!(app.notice.as_ref().is_some_and(|n| n.is_error));
}

#[test]
fn a_sync_behind_a_server_view_fails_quietly_and_one_at_a_time() {
    let (mut app, start) = console_and_start(Lang::En, true);
    let first = sync_asked(&start).unwrap();
    // R while the start's sync runs: the pages are read again, no second sync.
    let commands = update(&mut app, Action::Reload);
    assert_eq!(sync_asked(&commands), None);
    app.notice = None;
    sync_ended(&mut app, first, Err(server_error()));
    // The server view's own pages speak for the server.
    assert_eq!(app.notice, None, "{}", status_line(&app));
}

#[test]
fn tickets_the_filter_cannot_tell_without_the_server_are_counted_on_the_status_line() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = local_console(lang);
        update(
            &mut app,
            Action::Resize {
                width: 200,
                height: 50,
            },
        );
        update(&mut app, Action::StartFilter);
        let mut asked = None;
        for c in "bob".chars() {
            asked = asked_filter(&update(&mut app, Action::InputChar(c))).or(asked);
        }
        let (id, ..) = asked.expect("the filter asks the store");
        answer_unknown(&mut app, id, &[6, 2], false, 3);
        update(&mut app, Action::InputSubmit);
        let line = status_line(&app).replace(' ', "");
        let said = if lang == Lang::En {
            "3moreleftout:onlytheservercantell"
        } else {
            "另有3张需服务器才能判断，未列出"
        };
        assert!(line.contains(said), "{line}");
        assert_eq!(ids(&app), vec![6, 2]);
    }
}

#[test]
fn a_stored_copy_older_than_the_ticket_held_does_not_replace_it() {
    let mut app = local_console(Lang::En);
    // The server's answer to this console's own change: newer than the store's copy until
    // the next sync writes it there.
    let mut changed = ticket(5);
    changed.status = Some(gongdan::api::TicketStatus::Solved);
    changed.updated = changed.updated.map(|at| at + chrono::Duration::minutes(10));
    let (id, ..) = local_view(&update(&mut app, Action::Reload)).unwrap();
    update(
        &mut app,
        Action::Worker(WorkerEvent::LocalRows {
            id,
            rows: Some(LocalAnswer {
                facets: None,
                ids: vec![7, 6, 5, 4, 3, 2, 1],
                tickets: vec![changed.clone()],
                hits: vec![],
                as_of: now(),
                unknown: 0,
            }),
        }),
    );
    assert_eq!(app.tickets.get(&5).unwrap().status, changed.status);
    // The store answers again with its older copy: the newer one stays.
    let (id, ..) = local_view(&update(&mut app, Action::Reload)).unwrap();
    answer(&mut app, id, &[7, 6, 5, 4, 3, 2, 1], true);
    let held = app.tickets.get(&5).unwrap();
    assert_eq!(held.status, changed.status);
    assert_eq!(held.updated, changed.updated);
    // A stored copy as new or newer is taken.
    assert_eq!(app.tickets.get(&4).unwrap(), ticket(4));
}
