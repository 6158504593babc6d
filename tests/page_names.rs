//! A page in one frame (issue 14, item 3), at the update level: a page's arrival asks for
//! every unknown name of the screen and of the next one at once; the screen is redrawn once
//! when its names are all in (or once after a short deadline), never once a name; a page
//! down onto prefetched names needs no lookup and no second frame.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use gongdan::api::{Contact, Ticket};
use gongdan::app::{Action, App, Command, LookupKey, LookupValue, WorkerEvent, update};
use gongdan::bench::draw_console;
use gongdan::lang::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Rows that differ in contact, as live data does.
fn distinct(id: u64) -> Ticket {
    Ticket {
        contact_id: Some(10_000 + id),
        ..ticket(id)
    }
}

fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    draw_console(&mut terminal, app, &mut gongdan::ui::Ui::default()).unwrap();
    let buffer = terminal.backend().buffer().clone();
    (0..app.height)
        .flat_map(|y| {
            (0..app.width)
                .map(move |x| (x, y))
                .chain(std::iter::once((u16::MAX, y)))
        })
        .map(|(x, y)| {
            if x == u16::MAX {
                "\n".to_string()
            } else {
                buffer[(x, y)].symbol().to_string()
            }
        })
        .collect::<String>()
        // The cell after a wide glyph holds a space.
        .replace(' ', "")
}

fn contacts_asked(commands: &[Command]) -> Vec<(gongdan::app::RequestId, u64)> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Lookup {
                id,
                key: LookupKey::Contact(contact),
            } => Some((*id, *contact)),
            _ => None,
        })
        .collect()
}

fn answer_contact(app: &mut App, (id, contact): (gongdan::app::RequestId, u64)) -> Vec<Command> {
    update(
        app,
        Action::Worker(WorkerEvent::Looked {
            id,
            key: LookupKey::Contact(contact),
            result: Ok(LookupValue::Contact(Contact {
                id: contact,
                name: format!("客户{contact}"),
                mobile: None,
                email: None,
                company_id: None,
            })),
        }),
    )
}

/// The All tab at 120×40 (37 rows on screen) with 300 rows of 300 contacts just arrived,
/// the agents already known; returns the page's commands.
fn arrived(lang: Lang) -> (App, Vec<Command>) {
    let mut app = app(lang, 120, 40);
    let commands = start(&mut app);
    let agents: Vec<Command> = commands
        .iter()
        .filter(|c| matches!(c, Command::Lookup { .. }))
        .cloned()
        .collect();
    answer_lookups(&mut app, &agents);
    // The search tabs answer too, so nothing is in flight (no spinner) but names.
    for status in ["1", "2", "3"] {
        answer_page(
            &mut app,
            find(&commands, is_search_for(status)),
            page(vec![], 0, false),
        );
    }
    update(&mut app, Action::SelectView(3));
    let after = answer_page(
        &mut app,
        find(&commands, is_list),
        page((1..=300).map(distinct).collect(), 300, false),
    );
    (app, after)
}

#[test]
fn a_page_arrival_asks_for_the_screen_and_the_next_screen_in_one_batch() {
    let (app, commands) = arrived(Lang::Zh);
    assert_eq!(app.list_rows(), 37);
    let asked: Vec<u64> = contacts_asked(&commands)
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    // The next screen first, then the screen's: the worker serves the newest first.
    let expected: Vec<u64> = (38..=74).chain(1..=37).map(|id| 10_000 + id).collect();
    assert_eq!(asked, expected);
}

#[test]
fn the_screen_is_redrawn_once_when_its_names_are_all_in_and_a_page_down_paints_once() {
    for lang in [Lang::Zh, Lang::En] {
        let (mut app, commands) = arrived(lang);
        app.dirty = false;
        let asked = contacts_asked(&commands);
        let (next, on_screen) = asked.split_at(37);
        let mut draws = 0;
        for (n, lookup) in on_screen.iter().enumerate() {
            let more = answer_contact(&mut app, *lookup);
            assert!(contacts_asked(&more).is_empty(), "each name is asked once");
            if app.dirty {
                draws += 1;
                app.dirty = false;
                assert_eq!(n, on_screen.len() - 1, "drawn only once all are in");
            }
        }
        assert_eq!(draws, 1);
        assert!(screen(&app).contains("客户10001"));
        // The prefetched names come in unseen: no draw.
        for lookup in next {
            answer_contact(&mut app, *lookup);
            assert!(!app.dirty, "a name nobody sees yet draws nothing");
        }
        // A page down: the rows it shows have their names, so one frame shows them all, and
        // what it asks for is the screen after.
        // (The first moves the selection to the bottom row: the list scrolls by one.)
        let first = update(&mut app, Action::PageDown);
        for lookup in contacts_asked(&first) {
            answer_contact(&mut app, lookup);
        }
        let more = update(&mut app, Action::PageDown);
        assert_eq!(app.current_view().offset, 38);
        let asked: Vec<u64> = contacts_asked(&more).into_iter().map(|(_, c)| c).collect();
        assert_eq!(asked, (76..=112).map(|id| 10_000 + id).collect::<Vec<_>>());
        let shown = screen(&app);
        for id in 39..=75 {
            assert!(
                shown.contains(&format!("客户{}", 10_000 + id)),
                "{id}: {shown}"
            );
        }
        assert!(!shown.contains("#100"), "no placeholder left: {shown}");
        app.dirty = false;
        for lookup in contacts_asked(&more) {
            answer_contact(&mut app, lookup);
            assert!(!app.dirty);
        }
    }
}

#[test]
fn names_that_trickle_in_are_drawn_together_at_the_first_tick_after_the_deadline() {
    let (mut app, commands) = arrived(Lang::En);
    app.dirty = false;
    let asked = contacts_asked(&commands);
    let on_screen = &asked[37..];
    for lookup in &on_screen[..10] {
        answer_contact(&mut app, *lookup);
    }
    assert!(!app.dirty);
    let t0 = app.now;
    update(
        &mut app,
        Action::Tick {
            now: t0 + chrono::Duration::milliseconds(100),
        },
    );
    assert!(!app.dirty, "before the deadline the ten wait for the rest");
    update(
        &mut app,
        Action::Tick {
            now: t0 + chrono::Duration::milliseconds(400),
        },
    );
    assert!(app.dirty, "after it they are drawn, in one frame");
    app.dirty = false;
    update(
        &mut app,
        Action::Tick {
            now: t0 + chrono::Duration::milliseconds(600),
        },
    );
    assert!(!app.dirty, "nothing new came in: nothing to draw");
    for lookup in &on_screen[10..] {
        answer_contact(&mut app, *lookup);
    }
    assert!(app.dirty, "the last name of the screen draws at once");
}

/// Names read from the lookup cache show at once; those older than a day are asked again
/// once, in the background, and an answer that changes nothing draws nothing.
#[test]
fn cached_names_show_at_once_and_old_ones_are_asked_again_once_quietly() {
    use gongdan::app::state::CachedName;
    let mut app = app(Lang::Zh, 120, 40);
    let now = app.now;
    let cached = |id: u64, hours: i64| {
        (
            CachedName::Contact(Contact {
                id: 10_000 + id,
                name: format!("客户{}", 10_000 + id),
                mobile: None,
                email: None,
                company_id: None,
            }),
            now - chrono::Duration::hours(hours),
        )
    };
    // The screen's names were learned two hours ago, the next screen's three days ago.
    app.lookups.seed(
        (1..=37)
            .map(|id| cached(id, 2))
            .chain((38..=74).map(|id| cached(id, 72)))
            .collect(),
    );
    let commands = start(&mut app);
    let agents: Vec<Command> = commands
        .iter()
        .filter(|c| matches!(c, Command::Lookup { .. }))
        .cloned()
        .collect();
    answer_lookups(&mut app, &agents);
    update(&mut app, Action::SelectView(3));
    let after = answer_page(
        &mut app,
        find(&commands, is_list),
        page((1..=300).map(distinct).collect(), 300, false),
    );
    let asked = contacts_asked(&after);
    assert_eq!(
        asked.iter().map(|(_, c)| *c).collect::<Vec<_>>(),
        (38..=74).map(|id| 10_000 + id).collect::<Vec<_>>(),
        "only the old ones, once"
    );
    assert!(screen(&app).contains("客户10001"), "shown with no call");
    app.dirty = false;
    for lookup in &asked {
        answer_contact(&mut app, *lookup);
        assert!(!app.dirty, "the same name again draws nothing");
    }
    // Asked once a session: scrolling there asks nothing more for them.
    update(&mut app, Action::PageDown);
    let again = update(&mut app, Action::PageDown);
    assert!(
        contacts_asked(&again).iter().all(|(_, c)| *c > 10_074),
        "{:?}",
        contacts_asked(&again)
    );
    // What is kept for the next start: each name with when the server last gave it.
    let kept = app.lookups.to_keep();
    let learned = |id: u64| {
        kept.iter()
            .find(|(name, _)| matches!(name, CachedName::Contact(c) if c.id == id))
            .map(|(_, at)| *at)
    };
    assert_eq!(learned(10_001), Some(now - chrono::Duration::hours(2)));
    assert_eq!(learned(10_038), Some(now));
}

/// The selected ticket's names (its contact's company, its group, the templates) are asked
/// for with the screen's, so opening it asks for no name and paints them at once.
#[test]
fn opening_the_selected_ticket_asks_for_no_name() {
    let (mut app, commands) = arrived(Lang::En);
    let keys: Vec<LookupKey> = commands
        .iter()
        .filter_map(|c| match c {
            Command::Lookup { key, .. } => Some(*key),
            _ => None,
        })
        .collect();
    assert!(keys.contains(&LookupKey::Group(1)), "{keys:?}");
    assert!(keys.contains(&LookupKey::Templates), "{keys:?}");
    answer_lookups(&mut app, &commands);
    let opened = update(&mut app, Action::Open);
    assert!(
        !opened.iter().any(|c| matches!(c, Command::Lookup { .. })),
        "{opened:?}"
    );
    assert!(opened.iter().any(|c| matches!(c, Command::Show { .. })));
}

/// Opening a ticket or going back replaces the whole screen: the loop erases it and paints
/// what is not blank (no more than a full redraw), where a move within the list does not.
#[test]
fn opening_and_leaving_a_ticket_ask_for_a_full_redraw_and_moves_do_not() {
    let (mut app, commands) = arrived(Lang::Zh);
    answer_lookups(&mut app, &commands);
    app.clear_before_draw = false;
    update(&mut app, Action::PageDown);
    update(&mut app, Action::MoveDown);
    assert!(!app.clear_before_draw);
    update(&mut app, Action::Open);
    assert!(app.clear_before_draw);
    app.clear_before_draw = false;
    update(&mut app, Action::Back);
    assert!(app.clear_before_draw);
}

/// Agents named at the last start name their rows at once (a start from the store, or
/// offline, paints rows before the agents list answers, or without it); the list's answer
/// is what is kept for the next start.
#[test]
fn agents_named_at_the_last_start_name_the_rows_before_the_agents_list_answers() {
    use gongdan::app::state::CachedName;
    let mut app = app(Lang::En, 120, 30);
    let now = app.now;
    // `common::ticket(1)`'s assignee is agent 11.
    app.lookups.seed(vec![(
        CachedName::Agent {
            id: 11,
            name: "阿明".into(),
        },
        now - chrono::Duration::hours(2),
    )]);
    let commands = start(&mut app);
    update(&mut app, Action::SelectView(3));
    answer_page(
        &mut app,
        find(&commands, is_list),
        page(vec![ticket(1)], 1, false),
    );
    assert!(
        screen(&app).contains("阿明"),
        "named with no answer yet:\n{}",
        screen(&app)
    );
    let kept = |app: &App| {
        app.lookups
            .to_keep()
            .into_iter()
            .find(|(name, _)| matches!(name, CachedName::Agent { id: 11, .. }))
    };
    assert_eq!(
        kept(&app).map(|(_, at)| at),
        Some(now - chrono::Duration::hours(2))
    );
    // The agents list answers: its names are kept, as of now.
    let agents: Vec<Command> = commands
        .iter()
        .filter(|c| {
            matches!(
                c,
                Command::Lookup {
                    key: LookupKey::Agents,
                    ..
                }
            )
        })
        .cloned()
        .collect();
    assert_eq!(agents.len(), 1, "the list is still asked");
    answer_lookups(&mut app, &agents);
    assert_eq!(kept(&app).map(|(_, at)| at), Some(now));
}
