//! Text from the server is shown as sent: a subject, a name or a server's message that
//! contains `{3}` or `{0}` is never taken for a placeholder of the message quoting it
//! (it used to be filled with a later argument: `server says {3}` showed as `server says
//! open`).

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use gongdan::api::{ApiError, IdField, TicketStatus};
use gongdan::app::bulk_edit::{BulkCommand, BulkEvent};
use gongdan::app::notice::{Note, StatusFailure};
use gongdan::app::state::Lookup;
use gongdan::app::{Action, App, Command, WorkerEvent, update};
use gongdan::bulk::{RunReport, TicketOutcome};
use gongdan::lang::Lang;

const SERVER: &str = "server says {3} {0}";

fn screen(app: &App) -> String {
    common::screen_lines(app).join("\n")
}

/// A quick status change the server refuses with its own message: the notice quotes the
/// message verbatim, in both languages, in the state and on the screen.
#[test]
fn a_servers_message_with_braces_is_quoted_verbatim_in_the_status_notice() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = app(lang, 160, 30);
        show_all_tab(&mut app, page((1..=3).map(ticket).collect(), 3, false));
        update(&mut app, Action::OpenStatusMenu);
        let sent = update(&mut app, Action::PickStatus(TicketStatus::Solved));
        let Some(Command::Bulk(BulkCommand::Start { id, plan })) = sent.first().cloned() else {
            panic!("{sent:?}")
        };
        let reason = gongdan::words::api_error(
            lang,
            &ApiError::Reported {
                code: None,
                message: SERVER.into(),
            },
        );
        let report = RunReport {
            plan: (*plan).clone(),
            outcomes: vec![TicketOutcome {
                id: plan.tickets[0].id,
                success: false,
                error: reason,
                ..Default::default()
            }],
            not_sent: Vec::new(),
            cancelled: false,
        };
        update(
            &mut app,
            Action::Worker(WorkerEvent::Bulk(BulkEvent::RunDone {
                id,
                result: Ok(Box::new(report)),
            })),
        );
        let notice = app.notice.clone().expect("the failure is said");
        assert!(notice.is_error);
        // In the state, the server's words are data; worded, they are quoted as sent.
        assert!(
            matches!(
                &notice.note,
                Note::StatusChangeFailed { reason: StatusFailure::Outcome(text), .. }
                    if text.contains(SERVER)
            ),
            "{lang:?}: {notice:?}"
        );
        let said = gongdan::ui::notice::current(&app).unwrap_or_default();
        assert!(said.contains(SERVER), "{lang:?}: {said}");
        let shown = screen(&app);
        assert!(shown.contains(SERVER), "{lang:?}: {shown}");
    }
}

/// A server's message that names a key the way the table does (`{key:list.reload}`) is
/// quoted as sent: key names are put into the table's own text only, never into what the
/// server said (the key map used to expand the whole finished notice).
#[test]
fn a_servers_message_naming_a_key_is_not_expanded() {
    const NAMES_KEY: &str = "see {key:list.reload} {0}";
    for lang in [Lang::En, Lang::Zh] {
        // Narrow: the detail opens over the list, read by one show.
        let mut app = app(lang, 120, 30);
        show_all_tab(&mut app, page((1..=3).map(ticket).collect(), 3, false));
        let sent = update(&mut app, Action::Open);
        let Some(id) = sent.iter().find_map(|c| match c {
            Command::Show { id, .. } => Some(*id),
            _ => None,
        }) else {
            panic!("{sent:?}")
        };
        update(
            &mut app,
            Action::Worker(WorkerEvent::Shown {
                id,
                ticket: 1,
                result: Err(ApiError::Reported {
                    code: None,
                    message: NAMES_KEY.into(),
                }),
            }),
        );
        let said = gongdan::ui::notice::current(&app).unwrap_or_default();
        assert!(said.contains(NAMES_KEY), "{lang:?}: {said}");
        let shown = screen(&app);
        assert!(shown.contains(NAMES_KEY), "{lang:?}: {shown}");
    }
}

/// The reply's "changed since" window quotes the subject and the assignee's name as the
/// server sent them.
#[test]
fn a_subject_and_a_name_with_braces_are_quoted_verbatim_in_the_changed_since_window() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = app(lang, 160, 40);
        let mut now = ticket(1);
        now.subject = "renamed {1} {2}".into();
        now.assignee_id = IdField::Id(7);
        show_all_tab(&mut app, page(vec![now], 1, false));
        app.lookups
            .agents
            .insert(7, Lookup::Ready(format!("{SERVER} agent")));
        app.lookups
            .agents
            .insert(8, Lookup::Ready("{0}{1}{2}".into()));
        let mut before = ticket(1);
        before.subject = format!("{SERVER} {{2}}");
        before.assignee_id = IdField::Id(8);
        let updated = before.updated.unwrap();
        let lines = gongdan::ui::composer::stale_lines(&app, 1, Some(&before), updated);
        let subject = gongdan::words::Msg::FieldSubject.text(lang);
        let assignee = gongdan::words::Msg::FieldAssignee.text(lang);
        let colon = if lang == Lang::Zh { "：" } else { ": " };
        for want in [
            format!("{subject}{colon}{SERVER} {{2}} → renamed {{1}} {{2}}"),
            format!("{assignee}{colon}{{0}}{{1}}{{2}} → {SERVER} agent"),
        ] {
            assert!(lines.contains(&want), "{lang:?}: {want} in {lines:#?}");
        }
    }
}
