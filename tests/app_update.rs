//! `update` unit tests: navigation, prefetch, stale results, selection kept on its ticket,
//! the 403 fallback, search and back, optimistic status changes.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use gongdan::api::{ApiError, SearchQuery, SearchTerm, TicketStatus};
use gongdan::app::bulk_edit::{BulkCommand, BulkEvent};
use gongdan::app::notice::Note;
use gongdan::app::state::{Overlay, Pane, Settings};
use gongdan::app::{Action, App, Command, WorkerEvent, update};
use gongdan::bulk::{FieldKind, Plan, RunKind, RunReport, TicketOutcome};
use gongdan::lang::Lang;

/// The notice as the status line words it.
fn said(app: &App) -> String {
    gongdan::ui::notice::current(app).unwrap_or_default()
}

/// An app whose "All" tab (list) has `n` tickets loaded from one page, shown as the tab.
fn app_with_list(n: u64, count: u64, more: bool) -> (App, Vec<Command>) {
    let mut app = app(Lang::En, 100, 30);
    let commands = start(&mut app);
    update(&mut app, Action::SelectView(3));
    // The other tabs answer empty, so nothing else is in flight.
    for status in ["1", "2", "3"] {
        answer_page(
            &mut app,
            find(&commands, is_search_for(status)),
            page(vec![], 0, false),
        );
    }
    let list = find(&commands, is_list);
    let after = answer_page(
        &mut app,
        list,
        page((1..=n).map(ticket).collect(), count, more),
    );
    (app, after)
}

fn selected(app: &App) -> Option<u64> {
    app.current_view().selected_id()
}

#[test]
fn start_fetches_every_view_and_the_lookups() {
    let mut app = app(Lang::En, 100, 30);
    let commands = start(&mut app);
    assert_eq!(commands.iter().filter(|c| is_list(c)).count(), 1);
    for status in ["1", "2", "3"] {
        assert_eq!(
            commands.iter().filter(|c| is_search_for(status)(c)).count(),
            1
        );
    }
    assert!(commands.iter().any(|c| matches!(
        c,
        Command::Lookup {
            key: gongdan::app::LookupKey::Agents,
            ..
        }
    )));
    // Every request id differs.
    let mut ids: Vec<_> = commands.iter().filter_map(Command::request_id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), commands.len());
}

#[test]
fn navigation_moves_and_clamps() {
    let (mut app, _) = app_with_list(50, 50, false);
    assert_eq!(selected(&app), Some(1));
    update(&mut app, Action::MoveDown);
    update(&mut app, Action::MoveDown);
    assert_eq!(selected(&app), Some(3));
    update(&mut app, Action::MoveUp);
    assert_eq!(selected(&app), Some(2));
    update(&mut app, Action::Bottom);
    assert_eq!(selected(&app), Some(50));
    update(&mut app, Action::MoveDown);
    assert_eq!(selected(&app), Some(50), "clamped at the end");
    update(&mut app, Action::Top);
    assert_eq!(selected(&app), Some(1));
    update(&mut app, Action::MoveUp);
    assert_eq!(selected(&app), Some(1), "clamped at the start");
    // 30 rows of terminal: 27 rows of list.
    update(&mut app, Action::PageDown);
    assert_eq!(selected(&app), Some(28));
    update(&mut app, Action::HalfPageUp);
    assert_eq!(selected(&app), Some(15));
    update(&mut app, Action::Wheel(3));
    assert_eq!(selected(&app), Some(18));
    // The selection stays on screen.
    let view = app.current_view();
    assert!(view.selected >= view.offset && view.selected < view.offset + app.list_rows());
}

#[test]
fn the_next_page_is_fetched_before_the_end_and_only_once() {
    let (mut app, after_first) = app_with_list(100, 250, true);
    assert!(
        !after_first.iter().any(is_list),
        "no prefetch while the selection is at the top"
    );
    let mut prefetches = Vec::new();
    for _ in 0..80 {
        prefetches.extend(update(&mut app, Action::MoveDown));
    }
    let lists: Vec<_> = prefetches.iter().filter(|c| is_list(c)).collect();
    assert_eq!(lists.len(), 1, "exactly one prefetch: {lists:?}");
    let Command::FetchList { id, query } = lists[0] else {
        unreachable!()
    };
    assert_eq!(query.page, Some(2));
    assert!(
        selected(&app).unwrap() < 100,
        "fetched before reaching the end"
    );
    // The page arrives: rows appended, selection unchanged.
    let before = selected(&app);
    answer_page(
        &mut app,
        *id,
        page((101..=200).map(ticket).collect(), 250, true),
    );
    assert_eq!(app.current_view().ids.len(), 200);
    assert_eq!(selected(&app), before);
}

#[test]
fn a_stale_search_result_is_dropped() {
    let mut app = app(Lang::En, 100, 30);
    start(&mut app);
    let search = |app: &mut App, text: &str| {
        update(app, Action::StartSearch);
        for c in text.chars() {
            update(app, Action::InputChar(c));
        }
        update(app, Action::InputSubmit)
    };
    let first = search(&mut app, "退款");
    let first_id = find(&first, |c| matches!(c, Command::Search { .. }));
    update(&mut app, Action::Back);
    let second = search(&mut app, "登录");
    let second_id = find(&second, |c| matches!(c, Command::Search { .. }));
    assert_ne!(first_id, second_id);
    // The first search answers late: nothing of it is shown.
    answer_page(
        &mut app,
        first_id,
        page(vec![search_hit(1), search_hit(2)], 2, false),
    );
    assert!(app.current_view().ids.is_empty());
    answer_page(&mut app, second_id, page(vec![search_hit(8)], 1, false));
    assert_eq!(app.current_view().ids, vec![8]);
}

#[test]
fn a_result_for_a_closed_detail_is_dropped() {
    let (mut app, _) = app_with_list(10, 10, false);
    let open = update(&mut app, Action::Open);
    let show = find(&open, |c| matches!(c, Command::Show { .. }));
    update(&mut app, Action::Back);
    assert!(app.detail.is_none());
    let mut changed = ticket(1);
    changed.subject = "changed".into();
    update(
        &mut app,
        Action::Worker(WorkerEvent::Shown {
            id: show,
            ticket: 1,
            result: Ok(changed),
        }),
    );
    assert!(app.detail.is_none());
}

#[test]
fn refresh_keeps_the_selection_on_the_same_ticket() {
    let (mut app, _) = app_with_list(20, 20, false);
    for _ in 0..5 {
        update(&mut app, Action::MoveDown);
    }
    assert_eq!(selected(&app), Some(6));
    let reload = update(&mut app, Action::Reload);
    let id = find(&reload, is_list);
    // Two new tickets arrive at the top.
    let mut tickets = vec![ticket(901), ticket(902)];
    tickets.extend((1..=20).map(ticket));
    answer_page(&mut app, id, page(tickets, 22, false));
    assert_eq!(app.current_view().ids.len(), 22);
    assert_eq!(selected(&app), Some(6), "still on ticket 6");
    assert_eq!(app.current_view().selected, 7);
}

#[test]
fn auto_refresh_marks_changed_rows_and_keeps_the_selection() {
    let mut app = app(Lang::En, 100, 30);
    app.settings.auto_refresh_secs = Some(30);
    let commands = start(&mut app);
    update(&mut app, Action::SelectView(3));
    answer_page(
        &mut app,
        find(&commands, is_list),
        page((1..=10).map(ticket).collect(), 10, false),
    );
    update(&mut app, Action::MoveDown);
    let quiet = update(
        &mut app,
        Action::Tick {
            now: now() + chrono::Duration::seconds(10),
        },
    );
    assert!(quiet.is_empty(), "not due yet");
    let due = update(
        &mut app,
        Action::Tick {
            now: now() + chrono::Duration::seconds(31),
        },
    );
    let id = find(&due, is_list);
    let mut tickets: Vec<_> = (1..=10).map(ticket).collect();
    tickets[4].status = Some(TicketStatus::Solved);
    answer_page(&mut app, id, page(tickets, 10, false));
    assert!(app.current_view().changed.contains(&5));
    assert!(!app.current_view().changed.contains(&4));
    assert_eq!(selected(&app), Some(2));
}

#[test]
fn a_config_warning_at_start_is_not_covered_by_the_agent_notice() {
    let warning = "config.toml:53:1: unknown key `profiles.work.per_pgae` ignored";
    let settings = Settings {
        lang: Lang::En,
        startup_notice: Some(Note::Startup {
            first: warning.to_string(),
            more: 0,
        }),
        ..Settings::default()
    };
    let mut app = App::new(settings, now());
    update(
        &mut app,
        Action::Resize {
            width: 100,
            height: 30,
        },
    );
    let commands = start(&mut app);
    let list = find(&commands, is_list);
    update(
        &mut app,
        Action::Worker(WorkerEvent::Page {
            id: list,
            result: Err(ApiError::Forbidden(None)),
        }),
    );
    assert!(app.list_forbidden);
    let notice = app.notice.clone().expect("a notice");
    assert_eq!(
        notice.note,
        Note::Startup {
            first: warning.to_string(),
            more: 0
        }
    );
    assert_eq!(said(&app), warning);
}

#[test]
fn an_agent_gets_views_from_searches_after_403() {
    let mut app = app(Lang::En, 100, 30);
    let commands = start(&mut app);
    let list = find(&commands, is_list);
    let after = update(
        &mut app,
        Action::Worker(WorkerEvent::Page {
            id: list,
            result: Err(ApiError::Forbidden(None)),
        }),
    );
    assert!(app.list_forbidden);
    let notice = app.notice.clone().expect("a notice");
    assert!(said(&app).contains("may not list"), "{notice:?}");
    assert!(!notice.is_error, "a fact, not an error");
    // The All view now comes from a search over every status.
    assert!(after.iter().any(is_search_for("1,2,3,4,5,6")), "{after:?}");
    assert!(!after.iter().any(is_list));
    let search = find(&after, is_search_for("1,2,3,4,5,6"));
    update(&mut app, Action::SelectView(3));
    answer_page(
        &mut app,
        search,
        page(vec![search_hit(3), search_hit(4)], 2, false),
    );
    assert_eq!(app.current_view().ids, vec![3, 4]);
    // A later reload does not call list again.
    let reload = update(&mut app, Action::Reload);
    assert!(!reload.iter().any(is_list));
}

#[test]
fn search_results_carry_the_status_the_view_filtered_on() {
    let mut app = app(Lang::En, 100, 30);
    let commands = start(&mut app);
    let open = find(&commands, is_search_for("2"));
    answer_page(&mut app, open, page(vec![search_hit(7)], 1, false));
    assert_eq!(
        app.tickets.get(&7).unwrap().status,
        Some(TicketStatus::Open)
    );
}

#[test]
fn esc_from_search_restores_the_view_and_selection() {
    let (mut app, _) = app_with_list(30, 30, false);
    for _ in 0..7 {
        update(&mut app, Action::MoveDown);
    }
    assert_eq!(selected(&app), Some(8));
    update(&mut app, Action::StartSearch);
    assert_eq!(app.pane(), Pane::Prompt);
    for c in "退款".chars() {
        update(&mut app, Action::InputChar(c));
    }
    let sent = update(&mut app, Action::InputSubmit);
    let id = find(&sent, |c| matches!(c, Command::Search { .. }));
    answer_page(
        &mut app,
        id,
        page(vec![search_hit(2), search_hit(10)], 2, false),
    );
    assert!(app.search.is_some());
    update(&mut app, Action::MoveDown);
    assert_eq!(selected(&app), Some(10));
    update(&mut app, Action::Back);
    assert!(app.search.is_none());
    assert_eq!(app.active, 3);
    assert_eq!(selected(&app), Some(8));
}

#[test]
fn a_malformed_query_is_refused_inline() {
    let mut app = app(Lang::En, 100, 30);
    start(&mut app);
    update(&mut app, Action::StartSearch);
    for c in "createDT>=2024-13-45".chars() {
        update(&mut app, Action::InputChar(c));
    }
    let sent = update(&mut app, Action::InputSubmit);
    assert!(sent.is_empty(), "nothing sent: {sent:?}");
    let prompt = app.prompt.as_ref().expect("still open");
    assert!(prompt.error.is_some());
    assert!(SearchQuery::parse("createDT>=2024-13-45").is_err());
}

#[test]
fn a_status_change_is_optimistic_and_rolls_back_on_failure() {
    let (mut app, _) = app_with_list(5, 5, false);
    update(&mut app, Action::MoveDown); // ticket 2: status Pending (2 % 3 = 2 -> ALL[2])
    let before = app.tickets.get(&2).unwrap().status;
    update(&mut app, Action::OpenStatusMenu);
    assert!(matches!(
        app.overlay,
        Some(Overlay::StatusMenu { ticket_id: 2, .. })
    ));
    let sent = update(&mut app, Action::PickStatus(TicketStatus::Solved));
    assert_eq!(
        app.tickets.get(&2).unwrap().status,
        Some(TicketStatus::Solved),
        "changed at once"
    );
    assert!(app.overlay.is_none());
    let Some(Command::Bulk(BulkCommand::Start { id, plan })) = sent.first().cloned() else {
        panic!("{sent:?}")
    };
    let ticket = plan.tickets[0].id;
    let status = plan.change.status.map(TicketStatus::from_code);
    assert_eq!((ticket, status), (2, Some(TicketStatus::Solved)));
    let reason =
        gongdan::words::api_error(Lang::En, &ApiError::InvalidValue("ticketStatus".into()));
    update(
        &mut app,
        Action::Worker(WorkerEvent::Bulk(BulkEvent::RunDone {
            id,
            result: Ok(Box::new(one_ticket_report(&plan, false, &reason))),
        })),
    );
    assert_eq!(app.tickets.get(&2).unwrap().status, before, "put back");
    let notice = app.notice.clone().expect("why");
    assert!(notice.is_error);
    assert!(said(&app).contains("#2"), "{notice:?}");
}

/// The answer to a quick status change was lost: neither "changed" nor "put back"; it
/// says the outcome is unknown and reads the ticket again to show the server's status.
#[test]
fn a_status_change_whose_answer_was_lost_says_so_and_reads_the_ticket_again() {
    let (mut app, _) = app_with_list(5, 5, false);
    update(&mut app, Action::MoveDown);
    update(&mut app, Action::OpenStatusMenu);
    let sent = update(&mut app, Action::PickStatus(TicketStatus::Solved));
    let Some(Command::Bulk(BulkCommand::Start { id, plan })) = sent.first().cloned() else {
        panic!("{sent:?}")
    };
    let mut report = one_ticket_report(&plan, false, "outcome unknown: the connection was dropped");
    report.outcomes[0].kind = gongdan::bulk::OutcomeKind::Unknown;
    let out = update(
        &mut app,
        Action::Worker(WorkerEvent::Bulk(BulkEvent::RunDone {
            id,
            result: Ok(Box::new(report)),
        })),
    );
    assert!(
        out.iter()
            .any(|c| matches!(c, Command::Show { ticket: 2, .. })),
        "the ticket is read again: {out:?}"
    );
    let notice = app.notice.clone().expect("why");
    assert!(
        said(&app).contains("#2: not known whether it was set to solved"),
        "{notice:?}"
    );
    assert!(!said(&app).contains("back to"), "{notice:?}");
}

/// A quick status change left alone because a colleague changed the ticket since it was
/// shown: nothing is said to be set; the ticket is read again, and once it is, a notice says
/// what the status is now and the status menu opens over it on the status wanted. Enter
/// then sends a plan made from the version the server has now.
#[test]
fn a_status_change_on_a_ticket_changed_meanwhile_shows_what_changed_and_asks_again() {
    let (mut app, _) = app_with_list(5, 5, false);
    update(&mut app, Action::MoveDown);
    let shown = app.tickets.get(&2).unwrap().status;
    update(&mut app, Action::OpenStatusMenu);
    let sent = update(&mut app, Action::PickStatus(TicketStatus::Solved));
    let Some(Command::Bulk(BulkCommand::Start { id, plan })) = sent.first().cloned() else {
        panic!("{sent:?}")
    };
    let mut report = one_ticket_report(&plan, false, "changed on the server since the preview");
    report.outcomes[0].kind = gongdan::bulk::OutcomeKind::ChangedSincePreview;
    let out = update(
        &mut app,
        Action::Worker(WorkerEvent::Bulk(BulkEvent::RunDone {
            id,
            result: Ok(Box::new(report)),
        })),
    );
    // Not set: the row shows what it showed before; no menu until the ticket is read.
    assert_eq!(app.tickets.get(&2).unwrap().status, shown);
    assert!(app.overlay.is_none());
    let reread = out
        .iter()
        .find_map(|c| match c {
            Command::Show { id, ticket: 2 } => Some(*id),
            _ => None,
        })
        .expect("the ticket is read again");
    // The colleague set it Pending, a minute later.
    let mut now = ticket(2);
    now.status = Some(TicketStatus::Pending);
    now.updated = now.updated.map(|t| t + chrono::Duration::minutes(1));
    update(
        &mut app,
        Action::Worker(WorkerEvent::Shown {
            id: reread,
            ticket: 2,
            result: Ok(now.clone()),
        }),
    );
    let notice = app.notice.clone().expect("what changed");
    assert!(notice.is_error, "{notice:?}");
    let expected = format!(
        "#2 changed on the server since it was shown (status {} → pending): nothing set",
        gongdan::words::status_label(Lang::En, shown.unwrap())
    );
    assert!(said(&app).contains(&expected), "{notice:?}");
    let solved = TicketStatus::ALL
        .iter()
        .position(|s| *s == TicketStatus::Solved)
        .unwrap();
    assert_eq!(
        app.overlay,
        Some(Overlay::StatusMenu {
            ticket_id: 2,
            selected: solved
        })
    );
    // Enter: a plan from the server's version (its update time), so the run goes through.
    let sent = update(&mut app, Action::PickSelectedStatus);
    let Some(Command::Bulk(BulkCommand::Start { plan, .. })) = sent.first() else {
        panic!("{sent:?}")
    };
    assert_eq!(plan.tickets[0].updated, now.updated);
}

#[test]
fn a_status_change_that_succeeds_stays_and_survives_a_refresh_in_between() {
    let (mut app, _) = app_with_list(5, 5, false);
    update(&mut app, Action::OpenStatusMenu);
    let sent = update(&mut app, Action::PickStatus(TicketStatus::Closed));
    let Some(Command::Bulk(BulkCommand::Start { id, plan })) = sent.first().cloned() else {
        panic!("{sent:?}")
    };
    // A refresh read before the update landed must not undo the change on screen.
    let reload = update(&mut app, Action::Reload);
    answer_page(
        &mut app,
        find(&reload, is_list),
        page((1..=5).map(ticket).collect(), 5, false),
    );
    assert_eq!(
        app.tickets.get(&1).unwrap().status,
        Some(TicketStatus::Closed)
    );
    update(
        &mut app,
        Action::Worker(WorkerEvent::Bulk(BulkEvent::RunDone {
            id,
            result: Ok(Box::new(one_ticket_report(&plan, true, ""))),
        })),
    );
    assert_eq!(
        app.tickets.get(&1).unwrap().status,
        Some(TicketStatus::Closed)
    );
    assert!(!app.notice.clone().unwrap().is_error);
}

/// The engine's report of a one-ticket run: the ticket succeeded, or failed with `error`.
fn one_ticket_report(plan: &Plan, success: bool, error: &str) -> RunReport {
    RunReport {
        plan: plan.clone(),
        outcomes: vec![TicketOutcome {
            id: plan.tickets[0].id,
            success,
            error: error.to_string(),
            ..Default::default()
        }],
        not_sent: Vec::new(),
        cancelled: false,
    }
}

#[test]
fn a_quick_status_change_is_a_journaled_one_ticket_run_with_the_previous_status() {
    let (mut app, _) = app_with_list(5, 5, false);
    update(&mut app, Action::MoveDown); // ticket 2: Pending
    let before = app.tickets.get(&2).unwrap().status.expect("a status");
    update(&mut app, Action::OpenStatusMenu);
    let sent = update(&mut app, Action::PickStatus(TicketStatus::Solved));
    assert_eq!(sent.len(), 1, "one command: {sent:?}");
    let Some(Command::Bulk(BulkCommand::Start { plan, .. })) = sent.first() else {
        panic!("a bulk run, so the engine journals it: {sent:?}")
    };
    assert_eq!(plan.kind, RunKind::Change);
    assert_eq!(plan.tickets.len(), 1);
    assert!(plan.excluded.is_empty());
    assert_eq!(plan.tickets[0].id, 2);
    // The previous value is the one before the optimistic change, so undo puts it back.
    assert_eq!(plan.tickets[0].previous.status, Some(before.code()));
    assert_eq!(plan.change.status, Some(TicketStatus::Solved.code()));
    assert_eq!(plan.change.kinds(), vec![FieldKind::Status], "status only");
    // No preview, confirmation or gauge: the bulk pane stays shut.
    assert!(app.bulk.stage.is_none());
}

#[test]
fn the_status_menu_picks_by_digit_from_keys() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use gongdan::app::keymap::action_for_key;
    let (mut app, _) = app_with_list(3, 3, false);
    update(&mut app, Action::OpenStatusMenu);
    let four = KeyEvent::new(KeyCode::Char('4'), KeyModifiers::NONE);
    let action = action_for_key(&app, &four).unwrap();
    assert_eq!(action, Action::PickStatus(TicketStatus::Solved));
}

#[test]
fn sort_and_date_filter_go_to_the_api() {
    let (mut app, _) = app_with_list(5, 5, false);
    let sorted = update(&mut app, Action::CycleSortField);
    let Some(Command::FetchList { query, .. }) = sorted.iter().find(|c| is_list(c)) else {
        panic!("{sorted:?}")
    };
    assert_eq!(
        query.order,
        Some(gongdan::api::ListOrder::Created(
            gongdan::api::SortOrder::Desc
        ))
    );
    update(&mut app, Action::StartFilter);
    for c in "updated 2026-11-01..2026-11-30".chars() {
        update(&mut app, Action::InputChar(c));
    }
    let filtered = update(&mut app, Action::InputSubmit);
    let Some(Command::FetchList { query, .. }) = filtered.iter().find(|c| is_list(c)) else {
        panic!("{filtered:?}")
    };
    assert_eq!(
        query.updated_start.unwrap().to_string(),
        "2026-11-01 00:00:00"
    );
    assert_eq!(
        query.updated_end.unwrap().to_string(),
        "2026-11-30 23:59:59"
    );
    // A search view takes the filter as date terms.
    let mut app = app_with_list(1, 1, false).0;
    update(&mut app, Action::SelectView(0));
    update(&mut app, Action::StartFilter);
    for c in "created 2026-01-01..".chars() {
        update(&mut app, Action::InputChar(c));
    }
    let filtered = update(&mut app, Action::InputSubmit);
    let Some(Command::Search { query, .. }) = filtered.first() else {
        panic!("{filtered:?}")
    };
    assert!(
        query
            .terms
            .iter()
            .any(|t| matches!(t, SearchTerm::Date { .. }))
    );
}

#[test]
fn quiet_ticks_do_not_redraw() {
    let (mut app, _) = app_with_list(3, 3, false);
    app.dirty = false;
    update(
        &mut app,
        Action::Tick {
            now: now() + chrono::Duration::seconds(1),
        },
    );
    assert!(!app.dirty, "nothing in flight, same minute: no draw");
    update(
        &mut app,
        Action::Tick {
            now: now() + chrono::Duration::seconds(61),
        },
    );
    assert!(app.dirty, "relative times changed");
}

#[test]
fn help_lists_the_keys_of_the_pane_in_use() {
    let (mut app, _) = app_with_list(3, 3, false);
    update(&mut app, Action::Open);
    update(&mut app, Action::ToggleHelp);
    assert!(matches!(
        app.overlay,
        Some(Overlay::Help {
            pane: Pane::Detail,
            ..
        })
    ));
    update(&mut app, Action::ToggleHelp);
    assert!(app.overlay.is_none());
}

#[test]
fn an_agent_who_may_not_show_sees_the_row_with_a_note() {
    let (mut app, _) = app_with_list(3, 3, false);
    let open = update(&mut app, Action::Open);
    let show = find(&open, |c| matches!(c, Command::Show { .. }));
    update(
        &mut app,
        Action::Worker(WorkerEvent::Shown {
            id: show,
            ticket: 1,
            result: Err(ApiError::Forbidden(None)),
        }),
    );
    assert!(app.detail.as_ref().unwrap().forbidden);
    assert!(app.show_forbidden);
    update(&mut app, Action::Back);
    let again = update(&mut app, Action::Open);
    assert!(
        !again.iter().any(|c| matches!(c, Command::Show { .. })),
        "not asked again"
    );
}

#[test]
fn a_page_for_a_view_reset_since_is_dropped() {
    let (mut app, _) = app_with_list(100, 300, true);
    let mut sent = Vec::new();
    for _ in 0..90 {
        sent.extend(update(&mut app, Action::MoveDown));
    }
    let page_two = find(&sent, is_list);
    // The user changes the sort: the view reloads from page 1.
    let reload = update(&mut app, Action::CycleSortField);
    let page_one = find(&reload, is_list);
    assert_ne!(page_two, page_one);
    answer_page(
        &mut app,
        page_two,
        page((101..=200).map(ticket).collect(), 300, true),
    );
    assert_eq!(
        app.current_view().ids.len(),
        100,
        "the old page 2 is not appended"
    );
    let mut sorted: Vec<_> = (1..=100).rev().map(ticket).collect();
    sorted.truncate(100);
    answer_page(&mut app, page_one, page(sorted, 300, true));
    assert_eq!(app.current_view().ids.first(), Some(&100));
    assert_eq!(selected(&app), Some(91), "still on the same ticket");
}

#[test]
fn s_with_tickets_marked_says_it_changes_the_current_one_only() {
    let (mut app, _) = app_with_list(5, 5, false);
    update(&mut app, Action::OpenStatusMenu);
    assert!(app.notice.is_none(), "no marks: nothing to say");
    app.overlay = None;
    for _ in 0..2 {
        update(
            &mut app,
            Action::Marks(gongdan::app::marks::MarkAction::Toggle),
        );
    }
    update(&mut app, Action::OpenStatusMenu);
    assert!(matches!(app.overlay, Some(Overlay::StatusMenu { .. })));
    let notice = app.notice.clone().expect("a notice");
    assert_eq!(
        notice.note,
        Note::StatusMenuNotMarks {
            ticket: 3,
            marked: 2
        }
    );
    assert_eq!(
        said(&app),
        "Only #3 changes; b changes the 2 marked tickets"
    );
}

#[test]
fn a_list_view_from_the_config_refused_to_an_agent_says_to_make_it_a_search() {
    use gongdan::app::state::{ViewName, ViewSource, ViewSpec};
    let settings = Settings {
        lang: Lang::En,
        extra_views: vec![ViewSpec {
            name: ViewName::Custom("This month".into()),
            source: ViewSource::List(gongdan::api::ListQuery::default()),
            fallback: None,
            columns: None,
        }],
        ..Settings::default()
    };
    let mut app = App::new(settings, now());
    update(
        &mut app,
        Action::Resize {
            width: 100,
            height: 30,
        },
    );
    let commands = start(&mut app);
    update(&mut app, Action::SelectView(4));
    let lists: Vec<_> = commands.iter().filter(|c| is_list(c)).collect();
    assert_eq!(lists.len(), 2, "All and This month: {commands:?}");
    for list in lists {
        update(
            &mut app,
            Action::Worker(WorkerEvent::Page {
                id: list.request_id().unwrap(),
                result: Err(ApiError::Forbidden(None)),
            }),
        );
    }
    let error = app.views[4]
        .error
        .clone()
        .expect("the view says why it is empty");
    assert_eq!(error, gongdan::app::notice::ViewError::ListRefused);
    let worded = gongdan::ui::notice::view_error(Lang::En, &app.settings.keymap, &error);
    assert!(worded.contains("search = "), "{worded}");
    // Its tab does not promise a count with "…".
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    terminal
        .draw(|frame| {
            gongdan::ui::draw(frame, &app, &mut gongdan::ui::Ui::default());
        })
        .unwrap();
    let screen = format!("{}", terminal.backend());
    let tabs = screen.lines().next().unwrap();
    assert!(tabs.contains("5 This month (!)"), "{tabs}");
}

/// Past the last loaded row while the next page is still on its way, the key is answered at
/// once ("Loading more tickets…"), and the notice goes when the page lands.
#[test]
fn moving_past_the_loaded_rows_while_a_page_hangs_says_so_at_once() {
    let mut app = app(Lang::En, 100, 30);
    let commands = update(&mut app, Action::Start);
    update(&mut app, Action::SelectView(3));
    // Ten rows fit a screen: the next page is asked for at once.
    let mut next = answer_page(
        &mut app,
        find(&commands, is_list),
        page((1..=10).map(ticket).collect(), 20, true),
    );
    for _ in 0..9 {
        next.extend(update(&mut app, Action::MoveDown));
    }
    let request = find(&next, is_list);
    assert_eq!(app.current_view().selected_id(), Some(10));
    assert!(app.notice.is_none(), "{:?}", app.notice);
    update(&mut app, Action::PageDown);
    assert_eq!(
        gongdan::ui::notice::current(&app).as_deref(),
        Some("Loading more tickets…")
    );
    answer_page(
        &mut app,
        request,
        page((11..=20).map(ticket).collect(), 20, false),
    );
    assert!(app.notice.is_none(), "{:?}", app.notice);
}

/// A ticket the console holds nothing of (opened by number and not found): picking a status
/// says so, as an error, and sends nothing (it was silent).
#[test]
fn a_status_for_a_ticket_not_known_here_is_refused_in_words() {
    let (mut app, _) = app_with_list(5, 5, false);
    app.overlay = Some(Overlay::StatusMenu {
        ticket_id: 99_999,
        selected: 0,
    });
    let sent = update(&mut app, Action::PickStatus(TicketStatus::Open));
    assert!(sent.is_empty(), "{sent:?}");
    let notice = app.notice.clone().expect("why");
    assert!(notice.is_error);
    assert!(said(&app).contains("#99999"), "{notice:?}");
}

/// The list's page fetches among `commands`: (request id, page number).
fn list_pages(commands: &[Command]) -> Vec<(gongdan::app::RequestId, u32)> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::FetchList { id, query } => Some((*id, query.page.unwrap_or(1))),
            _ => None,
        })
        .collect()
}

/// Page `n` (1-based) of a list of 100 a page, ids 100·(n−1)+1 ..= 100·n.
fn nth_page(n: u32, count: u64) -> gongdan::api::Page<gongdan::api::Ticket> {
    let first = u64::from(n - 1) * 100 + 1;
    page(
        (first..first + 100).map(ticket).collect(),
        count,
        u64::from(n) * 100 < count,
    )
}

/// The list tab with `pages` pages of 100 loaded by scrolling, the selection at the end.
fn deep_list(pages: u32, count: u64) -> App {
    let (mut app, _) = app_with_list(0, count, true);
    // `app_with_list` answered page 1 empty; start again from a first page of 100.
    let reload = update(&mut app, Action::Reload);
    let (id, _) = list_pages(&reload)[0];
    answer_page(&mut app, id, nth_page(1, count));
    for n in 2..=pages {
        let mut asked = Vec::new();
        while asked.is_empty() {
            asked = list_pages(&update(&mut app, Action::MoveDown));
        }
        assert_eq!(asked.len(), 1);
        assert_eq!(asked[0].1, n);
        answer_page(&mut app, asked[0].0, nth_page(n, count));
    }
    app
}

#[test]
fn reload_at_depth_reads_the_first_page_and_the_pages_on_screen_only() {
    let mut app = deep_list(30, 10_000);
    update(&mut app, Action::Bottom);
    for _ in 0..110 {
        update(&mut app, Action::MoveUp);
    }
    let view = app.current_view();
    assert_eq!(view.ids.len(), 3000);
    let on_ticket = selected(&app).unwrap();
    // The screen (27 rows) straddles pages 29 and 30 here.
    assert!(
        view.offset < 2900 && view.offset + app.list_rows() > 2900,
        "{}",
        view.offset
    );

    let reload = update(&mut app, Action::Reload);
    let asked = list_pages(&reload);
    let pages: Vec<u32> = asked.iter().map(|(_, p)| *p).collect();
    assert_eq!(
        pages,
        vec![1, 29, 30],
        "the first page and the pages on screen"
    );
    assert!(reload.len() <= 3, "{reload:?}");

    // Two new tickets at the top push every page down by two; all answers land.
    for (id, page_no) in asked {
        let mut answer = nth_page(page_no, 10_002);
        if page_no == 1 {
            answer.items.insert(0, ticket(20_001));
            answer.items.insert(0, ticket(20_002));
            answer.items.truncate(100);
        } else {
            let first = u64::from(page_no - 1) * 100 - 1;
            answer.items = (first..first + 100).map(ticket).collect();
        }
        answer_page(&mut app, id, answer);
    }
    let view = app.current_view();
    assert_eq!(
        selected(&app),
        Some(on_ticket),
        "the selection stays on its ticket"
    );
    assert_eq!(view.total, Some(10_002));
    // Pages 2..=28 keep their rows, stale; no ticket shows twice.
    assert_eq!(view.stale_pages, (2..=28).collect());
    let mut seen = std::collections::HashSet::new();
    assert!(view.ids.iter().all(|id| seen.insert(*id)));
    assert!(view.ids.contains(&20_001) && view.ids.contains(&150));

    // Scrolling up into stale page 28 reads it again, once, and then it is fresh.
    let mut asked = Vec::new();
    for _ in 0..200 {
        asked.extend(list_pages(&update(&mut app, Action::MoveUp)));
        if !asked.is_empty() {
            break;
        }
    }
    assert_eq!(asked.iter().map(|(_, p)| *p).collect::<Vec<_>>(), vec![28]);
    assert!(
        list_pages(&update(&mut app, Action::MoveUp)).is_empty(),
        "asked once"
    );
    answer_page(&mut app, asked[0].0, nth_page(28, 10_002));
    let view = app.current_view();
    assert!(!view.stale_pages.contains(&28));
    assert_eq!(view.stale_pages.len(), 26);
}

#[test]
fn a_sort_change_at_depth_still_reads_every_loaded_page() {
    let mut app = deep_list(4, 10_000);
    let sorted = update(&mut app, Action::CycleSortField);
    let pages: Vec<u32> = list_pages(&sorted).iter().map(|(_, p)| *p).collect();
    assert_eq!(pages, vec![1, 2, 3, 4], "a new order keeps no row");
}

#[test]
fn g_with_the_total_known_asks_every_page_to_the_end_four_at_a_time_in_order() {
    let (mut app, _) = app_with_list(0, 1000, true);
    let reload = update(&mut app, Action::Reload);
    answer_page(&mut app, list_pages(&reload)[0].0, nth_page(1, 1000));
    assert_eq!(app.current_view().ids.len(), 100);

    let jump = update(&mut app, Action::Bottom);
    let mut in_flight = list_pages(&jump);
    assert_eq!(
        in_flight.iter().map(|(_, p)| *p).collect::<Vec<_>>(),
        vec![2, 3, 4, 5],
        "the page concurrency (4) at once"
    );
    // Answer the newest first each time: rows are still put in place in page order.
    while let Some((id, page_no)) = in_flight.pop() {
        let more = answer_page(&mut app, id, nth_page(page_no, 1000));
        in_flight.extend(list_pages(&more));
        assert!(in_flight.len() <= 4, "{in_flight:?}");
        let view = app.current_view();
        assert!(
            view.ids.iter().copied().eq(1..=view.ids.len() as u64),
            "in order"
        );
    }
    let view = app.current_view();
    assert_eq!(view.ids.len(), 1000);
    assert_eq!(selected(&app), Some(1000), "the selection on the last row");
    assert_eq!(view.next_page, None);
    assert!(!view.in_flight());
    // R at the end reads page 1 and the last page only.
    let reload = update(&mut app, Action::Reload);
    let pages: Vec<u32> = list_pages(&reload).iter().map(|(_, p)| *p).collect();
    assert_eq!(pages, vec![1, 10]);
}
