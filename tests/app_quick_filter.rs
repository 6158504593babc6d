//! Issue 17, item 5: quick filters. `F` opens the view's facets with counts over its rows;
//! a value's key (two keys in all) narrows the view: a server search view asks the server
//! with one more term, a view from the store is narrowed over its tickets, a server list
//! view refuses; the tab shows the filter and `X` clears it; Ctrl-S saves the view shown in
//! the config file (the loop writes it; its answer adds the tab). Snapshots of the facets at
//! 80×24 in both languages.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gongdan::api::{SearchQuery, SearchTerm, Ticket, TicketStatus};
use gongdan::app::facets::{FacetAction, FacetValue};
use gongdan::app::keymap::action_for_key;
use gongdan::app::notice::Note;
use gongdan::app::state::{ViewName, ViewSource, ViewSpec};
use gongdan::app::{Action, App, Command, LocalAnswer, RequestId, Settings, WorkerEvent, update};
use gongdan::lang::Lang;

fn ch(c: char) -> KeyEvent {
    let mods = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    KeyEvent::new(KeyCode::Char(c), mods)
}

/// A console with a fifth tab "Queue" (a search) holding tickets 1..=6, and a local store
/// when `store`.
fn queue_console(lang: Lang, store: bool) -> App {
    let settings = Settings {
        lang,
        account_label: "admin@127.0.0.1".into(),
        local_store: store,
        extra_views: vec![ViewSpec {
            name: ViewName::Custom("Queue".into()),
            source: ViewSource::Search(SearchQuery::parse("ticketStatus:1,2,3").unwrap()),
            fallback: None,
            columns: None,
        }],
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
    let mut commands = start(&mut app);
    for status in ["1", "2", "3"] {
        answer_page(
            &mut app,
            find(&commands, is_search_for(status)),
            page(vec![], 0, false),
        );
    }
    commands.extend(update(&mut app, Action::SelectView(4)));
    let search = find(&commands, is_search_for("1,2,3"));
    let tickets: Vec<Ticket> = (1..=6).map(ticket).collect();
    commands.extend(answer_page(&mut app, search, page(tickets, 6, false)));
    answer_lookups(&mut app, &commands);
    app.notice = None;
    app
}

fn facets(app: &mut App, action: FacetAction) -> Vec<Command> {
    update(app, Action::Facets(action))
}

fn count_of(app: &App, value: &FacetValue) -> Option<usize> {
    let menu = app.facets.as_ref()?;
    menu.entries
        .iter()
        .find(|e| e.value == *value)
        .map(|e| e.count)
}

fn searched_terms(commands: &[Command]) -> Option<Vec<SearchTerm>> {
    commands.iter().find_map(|c| match c {
        Command::Search { query, .. } => Some(query.terms.clone()),
        _ => None,
    })
}

fn tag(text: &str) -> FacetValue {
    FacetValue::Tag(text.into())
}

#[test]
fn f_counts_each_value_over_the_views_rows() {
    let mut app = queue_console(Lang::En, false);
    facets(&mut app, FacetAction::Open);
    // Tickets 1..=6: statuses cycle open, pending, new; even ids carry both tags;
    // assignees 10 + id % 3.
    for status in [TicketStatus::New, TicketStatus::Open, TicketStatus::Pending] {
        assert_eq!(count_of(&app, &FacetValue::Status(status)), Some(2));
    }
    assert_eq!(count_of(&app, &tag("vip客户")), Some(3));
    assert_eq!(count_of(&app, &tag("普通客户")), Some(3));
    assert_eq!(count_of(&app, &FacetValue::Assignee(Some(10))), Some(2));
    assert_eq!(count_of(&app, &FacetValue::Group(Some(1))), Some(6));
    // A search hit's fields are not known: it counts for no value.
    let hit = search_hit(7);
    let menu = gongdan::app::facets::entries(&[hit]);
    assert!(menu.is_empty(), "{menu:?}");
}

#[test]
fn two_keys_narrow_a_search_view_by_the_server_and_x_clears_it() {
    let mut app = queue_console(Lang::En, false);
    // F opens the facets; the key on a value's line picks it.
    assert_eq!(
        action_for_key(&app, &ch('F')),
        Some(Action::Facets(FacetAction::Open))
    );
    let open = action_for_key(&app, &ch('F')).unwrap();
    update(&mut app, open);
    let menu = app.facets.clone().unwrap();
    let at = menu
        .entries
        .iter()
        .position(|e| e.value == tag("vip客户"))
        .unwrap();
    let keys = gongdan::app::keymap::FACET_KEYS;
    let key = keys[at].chars().next().unwrap();
    let pick = action_for_key(&app, &ch(key)).unwrap();
    assert_eq!(pick, Action::Facets(FacetAction::Pick(at)));
    let commands = update(&mut app, pick);
    assert!(app.facets.is_none());
    // The server is asked with one more term: every page is narrowed.
    let terms = searched_terms(&commands).unwrap();
    assert!(
        terms.contains(&SearchTerm::Field {
            field: "tagList".into(),
            values: vec!["vip客户".into()],
        }),
        "{terms:?}"
    );
    assert_eq!(app.current_view().quick, Some(tag("vip客户")));
    // The tab shows it (wide enough for the fifth tab beside the account).
    update(
        &mut app,
        Action::Resize {
            width: 160,
            height: 40,
        },
    );
    let tabs = screen_lines(&app)[0].replace(' ', "");
    assert!(tabs.contains("[Tags=vip客户]"), "{tabs}");
    // X clears it: the search without the term.
    assert_eq!(
        action_for_key(&app, &ch('X')),
        Some(Action::Facets(FacetAction::Clear))
    );
    let commands = facets(&mut app, FacetAction::Clear);
    let terms = searched_terms(&commands).unwrap();
    assert!(
        !terms
            .iter()
            .any(|t| matches!(t, SearchTerm::Field { field, .. } if field == "tagList")),
        "{terms:?}"
    );
    assert_eq!(app.current_view().quick, None);
    assert_eq!(
        app.notice.as_ref().map(|n| n.note.clone()),
        Some(Note::QuickFilterCleared)
    );
}

#[test]
fn esc_closes_the_facets_and_changes_nothing() {
    let mut app = queue_console(Lang::En, false);
    facets(&mut app, FacetAction::Open);
    let commands = update(&mut app, Action::Back);
    assert!(app.facets.is_none());
    assert_eq!(searched_terms(&commands), None);
    assert_eq!(app.current_view().quick, None);
}

#[test]
fn a_server_list_view_refuses_and_keeps_its_rows() {
    let mut app = app(Lang::En, 80, 24);
    show_all_tab(&mut app, page((1..=6).map(ticket).collect(), 6, false));
    let all = app.views[3].ids.clone();
    assert_eq!(all.len(), 6);
    facets(&mut app, FacetAction::Open);
    let commands = facets(&mut app, FacetAction::Pick(0));
    assert!(commands.is_empty(), "{commands:?}");
    assert_eq!(app.current_view().quick, None);
    assert_eq!(app.views[3].ids, all);
    assert_eq!(
        app.notice.as_ref().map(|n| n.note.clone()),
        Some(Note::QuickFilterListView)
    );
}

fn local_asked(commands: &[Command]) -> Option<RequestId> {
    commands.iter().find_map(|c| match c {
        Command::LocalView { id, .. } => Some(*id),
        _ => None,
    })
}

fn answer_local(app: &mut App, id: RequestId, ids: &[u64]) {
    answer_local_with(app, id, ids, None);
}

/// The worker's answer, with the facets it counted when asked.
fn answer_local_with(
    app: &mut App,
    id: RequestId,
    ids: &[u64],
    facets: Option<Vec<gongdan::app::facets::FacetEntry>>,
) {
    update(
        app,
        Action::Worker(WorkerEvent::LocalRows {
            id,
            rows: Some(LocalAnswer {
                ids: ids.to_vec(),
                tickets: vec![],
                hits: vec![],
                as_of: now(),
                unknown: 0,
                facets,
            }),
        }),
    );
}

/// The quick filter and the facets a local view asked for.
fn local_quick(commands: &[Command]) -> Option<(Option<FacetValue>, bool)> {
    commands.iter().find_map(|c| match c {
        Command::LocalView { quick, facets, .. } => Some((quick.clone(), *facets)),
        _ => None,
    })
}

/// `F` over a view from the store: the worker counts every row (the app holds only those
/// near the screen), and the menu opens with its answer.
fn open_store_facets(app: &mut App) {
    let commands = facets(app, FacetAction::Open);
    assert_eq!(
        local_quick(&commands).map(|(_, f)| f),
        Some(true),
        "{commands:?}"
    );
    assert!(
        app.facets.is_none(),
        "the menu waits for the worker's counts"
    );
    let tickets: Vec<_> = (1..=6).map(ticket).collect();
    let counted = gongdan::app::facets::entries(&tickets);
    let ids = app.current_view().ids.clone();
    answer_local_with(app, local_asked(&commands).unwrap(), &ids, Some(counted));
    assert!(app.facets.is_some(), "the menu opens with the counts");
}

#[test]
fn a_store_view_is_narrowed_over_its_tickets_and_x_brings_them_back() {
    let mut app = queue_console(Lang::En, true);
    first_sync_answers(&mut app);
    open_store_facets(&mut app);
    let at = entry_of(&app, "vip客户");
    let commands = facets(&mut app, FacetAction::Pick(at));
    // The store answers the view again narrowed by the tag, apart from its definition (a
    // tag term there would leave the store unable to answer for search hits).
    assert_eq!(searched_terms(&commands), None);
    assert_eq!(
        local_quick(&commands),
        Some((Some(tag("vip客户")), false)),
        "the worker narrows every row"
    );
    let source = commands.iter().find_map(|c| match c {
        Command::LocalView { source, .. } => Some(source.clone()),
        _ => None,
    });
    let Some(ViewSource::Search(query)) = source else {
        panic!("no local view asked: {commands:?}");
    };
    assert!(
        !query
            .terms
            .iter()
            .any(|t| matches!(t, SearchTerm::Field { field, .. } if field == "tagList")),
        "{query:?}"
    );
    answer_local(&mut app, local_asked(&commands).unwrap(), &[6, 4, 2]);
    assert_eq!(app.current_view().ids, vec![6, 4, 2]);
    assert_eq!(app.current_view().total, Some(3));
    let commands = facets(&mut app, FacetAction::Clear);
    assert_eq!(local_quick(&commands), Some((None, false)));
    answer_local(
        &mut app,
        local_asked(&commands).unwrap(),
        &[6, 5, 4, 3, 2, 1],
    );
    assert_eq!(app.current_view().ids.len(), 6);
}

#[test]
fn the_facets_at_80x24_in_both_languages() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = queue_console(lang, false);
        facets(&mut app, FacetAction::Open);
        update(&mut app, Action::MoveDown);
        let name = format!(
            "facets_{}_80x24",
            if lang == Lang::En { "en" } else { "zh" }
        );
        insta::assert_snapshot!(name, screen_lines(&app).join("\n"));
    }
}

fn saved(commands: &[Command]) -> Option<(String, String, String)> {
    commands.iter().find_map(|c| match c {
        Command::SaveView {
            profile,
            name,
            search,
            ..
        } => Some((profile.clone(), name.clone(), search.clone())),
        _ => None,
    })
}

fn with_config(mut app: App) -> App {
    app.settings.config_path = Some("/tmp/gongdan-test/config.toml".into());
    app.settings.profile_name = Some("work".into());
    app
}

fn type_name(app: &mut App, name: &str) -> Vec<Command> {
    let commands = facets(app, FacetAction::SaveView);
    assert!(commands.is_empty());
    assert_eq!(
        app.prompt.as_ref().map(|p| p.kind),
        Some(gongdan::app::state::PromptKind::SaveView)
    );
    for c in name.chars() {
        update(app, Action::InputChar(c));
    }
    update(app, Action::InputSubmit)
}

#[test]
fn ctrl_s_saves_the_search_with_its_quick_filter_and_the_answer_adds_a_tab() {
    let mut app = with_config(queue_console(Lang::En, false));
    let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(
        action_for_key(&app, &ctrl_s),
        Some(Action::Facets(FacetAction::SaveView))
    );
    facets(&mut app, FacetAction::Open);
    let at = entry_of(&app, "vip客户");
    facets(&mut app, FacetAction::Pick(at));
    let commands = type_name(&mut app, "VIP");
    assert_eq!(
        saved(&commands),
        Some((
            "work".into(),
            "VIP".into(),
            "ticketStatus:1,2,3 tagList:vip客户".into()
        ))
    );
    assert!(app.prompt.is_none());
    // The loop wrote it: one more tab, as at the next start.
    let tabs = app.views.len();
    update(
        &mut app,
        Action::ViewSaved {
            name: "VIP".into(),
            search: "ticketStatus:1,2,3 tagList:vip客户".into(),
            result: Ok("/tmp/gongdan-test/config.toml".into()),
        },
    );
    assert_eq!(app.views.len(), tabs + 1);
    assert_eq!(app.views[tabs].spec.name, ViewName::Custom("VIP".into()));
    // A file that could not be written: said, and no tab.
    update(
        &mut app,
        Action::ViewSaved {
            name: "Other".into(),
            search: "ticketStatus:1".into(),
            result: Err("Could not write the config file /x: Permission denied".into()),
        },
    );
    assert_eq!(app.views.len(), tabs + 1);
    let notice = app.notice.clone().unwrap();
    assert!(notice.is_error);
    assert!(matches!(notice.note, Note::ViewSaveFailed(_)));
    let line = screen_lines(&app).last().cloned().unwrap();
    assert!(line.contains("not saved"), "{line}");
}

#[test]
fn ctrl_s_refuses_without_a_config_or_with_a_plain_text_filter_and_a_blank_name() {
    // No profile of a config file: nowhere to save.
    let mut app = queue_console(Lang::En, false);
    let commands = type_name(&mut app, "VIP");
    assert_eq!(saved(&commands), None);
    assert_eq!(
        app.notice.as_ref().map(|n| n.note.clone()),
        Some(Note::SaveViewNoConfig)
    );
    // A blank name keeps the prompt open.
    let mut app = with_config(queue_console(Lang::En, false));
    let commands = type_name(&mut app, "  ");
    assert_eq!(saved(&commands), None);
    assert!(app.prompt.is_some());
    // A store view narrowed by a plain text: no search can say it.
    let mut app = with_config(queue_console(Lang::En, true));
    first_sync_answers(&mut app);
    update(&mut app, Action::StartFilter);
    for c in "\"a b\"".chars() {
        update(&mut app, Action::InputChar(c));
    }
    update(&mut app, Action::InputSubmit);
    let commands = type_name(&mut app, "AB");
    assert_eq!(saved(&commands), None);
    assert_eq!(
        app.notice.as_ref().map(|n| n.note.clone()),
        Some(Note::SaveViewPlainText)
    );
    // A query typed is saved with the view's own search.
    update(&mut app, Action::StartFilter);
    for _ in 0..5 {
        update(&mut app, Action::InputBackspace);
    }
    for c in "priorityLevel:4".chars() {
        update(&mut app, Action::InputChar(c));
    }
    update(&mut app, Action::InputSubmit);
    let commands = type_name(&mut app, "Urgent");
    assert_eq!(
        saved(&commands).map(|(_, _, search)| search),
        Some("ticketStatus:1,2,3 priorityLevel:4".into())
    );
}

#[test]
fn the_marked_view_is_neither_quick_filtered_nor_saved() {
    use gongdan::app::marks::MarkAction;
    let mut app = with_config(queue_console(Lang::En, false));
    update(&mut app, Action::Marks(MarkAction::Toggle));
    update(&mut app, Action::Marks(MarkAction::OnlyMarked));
    assert_eq!(app.current_view().spec.name, ViewName::Marked);
    let marked = app.current_view().ids.clone();
    facets(&mut app, FacetAction::Open);
    let commands = facets(&mut app, FacetAction::Pick(0));
    assert!(commands.is_empty(), "{commands:?}");
    assert_eq!(app.current_view().ids, marked);
    assert_eq!(
        app.notice.as_ref().map(|n| n.note.clone()),
        Some(Note::NotForMarked)
    );
    app.notice = None;
    let commands = type_name(&mut app, "Marks");
    assert_eq!(saved(&commands), None);
    assert_eq!(
        app.notice.as_ref().map(|n| n.note.clone()),
        Some(Note::NotForMarked)
    );
}

#[test]
fn a_store_list_view_going_back_to_the_server_drops_its_quick_filter() {
    let mut app = app(Lang::En, 80, 24);
    app.settings.local_store = true;
    show_all_tab(&mut app, page((1..=6).map(ticket).collect(), 6, false));
    first_sync_answers(&mut app);
    open_store_facets(&mut app);
    let at = entry_of(&app, "vip客户");
    let commands = facets(&mut app, FacetAction::Pick(at));
    answer_local(&mut app, local_asked(&commands).unwrap(), &[6, 4, 2]);
    assert_eq!(app.current_view().ids, vec![6, 4, 2]);
    // The store can no longer answer: the list's rows are the server's, unnarrowed, and
    // the tab no longer names a filter it does not apply.
    let commands = update(&mut app, Action::Reload);
    let id = local_asked(&commands).unwrap();
    update(
        &mut app,
        Action::Worker(WorkerEvent::LocalRows { id, rows: None }),
    );
    assert_eq!(app.current_view().local, None);
    assert_eq!(app.current_view().quick, None);
}

/// The first sync ends and the store answers the view shown with tickets 6 to 1.
fn first_sync_answers(app: &mut App) {
    let synced = update(
        app,
        Action::Worker(WorkerEvent::Synced {
            id: RequestId(0),
            server: Some(Ok(())),
            tickets: vec![],
            partial: false,
        }),
    );
    answer_local(app, local_asked(&synced).unwrap(), &[6, 5, 4, 3, 2, 1]);
}

/// Where the open facets menu lists the tag `name`.
fn entry_of(app: &App, name: &str) -> usize {
    app.facets
        .as_ref()
        .unwrap()
        .entries
        .iter()
        .position(|e| e.value == tag(name))
        .unwrap()
}
