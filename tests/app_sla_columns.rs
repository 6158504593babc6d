//! Issue 17, items 3 and 4: a ticket's age, time in status and SLA clocks from the app's
//! clock (the tick's), unknown left blank; the tabs' breach counts; the sort closest to
//! breach (unknown last); a view's own columns from the config, a custom field by its
//! name, and a column blank on every row giving its room to the subject. Snapshots of
//! such a view at 80×24 and 200×50 in both languages.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;

use chrono::Duration;
use gongdan::api::{
    CustomField, CustomValue, IdField, Priority, SearchQuery, SortOrder, Ticket, TicketStatus,
};
use gongdan::app::columns::ListColumn;
use gongdan::app::local::{Column, LocalLookups, LocalNames, sort_ids};
use gongdan::app::sla::{self, SlaState, SlaTarget, SlaTargets};
use gongdan::app::state::{ViewName, ViewSource, ViewSpec};
use gongdan::app::{Action, App, Command, Settings, WorkerEvent, update};
use gongdan::lang::Lang;

/// Urgent: first response 1h, resolution 8h; high: resolution 1d; low and normal: none.
fn targets() -> SlaTargets {
    let mut targets = SlaTargets::default();
    targets.by_priority[3] = SlaTarget {
        first_response: Some(60),
        resolution: Some(8 * 60),
    };
    targets.by_priority[2] = SlaTarget {
        first_response: None,
        resolution: Some(24 * 60),
    };
    targets
}

fn hours_ago(hours: i64) -> Option<chrono::NaiveDateTime> {
    Some(now() - Duration::hours(hours))
}

fn made(
    id: u64,
    priority: Option<Priority>,
    status: TicketStatus,
    created: i64,
    change: impl FnOnce(&mut Ticket),
) -> Ticket {
    let mut t = ticket(id);
    t.priority = priority;
    t.status = Some(status);
    t.created = hours_ago(created);
    t.updated = hours_ago(0);
    t.assignee_id = IdField::Unset;
    change(&mut t);
    t
}

/// Seven tickets at [`now`]:
/// 1 urgent, new for 2h: first response breached (1h over);
/// 2 urgent, open 6h (openDT), made 7h ago: resolution at 87.5%, a warning, 1h left;
/// 3 high, pending without waitDT: time in status unknown; 23h left;
/// 4 normal, open: no target;
/// 5 urgent, solved 3h ago after 7h: met, no clock running;
/// 6 priority and creation not known: nothing known;
/// 7 urgent, open, made 20h ago: resolution breached by 12h.
fn tickets() -> Vec<Ticket> {
    vec![
        made(1, Some(Priority::Urgent), TicketStatus::New, 2, |t| {
            t.custom_fields = vec![CustomField {
                key: "field_1".into(),
                value: CustomValue::Text("DD202611000123".into()),
                pay_status: None,
            }]
        }),
        made(2, Some(Priority::Urgent), TicketStatus::Open, 7, |t| {
            t.live.opened = hours_ago(6)
        }),
        made(3, Some(Priority::High), TicketStatus::Pending, 1, |_| {}),
        made(4, Some(Priority::Normal), TicketStatus::Open, 30, |t| {
            t.live.opened = hours_ago(29)
        }),
        made(5, Some(Priority::Urgent), TicketStatus::Solved, 10, |t| {
            t.live.solved = hours_ago(3)
        }),
        made(6, None, TicketStatus::Open, 0, |t| t.created = None),
        made(7, Some(Priority::Urgent), TicketStatus::Open, 20, |_| {}),
    ]
}

fn by_status(codes: &str) -> SearchQuery {
    SearchQuery::parse(&format!("ticketStatus:{codes}")).unwrap()
}

/// A console with a fifth tab "SLA" (a search) showing its own columns, a custom field by
/// name among them, and [`tickets`] in it.
fn sla_console(lang: Lang, width: u16, height: u16, columns: &[&str]) -> App {
    let settings = Settings {
        lang,
        account_label: "admin@127.0.0.1".into(),
        sla: targets(),
        extra_views: vec![ViewSpec {
            name: ViewName::Custom("SLA".into()),
            source: ViewSource::Search(by_status("1,2,3,4")),
            fallback: None,
            columns: Some(columns.iter().map(|c| ListColumn::parse(c)).collect()),
        }],
        ..Settings::default()
    };
    let mut app = App::new(settings, now());
    update(&mut app, Action::Resize { width, height });
    let mut commands = start(&mut app);
    for status in ["1", "2", "3"] {
        answer_page(
            &mut app,
            find(&commands, is_search_for(status)),
            page(vec![], 0, false),
        );
    }
    commands.extend(update(&mut app, Action::SelectView(4)));
    let search = find(&commands, is_search_for("1,2,3,4"));
    commands.extend(answer_page(&mut app, search, page(tickets(), 7, false)));
    answer_order_lookups(&mut app, &commands, true);
    app.notice = None;
    app
}

const COLUMNS: &[&str] = &[
    "id",
    "sla",
    "priority",
    "subject",
    "age",
    "in_status",
    "assignee",
    "订单编号",
];

#[test]
fn ages_come_from_the_given_clock_and_unknown_stays_unknown() {
    let t = tickets();
    let now = now();
    assert_eq!(sla::age(&t[0], now), Some(120));
    assert_eq!(sla::idle(&t[0], now), Some(0));
    // New since created; open since openDT; pending without waitDT: not known (updateDT is
    // not taken for it).
    assert_eq!(sla::in_status(&t[0], now), Some(120));
    assert_eq!(sla::in_status(&t[1], now), Some(360));
    assert_eq!(sla::in_status(&t[2], now), None);
    assert_eq!(sla::age(&t[5], now), None);
    // The clock is the one given: an hour later, an hour older.
    assert_eq!(sla::age(&t[0], now + Duration::hours(1)), Some(180));
}

#[test]
fn sla_clocks_per_priority_warning_breached_met_and_unknown() {
    let targets = targets();
    let now = now();
    let states: Vec<Option<SlaState>> = tickets()
        .iter()
        .map(|t| sla::sla(t, now, &targets).state())
        .collect();
    assert_eq!(
        states,
        vec![
            Some(SlaState::Breached),
            Some(SlaState::Warning),
            Some(SlaState::Ok),
            None,
            Some(SlaState::Ok),
            None,
            Some(SlaState::Breached),
        ]
    );
    let t = tickets();
    // First response runs only while the ticket is new.
    assert!(sla::sla(&t[0], now, &targets).first_response.is_some());
    assert!(sla::sla(&t[1], now, &targets).first_response.is_none());
    // Solved in 7h of 8h: met, not running.
    let solved = sla::sla(&t[4], now, &targets).resolution.unwrap();
    assert_eq!((solved.elapsed, solved.running), (7 * 60, false));
    // Solved without solveDT: when is not known, so neither met nor breached.
    let mut unknown = t[4].clone();
    unknown.live.solved = None;
    assert_eq!(sla::sla(&unknown, now, &targets).state(), None);
    // Status not known: nothing is claimed.
    let mut no_status = t[6].clone();
    no_status.status = None;
    assert_eq!(sla::sla(&no_status, now, &targets).state(), None);
}

#[test]
fn the_tab_counts_the_breached_and_the_count_follows_the_clock() {
    let mut app = sla_console(Lang::En, 120, 30, COLUMNS);
    assert_eq!(app.current_view().breached, 2);
    // Three hours on: ticket 2 (1h left) is past its target too.
    update(
        &mut app,
        Action::Tick {
            now: now() + Duration::hours(3),
        },
    );
    assert_eq!(app.current_view().breached, 3);
    let tabs = screen_lines(&app)[0].clone();
    assert!(tabs.contains("SLA (7, 3 breached)"), "{tabs}");
    // Without targets nothing is counted.
    let plain = {
        let mut settings = app.settings.clone();
        settings.sla = SlaTargets::default();
        let mut plain = App::new(settings, now());
        update(
            &mut plain,
            Action::Resize {
                width: 80,
                height: 24,
            },
        );
        plain
    };
    assert_eq!(plain.views[4].breached, 0);
}

#[test]
fn closest_to_breach_sorts_overdue_first_and_unknown_last_either_way() {
    let names = LocalNames::default().with_sla(targets(), now());
    let asc = sort_ids(&tickets(), &Column::Breach, SortOrder::Asc, &names);
    assert_eq!(asc, vec![7, 1, 2, 3, 4, 5, 6]);
    let desc = sort_ids(&tickets(), &Column::Breach, SortOrder::Desc, &names);
    assert_eq!(desc, vec![3, 2, 1, 7, 6, 5, 4]);
    // Without the clock and targets nothing is known: by id, all last.
    let none = sort_ids(
        &tickets(),
        &Column::Breach,
        SortOrder::Asc,
        &LocalNames::default(),
    );
    assert_eq!(none, vec![1, 2, 3, 4, 5, 6, 7]);
}

#[test]
fn o_reaches_closest_to_breach_in_a_store_view_with_the_clock_sent_along() {
    let mut app = sla_console(Lang::En, 120, 30, COLUMNS);
    app.settings.local_store = true;
    let synced = update(
        &mut app,
        Action::Worker(WorkerEvent::Synced {
            id: gongdan::app::RequestId(0),
            server: Some(Ok(())),
            tickets: vec![],
            partial: false,
        }),
    );
    let asked = |commands: &[Command]| {
        commands.iter().find_map(|c| match c {
            Command::LocalView {
                id, column, names, ..
            } => Some((*id, column.clone(), names.sla_clock().is_some())),
            _ => None,
        })
    };
    let (id, column, with_clock) = asked(&synced).unwrap();
    assert_eq!((column, with_clock), (Column::Updated, false));
    update(
        &mut app,
        Action::Worker(WorkerEvent::LocalRows {
            id,
            rows: Some(gongdan::app::LocalAnswer {
                facets: None,
                ids: (1..=7).collect(),
                tickets: vec![],
                hits: vec![],
                as_of: now(),
                unknown: 0,
            }),
        }),
    );
    // Updated is the last of the ticket's own columns: the next is closest to breach.
    let commands = update(&mut app, Action::CycleSortField);
    let (id, column, with_clock) = asked(&commands).unwrap();
    assert_eq!((column, with_clock), (Column::Breach, true));
    update(
        &mut app,
        Action::Worker(WorkerEvent::LocalRows {
            id,
            rows: Some(gongdan::app::LocalAnswer {
                facets: None,
                ids: vec![7, 1, 2, 3, 4, 5, 6],
                tickets: vec![],
                hits: vec![],
                as_of: now(),
                unknown: 0,
            }),
        }),
    );
    // The header shows the sort on the SLA column.
    let header = screen_lines(&app)[1].clone();
    assert!(
        header.contains("SLA▼") || header.contains("SLA▲"),
        "{header}"
    );
}

#[test]
fn a_views_columns_come_in_its_order_with_a_custom_field_by_name() {
    let app = sla_console(Lang::En, 120, 30, COLUMNS);
    let view = app.current_view();
    let columns: Vec<ListColumn> = gongdan::ui::list::columns(&app, view, 120)
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    // The assignee is blank on every row (nobody's): left out.
    assert_eq!(
        columns,
        vec![
            ListColumn::Id,
            ListColumn::Sla,
            ListColumn::Priority,
            ListColumn::Subject,
            ListColumn::Age,
            ListColumn::InStatus,
            ListColumn::Field("订单编号".into()),
        ]
    );
    let lines = screen_lines(&app);
    assert!(
        lines[1].replace(" ", "").contains("订单编号"),
        "{}",
        lines[1]
    );
    let row = lines.iter().find(|l| l.contains("DD202611000123"));
    assert!(row.is_some_and(|r| r.contains("1h over")), "{lines:#?}");
}

#[test]
fn a_column_blank_on_every_row_gives_its_room_to_the_subject() {
    let mut app = sla_console(Lang::En, 120, 30, COLUMNS);
    let subject = |app: &App| {
        gongdan::ui::list::columns(app, app.current_view(), 120)
            .into_iter()
            .find(|(c, _)| *c == ListColumn::Subject)
            .map(|(_, w)| w)
            .unwrap()
    };
    let without = subject(&app);
    // One ticket gets an assignee: the column is back, and the subject narrower by it.
    let mut t = app.tickets.get(&3).unwrap();
    t.assignee_id = IdField::Id(10);
    app.tickets.insert(3, t);
    let with = subject(&app);
    assert_eq!(without - with, 11, "the assignee's 10 columns and a space");
}

#[test]
fn the_sla_view_at_80x24_and_200x50_in_both_languages() {
    for (width, height) in [(80, 24), (200, 50)] {
        for lang in [Lang::En, Lang::Zh] {
            let app = sla_console(lang, width, height, COLUMNS);
            let name = format!(
                "sla_columns_{}_{width}x{height}",
                if lang == Lang::En { "en" } else { "zh" }
            );
            insta::assert_snapshot!(name, screen_lines(&app).join("\n"));
        }
    }
}

#[test]
fn with_targets_set_the_default_columns_show_the_sla_after_the_priority() {
    let mut app = sla_console(Lang::En, 120, 30, COLUMNS);
    app.views[4].spec.columns = None;
    let columns: Vec<ListColumn> = gongdan::ui::list::columns(&app, app.current_view(), 120)
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    assert_eq!(
        columns[..5],
        [
            ListColumn::Id,
            ListColumn::Status,
            ListColumn::Priority,
            ListColumn::Sla,
            ListColumn::Subject
        ]
    );
    // Without targets: the default set as before.
    app.settings.sla = SlaTargets::default();
    let columns = gongdan::ui::list::columns(&app, app.current_view(), 120);
    assert!(!columns.iter().any(|(c, _)| *c == ListColumn::Sla));
}
