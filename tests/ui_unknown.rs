//! Fields the server left out or sent as null are shown as not known, never as empty: the
//! list's cells and the detail pane, both languages, on ratatui's TestBackend.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use gongdan::api::{IdField, Ticket};
use gongdan::app::{Action, App, Command, WorkerEvent, update};
use gongdan::lang::Lang;

/// Ticket 3: tags, CC, assignee and group sent as null. Ticket 4: all known to be empty.
fn tickets() -> Vec<Ticket> {
    (1..=5)
        .map(|id| {
            let mut t = ticket(id);
            t.subject = format!("ticket-{id}");
            if id == 3 {
                t.tags = None;
                t.cc_user_ids = None;
                t.assignee_id = IdField::Unknown;
                t.group_id = IdField::Unknown;
            }
            if id == 4 {
                t.tags = Some(vec![]);
                t.assignee_id = IdField::Unset;
                t.group_id = IdField::Unset;
            }
            t
        })
        .collect()
}

fn lines(app: &App) -> Vec<String> {
    common::screen_lines(app)
}

fn row<'a>(lines: &'a [String], subject: &str) -> &'a str {
    lines
        .iter()
        .find(|l| l.contains(subject))
        .unwrap_or_else(|| panic!("no row for {subject}: {lines:#?}"))
}

/// Opens ticket `id` and answers its show with the same ticket.
fn open(app: &mut App, id: u64) {
    update(app, Action::Top);
    let at = app
        .current_view()
        .ids
        .iter()
        .position(|i| *i == id)
        .unwrap();
    for _ in 0..at {
        update(app, Action::MoveDown);
    }
    let out = update(app, Action::Open);
    if let Some(show) = out.iter().find_map(|c| match c {
        Command::Show { id: request, .. } => Some(*request),
        _ => None,
    }) {
        let ticket = tickets().into_iter().find(|t| t.id == id).unwrap();
        update(
            app,
            Action::Worker(WorkerEvent::Shown {
                id: show,
                ticket: id,
                result: Ok(ticket),
            }),
        );
    }
}

#[test]
fn the_list_shows_a_dash_where_the_server_said_nothing_and_a_blank_for_none() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = app(lang, 400, 30);
        show_all_tab(&mut app, page(tickets(), 5, false));
        let shown = lines(&app);
        // Assignee and tags not known: a dash each; known to be none: blank.
        assert_eq!(
            row(&shown, "ticket-3").matches('—').count(),
            2,
            "{shown:#?}"
        );
        assert!(!row(&shown, "ticket-4").contains('—'), "{shown:#?}");
    }
}

#[test]
fn the_detail_says_not_known_where_the_server_said_nothing() {
    for (lang, word) in [(Lang::En, "not known"), (Lang::Zh, "未知")] {
        let mut app = app(lang, 160, 40);
        show_all_tab(&mut app, page(tickets(), 5, false));
        open(&mut app, 3);
        let shown = lines(&app);
        let label = |en: &str, zh: &str| if lang == Lang::En { en } else { zh }.to_string();
        for field in [
            label("Assignee", "受理人"),
            label("Group", "受理组"),
            label("CC", "抄送"),
            label("Tags", "标签"),
        ] {
            // Spaces dropped: a wide glyph's second cell reads as one.
            let word = word.replace(' ', "");
            assert!(
                shown
                    .iter()
                    .map(|l| l.replace(' ', ""))
                    .any(|l| l.contains(&field) && l.contains(&word)),
                "{field}: {shown:#?}"
            );
        }
        update(&mut app, Action::Back);
        open(&mut app, 4);
        let shown = lines(&app);
        let word = word.replace(' ', "");
        assert!(
            shown.iter().all(|l| !l.replace(' ', "").contains(&word)),
            "{shown:#?}"
        );
    }
}

/// The reply's "changed since" window lists fields whose value changed; a field the server
/// now leaves out did not change (nothing is known of it), so it is not listed.
#[test]
fn a_field_the_server_now_leaves_out_is_not_listed_as_changed_since() {
    let mut app = app(Lang::En, 160, 40);
    show_all_tab(&mut app, page(tickets(), 5, false));
    let mut before = ticket(3);
    before.tags = Some(vec!["vip客户".into()]);
    let updated = before.updated.unwrap();
    let lines = gongdan::ui::composer::stale_lines(&app, 3, Some(&before), updated);
    assert!(
        lines.iter().all(|l| !l.starts_with("Tags")
            && !l.starts_with("Assignee")
            && !l.starts_with("Group")),
        "{lines:#?}"
    );
    // Known on both sides and different: listed, "none" as such.
    let mut before = ticket(4);
    before.tags = Some(vec!["vip客户".into()]);
    let lines = gongdan::ui::composer::stale_lines(&app, 4, Some(&before), updated);
    assert!(lines.iter().any(|l| l == "Tags: vip客户 → "), "{lines:#?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Assignee: ") && l.ends_with(" → —")),
        "{lines:#?}"
    );
}
