//! Watched views in `update` (issue 17, item 7): with auto-refresh a watched view is read
//! again even behind another tab; tickets new to its first page give one `Command::Notify`
//! per refresh (none for the first answer, none for an unwatched view); its tab counts
//! them until the view is seen.

#![allow(clippy::unwrap_used)]

mod common;

use chrono::Duration;
use common::*;
use gongdan::api::{SearchQuery, SearchTerm};
use gongdan::app::watch::{Notify, Watch};
use gongdan::app::{
    Action, App, Command, RequestId, Settings, ViewName, ViewSource, ViewSpec, update,
};
use gongdan::lang::Lang;

fn by_priority(level: &str) -> ViewSpec {
    let name = format!("P{level}");
    ViewSpec {
        name: ViewName::Custom(name),
        source: ViewSource::Search(SearchQuery {
            terms: vec![SearchTerm::Field {
                field: "priorityLevel".into(),
                values: vec![level.into()],
            }],
            ..SearchQuery::default()
        }),
        fallback: None,
        columns: None,
    }
}

/// Tabs: the four defaults, then P4 (watched: bell and desktop) and P3 (not watched).
fn watch_app(lang: Lang) -> (App, Vec<Command>) {
    let settings = Settings {
        lang,
        account_label: "admin@127.0.0.1".into(),
        auto_refresh_secs: Some(30),
        extra_views: vec![by_priority("4"), by_priority("3")],
        watch: vec![(ViewName::Custom("P4".into()), Watch::Both)],
        ..Settings::default()
    };
    let mut app = App::new(settings, now());
    update(
        &mut app,
        Action::Resize {
            width: 120,
            height: 30,
        },
    );
    let commands = update(&mut app, Action::Start);
    (app, commands)
}

fn is_priority(level: &'static str) -> impl Fn(&Command) -> bool {
    move |c| match c {
        Command::Search { query, .. } => query.terms.iter().any(|t| {
            matches!(t, SearchTerm::Field { field, values }
                if field == "priorityLevel" && values.join(",") == level)
        }),
        _ => false,
    }
}

fn request(commands: &[Command], level: &'static str) -> Option<RequestId> {
    commands
        .iter()
        .find(|c| is_priority(level)(c))
        .and_then(Command::request_id)
}

fn answer(app: &mut App, id: RequestId, ids: &[u64]) -> Vec<Command> {
    let tickets = ids.iter().map(|id| search_hit(*id)).collect();
    answer_page(app, id, page(tickets, ids.len() as u64, false))
}

fn notifies(commands: &[Command]) -> Vec<Notify> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Notify(n) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

/// A tick `secs` after start.
fn tick(app: &mut App, secs: i64) -> Vec<Command> {
    update(
        app,
        Action::Tick {
            now: now() + Duration::seconds(secs),
        },
    )
}

/// The P4 view's first page, asked at start when its tab is not shown: read it now.
fn first_answer(app: &mut App, start: &[Command], ids: &[u64]) -> Vec<Command> {
    let id = match request(start, "4") {
        Some(id) => id,
        None => {
            let asked = tick(app, 1);
            request(&asked, "4").expect("the watched view is read")
        }
    };
    answer(app, id, ids)
}

fn tab_line(app: &App) -> String {
    screen_lines(app)[0].clone()
}

#[test]
fn new_tickets_in_a_watched_view_behind_another_tab_notify_once_per_refresh() {
    let (mut app, start) = watch_app(Lang::En);
    // The first answer only learns what is there.
    assert!(notifies(&first_answer(&mut app, &start, &[1, 2])).is_empty());
    assert!(!tab_line(&app).contains("new"), "{}", tab_line(&app));
    // Auto-refresh reads the watched view too, though tab 1 is shown.
    let asked = tick(&mut app, 31);
    let id = request(&asked, "4").expect("the watched view is read again");
    assert!(request(&asked, "3").is_none(), "the unwatched view is not");
    let out = answer(&mut app, id, &[3, 1, 2]);
    let told = notifies(&out);
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].count, 1);
    assert_eq!(told[0].ticket, 3);
    assert_eq!(told[0].subject, search_hit(3).subject);
    assert!(told[0].bell && told[0].desktop);
    assert_eq!(told[0].view, ViewName::Custom("P4".into()));
    assert!(
        tab_line(&app).contains("5 P4 (3) +1 new"),
        "{}",
        tab_line(&app)
    );
    // Nothing new: nothing said. Two new at once: one notification for both.
    let id = request(&tick(&mut app, 62), "4").unwrap();
    assert!(notifies(&answer(&mut app, id, &[3, 1, 2])).is_empty());
    let id = request(&tick(&mut app, 93), "4").unwrap();
    let told = notifies(&answer(&mut app, id, &[5, 4, 3, 1, 2]));
    assert_eq!(told.len(), 1);
    assert_eq!((told[0].count, told[0].ticket), (2, 5));
    assert!(tab_line(&app).contains("+3 new"), "{}", tab_line(&app));
    // A key elsewhere does not see it; showing the view does.
    update(&mut app, Action::MoveDown);
    assert!(tab_line(&app).contains("+3 new"));
    update(&mut app, Action::SelectView(4));
    assert!(!tab_line(&app).contains("new"), "{}", tab_line(&app));
    assert_eq!(app.watching.new_in(4), 0);
}

#[test]
fn a_view_not_watched_never_notifies() {
    let (mut app, start) = watch_app(Lang::Zh);
    update(&mut app, Action::SelectView(5));
    let id = request(&start, "3")
        .or_else(|| request(&tick(&mut app, 1), "3"))
        .unwrap_or_else(|| {
            let asked = update(&mut app, Action::Reload);
            request(&asked, "3").unwrap()
        });
    assert!(notifies(&answer(&mut app, id, &[1])).is_empty());
    let id = request(&tick(&mut app, 31), "3").unwrap();
    assert!(notifies(&answer(&mut app, id, &[2, 1])).is_empty());
    assert!(!tab_line(&app).contains('+'), "{}", tab_line(&app));
}

#[test]
fn the_tab_says_how_many_are_new_in_chinese_too() {
    let (mut app, start) = watch_app(Lang::Zh);
    first_answer(&mut app, &start, &[1]);
    let id = request(&tick(&mut app, 31), "4").unwrap();
    answer(&mut app, id, &[2, 1]);
    let tabs = tab_line(&app);
    assert!(tabs.contains("+1新"), "{tabs}");
}

#[test]
fn without_auto_refresh_a_watched_view_is_not_read_behind_the_tab() {
    let (mut app, _) = watch_app(Lang::En);
    app.settings.auto_refresh_secs = None;
    assert!(request(&tick(&mut app, 31), "4").is_none());
    assert!(request(&tick(&mut app, 62), "4").is_none());
}

/// The local view asked in `commands`.
fn local_asked(commands: &[Command]) -> Option<RequestId> {
    commands.iter().find_map(|c| match c {
        Command::LocalView { id, .. } => Some(*id),
        _ => None,
    })
}

fn store_answer(app: &mut App, id: RequestId, ids: &[u64]) -> Vec<Command> {
    update(
        app,
        Action::Worker(gongdan::app::WorkerEvent::LocalRows {
            id,
            rows: Some(gongdan::app::LocalAnswer {
                ids: ids.to_vec(),
                tickets: vec![],
                hits: vec![],
                as_of: now(),
                unknown: 0,
                facets: None,
            }),
        }),
    )
}

#[test]
fn a_watched_view_from_the_store_tells_of_new_tickets_and_not_of_its_first_answer() {
    let (mut app, start) = watch_app(Lang::En);
    app.settings.local_store = true;
    assert!(notifies(&first_answer(&mut app, &start, &[1, 2])).is_empty());
    update(
        &mut app,
        Action::Worker(gongdan::app::WorkerEvent::Synced {
            id: RequestId(0),
            tickets: vec![],
            partial: false,
            server: Some(Ok(())),
        }),
    );
    // Shown once: the store answers the whole view, more rows than the server's first
    // page, none of them new.
    let id = local_asked(&update(&mut app, Action::SelectView(4))).expect("asked of the store");
    assert!(notifies(&store_answer(&mut app, id, &[1, 2, 5, 6])).is_empty());
    // Behind tab 1 again: a refresh reads it from the store, and a ticket the sync brought
    // is told of.
    update(&mut app, Action::SelectView(0));
    let id = local_asked(&tick(&mut app, 31)).expect("the watched view is read again");
    let told = notifies(&store_answer(&mut app, id, &[7, 1, 2, 5, 6]));
    assert_eq!(told.len(), 1);
    assert_eq!((told[0].count, told[0].ticket), (1, 7));
    assert!(tab_line(&app).contains("+1 new"), "{}", tab_line(&app));
}

/// At 80 columns six tabs do not fit whole: the tabs farthest from the one shown give way
/// first (counts, then names), so every view keeps its number and a watched view behind
/// keeps its "+N" in both languages; the account stays whole; the tab shown keeps its count.
#[test]
fn at_80_columns_every_tab_keeps_its_number_and_what_is_new() {
    for lang in [Lang::En, Lang::Zh] {
        let (mut app, start) = watch_app(lang);
        update(
            &mut app,
            Action::Resize {
                width: 80,
                height: 24,
            },
        );
        first_answer(&mut app, &start, &[1]);
        let id = request(&tick(&mut app, 31), "4").unwrap();
        answer(&mut app, id, &[3, 2, 1]);
        app.views[3].breached = 7;
        let tabs = tab_line(&app);
        for number in 1..=6 {
            assert!(tabs.contains(&format!(" {number} ")), "{lang:?}: {tabs}");
        }
        assert!(
            tabs.contains(" 5 P4 +2 ") || tabs.contains(" 5 +2 "),
            "{lang:?}: {tabs}"
        );
        assert!(tabs.contains("!7"), "{lang:?}: {tabs}");
        assert!(
            tabs.trim_end().ends_with("admin@127.0.0.1"),
            "{lang:?}: {tabs}"
        );
        // The tab shown is whole: its name and count.
        // (A wide character's second cell reads as a space here.)
        let shown = match lang {
            Lang::En => "1New(",
            Lang::Zh => "1新建(",
        };
        assert!(tabs.replace(' ', "").contains(shown), "{lang:?}: {tabs}");
        // Showing the watched view: its tab is whole (the "+2" is seen), the others give way.
        update(&mut app, Action::SelectView(4));
        let tabs = tab_line(&app);
        assert!(tabs.contains(" 5 P4 ("), "{lang:?}: {tabs}");
        assert!(
            tabs.contains(" 1 ") && tabs.contains(" 6 "),
            "{lang:?}: {tabs}"
        );
    }
}

/// While a search is shown no tab is active: every tab gives way (the leftmost first), so
/// on a narrow screen the numbers still show and the search's own label, the view shown,
/// stays whole.
#[test]
fn on_a_narrow_screen_a_search_s_label_stays_whole_and_the_tabs_give_way() {
    for lang in [Lang::En, Lang::Zh] {
        let (mut app, _start) = watch_app(lang);
        update(
            &mut app,
            Action::Resize {
                width: 56,
                height: 24,
            },
        );
        update(&mut app, Action::StartSearch);
        update(&mut app, Action::Paste("打印机".into()));
        update(&mut app, Action::InputSubmit);
        assert!(app.search.is_some(), "{lang:?}: a search is shown");
        let tabs = tab_line(&app);
        for number in 1..=6 {
            assert!(tabs.contains(&format!(" {number} ")), "{lang:?}: {tabs}");
        }
        // The search's label, whole (a wide character's second cell reads as a space).
        assert!(
            tabs.replace(' ', "").contains("打印机("),
            "{lang:?}: {tabs}"
        );
        assert!(
            tabs.trim_end().ends_with("admin@127.0.0.1"),
            "{lang:?}: {tabs}"
        );
    }
}
