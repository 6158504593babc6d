//! `update` is a function of (state, action): two apps built alike and given the same
//! actions (keys through the key map, worker answers with fixed data, ticks at given times,
//! resizes, a bulk edit and its preview) end in the same state and ask for the same commands,
//! step by step. A clock or randomness read inside `update` (a plan stamping itself with
//! `Utc::now()`, say) makes the two differ.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::Duration;
use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gongdan::api::{Agent, ApiError, Contact, Page, ShowMany, TicketStatus};
use gongdan::app::bulk_edit::{BulkAction, BulkCommand, BulkEvent};
use gongdan::app::keymap::{Keys, action_for_key, split_glued_escape};
use gongdan::app::macros::{Macro, MacroChange};
use gongdan::app::marks::MarkAction;
use gongdan::app::sla::SlaTarget;
use gongdan::app::snippets::Snippet;
use gongdan::app::{Action, App, Command, LookupKey, LookupValue, RequestId, WorkerEvent, update};
use gongdan::lang::Lang;
use proptest::prelude::*;

/// The same fixture each time: the "All" tab with 40 full tickets, names looked up, no run
/// to resume; a canned reply with variables, a macro with a key and a snippet, and SLA
/// targets, so that the triage keys (Ctrl-G, `m`, the `sla` column's clock) run too.
fn fixture() -> App {
    let mut app = app(Lang::Zh, 120, 40);
    app.settings.snippets = vec![Snippet {
        name: "thanks".into(),
        title: "感谢".into(),
        body: "{contact} 您好，工单 {ticket_id}（{subject}）已处理。{agent} {today}".into(),
    }];
    app.settings.macros = vec![Macro {
        name: "Solve".into(),
        key: Some(Keys::parse("ctrl-k").unwrap()),
        change: MacroChange {
            status: Some(TicketStatus::Solved),
            tags_add: vec!["已回访".into()],
            ..MacroChange::default()
        },
        snippet: Some("thanks".into()),
        builtin: false,
    }];
    app.settings.sla.by_priority = [SlaTarget {
        first_response: Some(60),
        resolution: Some(24 * 60),
    }; 4];
    let commands = show_all_tab(&mut app, page((1..=40).map(ticket).collect(), 40, false));
    answer_empty_history(&mut app, &commands);
    app
}

/// One step of a generated session.
#[derive(Debug, Clone)]
enum Step {
    /// A key, mapped by each app's own key map (an Alt key may be a glued Esc).
    Key(KeyEvent),
    /// The worker answers the n-th command still unanswered (modulo their number).
    Answer(usize),
    /// The worker answers it with an error.
    Fail(usize),
    /// A result for a request nobody waits for.
    Stale,
    /// The clock moves on by so many milliseconds.
    Tick(u32),
    Resize(u16, u16),
    /// Marks the selected ticket and asks for the preview of setting the fourth status.
    BulkPreview,
    Paste(String),
}

fn key() -> impl Strategy<Value = KeyEvent> {
    let plain = prop::sample::select(vec![
        'j', 'k', 'g', 'G', 'n', 'r', 'b', 's', 'y', 'H', 'u', 'a', 'x', 'q', '/', '#', '?', '1',
        '3', '9', ' ', 'V', '*', 'A', 'U', ']', '[', '<', '>', 'f', 'F', 'X', 'm', 'o', 'c', 'd',
        'L', 'e', 'R', '4',
    ])
    .prop_map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    let named = prop::sample::select(vec![
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Backspace,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::PageDown,
        KeyCode::F(1),
    ])
    .prop_map(|code| KeyEvent::new(code, KeyModifiers::NONE));
    let ctrl = prop::sample::select(vec!['d', 'u', 's', 't', 'a', 'w', 'k', 'j', 'z', 'g', 'o'])
        .prop_map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    let alt = prop::sample::select(vec!['j', 'q', 'b', 'x'])
        .prop_map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT));
    prop_oneof![6 => plain, 3 => named, 1 => ctrl, 1 => alt]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        10 => key().prop_map(Step::Key),
        3 => (0usize..8).prop_map(Step::Answer),
        1 => (0usize..8).prop_map(Step::Fail),
        1 => Just(Step::Stale),
        2 => (0u32..2500).prop_map(Step::Tick),
        1 => (40u16..200, 10u16..60).prop_map(|(w, h)| Step::Resize(w, h)),
        1 => Just(Step::BulkPreview),
        1 => "[a-z 一二]{0,6}".prop_map(Step::Paste),
    ]
}

/// A fixed answer to a command, by its kind; `None` for commands no answer is made up for.
fn answer(command: &Command, fail: bool) -> Option<WorkerEvent> {
    let error = || ApiError::NotFound(Some("gone".into()));
    Some(match command {
        Command::FetchList { id, .. } | Command::Search { id, .. } => WorkerEvent::Page {
            id: *id,
            result: if fail {
                Err(error())
            } else {
                Ok(page((41..=45).map(ticket).collect(), 45, false))
            },
        },
        Command::Show { id, ticket: n } => WorkerEvent::Shown {
            id: *id,
            ticket: *n,
            result: if fail { Err(error()) } else { Ok(ticket(*n)) },
        },
        Command::ShowMany { id, ids } => WorkerEvent::ShownMany {
            id: *id,
            result: if fail {
                Err(error())
            } else {
                Ok(ShowMany {
                    tickets: ids.iter().map(|n| ticket(*n)).collect(),
                    missing: vec![],
                    bad_items: vec![],
                })
            },
        },
        Command::Lookup { id, key } => WorkerEvent::Looked {
            id: *id,
            key: *key,
            result: if fail {
                Err(error())
            } else {
                Ok(match key {
                    LookupKey::Contact(n) => LookupValue::Contact(Contact {
                        id: *n,
                        name: format!("客户{n}"),
                        mobile: None,
                        email: None,
                        company_id: Some(7),
                    }),
                    LookupKey::Agents => LookupValue::Agents(vec![]),
                    LookupKey::FieldDefs => LookupValue::FieldDefs(vec![]),
                    LookupKey::Templates => LookupValue::Templates(vec![]),
                    LookupKey::Agent(n) => LookupValue::Agent(Agent {
                        id: *n,
                        name: format!("agent{n}"),
                        email: None,
                        group_ids: vec![],
                        is_admin: false,
                        active: true,
                    }),
                    LookupKey::Group(n) => LookupValue::Group(gongdan::api::Group {
                        id: *n,
                        name: "一线".into(),
                    }),
                    LookupKey::Company(n) => LookupValue::Company(gongdan::api::Company {
                        id: *n,
                        name: "公司".into(),
                    }),
                })
            },
        },
        Command::Bulk(BulkCommand::TicketsFor { id, ids }) => {
            WorkerEvent::Bulk(BulkEvent::Tickets {
                id: *id,
                result: if fail {
                    Err(gongdan::app::bulk_edit::BulkFailure::Api(error()))
                } else {
                    Ok(ids.iter().map(|n| ticket(*n)).collect())
                },
            })
        }
        _ => return None,
    })
}

/// The actions one step gives for an app (keys go through that app's key map).
fn actions(app: &App, step: &Step, waiting: &mut Vec<Command>, clock: &mut i64) -> Vec<Action> {
    match step {
        Step::Key(event) => match split_glued_escape(app, event) {
            // The second key is mapped after the first acted: see `apply`.
            Some(_) => vec![],
            None => action_for_key(app, event).into_iter().collect(),
        },
        Step::Answer(n) | Step::Fail(n) => {
            if waiting.is_empty() {
                return vec![];
            }
            let command = waiting.remove(n % waiting.len());
            answer(&command, matches!(step, Step::Fail(_)))
                .map(Action::Worker)
                .into_iter()
                .collect()
        }
        Step::Stale => vec![Action::Worker(WorkerEvent::Page {
            id: RequestId(999_999),
            result: Ok(Page::default()),
        })],
        Step::Tick(ms) => {
            *clock += i64::from(*ms);
            vec![Action::Tick {
                now: now() + Duration::milliseconds(*clock),
            }]
        }
        Step::Resize(width, height) => vec![Action::Resize {
            width: *width,
            height: *height,
        }],
        Step::BulkPreview => {
            let mut all = vec![
                Action::Marks(MarkAction::Toggle),
                Action::Bulk(BulkAction::Open),
            ];
            all.extend(std::iter::repeat_n(Action::Bulk(BulkAction::Right), 4));
            all.push(Action::Bulk(BulkAction::Enter));
            all
        }
        Step::Paste(text) => vec![Action::Paste(text.clone())],
    }
}

/// Applies one step to an app; returns every command it asked for, in order.
fn apply(app: &mut App, step: &Step, waiting: &mut Vec<Command>, clock: &mut i64) -> Vec<Command> {
    let mut out = Vec::new();
    let list = match step {
        Step::Key(event) => match split_glued_escape(app, event) {
            Some((esc, key)) => {
                // As the loop does: the Esc acts before the key after it is mapped.
                for key in [esc, key] {
                    if let Some(action) = action_for_key(app, &key) {
                        out.extend(update(app, action));
                    }
                }
                vec![]
            }
            None => actions(app, step, waiting, clock),
        },
        _ => actions(app, step, waiting, clock),
    };
    for action in list {
        out.extend(update(app, action));
    }
    waiting.extend(out.iter().cloned());
    out
}

/// `Debug` of the state with the entries of every `{…}` group sorted: hash maps and sets
/// list their entries in an order that differs between two maps of equal contents.
fn canonical(app: &App) -> String {
    let text = format!("{app:?}");
    let chars: Vec<char> = text.chars().collect();
    let mut at = 0;
    let mut out = String::with_capacity(text.len());
    while at < chars.len() {
        out.push_str(&group(&chars, &mut at, None));
    }
    out
}

/// Reads from `at` up to the `close` of the group it is in (or the end), canonically.
fn group(chars: &[char], at: &mut usize, close: Option<char>) -> String {
    let mut items = vec![String::new()];
    while *at < chars.len() {
        let c = chars[*at];
        *at += 1;
        match c {
            '"' | '\'' => {
                let last = items.last_mut().expect("one item at least");
                last.push(c);
                while *at < chars.len() {
                    let d = chars[*at];
                    *at += 1;
                    last.push(d);
                    if d == '\\' && *at < chars.len() {
                        last.push(chars[*at]);
                        *at += 1;
                    } else if d == c {
                        break;
                    }
                }
            }
            '{' | '[' | '(' => {
                let end = match c {
                    '{' => '}',
                    '[' => ']',
                    _ => ')',
                };
                let inner = group(chars, at, Some(end));
                let last = items.last_mut().expect("one item at least");
                last.push(c);
                last.push_str(&inner);
                last.push(end);
            }
            ',' if close == Some('}') => items.push(String::new()),
            c if Some(c) == close => break,
            c => items.last_mut().expect("one item at least").push(c),
        }
    }
    if close == Some('}') {
        for item in &mut items {
            *item = item.trim().to_string();
        }
        items.sort();
    }
    items.join(",")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_same_actions_give_the_same_state_and_commands(
        steps in prop::collection::vec(step(), 1..40)
    ) {
        let (mut a, mut b) = (fixture(), fixture());
        prop_assert_eq!(canonical(&a), canonical(&b));
        let (mut waiting_a, mut waiting_b) = (Vec::new(), Vec::new());
        let (mut clock_a, mut clock_b) = (0, 0);
        for (n, step) in steps.iter().enumerate() {
            let out_a = apply(&mut a, step, &mut waiting_a, &mut clock_a);
            let out_b = apply(&mut b, step, &mut waiting_b, &mut clock_b);
            prop_assert_eq!(&out_a, &out_b, "commands differ at step {} ({:?})", n, step);
            prop_assert!(
                canonical(&a) == canonical(&b),
                "states differ at step {} ({:?})",
                n,
                step
            );
        }
    }
}

/// The canonical form does not hide a real difference: one key apart, the states differ.
#[test]
fn the_comparison_sees_a_difference() {
    let (mut a, b) = (fixture(), fixture());
    assert_eq!(canonical(&a), canonical(&b));
    update(&mut a, Action::MoveDown);
    assert_ne!(canonical(&a), canonical(&b));
}

/// A bulk preview planned in both apps carries the same run id and time, from the app's
/// clock (the last tick) and its run-id seed, not from the wall clock.
#[test]
fn a_plan_is_stamped_from_the_app_clock() {
    let (mut a, mut b) = (fixture(), fixture());
    let mut none = (Vec::new(), 0);
    for app in [&mut a, &mut b] {
        apply(app, &Step::Tick(1500), &mut none.0, &mut none.1);
        none.1 = 0;
        apply(app, &Step::BulkPreview, &mut none.0, &mut none.1);
    }
    let plan = |app: &App| match &app.bulk.stage {
        Some(gongdan::app::bulk_edit::Stage::Preview { plan, .. }) => plan.clone(),
        other => panic!("no preview: {other:?}"),
    };
    let (pa, pb) = (plan(&a), plan(&b));
    assert_eq!((&pa.run_id, pa.created), (&pb.run_id, pb.created));
    // The fixture's clock is 12:00:01.5 in the server's zone (UTC+8): 04:00:01 UTC.
    assert_eq!(pa.run_id, "20261129-040001-0000");
}

/// The triage keys in a fixed order, so that the test above cannot miss them by chance: a
/// reply with a canned reply filled in (its `{today}` from the app's clock), the macro
/// menu's preview, the facets and the filter prompt. Both apps reach each pane and stay equal.
#[test]
fn the_triage_keys_give_the_same_state_and_commands() {
    use gongdan::app::state::Pane;
    let (mut a, mut b) = (fixture(), fixture());
    let key = |c: char| Step::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    let ctrl = |c: char| Step::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    let named = |code: KeyCode| Step::Key(KeyEvent::new(code, KeyModifiers::NONE));
    let script: Vec<(Step, Option<Pane>)> = vec![
        (Step::Tick(1500), None),
        (named(KeyCode::Enter), Some(Pane::Detail)),
        (key('r'), Some(Pane::Composer)),
        (ctrl('g'), None),
        (named(KeyCode::Enter), Some(Pane::Composer)),
        (named(KeyCode::Esc), None),
        (named(KeyCode::Esc), None),
        (named(KeyCode::Esc), Some(Pane::List)),
        (key('m'), Some(Pane::MacroMenu)),
        // The built-in "assign to me" first, then the configured macro.
        (key('j'), Some(Pane::MacroMenu)),
        (named(KeyCode::Enter), Some(Pane::BulkPreview)),
        (named(KeyCode::Esc), Some(Pane::List)),
        (key('F'), Some(Pane::Facets)),
        (named(KeyCode::Esc), Some(Pane::List)),
        (key('f'), Some(Pane::Prompt)),
        (Step::Paste("客户".into()), Some(Pane::Prompt)),
        (named(KeyCode::Esc), Some(Pane::List)),
    ];
    let (mut waiting_a, mut waiting_b) = (Vec::new(), Vec::new());
    let (mut clock_a, mut clock_b) = (0, 0);
    for (n, (step, pane)) in script.iter().enumerate() {
        let out_a = apply(&mut a, step, &mut waiting_a, &mut clock_a);
        let out_b = apply(&mut b, step, &mut waiting_b, &mut clock_b);
        assert_eq!(out_a, out_b, "commands differ at step {n} ({step:?})");
        assert!(
            canonical(&a) == canonical(&b),
            "states differ at step {n} ({step:?})"
        );
        if let Some(pane) = pane {
            assert_eq!(a.pane(), *pane, "step {n} ({step:?})");
        }
        if n == 4 {
            // The canned reply went in, filled from the ticket and the app's clock.
            let text = a
                .compose
                .composer
                .as_ref()
                .map(|c| c.text())
                .unwrap_or_default();
            assert!(
                text.contains("已处理") && !text.contains("{today}"),
                "{text}"
            );
        }
    }
}
